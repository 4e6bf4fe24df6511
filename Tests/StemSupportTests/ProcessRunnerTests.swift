import Foundation
import Testing
import StemSupport

@Suite struct ProcessRunnerTests {
    static let environment = ["PATH": "/usr/bin:/bin", "STEM_SUPPORT_TEST": "seen"]

    @Test func reportsTheExitStatusAndCapturesBothStreams() {
        let outcome = ProcessRunner.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"],
                                        environment: Self.environment)
        #expect(outcome == ProcessRunner.Outcome(status: 3, output: "out\n", errors: "err\n"))
        let merged = ProcessRunner.run("/bin/sh", ["-c", "echo out; echo err >&2"], environment: Self.environment,
                                       output: .merged)
        #expect(merged.status == 0 && merged.errors.isEmpty)
        #expect(merged.output.split(separator: "\n").sorted() == ["err", "out"])
    }

    /// Output larger than a pipe holds, on both streams at once, does not block the program.
    @Test func readsLargeOutputOnBothStreams() {
        let outcome = ProcessRunner.run("/bin/sh", ["-c", "i=0; while [ $i -lt 20000 ]; do echo 0123456789; echo abcdefghij >&2; i=$((i+1)); done"],
                                        environment: Self.environment)
        #expect(outcome.status == 0)
        #expect(outcome.output.utf8.count == 220_000 && outcome.errors.utf8.count == 220_000)
    }

    @Test func passesTheEnvironmentAndTheFolder() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let outcome = ProcessRunner.run("/bin/sh", ["-c", "echo $STEM_SUPPORT_TEST; pwd -P"],
                                        environment: Self.environment, in: folder.path)
        let real = URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path
        #expect(outcome.output == "seen\n\(real)\n")
        #expect(ProcessRunner.run("/bin/sh", ["-c", "read x; echo \"[$x]\""], environment: Self.environment).output == "[]\n")
    }

    @Test func appendsToALogFile() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try "# header\n".write(toFile: folder.file("log"), atomically: false, encoding: .utf8)
        let outcome = ProcessRunner.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 1"], environment: Self.environment,
                                        output: .appending(toFile: folder.file("log")))
        #expect(outcome == ProcessRunner.Outcome(status: 1, output: "", errors: ""))
        let lines = try folder.text("log").split(separator: "\n")
        #expect(lines.first == "# header" && lines.dropFirst().sorted() == ["err", "out"])
    }

    @Test func aProgramThatCannotStartGivesStatusMinusOneAndTheReason() {
        let outcome = ProcessRunner.run("/nonexistent-stem/tool", ["x"], environment: Self.environment)
        #expect(outcome.status == -1 && outcome.output.isEmpty)
        #expect(outcome.errors.hasPrefix("cannot start /nonexistent-stem/tool: "))
        let merged = ProcessRunner.run("/nonexistent-stem/tool", [], environment: Self.environment, output: .merged)
        #expect(merged.status == -1 && merged.output.hasPrefix("cannot start /nonexistent-stem/tool: "))
    }

    /// The first executable file of the name on the path wins; folders, files that are not
    /// executable and empty entries are passed over.
    @Test func findsExecutablesOnThePathAndReportsMissingOnes() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let fm = FileManager.default
        for name in ["a", "b", "c"] { try fm.createDirectory(atPath: folder.file(name), withIntermediateDirectories: false) }
        try fm.createDirectory(atPath: folder.file("a/tool"), withIntermediateDirectories: false)  // a folder
        _ = fm.createFile(atPath: folder.file("b/tool"), contents: Data("#!/bin/sh\n".utf8),
                      attributes: [.posixPermissions: 0o644])  // not executable
        _ = fm.createFile(atPath: folder.file("c/tool"), contents: Data("#!/bin/sh\necho found\n".utf8),
                      attributes: [.posixPermissions: 0o755])
        let searchPath = "::\(folder.file("a")):\(folder.file("b")):\(folder.file("c"))"
        let tool = try #require(ProcessRunner.findExecutable(named: "tool", searchPath: searchPath))
        #expect(tool == folder.file("c/tool"))
        #expect(ProcessRunner.run(tool, [], environment: Self.environment).output == "found\n")
        #expect(ProcessRunner.findExecutable(named: "tool", searchPath: "\(folder.file("a")):\(folder.file("b"))") == nil)
        #expect(ProcessRunner.findExecutable(named: "no-such-tool-stem", searchPath: "/usr/bin:/bin") == nil)
        #expect(ProcessRunner.findExecutable(named: "sh", searchPath: "") == nil)
        #expect(ProcessRunner.findExecutable(named: "sh", searchPath: "/nonexistent-stem:/bin") == "/bin/sh")
        #expect(ProcessRunner.findExecutable(named: "../bin/sh", searchPath: "/bin") == nil)
    }
}
