import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// Scaled integration is calibrated on a calibration set, never on the samples it is scored on;
/// the sweep records which set calibrated it.
@Suite struct SweepCalibrationTests {
    /// The shifts `auto` chooses at `bits` when calibrated on `samples`.
    static func plannedShifts(_ samples: [[Int64]], bits: Int) throws -> [Int] {
        var network = SweepTestSupport.digits
        network.accumulatorBits = bits
        guard case .feasible(let planned) = try ScaledIntegrationPlanner(samples: samples).plan(network) else {
            Issue.record("\(bits) bits should be feasible")
            return []
        }
        return planned.layers.map(\.shift)
    }

    /// One auto point at 12 bits on the first 20 test samples, calibrated on `calibration`.
    static func autoSweep(calibration: SweepCalibration, folder: String) throws -> SweepDocument {
        var configuration = SweepTestSupport.configuration(accBits: [12], samples: 20, scaled: [.auto], folder: folder)
        configuration.calibration = calibration
        return try Sweep(configuration: configuration, hardware: nil).run().document
    }

    /// A calibration set of one blank image: layer 1 sees no spike (its bias is in output scale),
    /// so its shift is 0, unlike on any set of digits.
    static let blank = SweepCalibration(file: "blank.json", inputs: InputSet(samples: [Array(repeating: 0, count: 64)]))

    /// The point's shifts are the calibration set's plan, not the scored samples' plan: this
    /// fails if the sweep calibrates on the scored samples.
    @Test func theShiftsComeFromTheCalibrationSetNotFromTheScoredSamples() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let document = try Self.autoSweep(calibration: Self.blank, folder: folder)
        let shifts = document.points[0].layers.map(\.shift)
        #expect(shifts == (try Self.plannedShifts(Self.blank.samples, bits: 12)))
        let scored = SweepTestSupport.digitsInputs.prefix(20).samples
        #expect(shifts != (try Self.plannedShifts(scored, bits: 12)))
        #expect(shifts[0] == 0)
    }

    /// A different calibration set gives a different plan, the same set the same plan, and the
    /// sweep records the set (file, sample count, SHA-256) in sweep.json and sweep.csv.
    @Test func anotherCalibrationSetChangesThePlanDeterministicallyAndIsRecorded() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let digits = SweepTestSupport.digitsCalibration
        let first = try Self.autoSweep(calibration: digits, folder: folder + "/a")
        let again = try Self.autoSweep(calibration: digits, folder: folder + "/b")
        let blank = try Self.autoSweep(calibration: Self.blank, folder: folder + "/c")
        let shifts = first.points[0].layers.map(\.shift)
        #expect(shifts == again.points[0].layers.map(\.shift))
        #expect(shifts == (try Self.plannedShifts(digits.samples, bits: 12)))
        #expect(shifts != blank.points[0].layers.map(\.shift))

        let calibrationSet = try InputSet.load(from: SweepTestSupport.calibrationFile, for: SweepTestSupport.digits)
        #expect(first.key.calibration == SHA256.hash(calibrationSet.prefix(60).jsonText).hexString)
        #expect(first.key.calibration != SHA256.hash(calibrationSet.prefix(59).jsonText).hexString)
        #expect(first.key.calibrationSamples == 60 && first.calibrationFile == "calibration.json")
        #expect(first.key.differences(from: blank.key) == ["calibration set of --scaled auto"])
        let read = try SweepDocument(parsing: try FileIO.read(folder + "/a/sweep.json"), file: "sweep.json")
        #expect(read == first)
        let row = try SweepTestSupport.csvRows(folder + "/a/sweep.csv")[0]
        #expect(row["calibration"] == "calibration.json" && row["calibration_samples"] == "60")
        #expect(row["calibration_sha256"] == first.key.calibration)
        #expect(SweepSummary.text(of: first).contains(
            "calibration scaled auto chose its shifts on 60 samples of calibration.json, none of them scored"))

        // A folder calibrated on another set is not resumed.
        var configuration = SweepTestSupport.configuration(accBits: [12], samples: 20, scaled: [.auto], folder: folder + "/a")
        configuration.calibration = Self.blank
        #expect(throws: SweepError.self) { try Sweep(configuration: configuration, hardware: nil).run() }
    }

    /// Points without scaled integration name no calibration set.
    @Test func pointsWithoutScaledIntegrationLeaveTheCalibrationColumnsEmpty() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let configuration = SweepTestSupport.configuration(accBits: [12], samples: 5, folder: folder)
        _ = try Sweep(configuration: configuration, hardware: nil).run()
        let rows = try SweepTestSupport.csvRows(folder + "/sweep.csv")
        #expect(rows.map { $0["scaled"]! } == ["none", "auto"])
        #expect(rows[0]["calibration"] == "" && rows[0]["calibration_sha256"] == "")
        #expect(rows[1]["calibration"] == "calibration.json")
    }

    @Test func autoNeedsACalibrationSetDisjointFromTheScoredSamples() throws {
        var configuration = SweepTestSupport.configuration(accBits: [12], samples: 20, folder: "unused")
        configuration.calibration = nil
        #expect(throws: SweepError.invalidOption(option: "--calibration", message: "--scaled auto chooses its shifts on "
            + "a calibration set, never on the scored samples (test.json); name one with --calibration FILE")) {
            try configuration.validate()
        }
        // One scored sample among the calibration samples is refused.
        var overlapping = SweepTestSupport.digitsCalibration
        overlapping.samples.append(SweepTestSupport.digitsInputs.samples[7])
        configuration.calibration = overlapping
        #expect(throws: SweepError.invalidOption(option: "--calibration", message: "calibration.json: 1 of the 20 scored "
            + "samples of test.json are also in the calibration set; scaled integration must not be calibrated on the "
            + "samples it is scored on")) {
            try configuration.validate()
        }
        configuration.calibration = SweepTestSupport.digitsCalibration
        try configuration.validate()
        configuration.scaled = [.none]
        #expect(throws: SweepError.invalidOption(option: "--calibration",
                                                 message: "calibration.json is used only with --scaled auto")) {
            try configuration.validate()
        }
    }
}
