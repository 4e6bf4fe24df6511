import Foundation
import StemCheck
import StemModel
import StemRTL
import Testing

/// Networks with 16-bit biases (`biasBits` 16) on an RTL mesh built with `BiasBits` 16, against
/// the golden model in lockstep: biases at both ends of the 16-bit range, in accumulator mode
/// (`round_shift(b, s)` into `V0`) and output mode (added after requantization).
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct BiasBitsRTLCrossCheckTests {
    static let build = RTLCrossCheckTests.Build(
        timeSteps: 8, weightBits: 8, accBits: 20, overflow: .wrap,
        options: MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, meshSize: (3, 3)))

    /// A random network of `build` with `biasBits` 16 and biases drawn from the whole 16-bit
    /// range, at least one at each end.
    static func network(using generator: inout SplitMix64) -> Network {
        var network = RTLCrossCheckTests.randomNetwork(build, using: &generator)
        network.biasBits = 16
        for l in network.layers.indices {
            let count = network.layers[l].bias.count
            network.layers[l].bias = (0..<count).map { j in
                j == 0 ? -32768 : j == 1 ? 32767 : Int64.random(in: -32768...32767, using: &generator)
            }
        }
        return network
    }

    @Test func sixteenBitBiasesAgreeWithTheGoldenModel() throws {
        let b = Self.build
        let parameters = ModelParameters(
            timeSteps: b.timeSteps, weightBits: b.weightBits, accBits: b.accBits, saturate: false,
            numNeurons: b.options.numNeurons, numAxons: b.options.numAxons, biasBits: 16,
            maxFanout: b.options.maxFanout, meshX: 3, meshY: 3, fifoDepth: b.options.fifoDepth, assertions: true)
        let model = try MeshModel(library: try RTLTestSupport.builder().load(parameters), randomSeed: 0xB1A5)
        #expect(try model.parameters().biasBits == 16)
        var accumulatorBias = 0, outputBias = 0, outputSpikes = 0
        for seed in UInt64(1)...24 {
            var generator = SplitMix64(seed: seed &* 0x51 &+ 7)
            let network = Self.network(using: &generator)
            try network.validate()
            let samples = InputSet.random(for: network, count: Int.random(in: 1...4, using: &generator), using: &generator)
            let mapping = try Mapper(options: b.options).map(network)
            #expect(mapping.modelParameters(assertions: true) == parameters, "seed \(seed): the model the mapper asks for")
            let rtl = try RTLEngine(mapping: mapping, model: model, configurationPath: seed % 2 == 0 ? .backdoor : .packets)
            var lockstep = Lockstep(network: network, samples: samples.samples, reference: try GoldenModel(network: network),
                                    device: rtl)
            lockstep.checksState = true
            let result = try lockstep.run()
            #expect(result.firstDivergence == nil, "seed \(seed): \(result.firstDivergence.map { "\($0)" } ?? "")")
            #expect(result.completed)
            accumulatorBias += network.layers.filter { $0.biasMode == .accumulator }.count
            outputBias += network.layers.filter { $0.biasMode == .output }.count
            outputSpikes += result.outputs.joined().reduce(0) { $0 + $1.nonzeroBitCount }
        }
        #expect(accumulatorBias >= 5 && outputBias >= 5 && outputSpikes > 50,
                "coverage: \(accumulatorBias) accumulator-bias layers, \(outputBias) output-bias layers, \(outputSpikes) output spikes")
    }
}
