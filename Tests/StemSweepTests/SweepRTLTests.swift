import Foundation
import StemModel
import StemRTL
import StemSupport
import Testing
@testable import StemSweep

/// Sweeps on the Verilated mesh, cross-checked against the golden model. They use the digits
/// network at AccBits 16 and 24 (wrap), the parameter sets the StemRTL tests build too, so a
/// test run builds each once (content-keyed model cache).
@Suite(.serialized, .enabled(if: SweepTestSupport.pathContainsVerilator, "verilator is not on PATH"))
struct SweepRTLTests {
    static func hardware() throws -> SweepHardware {
        var builder = try ModelBuilder()
        builder.jobs = 1
        return .verilated(builder: builder)
    }

    /// Both engines agree on every spike and overflow; without scaling 16 bits overflow, with
    /// auto scaling (calibrated on training samples) far less; the core grows with the width.
    @Test func theRTLAgreesAndAutoScalingRemovesTheOverflow() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let configuration = SweepTestSupport.configuration(
            accBits: [16, 24], samples: 40, engine: .both, measureArea: SweepTestSupport.pathContainsYosys, folder: folder)
        let outcome = try Sweep(configuration: configuration, hardware: try Self.hardware()).run()
        let points = outcome.document.points
        #expect(points.count == 4)
        for point in points {
            #expect(point.status == .ok, "\(point.parameters): \(point.reason ?? "")")
            #expect(point.mismatchSteps == 0 && point.mismatchSpikes == 0, "\(point.parameters)")
            #expect(point.rtlOverflows == point.goldenOverflows, "\(point.parameters)")
            #expect(point.rtlCorrect == point.correct && (point.rtlCycles ?? 0) > 0)
            #expect(!point.hasMismatch)
        }
        func point(_ bits: Int, _ scaled: ScaledIntegration) -> SweepPoint {
            points.first { $0.parameters == SweepPointParameters(accBits: bits, scaled: scaled, overflow: .wrap) }!
        }
        #expect(point(16, .none).rtlOverflows! > 0)
        // The shifts come from the calibration set: the scored samples overflow far less, maybe not at all.
        #expect(point(16, .auto).rtlOverflows! * 10 < point(16, .none).rtlOverflows!
            && point(16, .auto).layers.contains { $0.shift > 0 })
        #expect(point(24, .none).rtlOverflows == 0 && point(24, .auto).layers.allSatisfy { $0.shift == 0 })
        #expect(point(16, .auto).correct! > point(16, .none).correct!)

        if SweepTestSupport.pathContainsYosys {
            let narrow = try #require(point(16, .none).area), wide = try #require(point(24, .none).area)
            #expect(point(16, .auto).area == narrow)
            #expect(wide.cells > narrow.cells)
            // The potential memory is NumNeurons x AccBits.
            #expect(wide.memoryBits - narrow.memoryBits == 64 * 8)
            let csv = try SweepTestSupport.csvRows(folder + "/sweep.csv")
            #expect(csv.allSatisfy { Int($0["core_cells"]!) != nil })
        }
    }

    /// A build that fails is recorded in its points with the reason; the other points run. A
    /// rerun retries the failed points and reuses the others.
    @Test func aFailedBuildIsRecordedAndTheOtherPointsGoOn() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        var hardware = try Self.hardware()
        let realBuild = hardware.build
        hardware.build = { parameters in
            if parameters.accBits == 13 {
                throw ModelBuildError.toolFailed(command: "verilator (AccBits 13)", status: 1, output: "planted failure")
            }
            return try realBuild(parameters)
        }
        let configuration = SweepTestSupport.configuration(accBits: [13, 16], samples: 10, engine: .both, folder: folder)
        let outcome = try Sweep(configuration: configuration, hardware: hardware).run()
        for point in outcome.document.points {
            if point.parameters.accBits == 13 {
                #expect(point.status == .failed)
                #expect(point.reason?.hasPrefix("building stem_mesh ") == true && point.reason?.contains(" AccBits=13 ") == true, "\(point.reason ?? "")")
                #expect(point.reason?.contains("planted failure") == true)
                #expect(point.correct == nil && point.sops == nil)
            } else {
                #expect(point.status == .ok, "\(point.reason ?? "")")
                #expect(point.mismatchSteps == 0)
            }
        }
        let rows = try SweepTestSupport.csvRows(folder + "/sweep.csv")
        #expect(rows.filter { $0["status"] == "failed" }.count == 2)
        #expect(SweepSummary.text(of: outcome.document).contains("failed     13 bits, scaled none, wrap: building"))

        let again = try Sweep(configuration: configuration, hardware: hardware).run()
        #expect(again.counts == SweepSummary.RunCounts(ran: 2, reused: 2))
    }

    /// A job-array task on the RTL (SweepArray): it builds its point's model (through the
    /// cache), measures the core and gives the figures of a local sweep; a task whose build
    /// fails records the point as failed with the build error, as a local sweep does.
    @Test func aTaskOnTheRTLGivesTheLocalSweepsPointAndRecordsAFailedBuild() throws {
        let cluster = try SweepTestSupport.temporaryFolder()
        let local = try SweepTestSupport.temporaryFolder()
        defer {
            SweepTestSupport.remove(cluster)
            SweepTestSupport.remove(local)
        }
        let yosys = SweepTestSupport.pathContainsYosys
        var hardware = try Self.hardware()
        let array = SweepArray(configuration: SweepTestSupport.configuration(
            accBits: [16], samples: 20, scaled: [.none], engine: .both, measureArea: yosys, folder: cluster), hardware: hardware)
        try array.writePlan()
        let point = try array.runPoint(0)
        #expect(point.status == .ok && point.mismatchSteps == 0 && (point.rtlCycles ?? 0) > 0, "\(point.reason ?? "")")
        #expect(yosys == (point.area != nil), "\(point.areaNote ?? "")")
        let merged = try array.merge()
        let outcome = try Sweep(configuration: SweepTestSupport.configuration(
            accBits: [16], samples: 20, scaled: [.none], engine: .both, measureArea: yosys, folder: local),
                                hardware: hardware).run()
        #expect(SweepArrayTests.withoutSeconds(merged.document) == SweepArrayTests.withoutSeconds(outcome.document))

        let realBuild = hardware.build
        hardware.build = { parameters in
            if parameters.accBits == 16 {
                throw ModelBuildError.toolFailed(command: "verilator (AccBits 16)", status: 1, output: "planted failure")
            }
            return try realBuild(parameters)
        }
        let failing = SweepArray(configuration: SweepTestSupport.configuration(
            accBits: [16], samples: 20, scaled: [.none], engine: .both, measureArea: false, folder: cluster + "/failing"),
                                 hardware: hardware)
        try failing.writePlan()
        let failed = try failing.runPoint(0)
        #expect(failed.status == .failed && failed.correct == nil)
        #expect(failed.reason?.hasPrefix("building stem_mesh ") == true && failed.reason?.contains("planted failure") == true,
                "\(failed.reason ?? "")")
        #expect(FileIO.exists(cluster + "/failing/tasks/acc16-none-wrap.json"))
    }

    @Test(.enabled(if: SweepTestSupport.pathContainsYosys, "yosys is not on PATH"))
    func coreSizesAreCachedByContent() throws {
        let estimator = CoreAreaEstimator(builder: try ModelBuilder())
        let parameters = CoreAreaParameters(accBits: 16)
        let first = try estimator.area(for: parameters)
        let second = try estimator.area(for: parameters)
        #expect(second.cached && second.area == first.area && second.key == first.key)
        #expect(try estimator.key(for: CoreAreaParameters(accBits: 17), yosysVersion: "x")
            != estimator.key(for: parameters, yosysVersion: "x"))
        #expect(try estimator.key(for: parameters, yosysVersion: "y") != estimator.key(for: parameters, yosysVersion: "x"))
        var edited = estimator
        edited.sources = HardwareSources(files: estimator.sources.files + [HardwareSources.File(path: "rtl/extra.sv", text: "")])
        #expect(try edited.key(for: parameters, yosysVersion: "x") != estimator.key(for: parameters, yosysVersion: "x"))

        // `scripts/yosys-area.sh AccBits=16` from the checkout is the same synthesis as the
        // sweep's (which names every parameter, from a copy of the sources elsewhere): the count
        // depends on the values only, not on how they are given or where the sources are.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let script = Process()
        script.executableURL = root.appendingPathComponent("scripts/yosys-area.sh")
        script.arguments = ["AccBits=16"]
        let output = Pipe()
        script.standardOutput = output
        script.standardError = FileHandle.nullDevice
        try script.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        #expect(script.terminationStatus == 0)
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("cells=\(first.area.cells) flops=\(first.area.flops) memory_bits=\(first.area.memoryBits) "),
                "script: \(last), sweep: \(first.area)")
    }
}

