import StemModel

/// Where every neuron of a network sits on the mesh, and what the mesh must be told to run
/// it: the result of ``Mapper/map(_:)``.
///
/// A core holds neurons of one layer (a dense layer's neurons in contiguous ranges; a conv,
/// pool or identity layer's as tiles of channels x rows x columns), or it is a relay: a core
/// that receives a layer's spikes and sends the same spike train one window later, so that a
/// shortcut arrives in the window in which its target accumulates the same sample
/// (docs/stem-spec.md section 7). Each axon of a core is one (connection, source neuron)
/// pair; a source neuron's spike reaches every core that has one of its axons, through its
/// fan-out entries (or from the host, for the inputs).
public struct MeshMapping: Sendable {
    /// One core's share of a layer, or a relay.
    public struct Core: Sendable, Equatable {
        /// The layer (1...L) whose neurons the core holds; for a relay, the layer whose spikes
        /// it delays (0 = the inputs).
        public var layer: Int
        /// 0 for a layer's core; `k >= 1` for the relay that sends the layer's spikes `k`
        /// windows late.
        public var relayHop: Int
        /// The stage the core runs at (FIRST_WINDOW + 1).
        public var stage: Int
        /// The tile (`y * meshX + x`).
        public var tile: Int
        /// The tile's coordinates.
        public var x: Int, y: Int
        /// The neurons the core holds (indices within `layer`, ascending); local neuron `j` is
        /// `neurons[j]`.
        public var neurons: [Int]
        /// The core's inputs: axon `a` is `axons[a]`.
        public var axons: [Axon]

        /// Whether the core is a relay (its spikes are not the network's).
        public var isRelay: Bool { relayHop > 0 }
        /// Who sends the spikes of this core's neurons.
        public var sender: SpikeSender { isRelay ? .relay(layer: layer, hop: relayHop) : .layer(layer) }
        /// The axons used.
        public var fanIn: Int { axons.count }
        /// The axons whose spikes count negated in step 0 (the first ones: the signed input).
        public var signedAxons: Int { axons.prefix { $0.signed }.count }
    }

    /// What one axon of a core receives.
    public struct Axon: Sendable, Equatable, Hashable {
        /// The connection of the core's layer (index into its `inputs`); -1 for a relay.
        public var connection: Int
        /// Who sends the spikes.
        public var sender: SpikeSender
        /// The sending neuron (index within the sender's layer).
        public var neuron: Int
        /// Whether the spikes are the signed input's (negated in step 0 of a window).
        public var signed: Bool
    }

    /// Where a spike goes: axon `axon` of the core on `tile`.
    public struct Destination: Sendable, Equatable {
        public var tile: Int
        public var axon: Int
    }

    /// The network this mapping is for.
    public let network: Network
    /// The core and mesh it was mapped onto (with the mesh size filled in).
    public let options: MeshOptions
    /// Mesh width and height.
    public let meshX: Int, meshY: Int
    /// Every used core, in tile order.
    public let cores: [Core]
    /// `coresOfLayer[l]`: indices into `cores` of layer `l`'s own cores (index 0 is empty: the
    /// host); relays are not listed.
    public let coresOfLayer: [[Int]]
    /// Per sender and sending neuron, the axons its spike reaches (layer 0, and a layer not on
    /// the mesh: the host's flits).
    public let destinations: [SpikeSender: [[Destination]]]
    /// The layers (`1...L`, ascending) whose neurons are on the mesh: all of them, or those of a
    /// partial mapping (``Mapper/map(_:onMesh:)``).
    public let meshLayers: [Int]
    /// The layers (0 = the inputs) whose spikes the host sends: the inputs, and in a partial
    /// mapping every other layer the mesh's cores read (directly or through relays).
    public let hostLayers: [Int]

    /// Per tile: the core on it, if any.
    private let coreOfTile: [Int?]
    /// Per layer `1...L` and neuron: `core index << 32 | local index`.
    private let placement: [[Int]]

    init(network: Network, options: MeshOptions, meshX: Int, meshY: Int, cores: [Core], meshLayers: [Int]) {
        self.network = network
        self.meshLayers = meshLayers
        var options = options
        options.meshSize = (meshX, meshY)
        self.options = options
        self.meshX = meshX
        self.meshY = meshY
        self.cores = cores
        var byLayer = Array(repeating: [Int](), count: network.depth + 1)
        var byTile = [Int?](repeating: nil, count: meshX * meshY)
        var placement = (0...network.depth).map { [Int](repeating: -1, count: $0 == 0 ? 0 : network.width(ofLayer: $0)) }
        var destinations: [SpikeSender: [[Destination]]] = [:]
        for (index, core) in cores.enumerated() {
            byTile[core.tile] = index
            if !core.isRelay {
                byLayer[core.layer].append(index)
                for (local, neuron) in core.neurons.enumerated() { placement[core.layer][neuron] = index << 32 | local }
            }
            for (a, axon) in core.axons.enumerated() {
                if destinations[axon.sender] == nil {
                    destinations[axon.sender] = Array(repeating: [], count: network.width(ofLayer: axon.sender.layer))
                }
                destinations[axon.sender]![axon.neuron].append(Destination(tile: core.tile, axon: a))
            }
        }
        self.coresOfLayer = byLayer
        self.coreOfTile = byTile
        self.placement = placement
        self.destinations = destinations
        let onMesh = Set(meshLayers)
        self.hostLayers = Set(destinations.keys.compactMap { sender -> Int? in
            guard case let .layer(l) = sender, !onMesh.contains(l) else { return nil }
            return l
        }).union([0]).sorted()
    }

