import Foundation
import StemModel
import Testing

/// `stemsim run --rtl-layers`: the options it refuses, before any model is built (no
/// Verilator needed).
@Suite struct RTLLayersOptionTests {
    @Test func badChoicesExitTwoNamingOptionValueAndRange() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let cases: [([String], String)] = [
            (["--rtl-layers", "2", "--engine", "golden"], "--rtl-layers 2 needs --engine both or rtl, got --engine golden"),
            (["--rtl-layers", "2", "--engine", "systemc"], "--rtl-layers 2 needs --engine both or rtl, got --engine systemc"),
            (["--rtl-layers", "3"], "--rtl-layers 3: layer 3 is out of range 1...2"),
            (["--rtl-layers", "0"], "--rtl-layers 0: layer 0 is out of range 1...2"),
            (["--rtl-layers", "2,2"], "--rtl-layers 2,2: names layer 2 twice"),
            (["--rtl-layers", ""], "--rtl-layers : names no layer"),
            (["--rtl-layers", "1,"], "--rtl-layers 1,: has an empty item"),
            (["--rtl-layers", "hidden"], "--rtl-layers hidden: \"hidden\" is no layer (the network's layers are numbered 1...2 and have no names)"),
            (["--rtl-layers", "2", "--trace", "rtl.vcd"], "--trace cannot be used with --rtl-layers 2"),
        ]
        for (arguments, message) in cases {
            let outcome = try StemSimRunner.run(ioArguments + arguments, in: folder)
            #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
        }
    }

    /// A graph cut fed from two layers outside it is refused, naming both; before any model
    /// is built.
    @Test func aGraphCutWithTwoSourcesIsRefused() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)]),
            Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[1, 0], [0, 1], [1, 1]], from: 1),
                                                             .dense([[1, 1], [0, 2], [-1, 0]], from: 2)]),
        ])
        try network.write(to: folder + "/network.json")
        try InputSet.random(for: network, count: 2, seed: 3).write(to: folder + "/inputs.json")
        let outcome = try StemSimRunner.run(ioArguments + ["--rtl-layers", "b,out"], in: folder)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--rtl-layers b,out: layer 2 \"b\" is fed by layer 0 (the input) and layer 3 \"out\" "
            + "by layer 1 \"a\", both outside the chosen layers"), "\(outcome.stderr)")
    }
}

/// `stemsim run --rtl-layers` on the Verilated mesh: chosen layers of the digits MLP agree
/// with the full golden run byte for byte, and a planted RTL bug is caught in the chosen
/// layer. The meshes are those other tests build (`--mesh 2x2`), so no new model library.
@Suite(.serialized, .enabled(if: Verilator.isOnPath,
                              "verilator is not on PATH, so the RTL command-line tests cannot run (apt-get install verilator)"))
struct RTLLayersCommandTests {
    static let digits = RTLRunCommandTests.packageRoot.appendingPathComponent("examples/digits")

    @Test func aMiddleLayerAndTheLastLayerOnTheRTLAgreeWithTheGoldenRun() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let common = ["run", "--network", Self.digits.appendingPathComponent("network.json").path,
                      "--inputs", Self.digits.appendingPathComponent("test.json").path, "--limit", "6",
                      "--spikes", "spikes.jsonl", "--report", "report.json"]
        let golden = try StemSimRunner.run(common + ["--engine", "golden"], in: folder)
        #expect(golden.status == 0, "\(golden.stderr)")
        let goldenSpikes = try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8)
        let goldenReport = try String(contentsOfFile: folder + "/report.json", encoding: .utf8)
        for extra in [["--rtl-layers", "2", "--check-state"], ["--rtl-layers", "3", "--jobs", "2"],
                      ["--rtl-layers", "2,3", "--engine", "rtl"]] {
            let outcome = try StemSimRunner.run(common + ["--mesh", "2x2"] + extra, in: folder)
            #expect(outcome.status == 0, "\(extra): \(outcome.stderr)")
            #expect(try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8) == goldenSpikes, "\(extra)")
            #expect(try String(contentsOfFile: folder + "/report.json", encoding: .utf8) == goldenReport, "\(extra)")
            let layers = extra[1].split(separator: ",").joined(separator: ", ")
            #expect(outcome.stdout.contains("layers     \(layers) on the RTL, fed by the golden spikes of layer "),
                    "\(outcome.stdout)")
            #expect(outcome.stdout.contains("cycles"), "\(outcome.stdout)")
        }
    }

    /// The round_shift bug of RTLRunCommandTests (same network, sources and mesh) in a run of
    /// layer 2 alone on the RTL is caught in layer 2, with the RTL's state; layer 1 runs on
    /// the golden model and cannot diverge.
    @Test func aPlantedRTLBugIsCaughtInTheChosenLayer() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let sources = try RTLRunCommandTests.writePlantedRoundShiftFixture(in: folder)
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "both", "--rtl-layers", "2", "--mesh", "2x2"],
                                            in: folder, environment: ["STEM_RTL_DIR": sources])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("spikes differ at step") && outcome.stderr.contains("), layer 2 (sending sample"),
                "\(outcome.stderr)")
        #expect(outcome.stderr.contains("golden:") && outcome.stderr.contains("rtl:"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/spikes.jsonl"))
    }
}
