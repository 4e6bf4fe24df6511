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

/// A divergence in a graph network names the layer, its shape and each neuron's (c, y, x), and
/// the sample by the layer's stage.
@Suite struct GraphDivergenceTextTests {
    @Test func aDivergenceNamesTheLayerShapeAndPosition() {
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 16,
                              inputShape: Shape(channels: 1, height: 2, width: 2), layers: [
            Layer(name: "c", shape: Shape(channels: 2, height: 2, width: 2),
                  inputs: [.conv([[[[1]]], [[[2]]]], from: 0)]),
            Layer(name: "fc", shape: Shape(flat: 2), inputs: [.dense([[Int64]](repeating: [1, 1, 1, 1, 1, 1, 1, 1], count: 2), from: 1)]),
        ])
        var divergence = Divergence(referenceName: "golden", deviceName: "rtl", step: 9, timeSteps: 4, layer: 1,
                                    neurons: [.init(index: 7, expectedSpike: true, actualSpike: false, expected: nil, actual: nil)],
                                    differingNeuronCount: 1, otherLayers: [], sampleCount: 3)
        divergence.describeLayer(of: network)
        #expect(divergence.description.contains("layer 1 \"c\" [2,2,2] (sending sample 1)"), "\(divergence)")
        #expect(divergence.description.contains("neuron 7 (c 1, y 1, x 1): golden spikes, rtl does not"), "\(divergence)")
    }
}
