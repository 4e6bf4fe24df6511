import Foundation
import Testing

/// `stemsim sweep --plan / --point N / --merge` through the built binary: the three steps give
/// the files of a local run, and bad use exits 2 naming the option, the value and the range.
@Suite struct SweepArrayCommandTests {
    static let arguments = SweepCommandTests.io + ["--engine", "golden", "--no-area", "--acc-bits", "12,20",
                                                   "--scaled", "none", "--limit", "10"]

    @Test func planPointsAndMergeWriteTheFilesOfALocalRun() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let plan = try StemSimRunner.run(Self.arguments + ["--out", "cluster", "--plan"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("points     2 (tasks 0...1: --point N, or sbatch --array=0-1"), "\(plan.stdout)")
        #expect(try StemSimRunner.contents(folder + "/cluster") == ["networks", "plan.json"])

        let early = try StemSimRunner.run(Self.arguments + ["--out", "cluster", "--merge"], in: folder)
        #expect(early.status == 2)
        #expect(early.stderr.contains("--merge: 2 of the 2 planned points have no result in cluster/tasks: 0 (12 bits, "
            + "scaled none, wrap), 1 (20 bits, scaled none, wrap)"), "\(early.stderr)")

        for index in ["1", "0"] {
            let task = try StemSimRunner.run(Self.arguments + ["--out", "cluster", "--point", index], in: folder)
            #expect(task.status == 0, "\(task.stderr)")
            #expect(task.stdout.contains("point      \(index): "), "\(task.stdout)")
        }
        let merge = try StemSimRunner.run(Self.arguments + ["--out", "cluster", "--merge"], in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("points     2: 2 ok, 0 infeasible, 0 failed"), "\(merge.stdout)")
        let local = try StemSimRunner.run(Self.arguments + ["--out", "local"], in: folder)
        #expect(local.status == 0, "\(local.stderr)")
        let withoutSeconds = { (file: String) in
            try String(decoding: Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)), as: UTF8.self)
                .split(separator: "\n").filter { !$0.contains("\"seconds\"") }
        }
        #expect(try withoutSeconds("cluster/sweep.json") == withoutSeconds("local/sweep.json"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/cluster/sweep.svg"))
            == Data(contentsOf: URL(fileURLWithPath: folder + "/local/sweep.svg")))
    }

    @Test func badUseExitsTwoNamingTheOptionAndTheRange() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let out = Self.arguments + ["--out", "out"]
        let cases: [([String], String)] = [
            (["--plan", "--merge"], "--plan, --merge: give at most one of --plan, --point, --shard and --merge"),
            (["--point", "1", "--merge"], "--point 1, --merge: give at most one of --plan, --point, --shard and --merge"),
            (["--point", "x"], "--point: 'x' is not a task index"),
            (["--shard", "1/0"], "--shard: 1/0: the shard count 0 must be at least 1"),
            (["--shard", "2/2"], "--shard: 2/2: the shard 2 is out of range 0...1"),
            (["--shard", "1"], "--shard: '1' is not i/n (shard i of n, 0 <= i < n)"),
            (["--shard", "0/1", "--point", "0"], "--point 0, --shard 0/1: give at most one of --plan, --point, --shard and --merge"),
            (["--merge", "--restart"], "--restart: not with --merge; it discards the folder's results, pass it with --plan"),
            (["--point", "0"], "--point: out/plan.json does not exist; write the plan first with the same options and --plan"),
        ]
        for (extra, message) in cases {
            let outcome = try StemSimRunner.run(out + extra, in: folder)
            #expect(outcome.status == 2, "\(extra): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(extra): \(outcome.stderr)")
        }
        #expect(try StemSimRunner.contents(folder).isEmpty || StemSimRunner.contents(folder + "/out") == ["networks"])

        let plan = try StemSimRunner.run(out + ["--plan"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let outside = try StemSimRunner.run(out + ["--point", "2"], in: folder)
        #expect(outside.status == 2)
        #expect(outside.stderr.contains("--point: 2 is out of range 0...1 (out/plan.json has 2 points)"), "\(outside.stderr)")
        let tooMany = try StemSimRunner.run(out + ["--shard", "0/3"], in: folder)
        #expect(tooMany.status == 2)
        #expect(tooMany.stderr.contains("--shard: 0/3: the shard count 3 is out of range 1...2 (out/plan.json has 2 points)"),
                "\(tooMany.stderr)")
        let other = try StemSimRunner.run(SweepCommandTests.io + ["--engine", "golden", "--no-area", "--acc-bits", "12,16",
                                                                  "--scaled", "none", "--limit", "10", "--out", "out",
                                                                  "--point", "0"], in: folder)
        #expect(other.status == 2)
        #expect(other.stderr.contains("--point: out/plan.json was written for other options; it differs in: the points "
            + "(2 planned, 2 now; 1 new, 1 not asked for"), "\(other.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/tasks"))
    }
}
