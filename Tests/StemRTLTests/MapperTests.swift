import StemModel
import Testing
@testable import StemRTL

@Suite struct MapperTests {
    static func network(_ sizes: [Int], signed: Bool = false) -> Network {
        var options = RandomNetworkOptions(layerSizes: sizes)
        options.inputSigned = signed
        options.biasMode = nil
        return Network.random(options, seed: 7)
    }

    @Test func digitsShapeFitsOneCorePerLayerOnATwoByTwoMesh() throws {
        let mapping = try Mapper().map(Self.network([64, 64, 32, 10]))
        #expect(mapping.meshX == 2 && mapping.meshY == 2)
        #expect(mapping.cores.map(\.layer) == [1, 2, 3])
        #expect(mapping.cores.map(\.tile) == [0, 1, 2])
        #expect(mapping.cores.map { [$0.x, $0.y] } == [[0, 0], [1, 0], [0, 1]])
        #expect(mapping.cores.map(\.neurons) == [Array(0..<64), Array(0..<32), Array(0..<10)])
        #expect(mapping.cores.map(\.fanIn) == [64, 64, 32])
        #expect((0...3).map { mapping.flitsPerSpike(layer: $0) } == [1, 1, 1, 1])
        #expect(mapping.core(onTile: 3) == nil)
    }

