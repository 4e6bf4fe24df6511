import Foundation
import StemModel
import StemSupport
import Testing

/// `stemsim export` and `stemsim run --engine systemc` from the command line.
@Suite struct ExportCommandTests {
    /// The mesh options of the SystemC tests' random-network build (so no extra build).
    static let meshArguments = ["--mesh", "3x3", "--neurons", "16", "--axons", "32", "--max-fanout", "4"]

    /// A network for that build (TimeSteps 5, WeightBits 6, AccBits 11, saturate) split over
    /// several tiles, and its inputs, written to a fresh folder.
    static func fixture() throws -> (folder: String, network: Network, inputs: InputSet) {
        let folder = try StemSimRunner.temporaryFolder()
        var options = RandomNetworkOptions(layerSizes: [20, 30, 12])
        options.timeSteps = 5
        options.weightBits = 6
        options.accumulatorBits = 11
        options.overflow = .saturate
        options.biasMode = nil
        let network = Network.random(options, seed: 31)
        let inputs = InputSet.random(for: network, count: 3, labeled: true, seed: 32)
        try network.write(to: folder + "/network.json")
        try inputs.write(to: folder + "/inputs.json")
        return (folder, network, inputs)
    }

    static let systemCAvailable: Bool = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let verilator = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/verilator") }
        return verilator && FileManager.default.fileExists(atPath: "/usr/include/systemc.h")
    }()

    @Test func exportWritesTheThreeFilesAndRefusesToOverwrite() throws {
        let (folder, network, inputs) = try Self.fixture()
        defer { StemSimRunner.remove(folder) }
        let arguments = ["export", "--network", "network.json", "--inputs", "inputs.json", "--out", "run", "--limit", "2"]
            + Self.meshArguments
        let outcome = try StemSimRunner.run(arguments, in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder + "/run") == [".stemsim-export", "golden.jsonl", "mesh.json", "stimulus.txt"])
        #expect(outcome.stdout.contains("mesh       mesh.json: 3x3 tiles, 3 cores"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("stem_systemc=$(scripts/build-systemc.sh --export run)"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("testbenches/systemc/build.sh TimeSteps=5 WeightBits=6 AccBits=11 Saturate=1 NumNeurons=16 "
            + "NumAxons=32 BiasBits=32 MaxFanout=4 MeshX=3 MeshY=3 FifoDepth=4"))
        let golden = try GoldenModel(network: network)
        var record = ""
        try golden.run(samples: Array(inputs.samples.prefix(2))) { step, spikes in
            record += SpikeRecordWriter.line(step: step, spikes: spikes)
        }
        #expect(String(decoding: try FileIO.read(folder + "/run/golden.jsonl"), as: UTF8.self) == record)
        let stimulus = String(decoding: try FileIO.read(folder + "/run/stimulus.txt"), as: UTF8.self)
        #expect(stimulus.hasPrefix("stem-stimulus 1\n"))
        #expect(stimulus.split(separator: "\n").filter { $0.hasPrefix("step") }.count == network.stepCount(samples: 2))

        // A second export into the same folder is refused and changes nothing.
        try FileIO.writeAtomically(Array("x".utf8), to: folder + "/run/golden.jsonl")
        let again = try StemSimRunner.run(arguments, in: folder)
        #expect(again.status == 2 && again.stderr.contains("not empty (replace it with --force)"), "\(again.stderr)")
        #expect(String(decoding: try FileIO.read(folder + "/run/golden.jsonl"), as: UTF8.self) == "x")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "run"])
        let forced = try StemSimRunner.run(arguments + ["--force"], in: folder)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(String(decoding: try FileIO.read(folder + "/run/golden.jsonl"), as: UTF8.self) == record)

        // A network that does not fit the mesh: exit 2 naming the layer and the limit.
        let tooSmall = try StemSimRunner.run(["export", "--network", "network.json", "--inputs", "inputs.json",
                                              "--out", "small", "--axons", "8"], in: folder)
        #expect(tooSmall.status == 2 && tooSmall.stderr.contains("layer 1"), "\(tooSmall.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", "run"])
    }

    @Test func systemCOptionsNeedTheSystemCEngine() throws {
        let (folder, _, _) = try Self.fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(["run", "--network", "network.json", "--inputs", "inputs.json", "--tlm"], in: folder)
        #expect(outcome.status == 2 && outcome.stderr.contains("need --engine systemc"), "\(outcome.stderr)")
    }

    @Test func aMissingToolchainExitsThreeSayingWhatToInstall() throws {
        let (folder, _, _) = try Self.fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "systemc",
                                             "--spikes", "spikes.jsonl"] + Self.meshArguments, in: folder,
                                            environment: ["PATH": "/nonexistent-stem-test"])
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("verilator") && outcome.stderr.contains("apt-get install"), "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json"])
    }

    @Test(.enabled(if: ExportCommandTests.systemCAvailable, "needs verilator and libsystemc-dev"))
    func runWithTheSystemCEngineAgreesWithTheGoldenModel() throws {
        let (folder, network, inputs) = try Self.fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(
            ["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "systemc", "--tlm",
             "--clock-mhz", "250", "--spikes", "spikes.jsonl", "--systemc-files", "files"] + Self.meshArguments, in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("engine     golden and systemc in lockstep"))
        #expect(outcome.stdout.contains("lockstep   every spike agrees"))
        #expect(outcome.stdout.contains("systemc    CPU model via stem_mesh_tlm (TLM-2.0)"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("estimate   at 250.000 MHz:"), "\(outcome.stdout)")
        let golden = try GoldenModel(network: network)
        var record = ""
        try golden.run(samples: inputs.samples) { step, spikes in record += SpikeRecordWriter.line(step: step, spikes: spikes) }
        #expect(String(decoding: try FileIO.read(folder + "/spikes.jsonl"), as: UTF8.self) == record)
        #expect(String(decoding: try FileIO.read(folder + "/files/systemc.jsonl"), as: UTF8.self) == record)
        #expect(try StemSimRunner.contents(folder + "/files") == ["export", "summary.json", "systemc-events.txt", "systemc.jsonl"])
    }
}
