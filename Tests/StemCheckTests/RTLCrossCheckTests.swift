import Foundation
import StemCheck
import StemModel
import StemRTL
import Testing

/// Random networks on the Verilated mesh against the golden model, every spike of every step.
/// A few parameter sets are built once (content-keyed cache) and reused by every network.
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct RTLCrossCheckTests {
    /// The builds the random networks run on: several B, weight and accumulator widths, both
    /// overflow modes, small cores so layers split over several tiles.
    struct Build: CustomTestStringConvertible, Sendable {
        var timeSteps: Int, weightBits: Int, accBits: Int, overflow: OverflowMode
        var options: MeshOptions
        var testDescription: String { "B=\(timeSteps) W=\(weightBits) Acc=\(accBits) \(overflow.rawValue)" }
    }

    static let builds = [
        Build(timeSteps: 8, weightBits: 8, accBits: 16, overflow: .wrap,
              options: MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, meshSize: (3, 3))),
        Build(timeSteps: 5, weightBits: 6, accBits: 11, overflow: .saturate,
              options: MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, meshSize: (3, 3))),
        // 15 axons: the core's pass length 2^4 - 1 fills its pass counter, so a wrong bound of
        // the clearing pass wraps (the mutant `PassLen + 1` at stem_core.sv's StClear).
        Build(timeSteps: 16, weightBits: 16, accBits: 48, overflow: .wrap,
              options: MeshOptions(numNeurons: 8, numAxons: 15, maxFanout: 3, fifoDepth: 2, meshSize: (2, 3))),
    ]

    /// What the random networks exercised, summed over all of them (the coverage asserted at the end).
    struct Coverage {
        var networks = 0, overflows = 0, outputSpikes = 0, signedNetworks = 0, splitLayers = 0
        var accumulatorBias = 0, shifted = 0, rot = 0, drlo = 0, backdoor = 0
    }

    @Test(arguments: builds)
    func randomNetworksAgreeWithTheGoldenModel(build: Build) throws {
        let parameters = ModelParameters(
            timeSteps: build.timeSteps, weightBits: build.weightBits, accBits: build.accBits,
            saturate: build.overflow == .saturate, numNeurons: build.options.numNeurons,
            numAxons: build.options.numAxons, maxFanout: build.options.maxFanout,
            meshX: build.options.meshSize!.x, meshY: build.options.meshSize!.y, fifoDepth: build.options.fifoDepth,
            assertions: true)
        // Random initial values (randReset(2), a fixed seed per build): state the reset does not
        // clear would make the RTL diverge instead of starting at a convenient zero.
        let model = try MeshModel(library: try RTLTestSupport.builder().load(parameters),
                                  randomSeed: 0x5EED_0000 &+ UInt64(build.accBits))
        var coverage = Coverage()
        for seed in UInt64(1)...100 {
            var generator = SplitMix64(seed: seed &* 0x9E37 &+ UInt64(build.accBits))
            let network = Self.randomNetwork(build, using: &generator)
            let samples = InputSet.random(for: network, count: Int.random(in: 1...5, using: &generator),
                                          using: &generator)
            let mapping = try Mapper(options: build.options).map(network)
            let path: RTLEngine.ConfigurationPath = seed % 2 == 0 ? .backdoor : .packets
            let rtl = try RTLEngine(mapping: mapping, model: model, configurationPath: path)
            let golden = try GoldenModel(network: network)
            var lockstep = Lockstep(network: network, samples: samples.samples, reference: golden, device: rtl)
            lockstep.checksState = true  // every neuron's I, V, Y too, not only the spikes
            let result = try lockstep.run()
            let context = "seed \(seed), \(network.layerWidths), \(samples.samples.count) samples"
            #expect(result.firstDivergence == nil, "\(context): \(result.firstDivergence.map { "\($0)" } ?? "")")
            #expect(result.referenceCounters.overflows == result.deviceCounters?.overflows,
                    "\(context): overflows golden \(result.referenceCounters.overflows), rtl \(result.deviceCounters?.overflows ?? -1)")
            #expect(result.completed)
            coverage.networks += 1
            coverage.overflows += result.referenceCounters.overflows
            coverage.outputSpikes += result.outputs.joined().reduce(0) { $0 + $1.nonzeroBitCount }
            coverage.signedNetworks += network.inputSigned ? 1 : 0
            coverage.splitLayers += mapping.cores.count > network.depth ? 1 : 0
            coverage.accumulatorBias += network.layers.contains { $0.biasMode == .accumulator } ? 1 : 0
            coverage.shifted += network.layers.contains { $0.shift > 0 } ? 1 : 0
            coverage.rot += network.layers.contains { $0.rot > 0 } ? 1 : 0
            coverage.drlo += network.layers.contains { $0.drlo > 0 } ? 1 : 0
            coverage.backdoor += path == .backdoor ? 1 : 0
        }
        // The random networks really exercised every option (a check that cannot pass vacuously).
        #expect(coverage.outputSpikes > 100, "\(coverage)")
        if build.accBits < 24 { #expect(coverage.overflows > 0, "\(coverage)") }
        #expect(coverage.signedNetworks >= 5 && coverage.splitLayers >= 5 && coverage.accumulatorBias >= 5, "\(coverage)")
        #expect(coverage.shifted >= 5 && coverage.rot >= 5 && coverage.drlo >= 5 && coverage.backdoor == 50, "\(coverage)")
    }

    /// The cross-check can fail: the RTL built with a narrower accumulator than the golden
    /// model assumes diverges exactly at the first step where the two widths' spike records
    /// differ (found independently, by two golden runs).
    @Test func anAccumulatorWidthMismatchIsCaughtAtTheFirstDifferingStep() throws {
        let build = Self.builds[1]  // the RTL: AccBits 11, saturate
        let parameters = ModelParameters(
            timeSteps: build.timeSteps, weightBits: build.weightBits, accBits: build.accBits, saturate: true,
            numNeurons: build.options.numNeurons, numAxons: build.options.numAxons,
            maxFanout: build.options.maxFanout, meshX: 3, meshY: 3, fifoDepth: build.options.fifoDepth, assertions: true)
        let model = try MeshModel(library: try RTLTestSupport.builder().load(parameters))
        var checked = 0
        for seed in UInt64(100)..<400 where checked < 3 {
            var generator = SplitMix64(seed: seed)
            let narrow = Self.randomNetwork(build, using: &generator)
            var wide = narrow
            wide.accumulatorBits = 20
            let samples = InputSet.random(for: narrow, count: 3, using: &generator).samples
            guard let expectedStep = try Self.firstDifferingStep(narrow, wide, samples) else { continue }
            let rtl = try RTLEngine(mapping: try Mapper(options: build.options).map(narrow), model: model)
            let result = try Lockstep(network: wide, samples: samples, reference: try GoldenModel(network: wide),
                                      device: rtl).run()
            let divergence = try #require(result.firstDivergence, "seed \(seed): no divergence found")
            #expect(divergence.step == expectedStep, "seed \(seed)")
            #expect(result.stepsRun == expectedStep, "the run stops at the divergence")
            checked += 1
        }
        #expect(checked == 3, "too few random networks where 11 and 20 accumulator bits differ")
    }

    /// The first step where two golden runs' spike records differ (the golden-vs-golden
    /// lockstep, itself checked against independent solo runs in LockstepTests).
    static func firstDifferingStep(_ a: Network, _ b: Network, _ samples: [[Int64]]) throws -> Int? {
        try Lockstep(network: a, samples: samples, reference: try GoldenModel(network: a),
                     device: try GoldenModel(network: b)).run().firstDivergence?.step
    }

    /// A random network that fits `build`'s mesh: 1 to 3 layers, widths up to three cores.
    static func randomNetwork(_ build: Build, using generator: inout SplitMix64) -> Network {
        let n = build.options.numNeurons, axons = build.options.numAxons
        let tiles = build.options.meshSize!.x * build.options.meshSize!.y
        while true {
            let depth = Int.random(in: 1...3, using: &generator)
            var sizes = [Int.random(in: 1...axons, using: &generator)]
            for _ in 0..<depth {
                sizes.append(Int.random(in: 1...min(axons, 3 * n), using: &generator))
            }
            let cores = sizes.dropFirst().reduce(0) { $0 + ($1 + n - 1) / n }
            guard cores <= tiles else { continue }
            var options = RandomNetworkOptions(layerSizes: sizes)
            options.timeSteps = build.timeSteps
            options.weightBits = build.weightBits
            options.accumulatorBits = build.accBits
            options.overflow = build.overflow
            options.inputSigned = Bool.random(using: &generator)
            options.biasMode = nil
            options.shift = 0...Int.random(in: 0...4, using: &generator)
            options.rot = 0...(build.timeSteps / 2)
            options.drlo = 0...(build.timeSteps / 2)
            options.zeroWeightProbability = Double.random(in: 0...0.6, using: &generator)
            return Network.random(options, using: &generator)
        }
    }
}
