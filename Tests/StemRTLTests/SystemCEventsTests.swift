import Foundation
import StemCheck
import StemModel
import StemSupport
import Testing
@testable import StemRTL

/// Reading the SystemC testbench's raw events and mapping them to (layer, neuron) (no SystemC
/// needed): the events of a golden run, written as the testbench writes them, map back to that
/// run's spikes; every fault the mapping checks for is caught.
@Suite struct SystemCEventsTests {
    /// The events a correct mesh would produce for `export`: the golden model's spikes of
    /// layers 1...L as monitor events of their cores, the output layer's also as host flits.
    static func goldenEvents(_ export: MeshExport) throws -> (SystemCEvents, [[[Int32]]]) {
        let mapping = export.mapping
        var steps: [SystemCEvents.Step] = []
        var record: [[[Int32]]] = []
        try GoldenModel(network: export.network).run(samples: export.samples) { tau, spikes in
            var step = SystemCEvents.Step(cycles: 10 + tau)
            for layer in 1..<spikes.count {
                for neuron in spikes[layer].reversed() {  // any order: the mapping sorts
                    let (tile, local) = mapping.location(layer: layer, neuron: Int(neuron))
                    step.spikes.append(.init(step: tau, tile: tile, neuron: local))
                }
            }
            for neuron in spikes[spikes.count - 1] {
                step.hostFlits.append(.init(bits: Self.hostFlit(axon: Int(neuron)), cycle: UInt64(100 + tau)))
            }
            steps.append(step)
            record.append(Array(spikes.dropFirst()))
        }
        return (SystemCEvents(initiator: "pin", steps: steps), record)
    }

    /// A spike flit to the host for output neuron `axon`.
    static func hostFlit(axon: Int) -> UInt64 {
        HardwareInterface.Flit.toHost.placing(1) | HardwareInterface.Spike.axon.placing(UInt64(axon))
    }

    /// `events` as the testbench writes them (testbenches/systemc/stem_sc_files.cpp, events_text).
    static func text(_ events: SystemCEvents) -> String {
        func lines(_ step: SystemCEvents.Step) -> String {
            step.spikes.map { "spike \($0.step) \($0.tile) \($0.neuron)\n" }.joined()
                + step.hostFlits.map { "host \(MeshExport.hex($0.bits, digits: 16)) \($0.cycle)\n" }.joined()
        }
        var text = "stem-systemc-events 1\ninitiator \(events.initiator)\n"
        for (tau, step) in events.steps.enumerated() { text += "step \(tau) \(step.cycles)\n" + lines(step) }
        if !events.outside.spikes.isEmpty || !events.outside.hostFlits.isEmpty { text += "outside\n" + lines(events.outside) }
        return text + "end\n"
    }

    @Test func theEventsOfAGoldenRunMapBackToItsSpikes() throws {
        let export = try MeshExportTests.fixture()
        let (events, record) = try Self.goldenEvents(export)
        #expect(events.steps.contains { $0.spikes.count > 2 } && events.steps.contains { !$0.hostFlits.isEmpty })
        let parsed = try SystemCEvents(parsing: Array(Self.text(events).utf8), file: "e.txt")
        #expect(parsed == events)
        #expect(try parsed.spikes(on: export.mapping) == record)
    }

