import StemModel

/// The synapses of one connection, as the mapper needs them: which source neurons a set of
/// output neurons reads, and the weight of one (source, output) pair (docs/stem-spec.md,
/// "The network": the same wiring the golden model's GraphWiring delivers through).
extension Connection {
    /// The weight from source neuron `source` (of a source of shape `input`) to neuron `output`
    /// (of a layer of shape `layer`), or nil when this connection does not join them.
    func synapse(from source: Int, of input: Shape, to output: Int, of layer: Shape) -> Int64? {
        switch kind {
        case .dense:
            return weights[output][source]
        case .identity:
            return source == output ? weights[0][source / input.plane] : nil
        case .conv, .pool:
            let (ci, sy, sx) = (source / input.plane, (source % input.plane) / input.width, source % input.width)
            let (co, oy, ox) = (output / layer.plane, (output % layer.plane) / layer.width, output % layer.width)
            let pad = kind == .conv ? padding : [0, 0]
            let ky = sy + pad[0] - oy * stride[0], kx = sx + pad[1] - ox * stride[1]
            guard (0..<kernel[0]).contains(ky), (0..<kernel[1]).contains(kx) else { return nil }
            if kind == .pool { return ci == co ? 1 : nil }
            return convWeight(co, ci, ky, kx)
        }
    }

    /// The source neurons (ascending) that at least one of `outputs` reads through this
    /// connection. `mark` is scratch space of `input.count` falses, left all false again.
    func sources(of outputs: [Int], input: Shape, layer: Shape, mark: inout [Bool]) -> [Int] {
        switch kind {
        case .dense:
            return Array(0..<input.count)
        case .identity:
            return outputs.sorted()
        case .conv, .pool:
            var found: [Int] = []
            let pad = kind == .conv ? padding : [0, 0]
            for output in outputs {
                let (co, oy, ox) = (output / layer.plane, (output % layer.plane) / layer.width, output % layer.width)
                let channels = kind == .conv ? 0..<input.channels : co..<(co + 1)
                for ky in 0..<kernel[0] {
                    let sy = oy * stride[0] - pad[0] + ky
                    guard sy >= 0, sy < input.height else { continue }
                    for kx in 0..<kernel[1] {
                        let sx = ox * stride[1] - pad[1] + kx
                        guard sx >= 0, sx < input.width else { continue }
                        for ci in channels {
                            let s = input.index(ci, sy, sx)
                            if !mark[s] { mark[s] = true; found.append(s) }
                        }
                    }
                }
            }
            for s in found { mark[s] = false }
            return found.sorted()
        }
    }

    /// An upper bound of the source neurons a tile of `channels` x `rows` x `columns` output
    /// neurons reads through this connection (exact away from the padding).
    func sourceBound(channels: Int, rows: Int, columns: Int, input: Shape) -> Int {
        switch kind {
        case .dense:
            return input.count
        case .identity:
            return channels * rows * columns
        case .conv, .pool:
            let spanY = min(input.height, (rows - 1) * stride[0] + kernel[0])
            let spanX = min(input.width, (columns - 1) * stride[1] + kernel[1])
            return (kind == .conv ? input.channels : channels) * spanY * spanX
        }
    }
}
