@testable import StemModel

/// What a golden run of a graph network shows in its spike record, decoded independently of
/// the golden model: every layer's values per sample (layer `l`'s spike train in window
/// `k + stage(l)`), the SOPs counted by enumerating every synapse with the QANN's gather loops,
/// and the spikes outside their windows.
struct GraphRun {
    /// `values[l][k]`: layer `l`'s (1...L) values for sample `k` (`values[0]` unused).
    var values: [[[Int64]]]
    var sops = 0
    var strayPackets = 0
    var steps = 0
    var model: GoldenModel

    init(_ network: Network, samples: [[Int64]]) throws {
        model = try GoldenModel(network: network)
        let stages = Self.stages(network)
        let B = network.timeSteps
        let fanOut = Self.naiveFanOut(network)
        var values = (0...network.depth).map { l in
            Array(repeating: Array(repeating: Int64(0), count: network.shape(ofLayer: l).count), count: samples.count)
        }
        var sops = 0
        var stray = 0
        var steps = 0
        try model.run(samples: samples) { tau, spikes in
            steps += 1
            for l in 0..<spikes.count {
                if l < network.depth { for i in spikes[l] { sops += fanOut[l][Int(i)] } }
                guard l > 0 else { continue }
                let k = tau / B - stages[l]
                guard k >= 0 && k < samples.count else {
                    stray += spikes[l].count
                    continue
                }
                for i in spikes[l] { values[l][k][Int(i)] |= Int64(1) << (B - 1 - tau % B) }
            }
        }
        self.values = values
        self.sops = sops
        self.strayPackets = stray
        self.steps = steps
    }

    /// Stages straight from the definition, recursively.
    static func stages(_ network: Network) -> [Int] {
        func stage(_ l: Int) -> Int {
            l == 0 ? 0 : 1 + network.layers[l - 1].inputs.map { stage($0.source ?? (l - 1)) }.max()!
        }
        return (0...network.depth).map(stage)
    }

    /// Per neuron of layers `0...L-1`, the nonzero synapses leaving it, found by walking every
    /// target neuron's inputs (the gather direction).
    static func naiveFanOut(_ network: Network) -> [[Int]] {
        var counts = (0...network.depth).map { Array(repeating: 0, count: network.shape(ofLayer: $0).count) }
        for (index, layer) in network.layers.enumerated() {
            let out = layer.shape
            for connection in layer.inputs {
                let source = connection.source ?? index
                let input = network.shape(ofLayer: source)
                switch connection.kind {
                case .dense:
                    for row in connection.weights { for (i, w) in row.enumerated() where w != 0 { counts[source][i] += 1 } }
                case .identity:
                    for j in 0..<out.count where connection.weights[0][j / out.plane] != 0 { counts[source][j] += 1 }
                case .conv, .pool:
                    let isConv = connection.kind == .conv
                    for co in 0..<out.channels {
                        for oy in 0..<out.height {
                            for ox in 0..<out.width {
                                for ci in (isConv ? 0..<input.channels : co..<(co + 1)) {
                                    for ky in 0..<connection.kernel[0] {
                                        for kx in 0..<connection.kernel[1] {
                                            let iy = oy * connection.stride[0] - (isConv ? connection.padding[0] : 0) + ky
                                            let ix = ox * connection.stride[1] - (isConv ? connection.padding[1] : 0) + kx
                                            guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                                            if isConv && connection.convWeight(co, ci, ky, kx) == 0 { continue }
                                            counts[source][input.index(ci, iy, ix)] += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Array(counts.prefix(network.depth))
    }
}
