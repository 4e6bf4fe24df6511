import Foundation
import Testing
import StemModel

/// `stemsim run` on a version-2 (layer graph) network: the golden engine runs it, the hardware
/// paths refuse it with exit 2 and write nothing.
@Suite struct GraphRunCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/graph-small").standardized.path
    static let refusal = "graph networks (conv/pool/identity connections or per-channel requantization) run on "
        + "the golden engine only for now: layers[0] \"c1\" has a conv connection"

    private func copyExample(to folder: String) throws {
        for name in ["network.json", "inputs.json"] {
            try FileManager.default.copyItem(atPath: Self.example + "/" + name, toPath: folder + "/" + name)
        }
    }

    @Test func theGoldenEngineRunsTheGraphExampleAndMatchesTheQuantizedANN() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try copyExample(to: folder)
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "golden"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("QANN       outputs equal in 8/8 samples"), "\(outcome.stdout)")

        let network = try Network.load(from: folder + "/network.json")
        let inputs = try InputSet.load(from: folder + "/inputs.json", for: network)
        let report = try JSONParser.parse(Array(try String(contentsOfFile: folder + "/report.json", encoding: .utf8).utf8),
                                          file: "report.json")
        guard case .object(let root) = report, case .array(let samples)? = root["samples"] else {
            Issue.record("no samples in the report")
            return
        }
        let qann = QuantizedANN(network: network)
        var nonzero = 0
        for (k, sample) in samples.enumerated() {
            guard case .object(let object) = sample, case .array(let values)? = object["outputs"] else { continue }
            let outputs = values.compactMap { value -> Int64? in if case .integer(let i) = value { return i } else { return nil } }
            #expect(outputs == qann.outputs(for: inputs.samples[k]), "sample \(k)")
            nonzero += outputs.filter { $0 != 0 }.count
        }
        #expect(samples.count == 8 && nonzero >= 8)
        // (S + D) * B lines: 8 samples, 5 stages, B = 6.
        #expect(root["timeSteps"] == .integer(Int64((8 + 5) * 6)))
        let lines = try String(contentsOfFile: folder + "/spikes.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == (8 + 5) * 6)
    }

    @Test(arguments: [
        ["run", "--network", "network.json", "--inputs", "inputs.json", "--report", "report.json", "--engine", "rtl"],
        ["run", "--network", "network.json", "--inputs", "inputs.json", "--report", "report.json"],
        ["run", "--network", "network.json", "--inputs", "inputs.json", "--report", "report.json", "--engine", "systemc"],
        ["export", "--network", "network.json", "--inputs", "inputs.json", "--out", "exported"],
        ["sweep", "--network", "network.json", "--inputs", "inputs.json", "--out", "swept", "--acc-bits", "16"],
        ["map", "--network", "network.json"],
    ])
    func theHardwarePathsRefuseGraphNetworks(_ arguments: [String]) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try copyExample(to: folder)
        let outcome = try StemSimRunner.run(arguments, in: folder)
        #expect(outcome.status == 2, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stderr.contains(Self.refusal), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }
}
