import Foundation
import Testing
import StemModel
import StemRTL
import StemSupport
import StemTrace

/// `stemsim run` on a version-2 (layer graph) network: the golden model and the Verilated RTL
/// run it (in lockstep, spike for spike), `map` shows its tiles and relays; `export` describes
/// them and the SystemC testbench runs it spike for spike.
@Suite struct GraphRunCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/graph-small").standardized.path
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

    @Test func mapShowsTilesRelaysAndTheChosenCore() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try copyExample(to: folder)
        let outcome = try StemSimRunner.run(["map", "--network", "network.json"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let out = outcome.stdout
        #expect(out.contains("[1,8,8] -> [4,8,8] -> [4,4,4] -> [4,4,4] -> [4,4,4] -> [10]"), "\(out)")
        #expect(out.contains("13 used (1 relays); cores of 64 neurons, 64 axons, 4 fan-out entries (chosen to fit)"), "\(out)")
        #expect(out.contains("relay1<2") && out.contains("c 0-3 y 0-7 x 0-1") && out.contains("totals   522 neurons"), "\(out)")
        // Explicit options win; one that cannot hold the network names the layer and the limit.
        let small = try StemSimRunner.run(["map", "--network", "network.json", "--neurons", "64", "--axons", "32"], in: folder)
        #expect(small.status == 2 && small.stderr.contains("layer 3 has fan-in 36, but a core has 32 axons"), "\(small.stderr)")
    }

    /// The graph example on the RTL in lockstep, with the RTL's, the golden model's and the
    /// comparison waveform of a few steps: relay cores trace like any core, the comparison shows
    /// no mismatch.
    /// An accumulator sweep on the graph example (golden engine, no area): scaled integration
    /// plans shifts per layer as for a chain.
    @Test func aSweepRunsOnTheGraphExample() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try copyExample(to: folder)
        // The calibration set `auto` finds beside the network: the samples mirrored (disjoint
        // from the scored ones).
        let network = try Network.load(from: folder + "/network.json")
        let inputs = try InputSet.load(from: folder + "/inputs.json", for: network)
        try InputSet(samples: inputs.samples.map { Array($0.reversed()) }).write(to: folder + "/calibration.json")
        let outcome = try StemSimRunner.run(["sweep", "--network", "network.json", "--inputs", "inputs.json", "--out", "swept",
                                             "--acc-bits", "8,16", "--scaled", "none,auto", "--engine", "golden", "--no-area"],
                                            in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("accuracy (%) by accumulator width"), "\(outcome.stdout)")
        for name in ["sweep.json", "sweep.csv", "sweep.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/swept/" + name), "\(name)")
        }
    }

    @Test(.enabled(if: Verilator.isOnPath, "needs verilator"))
    func theRTLRunsTheGraphExampleSpikeForSpikeWithWaveforms() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try copyExample(to: folder)
        let outcome = try StemSimRunner.run(ioArguments + ["--engine", "both", "--trace", "rtl.vcd", "--trace-from", "12",
                                                          "--trace-to", "18", "--golden-trace", "golden.vcd",
                                                          "--compare-trace", "compare.vcd"], in: folder)
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
        #expect(outcome.stdout.contains("QANN       outputs equal in 8/8 samples"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("lockstep   every spike agrees") && outcome.stdout.contains("13 cores (1 relay)"),
                "\(outcome.stdout)")
        #expect(outcome.stderr.contains("mesh 4x4, cores of 64 neurons x 64 axons, 4 fan-out entries (chosen"), "\(outcome.stderr)")
        let rtl = try VCDReader(contentsOf: folder + "/rtl.vcd")
        #expect((rtl.changes(of: "TOP.stem_mesh.step_o") ?? []).map { $0.value.unsignedValue }.first == 12)
        // Tile 9 holds c2 (layer 3), fed by tile 8, the relay of p1's spikes.
        #expect(rtl.variable(named: "TOP.stem_mesh.g_tile[8].u_tile.u_core.g_neuron[0].y")?.width == 6)
        let compare = try VCDReader(contentsOf: folder + "/compare.vcd")
        let mismatches = compare.changes(of: "compare.any_mismatch") ?? []
        #expect(!mismatches.isEmpty && mismatches.allSatisfy { $0.value.bit == false })
    }

    /// A random graph network for the SystemC tests' build (`ExportCommandTests.meshArguments`:
    /// TimeSteps 5, WeightBits 6, AccBits 11, saturate, 3x3 tiles of 16 neurons x 32 axons), with
    /// a conv layer split over tiles and a relay core: the first seed that has both.
    static func systemCGraph() throws -> (network: Network, inputs: InputSet, mapping: MeshMapping) {
        var graph = GraphNetworkOptions()
        graph.timeSteps = 5
        graph.weightBits = 6
        graph.accumulatorBits = 11
        graph.overflow = .saturate
        graph.inputSize = 3...5
        graph.channels = 1...3
        graph.blocks = 2...3
        let options = MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, fifoDepth: 4, meshSize: (3, 3))
        for seed in UInt64(1)...400 {
            let network = Network.randomGraph(graph, seed: seed)
            guard let mapping = try? Mapper(options: options).map(network) else { continue }
            let tiled = mapping.cores.contains { core in
                !core.isRelay && core.neurons != Array((core.neurons.first ?? 0)..<((core.neurons.first ?? 0) + core.neurons.count))
            }
            if mapping.relayCount > 0 && tiled {
                return (network, InputSet.random(for: network, count: 3, labeled: true, seed: seed), mapping)
            }
        }
        throw CocoaError(.featureUnsupported)
    }

    /// Export writes a graph network's conv tiles (`neuronList`) and relay cores (`relay`,
    /// `stage`) into mesh.json.
    @Test func exportDescribesTheTilesAndRelaysOfAGraphNetwork() throws {
        let (network, inputs, mapping) = try Self.systemCGraph()
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try network.write(to: folder + "/network.json")
        try inputs.write(to: folder + "/inputs.json")
        let outcome = try StemSimRunner.run(["export", "--network", "network.json", "--inputs", "inputs.json",
                                             "--out", "exported"] + ExportCommandTests.meshArguments, in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let mesh = try JSONParser.parse(Array(try FileIO.read(folder + "/exported/mesh.json")), file: "mesh.json")
        guard case .object(let root) = mesh, case .array(let cores)? = root["cores"],
              case .object(let described)? = root["network"], case .array(let shapes)? = described["layerShapes"] else {
            Issue.record("mesh.json lacks cores or network.layerShapes")
            return
        }
        #expect(cores.count == mapping.cores.count && shapes.count == network.depth + 1)
        for (core, entry) in zip(mapping.cores, cores) {
            guard case .object(let fields) = entry else { continue }
            #expect(fields["relay"] == .integer(Int64(core.relayHop)) && fields["stage"] == .integer(Int64(core.stage)))
            let listed: [Int]
            if case .array(let list)? = fields["neuronList"] {
                listed = list.compactMap { if case .integer(let v) = $0 { Int(v) } else { nil } }
            } else if case .integer(let first)? = fields["firstNeuron"], case .integer(let count)? = fields["neurons"] {
                listed = Array(Int(first)..<Int(first + count))
            } else { listed = [] }
            #expect(listed == core.neurons, "tile \(core.tile)")
        }
        let stimulus = String(decoding: try FileIO.read(folder + "/exported/stimulus.txt"), as: UTF8.self)
        #expect(stimulus.split(separator: "\n").filter { $0 == "step" || $0.hasPrefix("step ") }.count
                == network.stepCount(samples: inputs.samples.count))
    }

    /// `--engine systemc` runs a graph network (conv tiles, pooling, a shortcut through a relay
    /// core) in lockstep with the golden model: every spike equal, relay spikes left out.
    @Test(.enabled(if: ExportCommandTests.systemCAvailable, "needs verilator and libsystemc-dev"))
    func theSystemCEngineRunsAGraphNetworkInLockstep() throws {
        let (network, inputs, _) = try Self.systemCGraph()
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        try network.write(to: folder + "/network.json")
        try inputs.write(to: folder + "/inputs.json")
        let outcome = try StemSimRunner.run(
            ["run", "--network", "network.json", "--inputs", "inputs.json", "--engine", "systemc",
             "--spikes", "spikes.jsonl", "--systemc-files", "files"] + ExportCommandTests.meshArguments, in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("lockstep   every spike agrees"), "\(outcome.stdout)")
        let golden = try GoldenModel(network: network)
        var record = ""
        var spikes = 0
        try golden.run(samples: inputs.samples) { step, layers in
            record += SpikeRecordWriter.line(step: step, spikes: layers)
            spikes += layers.reduce(0) { $0 + $1.count }
        }
        #expect(spikes > 0)
        #expect(String(decoding: try FileIO.read(folder + "/files/systemc.jsonl"), as: UTF8.self) == record)
    }
}
