import Foundation
import StemModel
import StemSupport

/// Everything a run of a network on the mesh needs, as files that tools without Swift can
/// use (docs/systemc.md): the SystemC testbench (`testbenches/systemc`) and the C++ driver
/// (`testbenches/stem_driver.cpp`) run them.
///
/// ```swift
/// let export = MeshExport(mapping: try Mapper(options: options).map(network), samples: inputs.samples)
/// let golden = try export.write(to: "out/digits")   // stimulus.txt, mesh.json, golden.jsonl
/// ```
public struct MeshExport: Sendable {
    /// The stimulus: `stem-stimulus 1` (parameters, configuration, start, every step's host flits).
    public static let stimulusFileName = "stimulus.txt"
    /// The mesh and the mapping (`stem-mesh-export` version 1).
    public static let meshFileName = "mesh.json"
    /// The golden model's spike record (as `stemsim run --spikes` writes it).
    public static let goldenFileName = "golden.jsonl"
    /// The `format` of mesh.json.
    public static let formatName = "stem-mesh-export"
    /// The `version` of mesh.json.
    public static let formatVersion = 1

    /// What the golden model counted, recorded in mesh.json.
    public struct Golden: Sendable, Equatable {
        /// Overflow events (docs/stem-spec.md section 9).
        public var overflows: Int
        /// Synaptic operations.
        public var sops: Int
    }

    /// Where the network sits on the mesh.
    public let mapping: MeshMapping
    /// The samples run.
    public let samples: [[Int64]]
    /// How the configuration reaches the tiles: `config` flit lines or `backdoor` writes.
    public let configurationPath: RTLEngine.ConfigurationPath

    /// An export of `samples` (valid for the mapping's network) on `mapping`.
    public init(mapping: MeshMapping, samples: [[Int64]], configurationPath: RTLEngine.ConfigurationPath = .packets) {
        self.mapping = mapping
        self.samples = samples
        self.configurationPath = configurationPath
    }

    /// The network.
    public var network: Network { mapping.network }
    /// The number of time steps of the run, `(S + L) * B`.
    public var stepCount: Int { network.stepCount(samples: samples.count) }

    /// The host's flits of every step: for each spiking input neuron (ascending) one flit per
    /// layer-1 core, as ``RTLEngine`` sends them.
    public func hostFlits() -> [[UInt64]] {
        let stimulus = InputStimulus(network: network, samples: samples)
        let perInput = (0..<network.inputSize).map { mapping.inputFlits(input: $0).map(\.bits) }
        var input: [Int32] = []
        return (0..<stepCount).map { tau in
            stimulus.spikes(atStep: tau, into: &input)
            return input.flatMap { perInput[Int($0)] }
        }
    }

    // MARK: The stimulus file

    /// The text of stimulus.txt.
    public func stimulusText() -> String {
        let p = mapping.modelParameters()
        var text = "stem-stimulus 1\n"
        text += "# stem-cosim export: network \(network.layerSummary), "
            + "\(samples.count) samples, \(stepCount) steps on a \(mapping.meshX)x\(mapping.meshY) mesh\n"
        let params: [(String, Int)] = [
            ("time_steps", p.timeSteps), ("weight_bits", p.weightBits), ("acc_bits", p.accBits),
            ("saturate", p.saturate ? 1 : 0), ("num_neurons", p.numNeurons), ("num_axons", p.numAxons),
            ("max_fanout", p.maxFanout), ("mesh_x", p.meshX), ("mesh_y", p.meshY), ("fifo_depth", p.fifoDepth),
        ]
        for (name, value) in params { text += "param \(name) \(value)\n" }
        let image = mapping.configuration(sampleCount: samples.count)
        switch configurationPath {
        case .packets:
            let flits = image.flits
            var k = 0
            while k < flits.count {
                text += "config"
                for flit in flits[k..<min(flits.count, k + 8)] { text += " " + Self.hex(flit.bits, digits: 16) }
                text += "\n"
                k += 8
            }
        case .backdoor:
            for write in image.writes {
                text += "backdoor \(write.tile) \(Self.hex(UInt64(write.address.rawValue), digits: 6)) "
                    + Self.hex(UInt64(write.data), digits: 8) + "\n"
            }
        }
        text += "start\n"
        for flits in hostFlits() {
            text += "step"
            for flit in flits { text += " " + Self.hex(flit, digits: 16) }
            text += "\n"
        }
        return text
    }

    // MARK: mesh.json

