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
            // Mapped before any build: layer 1's 6 neurons take 2 cores of 4, layer 2 one more.
            (["--rtl-layers", "1,2", "--mesh", "1x1", "--neurons", "4"],
             "--rtl-layers 1,2: the chosen layers need 3 cores (with the relays of their shortcuts), but a 1x1 mesh has 1 tiles"),
        ]
        for (arguments, message) in cases {
            let outcome = try StemSimRunner.run(ioArguments + arguments, in: folder)
            #expect(outcome.status == 2, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
        }
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

    /// A residual-style join run alone: "out" reads layer "a" (dense) and layer "b" (identity
    /// of the input), both on the golden model, so the host sends both layers' spikes; the
    /// run agrees with the golden one byte for byte and says what fed it. The mesh and width
    /// are GraphRTLCrossCheckTests' (its assertion library), so no new model is built.
    @Test func aLayerFedByTwoGoldenLayersAgreesWithTheGoldenRun() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let network = Network(timeSteps: 6, weightBits: 6, accumulatorBits: 16, inputShape: Shape(flat: 4), layers: [
            Layer(name: "a", shape: Shape(flat: 3), inputs: [.dense([[9, -4, 7, 3], [5, 8, -6, 2], [-3, 6, 9, 11]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 4), inputs: [.identity([13, 7, 11, 9], from: 0)]),
            Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[7, 0, 5], [0, 9, -2], [4, 4, 4]], from: 1),
                                                             .dense([[3, 1, 0, 2], [0, 5, 1, 1], [-6, 2, 3, 4]], from: 2)]),
        ])
        try network.write(to: folder + "/network.json")
        try InputSet.random(for: network, count: 6, seed: 5).write(to: folder + "/inputs.json")
        let common = ["run", "--network", "network.json", "--inputs", "inputs.json", "--spikes", "spikes.jsonl",
                      "--report", "report.json"]
        let golden = try StemSimRunner.run(common + ["--engine", "golden"], in: folder)
        #expect(golden.status == 0, "\(golden.stderr)")
        let goldenSpikes = try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8)
        let outcome = try StemSimRunner.run(common + ["--engine", "both", "--rtl-layers", "out", "--check-state", "--assertions",
                                                      "--mesh", "4x4", "--neurons", "32", "--axons", "256",
                                                      "--max-fanout", "8"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8) == goldenSpikes)
        #expect(outcome.stdout.contains("3 \"out\" on the RTL, fed by the golden spikes of layer 1 \"a\" and layer 2 \"b\""),
                "\(outcome.stdout)")
        #expect(goldenSpikes.contains("[3,"), "the output layer spikes (so the check is not vacuous)")
    }
}