extension SweepRTLTests {
    /// `--engine rtl`: the RTL's own record and counters, the per-layer figures from a separate
    /// golden run.
    @Test func theRTLAloneReportsItsOwnCountsAndTheGoldenPotentials() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let configuration = SweepTestSupport.configuration(accBits: [16], samples: 12, scaled: [.none], engine: .rtl,
                                                           folder: folder)
        let outcome = try Sweep(configuration: configuration, hardware: try Self.hardware()).run()
        let point = try #require(outcome.document.points.first)
        #expect(point.status == .ok, "\(point.reason ?? "")")
        #expect(point.mismatchSteps == nil && point.rtlCorrect == point.correct)
        #expect((point.rtlOverflows ?? 0) > 0 && point.rtlOverflows == point.goldenOverflows)
        #expect(point.layers.allSatisfy { $0.bitsNeeded != nil } && (point.rtlCycles ?? 0) > 0)

        var network = SweepTestSupport.digits
        network.accumulatorBits = 16
        let golden = try GoldenModel(network: network)
        try golden.run(samples: SweepTestSupport.digitsInputs.prefix(12).samples)
        #expect(point.layers.map(\.peakMagnitude) == golden.layerStatistics.map(\.peakMagnitude))
        #expect(point.sops == golden.sops)
    }
}
