import StemModel
import Testing
@testable import StemSweep

@Suite struct ScaledIntegrationPlannerTests {
    @Test func theCorrectionMovesTheShiftFromPostShiftThenIntoTheMultiplier() {
        let layer = Layer(weights: [[1]], multiplier: 33652, postShift: 24)
        let scaled = ScaledIntegrationPlanner.scaled(layer, by: 7)
        #expect(scaled?.shift == 7 && scaled?.postShift == 17 && scaled?.multiplier == 33652)

        let small = Layer(weights: [[1]], multiplier: 100, postShift: 2)
        let moved = ScaledIntegrationPlanner.scaled(small, by: 5)
        #expect(moved?.shift == 5 && moved?.postShift == 0 && moved?.multiplier == 800)
        // 100 * 2^9 = 51200 still fits 16 bits, 100 * 2^10 does not.
        #expect(ScaledIntegrationPlanner.scaled(small, by: 11)?.multiplier == 51200)
        #expect(ScaledIntegrationPlanner.scaled(small, by: 12) == nil)
        #expect(ScaledIntegrationPlanner.scaled(Layer(weights: [[1]], multiplier: 65535, postShift: 0), by: 1) == nil)
    }

    /// Per-channel requantization: every channel's pair is corrected (before, only the scalar
    /// pair was, and the channels' arrays, which the model uses, were left as they were).
    @Test func theCorrectionCoversEveryChannel() throws {
        let layer = Layer(name: "c", shape: Shape(channels: 3, height: 1, width: 1), inputs: [.dense([[1], [1], [1]])],
                          channelMultipliers: [100, 33000, 7], channelPostShifts: [2, 24, 5])
        let scaled = try #require(ScaledIntegrationPlanner.scaled(layer, by: 5))
        #expect((0..<3).map(scaled.multiplier(channel:)) == [800, 33000, 7])
        #expect((0..<3).map(scaled.postShift(channel:)) == [0, 19, 0])
        #expect(ScaledIntegrationPlanner.scaled(layer, by: 12) == nil)  // 100 * 2^10 does not fit

        // On the digits CNN (per-channel everywhere) at 16 bits the plan keeps the accuracy.
        let cnn = try Network.load(from: SweepTestSupport.root + "/examples/digits-cnn/network.json")
        let inputs = try InputSet.load(from: SweepTestSupport.root + "/examples/digits-cnn/test.json", for: cnn).prefix(40)
        var narrow = cnn
        narrow.accumulatorBits = 16
        guard case .feasible(let planned) = try ScaledIntegrationPlanner(samples: inputs.samples).plan(narrow) else {
            Issue.record("16 bits infeasible")
            return
        }
        #expect(planned.layers.contains { $0.shift > 0 })
        let golden = try GoldenModel(network: planned)
        let outputs = try golden.run(samples: inputs.samples)
        let expected = QuantizedANN(network: cnn).outputs(for: inputs.samples)
        let agreeing = zip(outputs, expected).filter { argmax($0) == argmax($1) }.count
        #expect(golden.overflows == 0 && agreeing >= 38, "\(agreeing) of 40 predictions equal the QANN's")
    }

    /// On the digits network at 12 bits: without scaling the golden model overflows; the plan
    /// overflows nowhere, every layer fits 12 bits, and each shift is the smallest that does.
    @Test func theDigitsPlanAtTwelveBitsRemovesEveryOverflowWithTheSmallestShifts() throws {
        let samples = Array(SweepTestSupport.digitsInputs.samples.prefix(60))
        var narrow = SweepTestSupport.digits
        narrow.accumulatorBits = 12
        let plain = try GoldenModel(network: narrow)
        try plain.run(samples: samples)
        #expect(plain.overflows > 0)

        let planner = ScaledIntegrationPlanner(samples: samples)
        guard case .feasible(let planned) = try planner.plan(narrow) else {
            Issue.record("12 bits should be feasible for the digits network")
            return
        }
        #expect(planned.accumulatorBits == 12)
        let scaled = try GoldenModel(network: planned)
        try scaled.run(samples: samples)
        #expect(scaled.overflows == 0)
        #expect(scaled.layerStatistics.allSatisfy { $0.bitsNeeded <= 12 })
        for (index, layer) in planned.layers.enumerated() {
            let original = narrow.layers[index]
            #expect(layer.shift > 0)
            // The overall scale m / 2^(n + s) is unchanged.
            #expect(layer.multiplier == original.multiplier && layer.postShift + layer.shift == original.postShift)
            var smaller = planned
            smaller.layers[index] = ScaledIntegrationPlanner.scaled(original, by: layer.shift - 1)!
            #expect(try planner.bitsNeeded(smaller, layer: index + 1) > 12, "layer \(index + 1)")
        }
    }

    /// Per-channel requantization: every channel's m / 2^n grows by 2^s (the golden model reads
    /// the channel values, not the scalar ones).
    @Test func perChannelRequantizationIsCorrectedOnEveryChannel() throws {
        func makeLayer(_ m: [Int], _ n: [Int]) -> Layer {
            Layer(name: "c", shape: Shape(channels: m.count, height: 2, width: 2), inputs: [],
                  channelMultipliers: m, channelPostShifts: n)
        }
        let layer = makeLayer([3, 5, 40000], [4, 1, 9])
        let scaled = try #require(ScaledIntegrationPlanner.scaled(layer, by: 3))
        #expect(scaled.shift == 3)
        for c in 0..<3 {
            // m' / 2^n' == (m / 2^n) * 2^s, exactly.
            let before = Double(layer.multiplier(channel: c)) / Double(1 << layer.postShift(channel: c))
            let after = Double(scaled.multiplier(channel: c)) / Double(1 << scaled.postShift(channel: c))
            #expect(after == before * 8, "channel \(c)")
        }
        #expect(scaled.channelMultipliers == [3, 20, 40000] && scaled.channelPostShifts == [1, 0, 6])
        // A channel whose multiplier cannot grow makes the layer infeasible.
        #expect(ScaledIntegrationPlanner.scaled(layer, by: 4)?.channelMultipliers == [3, 40, 40000])
        let tight = makeLayer([3, 40000], [4, 0])
        #expect(ScaledIntegrationPlanner.scaled(tight, by: 1) == nil)
    }

    @Test func aWidthThatNeedsNoShiftKeepsTheNetwork() throws {
        var wide = SweepTestSupport.digits
        wide.accumulatorBits = 24
        let plan = try ScaledIntegrationPlanner(samples: Array(SweepTestSupport.digitsInputs.samples.prefix(20))).plan(wide)
        #expect(plan == .feasible(wide))
    }

    @Test func aMultiplierThatCannotGrowMakesTheWidthInfeasible() throws {
        let layer = Layer(weights: [[127, 127]], multiplier: 65535, postShift: 0)
        let network = Network(timeSteps: 8, weightBits: 8, accumulatorBits: 8, inputSize: 2, layers: [layer])
        let plan = try ScaledIntegrationPlanner(samples: [[255, 255]]).plan(network)
        guard case .infeasible(let reason) = plan else {
            Issue.record("expected infeasible, got \(plan)")
            return
        }
        #expect(reason.contains("layer 1 needs shift 9"), "\(reason)")
        #expect(reason.contains("exceeds 65535"), "\(reason)")
    }
}