    /// Whether the whole network is on the mesh (not a partial mapping).
    public var isComplete: Bool { meshLayers.count == network.depth }

    /// Whether the host sends `sender`'s spikes (the inputs, or a layer not on the mesh);
    /// relays are always on the mesh.
    public func isSentByHost(_ sender: SpikeSender) -> Bool {
        guard case let .layer(l) = sender else { return false }
        return l == 0 || !meshLayers.contains(l)
    }

    /// The number of tiles.
    public var tileCount: Int { meshX * meshY }

    /// The relay cores.
    public var relayCount: Int { cores.filter(\.isRelay).count }

    /// The core on `tile`, if the mapping uses it.
    public func core(onTile tile: Int) -> Core? {
        guard tile >= 0, tile < coreOfTile.count, let index = coreOfTile[tile] else { return nil }
        return cores[index]
    }

    /// The tile and local index of neuron `neuron` of layer `layer` (1...L).
    public func location(layer: Int, neuron: Int) -> (tile: Int, local: Int) {
        let packed = placement[layer][neuron]
        precondition(packed >= 0, "neuron \(neuron) of layer \(layer) is not mapped")
        return (cores[packed >> 32].tile, packed & 0xFFFF_FFFF)
    }

    /// The axons a spike of `sender`'s neuron `neuron` reaches (none for the output layer,
    /// whose spikes go to the host).
    public func destinations(of sender: SpikeSender, neuron: Int) -> [Destination] {
        destinations[sender]?[neuron] ?? []
    }

    /// The fan-out entries (flits) one spike of `core`'s local neuron `local` costs: one per
    /// destination axon, or one to the host from the output layer.
    public func flits(core: Core, local: Int) -> Int {
        !core.isRelay && core.layer == network.depth ? 1 : destinations(of: core.sender, neuron: core.neurons[local]).count
    }

    /// The mean and the largest number of flits one spike of a neuron of `core` costs.
    public func flitsPerSpike(core: Core) -> (mean: Double, max: Int) {
        let counts = core.neurons.indices.map { flits(core: core, local: $0) }
        return (counts.isEmpty ? 0 : Double(counts.reduce(0, +)) / Double(counts.count), counts.max() ?? 0)
    }

    /// The flits a spike of layer `layer` (0...L) costs at most: the largest number of axons one
    /// of its neurons reaches, or one to the host from the output layer.
    public func flitsPerSpike(layer: Int) -> Int {
        if layer == network.depth { return 1 }
        return destinations[.layer(layer)]?.map(\.count).max() ?? 0
    }

    /// The flits the host sends when input neuron `input` spikes: one per axon it feeds.
    public func inputFlits(input: Int) -> [Flit] {
        hostFlits(layer: 0, neuron: input)
    }

    /// The flits the host sends when neuron `neuron` of layer `layer` (one of ``hostLayers``)
    /// spikes: one per axon it feeds.
    public func hostFlits(layer: Int, neuron: Int) -> [Flit] {
        destinations(of: .layer(layer), neuron: neuron).map {
            Flit.spike(toX: $0.tile % meshX, y: $0.tile / meshX, axon: $0.axon)
        }
    }

    /// The largest number of fan-out entries any neuron uses.
    public var largestFanout: Int {
        cores.map { core in core.neurons.indices.map { flits(core: core, local: $0) }.max() ?? 0 }.max() ?? 0
    }

    /// The model library this mapping runs on (with the RTL's assertions compiled in when
    /// `assertions` is set).
    public func modelParameters(trace: ModelParameters.Trace = .none, assertions: Bool = false) -> ModelParameters {
        ModelParameters(
            top: .mesh, timeSteps: network.timeSteps, weightBits: network.weightBits,
            accBits: network.accumulatorBits, saturate: network.overflow == .saturate,
            numNeurons: options.numNeurons, numAxons: options.numAxons, biasBits: network.biasBits,
            maxFanout: options.maxFanout,
            meshX: meshX, meshY: meshY, fifoDepth: options.fifoDepth, trace: trace, assertions: assertions)
    }

    /// The weight from axon `axon` of `core` to its local neuron `local`, or nil when they are
    /// not joined (no synapse is written).
    public func weight(core: Core, axon: Axon, local: Int) -> Int64? {
        let neuron = core.neurons[local]
        if core.isRelay { return axon.neuron == neuron ? 1 : nil }
        let layer = network.layers[core.layer - 1]
        let connection = layer.inputs[axon.connection]
        return connection.synapse(from: axon.neuron, of: network.shape(ofLayer: axon.sender.layer),
                                  to: neuron, of: layer.shape)
    }

