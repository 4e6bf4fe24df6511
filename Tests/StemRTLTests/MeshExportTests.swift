import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemRTL

/// The export files (docs/systemc.md) without any tool: their content against the mapping,
/// the configuration image and the golden model, and the folder's atomic appearance.
@Suite struct MeshExportTests {
    /// A network split over several tiles: 12 inputs, layers of 7, 5 and 3 neurons on cores of
    /// 3 neurons (3 + 2 + 1 cores on a 3x2 mesh).
    static func fixture(configurationPath: RTLEngine.ConfigurationPath = .packets) throws -> MeshExport {
        var options = RandomNetworkOptions(layerSizes: [12, 7, 5, 3])
        options.timeSteps = 4
        options.biasMode = nil
        let network = Network.random(options, seed: 7)
        let samples = InputSet.random(for: network, count: 3, seed: 8).samples
        let mapping = try Mapper(options: MeshOptions(numNeurons: 3, numAxons: 12, maxFanout: 3, meshSize: (3, 2))).map(network)
        return MeshExport(mapping: mapping, samples: samples, configurationPath: configurationPath)
    }

    /// The stimulus file's commands, comments dropped.
    static func commands(_ text: String) -> [[String]] {
        text.split(separator: "\n").compactMap { line -> [String]? in
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = code.split(separator: " ").map(String.init)
            return words.isEmpty ? nil : words
        }
    }

