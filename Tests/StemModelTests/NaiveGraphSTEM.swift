@testable import StemModel

/// The graph semantics of docs/stem-spec.md written out literally, as a test oracle unlike the
/// golden model: per sample, per layer, per neuron and per step, the current is summed over an
/// explicit list of synapses (built by walking each connection's definition); there is no
/// pipeline, and the spike record is assembled afterwards from the stages of section 7.
struct NaiveGraphSTEM {
    let network: Network

    struct Result {
        var record: [[[Int]]]
        var outputs: [[Int64]]
        var overflows: Int
        var sops: Int
    }

    /// `synapses[j]`: the `(source neuron, weight)` pairs of connection `connection` into neuron
    /// `j` of layer `l`, zero weights included.
    func synapses(_ connection: Connection, layer l: Int) -> [[(Int, Int64)]] {
        let out = network.shape(ofLayer: l)
        let input = network.shape(ofLayer: connection.source ?? (l - 1))
        var result = Array(repeating: [(Int, Int64)](), count: out.count)
        for co in 0..<out.channels {
            for oy in 0..<out.height {
                for ox in 0..<out.width {
                    let j = out.index(co, oy, ox)
                    switch connection.kind {
                    case .dense:
                        result[j] = connection.weights[j].enumerated().map { ($0.offset, $0.element) }
                    case .identity:
                        result[j] = [(j, connection.weights[0][co])]
                    case .conv, .pool:
                        let isConv = connection.kind == .conv
                        for ci in (isConv ? 0..<input.channels : co..<(co + 1)) {
                            for ky in 0..<connection.kernel[0] {
                                for kx in 0..<connection.kernel[1] {
                                    let iy = oy * connection.stride[0] - (isConv ? connection.padding[0] : 0) + ky
                                    let ix = ox * connection.stride[1] - (isConv ? connection.padding[1] : 0) + kx
                                    if iy < 0 || iy >= input.height || ix < 0 || ix >= input.width { continue }
                                    result[j].append((input.index(ci, iy, ix), isConv ? connection.convWeight(co, ci, ky, kx) : 1))
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    func run(_ samples: [[Int64]]) -> Result {
        let B = network.timeSteps
        let L = network.depth
        let stages = GraphRun.stages(network)
        let D = stages.max()!
        var record = Array(repeating: [[Int]](), count: (samples.count + D) * B)
        var overflows = 0
        var sops = 0
        var outputs: [[Int64]] = []
        let wiring = network.layers.enumerated().map { index, layer in
            layer.inputs.map { (source: $0.source ?? index, synapses: synapses($0, layer: index + 1)) }
        }
        // SOPs per source neuron: the nonzero synapses leaving it.
        var fanOut = (0...L).map { Array(repeating: 0, count: network.shape(ofLayer: $0).count) }
        for connections in wiring {
            for connection in connections {
                for list in connection.synapses { for (i, w) in list where w != 0 { fanOut[connection.source][i] += 1 } }
            }
        }
        func fitCounting(_ v: Int64) -> Int64 {
            let A = network.accumulatorBits
            let low = -(Int64(1) << (A - 1))
            let high = (Int64(1) << (A - 1)) - 1
            guard v < low || v > high else { return v }
            overflows += 1
            if network.overflow == .saturate { return v < low ? low : high }
            let modulus = Int64(1) << A
            var m = (v - low) % modulus
            if m < 0 { m += modulus }
            return m + low
        }
        func bit(_ x: Int64, _ t: Int) -> Bool {
            let pattern = x < 0 ? x + (Int64(1) << B) : x
            return (pattern >> (B - 1 - t)) & 1 == 1
        }
        for (k, sample) in samples.enumerated() {
            var values: [[Int64]] = [sample]
            for (index, layer) in network.layers.enumerated() {
                let plane = layer.shape.plane
                var y: [Int64] = []
                for j in 0..<layer.width {
                    let c = j / plane
                    let b = layer.bias.count == layer.width ? layer.bias[j] : layer.bias[c]
                    var V: Int64 = layer.biasMode == .accumulator ? fitCounting(floorRoundShift(b, layer.shift)) : 0
                    for t in 0..<B {
                        var I: Int64 = 0
                        for connection in wiring[index] {
                            let sigma: Int64 = connection.source == 0 && network.inputSigned && t == 0 ? -1 : 1
                            var sum: Int64 = 0
                            for (i, w) in connection.synapses[j] where bit(values[connection.source][i], t) { sum += w }
                            I += sigma * sum
                        }
                        V = fitCounting(V + floorRoundShift(I * (Int64(1) << (B - 1 - t)), layer.shift))
                    }
                    let m = Int64(layer.channelMultipliers?[c] ?? layer.multiplier)
                    let n = layer.channelPostShifts?[c] ?? layer.postShift
                    var v = floorRoundShift(V * m, n)
                    if layer.biasMode == .output { v += b }
                    v = max(0, min((Int64(1) << B) - 1, v))
                    v = rot(v, factor: layer.rot, timeSteps: B)
                    v = drlo(v, keep: layer.drlo)
                    y.append(v)
                }
                values.append(y)
            }
            for l in 0...L {
                let window = k + stages[l]
                for t in 0..<B {
                    for (j, v) in values[l].enumerated() where bit(v, t) {
                        record[window * B + t].append([l, j])
                        sops += fanOut[l][j]
                    }
                }
            }
            outputs.append(values[L])
        }
        for tau in record.indices { record[tau].sort { ($0[0], $0[1]) < ($1[0], $1[1]) } }
        return Result(record: record, outputs: outputs, overflows: overflows, sops: sops)
    }
}