    /// Every configuration write a run of `sampleCount` samples needs, tile by tile:
    /// registers, biases, per-neuron requantization (when the layer has per-channel `m`/`n`),
    /// weights (every synapse, axon by axon) and fan-out tables of the used tiles, and
    /// `NUM_NEURONS = 0` on the unused ones.
    public func configuration(sampleCount: Int) -> ConfigImage {
        var writes: [ConfigImage.Write] = []
        let n = options.numNeurons
        for tile in 0..<tileCount {
            guard let core = core(onTile: tile) else {
                writes.append(.init(tile: tile, address: .register(.numNeurons), data: 0))
                continue
            }
            func register(_ r: TileAddress.Register, _ value: Int) {
                writes.append(.init(tile: tile, address: .register(r), data: UInt32(value)))
            }
            let layer = core.isRelay ? nil : network.layers[core.layer - 1]
            let perNeuron = layer.map { !$0.hasScalarRequantization } ?? false
            // A chain's signed layer 1 sets FLAGS.Signed as it always has (the current reads
            // unsigned; the step-0 current is negated when integrated, as the version-1 golden
            // model does); graph networks use SIGNED_AXONS (the current reads signed, as the
            // graph golden model's does).
            let signed = core.signedAxons
            let allSigned = signed > 0 && signed == core.fanIn && network.isDenseChain
            typealias Flags = HardwareInterface.Flags
            let flags = Flags.biasAccumulator.placing(layer?.biasMode == .accumulator ? 1 : 0)
                | Flags.signedInputs.placing(allSigned ? 1 : 0)
                | Flags.perNeuronRequantization.placing(perNeuron ? 1 : 0)
            register(.numNeurons, core.neurons.count)
            register(.shift, layer?.shift ?? 0)
            register(.multiplier, layer?.multiplier ?? 1)
            register(.postShift, layer?.postShift ?? 0)
            register(.rot, layer?.rot ?? 0)
            register(.drlo, layer?.drlo ?? 0)
            register(.flags, Int(flags))
            register(.firstWindow, core.stage - 1)
            register(.numSamples, sampleCount)
            if signed > 0 && !allSigned { register(.signedAxons, signed) }
            let bias = layer?.neuronBias
            for (local, neuron) in core.neurons.enumerated() {
                writes.append(.init(tile: tile, address: .bias(local),
                                    data: UInt32(bitPattern: Int32(truncatingIfNeeded: bias?[neuron] ?? 0))))
            }
            if let layer, perNeuron {
                for (local, neuron) in core.neurons.enumerated() {
                    let channel = neuron / layer.shape.plane
                    writes.append(.init(tile: tile, address: TileAddress(.neuronMultiplier, local),
                                        data: UInt32(layer.multiplier(channel: channel))))
                    writes.append(.init(tile: tile, address: TileAddress(.neuronPostShift, local),
                                        data: UInt32(layer.postShift(channel: channel))))
                }
            }
            for (a, axon) in core.axons.enumerated() {
                for local in core.neurons.indices {
                    guard let weight = weight(core: core, axon: axon, local: local) else { continue }
                    writes.append(.init(tile: tile, address: .weight(axon: a, neuron: local, numNeurons: n),
                                        data: UInt32(bitPattern: Int32(truncatingIfNeeded: weight))))
                }
            }
            let isOutput = !core.isRelay && core.layer == network.depth
            for (local, neuron) in core.neurons.enumerated() {
                let entries: [UInt32] = isOutput
                    ? [TileAddress.fanoutEntry(toHost: true, x: 0, y: 0, axon: neuron)]
                    : destinations(of: core.sender, neuron: neuron).map {
                        TileAddress.fanoutEntry(toHost: false, x: $0.tile % meshX, y: $0.tile / meshX, axon: $0.axon)
                    }
                for k in 0..<options.maxFanout {
                    writes.append(.init(tile: tile, address: .fanout(neuron: local, entry: k, maxFanout: options.maxFanout),
                                        data: k < entries.count ? entries[k] : 0))
                }
            }
        }
        return ConfigImage(meshX: meshX, writes: writes)
    }
}

/// Who sends the spikes an axon receives: a layer's neurons (0 = the host, for the inputs) or
/// a relay that repeats a layer's spikes `hop` windows later.
public enum SpikeSender: Hashable, Sendable, CustomStringConvertible {
    case layer(Int)
    case relay(layer: Int, hop: Int)

    /// The layer whose neurons (or their copies) send.
    public var layer: Int {
        switch self {
        case let .layer(l): l
        case let .relay(l, _): l
        }
    }

    public var description: String {
        switch self {
        case let .layer(l): l == 0 ? "the inputs" : "layer \(l)"
        case let .relay(l, hop): "relay \(hop) of " + (l == 0 ? "the inputs" : "layer \(l)")
        }
    }
}
