import Testing
@testable import StemModel

/// Random small networks covering every option: signed and unsigned inputs, both bias modes,
/// RoT, DRLO, several widths of B and of the weights.
private func randomOptions(_ generator: inout SplitMix64) -> RandomNetworkOptions {
    let depth = Int.random(in: 1...3, using: &generator)
    var sizes = [Int.random(in: 1...12, using: &generator)]
    for _ in 0..<depth { sizes.append(Int.random(in: 1...8, using: &generator)) }
    var options = RandomNetworkOptions(layerSizes: sizes)
    options.timeSteps = [2, 3, 4, 5, 8, 8, 8, 12, 16].randomElement(using: &generator)!
    options.weightBits = Int.random(in: 2...16, using: &generator)
    options.inputSigned = Bool.random(using: &generator)
    options.biasMode = nil
    options.withBias = Int.random(in: 0..<4, using: &generator) != 0
    options.rot = 0...(Bool.random(using: &generator) ? 0 : options.timeSteps - 1)
    options.drlo = 0...(Bool.random(using: &generator) ? 0 : options.timeSteps)
    options.zeroWeightProbability = [0, 0, 0.3, 0.9].randomElement(using: &generator)!
    options.requantize = Int.random(in: 0..<5, using: &generator) != 0
    return options
}

@Suite struct PropertyTests {
    /// The SDANN paper's Table II claim: with shift 0 and a wide accumulator, the spiking run
    /// equals the integer-only quantized ANN, sample for sample, value for value.
    @Test func goldenEqualsTheQuantizedANNWithoutShiftOrOverflow() throws {
        var generator = SplitMix64(seed: 2024)
        var nonzeroOutputs = 0
        var signedRuns = 0
        var accumulatorBiasLayers = 0
        for trial in 0..<400 {
            var options = randomOptions(&generator)
            options.accumulatorBits = 48
            options.shift = 0...0
            let network = Network.random(options, using: &generator)
            try network.validate()
            let samples = InputSet.random(for: network, count: Int.random(in: 1...4, using: &generator),
                                          using: &generator).samples
            let model = try GoldenModel(network: network)
            let outputs = try model.run(samples: samples)
            let qann = QuantizedANN(network: network).outputs(for: samples)
            #expect(outputs == qann, "trial \(trial): \(network.layerWidths) B=\(network.timeSteps)")
            #expect(model.overflows == 0)
            nonzeroOutputs += outputs.joined().filter { $0 != 0 }.count
            if network.inputSigned { signedRuns += 1 }
            accumulatorBiasLayers += network.layers.filter { $0.biasMode == .accumulator }.count
        }
        // The generator must give runs that exercise something.
        #expect(nonzeroOutputs > 300)
        #expect(signedRuns > 100)
        #expect(accumulatorBiasLayers > 100)
    }

    /// Every option, including scaled integration and narrow accumulators that overflow: the
    /// golden model's spike record, outputs and counters equal the spec-literal oracle's.
    @Test func goldenEqualsTheLiteralSpecEverywhere() throws {
        var generator = SplitMix64(seed: 99)
        var overflowingRuns = 0
        for trial in 0..<300 {
            var options = randomOptions(&generator)
            options.accumulatorBits = Int.random(in: 2...24, using: &generator)
            options.overflow = Bool.random(using: &generator) ? .wrap : .saturate
            options.shift = 0...Int.random(in: 0...6, using: &generator)
            let network = Network.random(options, using: &generator)
            let samples = InputSet.random(for: network, count: Int.random(in: 1...4, using: &generator),
                                          using: &generator).samples
            let model = try GoldenModel(network: network)
            let record = try goldenRecord(model, samples)
            let expected = NaiveSTEM(network: network).run(samples)
            let label = "trial \(trial): \(network.layerWidths) B=\(network.timeSteps) A=\(network.accumulatorBits)"
            #expect(record == expected.record, "\(label)")
            #expect(model.outputs == expected.outputs, "\(label)")
            #expect(model.overflows == expected.overflows, "\(label)")
            #expect(model.sops == expected.sops, "\(label)")
            for (l, statistics) in model.layerStatistics.enumerated() {
                let oracle = LayerStatistics(overflows: 0, smallestPotential: expected.smallest[l],
                                             largestPotential: expected.largest[l])
                #expect(statistics.peakMagnitude == oracle.peakMagnitude, "\(label) layer \(l + 1)")
                #expect(statistics.bitsNeeded == oracle.bitsNeeded, "\(label) layer \(l + 1)")
            }
            if expected.overflows > 0 { overflowingRuns += 1 }
        }
        #expect(overflowingRuns > 50)
    }

    /// The quantized ANN's 128-bit requantization against the definition on huge products.
    @Test func quantizedANNRequantizesExactly() {
        let big = Int64(1) << 47
        #expect(QuantizedANN.roundShiftedProduct(big, 65535, by: 10) == big / 1024 * 65535)
        #expect(QuantizedANN.roundShiftedProduct(-big, 65535, by: 10) == -big / 1024 * 65535)
        #expect(QuantizedANN.roundShiftedProduct(big + (1 << 31), 65535, by: 0) == 1 << 62)
        #expect(QuantizedANN.roundShiftedProduct(-big - (1 << 31), 65535, by: 0) == -(1 << 62))
        // (2^48 - 1) * 65535 = 2^64 - 2^48 - 2^16 + 1 exceeds Int64; shifted by 20 it is
        // 2^44 - 2^28 exactly.
        #expect(QuantizedANN.roundShiftedProduct((1 << 48) - 1, 65535, by: 20) == (1 << 44) - (1 << 28))
        var generator = SplitMix64(seed: 5)
        for _ in 0..<5_000 {
            let a = Int64.random(in: -(1 << 40)...(1 << 40), using: &generator)
            let m = Int64.random(in: 1...65535, using: &generator)
            let n = Int.random(in: 0...62, using: &generator)
            let product = a * m
            let expected = max(-(1 << 62), min(1 << 62, floorRoundShift(product, n)))
            #expect(QuantizedANN.roundShiftedProduct(a, m, by: n) == expected)
        }
    }
}
