import Foundation
import StemModel
import StemTrace
import Testing

/// `stemsim run` on the Verilated mesh, end to end through the command line: agreement,
/// waveforms, a planted RTL bug, and the errors a user can act on.
@Suite(.serialized, .enabled(if: Verilator.isOnPath,
                              "verilator is not on PATH, so the RTL command-line tests cannot run (apt-get install verilator)"))
struct RTLRunCommandTests {
    /// The package root (for copying the hardware sources).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func bothEnginesAgreeAndWriteWhatTheGoldenModelWrites() throws {
        let (folder, _, _) = try fixture(samples: 4)
        defer { StemSimRunner.remove(folder) }
        let golden = try StemSimRunner.run(ioArguments + ["--engine", "golden"], in: folder)
        #expect(golden.status == 0, "\(golden.stderr)")
        let goldenSpikes = try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8)
        let goldenReport = try String(contentsOfFile: folder + "/report.json", encoding: .utf8)
        for engine in ["both", "rtl"] {
            let outcome = try StemSimRunner.run(ioArguments + ["--engine", engine], in: folder)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8) == goldenSpikes)
            #expect(try String(contentsOfFile: folder + "/report.json", encoding: .utf8) == goldenReport)
            #expect(outcome.stdout.contains("cycles") && outcome.stdout.contains("latency mean"), "\(outcome.stdout)")
        }
    }

    /// `stemsim run` with no network is the main job: the digits example, golden and RTL in
    /// lockstep, with the quantized ANN's, the golden model's and the RTL's accuracy.
    @Test func theDefaultRunIsTheDigitsExampleOnTheRTL() throws {
        let outcome = try StemSimRunner.run(["run", "--limit", "40"], in: Self.packageRoot.path)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("examples/digits/network.json: 64-64-32-10"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("engine     golden and rtl in lockstep"))
        let accuracy = outcome.stdout.split(separator: "\n").first { $0.hasPrefix("accuracy") }.map(String.init) ?? ""
        let figures = accuracy.split(separator: " ").filter { $0.hasSuffix("%") }
        #expect(accuracy.contains("QANN") && accuracy.contains("golden") && accuracy.contains("rtl"), "\(accuracy)")
        #expect(figures.count == 3 && Set(figures).count == 1, "all three equal: \(accuracy)")
        #expect(outcome.stdout.contains("lockstep   every spike agrees"))
    }

    /// The RTL's VCD and FST hold the design's scopes, the step counter and every neuron's
    /// v, i, y, only for the steps asked for; golden and comparison traces mirror the scopes.
    @Test func tracesHoldTheRequestedStepsAndTheExpectedSignals() throws {
        let (folder, network, _) = try fixture(samples: 3)
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(
            ["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "both",
             "--trace", "rtl.vcd", "--trace-from", "9", "--trace-to", "13",
             "--golden-trace", "golden.vcd", "--compare-trace", "compare.vcd"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("gtkwave rtl.vcd rtl.gtkw") && outcome.stdout.contains("surfer -c rtl.sucl"))
        for name in ["rtl", "golden", "compare"] {
            for ending in ["vcd", "gtkw", "sucl"] {
                #expect(FileManager.default.fileExists(atPath: "\(folder)/\(name).\(ending)"), "\(name).\(ending)")
            }
        }
        let rtl = try VCDReader(contentsOf: folder + "/rtl.vcd")
        let steps = (rtl.changes(of: "TOP.stem_mesh.step_o") ?? []).map { $0.value.unsignedValue }
        #expect(steps.first == 9 && steps.last == 13, "\(steps)")
        let core = "TOP.stem_mesh.g_tile[0].u_tile.u_core"
        #expect(rtl.variable(named: core + ".g_neuron[0].v")?.width == network.accumulatorBits)
        #expect(rtl.variable(named: core + ".g_neuron[5].y")?.width == network.timeSteps)
        let golden = try VCDReader(contentsOf: folder + "/golden.vcd")
        #expect(golden.variable(named: core + ".g_neuron[5].v")?.width == network.accumulatorBits)
        #expect((golden.changes(of: "TOP.stem_mesh.step_o") ?? []).map { $0.value.unsignedValue } == [9, 10, 11, 12, 13])
        let compare = try VCDReader(contentsOf: folder + "/compare.vcd")
        #expect((compare.changes(of: "compare.any_mismatch") ?? []).allSatisfy { $0.value.bit == false })

        let fst = try StemSimRunner.run(
            ["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "rtl",
             "--trace", "rtl.fst", "--trace-from", "2", "--trace-to", "4", "--trace-depth", "2"], in: folder)
        #expect(fst.status == 0, "\(fst.stderr)")
        let check = try FSTCheck(contentsOf: folder + "/rtl.fst")
        #expect(check.header.endTime > check.header.startTime)
        if let contents = check.contents {  // fst2vcd is on PATH
            #expect((contents.changes(of: "TOP.stem_mesh.step_o") ?? []).map { $0.value.unsignedValue } == [2, 3, 4], "step_o counts only the recorded steps")
            #expect(contents.variable(named: core + ".g_neuron[0].v") == nil, "depth 2 keeps the cores out")
        }
    }

    /// A bug planted in a copy of the RTL (round_shift rounds down) is caught at the step
    /// where it first changes a spike, with both sides' state and the waveforms of the steps
    /// before it; no spike record or report is written.
    @Test func aPlantedRTLBugIsReportedWithStateAndWaveforms() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let sources = try Self.writePlantedRoundShiftFixture(in: folder)
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "both", "--divergence-dir", "why"],
                                            in: folder, environment: ["STEM_RTL_DIR": sources])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("spikes differ at step") && outcome.stderr.contains("golden:")
            && outcome.stderr.contains("rtl:"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("gtkwave why/rtl.vcd why/rtl.gtkw"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/spikes.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/report.json"))
        let compare = try VCDReader(contentsOf: folder + "/why/compare.vcd")
        #expect((compare.changes(of: "compare.any_mismatch") ?? []).contains { $0.value.bit == true })

        // Comparing the state too finds the bug where it first changes a value: earlier.
        let state = try StemSimRunner.run(ioArguments + ["--engine", "both", "--check-state", "--divergence-dir", "why2"],
                                          in: folder, environment: ["STEM_RTL_DIR": sources])
        #expect(state.status == 1, "\(state.stderr)")
        func step(_ text: String, after phrase: String) -> Int? {
            guard let range = text.range(of: phrase) else { return nil }
            return Int(text[range.upperBound...].prefix { $0.isNumber })
        }
        let spikeStep = try #require(step(outcome.stderr, after: "spikes differ at step "))
        let stateStep = try #require(step(state.stderr, after: "neuron states differ at step "), "\(state.stderr)")
        #expect(stateStep < spikeStep)
    }

    /// A protocol bug planted in a copy of the RTL (a core takes spikes while it closes a
    /// step) stops a run built with --assertions at the first cycle it happens, and the report
    /// names the step, the instance, the time and the broken rule; no output is written.
    @Test func aPlantedProtocolBugIsStoppedByAnAssertion() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let network = Network.random(RandomNetworkOptions(layerSizes: [12, 10, 5]), seed: 4)
        try network.write(to: folder + "/network.json")
        try InputSet.random(for: network, count: 4, seed: 5).write(to: folder + "/inputs.json")
        let sources = try Self.copyOfHardwareSources(into: folder + "/hw") { text in
            text.replacingOccurrences(of: "assign in_ready_o   = (state_q == StIdle) && !step_req_q;",
                                      with: "assign in_ready_o   = !step_req_q;")
        }
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "both", "--assertions", "--divergence-dir", "why"],
                                            in: folder, environment: ["STEM_RTL_DIR": sources])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("rtl stopped on a failed RTL assertion at step "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("stem_core: a spike was accepted while the core is busy"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Assertion failed in TOP.stem_mesh."), "\(outcome.stderr)")
        #expect(!outcome.stdout.contains("%Error"), "Verilator's output stays off stdout: \(outcome.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/spikes.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/report.json"))
        let misused = try StemSimRunner.run(["run", "--engine", "golden", "--assertions"], in: folder)
        #expect(misused.status == 2 && misused.stderr.contains("--assertions needs --engine rtl or both"), "\(misused.stderr)")
    }

    /// The speed comparison runs and reports both sides on the same work (the figures
    /// themselves belong in docs/performance.md, not in a test).
    @Test func benchRTLComparesSwiftWithTheCppDriverOnTheSameCycles() throws {
        let outcome = try StemSimRunner.run(["bench-rtl", "--limit", "4", "--rounds", "1", "--passes", "1"],
                                            in: Self.packageRoot.path)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("C++        ") && outcome.stdout.contains("Swift      "), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("ratio      Swift / C++ = "))
    }

    @Test func aNetworkThatDoesNotFitExitsTwoNamingLayerAndLimit() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "both", "--axons", "4"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("layer 1 has fan-in 7, but a core has 4 axons"), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test func aMissingVerilatorExitsThreeWithTheInstallHint() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "rtl"], in: folder,
                                            environment: ["PATH": "/usr/local/nonexistent", "STEM_CACHE_DIR": folder + "/cache"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("apt-get install verilator"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/spikes.jsonl"))
    }

    @Test func aFailedBuildExitsThreeWithTheLogTailAndItsPath() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let sources = try Self.copyOfHardwareSources(into: folder + "/hw") { text in
            text.replacingOccurrences(of: "endmodule", with: "endmodul")
        }
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "rtl"], in: folder,
                                            environment: ["STEM_RTL_DIR": sources, "STEM_CACHE_DIR": folder + "/cache"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("%Error"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(folder + "/cache/failed/") && outcome.stderr.contains("build.log"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/spikes.jsonl"))
    }

    /// Ctrl-C in the middle of a run removes every output it was writing (spike record,
    /// report, RTL and golden waveforms) and ends the process by the signal. The run holds
    /// still after step 10 (`STEMSIM_TEST_PAUSE_AT_STEP`), so the signal always arrives while
    /// every output is open and none is finished.
    @Test func anInterruptedRunLeavesNoOutputBehind() throws {
        let folder = try StemSimRunner.temporaryFolder()
        let logs = try StemSimRunner.temporaryFolder()
        defer {
            StemSimRunner.remove(folder)
            StemSimRunner.remove(logs)
        }
        let digits = Self.packageRoot.appendingPathComponent("examples/digits")
        let process = try StemSimRunner.start(
            ["run", "--network", digits.appendingPathComponent("network.json").path,
             "--inputs", digits.appendingPathComponent("test.json").path, "--limit", "4",
             "--engine", "both", "--spikes", "spikes.jsonl", "--report", "report.json",
             "--trace", "rtl.vcd", "--trace-from", "0", "--trace-to", "40", "--golden-trace", "golden.vcd"],
            in: folder, logFolder: logs, environment: ["STEMSIM_TEST_PAUSE_AT_STEP": "10"])
        defer { if process.isRunning { process.terminate() } }
        // Wait (through a model build, if the cache is cold) until the run holds after step 10.
        let deadline = Date().addingTimeInterval(900)
        var paused = false
        while process.isRunning && !paused && Date() < deadline {
            paused = try String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8).contains("paused after step 10")
            if !paused { Thread.sleep(forTimeInterval: 0.05) }
        }
        let log = (try? String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8)) ?? ""
        #expect(paused && process.isRunning, "the run did not hold after step 10: \(log)")
        let open = try StemSimRunner.contents(folder).filter { $0.contains(".tmp-") }
        #expect(open.count == 4, "the run's temporary outputs: \(open)")
        process.interrupt()
        // A run that does not handle the signal (it is blocked in processes the tests start)
        // would hold forever: give it a minute, then kill it.
        let exitDeadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "the run did not end on SIGINT")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = try String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8)
        let bySignal = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGINT
        #expect(bySignal || process.terminationStatus == 128 + SIGINT, "\(process.terminationReason) \(process.terminationStatus)")
        #expect(stderr.contains("interrupted (SIGINT); removed 4 unfinished outputs"), "\(stderr)")
        let left = try StemSimRunner.contents(folder)
        #expect(left.isEmpty, "left behind: \(left)")
    }

    /// The planted-bug fixture: a 12-10-5 network (shifts 2...3) and 4 inputs written into
    /// `folder`, and a copy of the hardware sources in `folder/hw` whose round_shift rounds down;
    /// returns that copy (for `STEM_RTL_DIR`).
    static func writePlantedRoundShiftFixture(in folder: String) throws -> String {
        var options = RandomNetworkOptions(layerSizes: [12, 10, 5])
        options.shift = 2...3
        let network = Network.random(options, seed: 4)
        try network.write(to: folder + "/network.json")
        try InputSet.random(for: network, count: 4, seed: 5).write(to: folder + "/inputs.json")
        return try copyOfHardwareSources(into: folder + "/hw") { text in
            text.replacingOccurrences(of: "assign inc = pre + Width'(1);", with: "assign inc = pre;")
        }
    }

    /// Copies rtl/, Sources/CStemShim and testbenches/ into `folder`, passing every RTL
    /// file's text through `edit`; returns the folder (for `STEM_RTL_DIR`).
    static func copyOfHardwareSources(into folder: String, edit: (String) -> String) throws -> String {
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/Sources", withIntermediateDirectories: true)
        for path in ["rtl", "testbenches", "Sources/CStemShim"] {
            try fm.copyItem(atPath: packageRoot.appendingPathComponent(path).path, toPath: folder + "/" + path)
        }
        for name in try fm.contentsOfDirectory(atPath: folder + "/rtl") where name.hasSuffix(".sv") {
            let path = folder + "/rtl/" + name
            try edit(try String(contentsOfFile: path, encoding: .utf8)).write(toFile: path, atomically: true, encoding: .utf8)
        }
        return folder
    }
}

enum Verilator {
    /// Whether `verilator` is on this process's PATH.
    static let isOnPath = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/verilator") }
}
