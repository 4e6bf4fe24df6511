import Foundation
import Testing

/// `stemsim run --shard i/n` (one job-array task per shard) then `--merge`: the spike record
/// and the report are those of a run without shards, byte for byte, whatever order the tasks
/// ran in; a merge refuses missing shards, foreign results and other options with exit 2.
@Suite struct RunShardsCommandTests {
    static let root = RunJobsCommandTests.packageRoot

    static func runArguments(_ example: String, engine: String, limit: Int) -> [String] {
        ["run", "--network", "\(root)/examples/\(example)/network.json", "--inputs", "\(root)/examples/\(example)/test.json",
         "--engine", engine, "--limit", String(limit)]
    }

    /// Runs the `n` shard tasks (last first) and the merge in `folder`; expects the merged files
    /// to equal a plain run's. Returns the merge's outcome.
    @discardableResult
    static func expectMergeEqualsTheRun(example: String, engine: String, limit: Int, shards n: Int,
                                        in folder: String) throws -> StemSimRunner.Outcome {
        let base = runArguments(example, engine: engine, limit: limit)
        let plain = try StemSimRunner.run(base + ["--spikes", "plain.jsonl", "--report", "plain.json"], in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        for i in (0..<n).reversed() {
            let task = try StemSimRunner.run(base + ["--shard", "\(i)/\(n)", "--shard-dir", "shards"], in: folder)
            #expect(task.status == 0, "shard \(i)/\(n): \(task.stderr)")
            #expect(task.stdout.contains("shard      \(i) of \(n): samples"), "\(task.stdout)")
        }
        let merged = try StemSimRunner.run(base + ["--merge", "--shard-dir", "shards", "--spikes", "merged.jsonl",
                                                   "--report", "merged.json"], in: folder)
        #expect(merged.status == 0, "\(merged.stderr)")
        for (a, b) in [("plain.jsonl", "merged.jsonl"), ("plain.json", "merged.json")] {
            let left = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(a)"))
            let right = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(b)"))
            #expect(!left.isEmpty && left == right, "\(example) \(engine) \(n) shards: \(b) differs from \(a)")
        }
        for prefix in ["accuracy", "QANN", "sops", "overflows"] {
            #expect(RunJobsCommandTests.line(prefix, in: merged) == RunJobsCommandTests.line(prefix, in: plain))
        }
        #expect(RunJobsCommandTests.line("engine", in: merged).hasSuffix(", \(n) shard\(n == 1 ? "" : "s") merged"))
        return merged
    }

    @Test(arguments: [1, 3])
    func theDigitsMLPMergedFromShardsIsTheRun(shards: Int) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try Self.expectMergeEqualsTheRun(example: "digits", engine: "golden", limit: 7, shards: shards, in: folder)
    }

