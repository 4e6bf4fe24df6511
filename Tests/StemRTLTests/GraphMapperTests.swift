import StemModel
import Testing
@testable import StemRTL

/// The mapper on graph networks: every synapse of the network is on exactly one core, with
/// its weight, fed by the right sender (a relay chain for delayed shortcuts); tiles fit the
/// core; fan-out tables and host flits reach every axon; the refusals name the limit.
@Suite struct GraphMapperTests {
    static func randomGraph(seed: UInt64, perChannel: Bool = true) -> Network {
        var options = GraphNetworkOptions()
        options.accumulatorBits = 16
        options.perChannel = perChannel
        return Network.randomGraph(options, seed: seed)
    }

    /// Checks the mapping against the network, synapse by synapse.
    static func checkSynapses(_ mapping: MeshMapping) {
        let network = mapping.network
        let stages = network.stages
        // The layer's cores partition its neurons.
        for l in 1...network.depth {
            let held = mapping.coresOfLayer[l].flatMap { mapping.cores[$0].neurons }.sorted()
            #expect(held == Array(0..<network.width(ofLayer: l)), "layer \(l) is not partitioned")
        }
        for core in mapping.cores {
            #expect(core.neurons.count <= mapping.options.numNeurons && core.fanIn <= mapping.options.numAxons)
            #expect(Set(core.axons).count == core.axons.count, "tile \(core.tile) has a repeated axon")
            // Signed axons first.
            #expect(core.axons.prefix(core.signedAxons).allSatisfy(\.signed) && !core.axons.dropFirst(core.signedAxons).contains { $0.signed })
            if core.isRelay {
                #expect(core.stage == stages[core.layer] + core.relayHop)
                continue
            }
            #expect(core.stage == stages[core.layer])
            let layer = network.layers[core.layer - 1]
            // Every synapse of every held neuron, from the network's own wiring (the golden
            // model's), is on an axon of this core with the same weight.
            var expected: [MeshMapping.Axon: [Int: Int64]] = [:]
            for (c, connection) in layer.inputs.enumerated() {
                let source = network.source(of: connection, inLayer: core.layer)
                let input = network.shape(ofLayer: source)
                let delay = stages[core.layer] - 1 - stages[source]
                let sender: SpikeSender = delay == 0 ? .layer(source) : .relay(layer: source, hop: delay)
                for (local, neuron) in core.neurons.enumerated() {
                    for s in 0..<input.count {
                        guard let w = connection.synapse(from: s, of: input, to: neuron, of: layer.shape) else { continue }
                        let axon = MeshMapping.Axon(connection: c, sender: sender, neuron: s,
                                                    signed: source == 0 && network.inputSigned)
                        expected[axon, default: [:]][local] = w
                    }
                }
            }
            var found: [MeshMapping.Axon: [Int: Int64]] = [:]
            for axon in core.axons {
                for local in core.neurons.indices {
                    if let w = mapping.weight(core: core, axon: axon, local: local) { found[axon, default: [:]][local] = w }
                }
            }
            #expect(found == expected, "tile \(core.tile) (layer \(core.layer)): synapses differ")
        }
        // Every axon is reached by its sender's fan-out (or the host) exactly once.
        for core in mapping.cores {
            for (a, axon) in core.axons.enumerated() {
                let reaching = mapping.destinations(of: axon.sender, neuron: axon.neuron).filter { $0.tile == core.tile && $0.axon == a }
                #expect(reaching.count == 1)
            }
        }
    }

    @Test(arguments: UInt64(1)...40)
    func everySynapseIsOnExactlyOneCore(seed: UInt64) throws {
        let network = Self.randomGraph(seed: seed)
        let mapping = try MeshChooser().map(network)
        Self.checkSynapses(mapping)
        // Small cores split every layer into tiles; the synapses still all map.
        let small = try MeshChooser(numNeurons: 8, numAxons: 256).map(network)
        Self.checkSynapses(small)
    }