    /// The content of mesh.json; `golden` adds the golden model's counts.
    public func meshDescription(golden: Golden?) -> JSONValue {
        let p = mapping.modelParameters()
        // Exactly the build's Name=Value arguments (build.sh --export reads them from here).
        let parameters: [(String, JSONValue)] = p.allVerilatorParameters.map { ($0.name, .integer(Int64($0.value))) }
        let cores: [JSONValue] = mapping.cores.map { core in
            let first = core.neurons.first ?? 0
            var members: [(String, JSONValue)] = [
                ("tile", .integer(Int64(core.tile))), ("x", .integer(Int64(core.x))), ("y", .integer(Int64(core.y))),
                ("layer", .integer(Int64(core.layer))), ("firstNeuron", .integer(Int64(first))),
                ("neurons", .integer(Int64(core.neurons.count))), ("fanIn", .integer(Int64(core.fanIn))),
            ]
            // A conv/pool tile holds channels x rows x columns: list its neurons when they are
            // not one contiguous range.
            if core.neurons != Array(first..<(first + core.neurons.count)) {
                members.append(("neuronList", .array(core.neurons.map { .integer(Int64($0)) })))
            }
            if network.isGraph {
                members.append(("stage", .integer(Int64(core.stage))))
                members.append(("relay", .integer(Int64(core.relayHop))))
            }
            return .object(JSONObject(members))
        }
        var members: [(String, JSONValue)] = [
            ("format", .string(Self.formatName)),
            ("version", .integer(Int64(Self.formatVersion))),
            ("parameters", .object(JSONObject(parameters))),
            ("network", .object(JSONObject([
                ("layerWidths", .array(network.layerWidths.map { .integer(Int64($0)) })),
                ("layerShapes", .array((0...network.depth).map { layer in
                    let shape = network.shape(ofLayer: layer)
                    return .array([shape.channels, shape.height, shape.width].map { .integer(Int64($0)) })
                })),
                ("timeSteps", .integer(Int64(network.timeSteps))),
                ("inputSigned", .bool(network.inputSigned)),
            ]))),
            ("samples", .integer(Int64(samples.count))),
            ("steps", .integer(Int64(stepCount))),
            ("configuration", .object(JSONObject([
                ("path", .string(configurationPath.rawValue)),
                ("writes", .integer(Int64(mapping.configuration(sampleCount: samples.count).writes.count))),
            ]))),
            ("cores", .array(cores)),
            ("files", .object(JSONObject([
                ("stimulus", .string(Self.stimulusFileName)), ("golden", .string(Self.goldenFileName)),
            ]))),
        ]
        if let golden {
            members.append(("golden", .object(JSONObject([
                ("overflows", .integer(Int64(golden.overflows))), ("sops", .integer(Int64(golden.sops))),
            ]))))
        }
        return .object(JSONObject(members))
    }

    // MARK: Writing

    /// Runs the golden model and writes stimulus.txt, mesh.json and golden.jsonl into the
    /// folder `directory`, which appears only when complete: the files are written into a
    /// temporary folder beside it that is then renamed. An existing empty folder is replaced;
    /// a non-empty one only with `replacing`.
    ///
    /// - Parameter includingGolden: run the golden model and write golden.jsonl (and its counts
    ///   in mesh.json); without it only what the mesh needs is written.
    /// - Returns: the golden model's counts (nil without `includingGolden`).
    /// - Throws: ``OutputFileError`` (`create` for a path that cannot be used), ``EngineError``.
    @discardableResult
    public func write(to directory: String, replacing: Bool = false, includingGolden: Bool = true) throws -> Golden? {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let name = target.lastPathComponent
        let parent = target.deletingLastPathComponent()
        guard !directory.isEmpty, !name.isEmpty, name != "/", name != "..", name != "." else {
            throw OutputFileError(path: directory, operation: .create, reason: "not a folder name")
        }
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: parent.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputFileError(path: directory, operation: .create, reason: "the folder \(parent.path) does not exist")
        }
        let existing = fm.fileExists(atPath: target.path, isDirectory: &isFolder)
        if existing {
            guard isFolder.boolValue else {
                throw OutputFileError(path: directory, operation: .create, reason: "a file of that name exists")
            }
            let contents = (try? fm.contentsOfDirectory(atPath: target.path)) ?? []
            if !contents.isEmpty && !replacing {
                throw OutputFileError(path: directory, operation: .create,
                                      reason: "the folder exists and is not empty (replace it with --force)")
            }
        }
        let temporary = parent.appendingPathComponent(FileIO.temporaryName(for: name, tag: "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"))
        // Registered before it exists, so a signal between the two leaves nothing behind.
        TemporaryFiles.shared.track(temporary.path)
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            TemporaryFiles.shared.forget(temporary.path)
            throw OutputFileError(path: directory, operation: .create, reason: "cannot create \(temporary.path): \(error.localizedDescription)")
        }
        var committed = false
        defer {
            if !committed { try? fm.removeItem(at: temporary) }
            TemporaryFiles.shared.forget(temporary.path)
        }

        let golden = includingGolden
            ? try writeGoldenRecord(to: temporary.appendingPathComponent(Self.goldenFileName).path) : nil
        try FileIO.writeAtomically(Array(stimulusText().utf8),
                                   to: temporary.appendingPathComponent(Self.stimulusFileName).path)
        try FileIO.writeAtomically(Array(JSONSerializer.text(of: meshDescription(golden: golden)).utf8),
                                   to: temporary.appendingPathComponent(Self.meshFileName).path)

        if existing {
            // rename(2) replaces an empty folder; a non-empty one is moved aside first.
            if rename(temporary.path, target.path) != 0 {
                let aside = parent.appendingPathComponent(".\(name).old-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
                guard rename(target.path, aside.path) == 0 else {
                    throw OutputFileError(path: directory, operation: .rename, reason: String(cString: strerror(errno)))
                }
                guard rename(temporary.path, target.path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    _ = rename(aside.path, target.path)
                    throw OutputFileError(path: directory, operation: .rename, reason: reason)
                }
                try? fm.removeItem(at: aside)
            }
        } else if rename(temporary.path, target.path) != 0 {
            throw OutputFileError(path: directory, operation: .rename, reason: String(cString: strerror(errno)))
        }
        committed = true
        return golden
    }

    /// Runs the golden model, writing its spike record to `path`.
    public func writeGoldenRecord(to path: String) throws -> Golden {
        let golden = try GoldenModel(network: network)
        let writer = try SpikeRecordWriter(path: path)
        var failure: OutputFileError?
        try golden.run(samples: samples) { step, spikes in
            guard failure == nil else { return }
            do throws(OutputFileError) { try writer.append(step: step, spikes: spikes) } catch { failure = error }
        }
        if let failure {
            writer.discard()
            throw failure
        }
        try writer.commit()
        return Golden(overflows: golden.overflows, sops: golden.sops)
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
