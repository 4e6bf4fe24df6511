import Foundation
import Testing
@testable import StemRTL

extension ToyBuildTests {
/// The MeshModel wrapper over the toy shim.
@Suite struct MeshModelTests {
    static func model() throws -> MeshModel {
        try MeshModel(library: ToyModel.builder(cache: ToyModel.sharedCache).load(ModelParameters()))
    }

    @Test func parametersComeFromTheBuiltRTL() throws {
        let model = try Self.model()
        #expect(try model.parameters() == ModelParameters())
        let raw = try model.rawParameters()
        #expect(raw.mult_bits == 16 && raw.bias_bits == 32)
    }

    @Test func stepCopiesSpikesAndHostFlitsOut() throws {
        let model = try Self.model()
        try model.start()
        let flits: [UInt64] = [5, 70, 0xFFFF]
        let first = try model.step(hostFlits: flits)
        // The toy echoes every flit to the host (bit 62 set) and spikes neuron flit % 64.
        #expect(first.spikes == [.init(tile: 0, neuron: 5), .init(tile: 0, neuron: 6), .init(tile: 0, neuron: 63)])
        #expect(first.hostFlits == flits.map { $0 | 1 << 62 })
        #expect(first.hostCycles.count == 3 && first.hostCycles == first.hostCycles.sorted())
        #expect(first.step == 0 && first.cycles >= 6)

        let second = try model.step()
        #expect(second.step == 1 && second.spikes.isEmpty && second.hostFlits.isEmpty && second.cycles >= 1)
        #expect(try model.peek(tile: 0, address: 0, count: 3) == [(5 + 70 + 0xFFFF) & 0xFFFF, 1, 0x70C0FFEE])

        let counters = try model.counters()
        #expect(counters.steps == 2 && counters.hostFlitsIn == 3 && counters.hostFlitsOut == 3)
        #expect(counters.spikes == 3 && counters.runCycles == first.cycles + second.cycles)
        #expect(counters.cycles >= counters.runCycles)
    }

    @Test func reusedResultMatchesFreshResults() throws {
        let fresh = try Self.model()
        let reused = try Self.model()
        try fresh.start()
        try reused.start()
        var result = MeshModel.StepResult()
        let stimulus: [[UInt64]] = [[1, 2, 3, 4], [], [9], [100, 200], []]
        for flits in stimulus {
            let expected = try fresh.step(hostFlits: flits)
            try reused.step(hostFlits: flits, into: &result)
            #expect(result == expected)
        }
        // The buffer-pointer form behaves the same.
        let more: [UInt64] = [7, 8]
        let expected = try fresh.step(hostFlits: more)
        try more.withUnsafeBufferPointer { try reused.step(hostFlits: $0, into: &result) }
        #expect(result == expected)
    }

    @Test func backdoorWritesReachTheRTL() throws {
        let model = try Self.model()
        try model.configureBackdoor(writes: [.init(tile: 0, address: 0, data: 0x1234)])
        #expect(try model.peek(tile: 0, address: 0) == [0x1234])
        try model.configure(flits: [0x10])
        #expect(try model.peek(tile: 0, address: 0) == [0x1244])
        #expect(try model.counters().configWrites == 2)
    }

    @Test func hostBackpressureSlowsButKeepsResults() throws {
        let free = try Self.model()
        let held = try Self.model()
        try held.setHostBackpressure(permille: 700, seed: 42)
        try free.start()
        try held.start()
        let flits: [UInt64] = Array(1...20)
        let a = try free.step(hostFlits: flits)
        let b = try held.step(hostFlits: flits)
        #expect(a.spikes == b.spikes && a.hostFlits == b.hostFlits)
        #expect(b.cycles > a.cycles)
    }

    @Test func errorsCarryStatusFunctionAndTheShimsMessage() throws {
        let model = try Self.model()
        #expect(throws: ShimError(status: .badState, function: "step", message: "step before start")) {
            try model.step(hostFlits: [1])
        }
        #expect {
            try model.peek(tile: 3, address: 0)
        } throws: { error in
            let e = error as? ShimError
            return e?.status == .badArgument && e?.function == "peek"
                && e?.message == "peek: tile 3 is out of range (the toy has tile 0 only)"
                && "\(error)" == "model peek failed (STEM_E_ARGUMENT): peek: tile 3 is out of range (the toy has tile 0 only)"
        }
        #expect {
            try model.configureBackdoor(tiles: [0, 1], addresses: [0, 0], data: [1, 2])
        } throws: { ($0 as? ShimError)?.message.contains("write 1: tile 1 is out of range") == true }
        #expect {
            try model.openTrace(path: "/tmp/never.vcd")
        } throws: { ($0 as? ShimError)?.status == .badState && "\($0)".contains("built without tracing") }
        #expect {
            try model.setHostBackpressure(permille: 2000)
        } throws: { ($0 as? ShimError)?.message.contains("permille 2000 is outside 0..1000") == true }

        try model.start()
        try model.setCycleLimit(3)
        #expect {
            try model.step(hostFlits: [1, 2, 3])
        } throws: { error in
            let e = error as? ShimError
            return e?.status == .timeout && e?.function == "step"
                && e?.message == "step 0 did not reach quiescence within 3 cycles"
        }
        // A failed call leaves the model usable.
        try model.setCycleLimit(0)
        _ = try model.step()
        #expect(try model.counters().steps == 2)
    }

    @Test func nocLibraryIsNotAMeshModel() throws {
        let product = try ToyModel.builder(cache: ToyModel.sharedCache).build(ModelParameters())
        let library = try ModelLibrary(url: product.libraryURL, top: .noc)
        #expect {
            try MeshModel(library: library)
        } throws: { error in
            guard case ModelLoadError.wrongTop(_, .mesh, .noc) = error else { return false }
            return true
        }
    }
}

/// The NocModel wrapper over the toy's stem_noc_v1 table.
@Suite struct NocModelTests {
    static func noc() throws -> NocModel {
        let product = try ToyModel.builder(cache: ToyModel.sharedCache).build(ModelParameters())
        return try NocModel(library: ModelLibrary(url: product.libraryURL, top: .noc))
    }

    @Test func runReturnsTheMeasuredTraffic() throws {
        let noc = try Self.noc()
        #expect(try noc.rawParameters().mesh_x == 2)
        let result = try noc.run(NocModel.Run(pattern: .uniform, rate: 0.2, warmupCycles: 100,
                                              measureCycles: 2000, drainCycles: 1000, seed: 7))
        #expect(result.generated > 300 && result.generated < 500)
        #expect(result.delivered == result.generated && result.isClean)
        #expect(result.acceptedRate == Double(result.delivered) / 2000)
        #expect(result.meanLatency >= 1 && Double(result.maxLatency) >= result.meanLatency)
        // Same seed, same result; another seed, another.
        let again = try noc.run(NocModel.Run(pattern: .uniform, rate: 0.2, warmupCycles: 100,
                                             measureCycles: 2000, drainCycles: 1000, seed: 7))
        #expect(again == result)
    }

    @Test func runErrorsCarryTheShimsMessage() throws {
        let noc = try Self.noc()
        #expect(throws: ShimError(status: .badArgument, function: "run", message: "run: rate 1.5 is outside 0..1")) {
            try noc.run(NocModel.Run(pattern: .hotspot, rate: 1.5))
        }
    }
}
}
