import Testing
import StemModel
@testable import StemCheck

/// Mixed-level runs (`stemsim run --rtl-layers`) without the RTL: the device inside the
/// ``MixedEngine`` is a golden model of the cut's sub-network, so a run must agree with the
/// full golden model spike for spike, state for state and in every counter; this checks the
/// cut and its timing (docs/stem-spec.md section 7) for every cut of chains and graphs.
@Suite struct MixedEngineTests {
    /// The lockstep of the full golden model against the mixed engine running `layers` on a
    /// golden model of their sub-network (`edit` may change that sub-network: a planted bug).
    private func run(_ network: Network, layers: [Int], samples: [[Int64]], checksState: Bool = true,
                     edit: (inout Network) -> Void = { _ in }) throws -> (LockstepResult, [[[Int32]]]) {
        let cut = try LayerCut(network: network, layers: layers)
        var sub = cut.subNetwork
        edit(&sub)
        let mixed = try MixedEngine(cut: cut, device: try GoldenModel(network: sub, name: "sub"))
        var lockstep = Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                device: mixed)
        lockstep.checksState = checksState
        var record: [[[Int32]]] = []
        lockstep.recordSink = { _, spikes in record.append(spikes) }
        return (try lockstep.run(), record)
    }

    @Test func everyContiguousRunOfAChainAgreesWithTheFullRun() throws {
        var options = RandomNetworkOptions(layerSizes: [9, 8, 7, 6, 5])
        options.shift = 0...2
        options.rot = 0...2
        options.accumulatorBits = 12
        let network = Network.random(options, seed: 11)
        let samples = InputSet.random(for: network, count: 5, seed: 12).samples
        var spiking = 0, overflows = 0
        for first in 1...network.depth {
            for last in first...network.depth {
                let (result, record) = try run(network, layers: Array(first...last), samples: samples)
                #expect(result.completed && result.agrees, "layers \(first)...\(last): \(String(describing: result.firstDivergence))")
                spiking += record.reduce(0) { $0 + $1[first...last].reduce(0) { $0 + $1.count } }
                overflows = result.referenceCounters.overflows
            }
        }
        #expect(spiking > 100, "the chosen layers spike")
        #expect(overflows > 0, "the 12-bit accumulators overflow, so the mixed engine's overflow count is checked")
    }

    /// Weights changed in the sub-network's copy of layer 3 (a bug in the device) are caught in
    /// layer 3 of the full network: its spikes in the window that sends sample 0, its state
    /// already in the window that accumulates it.
    @Test func aBugInTheChosenLayerIsCaughtUnderItsFullNetworkNumber() throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [9, 8, 7, 6, 5]), seed: 13)
        let samples = InputSet.random(for: network, count: 4, seed: 14).samples
        let negate: (inout Network) -> Void = { sub in sub.layers[0].weights = sub.layers[0].weights.map { $0.map { -$0 } } }
        let (spikes, _) = try run(network, layers: [3, 4], samples: samples, checksState: false, edit: negate)
        let divergence = try #require(spikes.firstDivergence)
        #expect(divergence.layer == 3 && divergence.kind == .spikes && divergence.deviceName == "sub", "\(divergence)")
        #expect(divergence.step / network.timeSteps == network.stages[3], "\(divergence)")
        let (states, _) = try run(network, layers: [3, 4], samples: samples, edit: negate)
        let first = try #require(states.firstDivergence)
        #expect(first.layer == 3 && first.kind == .state && first.step / network.timeSteps == network.stages[3] - 1, "\(first)")
    }

    /// Graph networks: every single layer and every run of consecutive layers either is cut
    /// (one source layer outside it) and then agrees with the full run, or is refused for
    /// having several sources; both happen, and some accepted cut has a shortcut (relay
    /// timing) inside it or takes a source above stage 0.
    @Test func graphCutsAgreeOrAreRefused() throws {
        var accepted = 0, refused = 0, shortcutsOrLateSources = 0
        for seed: UInt64 in 1...6 {
            var options = GraphNetworkOptions()
            options.blocks = 2...3
            let network = Network.randomGraph(options, seed: seed)
            let samples = InputSet.random(for: network, count: 3, seed: seed + 100).samples
            for first in 1...network.depth {
                for last in first...network.depth {
                    let layers = Array(first...last)
                    let cut: LayerCut
                    do {
                        cut = try LayerCut(network: network, layers: layers)
                    } catch {
                        #expect(error.message.contains("both outside the chosen layers"), "\(error)")
                        refused += 1
                        continue
                    }
                    accepted += 1
                    let subStages = cut.subNetwork.stages
                    if cut.source > 0 || cut.subNetwork.layers.indices.contains(where: { i in
                        cut.subNetwork.layers[i].inputs.contains { subStages[$0.source ?? i] < subStages[i + 1] - 1 } }) {
                        shortcutsOrLateSources += 1
                    }
                    let (result, _) = try run(network, layers: layers, samples: samples)
                    #expect(result.completed && result.agrees,
                            "seed \(seed) layers \(layers): \(String(describing: result.firstDivergence))")
                }
            }
        }
        #expect(accepted > 10 && refused > 0 && shortcutsOrLateSources > 0, "\(accepted) \(refused) \(shortcutsOrLateSources)")
    }

    @Test func aCutWithTwoSourcesIsRefusedNamingTheLayers() throws {
        // Layers 1 and 2 both read the input; 3 reads 1 and 2. {2, 3} is fed by the input and
        // by layer 1.
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)]),
            Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[1, 0], [0, 1], [1, 1]], from: 1),
                                                             .dense([[1, 1], [0, 2], [-1, 0]], from: 2)]),
        ])
        #expect(throws: LayerCutError.self) { try LayerCut(network: network, layers: [2, 3]) }
        do {
            _ = try LayerCut(network: network, layers: [2, 3])
        } catch {
            #expect(error.message.contains("layer 2 \"b\" is fed by layer 0 (the input)")
                && error.message.contains("layer 3 \"out\" by layer 1 \"a\""), "\(error)")
        }
        // {3} and {1, 3} have two sources too; {1, 2, 3} has one (the input).
        #expect(throws: LayerCutError.self) { try LayerCut(network: network, layers: [3]) }
        #expect(throws: LayerCutError.self) { try LayerCut(network: network, layers: [1, 3]) }
        #expect(try LayerCut(network: network, layers: [1, 2, 3]).source == 0)
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
        do {
            _ = try LayerCut(network: network, layers: [2, 2])
            Issue.record("a duplicate was accepted")
        } catch {
            #expect(error.message.contains("names layer 2 \"b\" twice"), "\(error)")
        }
    }
}
