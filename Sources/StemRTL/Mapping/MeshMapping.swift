import StemModel

/// Where every neuron of a network sits on the mesh, and what the mesh must be told to run
/// it: the result of ``Mapper/map(_:)``.
public struct MeshMapping: Sendable {
    /// One core's share of a layer.
    public struct Core: Sendable, Equatable {
        /// The layer (1...L).
        public var layer: Int
        /// The tile (`y * meshX + x`).
        public var tile: Int
        /// The tile's coordinates.
        public var x: Int, y: Int
        /// The layer's neurons this core holds (global indices within the layer); local
        /// neuron `j` is `neurons.lowerBound + j`.
        public var neurons: Range<Int>
        /// The core's inputs used: the width of the layer before.
        public var fanIn: Int
    }

    /// The network this mapping is for.
    public let network: Network
    /// The core and mesh it was mapped onto (with the mesh size filled in).
    public let options: MeshOptions
    /// Mesh width and height.
    public let meshX: Int, meshY: Int
    /// Every used core, layer by layer; the cores of layer `l` hold its neurons in order.
    public let cores: [Core]
    /// `coresOfLayer[l]`: indices into `cores` of layer `l` (index 0 is empty: the host).
    public let coresOfLayer: [[Int]]

    /// Per tile: the core on it, if any.
    private let coreOfTile: [Int?]

    init(network: Network, options: MeshOptions, meshX: Int, meshY: Int, cores: [Core]) {
        self.network = network
        var options = options
        options.meshSize = (meshX, meshY)
        self.options = options
        self.meshX = meshX
        self.meshY = meshY
        self.cores = cores
        var byLayer = Array(repeating: [Int](), count: network.depth + 1)
        var byTile = [Int?](repeating: nil, count: meshX * meshY)
        for (index, core) in cores.enumerated() {
            byLayer[core.layer].append(index)
            byTile[core.tile] = index
        }
        self.coresOfLayer = byLayer
        self.coreOfTile = byTile
    }

    /// The number of tiles.
    public var tileCount: Int { meshX * meshY }

    /// The core on `tile`, if the mapping uses it.
    public func core(onTile tile: Int) -> Core? {
        guard tile >= 0, tile < coreOfTile.count, let index = coreOfTile[tile] else { return nil }
        return cores[index]
    }

    /// The tile and local index of neuron `neuron` of layer `layer` (1...L).
    public func location(layer: Int, neuron: Int) -> (tile: Int, local: Int) {
        for index in coresOfLayer[layer] where cores[index].neurons.contains(neuron) {
            return (cores[index].tile, neuron - cores[index].neurons.lowerBound)
        }
        preconditionFailure("neuron \(neuron) of layer \(layer) is not mapped")
    }

    /// The flits a spike of layer `layer` (0...L) costs: one per core of the next layer, or one
    /// to the host from the output layer.
    public func flitsPerSpike(layer: Int) -> Int {
        layer == network.depth ? 1 : coresOfLayer[layer + 1].count
    }

    /// The flits the host sends when input neuron `input` spikes: one per layer-1 core.
    public func inputFlits(input: Int) -> [Flit] {
        coresOfLayer[1].map { Flit.spike(toX: cores[$0].x, y: cores[$0].y, axon: input) }
    }

    /// The model library this mapping runs on.
    public func modelParameters(trace: ModelParameters.Trace = .none) -> ModelParameters {
        ModelParameters(
            top: .mesh, timeSteps: network.timeSteps, weightBits: network.weightBits,
            accBits: network.accumulatorBits, saturate: network.overflow == .saturate,
            numNeurons: options.numNeurons, numAxons: options.numAxons, maxFanout: options.maxFanout,
            meshX: meshX, meshY: meshY, fifoDepth: options.fifoDepth, trace: trace)
    }

    /// Every configuration write a run of `sampleCount` samples needs, tile by tile:
    /// registers, weights, biases and fan-out tables of the used tiles, and `NUM_NEURONS = 0`
    /// on the unused ones.
    public func configuration(sampleCount: Int) -> ConfigImage {
        var writes: [ConfigImage.Write] = []
        let n = options.numNeurons
        for tile in 0..<tileCount {
            guard let core = core(onTile: tile) else {
                writes.append(.init(tile: tile, address: .register(.numNeurons), data: 0))
                continue
            }
            let layer = network.layers[core.layer - 1]
            func register(_ r: TileAddress.Register, _ value: Int) {
                writes.append(.init(tile: tile, address: .register(r), data: UInt32(value)))
            }
            let signedInputs = core.layer == 1 && network.inputSigned
            register(.numNeurons, core.neurons.count)
            register(.shift, layer.shift)
            register(.multiplier, layer.multiplier)
            register(.postShift, layer.postShift)
            register(.rot, layer.rot)
            register(.drlo, layer.drlo)
            register(.flags, (layer.biasMode == .accumulator ? 1 : 0) | (signedInputs ? 2 : 0))
            register(.firstWindow, core.layer - 1)
            register(.numSamples, sampleCount)
            for (local, neuron) in core.neurons.enumerated() {
                writes.append(.init(tile: tile, address: .bias(local),
                                    data: UInt32(bitPattern: Int32(truncatingIfNeeded: layer.bias[neuron]))))
            }
            for axon in 0..<core.fanIn {
                for (local, neuron) in core.neurons.enumerated() {
                    let weight = layer.weights[neuron][axon]
                    writes.append(.init(tile: tile, address: .weight(axon: axon, neuron: local, numNeurons: n),
                                        data: UInt32(bitPattern: Int32(truncatingIfNeeded: weight))))
                }
            }
            let isOutput = core.layer == network.depth
            let targets = isOutput ? [] : coresOfLayer[core.layer + 1].map { cores[$0] }
            for (local, neuron) in core.neurons.enumerated() {
                let entries: [UInt32] = isOutput
                    ? [TileAddress.fanoutEntry(toHost: true, x: 0, y: 0, axon: neuron)]
                    : targets.map { TileAddress.fanoutEntry(toHost: false, x: $0.x, y: $0.y, axon: neuron) }
                for k in 0..<options.maxFanout {
                    writes.append(.init(tile: tile, address: .fanout(neuron: local, entry: k, maxFanout: options.maxFanout),
                                        data: k < entries.count ? entries[k] : 0))
                }
            }
        }
        return ConfigImage(meshX: meshX, writes: writes)
    }
}
