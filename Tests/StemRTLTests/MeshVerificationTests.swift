import Foundation
import StemCheck
import StemModel
import Testing
@testable import StemRTL

/// The mesh and the NoC on their own: scoreboarded random traffic, backpressure, and the two
/// configuration paths.
@Suite(.serialized, .enabled(if: ToyModel.verilatorAvailable, ToyModel.verilatorMissingMessage),
       .enabled(if: RealHardware.has(.mesh) && RealHardware.has(.noc), "the hardware sources have no shims"))
struct MeshVerificationTests {
    /// Every flit arrives exactly once, at its destination, in order per source/destination
    /// pair, for every pattern, at loads up to and past saturation, with random sink
    /// backpressure, over long runs (a deadlock would show as lost flits).
    @Test(arguments: [NocModel.Pattern.uniform, .transpose, .hotspot])
    func scoreboardedTrafficIsDeliveredExactlyOnceInOrder(pattern: NocModel.Pattern) throws {
        let noc = try NocModel(library: try ModelBuilder().load(ModelParameters(top: .noc, meshX: 4, meshY: 4, fifoDepth: 2)))
        // Past saturation the flits behind a hotspot (which receives half of all traffic but
        // ejects one flit per cycle: saturation at 1/8 on 16 nodes) cannot drain in any fixed
        // time, which is no deadlock; uniform and transpose traffic is run far past saturation.
        let rates = pattern == .hotspot ? [0.02, 0.06, 0.1] : [0.05, 0.3, 0.7, 1.0]
        for (index, rate) in rates.enumerated() {
            for backpressure: UInt32 in [0, 300] {
                let result = try noc.run(NocModel.Run(
                    pattern: pattern, rate: rate, warmupCycles: 500, measureCycles: 20_000, drainCycles: 400_000,
                    sinkBackpressurePermille: backpressure, seed: UInt64(17 + index)))
                let context = "\(pattern) rate \(rate) backpressure \(backpressure): \(result)"
                #expect(result.isClean, "\(context)")
                #expect(result.delivered == result.generated && result.generated > 0, "\(context)")
            }
        }
    }

    /// The NoC started from random initial values (the shim's `create_randomized`, Verilator's
    /// `randReset(2)`) delivers every flit as from zeros, with exactly the same latencies: the
    /// reset clears every flop that matters, so nothing depends on the values before it.
    @Test func aRandomlyInitializedNocBehavesAsAZeroedOne() throws {
        let library = try ModelBuilder().load(ModelParameters(top: .noc, meshX: 3, meshY: 3, fifoDepth: 2))
        let run = NocModel.Run(pattern: .uniform, rate: 0.3, warmupCycles: 200, measureCycles: 3_000, drainCycles: 100_000,
                               sinkBackpressurePermille: 200, seed: 5)
        let zeroed = try NocModel(library: library).run(run)
        #expect(zeroed.isClean && zeroed.delivered == zeroed.generated && zeroed.generated > 0, "\(zeroed)")
        for seed: UInt64 in [1, 0xDEAD_BEEF] {
            let randomized = try NocModel(library: library, randomSeed: seed).run(run)
            #expect(randomized == zeroed, "seed \(seed): \(randomized)")
        }
    }

    /// A random multi-layer network gives the same state whether configured through the mesh
    /// as packets or through the debug port, read back word for word.
    @Test func packetAndBackdoorConfigurationLeaveTheSameState() throws {
        var options = RandomNetworkOptions(layerSizes: [30, 32, 20, 6])
        options.biasMode = nil
        options.inputSigned = true
        options.shift = 0...3
        options.rot = 0...2
        options.drlo = 0...3
        options.accumulatorBits = 16  // the library of RTLCrossCheckTests' first build: no build of its own
        let network = Network.random(options, seed: 3)
        let mapping = try Mapper(options: MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, meshSize: (3, 3))).map(network)
        let library = try ModelBuilder().load(mapping.modelParameters(assertions: true))
        let image = mapping.configuration(sampleCount: 4)
        func state(_ path: RTLEngine.ConfigurationPath) throws -> [Int64] {
            let model = try MeshModel(library: library)
            switch path {
            case .packets: try model.configure(flits: image.flits.map(\.bits))
            case .backdoor:
                try model.configureBackdoor(tiles: image.writes.map { UInt32($0.tile) },
                                            addresses: image.writes.map(\.address.rawValue), data: image.writes.map(\.data))
            }
            var words: [Int64] = []
            for tile in 0..<mapping.tileCount {
                for region in [TileAddress.Region.weight, .bias, .fanout] {
                    words += try model.peek(tile: tile, address: TileAddress(region, 0).rawValue,
                                            count: region == .weight ? 32 * 16 : region == .bias ? 16 : 16 * 4)
                }
                for register in TileAddress.Register.allCases {
                    words += try model.peek(tile: tile, address: TileAddress.register(register).rawValue)
                }
            }
            return words
        }
        let viaPackets = try state(.packets)
        #expect(viaPackets == (try state(.backdoor)))
        // And the state is the image: every write reads back (weights sign-extended).
        let model = try MeshModel(library: library)
        try model.configure(flits: image.flits.map(\.bits))
        for write in image.writes {
            let value = try model.peek(tile: write.tile, address: write.address.rawValue)[0]
            let expected: Int64 = switch write.address.region {
            case .weight: Int64((Int32(bitPattern: write.data) << 24) >> 24)
            case .bias: Int64(Int32(bitPattern: write.data))
            default: Int64(write.data)
            }
            #expect(value == expected, "tile \(write.tile) \(write.address)")
        }
    }

    /// With the host often not ready to take output flits, the run still agrees with the
    /// golden model spike for spike (backpressure into the mesh loses and reorders nothing).
    @Test func hostBackpressureChangesTimingButNoSpike() throws {
        var options = RandomNetworkOptions(layerSizes: [24, 30, 12])
        options.biasMode = .output
        options.accumulatorBits = 16  // as above: RTLCrossCheckTests' library
        let network = Network.random(options, seed: 11)
        let samples = InputSet.random(for: network, count: 6, seed: 5).samples
        let mapping = try Mapper(options: MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, meshSize: (3, 3))).map(network)
        let model = try MeshModel(library: try ModelBuilder().load(mapping.modelParameters(assertions: true)))
        var cycles: [Int] = []
        for permille: UInt32 in [0, 700] {
            try model.setHostBackpressure(permille: permille, seed: 9)
            let rtl = try RTLEngine(mapping: mapping, model: model)
            let result = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                      device: rtl).run()
            #expect(result.agrees && result.completed, "backpressure \(permille): \(String(describing: result.firstDivergence))")
            cycles.append(try rtl.networkStatistics().cycles)
        }
        #expect(cycles[1] > cycles[0], "backpressure must cost cycles: \(cycles)")
    }
}
