import Foundation
import StemModel
import Testing
@testable import StemCheck
@testable import StemRTL

/// Cuts (``LayerCut``): which layers feed a set, and the list's parsing. No RTL.
@Suite struct LayerCutTests {
    /// Layers 1 and 2 both read the input; 3 reads 1 and 2.
    static let diamond = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
        Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
        Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)]),
        Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[1, 0], [0, 1], [1, 1]], from: 1),
                                                         .dense([[1, 1], [0, 2], [-1, 0]], from: 2)]),
    ])

    @Test func theSourcesAreEveryOutsideLayerThatFeedsTheSet() throws {
        let network = Self.diamond
        #expect(try LayerCut(network: network, layers: [3]).sources == [1, 2])
        #expect(try LayerCut(network: network, layers: [2, 3]).sources == [0, 1])
        #expect(try LayerCut(network: network, layers: [3, 1]).sources == [0, 2])
        #expect(try LayerCut(network: network, layers: [1, 2, 3]).sources == [0])
        #expect(try LayerCut(network: network, layers: [3, 1]).layers == [1, 3])
    }

    @Test func theListIsParsedByNumberAndNameAndChecked() throws {
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 1)]),
        ])
        #expect(try LayerCut.parse("2", in: network) == [2])
        #expect(try LayerCut.parse("b, 1", in: network) == [2, 1])
        for (text, phrase) in [("", "names no layer"), ("1,,2", "empty item"), ("3", "out of range 1...2"),
                               ("0", "out of range 1...2"), ("c", "\"c\" is no layer (layers are 1...2 or one of a, b)")] {
            do {
                _ = try LayerCut.parse(text, in: network)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.message.contains(phrase), "\(text): \(error)")
            }
        }
        for (layers, phrase) in [([2, 2], "names layer 2 \"b\" twice"), ([], "names no layer"), ([3], "layer 3 is out of range 1...2")] {
            do {
                _ = try LayerCut(network: network, layers: layers)
                Issue.record("\(layers) was accepted")
            } catch {
                #expect(error.message.contains(phrase), "\(layers): \(error)")
            }
        }
    }

    /// A partial mapping holds exactly the chosen layers (and the relays of their shortcuts);
    /// the host sends the inputs and every other layer they read.
    @Test func aPartialMappingHoldsTheChosenLayersAndTheHostSendsTheirSources() throws {
        let mapping = try Mapper(options: MeshOptions(numNeurons: 4, numAxons: 8, maxFanout: 4)).map(Self.diamond, onMesh: [3])
        #expect(mapping.meshLayers == [3] && !mapping.isComplete)
        #expect(mapping.cores.map(\.layer) == [3])
        #expect(mapping.hostLayers == [0, 1, 2])
        #expect(mapping.isSentByHost(.layer(1)) && mapping.isSentByHost(.layer(0)) && !mapping.isSentByHost(.layer(3)))
        // Each of layer 1's and layer 2's neurons reaches the output core's axons from the host.
        #expect((0..<2).allSatisfy { !mapping.hostFlits(layer: 1, neuron: $0).isEmpty && !mapping.hostFlits(layer: 2, neuron: $0).isEmpty })
        #expect((0...2).allSatisfy { mapping.coresOfLayer[$0].isEmpty })
        let full = try Mapper(options: MeshOptions(numNeurons: 4, numAxons: 8, maxFanout: 4)).map(Self.diamond)
        #expect(full.isComplete && full.hostLayers == [0] && full.meshLayers == [1, 2, 3])
    }
}

