import Foundation
import StemCheck
import StemModel
import StemSupport

/// The SystemC testbench of the Verilated mesh as a ``SpikingEngine``: `start` exports the
/// run (``MeshExport``), runs the `stem_systemc` binary on it as a subprocess (the pin-level
/// testbench, or the CPU model through the TLM-2.0 wrapper), reads its raw events
/// (``SystemCEvents``: per step the monitor's (tile, neuron) events and the flits reaching the
/// host) and its summary, and maps the events to (layer, neuron) with the mapping, as
/// ``RTLEngine`` does for the Verilated model; `step` then serves each step's spikes, so the
/// lockstep runner compares them with the golden model's step by step and reports the first
/// divergence as for the other engines. The testbench's neuron state is not observable from
/// here (`state` is nil).
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
    /// A folder to keep the run's files in (the export, the testbench's events
    /// `systemc-events.txt` and `summary.json`, and the spike record `systemc.jsonl` mapped
    /// from the events); nil: a temporary folder, removed after the run.
    public let keepFolder: String?
    /// More options for the testbench (`--out-depth 1`, ...).
    public let extraArguments: [String]
    /// The testbench's summary of the last run.
    public private(set) var summary: SystemCSummary?
    /// The testbench's raw events of the last run.
    public private(set) var events: SystemCEvents?
    /// What the testbench printed in the last run.
    public private(set) var output = ""
    /// The overflow events of the used tiles in the last run.
    public private(set) var overflows = 0

    /// The spike record file in ``keepFolder``.
    public static let recordFileName = "systemc.jsonl"
    /// The testbench's events file in ``keepFolder``.
    public static let eventsFileName = "systemc-events.txt"
    /// The testbench's summary file in ``keepFolder``.
    public static let summaryFileName = "summary.json"

    private var record: [[[Int32]]] = []
    private var inputs: [[Int32]] = []
    private var nextStep = 0

    /// An engine running `export` on `testbench`, which must be built for the export's parameters.
    public init(export: MeshExport, testbench: SystemCTestbench, initiator: SystemCTestbench.Initiator = .pin,
                clockMHz: Double? = nil, keepFolder: String? = nil, extraArguments: [String] = []) throws {
        self.export = export
        self.testbench = testbench
        self.initiator = initiator
        self.clockMHz = clockMHz
        self.keepFolder = keepFolder
        self.extraArguments = extraArguments
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
        // The testbench writes plain files into a folder of its own; the files kept are written
        // from them atomically once they have been read.
        let scratch = folder.appendingPathComponent(".testbench-output")
        try? fm.removeItem(at: scratch)
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        let eventsPath = scratch.appendingPathComponent(Self.eventsFileName).path
        let summaryPath = scratch.appendingPathComponent(Self.summaryFileName).path
        let outcome = testbench.run(exportFolder: exportFolder, initiator: initiator, events: eventsPath,
                                    summary: summaryPath, clockMHz: clockMHz, extraArguments: extraArguments)
        output = outcome.standardOutput
        let kept = keepFolder == nil ? "" : "\n(the run's files are in \(folder.path))"
        guard outcome.status == 0 else {
            let tail = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false)
                .suffix(20).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            throw EngineError(engine: name, message: "\(testbench.executable.path) failed (exit status \(outcome.status)):\n"
                + tail + kept)
        }
        let events: SystemCEvents
        let summary: SystemCSummary
        do {
            events = try SystemCEvents(contentsOf: eventsPath)
            summary = try SystemCSummary(contentsOf: summaryPath, samples: export.samples.count, layers: export.network.depth)
        } catch {
            throw EngineError(engine: name, message: "the testbench's output is unreadable: \(error)" + kept)
        }
        let stimulus = InputStimulus(network: export.network, samples: export.samples)
        let inputs = (0..<export.stepCount).map { stimulus.spikes(atStep: $0) }
        try check(events: events, summary: summary, inputs: inputs, kept: kept)
        let record: [[[Int32]]]
        do {
            record = try events.spikes(on: export.mapping)
        } catch {
            throw EngineError(engine: name, message: error.message + kept)
        }
        if keepFolder != nil {
            for name in [Self.eventsFileName, Self.summaryFileName] {
                try FileIO.writeAtomically(try FileIO.read(scratch.appendingPathComponent(name).path),
                                           to: folder.appendingPathComponent(name).path)
            }
            try? fm.removeItem(at: scratch)
            let writer = try SpikeRecordWriter(path: folder.appendingPathComponent(Self.recordFileName).path)
            for (tau, spikes) in record.enumerated() { try writer.append(step: tau, spikes: [inputs[tau]] + spikes) }
            try writer.commit()
        }
        self.events = events
        self.summary = summary
        self.record = record
        self.inputs = inputs
        self.overflows = export.mapping.cores.reduce(0) { $0 + (summary.overflowsPerTile[$1.tile] ?? 0) }
        nextStep = 0
    }

    /// What the events and the summary must show of the run before they are mapped: every step
    /// of the stimulus, the host's flits all sent, every tile's overflow counter read and the
    /// unused tiles' at 0.
    private func check(events: SystemCEvents, summary: SystemCSummary, inputs: [[Int32]], kept: String) throws {
        func fault(_ message: String) -> EngineError { EngineError(engine: name, message: message + kept) }
        guard events.initiator == initiator.rawValue, summary.initiator == initiator.rawValue else {
            throw fault("the testbench ran the \(events.initiator) initiator, not \(initiator.rawValue)")
        }
        guard events.steps.count == export.stepCount, summary.steps == export.stepCount else {
            throw fault("the testbench ran \(events.steps.count) steps, the export has \(export.stepCount)")
        }
        guard events.steps.map(\.cycles) == summary.stepCycles else {
            throw fault("the events' step cycles differ from the summary's")
        }
        let sent = inputs.reduce(0) { total, spikes in
            total + spikes.reduce(0) { $0 + export.mapping.inputFlits(input: Int($1)).count }
        }
        guard summary.flitsFromHost == sent else {
            throw fault("the testbench injected \(summary.flitsFromHost) flits, the export's steps hold \(sent)")
        }
        guard Set(summary.overflowsPerTile.keys) == Set(0..<export.mapping.tileCount) else {
            throw fault("the summary lists the overflows of tiles \(summary.overflowsPerTile.keys.sorted()), not of every tile")
        }
        for (tile, count) in summary.overflowsPerTile where export.mapping.core(onTile: tile) == nil && count != 0 {
            throw fault("unused tile \(tile) counted \(count) overflow events")
        }
    }

    public func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        guard nextStep < record.count else {
            throw EngineError(engine: name, message: "step \(nextStep) is past the end of the run (\(record.count) steps)")
        }
        guard inputs[nextStep] == inputSpikes else {
            throw EngineError(engine: name, message: "step \(nextStep): the testbench ran the input spikes \(inputs[nextStep].prefix(20)), "
                + "the run has \(inputSpikes.prefix(20))")
        }
        nextStep += 1
        return record[nextStep - 1]
    }

    public func state(layer: Int, neuron: Int) throws -> NeuronState? { nil }

    public func counters() throws -> EngineCounters {
        guard let summary else { throw EngineError(engine: name, message: "counters before a run") }
        return EngineCounters(overflows: overflows, cycles: summary.runCycles,
                              details: ["flits": summary.flitsFromHost, "spikes": summary.spikes])
    }
}

