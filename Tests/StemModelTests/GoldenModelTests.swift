import Testing
@testable import StemModel

/// A one-layer network with one input.
private func single(_ weight: Int64, timeSteps: Int = 4, accumulatorBits: Int = 16, overflow: OverflowMode = .wrap,
                    signed: Bool = false, bias: Int64 = 0, biasMode: BiasMode = .output, shift: Int = 0,
                    multiplier: Int = 1, postShift: Int = 0, rot: Int = 0, drlo: Int = 0) -> Network {
    Network(timeSteps: timeSteps, weightBits: 8, accumulatorBits: accumulatorBits, overflow: overflow, inputSize: 1,
            inputSigned: signed,
            layers: [Layer(weights: [[weight]], bias: [bias], biasMode: biasMode, shift: shift,
                           multiplier: multiplier, postShift: postShift, rot: rot, drlo: drlo)])
}

/// Steps a model through a run, returning the state of neuron 0 of layer 1 after each step
/// and the spikes per step (layers 1...L).
private func trace(_ network: Network, _ samples: [[Int64]]) throws -> (states: [NeuronState], spikes: [[[Int32]]], model: GoldenModel) {
    let model = try GoldenModel(network: network)
    let stimulus = InputStimulus(network: network, samples: samples)
    try model.start(sampleCount: samples.count)
    var states: [NeuronState] = []
    var spikes: [[[Int32]]] = []
    for tau in 0..<model.stepCount {
        spikes.append(try model.step(inputSpikes: stimulus.spikes(atStep: tau)))
        states.append(model.neuronState(layer: 1, neuron: 0))
    }
    return (states, spikes, model)
}

@Suite struct GoldenModelTests {
    @Test func unsignedInputsAreSentMSBFirst() {
        let network = single(1, timeSteps: 8)
        let stimulus = InputStimulus(network: network, samples: [[0b1010_0001], [0b0000_0010]])
        let window0 = (0..<8).map { stimulus.spikes(atStep: $0) }
        #expect(window0 == [[0], [], [0], [], [], [], [], [0]])
        let window1 = (8..<16).map { stimulus.spikes(atStep: $0) }
        #expect(window1 == [[], [], [], [], [], [], [0], []])
        #expect((16..<32).allSatisfy { stimulus.spikes(atStep: $0).isEmpty })
    }

    @Test func signedInputsSendTwosComplementAndTheMSBWeighsNegative() throws {
        // B = 4, x = -3 = 0b1101, weight -1: V = -(-1)*8 + (-1)*4 + (-1)*1 = 3.
        let network = single(-1, signed: true)
        let stimulus = InputStimulus(network: network, samples: [[-3]])
        #expect((0..<4).map { stimulus.spikes(atStep: $0) } == [[0], [0], [], [0]])
        let (states, spikes, model) = try trace(network, [[-3]])
        #expect(states.map(\.current) == [-1, -1, 0, -1, 0, 0, 0, 0])
        #expect(states.map(\.potential) == [0, 8, 4, 4, 0, 0, 0, 0])
        #expect(states.map(\.value) == [0, 0, 0, 0, 3, 3, 3, 3])
        #expect(model.outputs == [[3]])
        // y = 3 = 0b0011 is sent in window 1.
        #expect(spikes.map { $0[0] } == [[], [], [], [], [], [], [0], [0]])
        // The most negative input: -8 = 0b1000, weight 1 -> V = -8 -> y = 0; weight -1 -> 8.
        #expect(try GoldenModel(network: single(-1, signed: true)).run(samples: [[-8]]) == [[8]])
        #expect(try GoldenModel(network: single(1, signed: true)).run(samples: [[-8]]) == [[0]])
        #expect(try GoldenModel(network: single(1, signed: true)).run(samples: [[7]]) == [[7]])
    }

