import Foundation
import Testing
@testable import StemTrace

@Suite struct GoldenTraceWriterTests {
    /// Reads back every signal of every neuron in every step and compares with what was written.
    static func expectTrace(_ reader: VCDReader, network: TracedNetwork, states: [[[NeuronSample]]],
                            steps: ClosedRange<Int>, timing: StepTiming = .oneUnitPerStep,
                            prefix: [String] = []) throws {
        for step in steps {
            let time = try timing.time(ofStep: UInt64(step))
            #expect(reader.value(of: "stem.step", at: time)?.unsignedValue == UInt64(step))
            for (k, layer) in network.layers.enumerated() {
                for j in 0..<layer.neuronCount {
                    let scope = (prefix + network.scopePath(NeuronID(layer: layer.number, neuron: j))).joined(separator: ".")
                    let expected = states[step][k][j]
                    let v = reader.value(of: scope + ".v", at: time)
                    #expect(v?.signedValue == expected.potential, "V of \(scope) at step \(step)")
                    #expect(reader.value(of: scope + ".i", at: time)?.signedValue == expected.current)
                    #expect(reader.value(of: scope + ".y", at: time)?.unsignedValue == UInt64(expected.output))
                    #expect(reader.value(of: scope + ".spike", at: time)?.bit == expected.spike)
                }
            }
        }
    }

    @Test func readsBackExactlyTheValuesWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 40, seed: 1)
        let trace = try GoldenTraceWriter(path: folder.file("golden.vcd"), network: network)
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let files = try trace.finish()
        #expect(files.recordedSteps == 0...39)
        #expect(folder.contents() == ["golden.gtkw", "golden.sucl", "golden.vcd"])

        let reader = try VCDReader(contentsOf: files.vcdPath)
        #expect(reader.timescale == .oneNanosecond)
        #expect(reader.firstTime == 0)
        #expect(reader.lastTime == 40)    // the end stamp after the last step
        try Self.expectTrace(reader, network: network, states: states, steps: 0...39)

        // Widths as declared, and negative V really was written (12-bit two's complement).
        #expect(reader.variable(named: "stem.layer1.neuron0.v")?.width == 12)
        #expect(reader.variable(named: "stem.layer1.neuron0.i")?.width == 20)
        #expect(reader.variable(named: "stem.layer2.neuron2.y")?.width == 4)
        #expect(reader.variable(named: "stem.layer2.neuron2.spike")?.width == 1)
        #expect(reader.variable(named: "stem.step")?.width == 32)
        #expect(states.joined().joined().contains { $0.potential == -2048 })
        // Only changes are written: consecutive changes of a signal always differ.
        for variable in reader.variables {
            let changes = try #require(reader.changes(of: variable.fullName))
            for (a, b) in zip(changes, changes.dropFirst()) { #expect(a.value != b.value, "\(variable.fullName)") }
        }
        #expect(reader.variables.count == 1 + 4 * 8)
        #expect(reader.scopes == ["stem", "stem.layer1", "stem.layer1.neuron0", "stem.layer1.neuron1",
                                  "stem.layer1.neuron2", "stem.layer1.neuron3", "stem.layer1.neuron4",
                                  "stem.layer2", "stem.layer2.neuron0", "stem.layer2.neuron1", "stem.layer2.neuron2"])
    }

    @Test func honoursTheWindow() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 30, seed: 2)
        let trace = try GoldenTraceWriter(path: folder.file("window.vcd"), network: network,
                                          options: TraceOptions(window: 10...19))
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let files = try trace.finish()
        #expect(files.recordedSteps == 10...19)
        let reader = try VCDReader(contentsOf: files.vcdPath)
        #expect(reader.firstTime == 10)
        #expect(reader.lastTime == 20)
        #expect(reader.value(of: "stem.step", at: 9) == nil)
        #expect(reader.changes(of: "stem.step")?.map(\.time) == Array(10...19))
        #expect(reader.times.allSatisfy { (10...20).contains($0) })
        try Self.expectTrace(reader, network: network, states: states, steps: 10...19)
    }

    @Test func placesStepsOnAGivenTimeAxis() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 12, seed: 3)

        // 10 ns per cycle, 37 cycles per step, in picoseconds (as a Verilator trace).
        let uniform = try StepTiming.uniform(unitsPerStep: 370_000, offset: 5_000, timescale: .onePicosecond)
        let trace = try GoldenTraceWriter(path: folder.file("uniform.vcd"), network: network,
                                          options: TraceOptions(timing: uniform))
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let reader = try VCDReader(contentsOf: try trace.finish().vcdPath)
        #expect(reader.timescale == .onePicosecond)
        #expect(reader.changes(of: "stem.step")?.map(\.time) == (0..<12).map { 5_000 + $0 * 370_000 })
        #expect(reader.lastTime == 5_000 + 12 * 370_000)
        try Self.expectTrace(reader, network: network, states: states, steps: 0...11, timing: uniform)

        // The RTL's own step boundaries (uneven cycle counts per step), steps 4...9 only.
        let starts: [UInt64] = [0, 90, 200, 260, 400, 410, 555, 700, 701, 900, 1000, 1100]
        let table = try StepTiming.stepStarts(firstStep: 0, times: starts, timescale: try VCDTimescale(magnitude: 10, unit: .ns))
        let windowed = try GoldenTraceWriter(path: folder.file("table.vcd"), network: network,
                                             options: TraceOptions(window: 4...9, timing: table))
        for (step, state) in states.enumerated() { try windowed.record(step: UInt64(step), neurons: state) }
        let tableReader = try VCDReader(contentsOf: try windowed.finish().vcdPath)
        #expect(tableReader.timescale?.description == "10ns")
        #expect(tableReader.changes(of: "stem.step")?.map(\.time) == Array(starts[4...9]))
        #expect(tableReader.lastTime == 1000)
        try Self.expectTrace(tableReader, network: network, states: states, steps: 4...9, timing: table)
        #expect(throws: TraceError.self) {
            _ = try StepTiming.stepStarts(firstStep: 0, times: [0, 5, 5], timescale: .oneNanosecond)
        }
    }

    @Test func mirrorsAGivenScopeHierarchy() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = TracedNetwork(
            layers: [.init(number: 2, neuronCount: 3)], widths: .init(current: 16, potential: 24, output: 8),
            stepCounterScope: ["TOP", "stem_mesh"], stepCounterName: "step_o",
            scopePath: { ["TOP", "stem_mesh", "tile(\($0.layer - 1))", "u_core", "neuron(\($0.neuron))"] })
        let states = randomStates(for: network, steps: 5, seed: 4)
        let trace = try GoldenTraceWriter(path: folder.file("mirror.vcd"), network: network)
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step + 100), neurons: state) }
        let reader = try VCDReader(contentsOf: try trace.finish().vcdPath)
        #expect(reader.variable(named: "TOP.stem_mesh.step_o")?.width == 32)
        #expect(reader.value(of: "TOP.stem_mesh.tile(1).u_core.neuron(2).v", at: 104)?.signedValue
                == states[4][0][2].potential)
    }

    @Test func rejectsBadInputAndLeavesNoFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 3, seed: 5)

        // A value wider than its signal: the error names the signal, nothing is left behind.
        let trace = try GoldenTraceWriter(path: folder.file("bad.vcd"), network: network)
        try trace.record(step: 0, neurons: states[0])
        var tooWide = states[1]
        tooWide[1][2].potential = 2048
        #expect(throws: TraceError.invalidArgument(what: "value of signal stem.layer2.neuron2.v", value: "2048",
                                                   allowed: "-2048...2047 (12-bit signed)")) {
            try trace.record(step: 1, neurons: tooWide)
        }
        #expect(folder.contents().isEmpty)

        // Wrong shape, steps out of order.
        let shape = try GoldenTraceWriter(path: folder.file("shape.vcd"), network: network)
        #expect(throws: TraceError.self) { try shape.record(step: 0, neurons: [states[0][0]]) }
        let order = try GoldenTraceWriter(path: folder.file("order.vcd"), network: network)
        try order.record(step: 5, neurons: states[0])
        #expect(throws: TraceError.self) { try order.record(step: 5, neurons: states[1]) }
        #expect(folder.contents().isEmpty)

        // A window that is never reached.
        let empty = try GoldenTraceWriter(path: folder.file("empty.vcd"), network: network,
                                          options: TraceOptions(window: 50...60))
        for (step, state) in states.enumerated() { try empty.record(step: UInt64(step), neurons: state) }
        #expect(throws: TraceError.emptyTrace(path: folder.file("empty.vcd"),
                                              reason: "no step in the window 50...60 was recorded")) {
            try empty.finish()
        }
        #expect(folder.contents().isEmpty)

        // Bad descriptions.
        #expect(throws: TraceError.self) {
            _ = try GoldenTraceWriter(path: folder.file("w.vcd"),
                                      network: TracedNetwork(neuronsPerLayer: [1], widths: .init(current: 0, potential: 8, output: 4)))
        }
        #expect(throws: TraceError.self) {
            _ = try GoldenTraceWriter(path: folder.file("h.vcd"), network: network,
                                      options: TraceOptions(highlightedNeurons: [NeuronID(layer: 3, neuron: 0)]))
        }
        #expect(folder.contents().isEmpty)
    }

    @Test func equalRunsGiveEqualFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 20, seed: 6)
        var outputs: [[Data]] = []
        for name in ["a", "b"] {
            let sub = folder.file(name)
            try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: false)
            let trace = try GoldenTraceWriter(path: sub + "/run.vcd", network: network)
            for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
            let files = try trace.finish()
            outputs.append(try [files.vcdPath, files.gtkwavePath!, files.surferPath!].map {
                try Data(contentsOf: URL(fileURLWithPath: $0))
            })
        }
        #expect(outputs[0][0] == outputs[1][0])
        // The viewer files name their own folder's VCD; apart from that they are equal.
        let texts = outputs.map { $0.map { String(decoding: $0, as: UTF8.self) } }
        #expect(texts[0][1].replacingOccurrences(of: "/a/", with: "/b/") == texts[1][1])
        #expect(texts[0][2].replacingOccurrences(of: "/a/", with: "/b/") == texts[1][2])
    }
}