/// Mixed-level runs (`stemsim run --rtl-layers`) on the Verilated mesh: the chosen layers on a
/// partial mapping, fed by the golden model's spikes of every other layer they read, must
/// agree with the full golden run spike for spike, state for state and in the overflow count,
/// for every run of consecutive layers of a chain, every single layer of random graphs
/// (residual joins fed by two layers, shortcuts from a layer the host sends) and random
/// non-consecutive sets; a device fed one step late and a bug in a chosen layer are caught.
/// One model library: GraphRTLCrossCheckTests' (T = 6, W = 6, 16-bit accumulators, 4x4 mesh).
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct MixedEngineTests {
    static let options = GraphRTLCrossCheckTests.options

    static func model() throws -> MeshModel {
        try MeshModel(library: try RTLTestSupport.builder().load(GraphRTLCrossCheckTests.parameters(accBits: 16)),
                      randomSeed: 0x3E1D_0001)
    }

    /// The lockstep of the full golden model against a mixed engine running `layers` on the
    /// RTL. `mapped` is the network the partial mapping is made from (a planted bug may change
    /// it); `device` may wrap the RTL engine (another planted bug).
    static func run(_ network: Network, layers: [Int], samples: [[Int64]], model: MeshModel, mapped: Network? = nil,
                    checksState: Bool = true,
                    device: (RTLEngine) -> any LayerFedEngine = { $0 }) throws -> (LockstepResult, MeshMapping) {
        let cut = try LayerCut(network: network, layers: layers)
        let mapping = try Mapper(options: options).map(mapped ?? network, onMesh: cut.layers)
        let rtl = try RTLEngine(mapping: mapping, model: model)
        let mixed = try MixedEngine(cut: cut, device: device(rtl))
        var lockstep = Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network), device: mixed)
        lockstep.checksState = checksState
        return (try lockstep.run(), mapping)
    }

    static func chain(seed: UInt64) -> Network {
        var options = RandomNetworkOptions(layerSizes: [40, 36, 33, 20, 16, 10])
        options.timeSteps = 6
        options.weightBits = 6
        options.accumulatorBits = 16
        options.rot = 0...2
        var network = Network.random(options, seed: seed)
        // Layer 1's weights all 24...31 (the unsigned inputs average 32 of 63, the fan-in is
        // 40): its 16-bit accumulators wrap.
        network.layers[0].weights = network.layers[0].weights.map { $0.map { 31 - ($0 & 7) } }
        return network
    }

    @Test func everyRunOfAChainAndSomeGappedSetsAgreeWithTheFullRun() throws {
        let model = try Self.model()
        let network = Self.chain(seed: 11)
        let samples = InputSet.random(for: network, count: 4, seed: 12).samples
        var sets: [[Int]] = [[1, 3], [2, 4], [1, 3, 5], [2, 5]]
        for first in 1...network.depth { for last in first...network.depth { sets.append(Array(first...last)) } }
        var spiking = 0, overflows = 0, split = 0
        for layers in sets {
            let (result, mapping) = try Self.run(network, layers: layers, samples: samples, model: model)
            #expect(result.completed && result.agrees, "layers \(layers): \(String(describing: result.firstDivergence))")
            #expect(result.referenceCounters.overflows == result.deviceCounters?.overflows, "layers \(layers)")
            #expect(mapping.cores.allSatisfy { layers.contains($0.layer) }, "layers \(layers)")
            spiking += result.outputs.joined().reduce(0) { $0 + $1.nonzeroBitCount }
            overflows += result.referenceCounters.overflows
            split += mapping.cores.count > layers.count ? 1 : 0
        }
        #expect(spiking > 100 && overflows > 0 && split > 5, "\(spiking) \(overflows) \(split)")
    }

    @Test func graphCutsWithSeveralSourcesAndShortcutsAgreeWithTheFullRun() throws {
        let model = try Self.model()
        var cuts = 0, severalSources = 0, hostShortcuts = 0, gapped = 0
        for seed in UInt64(1)...12 {
            let network = GraphRTLCrossCheckTests.network(seed: seed)
            var generator = SplitMix64(seed: seed &* 0x7A11)
            let samples = InputSet.random(for: network, count: 2, using: &generator).samples
            var sets = (1...network.depth).map { [$0] }
            for _ in 0..<2 {
                let set = (1...network.depth).filter { _ in Bool.random(using: &generator) }
                if !set.isEmpty { sets.append(set) }
            }
            for layers in sets {
                let cut = try LayerCut(network: network, layers: layers)
                let result: LockstepResult, mapping: MeshMapping
                do {
                    (result, mapping) = try Self.run(network, layers: layers, samples: samples, model: model)
                } catch let error as MappingError {
                    // A set too large for the 4x4 mesh (checked to be that and nothing else).
                    #expect("\(error)".contains("mesh"), "seed \(seed) layers \(layers): \(error)")
                    continue
                }
                #expect(result.completed && result.agrees,
                        "seed \(seed) layers \(layers): \(String(describing: result.firstDivergence))")
                #expect(result.referenceCounters.overflows == result.deviceCounters?.overflows, "seed \(seed) layers \(layers)")
                cuts += 1
                severalSources += cut.sources.count > 1 ? 1 : 0
                hostShortcuts += mapping.cores.contains { $0.isRelay && !layers.contains($0.layer) } ? 1 : 0
                gapped += layers.count > 1 && layers.last! - layers.first! >= layers.count ? 1 : 0
            }
        }
        // What the cuts are for happened (the counts cannot pass on nothing).
        #expect(cuts > 40 && severalSources > 5 && hostShortcuts > 2 && gapped > 3,
                "\(cuts) cuts, \(severalSources) with several sources, \(hostShortcuts) with relays of a host layer, \(gapped) gapped")
    }

    /// A device told the other layers' spikes one step late.
    final class LateFeed: LayerFedEngine {
        let inner: RTLEngine
        var previous: [[Int32]] = []
        init(_ inner: RTLEngine) { self.inner = inner }
        var name: String { inner.name }
        var runsLayers: [Int] { inner.runsLayers }
        func start(sampleCount: Int) throws {
            previous = []
            try inner.start(sampleCount: sampleCount)
        }
        func step(inputSpikes: [Int32]) throws -> [[Int32]] { try step(layerSpikes: [inputSpikes]) }
        func step(layerSpikes: [[Int32]]) throws -> [[Int32]] {
            var late = layerSpikes
            for l in 1..<late.count where !runsLayers.contains(l) { late[l] = previous.indices.contains(l) ? previous[l] : [] }
            previous = layerSpikes
            return try inner.step(layerSpikes: late)
        }
        func state(layer: Int, neuron: Int) throws -> NeuronState? { try inner.state(layer: layer, neuron: neuron) }
        func states(layer: Int, count: Int) throws -> [NeuronState]? { try inner.states(layer: layer, count: count) }
        func counters() throws -> EngineCounters { try inner.counters() }
    }

    /// Planted bugs: the source layer's spikes reach the device a step late, or the chosen
    /// layer's weights are negated on the mesh. Each is caught in the chosen layer, under its
    /// full-network number, in the window in which it first sends sample 0 (spikes only) or
    /// accumulates it (with the state).
    @Test func aLateFeedAndABugInTheChosenLayerAreCaught() throws {
        let model = try Self.model()
        let network = Self.chain(seed: 13)
        let samples = InputSet.random(for: network, count: 3, seed: 14).samples
        let stages = network.stages
        let (late, _) = try Self.run(network, layers: [3], samples: samples, model: model, checksState: false,
                                     device: { LateFeed($0) })
        let lateDivergence = try #require(late.firstDivergence, "a feed one step late was not caught")
        #expect(lateDivergence.layer == 3 && lateDivergence.step / network.timeSteps == stages[3], "\(lateDivergence)")

        var negated = network
        negated.layers[2].weights = negated.layers[2].weights.map { $0.map { -$0 } }
        let (spikes, _) = try Self.run(network, layers: [3, 4], samples: samples, model: model, mapped: negated,
                                       checksState: false)
        let divergence = try #require(spikes.firstDivergence, "negated weights were not caught")
        #expect(divergence.layer == 3 && divergence.kind == .spikes && divergence.deviceName == "rtl", "\(divergence)")
        #expect(divergence.step / network.timeSteps == stages[3], "\(divergence)")
        let (states, _) = try Self.run(network, layers: [3, 4], samples: samples, model: model, mapped: negated)
        let first = try #require(states.firstDivergence)
        #expect(first.layer == 3 && first.kind == .state && first.step / network.timeSteps == stages[3] - 1, "\(first)")
    }

    @Test func aDeviceRunningOtherLayersThanTheCutIsRefused() throws {
        let model = try Self.model()
        let network = Self.chain(seed: 15)
        let rtl = try RTLEngine(mapping: try Mapper(options: Self.options).map(network, onMesh: [2]), model: model)
        do {
            _ = try MixedEngine(cut: try LayerCut(network: network, layers: [2, 3]), device: rtl)
            Issue.record("accepted")
        } catch {
            #expect("\(error)".contains("runs layers [2], the cut chose [2, 3]"), "\(error)")
        }
        // A partial mapping's engine cannot be stepped with the inputs alone.
        try rtl.start(sampleCount: 1)
        #expect(throws: EngineError.self) { _ = try rtl.step(inputSpikes: []) }
    }
}