    @Test func aConvLayerIsTiledByChannelsAndPositions() throws {
        // 1x8x8 input, 3x3 conv with padding to 8 channels: 512 neurons over 64-neuron cores.
        let weights: [[[[Int64]]]] = (0..<8).map { (co: Int) -> [[[Int64]]] in
            [(0..<3).map { (ky: Int) -> [Int64] in (0..<3).map { (kx: Int) -> Int64 in Int64((co + ky + kx) % 5 - 2) } }]
        }
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 16,
                              inputShape: Shape(channels: 1, height: 8, width: 8), layers: [
            Layer(name: "c", shape: Shape(channels: 8, height: 8, width: 8),
                  inputs: [.conv(weights, from: 0, padding: [1, 1])]),
            Layer(name: "fc", shape: Shape(flat: 2), inputs: [.dense([[Int64]](repeating: [Int64](repeating: 1, count: 512), count: 2), from: 1)]),
        ])
        let mapping = try Mapper(options: MeshOptions(numNeurons: 64, numAxons: 1024)).map(network)
        let conv = mapping.coresOfLayer[1].map { mapping.cores[$0] }
        #expect(conv.count == 8 && conv.allSatisfy { $0.neurons.count == 64 && $0.fanIn <= 64 })
        // A pixel reaches the tiles whose receptive field covers it: at most 4 (2x2 overlap) ...
        #expect((0..<64).map { mapping.inputFlits(input: $0).count }.max()! <= 8)
        Self.checkSynapses(mapping)
    }

    @Test func aShortcutOverTwoStagesGoesThroughTwoRelays() throws {
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 8, inputShape: Shape(flat: 3), layers: [
            Layer(name: "a", shape: Shape(flat: 3), inputs: [.dense([[1, 0, 0], [0, 1, 0], [0, 0, 1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 3), inputs: [.identity([1, 1, 1], from: 1)]),
            Layer(name: "c", shape: Shape(flat: 3), inputs: [.identity([1, 2, 1], from: 2)]),
            Layer(name: "d", shape: Shape(flat: 3), inputs: [.identity([2, 1, 1], from: 3), .identity([-1, 0, 1], from: 1)]),
        ])
        #expect(network.stages == [0, 1, 2, 3, 4])
        let mapping = try Mapper().map(network)
        let relays = mapping.cores.filter(\.isRelay)
        #expect(relays.map(\.relayHop) == [1, 2] && relays.allSatisfy { $0.layer == 1 })
        #expect(relays.map(\.stage) == [2, 3])
        #expect(relays[1].axons.allSatisfy { $0.sender == .relay(layer: 1, hop: 1) })
        let d = mapping.cores[mapping.coresOfLayer[4][0]]
        #expect(Set(d.axons.map(\.sender)) == [.layer(3), .relay(layer: 1, hop: 2)])
        Self.checkSynapses(mapping)
    }

    @Test func refusalsNameTheLimit() throws {
        // A shortcut from the signed input over two stages: the relay repeats the two's
        // complement code unsigned; the target's axons for it are signed.
        var network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 16, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 1), .identity([1, -1], from: 0)]),
        ])
        network.inputSigned = true
        let signed = try Mapper().map(network)
        #expect(signed.cores.filter(\.isRelay).allSatisfy { $0.signedAxons == 0 })
        let b = signed.cores[signed.coresOfLayer[2][0]]
        #expect(b.signedAxons == 2 && b.axons.prefix(2).allSatisfy { $0.sender == .relay(layer: 0, hop: 1) })
        Self.checkSynapses(signed)
        network.accumulatorBits = 4
        #expect(throws: MappingError.relayNeedsWiderAccumulator(accumulatorBits: 4, timeSteps: 4)) { try Mapper().map(network) }
        network.accumulatorBits = 5
        _ = try Mapper().map(network)
        // A neuron of layer a feeds four cores of b; the fan-out table holds three entries.
        let wide = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 16, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 8), inputs: [.dense([[Int64]](repeating: [1, 1], count: 8), from: 1)]),
        ])
        #expect(throws: MappingError.fanOutTooLarge(sender: "layer 1", neuron: 0, destinations: 4, maxFanout: 3)) {
            try Mapper(options: MeshOptions(numNeurons: 2, numAxons: 8, maxFanout: 3)).map(wide)
        }
        // Chosen, the fan-out table grows to what the mapping needs.
        #expect(try MeshChooser(numNeurons: 2, numAxons: 8).map(wide).options.maxFanout == 4)
    }
}