    @Test func wideLayersAreSplitEvenlyAndFannedOut() throws {
        let mapping = try Mapper(options: MeshOptions(numNeurons: 16, numAxons: 40)).map(Self.network([20, 40, 33, 5]))
        // 40 neurons over 3 cores of 16, 33 over 3, 5 over 1: seven cores on a 3x3 mesh.
        #expect(mapping.meshX == 3)
        #expect(mapping.cores.map(\.neurons) == [0..<13, 13..<26, 26..<40, 0..<11, 11..<22, 22..<33, 0..<5].map { Array($0) })
        #expect(mapping.coresOfLayer[2] == [3, 4, 5])
        #expect(mapping.flitsPerSpike(layer: 0) == 3 && mapping.flitsPerSpike(layer: 1) == 3)
        #expect(mapping.flitsPerSpike(layer: 2) == 1 && mapping.flitsPerSpike(layer: 3) == 1)
        #expect(mapping.location(layer: 2, neuron: 21) == (4, 10))
        #expect(mapping.inputFlits(input: 19).map { [$0.destinationX, $0.destinationY, $0.axon] }
            == [[0, 0, 19], [1, 0, 19], [2, 0, 19]])
    }

    @Test func configurationWritesEveryFieldOfEveryCore() throws {
        let network = Self.network([6, 5, 3], signed: true)
        let options = MeshOptions(numNeurons: 4, numAxons: 8, maxFanout: 2, meshSize: (2, 2))
        let mapping = try Mapper(options: options).map(network)
        let image = mapping.configuration(sampleCount: 9)
        func value(_ tile: Int, _ address: TileAddress) -> UInt32? {
            let found = image.writes.filter { $0.tile == tile && $0.address == address }
            #expect(found.count <= 1, "address \(address) of tile \(tile) written twice")
            return found.first?.data
        }
        // Layer 1 (5 neurons) is on tiles 0 and 1 (3 + 2 neurons), layer 2 on tile 2.
        #expect(mapping.cores.map(\.tile) == [0, 1, 2])
        let layer1 = network.layers[0]
        #expect(value(0, .register(.numNeurons)) == 2 && value(1, .register(.numNeurons)) == 3)
        #expect(value(0, .register(.flags)) == UInt32(layer1.biasMode == .accumulator ? 3 : 2))
        #expect(value(2, .register(.flags))! & 2 == 0, "only layer 1 takes signed inputs")
        #expect(value(2, .register(.firstWindow)) == 1 && value(1, .register(.numSamples)) == 9)
        #expect(value(3, .register(.numNeurons)) == 0, "the unused tile is switched off")
        for core in mapping.cores {
            let layer = network.layers[core.layer - 1]
            #expect(value(core.tile, .register(.multiplier)) == UInt32(layer.multiplier))
            #expect(value(core.tile, .register(.postShift)) == UInt32(layer.postShift))
            for (local, neuron) in core.neurons.enumerated() {
                #expect(value(core.tile, .bias(local)) == UInt32(bitPattern: Int32(layer.bias[neuron])))
                for axon in 0..<core.fanIn {
                    #expect(value(core.tile, .weight(axon: axon, neuron: local, numNeurons: 4))
                        == UInt32(bitPattern: Int32(layer.weights[neuron][axon])))
                }
            }
        }
        // Layer-1 neuron 3 (tile 1, local 1) feeds the layer-2 core at (0, 1) on axon 3;
        // output neuron 2 sends to the host with its index.
        #expect(value(1, .fanout(neuron: 1, entry: 0, maxFanout: 2)) == TileAddress.fanoutEntry(toHost: false, x: 0, y: 1, axon: 3))
        #expect(value(1, .fanout(neuron: 1, entry: 1, maxFanout: 2)) == 0)
        #expect(value(2, .fanout(neuron: 2, entry: 0, maxFanout: 2)) == TileAddress.fanoutEntry(toHost: true, x: 0, y: 0, axon: 2))
        // As flits: one per write, to the right tile, carrying address and data.
        let flits = image.flits
        #expect(flits.count == image.writes.count)
        for (flit, write) in zip(flits, image.writes) {
            #expect(flit.isConfig && !flit.isToHost)
            #expect(flit.destinationX + 2 * flit.destinationY == write.tile)
            #expect(flit.configAddress == write.address && flit.configData == write.data)
        }
    }

    @Test func errorsNameTheLayerAndTheLimit() {
        #expect(throws: MappingError.fanInTooLarge(layer: 2, fanIn: 70, numAxons: 64)) {
            try Mapper().map(Self.network([10, 70, 4]))
        }
        #expect(throws: MappingError.tooManyCores(layer: 2, width: 300, cores: 5, numNeurons: 64, maxFanout: 4)) {
            try Mapper(options: MeshOptions(numAxons: 300)).map(Self.network([10, 64, 300, 4]))
        }
        #expect(throws: MappingError.meshTooSmall(cores: 3, meshX: 1, meshY: 2)) {
            try Mapper(options: MeshOptions(meshSize: (1, 2))).map(Self.network([8, 8, 8, 8]))
        }
        #expect(throws: MappingError.meshSizeOutOfRange(meshX: 17, meshY: 1)) {
            try Mapper(options: MeshOptions(meshSize: (17, 1))).map(Self.network([8, 8]))
        }
        #expect(throws: MappingError.meshTooLarge(cores: 257)) {
            try Mapper(options: MeshOptions(numNeurons: 1, numAxons: 8)).map(Self.network([8, 257]))
        }
        let message = MappingError.fanInTooLarge(layer: 2, fanIn: 70, numAxons: 64).description
        #expect(message.contains("layer 2") && message.contains("70") && message.contains("64 axons"))
    }

    @Test func flitFieldsRoundTrip() {
        let spike = Flit.spike(toX: 3, y: 9, axon: 0xBEEF)
        #expect(!spike.isConfig && !spike.isToHost && spike.destinationX == 3 && spike.destinationY == 9)
        #expect(spike.axon == 0xBEEF && spike.sourceX == 15 && spike.sourceY == 15)
        let write = Flit.configWrite(toX: 15, y: 0, address: TileAddress(.status, 0x3FFFF), data: 0xDEAD_BEEF)
        #expect(write.isConfig && write.destinationX == 15 && write.configAddress.region == .status)
        #expect(write.configAddress.index == 0x3FFFF && write.configData == 0xDEAD_BEEF)
        // A host-bound flit stamped at cycle 0xFFF0 and seen at 0x1_0005 took 21 cycles.
        let stamped = Flit(bits: 1 << 62 | 0xFFF0 << 24 | 7)
        #expect(stamped.isToHost && stamped.stamp == 0xFFF0 && stamped.latency(arrivalCycle: 0x1_0005) == 21)
    }
}
