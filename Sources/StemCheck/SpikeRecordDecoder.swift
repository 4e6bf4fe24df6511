import StemModel

/// Reads a run's results off its spike record, independently of the engine that produced it:
/// the output layer's spike train in window `k + stage(L)` (`k + L` in a chain) is sample `k`'s
/// output, MSB first, and every spike of layers `0...L-1` costs its neuron's nonzero fan-out over
/// all connections leaving its layer in SOPs.
public struct SpikeRecordDecoder: Sendable {
    private let timeSteps: Int
    private let depth: Int
    /// The stage of the output layer: the window of sample 0's output.
    private let outputStage: Int
    private let fanOut: [[Int]]
    /// The output layer's values per sample.
    public private(set) var outputs: [[Int64]]
    /// Synaptic operations.
    public private(set) var sops = 0
    /// Output-layer spikes outside the windows that carry a sample (a correct engine has none).
    public private(set) var strayOutputSpikes = 0

    public init(network: Network, sampleCount: Int) {
        timeSteps = network.timeSteps
        depth = network.depth
        outputStage = network.stages[network.depth]
        fanOut = network.nonzeroFanOut()
        outputs = Array(repeating: Array(repeating: 0, count: network.outputSize), count: sampleCount)
    }

    /// Adds step `step`'s spikes (`spikes[l]` for layers `0...L`).
    public mutating func consume(step: Int, spikes: [[Int32]]) {
        for l in 0..<depth {
            let counts = fanOut[l]
            for i in spikes[l] { sops += counts[Int(i)] }
        }
        let sample = step / timeSteps - outputStage
        let outputSpikes = spikes[depth]
        guard !outputSpikes.isEmpty else { return }
        guard sample >= 0, sample < outputs.count else {
            strayOutputSpikes += outputSpikes.count
            return
        }
        let bit = Int64(1) << (timeSteps - 1 - step % timeSteps)
        for j in outputSpikes { outputs[sample][Int(j)] |= bit }
    }

    /// The prediction per sample (argmax, lowest index on ties).
    public var predictions: [Int] { outputs.map(argmax) }
}
