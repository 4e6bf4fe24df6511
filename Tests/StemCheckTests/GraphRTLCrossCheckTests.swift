import Foundation
import StemCheck
import StemModel
import Testing
@testable import StemRTL

/// Random graph networks (conv with stride and padding, pooling, residual shortcuts over one
/// and two stages through relay cores, per-channel requantization, signed inputs, dense heads)
/// on the Verilated mesh against the golden model, every spike and every neuron's I, V, Y of
/// every step; and a planted bug in the new paths (a relay one window early) caught at once.
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct GraphRTLCrossCheckTests {
    /// One build for every network: small cores, so that conv layers split into tiles and dense
    /// heads over several cores.
    static let options = MeshOptions(numNeurons: 32, numAxons: 256, maxFanout: 8, fifoDepth: 4, meshSize: (4, 4))

    static func parameters(accBits: Int) -> ModelParameters {
        ModelParameters(timeSteps: 6, weightBits: 6, accBits: accBits, numNeurons: options.numNeurons,
                        numAxons: options.numAxons, maxFanout: options.maxFanout, meshX: 4, meshY: 4,
                        fifoDepth: options.fifoDepth, assertions: true)
    }

    static func network(seed: UInt64) -> Network {
        var graph = GraphNetworkOptions()
        graph.accumulatorBits = 16
        graph.inputSize = 3...6
        graph.blocks = 1...3
        return Network.randomGraph(graph, seed: seed)
    }

    @Test func randomGraphNetworksAgreeWithTheGoldenModel() throws {
        let model = try MeshModel(library: try RTLTestSupport.builder().load(Self.parameters(accBits: 16)),
                                  randomSeed: 0x6EA9_0001)
        var mapped = 0, relays = 0, tiled = 0, perChannel = 0, signed = 0, spikes = 0
        for seed in UInt64(1)...40 {
            var generator = SplitMix64(seed: seed &* 0x51ED)
            let network = Self.network(seed: seed)
            let mapping: MeshMapping
            do { mapping = try Mapper(options: Self.options).map(network) } catch { continue }
            let samples = InputSet.random(for: network, count: Int.random(in: 1...3, using: &generator), using: &generator)
            let rtl = try RTLEngine(mapping: mapping, model: model, configurationPath: seed % 2 == 0 ? .backdoor : .packets)
            var lockstep = Lockstep(network: network, samples: samples.samples, reference: try GoldenModel(network: network),
                                    device: rtl)
            lockstep.checksState = true
            let result = try lockstep.run()
            let context = "seed \(seed), \(network.layers.map(\.shape.description)), \(mapping.cores.count) cores"
            #expect(result.firstDivergence == nil, "\(context): \(result.firstDivergence.map { "\($0)" } ?? "")")
            #expect(result.referenceCounters.overflows == result.deviceCounters?.overflows, "\(context)")
            #expect(result.completed)
            mapped += 1
            relays += mapping.relayCount > 0 ? 1 : 0
            tiled += mapping.cores.contains { !$0.isRelay && $0.neurons.count < network.width(ofLayer: $0.layer) } ? 1 : 0
            perChannel += network.layers.contains { !$0.hasScalarRequantization } ? 1 : 0
            signed += network.inputSigned ? 1 : 0
            spikes += result.outputs.joined().reduce(0) { $0 + $1.nonzeroBitCount }
        }
        // The networks exercised what they are for (this check cannot pass on nothing).
        #expect(mapped >= 30 && relays >= 5 && tiled >= 5 && perChannel >= 10 && signed >= 5 && spikes > 50,
                "mapped \(mapped), relays \(relays), tiled \(tiled), per-channel \(perChannel), signed \(signed), spikes \(spikes)")
    }

    /// A planted bug: every delayed shortcut reads one relay too few, so it arrives a window
    /// before its sample. The lockstep stops in the first window it shows.
    @Test func aShortcutDelayedOneWindowTooFewIsCaught() throws {
        let model = try MeshModel(library: try RTLTestSupport.builder().load(Self.parameters(accBits: 16)))
        for seed in UInt64(1)...40 {
            let network = Self.network(seed: seed)
            guard let good = try? Mapper(options: Self.options).map(network), good.relayCount > 0 else { continue }
            let planted = good.cores.map { core -> MeshMapping.Core in
                var core = core
                for a in core.axons.indices where !core.isRelay {
                    if case let .relay(layer, hop) = core.axons[a].sender {
                        core.axons[a].sender = hop == 1 ? .layer(layer) : .relay(layer: layer, hop: hop - 1)
                    }
                }
                return core
            }
            let bad = MeshMapping(network: network, options: good.options, meshX: good.meshX, meshY: good.meshY, cores: planted,
                                  meshLayers: good.meshLayers)
            var generator = SplitMix64(seed: seed)
            let samples = InputSet.random(for: network, count: 3, using: &generator)
            var lockstep = Lockstep(network: network, samples: samples.samples, reference: try GoldenModel(network: network),
                                    device: try RTLEngine(mapping: bad, model: model))
            lockstep.checksState = true
            let result = try lockstep.run()
            let divergence = try #require(result.firstDivergence, "seed \(seed): the planted relay bug was not caught")
            // The first layer fed by a relay accumulates sample 0 in window stage - 1; the early
            // shortcut reaches it a window before (sample 0) or in that window (sample 1).
            let fed = good.cores.filter { !$0.isRelay && $0.axons.contains { if case .relay = $0.sender { true } else { false } } }
            let firstWindow = fed.map(\.stage).min()! - 1
            #expect(divergence.step < (firstWindow + 1) * network.timeSteps, "seed \(seed): caught late, at \(divergence)")
            return
        }
        Issue.record("no random network had a shortcut")
    }
}
