import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// `--bias-bits`: the sweep varies the network's `biasBits`; a width the biases do not fit is an
/// infeasible point, one they fit gives the figures of the network as given (biasBits changes
/// no arithmetic), and the column and the written network say which width ran.
@Suite struct SweepBiasBitsTests {
    @Test func aBiasWidthIsSweptAndAWidthTheBiasesDoNotFitIsInfeasible() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        var configuration = SweepTestSupport.configuration(accBits: [20], samples: 10, scaled: [.none], folder: folder)
        configuration.biasBits = [nil, 5, 6]
        let document = try Sweep(configuration: configuration, hardware: nil).run().document
        func point(_ bits: Int?) -> SweepPoint {
            document.points.first { $0.parameters.setting.biasBits == bits }!
        }
        // The digits biases reach 31 in magnitude (found here, independently of the validator):
        // 6 bits hold them, 5 do not.
        let biases = SweepTestSupport.digits.layers.flatMap(\.bias)
        #expect(biases.allSatisfy { (-32...31).contains($0) } && !biases.allSatisfy { (-16...15).contains($0) })
        #expect(point(5).status == .infeasible)
        #expect(point(5).reason?.contains("is out of range -16...15 (biasBits 5)") == true, "\(point(5).reason ?? "")")
        #expect(point(6).status == .ok && point(nil).status == .ok)
        #expect(point(6).correct == point(nil).correct && point(6).sops == point(nil).sops)
        #expect(point(6).goldenOverflows == point(nil).goldenOverflows)

        let written = try Network.load(from: folder + "/" + point(6).networkFile!)
        #expect(written.biasBits == 6 && point(6).networkFile == "networks/acc20-none-wrap-bias6.json")
        let rows = try SweepTestSupport.csvRows(folder + "/sweep.csv")
        #expect(rows.map { $0["bias_bits"]! } == ["", "5", "6"])
        let read = try SweepDocument(parsing: try FileIO.read(folder + "/sweep.json"), file: "sweep.json")
        #expect(read == document)
    }

    @Test func aBiasWidthOutOfRangeIsRefused() {
        var configuration = SweepTestSupport.configuration(accBits: [20], scaled: [.none], folder: "unused")
        configuration.biasBits = [16, 33]
        #expect(throws: SweepError.invalidOption(option: "--bias-bits", message: "33 is out of range 2...32")) {
            try configuration.validate()
        }
        configuration.biasBits = [16, 16]
        #expect(throws: SweepError.invalidOption(option: "--bias-bits", message: "16 is listed twice")) {
            try configuration.validate()
        }
    }
}
