import StemModel

/// Places a network onto a mesh of STEM cores (docs/mapping.md).
///
/// - A layer with a dense connection is split into contiguous neuron ranges (sizes differing by
///   at most one), as few as the core's neurons allow.
/// - A layer fed only by conv, pool and identity connections is split into tiles of output
///   channels x rows x columns ( ``CoreTiling``): the fewest tiles whose neurons fit a core and
///   whose receptive fields fit its axons.
/// - A connection whose source runs `d > 0` stages before the layer needs (a shortcut) reads a
///   chain of `d` relay cores that repeat the source's spikes one window later each. A relay
///   reads its axons unsigned, so it repeats a signed input's two's complement code as it is;
///   the target's axons for the signed input are signed however late they arrive.
/// - Cores go on tiles in row-major order from tile (0, 0), where the host is attached: layer
///   by layer in file order, each source's relays after it.
/// - A partial mapping (``map(_:onMesh:)``, for `stemsim run --rtl-layers`) places only the
///   chosen layers' cores, and the relays their shortcuts read; the host sends the spikes of
///   every other layer that feeds them, as it sends the inputs (docs/stem-spec.md section 7,
///   "Mixed-level runs").
public struct Mapper: Sendable {
    /// The core's capacity and the mesh size.
    public var options: MeshOptions

    /// A mapper for `options`.
    public init(options: MeshOptions = MeshOptions()) {
        self.options = options
    }

    /// Maps `network`, or says which layer does not fit which limit.
    public func map(_ network: Network) throws(MappingError) -> MeshMapping {
        try map(network, onMesh: Array(stride(from: 1, through: network.depth, by: 1)))
    }

