import Foundation
import Testing

/// `stemsim run --jobs N` against `--jobs 1`: the spike record and the report are the same
/// files, byte for byte, whatever the number of shards; options that need one run refuse
/// `--jobs` above 1 with exit 2.
@Suite struct RunJobsCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Runs `stemsim run` from the package root on `example` with `--jobs` each of `jobs`;
    /// expects every run's record and report to be the first's. Returns the outcomes.
    static func expectSameFiles(example: String, engine: String, limit: Int, jobs: [Int],
                                extra: [String] = []) throws -> [StemSimRunner.Outcome] {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        var outcomes: [StemSimRunner.Outcome] = []
        var first: (spikes: Data, report: Data)?
        for n in jobs {
            let outcome = try StemSimRunner.run(
                ["run", "--network", "examples/\(example)/network.json", "--inputs", "examples/\(example)/test.json",
                 "--engine", engine, "--limit", String(limit), "--jobs", String(n),
                 "--spikes", "\(folder)/spikes-\(n).jsonl", "--report", "\(folder)/report-\(n).json"] + extra,
                in: packageRoot)
            #expect(outcome.status == 0, "--jobs \(n): \(outcome.stderr)")
            outcomes.append(outcome)
            let spikes = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/spikes-\(n).jsonl"))
            let report = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/report-\(n).json"))
            if let first {
                #expect(spikes == first.spikes, "\(example) \(engine): the spike record of --jobs \(n) differs from --jobs \(jobs[0])")
                #expect(report == first.report, "\(example) \(engine): the report of --jobs \(n) differs from --jobs \(jobs[0])")
            } else {
                #expect(!spikes.isEmpty && !report.isEmpty)
                first = (spikes, report)
            }
        }
        return outcomes
    }

    /// The summary line after `prefix`.
    static func line(_ prefix: String, in outcome: StemSimRunner.Outcome) -> String {
        outcome.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? ""
    }

    @Test func theDigitsMLPGivesTheSameFilesWithOneTwoAndThreeJobs() throws {
        let outcomes = try Self.expectSameFiles(example: "digits", engine: "golden", limit: 7, jobs: [1, 2, 3])
        #expect(Self.line("engine", in: outcomes[2]) == "engine     golden, 3 jobs")
        for outcome in outcomes.dropFirst() {
            for prefix in ["accuracy", "QANN", "sops", "overflows"] {
                #expect(Self.line(prefix, in: outcome) == Self.line(prefix, in: outcomes[0]))
            }
        }
    }

    @Test func theDigitsCNNGivesTheSameFilesWithOneTwoAndThreeJobs() throws {
        _ = try Self.expectSameFiles(example: "digits-cnn", engine: "golden", limit: 5, jobs: [1, 2, 3])
    }

    @Test func moreJobsThanSamplesRunOneShardPerSample() throws {
        let outcomes = try Self.expectSameFiles(example: "digits", engine: "golden", limit: 2, jobs: [1, 64])
        #expect(Self.line("engine", in: outcomes[1]) == "engine     golden, 2 jobs")
    }

    @Test(arguments: [
        (["--jobs", "0"], "--jobs must be in 1...64 (shards, one thread each), got 0"),
        (["--jobs", "65"], "--jobs must be in 1...64 (shards, one thread each), got 65"),
        (["--jobs", "2", "--engine", "systemc"], "--jobs 2 needs --engine golden, rtl or both"),
        (["--jobs", "2", "--engine", "golden", "--golden-trace", "g.vcd"], "--golden-trace needs --jobs 1"),
        (["--jobs", "3", "--trace", "r.vcd"], "--trace needs --jobs 1 (a waveform records one run of all samples), got --jobs 3"),
        (["--jobs", "2", "--compare-trace", "c.vcd"], "--compare-trace needs --jobs 1"),
    ])
    func optionsThatNeedOneRunRefuseJobs(arguments: [String], message: String) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(["run", "--network", "\(Self.packageRoot)/examples/digits/network.json",
                                             "--inputs", "\(Self.packageRoot)/examples/digits/test.json", "--limit", "2"]
                                            + arguments, in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder).isEmpty)
    }
}

/// `--jobs` on the Verilated mesh: each shard has its own model instance.
@Suite(.serialized, .enabled(if: Verilator.isOnPath,
                              "verilator is not on PATH, so the RTL --jobs tests cannot run (apt-get install verilator)"))
struct RTLRunJobsCommandTests {
    @Test func bothEnginesGiveTheSameFilesWithOneTwoAndThreeJobs() throws {
        let outcomes = try RunJobsCommandTests.expectSameFiles(example: "digits", engine: "both", limit: 4, jobs: [1, 2, 3])
        for outcome in outcomes {
            #expect(outcome.stdout.contains("lockstep   every spike agrees"), "\(outcome.stdout)")
        }
        #expect(RunJobsCommandTests.line("engine", in: outcomes[1]) == "engine     golden and rtl in lockstep, 2 jobs")
        // The packets are the same (each sample's flits), the cycles are not (each shard fills and drains its mesh).
        #expect(RunJobsCommandTests.line("packets", in: outcomes[1]).hasPrefix(
            String(RunJobsCommandTests.line("packets", in: outcomes[0]).prefix { $0 != ";" })))
    }
}