    @Test func scaledIntegrationRoundsEachStepOnNegatives() throws {
        // x = 11 = 0b1011, w = -3, s = 2: terms round_shift(-24,2) = -6, round_shift(-6,2) = -1,
        // round_shift(-3,2) = -1.
        let network = single(-3, bias: 10, shift: 2)
        let (states, _, model) = try trace(network, [[11]])
        #expect(states.map(\.potential)[0..<4] == [0, -6, -6, -7])
        #expect(states[4].value == 2)  // V = -8, + bias 10
        #expect(model.outputs == [[2]])
        // The rounding is per step, so it can differ from rounding the exact sum:
        // x = 5 = 0b0101, w = 1, s = 1: terms rs(4,1) = 2, rs(1,1) = 1 -> 3; exact rs(5,1) = 3.
        // x = 3 = 0b0011, w = 1, s = 1: rs(2,1) = 1, rs(1,1) = 1 -> 2; exact rs(3,1) = 2.
        // x = 3, w = -1: rs(-2,1) = -1, rs(-1,1) = 0 -> -1 (+ bias 4 = 3); exact rs(-3,1) = -1.
        #expect(try GoldenModel(network: single(-1, bias: 4, shift: 1)).run(samples: [[3]]) == [[3]])
        // x = 0b0111 = 7, w = -1, s = 1: rs(-4,1) = -2, rs(-2,1) = -1, rs(-1,1) = 0 -> -3;
        // exact rs(-7,1) = -3. With w = -3: rs(-12,1) = -6, rs(-6,1) = -3, rs(-3,1) = -1 -> -10;
        // exact rs(-21,1) = -10.  With x = 0b0101, w = -3: rs(-12,1) = -6, rs(-3,1) = -1 -> -7;
        // exact rs(-15, 1) = -7.
        #expect(try GoldenModel(network: single(-3, bias: 20, shift: 1)).run(samples: [[7]]) == [[10]])
        #expect(try GoldenModel(network: single(-3, bias: 20, shift: 1)).run(samples: [[5]]) == [[13]])
    }

    @Test func wrapAndSaturateDifferAndCountOverflows() throws {
        // A = 6 (-32...31), x = 15, w = 7: terms 56, 28, 14, 7.
        let wrap = try trace(single(7, accumulatorBits: 6, overflow: .wrap), [[15]])
        #expect(wrap.states.map(\.potential)[0..<4] == [0, -8, 20, -30])
        #expect(wrap.model.overflows == 2)  // 56 -> -8 and 34 -> -30
        #expect(wrap.model.outputs == [[0]])  // V = -23
        #expect(wrap.model.layerStatistics[0].peakMagnitude == 56)
        #expect(wrap.model.layerStatistics[0].bitsNeeded == 7)

        let saturate = try trace(single(7, accumulatorBits: 6, overflow: .saturate), [[15]])
        #expect(saturate.states.map(\.potential)[0..<4] == [0, 31, 31, 31])
        #expect(saturate.model.overflows == 4)
        #expect(saturate.model.outputs == [[15]])  // V = 31, clamped to 2^4 - 1
        #expect(saturate.model.layerStatistics[0].largestPotential == 59)

        // Wide enough: no overflow, exact.
        let wide = try trace(single(7, accumulatorBits: 8, overflow: .wrap, postShift: 3), [[15]])
        #expect(wide.model.overflows == 0)
        #expect(wide.model.outputs == [[13]])  // rs(105, 3) = 13
        #expect(wide.model.layerStatistics[0].bitsNeeded == 8)
    }

    @Test func accumulatorBiasStartValueCountsOverflowsOncePerWindow() throws {
        // A = 6, bias 100, s = 1: V0 = fit(round_shift(100, 1)) = fit(50) = -14 (wrap), 31 (saturate).
        let layer = Layer(weights: [[0, 0], [0, 0]], bias: [100, -200], biasMode: .accumulator, shift: 1)
        var network = Network(timeSteps: 8, weightBits: 8, accumulatorBits: 6, overflow: .wrap, inputSize: 2,
                              layers: [layer])
        let samples: [[Int64]] = [[1, 2], [3, 4], [5, 6]]
        var model = try GoldenModel(network: network)
        // -200 -> round_shift = -100 -> wrap 28.
        #expect(try model.run(samples: samples) == [[0, 28], [0, 28], [0, 28]])
        #expect(model.overflows == 6)  // 2 neurons x 3 windows, none outside them
        #expect(model.layerStatistics[0].bitsNeeded == 8)  // -100

        network.overflow = .saturate
        model = try GoldenModel(network: network)
        #expect(try model.run(samples: samples) == [[31, 0], [31, 0], [31, 0]])
        #expect(model.overflows == 6)

        // Output bias: no start value, no overflow.
        network.layers[0].biasMode = .output
        model = try GoldenModel(network: network)
        #expect(try model.run(samples: samples) == [[100, 0], [100, 0], [100, 0]])
        #expect(model.overflows == 0)
    }