    @Test func theDigitsCNNMergedFromShardsIsTheRun() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try Self.expectMergeEqualsTheRun(example: "digits-cnn", engine: "golden", limit: 5, shards: 2, in: folder)
    }

    @Test func aMergeNamesTheMissingShardsAndTheirArrayList() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let base = Self.runArguments("digits", engine: "golden", limit: 6)
        for i in [0, 2] {
            #expect(try StemSimRunner.run(base + ["--shard", "\(i)/5", "--shard-dir", "s"], in: folder).status == 0)
        }
        let merged = try StemSimRunner.run(base + ["--merge", "--shard-dir", "s", "--report", "r.json"], in: folder)
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("3 of the 5 shards have no result in s: 1, 3, 4"), "\(merged.stderr)")
        #expect(merged.stderr.contains("sbatch --array=1,3-4"), "\(merged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/r.json"))
    }

    @Test(arguments: [
        (["--limit", "5"], "is not a shard of this run: other inputs than --inputs with --limit 5"),
        (["--engine", "both"], "--engine golden (this merge: both)"),
        (["--keep-going", "--engine", "both"], "--keep-going false (this merge: true)"),
    ])
    func aMergeRefusesTheResultsOfAnotherRun(changes: [String], message: String) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let base = Self.runArguments("digits", engine: "golden", limit: 4)
        for i in 0..<2 {
            #expect(try StemSimRunner.run(base + ["--shard", "\(i)/2", "--shard-dir", "s"], in: folder).status == 0)
        }
        // Later options win: the merge runs with `changes` on top of the tasks' options.
        let merged = try StemSimRunner.run(base + changes + ["--merge", "--shard-dir", "s"], in: folder)
        #expect(merged.status == 2)
        #expect(merged.stderr.contains(message), "\(merged.stderr)")
    }

    @Test func aMergeRefusesAFileThatIsNoShardResultAndMixedShardCounts() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let base = Self.runArguments("digits", engine: "golden", limit: 4)
        #expect(try StemSimRunner.run(base + ["--shard", "0/1", "--shard-dir", "s"], in: folder).status == 0)
        #expect(try StemSimRunner.run(base + ["--shard", "1/2", "--shard-dir", "s"], in: folder).status == 0)
        var merged = try StemSimRunner.run(base + ["--merge", "--shard-dir", "s"], in: folder)
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("holds the results of runs split into 1, 2 shards"), "\(merged.stderr)")
        try FileManager.default.removeItem(atPath: "\(folder)/s/shard-1-of-2.json")
        try Data("{\"format\": \"something else\"}".utf8).write(to: URL(fileURLWithPath: "\(folder)/s/shard-0-of-1.json"))
        merged = try StemSimRunner.run(base + ["--merge", "--shard-dir", "s"], in: folder)
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("s/shard-0-of-1.json is not a shard result of stemsim run --shard"), "\(merged.stderr)")
    }

    @Test(arguments: [
        (["--shard", "0/2"], "--shard 0/2 needs --shard-dir"),
        (["--merge"], "--merge needs --shard-dir"),
        (["--shard-dir", "s"], "--shard-dir s needs --shard i/n or --merge"),
        (["--shard", "0/2", "--merge", "--shard-dir", "s"], "--shard 0/2 and --merge: give one"),
        (["--shard", "2/2", "--shard-dir", "s"], "--shard: 2/2: the shard 2 is out of range 0...1"),
        (["--shard", "x", "--shard-dir", "s"], "--shard: 'x' is not i/n"),
        (["--shard", "0/5", "--shard-dir", "s"], "--shard 0/5: 5 shards need at least 5 samples; the inputs have 4 (with --limit 4)"),
        (["--shard", "0/2", "--shard-dir", "s", "--jobs", "2"], "--jobs 2 cannot be used with --shard 0/2"),
        (["--shard", "0/2", "--shard-dir", "s", "--spikes", "x.jsonl"], "--spikes x.jsonl cannot be used with --shard 0/2"),
        (["--shard", "0/2", "--shard-dir", "s", "--report", "x.json"], "--report x.json cannot be used with --shard 0/2"),
        (["--merge", "--shard-dir", "s", "--golden-trace", "g.vcd"], "--golden-trace cannot be used with --merge"),
        (["--merge", "--shard-dir", "s", "--engine", "systemc"], "--merge needs --engine golden, rtl or both"),
        (["--merge", "--shard-dir", "s"], "--merge: --shard-dir s: cannot read the folder"),
    ])
    func badShardOptionsExitTwoAndWriteNothing(arguments: [String], message: String) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(Self.runArguments("digits", engine: "golden", limit: 4) + arguments, in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder).isEmpty)
    }
}

/// Shard tasks on the Verilated mesh, and a divergence found by a task: the task exits 1 with
/// its result written, and the merge reports the run's first divergence as a plain run does.
@Suite(.serialized, .enabled(if: Verilator.isOnPath,
                              "verilator is not on PATH, so the RTL shard tests cannot run (apt-get install verilator)"))
struct RTLRunShardsCommandTests {
    @Test func bothEnginesMergedFromShardsAreTheRun() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let merged = try RunShardsCommandTests.expectMergeEqualsTheRun(example: "digits", engine: "both", limit: 4, shards: 2,
                                                                       in: folder)
        #expect(merged.stdout.contains("lockstep   every spike agrees"), "\(merged.stdout)")
        #expect(RunJobsCommandTests.line("mesh", in: merged).hasPrefix("mesh       2x2 tiles"), "\(merged.stdout)")
    }

    @Test func aTaskThatDivergesWritesItsResultAndTheMergeReportsTheRunsDivergence() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let rtl = try RTLRunCommandTests.writePlantedRoundShiftFixture(in: folder)
        let base = ["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "both"]
        let plain = try StemSimRunner.run(base + ["--divergence-dir", "d1"], in: folder, environment: ["STEM_RTL_DIR": rtl])
        #expect(plain.status == 1, "\(plain.stderr)")
        var shardStatuses: [Int32] = []
        for i in 0..<3 {
            let task = try StemSimRunner.run(base + ["--shard", "\(i)/3", "--shard-dir", "s"], in: folder,
                                             environment: ["STEM_RTL_DIR": rtl])
            shardStatuses.append(task.status)
            #expect(FileManager.default.fileExists(atPath: "\(folder)/s/shard-\(i)-of-3.json"))
        }
        #expect(shardStatuses.contains(1), "some task must find the planted bug")
        let merged = try StemSimRunner.run(base + ["--merge", "--shard-dir", "s", "--divergence-dir", "d2",
                                                   "--report", "r.json"], in: folder, environment: ["STEM_RTL_DIR": rtl])
        #expect(merged.status == 1)
        let firstLine = { (text: String) in text.split(separator: "\n").first { $0.contains("differ at step") }.map(String.init) }
        #expect(firstLine(merged.stderr) != nil && firstLine(merged.stderr) == firstLine(plain.stderr),
                "merge: \(merged.stderr)\nplain: \(plain.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/r.json"))
    }
}
