import Testing
@testable import StemModel

/// Random graph options covering every connection kind and option: conv with stride and
/// padding, pooling, identity shortcuts over one and two stages, dense shortcuts, signed
/// inputs, both bias modes, per-channel scales and biases, RoT and DRLO.
private func randomGraphOptions(_ generator: inout SplitMix64) -> GraphNetworkOptions {
    var options = GraphNetworkOptions()
    options.timeSteps = [2, 3, 4, 6, 8].randomElement(using: &generator)!
    options.weightBits = Int.random(in: 2...8, using: &generator)
    options.rot = 0...(Bool.random(using: &generator) ? 0 : options.timeSteps - 1)
    options.drlo = 0...(Bool.random(using: &generator) ? 0 : options.timeSteps)
    options.zeroWeightProbability = [0, 0.2, 0.6].randomElement(using: &generator)!
    return options
}

@Suite struct GraphPropertyTests {
    /// The paper's Table II claim on layer graphs: without overflow, every layer's values in the
    /// spike record (read in the windows its stage gives) equal the quantized ANN's, the run
    /// takes `(S + D) * B` steps with no spike outside its windows, and the SOPs equal a count of
    /// every nonzero synapse each spike reaches.
    @Test func goldenEqualsTheQuantizedANNOnRandomGraphs() throws {
        var generator = SplitMix64(seed: 1212)
        var identityDelays: [Int: Int] = [:]
        var kinds: [Connection.Kind: Int] = [:]
        var signedRuns = 0
        var perChannel = 0
        var nonzero = 0
        var strided = 0
        var padded = 0
        for trial in 0..<250 {
            let network = Network.randomGraph(randomGraphOptions(&generator), using: &generator)
            try network.validate()
            let samples = InputSet.random(for: network, count: Int.random(in: 1...3, using: &generator),
                                          using: &generator).samples
            let run = try GraphRun(network, samples: samples)
            let qann = QuantizedANN(network: network)
            let expected = samples.map(qann.layerValues(for:))
            let label = "trial \(trial): \(network.jsonText)"
            #expect(run.model.overflows == 0, "\(label)")
            for l in 1...network.depth {
                for k in samples.indices where run.values[l][k] != expected[k][l - 1] {
                    Issue.record("layer \(l) sample \(k): golden \(run.values[l][k]) != QANN \(expected[k][l - 1]); \(label)")
                }
            }
            #expect(run.model.outputs == expected.map { $0.last! }, "\(label)")
            #expect(run.strayPackets == 0, "\(label)")
            #expect(run.steps == (samples.count + GraphRun.stages(network).max()!) * network.timeSteps)
            #expect(run.sops == run.model.sops, "\(label)")
            // Coverage of the generator.
            let stages = GraphRun.stages(network)
            for (index, layer) in network.layers.enumerated() {
                for connection in layer.inputs {
                    kinds[connection.kind, default: 0] += 1
                    if connection.kind == .identity {
                        identityDelays[stages[index + 1] - 1 - stages[connection.source!], default: 0] += 1
                    }
                    if connection.kind == .conv && connection.stride != [1, 1] { strided += 1 }
                    if connection.kind == .conv && connection.padding != [0, 0] { padded += 1 }
                }
                if !layer.hasScalarRequantization { perChannel += 1 }
            }
            if network.inputSigned { signedRuns += 1 }
            nonzero += run.model.outputs.joined().filter { $0 != 0 }.count
        }
        #expect(kinds.values.count == 4 && kinds.values.allSatisfy { $0 > 50 }, "\(kinds)")
        #expect((identityDelays[1] ?? 0) > 30 && (identityDelays[2] ?? 0) > 30, "\(identityDelays)")
        #expect(signedRuns > 60 && perChannel > 100 && strided > 30 && padded > 30)
        #expect(nonzero > 150)
    }

    /// Networks written and read back are the same network.
    @Test func randomGraphsSurviveAWriteAndReadBack() throws {
        var generator = SplitMix64(seed: 77)
        for _ in 0..<40 {
            let network = Network.randomGraph(randomGraphOptions(&generator), using: &generator)
            let read = try Network(parsing: Array(network.jsonText.utf8), file: "graph.json")
            #expect(read == network)
        }
    }
}

extension GraphPropertyTests {
    /// Every option, including scaled integration and narrow accumulators that overflow (wrap
    /// and saturate): the golden model's spike record, outputs, overflow events and SOPs equal
    /// the literal oracle's on random graphs.
    @Test func goldenEqualsTheLiteralGraphSpecEverywhere() throws {
        var generator = SplitMix64(seed: 4711)
        var overflowingRuns = 0
        var shiftedLayers = 0
        for trial in 0..<150 {
            var options = GraphNetworkOptions()
            options.timeSteps = [2, 4, 6, 8].randomElement(using: &generator)!
            options.weightBits = Int.random(in: 2...8, using: &generator)
            options.accumulatorBits = Int.random(in: 6...24, using: &generator)
            options.overflow = Bool.random(using: &generator) ? .wrap : .saturate
            options.rot = 0...(options.timeSteps - 1)
            options.drlo = 0...options.timeSteps
            var network = Network.randomGraph(options, using: &generator)
            for l in network.layers.indices {
                network.layers[l].shift = Int.random(in: 0...3, using: &generator)
                if network.layers[l].shift > 0 { shiftedLayers += 1 }
            }
            try network.validate()
            let samples = InputSet.random(for: network, count: Int.random(in: 1...3, using: &generator),
                                          using: &generator).samples
            let model = try GoldenModel(network: network)
            let record = try goldenRecord(model, samples)
            let oracle = NaiveGraphSTEM(network: network).run(samples)
            let label = "trial \(trial): \(network.jsonText)"
            #expect(record == oracle.record, "\(label)")
            #expect(model.outputs == oracle.outputs, "\(label)")
            #expect(model.overflows == oracle.overflows, "\(label)")
            #expect(model.sops == oracle.sops, "\(label)")
            if oracle.overflows > 0 { overflowingRuns += 1 }
        }
        #expect(overflowingRuns > 30 && shiftedLayers > 100)
    }
}
