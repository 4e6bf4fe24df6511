import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// Sweeps on the golden model (fast): the files, resuming, keys, sparsification.
@Suite struct SweepTests {
    @Test func aSweepWritesTheTableTheJSONThePlotAndTheNetworks() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let configuration = SweepTestSupport.configuration(accBits: [12, 20], folder: folder)
        let outcome = try Sweep(configuration: configuration, hardware: nil).run()
        #expect(outcome.counts == SweepSummary.RunCounts(ran: 4, reused: 0))

        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == ["networks", "sweep.csv", "sweep.json", "sweep.svg"])
        let networks = try FileManager.default.contentsOfDirectory(atPath: folder + "/networks").sorted()
        #expect(networks == ["acc12-auto-wrap.json", "acc12-none-wrap.json", "acc20-auto-wrap.json", "acc20-none-wrap.json"])

        // The CSV: a header with the per-layer columns, one row per point, every figure.
        let csv = try SweepTestSupport.read(folder + "/sweep.csv")
        let header = csv.split(separator: "\n")[0]
        #expect(header.hasPrefix("acc_bits,scaled,overflow,rot,drlo,bias_bits,status,reason,samples,correct,accuracy"))
        #expect(header.hasSuffix("shift_l3,multiplier_l3,post_shift_l3,max_abs_v_l3,bits_l3,overflows_l3"))
        let rows = try SweepTestSupport.csvRows(folder + "/sweep.csv")
        #expect(rows.map { $0["acc_bits"]! + " " + $0["scaled"]! } == ["12 none", "20 none", "12 auto", "20 auto"])
        for row in rows {
            #expect(row.count == header.split(separator: ",").count)
            #expect(row["status"] == "ok" && row["samples"] == "30" && row["macs"] == "\(6464 * 30)")
            #expect(Int(row["sops"]!)! > 0 && row["rtl_cycles"] == "" && row["core_cells"] == "")
        }
        let none12 = rows[0], auto12 = rows[2]
        #expect(Int(none12["golden_overflows"]!)! > 0)
        // The shifts come from the calibration set, so the scored samples can still overflow a
        // little, far less than without scaling.
        #expect(Int(auto12["golden_overflows"]!)! * 10 < Int(none12["golden_overflows"]!)! && Int(auto12["shift_l1"]!)! > 0)
        #expect(Int(auto12["bits_needed"]!)! < Int(none12["bits_needed"]!)! && Int(none12["bits_needed"]!)! > 12)

        // The energy columns: SOPs at 0.03 pJ (8-bit add) and MACs at 0.23 pJ (8-bit MAC), in microjoules.
        let sops = Double(none12["sops"]!)!
        #expect(abs(Double(none12["snn_energy_uj"]!)! - sops * 0.03e-6) < 1e-6)
        #expect(abs(Double(none12["qann_energy_uj"]!)! - Double(6464 * 30) * 0.23e-6) < 1e-6)

        // The JSON reads back to the same document, and matches the figures of a direct run
        // of the written network.
        let document = try SweepDocument(parsing: try FileIO.read(folder + "/sweep.json"), file: "sweep.json")
        #expect(document == outcome.document)
        #expect(document.points.count == 4 && document.reference.qannCorrect != nil)
        var wide = SweepTestSupport.digits
        wide.accumulatorBits = 48
        let reference = try GoldenModel(network: wide)
        try reference.run(samples: SweepTestSupport.digitsInputs.prefix(30).samples)
        #expect(document.reference.bitsNeeded == reference.layerStatistics.map(\.bitsNeeded))
        #expect(document.reference.peakMagnitudes == reference.layerStatistics.map(\.peakMagnitude))
        let point = document.points.first { $0.parameters == SweepPointParameters(accBits: 12, scaled: .auto, overflow: .wrap) }!
        let network = try Network.load(from: folder + "/" + point.networkFile!)
        #expect(network.accumulatorBits == 12 && network.layers.map(\.shift) == point.layers.map(\.shift))
        let golden = try GoldenModel(network: network)
        let inputs = SweepTestSupport.digitsInputs.prefix(30)
        let outputs = try golden.run(samples: inputs.samples)
        #expect(zip(outputs.map(argmax), inputs.labels!).filter { $0 == $1 }.count == point.correct)
        #expect(golden.overflows == point.goldenOverflows && golden.sops == point.sops)

        // The plot: a standalone SVG with one line per setting, the QANN line, axes and legend.
        let svg = try SweepTestSupport.read(folder + "/sweep.svg")
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">scaled none, wrap</text>") && svg.contains(">scaled auto, wrap</text>"))
        #expect(svg.contains(">quantized ANN (reference)</text>") && svg.contains("QANN, full width: "))
        #expect(svg.contains(">accumulator bits (AccBits)</text>") && svg.contains(">accuracy (%)</text>"))
        #expect(svg.contains(">12</text>") && svg.contains(">20</text>"))
    }

    @Test func aSecondRunSkipsFinishedPointsAndRunsOnlyNewOnes() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let first = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: folder),
                              hardware: nil).run()
        let csv = try SweepTestSupport.read(folder + "/sweep.csv")

        let again = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12, 20], folder: folder),
                              hardware: nil).run()
        #expect(again.counts == SweepSummary.RunCounts(ran: 0, reused: 4))
        #expect(again.document.points == first.document.points)
        #expect(try SweepTestSupport.read(folder + "/sweep.csv") == csv)

        let wider = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12, 16, 20], folder: folder),
                              hardware: nil).run()
        #expect(wider.counts == SweepSummary.RunCounts(ran: 2, reused: 4))
        #expect(wider.document.points.map(\.parameters.accBits) == [12, 16, 20, 12, 16, 20])

        // Points a later run does not ask for stay in the files.
        let narrower = try Sweep(configuration: SweepTestSupport.configuration(accBits: [16], folder: folder),
                                 hardware: nil).run()
        #expect(narrower.counts == SweepSummary.RunCounts(ran: 0, reused: 2))
        #expect(narrower.document.points.count == 6)
    }

    @Test func changedInputsOrEngineDoNotReuseStalePoints() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        _ = try Sweep(configuration: SweepTestSupport.configuration(accBits: [12], folder: folder), hardware: nil).run()
        let before = try SweepTestSupport.read(folder + "/sweep.json")

        let fewer = SweepTestSupport.configuration(accBits: [12], samples: 20, folder: folder)
        #expect(throws: SweepError.differentSweep(path: folder + "/sweep.json", differences: ["inputs (or --limit)"])) {
            try Sweep(configuration: fewer, hardware: nil).run()
        }
        var otherNetwork = SweepTestSupport.configuration(accBits: [12], folder: folder)
        otherNetwork.network.layers[0].bias[0] += 1
        #expect(throws: SweepError.differentSweep(path: folder + "/sweep.json", differences: ["network"])) {
            try Sweep(configuration: otherNetwork, hardware: nil).run()
        }
        var sparsifyAll = SweepTestSupport.configuration(accBits: [12], folder: folder)
        sparsifyAll.sparsifiedLayers = .all
        #expect(throws: SweepError.self) { try Sweep(configuration: sparsifyAll, hardware: nil).run() }
        // A refused sweep leaves the folder as it was.
        #expect(try SweepTestSupport.read(folder + "/sweep.json") == before)

        var restart = fewer
        restart.restart = true
        let outcome = try Sweep(configuration: restart, hardware: nil).run()
        #expect(outcome.counts == SweepSummary.RunCounts(ran: 2, reused: 0))
        #expect(outcome.document.points.allSatisfy { $0.samples == 20 })
    }

    @Test func anUnreadableSweepFileIsRefusedWithItsPath() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        try FileIO.writeAtomically(Array("{\"format\": \"stem-sweep\", \"version\": 1}".utf8), to: folder + "/sweep.json")
        #expect(throws: SweepError.unreadableSweep(path: folder + "/sweep.json", message: "missing \"key\"")) {
            try Sweep(configuration: SweepTestSupport.configuration(accBits: [12], folder: folder), hardware: nil).run()
        }
    }

    @Test func optionsAreCheckedAgainstTheirRangesAndTheNetwork() {
        let folder = "/nonexistent"
        func error(_ change: (inout SweepConfiguration) -> Void) -> String? {
            var configuration = SweepTestSupport.configuration(accBits: [12], folder: folder)
            change(&configuration)
            do {
                try configuration.validate()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error { _ in } == nil)
        #expect(error { $0.accBits = [49] } == "--acc-bits: 49 is out of range 2...48")
        #expect(error { $0.accBits = [12, 12] } == "--acc-bits: 12 is listed twice")
        #expect(error { $0.accBits = [] } == "--acc-bits: needs at least one value")
        #expect(error { $0.rot = [8] } == "--rot: 8 is out of range 0...7 (timeSteps 8 of digits.json)")
        #expect(error { $0.drlo = [9] } == "--drlo: 9 is out of range 0...8 (timeSteps 8 of digits.json)")
        #expect(error { $0.jobs = 0 } == "--jobs: 0 is out of range 1...64")
        #expect(error { $0.network.layers[1].shift = 2 }?.contains("layers[1].shift 2") == true)
        #expect(error {
            $0.network.layers = [$0.network.layers[0]]
            $0.rot = [1]
        }?.contains("add --sparsify-output") == true)
    }

    /// RoT and DRLO on the hidden layers: each point's SOPs against rot 0 / drlo 0, the written
    /// networks, the sparsity plot.
    @Test func theSparsificationSweepReportsSOPReductions() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        var configuration = SweepTestSupport.configuration(accBits: [24], scaled: [.none], folder: folder)
        configuration.rot = [0, 2]
        configuration.drlo = [0, 1]
        let outcome = try Sweep(configuration: configuration, hardware: nil).run()
        #expect(outcome.document.points.count == 4)
        let analysis = SweepAnalysis(document: outcome.document)
        #expect(analysis.sweepsSparsification)
        let base = outcome.document.points.first { $0.parameters.setting.rot == 0 && $0.parameters.setting.drlo == 0 }!
        for point in outcome.document.points where point.parameters != base.parameters {
            let reduction = try #require(analysis.sopReductions[point.parameters])
            #expect(reduction == 1 - Double(point.sops!) / Double(base.sops!))
            #expect(reduction > 0, "\(point.parameters)")
        }
        // Only the hidden layers are sparsified; the QANN reference follows the same network.
        let network = try Network.load(from: folder + "/networks/acc24-none-wrap-rot2-drlo1.json")
        #expect(network.layers.map(\.rot) == [2, 2, 0] && network.layers.map(\.drlo) == [1, 1, 0])
        let point = outcome.document.points.first { $0.parameters.setting.rot == 2 && $0.parameters.setting.drlo == 1 }!
        let inputs = SweepTestSupport.digitsInputs.prefix(30)
        let qann = QuantizedANN(network: network).outputs(for: inputs.samples)
        #expect(point.qannCorrect == zip(qann.map(argmax), inputs.labels!).filter { $0 == $1 }.count)
        #expect(point.qannMatches == 30)  // 24 bits, no shift: the STEM run is the QANN exactly

        let rows = try SweepTestSupport.csvRows(folder + "/sweep.csv")
        #expect(rows.map { $0["sop_reduction"]! }.filter(\.isEmpty).isEmpty)
        #expect(rows.first { $0["rot"] == "0" && $0["drlo"] == "0" }?["sop_reduction"] == "0.000000")
        let svg = try SweepTestSupport.read(folder + "/sweep-sparsity.svg")
        #expect(svg.contains(">SOP reduction (%)</text>") && svg.contains(">r2 k1</text>"))
        let summary = SweepSummary.text(of: outcome.document)
        #expect(summary.contains("sparsification (all but the output layer"))
    }

    /// A width scaled integration cannot reach is recorded as infeasible with the reason (a
    /// cross in the plot), is not an error, and is not run again on resume.
    @Test func anInfeasibleWidthIsRecordedAndKept() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let layer = Layer(weights: [[127, 127], [-127, 100]], multiplier: 65535, postShift: 0)
        let network = Network(timeSteps: 8, weightBits: 8, accumulatorBits: 32, inputSize: 2, layers: [layer])
        let inputs = InputSet(samples: [[255, 255], [17, 200]], labels: [0, 1])
        let calibration = SweepCalibration(file: "tiny-calibration.json",
                                           inputs: InputSet(samples: [[254, 255], [16, 200]], labels: nil))
        let configuration = SweepConfiguration(network: network, networkFile: "tiny.json", inputs: inputs,
                                               inputsFile: "tiny-inputs.json", calibration: calibration,
                                               accBits: [10, 20], engine: .golden,
                                               measureArea: false, outputDirectory: folder)
        let outcome = try Sweep(configuration: configuration, hardware: nil).run()
        let infeasible = outcome.document.points.filter { $0.status == .infeasible }
        #expect(infeasible.map(\.parameters) == [SweepPointParameters(accBits: 10, scaled: .auto, overflow: .wrap)])
        #expect(infeasible.first?.reason?.contains("exceeds 65535") == true)
        #expect(outcome.document.points.filter { $0.status == .ok }.count == 3)
        let svg = try SweepTestSupport.read(folder + "/sweep.svg")
        #expect(svg.contains("<title>10 bits, scaled auto, wrap: infeasible: layer 1 needs shift"))
        #expect(svg.contains(">failed or infeasible</text>"))
        #expect(SweepSummary.text(of: outcome.document).contains("4: 3 ok, 1 infeasible, 0 failed"))

        let again = try Sweep(configuration: configuration, hardware: nil).run()
        #expect(again.counts == SweepSummary.RunCounts(ran: 0, reused: 4))
    }
}