extension SystemCEngine {
    /// Maps `network` onto `options`' mesh, builds (or takes from the cache) the SystemC
    /// testbench for it and returns an engine for `samples`.
    public static func make(network: Network, samples: [[Int64]], options: MeshOptions = MeshOptions(),
                            configurationPath: RTLEngine.ConfigurationPath = .packets,
                            initiator: SystemCTestbench.Initiator = .pin, clockMHz: Double? = nil,
                            keepFolder: String? = nil, extraArguments: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            progress: (SystemCTestbench.Event) -> Void = { _ in }) throws -> SystemCEngine {
        try make(mapping: try Mapper(options: options).map(network), samples: samples,
                 configurationPath: configurationPath, initiator: initiator, clockMHz: clockMHz, keepFolder: keepFolder,
                 extraArguments: extraArguments, environment: environment, progress: progress)
    }

    /// Builds (or takes from the cache) the SystemC testbench for `mapping`'s parameters and
    /// returns an engine that runs `samples` of the mapped network (a dense chain or a layer
    /// graph with its relay cores).
    public static func make(mapping: MeshMapping, samples: [[Int64]],
                            configurationPath: RTLEngine.ConfigurationPath = .packets,
                            initiator: SystemCTestbench.Initiator = .pin, clockMHz: Double? = nil,
                            keepFolder: String? = nil, extraArguments: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            progress: (SystemCTestbench.Event) -> Void = { _ in }) throws -> SystemCEngine {
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
                                 testbench: testbench, initiator: initiator, clockMHz: clockMHz, keepFolder: keepFolder,
                                 extraArguments: extraArguments)
    }
}