    /// Maps the layers `layers` (numbers `1...L`, ascending, no duplicates) of `network`: their
    /// cores at full-network stages, the relays of their shortcuts, and the host as the sender
    /// of every other layer's spikes they read (the layers' numbers stay the full network's).
    public func map(_ network: Network, onMesh layers: [Int]) throws(MappingError) -> MeshMapping {
        try options.validate()
        precondition(layers == Array(Set(layers)).sorted() && layers.allSatisfy { (1...network.depth).contains($0) },
                     "map(_:onMesh:) takes ascending layer numbers 1...L")
        var onMesh = Array(repeating: false, count: network.depth + 1)
        for l in layers { onMesh[l] = true }
        if network.isDenseChain { try checkChain(network, onMesh: onMesh) }
        let n = options.numNeurons, a = options.numAxons
        let stages = network.stages
        // The relay hops each source needs, and the refusals that go with them.
        var hops = Array(repeating: 0, count: network.depth + 1)
        for (index, layer) in network.layers.enumerated() where onMesh[index + 1] {
            for connection in layer.inputs {
                let source = network.source(of: connection, inLayer: index + 1)
                let delay = stages[index + 1] - 1 - stages[source]
                guard delay > 0 else { continue }
                hops[source] = max(hops[source], delay)
            }
        }
        if hops.contains(where: { $0 > 0 }), network.accumulatorBits < network.timeSteps + 1 {
            throw .relayNeedsWiderAccumulator(accumulatorBits: network.accumulatorBits, timeSteps: network.timeSteps)
        }

        var cores: [MeshMapping.Core] = []
        func addRelays(of source: Int) {
            let width = network.width(ofLayer: source)
            let size = min(n, a)
            let count = (width + size - 1) / size
            for hop in stride(from: 1, through: hops[source], by: 1) {
                let sender: SpikeSender = hop == 1 ? .layer(source) : .relay(layer: source, hop: hop - 1)
                for k in 0..<count {
                    let neurons = Array((k * width / count)..<((k + 1) * width / count))
                    cores.append(MeshMapping.Core(
                        layer: source, relayHop: hop, stage: stages[source] + hop, tile: 0, x: 0, y: 0, neurons: neurons,
                        axons: neurons.map { .init(connection: -1, sender: sender, neuron: $0, signed: false) }))
                }
            }
        }
        addRelays(of: 0)
        for l in stride(from: 1, through: network.depth, by: 1) {
            guard onMesh[l] else {
                addRelays(of: l)  // a shortcut from a layer the host sends reads relays on the mesh
                continue
            }
            let layer = network.layers[l - 1]
            let senders = layer.inputs.map { connection -> SpikeSender in
                let source = network.source(of: connection, inLayer: l)
                let delay = stages[l] - 1 - stages[source]
                return delay == 0 ? .layer(source) : .relay(layer: source, hop: delay)
            }
            var mark = [[Bool]](repeating: [], count: network.depth + 1)
            for neurons in try CoreTiling.tiles(of: l, in: network, numNeurons: n, numAxons: a) {
                var signedAxons: [MeshMapping.Axon] = [], otherAxons: [MeshMapping.Axon] = []
                for (c, connection) in layer.inputs.enumerated() {
                    let source = network.source(of: connection, inLayer: l)
                    let input = network.shape(ofLayer: source)
                    if mark[source].isEmpty { mark[source] = Array(repeating: false, count: input.count) }
                    let signed = source == 0 && network.inputSigned
                    for s in connection.sources(of: neurons, input: input, layer: layer.shape, mark: &mark[source]) {
                        let axon = MeshMapping.Axon(connection: c, sender: senders[c], neuron: s, signed: signed)
                        if signed { signedAxons.append(axon) } else { otherAxons.append(axon) }
                    }
                }
                let axons = signedAxons + otherAxons
                guard axons.count <= a else { throw .fanInTooLarge(layer: l, fanIn: axons.count, numAxons: a) }
                cores.append(MeshMapping.Core(layer: l, relayHop: 0, stage: stages[l], tile: 0, x: 0, y: 0,
                                              neurons: neurons, axons: axons))
            }
            addRelays(of: l)
        }
        if network.outputSize > 1 << HardwareInterface.axonWidth {
            throw .coreTooLarge(numNeurons: n, numAxons: a, maxFanout: options.maxFanout)
        }

        let meshX: Int, meshY: Int
        if let size = options.meshSize {
            (meshX, meshY) = size
            guard (1...16).contains(meshX), (1...16).contains(meshY) else { throw .meshSizeOutOfRange(meshX: meshX, meshY: meshY) }
            guard meshX * meshY >= cores.count else {
                throw .meshTooSmall(cores: cores.count, meshX: meshX, meshY: meshY)
            }
        } else {
            var k = 1
            while k * k < cores.count { k += 1 }
            guard k <= 16 else { throw .meshTooLarge(cores: cores.count) }
            (meshX, meshY) = (k, k)
        }
        for tile in cores.indices {
            cores[tile].tile = tile
            cores[tile].x = tile % meshX
            cores[tile].y = tile / meshX
        }
        let mapping = MeshMapping(network: network, options: options, meshX: meshX, meshY: meshY, cores: cores,
                                  meshLayers: layers)
        // Every neuron's spike must reach its axons through its fan-out table (the host sends
        // one flit per axon instead).
        for (sender, lists) in mapping.destinations where !mapping.isSentByHost(sender) {
            for (neuron, list) in lists.enumerated() where list.count > options.maxFanout {
                throw .fanOutTooLarge(sender: sender.description, neuron: neuron, destinations: list.count,
                                      maxFanout: options.maxFanout)
            }
        }
        return mapping
    }

    /// The checks of a chain of dense layers, with the messages they have always had.
    private func checkChain(_ network: Network, onMesh: [Bool]) throws(MappingError) {
        let n = options.numNeurons, a = options.numAxons, fanout = options.maxFanout
        for (index, layer) in network.layers.enumerated() where onMesh[index + 1] {
            let l = index + 1
            let fanIn = network.width(ofLayer: l - 1)
            guard fanIn <= a else { throw .fanInTooLarge(layer: l, fanIn: fanIn, numAxons: a) }
            let count = (layer.width + n - 1) / n
            // Every neuron of the layer before sends one flit to each of these cores; the host
            // (the inputs, and a layer before that is not on the mesh) has no fan-out table.
            if l > 1, onMesh[l - 1], count > fanout {
                throw .tooManyCores(layer: l, width: layer.width, cores: count, numNeurons: n, maxFanout: fanout)
            }
        }
    }
}
