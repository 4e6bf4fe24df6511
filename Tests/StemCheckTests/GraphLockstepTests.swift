import Testing
import StemModel
@testable import StemCheck

/// The spike-record decoder and the lockstep on graph networks, whose output layer's stage is
/// not its layer number.
@Suite struct GraphLockstepTests {
    /// Two parallel branches from the input and an output fed by both: stages 1, 1, 2 for
    /// layers 1...3, so sample k's output is in window k + 2 (not k + L = k + 3).
    private func parallelBranches() -> Network {
        Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)], bias: [1, 0]),
            Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[1, 0], [0, 1], [1, 1]], from: 1),
                                                             .dense([[1, 1], [0, 2], [-1, 0]], from: 2)],
                  postShift: 1),
        ])
    }

    @Test func theDecoderReadsTheOutputInTheOutputLayersStageWindow() throws {
        let network = parallelBranches()
        #expect(network.stages == [0, 1, 1, 2] && network.stageCount == 2)
        let samples: [[Int64]] = [[1, 2], [3, 0], [0, 5], [2, 2]]
        var lockstep = Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network))
        let result = try lockstep.run()
        #expect(result.totalSteps == (4 + 2) * 4 && result.completed)
        #expect(result.outputs == QuantizedANN(network: network).outputs(for: samples))
        #expect(result.outputs.joined().contains { $0 != 0 })
        #expect(result.strayOutputSpikes == 0)
        // SOPs from the record: each input spike reaches a's nonzero column (2) and b (1).
        var decoder = SpikeRecordDecoder(network: network, sampleCount: samples.count)
        let golden = try GoldenModel(network: network)
        try golden.run(samples: samples) { step, spikes in decoder.consume(step: step, spikes: spikes) }
        #expect(decoder.sops == golden.sops && decoder.sops == result.sops && decoder.outputs == result.outputs)
    }
}
