import Foundation
import Testing

/// `stemsim analyze` through the built binary: option errors, and the files of a short run.
@Suite struct AnalyzeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let io = ["analyze", "--network", root + "/examples/digits/network.json",
                     "--inputs", root + "/examples/digits/test.json"]
    static let files = ["energy.csv", "energy.svg", "fig12-sops.csv", "fig12-sops.svg", "fig7a-potentials.csv",
                        "fig7a-potentials.svg", "fig8-bits.csv", "fig8-bits.svg", "hybrid-search.csv", "sparsity.csv",
                        "sparsity.svg", "summary.csv"]

    @Test(arguments: [
        (["--max-loss", "nan"], "--max-loss must be a number of percentage points in 0...100, got nan"),
        (["--max-loss", "101"], "--max-loss must be a number of percentage points in 0...100, got 101"),
        (["--sop-pj", "0"], "--sop-pj must be a number of picojoules, finite, greater than 0 and at most 1e6, got 0"),
        (["--mac-pj", "inf"], "--mac-pj must be a number of picojoules, finite, greater than 0 and at most 1e6, got inf"),
        (["--jobs", "0"], "--jobs must be in 1...64, got 0"),
        (["--out", "missing/out"], "--out missing/out: its parent folder missing does not exist"),
    ])
    func badOptionsExitTwoWithAClearMessage(arguments: [String], message: String) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(Self.io + arguments, in: folder)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder).isEmpty)
    }

    @Test func aShortRunWritesEveryFileAndTheSummary() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(Self.io + ["--limit", "20", "--out", "out", "--sop-pj", "0.5"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder + "/out") == Self.files)
        #expect(outcome.stdout.contains("network    ") && outcome.stdout.contains("20 samples"))
        #expect(outcome.stdout.contains("x 0.500 pJ") && outcome.stdout.contains("--sop-pj 0.5"))
        #expect(outcome.stderr.contains("baseline run (20 samples)"))
    }
}
