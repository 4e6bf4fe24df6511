import Foundation
import Testing
import StemModel

/// `stemsim sweep` through the built binary: option errors, a golden sweep, resuming.
@Suite struct SweepCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let io = ["sweep", "--network", root + "/examples/digits/network.json",
                     "--inputs", root + "/examples/digits/test.json"]

    @Test(arguments: [
        (["--acc-bits", "8...60"], "--acc-bits: 49 is out of range 2...48"),
        (["--acc-bits", "12,x"], "--acc-bits: 'x' is not a width"),
        (["--acc-bits", "20...12"], "--acc-bits: the range 20...12 is empty"),
        (["--acc-bits", "8...12,12"], "--acc-bits: 12 is listed twice"),
        (["--scaled", "none,,auto"], "--scaled: 'none,,auto' has an empty item"),
        (["--scaled", "on"], "--scaled: 'on' is not one of none, auto"),
        (["--overflow", "clamp"], "--overflow: 'clamp' is not one of wrap, saturate"),
        (["--engine", "verilog"], "--engine"),
        (["--jobs", "0"], "--jobs must be in 1...64, got 0"),
        (["--limit", "0"], "--limit must be at least 1, got 0"),
        (["--rot", "1,-1"], "--rot: '-1' is not a non-negative integer"),
        (["--rot", "8", "--engine", "golden", "--no-area"], "--rot: 8 is out of range 0...7 (timeSteps 8 of"),
        (["--drlo", "9", "--engine", "golden", "--no-area"], "--drlo: 9 is out of range 0...8"),
        (["--bias-bits", "16,33"], "--bias-bits: 33 is out of range 2...32"),
        (["--bias-bits", "1", "--engine", "golden", "--no-area"], "--bias-bits: 1 is out of range 2...32"),
        (["--sop-pj", "0"], "--sop-pj must be a number of picojoules, finite, greater than 0 and at most 1e6, got 0"),
        (["--mac-pj", "nan"], "--mac-pj must be a number of picojoules, finite, greater than 0 and at most 1e6, got nan"),
        (["--mac-pj", "inf"], "got inf"),
    ])
    func badOptionsExitTwoWithAClearMessage(arguments: [String], message: String) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(Self.io + arguments, in: folder)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder).isEmpty)
    }

    /// `--scaled auto` takes its calibration set from --calibration or calibration.json beside the
    /// network; without either, or with one that holds a scored sample, it refuses (exit 2).
    @Test func autoWithoutACalibrationSetIsRefused() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try FileManager.default.copyItem(atPath: Self.root + "/examples/digits/network.json", toPath: folder + "/network.json")
        let io = ["sweep", "--network", "network.json", "--inputs", Self.root + "/examples/digits/test.json",
                  "--engine", "golden", "--no-area", "--acc-bits", "12", "--limit", "5", "--out", "out"]
        let missing = try StemSimRunner.run(io, in: folder)
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("--calibration: --scaled auto chooses its shifts on a calibration set, never on "
            + "the scored samples; none given and the default calibration.json (beside the network) does not exist"),
                "\(missing.stderr)")
        let scored = try StemSimRunner.run(io + ["--calibration", Self.root + "/examples/digits/test.json"], in: folder)
        #expect(scored.status == 2, "\(scored.stderr)")
        #expect(scored.stderr.contains("5 of the 5 scored samples of"), "\(scored.stderr)")
        let none = try StemSimRunner.run(io + ["--scaled", "none"], in: folder)
        #expect(none.status == 0, "\(none.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["network.json", "out"])
    }

    @Test func aGoldenSweepWritesItsFilesAndResumes() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let arguments = Self.io + ["--engine", "golden", "--no-area", "--acc-bits", "12,20", "--limit", "10", "--out", "out"]
        let first = try StemSimRunner.run(arguments, in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try StemSimRunner.contents(folder + "/out") == ["networks", "sweep.csv", "sweep.json", "sweep.svg"])
        #expect(first.stdout.contains("points     4: 4 ok, 0 infeasible, 0 failed; 4 ran now, 0 reused"))
        #expect(first.stdout.contains("narrowest width without accuracy loss against the QANN"))
        #expect(first.stdout.contains("  scaled none, wrap  20 bits"))
        #expect(first.stdout.contains("scaled integration saves"))

        let second = try StemSimRunner.run(arguments, in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 ran now, 4 reused from an earlier run"))

        let changed = try StemSimRunner.run(Self.io + ["--engine", "golden", "--no-area", "--acc-bits", "12,20",
                                                       "--limit", "5", "--out", "out"], in: folder)
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("out/sweep.json holds a sweep that differs in: inputs (or --limit)"), "\(changed.stderr)")
        #expect(changed.stderr.contains("--restart"))
    }
}