    @Test func requantizationMultipliesShiftsAndAddsTheOutputBias() throws {
        // x = 9, w = 5 -> V = 45; m = 3, n = 2: rs(135, 2) = 34 (33.75 -> 34); + bias -4 = 30.
        #expect(try GoldenModel(network: single(5, timeSteps: 8, bias: -4, multiplier: 3, postShift: 2))
            .run(samples: [[9]]) == [[30]])
        // Accumulator bias: V0 = 7, V = 52, rs(156, 2) = 39.
        #expect(try GoldenModel(network: single(5, timeSteps: 8, bias: 7, biasMode: .accumulator, multiplier: 3,
                                                postShift: 2)).run(samples: [[9]]) == [[39]])
        // ReLU and saturation.
        #expect(try GoldenModel(network: single(-5, timeSteps: 8)).run(samples: [[9]]) == [[0]])
        #expect(try GoldenModel(network: single(100, timeSteps: 8)).run(samples: [[9]]) == [[255]])
    }

    @Test func rotClampsAtTheTopAndDRLOKeepsLeadingOnes() throws {
        func output(bias: Int64, rot: Int = 0, drlo: Int = 0) throws -> Int64 {
            try GoldenModel(network: single(0, timeSteps: 8, bias: bias, rot: rot, drlo: drlo)).run(samples: [[0]])[0][0]
        }
        #expect(try output(bias: 255, rot: 2) == 252)
        #expect(try output(bias: 250, rot: 2) == 252)
        #expect(try output(bias: 249, rot: 2) == 248)
        #expect(try output(bias: 0b1011_0110, drlo: 2) == 0b1010_0000)
        #expect(try output(bias: 0b1011_0110, drlo: 6) == 0b1011_0110)
        // RoT then DRLO: 255 -> 252 = 0b1111_1100 -> keep 3 -> 0b1110_0000.
        #expect(try output(bias: 255, rot: 2, drlo: 3) == 0b1110_0000)
    }

    @Test func samplesPipelineThroughLayersAndLayersAreSilentOutsideTheirWindows() throws {
        // 3 samples through 3 layers, B = 4. Layer 1 passes x through, layer 2 adds 1 (output
        // bias), layer 3 ignores its inputs and always computes its bias 5 = 0b0101.
        let network = Network(
            timeSteps: 4, weightBits: 4, accumulatorBits: 16, inputSize: 2,
            layers: [Layer(weights: [[1, 0], [0, 1]]),
                     Layer(weights: [[1, 0], [0, 1]], bias: [1, 1]),
                     Layer(weights: [[0, 0]], bias: [5])])
        let samples: [[Int64]] = [[3, 9], [12, 0], [6, 14]]
        let S = 3, L = 3, B = 4
        let (_, spikes, model) = try trace(network, samples)
        #expect(spikes.count == (S + L) * B)
        #expect(model.outputs == [[5], [5], [5]])
        for (tau, step) in spikes.enumerated() {
            let window = tau / B
            for l in 1...L where !step[l - 1].isEmpty {
                #expect((l...(S + l - 1)).contains(window), "layer \(l) spiked in window \(window)")
            }
        }
        // Layer 3 sends 0b0101 in windows 3, 4, 5: steps t = 1 and 3.
        let layer3 = spikes.enumerated().filter { !$0.element[2].isEmpty }.map(\.offset)
        #expect(layer3 == [13, 15, 17, 19, 21, 23])
        // Layer 2 sends x + 1 of sample k in window k + 2: sample 0 = [4, 10], 1 = [13, 1], 2 = [7, 15].
        func sent(layer: Int, window: Int) -> [Int64] {
            var values = [Int64](repeating: 0, count: network.width(ofLayer: layer))
            for t in 0..<B {
                for j in spikes[window * B + t][layer - 1] { values[Int(j)] |= 1 << (B - 1 - t) }
            }
            return values
        }
        #expect(sent(layer: 2, window: 2) == [4, 10])
        #expect(sent(layer: 2, window: 3) == [13, 1])
        #expect(sent(layer: 2, window: 4) == [7, 15])
        #expect(sent(layer: 1, window: 1) == [3, 9])
        #expect(sent(layer: 1, window: 3) == [6, 14])
        #expect(sent(layer: 1, window: 4) == [0, 0])
        // Exactly the oracle's record.
        #expect(try goldenRecord(GoldenModel(network: network), samples) == NaiveSTEM(network: network).run(samples).record)
    }

    @Test func sopsCountNonzeroFanOutOfEverySpike() throws {
        // Input neuron 0 reaches 2 nonzero weights, neuron 1 reaches 1; layer 1 neuron 0
        // reaches 1 (the output layer's spikes cost nothing).
        let network = Network(
            timeSteps: 4, weightBits: 4, accumulatorBits: 16, inputSize: 2,
            layers: [Layer(weights: [[1, 0], [2, 3]]), Layer(weights: [[1, 0]], bias: [0])])
        let model = try GoldenModel(network: network)
        // Sample [0b0011, 0b0100]: input spikes 2 + 1 -> 2*2 + 1*1 = 5 SOPs.
        // Layer 1: y0 = 3 (2 spikes, 1 SOP each), y1 = 2*3 + 3*4 = 18 -> 15 (4 spikes, 0 SOPs).
        try model.run(samples: [[3, 4]])
        #expect(model.outputs == [[3]])
        #expect(model.sops == 5 + 2)
        #expect(network.nonzeroFanOut() == [[2, 1], [1, 0]])
    }

    @Test func stateBeforeClosingShowsCurrentPotentialAndValue() throws {
        // x = 6 = 0b0110 with w = 2: currents 0, 2, 2, 0; V before each term 0, 0, 8, 12.
        let (states, _, _) = try trace(single(2), [[6]])
        #expect(states[0..<4].map(\.current) == [0, 2, 2, 0])
        #expect(states[0..<4].map(\.potential) == [0, 0, 8, 12])
        #expect(states[4...].allSatisfy { $0.value == 12 && $0.potential == 0 && $0.current == 0 })
    }

    @Test func misuseIsAnError() throws {
        let model = try GoldenModel(network: single(1))
        #expect(throws: EngineError.self) { try model.step(inputSpikes: []) }
        #expect(throws: EngineError.self) { try model.start(sampleCount: 0) }
        try model.start(sampleCount: 1)
        #expect(throws: EngineError.self) { try model.step(inputSpikes: [1]) }  // inputSize 1
        try model.start(sampleCount: 1)
        for _ in 0..<4 { _ = try model.step(inputSpikes: []) }
        // Window 1 carries no sample.
        #expect(throws: EngineError.self) { try model.step(inputSpikes: [0]) }
        try model.start(sampleCount: 1)
        for _ in 0..<8 { _ = try model.step(inputSpikes: []) }
        #expect(throws: EngineError.self) { try model.step(inputSpikes: []) }
        var invalid = single(1)
        invalid.layers[0].weights = [[300]]
        #expect(throws: FormatError.self) { try GoldenModel(network: invalid) }
    }

    @Test func restartingGivesTheSameRun() throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [5, 4, 3]), seed: 11)
        let samples = InputSet.random(for: network, count: 4, seed: 12).samples
        let model = try GoldenModel(network: network)
        let first = try goldenRecord(model, samples)
        let sops = model.sops
        let second = try goldenRecord(model, samples)
        #expect(first == second)
        #expect(model.sops == sops)
    }
}
