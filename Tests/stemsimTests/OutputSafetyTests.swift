import Foundation
import StemModel
import StemSupport
import Testing

/// The output side of issue 13 through the built binary, beside the table of
/// HostileInputTests: outputs that are devices, FIFOs or symbolic links (6), outputs that
/// appear together or not at all (7), interrupts during a model build (8), a closed standard
/// output (9) and the temporaries of a killed run (10), and the home folder for export (4).
@Suite struct OutputSafetyTests {
    static let io = ["--network", "network.json", "--inputs", "inputs.json"]

    /// The spike record the golden model gives for the fixture.
    static func expectedRecord(_ network: Network, _ inputs: InputSet) throws -> String {
        var record = ""
        try GoldenModel(network: network).run(samples: inputs.samples) { step, spikes in
            record += SpikeRecordWriter.line(step: step, spikes: spikes)
        }
        return record
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try FileIO.read(path), as: UTF8.self)
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    static func temporaries(_ folder: String) throws -> [String] {
        try StemSimRunner.contents(folder).filter { $0.contains(".tmp-") }
    }

    // MARK: 6. Devices, FIFOs, symbolic links

    @Test func aSymbolicLinkOutputReplacesItsTargetAndStays() throws {
        let (folder, network, inputs) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/real", withIntermediateDirectories: false)
        try Data("old report".utf8).write(to: URL(fileURLWithPath: folder + "/real/r.json"))
        try fm.createSymbolicLink(atPath: folder + "/report.json", withDestinationPath: "real/r.json")
        // A dangling link: the file it names is created.
        try fm.createSymbolicLink(atPath: folder + "/spikes.jsonl", withDestinationPath: "real/s.jsonl")
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--report", "report.json",
                                                                 "--spikes", "spikes.jsonl"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Self.isSymbolicLink(folder + "/report.json") && Self.isSymbolicLink(folder + "/spikes.jsonl"))
        #expect(try Self.text(folder + "/real/r.json").hasPrefix("{"))
        #expect(try Self.text(folder + "/real/s.jsonl") == Self.expectedRecord(network, inputs))
        #expect(try Self.temporaries(folder).isEmpty && Self.temporaries(folder + "/real").isEmpty)
    }

    @Test func aFIFOOutputIsWrittenThroughAndStaysAFIFO() throws {
        let (folder, network, inputs) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let fifo = folder + "/spikes.fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        // A reader, as `cat spikes.fifo > copy` in another terminal.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/sh")
        reader.arguments = ["-c", "cat spikes.fifo > copy.jsonl"]
        reader.currentDirectoryURL = URL(fileURLWithPath: folder)
        try reader.run()
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL) } }
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--spikes", "spikes.fifo"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // A run that replaced the FIFO leaves the reader waiting forever.
        let deadline = Date().addingTimeInterval(20)
        while reader.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!reader.isRunning, "the reader got no end of file")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the FIFO was replaced")
        #expect(try Self.text(folder + "/copy.jsonl") == Self.expectedRecord(network, inputs))
        #expect(try Self.temporaries(folder).isEmpty)
    }

    @Test func devicesAreWrittenThroughNotReplaced() throws {
        let (folder, network, inputs) = try fixture()
        defer { StemSimRunner.remove(folder) }
        var before = stat()
        #expect(stat("/dev/null", &before) == 0 && (before.st_mode & S_IFMT) == S_IFCHR)
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--spikes", "/dev/stdout",
                                                                 "--report", "/dev/null"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // The record streams to standard output, before the summary.
        #expect(outcome.stdout.hasPrefix(try Self.expectedRecord(network, inputs)), "\(outcome.stdout.prefix(300))")
        var after = stat()
        #expect(stat("/dev/null", &after) == 0 && (after.st_mode & S_IFMT) == S_IFCHR && after.st_rdev == before.st_rdev)
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    // MARK: 7. All outputs or none

    /// The golden trace fails at the end (no step in its window): the spike record and the
    /// report, complete by then, must not appear either, and an older report stays as it was.
    @Test func aFailingLastOutputLeavesNoOtherOutput() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        try Data("older report".utf8).write(to: URL(fileURLWithPath: folder + "/report.json"))
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--spikes", "spikes.jsonl",
                                                                 "--report", "report.json", "--golden-trace", "g.vcd",
                                                                 "--trace-from", "100000"], in: folder)
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("no step in the window"), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "report.json"])
        #expect(try Self.text(folder + "/report.json") == "older report")
    }

    @Test(.enabled(if: geteuid() != 0, "root may write into any folder"))
    func anUnwritableFolderIsAUsageError() throws {
        let (folder, _, _) = try fixture()
        defer {
            chmod(folder + "/ro", 0o755)
            StemSimRunner.remove(folder)
        }
        try FileManager.default.createDirectory(atPath: folder + "/ro", withIntermediateDirectories: false)
        chmod(folder + "/ro", 0o555)
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--spikes", "s.jsonl",
                                                                 "--report", "ro/r.json"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--report ro/r.json: cannot create: Permission denied"), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "ro"])
    }

    // MARK: 9. A closed standard output

    /// `stemsim run ... 2>&1 | head -c0`: every write to standard output and error fails;
    /// the run still finishes normally and leaves its complete outputs and no temporary.
    @Test(arguments: [["run", "--engine", "golden", "--spikes", "spikes.jsonl", "--report", "report.json"],
                      ["sweep", "--engine", "golden", "--no-area", "--acc-bits", "8,12", "--scaled", "none", "--out", "sw"]])
    func aClosedStandardOutputEndsTheOutputNotTheRun(_ command: [String]) throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: StemSimRunner.executable)
        process.arguments = [command[0]] + Self.io + command.dropFirst()
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        process.standardOutput = pipe.fileHandleForWriting
        process.standardError = pipe.fileHandleForWriting
        try process.run()
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "\(process.terminationReason) \(process.terminationStatus)")
        if command[0] == "run" {
            #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "report.json", "spikes.jsonl"])
        } else {
            #expect(try StemSimRunner.contents(folder + "/sw").contains("sweep.json"))
            #expect(try Self.temporaries(folder + "/sw").isEmpty)
        }
        #expect(try Self.temporaries(folder).isEmpty)
    }

    // MARK: 10. Temporaries of a killed run

    /// The number of a process that has ended.
    static func deadProcess() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func staleTemporariesOfTheSameTargetAreRemoved() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let dead = try Self.deadProcess()
        let alive = ProcessInfo.processInfo.processIdentifier
        let fm = FileManager.default
        let stale = [".spikes.jsonl.tmp-\(dead)-12345", ".g.vcd.tmp-\(dead)-9.vcd", ".g.gtkw.tmp-\(dead)-77",
                     ".spikes.jsonl.tmp-1-4242"]
        let kept = [".spikes.jsonl.tmp-\(alive)-1", ".other.json.tmp-\(dead)-5", "spikes.jsonl.tmp-\(dead)-6"]
        for name in stale + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        // Process 1 is alive, but its temporary has not changed for eight days.
        try fm.setAttributes([.modificationDate: Date().addingTimeInterval(-8 * 24 * 3600)],
                             ofItemAtPath: folder + "/.spikes.jsonl.tmp-1-4242")
        // The folder of an export killed before its rename.
        try fm.createDirectory(atPath: folder + "/.exp.tmp-\(dead)-3", withIntermediateDirectories: false)
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/.exp.tmp-\(dead)-3/mesh.json"))

        let run = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--spikes", "spikes.jsonl",
                                                             "--golden-trace", "g.vcd"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let export = try StemSimRunner.run(["export"] + Self.io + ["--out", "exp"] + ExportCommandTests.meshArguments, in: folder)
        #expect(export.status == 0, "\(export.stderr)")
        let left = try StemSimRunner.contents(folder)
        for name in stale { #expect(!left.contains(name), "\(name) was left") }
        #expect(!left.contains(".exp.tmp-\(dead)-3"))
        for name in kept { #expect(left.contains(name), "\(name) was removed") }
    }

    // MARK: 4. The home folder

    @Test func exportNeverReplacesTheHomeFolder() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let home = folder + "/home"
        try FileManager.default.createDirectory(atPath: home + "/work", withIntermediateDirectories: true)
        try Data("marker".utf8).write(to: URL(fileURLWithPath: home + "/.stemsim-export"))
        for out in ["home", "."] {
            let outcome = try StemSimRunner.run(["export", "--network", "../../network.json", "--inputs", "../../inputs.json",
                                                 "--out", out == "." ? ".." : "../../home", "--force"],
                                                in: home + "/work", environment: ["HOME": home])
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(outcome.stderr.contains("it is the home folder, which is never replaced"), "\(outcome.stderr)")
        }
        #expect(try StemSimRunner.contents(home) == [".stemsim-export", "work"])
    }

    /// A folder stemsim exported is replaced with --force, and holds the marker.
    @Test func exportReplacesAnEarlierExport() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let arguments = ["export"] + Self.io + ["--out", "exp"] + ExportCommandTests.meshArguments
        #expect(try StemSimRunner.run(arguments, in: folder).status == 0)
        #expect(try StemSimRunner.contents(folder + "/exp") == [".stemsim-export", "golden.jsonl", "mesh.json", "stimulus.txt"])
        try Data("scribble".utf8).write(to: URL(fileURLWithPath: folder + "/exp/notes.txt"))
        let forced = try StemSimRunner.run(arguments + ["--force"], in: folder)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try StemSimRunner.contents(folder + "/exp") == [".stemsim-export", "golden.jsonl", "mesh.json", "stimulus.txt"])
        #expect(try StemSimRunner.contents(folder) == ["exp", "inputs.json", "network.json"])
    }

    // MARK: 8. Interrupting a model build

    /// A build held by the test hook (every program it starts is a shell waiting for a
    /// background `sleep`, in the program's process group) is interrupted; no process of
    /// that group may survive stemsim, and nothing is left behind.
    @Test(.enabled(if: Verilator.isOnPath, "needs verilator"), arguments: [SIGINT, SIGTERM, SIGHUP])
    func anInterruptedBuildLeavesNoProcessBehind(_ signal: Int32) throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let logs = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(logs) }
        let cache = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(cache) }
        let process = try StemSimRunner.start(["run"] + Self.io + ["--engine", "rtl", "--spikes", "spikes.jsonl"],
                                              in: folder, logFolder: logs,
                                              environment: [ProcessRunner.holdVariable: "1", "STEM_CACHE_DIR": cache])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        var group: Int32?
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && group == nil && Date() < deadline {
            let log = (try? String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8)) ?? ""
            if let line = log.split(separator: "\n").first(where: { $0.hasPrefix("stem-test: process group ") }) {
                group = Int32(line.split(separator: " ")[3])
            } else {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        guard let group else {
            Issue.record("no held build: \((try? String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8)) ?? "")")
            return
        }
        defer { kill(-group, SIGKILL) }
        #expect(kill(-group, 0) == 0, "the held build is running")
        kill(process.processIdentifier, signal)
        let exitDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "stemsim did not end")
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal)
        // The group's processes are gone (a zombie is reaped by init once stemsim is gone).
        let goneDeadline = Date().addingTimeInterval(10)
        while kill(-group, 0) == 0 && Date() < goneDeadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(kill(-group, 0) == -1 && errno == ESRCH, "a process of the build's group survived")
        let log = try String(contentsOfFile: logs + "/stderr.txt", encoding: .utf8)
        #expect(log.contains("stopped 1 running program"), "\(log)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }
}
