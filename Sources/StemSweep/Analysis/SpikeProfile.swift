import StemModel

/// What one golden-model run of a network shows, layer by layer: the spikes each layer sent,
/// the synaptic operations they cost, how its values' 1-bits spread over the bit positions, the
/// predictions, and optionally the membrane potentials one layer reached at the end of each
/// window. The raw material of `stemsim analyze` (the SDANN paper's Fig. 7(a), Fig. 8, Fig. 12
/// and Tables IV-VIII).
///
/// Everything is read from the run's spikes (`GoldenModel.run(samples:onStep:)`): a spike of
/// layer `l` in step `t` of a window is bit `B-1-t` of the value it sends (docs/stem-spec.md
/// section 1), and costs the nonzero synapses it reaches (``Network/nonzeroFanOut()``,
/// section 9). The SOPs per layer add up to the golden model's own counter, which is checked.
public struct SpikeProfile: Sendable, Equatable {
    /// Per layer `0...L`: the spikes it sent over the run.
    public var spikes: [Int]
    /// Per layer `0...L`: the SOPs its spikes cost (0 for the output layer, whose spikes go to
    /// the host).
    public var sops: [Int]
    /// Per layer `0...L` and bit position `b` (`0` = least significant, `B-1` = most):
    /// how many of the layer's values over all samples had bit `b` set (the spikes in step
    /// `B-1-b` of their windows).
    public var onesPerBit: [[Int]]
    /// Per layer `0...L`: the values observed (neurons times samples).
    public var valueCounts: [Int]
    /// The predicted class per sample (argmax of the output layer, lowest index on ties).
    public var predictions: [Int]
    /// The output layer's values per sample.
    public var outputs: [[Int64]]
    /// Overflow events of the run.
    public var overflows: Int
    /// When asked for: the potentials of that layer's neurons at the end of each window in
    /// which it accumulated a sample (`V` after the window's last step, before requantization),
    /// every neuron of every sample.
    public var windowEndPotentials: [Int64]?
    /// Per layer `1...L` (index 0 is layer 1): the golden model's accumulator statistics.
    public var layerStatistics: [LayerStatistics]

    /// The SOPs of all layers (the golden model's `sops`).
    public var totalSOPs: Int { sops.reduce(0, +) }

    /// The SOPs without the input layer's spikes (and the output layer's, which cost none):
    /// what the network's own neurons cause, the count the paper's Fig. 12 uses.
    public var hiddenSOPs: Int { sops.dropFirst().reduce(0, +) }

    /// Samples whose prediction equals `labels`.
    public func correct(_ labels: [Int]) -> Int { zip(predictions, labels).filter { $0 == $1 }.count }

    /// Runs `samples` through `network` on the golden model.
    /// - Parameter potentialsOfLayer: a layer `1...L` whose window-end potentials to record.
    /// - Throws: ``FormatError`` or ``EngineError`` if the golden model cannot run the network.
    public static func run(_ network: Network, samples: [[Int64]], potentialsOfLayer: Int? = nil) throws -> SpikeProfile {
        let model = try GoldenModel(network: network)
        let B = network.timeSteps
        let depth = network.depth
        let fanOut = network.nonzeroFanOut()
        let stages = network.stages
        var spikes = Array(repeating: 0, count: depth + 1)
        var sops = Array(repeating: 0, count: depth + 1)
        var ones = Array(repeating: Array(repeating: 0, count: B), count: depth + 1)
        var potentials: [Int64]? = potentialsOfLayer.map { _ in [] }
        let watchedWidth = potentialsOfLayer.map { network.width(ofLayer: $0) } ?? 0
        let shift = potentialsOfLayer.map { network.layers[$0 - 1].shift } ?? 0
        let outputs = try model.run(samples: samples) { tau, sent in
            let bit = B - 1 - tau % B
            for l in 0...depth {
                let layerSpikes = sent[l]
                guard !layerSpikes.isEmpty else { continue }
                spikes[l] += layerSpikes.count
                ones[l][bit] += layerSpikes.count
                if l < depth {
                    let counts = fanOut[l]
                    var total = 0
                    for i in layerSpikes { total += counts[Int(i)] }
                    sops[l] += total
                }
            }
            // The end of a window in which the watched layer accumulated a sample: V plus the
            // last step's term (weight 2^0) is the window's final potential.
            if let layer = potentialsOfLayer, bit == 0 {
                let window = tau / B
                if window >= stages[layer] - 1 && window <= samples.count + stages[layer] - 2 {
                    for j in 0..<watchedWidth {
                        let state = model.neuronState(layer: layer, neuron: j)
                        potentials!.append(state.potential + roundShift(state.current, by: shift))
                    }
                }
            }
        }
        precondition(sops.reduce(0, +) == model.sops, "SOPs per layer \(sops) do not add up to \(model.sops)")
        return SpikeProfile(
            spikes: spikes, sops: sops, onesPerBit: ones,
            valueCounts: (0...depth).map { network.width(ofLayer: $0) * samples.count },
            predictions: outputs.map(argmax), outputs: outputs, overflows: model.overflows,
            windowEndPotentials: potentials, layerStatistics: model.layerStatistics)
    }
}
