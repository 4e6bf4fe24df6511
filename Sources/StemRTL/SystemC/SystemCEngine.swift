import Foundation
import StemCheck
import StemModel
import StemSupport

/// The SystemC testbench of the Verilated mesh as a ``SpikingEngine``: `start` exports the
/// run (``MeshExport``), runs the `stem_systemc` binary on it as a subprocess (the pin-level
/// testbench, or the CPU model through the TLM-2.0 wrapper), and reads its spike record and
/// summary; `step` then serves each step's recorded spikes, so the lockstep runner compares
/// them with the golden model's step by step and reports the first divergence as for the other
/// engines. The testbench's neuron state is not observable from here (`state` is nil).
public final class SystemCEngine: SpikingEngine {
    public let name = "systemc"
    /// What is run: the mapping and the samples.
    public let export: MeshExport
    /// The built testbench.
    public let testbench: SystemCTestbench
    /// Who drives the mesh.
    public let initiator: SystemCTestbench.Initiator
    /// The clock for simulated time and the estimate (nil: the testbench's default, 100 MHz).
    public let clockMHz: Double?
    /// A folder to keep the run's files in (the export, `systemc.jsonl`, `summary.json`); nil:
    /// a temporary folder, removed after the run.
    public let keepFolder: String?
    /// The testbench's summary of the last run.
    public private(set) var summary: SystemCSummary?
    /// What the testbench printed in the last run.
    public private(set) var output = ""

    private var record: [[[Int32]]] = []
    private var nextStep = 0

    /// An engine running `export` on `testbench`, which must be built for the export's parameters.
    public init(export: MeshExport, testbench: SystemCTestbench, initiator: SystemCTestbench.Initiator = .pin,
                clockMHz: Double? = nil, keepFolder: String? = nil) throws {
        self.export = export
        self.testbench = testbench
        self.initiator = initiator
        self.clockMHz = clockMHz
        self.keepFolder = keepFolder
        let wanted = export.mapping.modelParameters()
        guard testbench.parameters == wanted else {
            throw EngineError(engine: name, message: "the testbench was built for \(testbench.parameters), the mapping needs \(wanted)")
        }
    }

    public func start(sampleCount: Int) throws {
        guard sampleCount == export.samples.count else {
            throw EngineError(engine: name, message: "started for \(sampleCount) samples, but the export holds \(export.samples.count)")
        }
        let fm = FileManager.default
        let folder: URL
        if let keepFolder {
            folder = URL(fileURLWithPath: keepFolder)
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } else {
            folder = fm.temporaryDirectory.appendingPathComponent("stem-systemc-run-\(UUID().uuidString)")
            TemporaryFiles.shared.track(folder.path)
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        defer {
            if keepFolder == nil {
                try? fm.removeItem(at: folder)
                TemporaryFiles.shared.forget(folder.path)
            }
        }
        let exportFolder = folder.appendingPathComponent("export").path
        try export.write(to: exportFolder, replacing: true, includingGolden: keepFolder != nil)
        let spikes = folder.appendingPathComponent("systemc.jsonl").path
        let summaryPath = folder.appendingPathComponent("summary.json").path
        let outcome = testbench.run(exportFolder: exportFolder, initiator: initiator, spikes: spikes,
                                    summary: summaryPath, clockMHz: clockMHz)
        output = outcome.standardOutput
        guard outcome.status == 0 else {
            let tail = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false)
                .suffix(20).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            throw EngineError(engine: name, message: "\(testbench.executable.path) failed (exit status \(outcome.status)):\n"
                + tail + (keepFolder == nil ? "" : "\n(the run's files are in \(folder.path))"))
        }
        do {
            record = try SpikeRecordReader.read(spikes, network: export.network, steps: export.stepCount)
            summary = try SystemCSummary(contentsOf: summaryPath)
        } catch {
            throw EngineError(engine: name, message: "the testbench's output is unreadable: \(error)")
        }
        nextStep = 0
    }

    public func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        guard nextStep < record.count else {
            throw EngineError(engine: name, message: "step \(nextStep) is past the end of the run (\(record.count) steps)")
        }
        let spikes = record[nextStep]
        guard spikes[0] == inputSpikes else {
            throw EngineError(engine: name, message: "step \(nextStep): the testbench sent the input spikes \(spikes[0].prefix(20)), "
                + "the run has \(inputSpikes.prefix(20))")
        }
        nextStep += 1
        return Array(spikes.dropFirst())
    }

    public func state(layer: Int, neuron: Int) throws -> NeuronState? { nil }

    public func counters() throws -> EngineCounters {
        guard let summary else { throw EngineError(engine: name, message: "counters before a run") }
        return EngineCounters(overflows: summary.overflows, cycles: summary.runCycles,
                              details: ["flits": summary.flitsFromHost, "spikes": summary.spikes])
    }
}

extension SystemCEngine {
    /// Maps `network` onto `options`' mesh, builds (or takes from the cache) the SystemC
    /// testbench for it and returns an engine for `samples`.
    public static func make(network: Network, samples: [[Int64]], options: MeshOptions = MeshOptions(),
                            configurationPath: RTLEngine.ConfigurationPath = .packets,
                            initiator: SystemCTestbench.Initiator = .pin, clockMHz: Double? = nil,
                            keepFolder: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            progress: (SystemCTestbench.Event) -> Void = { _ in }) throws -> SystemCEngine {
        if let refusal = network.hardwareRefusal { throw EngineError(engine: "systemc", message: refusal) }
        let mapping = try Mapper(options: options).map(network)
        let testbench: SystemCTestbench
        do {
            testbench = try SystemCTestbench.build(for: mapping.modelParameters(), environment: environment,
                                                   progress: progress)
        } catch let error as SystemCBuildError {
            throw EngineError(engine: "systemc", message: error.description)
        } catch let error as ModelBuildError {
            throw EngineError(engine: "systemc", message: error.description)
        }
        return try SystemCEngine(export: MeshExport(mapping: mapping, samples: samples, configurationPath: configurationPath),
                                 testbench: testbench, initiator: initiator, clockMHz: clockMHz, keepFolder: keepFolder)
    }
}