    @Test(arguments: [
        ("stem-systemc-events 2\n", "e.txt:1:1: the first line must be 'stem-systemc-events 1'"),
        ("stem-systemc-events 1\ninitiator pin\nstep 1 5\nend\n", "e.txt:3:1: step 1, expected step 0"),
        ("stem-systemc-events 1\ninitiator pin\nspike 0 0 0\nend\n", "e.txt:3:1: 'spike' before the first 'step'"),
        ("stem-systemc-events 1\ninitiator pin\nstep 0 5\nhost 12 4\nend\n", "e.txt:4:1: the flit '12' is not 16 hexadecimal digits"),
        ("stem-systemc-events 1\ninitiator pin\nstep 0 -5\nend\n", "e.txt:3:1: the cycles '-5' is not a whole number"),
        ("stem-systemc-events 1\ninitiator pin\nstep 0 5\n", "e.txt: no 'end' line (the file is incomplete)"),
        ("stem-systemc-events 1\ninitiator pin\nstep 0 5\nend\nstep 1 5\n", "e.txt:5:1: text after 'end'"),
        ("stem-systemc-events 1\ninitiator pin\nstep 0 5 6\nend\n", "e.txt:3:1: 'step' takes 2 values, got 3"),
        ("stem-systemc-events 1\ninitiator pin\nflit 0\nend\n", "e.txt:3:1: unknown line 'flit' (expected initiator, step, spike, host, outside or end)"),
    ])
    func aBrokenFileIsNamedWithItsLine(text: String, message: String) {
        let error = #expect(throws: FormatError.self) { try SystemCEvents(parsing: Array(text.utf8), file: "e.txt") }
        #expect(error?.description == message)
    }

    /// Every fault the mapping looks for, planted in the events of a golden run.
    @Test func everyFaultIsCaught() throws {
        let export = try MeshExportTests.fixture()
        let (events, _) = try Self.goldenEvents(export)
        let tau = try #require(events.steps.firstIndex { step in
            step.spikes.count >= 2 && !step.hostFlits.isEmpty
                && step.spikes.contains { export.mapping.core(onTile: $0.tile)?.layer == 1 }
        })
        // (the fixture uses every tile of its mesh; a tile beyond it is unused too)
        let unused = (0..<export.mapping.tileCount).first { export.mapping.core(onTile: $0) == nil } ?? export.mapping.tileCount
        let first = try #require(events.steps[tau].spikes.firstIndex { export.mapping.core(onTile: $0.tile)?.layer == 1 })
        let core = try #require(export.mapping.core(onTile: events.steps[tau].spikes[first].tile))
        let faults: [(String, (inout SystemCEvents) -> Void)] = [
            ("was seen while the mesh was in step \(tau + 1)", { $0.steps[tau].spikes[first].step = tau + 1 }),
            ("unused tile \(unused) sent a spike", { $0.steps[tau].spikes[first].tile = unused }),
            ("but it holds \(core.neurons.count) neurons", { $0.steps[tau].spikes[first].neuron = core.neurons.count }),
            ("spiked twice", { $0.steps[tau].spikes.append($0.steps[tau].spikes[first]) }),
            ("but the host received", { $0.steps[tau].hostFlits.removeLast() }),
            ("but the host received", { $0.steps[tau].hostFlits[0].bits ^= 1 }),
            ("the host received an unexpected flit", { $0.steps[tau].hostFlits[0].bits |= 1 << 63 }),
            ("outside the steps", { $0.outside.spikes.append(.init(step: 0, tile: 0, neuron: 0)) }),
            ("outside the steps", { $0.outside.hostFlits.append(.init(bits: 0, cycle: 0)) }),
        ]
        for (message, plant) in faults {
            var planted = events
            plant(&planted)
            // Through the file, as the engine reads it.
            let parsed = try SystemCEvents(parsing: Array(Self.text(planted).utf8), file: "e.txt")
            let error = #expect(throws: EngineError.self) { try parsed.spikes(on: export.mapping) }
            #expect(error?.message.contains(message) == true, "\(message): \(error?.message ?? "no error")")
        }
    }

    @Test func hostLatenciesCountFromTheStamp() {
        let bits = Self.hostFlit(axon: 3) | HardwareInterface.Spike.stamp.placing(0xFFF0)
        let events = SystemCEvents(initiator: "pin", steps: [.init(cycles: 1, hostFlits: [.init(bits: bits, cycle: 0x1_0005)])])
        #expect(events.hostLatencies == [0x15])
    }
}
