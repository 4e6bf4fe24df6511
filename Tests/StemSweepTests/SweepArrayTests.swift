import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// A sweep as a job array (``SweepArray``): the plan, one point per task, the merge; no
/// scheduler (scripts/slurm/test-cluster.sh runs the same on a real Slurm cluster).
@Suite struct SweepArrayTests {
    /// The CSV without its `seconds` column (the one figure a task and a local run may differ in).
    static func csvWithoutSeconds(_ path: String) throws -> [String] {
        let lines = try SweepTestSupport.read(path).split(separator: "\n").map(String.init)
        let column = lines[0].split(separator: ",", omittingEmptySubsequences: false).firstIndex(of: "seconds")!
        return lines.map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields.remove(at: column)
            return fields.joined(separator: ",")
        }
    }

    /// The document with every point's wall time set to 0.
    static func withoutSeconds(_ document: SweepDocument) -> SweepDocument {
        var copy = document
        for index in copy.points.indices { copy.points[index].seconds = 0 }
        return copy
    }

    @Test func planTasksInAnyOrderAndMergeGiveTheFilesOfALocalSweep() throws {
        let cluster = try SweepTestSupport.temporaryFolder()
        let local = try SweepTestSupport.temporaryFolder()
        defer {
            SweepTestSupport.remove(cluster)
            SweepTestSupport.remove(local)
        }
        let array = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: cluster), hardware: nil)
        let plan = try array.writePlan()
        #expect(plan.points.map(\.name) == ["acc12-none-wrap", "acc20-none-wrap", "acc12-auto-wrap", "acc20-auto-wrap"])
        #expect(try SweepArrayPlan(parsing: try FileIO.read(cluster + "/plan.json"), file: "plan.json") == plan)
        // The tasks finish in any order; each writes only its own files.
        for index in [2, 0, 3, 1] {
            let point = try array.runPoint(index)
            #expect(point.parameters == plan.points[index] && point.status == .ok)
            #expect(FileIO.exists(cluster + "/tasks/" + plan.points[index].name + ".json"))
        }
        let merged = try array.merge()
        #expect(merged.counts == SweepSummary.RunCounts(ran: 4, reused: 0))

        let outcome = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: local),
                                hardware: nil).run()
        #expect(Self.withoutSeconds(merged.document) == Self.withoutSeconds(outcome.document))
        #expect(try Self.csvWithoutSeconds(cluster + "/sweep.csv") == Self.csvWithoutSeconds(local + "/sweep.csv"))
        #expect(try SweepTestSupport.read(cluster + "/sweep.svg") == SweepTestSupport.read(local + "/sweep.svg"))
        for name in plan.points.map({ $0.name + ".json" }) {
            #expect(try FileIO.read(cluster + "/networks/" + name) == FileIO.read(local + "/networks/" + name))
        }
        // The JSON differs in the "seconds" lines only.
        let lines = { (folder: String) in
            try SweepTestSupport.read(folder + "/sweep.json").split(separator: "\n").filter { !$0.contains("\"seconds\"") }
        }
        #expect(try lines(cluster) == lines(local))
    }

    @Test func aTaskIndexOutsideThePlanOrAPlanOfOtherOptionsIsRefused() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let array = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: folder), hardware: nil)
        #expect(throws: SweepError.invalidOption(option: "--point", message: "\(folder)/plan.json does not exist; write the "
            + "plan first with the same options and --plan")) { try array.runPoint(0) }
        try array.writePlan()
        for index in [4, -1] {
            #expect(throws: SweepError.invalidOption(option: "--point", message: "\(index) is out of range 0...3 "
                + "(\(folder)/plan.json has 4 points)")) { try array.runPoint(index) }
        }
        let narrower = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12], folder: folder), hardware: nil)
        #expect(throws: SweepError.invalidOption(option: "--merge", message: "\(folder)/plan.json was written for other "
            + "options; it differs in: the points (4 planned, 2 now; 0 new, 2 not asked for; --acc-bits, --scaled, "
            + "--overflow, --rot, --drlo, --bias-bits). Write it again with these options and --plan (and rerun the "
            + "tasks), or pass the options the plan was written with")) { try narrower.merge() }
        let fewer = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12, 20], samples: 20, folder: folder),
                               hardware: nil)
        do {
            _ = try fewer.runPoint(0)
            Issue.record("a plan for other inputs was accepted")
        } catch let error as SweepError {
            #expect(error.description.contains("differs in: inputs (or --limit)"), "\(error)")
        }
        var energy = SweepTestSupport.configuration(accBits: [12, 20], folder: folder)
        energy.energy = EnergyModel(sopPicojoules: 0.1, macPicojoules: 0.23)
        do {
            _ = try SweepArray(configuration: energy, hardware: nil).runPoint(0)
            Issue.record("a plan for other energy figures was accepted")
        } catch let error as SweepError {
            #expect(error.description.contains("differs in: --sop-pj/--mac-pj"), "\(error)")
        }
        #expect(!FileIO.exists(folder + "/tasks"))
    }

    @Test func mergeNamesThePointsWithoutAResultAndALocalSweepFinishesThem() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let configuration = SweepTestSupport.configuration(accBits: [12, 16, 20], scaled: [.none], folder: folder)
        let array = SweepArray(configuration: configuration, hardware: nil)
        try array.writePlan()
        _ = try array.runPoint(1)
        #expect(throws: SweepError.invalidOption(option: "--merge", message: "2 of the 3 planned points have no result in "
            + "\(folder)/tasks: 0 (12 bits, scaled none, wrap), 2 (20 bits, scaled none, wrap). Run those tasks again "
            + "(--point, e.g. sbatch --array=0,2), or run the sweep here with the same options and --out (it takes the "
            + "finished tasks as done)")) { try array.merge() }
        #expect(!FileIO.exists(folder + "/sweep.json"))

        // A result of another sweep (another plan's tasks) is not taken.
        var other = SweepTestSupport.configuration(accBits: [12], samples: 20, scaled: [.none], folder: folder)
        other.outputDirectory = folder + "/other"
        let otherArray = SweepArray(configuration: other, hardware: nil)
        try otherArray.writePlan()
        _ = try otherArray.runPoint(0)
        try FileManager.default.copyItem(atPath: folder + "/other/tasks/acc12-none-wrap.json",
                                         toPath: folder + "/tasks/acc12-none-wrap.json")
        do {
            _ = try array.merge()
            Issue.record("a task result of another sweep was merged")
        } catch let error as SweepError {
            #expect(error.description.contains("2 of the 3 planned points have no result"), "\(error)")
            #expect(error.description.contains("skipped as another sweep's or unreadable: tasks/acc12-none-wrap.json"),
                    "\(error)")
        }

        // A local sweep of the same options takes the finished task as done and runs the rest.
        let outcome = try Sweep(configuration: configuration, hardware: nil).run()
        #expect(outcome.counts == SweepSummary.RunCounts(ran: 2, reused: 1))
        #expect(outcome.document.points.map(\.parameters.accBits) == [12, 16, 20])
    }

    @Test func aRestartedPlanDiscardsTheResultsOfTheEarlierOne() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let array = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12], scaled: [.none], folder: folder),
                               hardware: nil)
        try array.writePlan()
        _ = try array.runPoint(0)
        _ = try array.merge()
        var fewer = SweepTestSupport.configuration(accBits: [12], samples: 20, scaled: [.none], folder: folder)
        #expect(throws: SweepError.differentSweep(path: folder + "/sweep.json", differences: ["inputs (or --limit)"])) {
            try SweepArray(configuration: fewer, hardware: nil).writePlan()
        }
        fewer.restart = true
        try SweepArray(configuration: fewer, hardware: nil).writePlan()
        #expect(!FileIO.exists(folder + "/sweep.json") && !FileIO.exists(folder + "/tasks/acc12-none-wrap.json"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/networks").isEmpty)
    }

    @Test func shardsRunEveryNthPointAndMergeToTheLocalSweep() throws {
        let cluster = try SweepTestSupport.temporaryFolder()
        let local = try SweepTestSupport.temporaryFolder()
        defer {
            SweepTestSupport.remove(cluster)
            SweepTestSupport.remove(local)
        }
        let array = SweepArray(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: cluster), hardware: nil)
        let plan = try array.writePlan()
        #expect(throws: SweepError.invalidOption(option: "--shard", message: "0/5: the shard count 5 is out of range 1...4 "
            + "(\(cluster)/plan.json has 4 points)")) { try array.runShard(0, of: 5) }
        #expect(throws: SweepError.invalidOption(option: "--shard", message: "3/3: the shard 3 is out of range 0...2")) {
            try array.runShard(3, of: 3)
        }
        var ran: [Int] = []
        for shard in 0..<3 {
            let results = try array.runShard(shard, of: 3)
            #expect(results.allSatisfy { plan.points[$0.index] == $0.point.parameters && $0.point.status == .ok })
            ran += results.map(\.index)
        }
        #expect(ran == [0, 3, 1, 2])
        let merged = try array.merge()
        let outcome = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: local),
                                hardware: nil).run()
        #expect(Self.withoutSeconds(merged.document) == Self.withoutSeconds(outcome.document))
    }

    @Test func arraySpecsJoinRuns() {
        #expect(SweepArray.arraySpec([7, 0, 1, 2, 5, 8]) == "0-2,5,7-8")
        #expect(SweepArray.arraySpec([3]) == "3")
        #expect(SweepArray.arraySpec([]) == "")
    }
}