    @Test func theStimulusHoldsTheParametersTheConfigurationFlitsAndEveryStepsHostFlits() throws {
        let export = try Self.fixture()
        let commands = Self.commands(export.stimulusText())
        #expect(commands.first == ["stem-stimulus", "1"])
        let params = Dictionary(uniqueKeysWithValues: commands.filter { $0[0] == "param" }.map { ($0[1], Int($0[2])!) })
        let p = export.mapping.modelParameters()
        #expect(params == ["time_steps": p.timeSteps, "weight_bits": p.weightBits, "acc_bits": p.accBits,
                           "saturate": p.saturate ? 1 : 0, "num_neurons": 3, "num_axons": 12, "max_fanout": 3,
                           "mesh_x": 3, "mesh_y": 2, "fifo_depth": 4])
        let config = commands.filter { $0[0] == "config" }.flatMap { $0.dropFirst() }.map { UInt64($0, radix: 16)! }
        #expect(config == export.mapping.configuration(sampleCount: 3).flits.map(\.bits))
        #expect(commands.filter { $0[0] == "start" }.count == 1)
        let steps = commands.filter { $0[0] == "step" }.map { $0.dropFirst().map { UInt64($0, radix: 16)! } }
        #expect(steps.count == export.network.stepCount(samples: 3))
        // Every input spike becomes one flit per layer-1 core (3 of them), axon = the input.
        let stimulus = InputStimulus(network: export.network, samples: export.samples)
        let layer1 = export.mapping.coresOfLayer[1].map { export.mapping.cores[$0] }
        for (tau, flits) in steps.enumerated() {
            let expected = stimulus.spikes(atStep: tau).flatMap { input in
                layer1.map { Flit.spike(toX: $0.x, y: $0.y, axon: Int(input)).bits }
            }
            #expect(flits == expected, "step \(tau)")
        }
        #expect(steps.contains { !$0.isEmpty } && steps.suffix(3 * 4).allSatisfy(\.isEmpty))
        // Commands come in the order the format requires.
        let order = commands.map(\.[0])
        #expect(order.lastIndex(of: "config")! < order.firstIndex(of: "start")!)
        #expect(order.firstIndex(of: "start")! < order.firstIndex(of: "step")!)
    }

    @Test func theBackdoorPathWritesOneDebugPortWritePerConfigurationWrite() throws {
        let export = try Self.fixture(configurationPath: .backdoor)
        let commands = Self.commands(export.stimulusText())
        #expect(!commands.contains { $0[0] == "config" })
        let writes = commands.filter { $0[0] == "backdoor" }.map { ($0[1], $0[2], $0[3]) }
        let image = export.mapping.configuration(sampleCount: 3).writes
        #expect(writes.count == image.count)
        for (line, write) in zip(writes, image) {
            #expect(Int(line.0) == write.tile && UInt32(line.1, radix: 16) == write.address.rawValue
                    && UInt32(line.2, radix: 16) == write.data)
        }
    }

    @Test func theMeshDescriptionNamesEveryCoresNeuronsAndTheRun() throws {
        let export = try Self.fixture()
        let json = export.meshDescription(golden: .init(overflows: 5, sops: 9))
        guard case .object(let root) = json, case .array(let cores)? = root["cores"] else {
            Issue.record("mesh.json is not an object with cores")
            return
        }
        #expect(root["format"] == .string("stem-mesh-export") && root["version"] == .integer(1))
        #expect(root["samples"] == .integer(3) && root["steps"] == .integer(Int64(export.stepCount)))
        guard case .object(let parameters)? = root["parameters"] else { Issue.record("no parameters"); return }
        for (name, value) in export.mapping.modelParameters().allVerilatorParameters {
            #expect(parameters[name] == .integer(Int64(value)), "\(name)")
        }
        #expect(cores.count == export.mapping.cores.count && cores.count == 6)
        for (json, core) in zip(cores, export.mapping.cores) {
            #expect(json == .object(JSONObject([
                ("tile", .integer(Int64(core.tile))), ("x", .integer(Int64(core.x))), ("y", .integer(Int64(core.y))),
                ("layer", .integer(Int64(core.layer))), ("firstNeuron", .integer(Int64((core.neurons.first ?? 0)))),
                ("neurons", .integer(Int64(core.neurons.count))), ("fanIn", .integer(Int64(core.fanIn))),
            ])))
        }
        #expect(root["golden"] == .object(JSONObject([("overflows", .integer(5)), ("sops", .integer(9))])))
        #expect(export.meshDescription(golden: nil).objectValue?["golden"] == nil)
    }

    @Test func writingCreatesTheFolderWithTheGoldenRecordAndNothingElse() throws {
        let export = try Self.fixture()
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/run"
        let golden = try #require(try export.write(to: folder))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["run"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["golden.jsonl", "mesh.json", "stimulus.txt"])

        let model = try GoldenModel(network: export.network)
        var lines = ""
        try model.run(samples: export.samples) { step, spikes in lines += SpikeRecordWriter.line(step: step, spikes: spikes) }
        #expect(String(decoding: try FileIO.read(folder + "/golden.jsonl"), as: UTF8.self) == lines)
        #expect(golden == .init(overflows: model.overflows, sops: model.sops))
        #expect(String(decoding: try FileIO.read(folder + "/stimulus.txt"), as: UTF8.self) == export.stimulusText())
        #expect(try JSONParser.parse(try FileIO.read(folder + "/mesh.json"), file: "mesh.json") == export.meshDescription(golden: golden))

        // The record reads back as the golden model's spikes.
        let record = try SpikeRecordReader.read(folder + "/golden.jsonl", network: export.network, steps: export.stepCount)
        var expected: [[[Int32]]] = []
        try GoldenModel(network: export.network).run(samples: export.samples) { _, spikes in expected.append(spikes) }
        #expect(record == expected)
    }

    @Test func anExistingFolderIsReplacedOnlyWhenAskedAndNothingHalfWrittenIsLeft() throws {
        let export = try Self.fixture()
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/run"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        try export.write(to: folder)  // an empty folder is fine
        try Data("keep".utf8).write(to: URL(fileURLWithPath: folder + "/mine.txt"))
        #expect(throws: OutputFileError.self) { try export.write(to: folder) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
                == ["golden.jsonl", "mesh.json", "mine.txt", "stimulus.txt"])
        try export.write(to: folder, replacing: true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["golden.jsonl", "mesh.json", "stimulus.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["run"])

        let error = try #require(throws: OutputFileError.self) { try export.write(to: parent + "/missing/run") }
        #expect(error.operation == .create && error.description.contains("does not exist"))
        try Data().write(to: URL(fileURLWithPath: parent + "/file"))
        #expect(throws: OutputFileError.self) { try export.write(to: parent + "/file") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).sorted() == ["file", "run"])
    }

    @Test func aBrokenSpikeRecordIsRejectedWithItsLine() throws {
        let export = try Self.fixture()
        let parent = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let cases: [(String, String)] = [
            ("{\"t\":1,\"spikes\":[]}\n", "expected step 0"),
            ("{\"t\":0,\"spikes\":[[1,2],[0,3]]}\n", "out of order"),
            ("{\"t\":0,\"spikes\":[[4,0]]}\n", "not a neuron"),
            ("{\"t\":0,\"spikes\":[[1,7]]}\n", "not a neuron"),
            ("{\"t\":0,\"spikes\":[[0,1],[0,1]]}\n", "out of order or repeated"),
        ]
        for (text, message) in cases {
            let path = parent + "/bad.jsonl"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: FormatError.self) {
                try SpikeRecordReader.read(path, network: export.network, steps: 1)
            }
            #expect(error.description.contains(message) && error.description.contains("bad.jsonl:1"), "\(error)")
        }
        let path = parent + "/short.jsonl"
        try Data("{\"t\":0,\"spikes\":[]}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: FormatError.self) { try SpikeRecordReader.read(path, network: export.network, steps: 2) }
    }

    func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stem-export-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}

extension JSONValue {
    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }
}
