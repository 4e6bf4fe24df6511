import Foundation
import StemSupport
import Testing
import StemModel

/// A small valid network and inputs written to a fresh folder.
func fixture(samples: Int = 3, labeled: Bool = true) throws -> (folder: String, network: Network, inputs: InputSet) {
    let folder = try StemSimRunner.temporaryFolder()
    var options = RandomNetworkOptions(layerSizes: [7, 6, 4])
    options.biasMode = nil
    let network = Network.random(options, seed: 21)
    let inputs = InputSet.random(for: network, count: samples, labeled: labeled, seed: 22)
    try network.write(to: folder + "/network.json")
    try inputs.write(to: folder + "/inputs.json")
    return (folder, network, inputs)
}

private func run(_ arguments: [String], in folder: String) throws -> StemSimRunner.Outcome {
    try StemSimRunner.run(arguments, in: folder)
}

let ioArguments = ["run", "--network", "network.json", "--inputs", "inputs.json",
                           "--spikes", "spikes.jsonl", "--report", "report.json"]

/// The golden model alone (these tests need no Verilator).
private let goldenArguments = ioArguments + ["--engine", "golden"]

@Suite struct RunCommandTests {
    @Test func theBinaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: StemSimRunner.executable),
                "stemsim not found at \(StemSimRunner.executable); run `swift build` first or set STEMSIM")
    }

    @Test func aGoldenRunWritesTheRecordTheReportAndASummary() throws {
        let (folder, network, inputs) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(goldenArguments, in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "report.json", "spikes.jsonl"])
        #expect(outcome.stdout.contains("samples    3 from inputs.json"))
        #expect(outcome.stdout.contains("accuracy   QANN ") && outcome.stdout.contains(", golden "))
        #expect(outcome.stdout.contains("QANN       outputs equal in 3/3 samples"))

        let golden = try GoldenModel(network: network)
        var record: [String] = []
        try golden.run(samples: inputs.samples) { step, spikes in
            record.append(SpikeRecordWriter.line(step: step, spikes: spikes))
        }
        let spikesText = String(decoding: try FileIO.read(folder + "/spikes.jsonl"), as: UTF8.self)
        #expect(spikesText == record.joined())
        #expect(spikesText.split(separator: "\n").count == network.stepCount(samples: 3))

        let reportText = String(decoding: try FileIO.read(folder + "/report.json"), as: UTF8.self)
        let qann = QuantizedANN(network: network).outputs(for: inputs.samples)
        let expected = RunReport(outputs: golden.outputs, qannOutputs: qann, labels: inputs.labels,
                                 timeSteps: network.stepCount(samples: 3), sops: golden.sops, overflows: golden.overflows)
        #expect(reportText == expected.jsonText)
        #expect(outcome.stdout.contains("sops       \(golden.sops)"))
    }

    @Test func limitRunsTheFirstSamples() throws {
        let (folder, _, _) = try fixture(samples: 5)
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(goldenArguments + ["--limit", "2"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        guard case .object(let report) = try JSONParser.parse(try FileIO.read(folder + "/report.json"), file: "r"),
              case .array(let samples) = report["samples"] else {
            Issue.record("bad report")
            return
        }
        #expect(samples.count == 2)
    }

    @Test func aBadNetworkExitsTwoNamingPathValueAndRangeAndWritesNothing() throws {
        let (folder, network, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        var text = network.jsonText
        // Put 300 at layers[0].weights[1][2].
        var bad = network
        bad.layers[0].weights[1][2] = 300
        text = JSONSerializer.text(of: bad.jsonValue)
        try FileIO.writeAtomically(Array(text.utf8), to: folder + "/network.json")
        let outcome = try run(goldenArguments, in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("network.json: layers[0].weights[1][2]: 300 is out of range -128...127 (weightBits 8)"),
                "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test func aSyntaxErrorExitsTwoWithLineAndColumn() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        try FileIO.writeAtomically(Array("{\n  \"format\": \"stem-network\",\n  \"version\" 1\n}\n".utf8),
                                   to: folder + "/network.json")
        let outcome = try run(goldenArguments, in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("network.json:3:13: unexpected '1', expected ':' after an object key"),
                "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test func badInputsExitTwo() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        try FileIO.writeAtomically(Array(#"{"samples":[[1,2,3,4,5,6,256]]}"#.utf8), to: folder + "/inputs.json")
        let outcome = try run(goldenArguments, in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("inputs.json: samples[0][6]: 256 is out of range 0...255 (timeSteps 8, unsigned inputs)"),
                "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test func aMissingFileExitsTwo() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(["run", "--network", "nope.json", "--inputs", "inputs.json"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nope.json: cannot read: No such file or directory"), "\(outcome.stderr)")
    }

    @Test func anUnwritableOutputExitsTwoAndLeavesNothing() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(["run", "--network", "network.json", "--inputs", "inputs.json",
                               "--spikes", "spikes.jsonl", "--report", "missing/report.json"], in: folder)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("missing/report.json: cannot create: No such file or directory"), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test(arguments: [["run", "--limit", "0"], ["run", "--engine", "verilog"], ["run", "--keep-going"],
                      ["run", "--bogus"], ["frobnicate"], ["bench", "--samples", "0"]])
    func usageErrorsExitTwo(arguments: [String]) throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(arguments, in: folder)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(!outcome.stderr.isEmpty)
    }

    @Test func defaultsAreTheDigitsExample() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let missing = try run(["run"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no --network given and the default examples/digits/network.json does not exist"))

        let (source, _, _) = try fixture()

        defer { StemSimRunner.remove(source) }
        try FileManager.default.createDirectory(atPath: folder + "/examples/digits", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source + "/network.json", toPath: folder + "/examples/digits/network.json")
        try FileManager.default.copyItem(atPath: source + "/inputs.json", toPath: folder + "/examples/digits/test.json")
        let outcome = try run(["run", "--engine", "golden"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("examples/digits/network.json"))
        #expect(outcome.stdout.contains("from examples/digits/test.json"))
    }

    @Test func helpExitsZero() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(["run", "--help"], in: folder)
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("--engine"))
    }

    @Test func benchReportsBothRatesAndTheRatio() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try run(["bench", "--samples", "2", "--repeat", "1", "--shape", "16-32-8"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("SOP/s"))
        #expect(outcome.stdout.contains("plain C loop"))
        #expect(outcome.stdout.contains("golden / C = "))
    }
}
