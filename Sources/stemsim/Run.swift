import ArgumentParser
import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport
import StemTrace

/// `stemsim run`: runs a network on samples with the golden model, the RTL, or both in
/// lockstep, and writes the spike record and the report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a network on samples (golden model, RTL, or both cross-checked in lockstep).",
        discussion: """
            Exit codes: 0 success, 1 the engines disagree, 2 bad input or usage, \
            3 tool or environment failure. Output files appear only when complete: on a \
            divergence (without --keep-going) or an error none is written.
            """)

    static let defaultNetwork = "examples/digits/network.json"
    static let defaultInputs = "examples/digits/test.json"

    @Option(help: ArgumentHelp("The network file.", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("The inputs file (samples and optional labels).", valueName: "file"))
    var inputs: String?

    @Option(help: "golden, rtl, both (the RTL checked against the golden model, spike for spike), or systemc (the SystemC testbench of the RTL checked against the golden model).")
    var engine: EngineChoice = .both

    @Option(help: ArgumentHelp("Write the spike record (JSON Lines, one object per time step).",
                               valueName: "file.jsonl"))
    var spikes: String?

    @Option(help: ArgumentHelp("Write the run report (JSON).", valueName: "file.json"))
    var report: String?

    @Option(help: ArgumentHelp("Run only the first N samples.", valueName: "N"), transform: OptionBounds.limit.parse)
    var limit: Int?

    @Flag(help: "With --engine both: run to the end and count every divergence instead of stopping at the first.")
    var keepGoing = false

    @Flag(help: "With --engine both: also compare every neuron's I, V and Y at the end of every step, so a divergence shows where a value first differs.")
    var checkState = false

    @Flag(help: "With --engine rtl or both: compile the RTL's simulation assertions into the model (Verilator --assert, a separate cached build); a failing one stops the run, naming the instance, the time and the assertion (exit 1).")
    var assertions = false

    @Option(help: OptionBounds.runJobs.help(
        "Split the samples into N contiguous shards, each run on its own engines on its own thread; "
            + "the spike record, report and counters are those of --jobs 1, byte for byte. At most the sample count",
        valueName: "N"), transform: OptionBounds.runJobs.parse)
    var jobs = OptionBounds.runJobs.defaultValue

    @Option(help: ArgumentHelp("Run only these layers on the RTL mesh and the rest on the golden model, which feeds the RTL, through the host port, the golden spikes of every layer that feeds them: layer numbers 1...L or names, comma-separated (e.g. 2,3; any set, consecutive or not). Needs --engine both or rtl.",
                               valueName: "layers"))
    var rtlLayers: String?

    @Option(help: ArgumentHelp("Run only shard i of n of the samples (contiguous, split as --jobs n splits them) and write its result into --shard-dir: one task of a job array (--shard $SLURM_ARRAY_TASK_ID/n). 0 <= i < n <= the sample count. Exit 1 if the shard diverges (its result is written).",
                               valueName: "i/n"), transform: ShardSpec.parse)
    var shard: ShardSpec?

    @Flag(help: "Build the spike record, report and summary of the run from the n shard results in --shard-dir (give the options the --shard tasks had); they equal a run without shards, byte for byte.")
    var merge = false

    @Option(help: ArgumentHelp("The folder of the shard results of --shard (created if missing) and --merge.", valueName: "folder"))
    var shardDir: String?

    @OptionGroup(title: "Mesh (RTL engines)")
    var mesh: MeshArguments

    @OptionGroup(title: "Waveforms")
    var waveforms: TraceArguments

    @Option(help: ArgumentHelp("Where a divergence's waveforms go (the RTL's and the comparison of the steps leading up to it).",
                               valueName: "folder"))
    var divergenceDir = "stem-divergence"

    @OptionGroup(title: "SystemC (--engine systemc)")
    var systemC: SystemCArguments

    func validate() throws {
        if keepGoing && !engine.isCrossCheck { throw ValidationError("--keep-going needs --engine both or systemc") }
        if systemC.isUsed && engine != .systemc { throw ValidationError("--tlm, --clock-mhz and --systemc-files need --engine systemc") }
        if checkState && engine != .both { throw ValidationError("--check-state needs --engine both") }
        if assertions && !engine.runsRTL { throw ValidationError("--assertions needs --engine rtl or both") }
        if jobs > 1 && engine == .systemc {
            throw ValidationError("--jobs \(jobs) needs --engine golden, rtl or both (the SystemC testbench runs "
                + "all samples in one process); use --jobs 1 with --engine systemc")
        }
        if let rtlLayers {
            if !engine.runsRTL {
                throw ValidationError("--rtl-layers \(rtlLayers) needs --engine both or rtl, got --engine \(engine.rawValue)")
            }
            if let option = waveforms.usedOptions.first {
                throw ValidationError("\(option) cannot be used with --rtl-layers \(rtlLayers) (the waveforms show a whole network on the mesh)")
            }
        }
        if jobs > 1, let option = waveforms.usedOptions.first {
            throw ValidationError("\(option) needs --jobs 1 (a waveform records one run of all samples), got --jobs \(jobs)")
        }
        try validateShards()
    }

    /// The checks of --shard, --merge and --shard-dir.
    private func validateShards() throws {
        let mode = shard.map { "--shard \($0.text)" } ?? (merge ? "--merge" : nil)
        if let shard, merge { throw ValidationError("--shard \(shard.text) and --merge: give one (a task runs a shard, --merge joins them)") }
        guard let mode else {
            if let shardDir { throw ValidationError("--shard-dir \(shardDir) needs --shard i/n or --merge") }
            return
        }
        if shardDir == nil { throw ValidationError("\(mode) needs --shard-dir (the folder of the shard results)") }
        if engine == .systemc {
            throw ValidationError("\(mode) needs --engine golden, rtl or both (the SystemC testbench runs all samples in one process)")
        }
        if jobs > 1 {
            throw ValidationError("--jobs \(jobs) cannot be used with \(mode): a task runs its shard on one thread "
                + "(use more shards), and --merge runs nothing")
        }
        if let option = waveforms.usedOptions.first {
            throw ValidationError("\(option) cannot be used with \(mode) (a waveform records one run of all samples)")
        }
        if shard != nil {
            if let spikes { throw ValidationError("--spikes \(spikes) cannot be used with \(mode): --merge writes the spike record") }
            if let report { throw ValidationError("--report \(report) cannot be used with \(mode): --merge writes the report") }
        }
    }

    func run() throws {
        let networkPath = try Self.inputPath(network, default: Self.defaultNetwork, option: "--network")
        let inputsPath = try Self.inputPath(inputs, default: Self.defaultInputs, option: "--inputs")
        try filePlan(networkPath: networkPath, inputsPath: inputsPath).validate()
        let net = try Network.load(from: networkPath)
        var inputSet = try InputSet.load(from: inputsPath, for: net)
        if let limit { inputSet = inputSet.prefix(limit) }
        let layerChoice = try rtlLayers.map { try RTLLayerChoice($0, network: net) }
        if let shard {
            try runShard(shard, network: net, inputSet: inputSet, layerChoice: layerChoice)
            return
        }
        // --merge reads the shards' results first: a missing or foreign one fails before any output is created.
        let shardFiles = merge ? try readShards(network: net, inputSet: inputSet) : nil

        let traceKind: ModelParameters.Trace = waveforms.trace.map { $0.hasSuffix(".fst") ? .fst : .vcd } ?? .none
        // --merge runs no engine: what the summary says of them comes from the shard results.
        let engines = shardFiles != nil ? nil : try EngineFactory.makeEngines(
            engine, network: net, mesh: mesh, trace: traceKind, assertions: assertions, samples: inputSet.samples,
            systemC: systemC, cut: layerChoice)
        let recorder = try engines.map { try RunWaveforms(waveforms.request, network: net, engines: $0, sampleCount: inputSet.count) }
        defer { recorder?.cancel() }
        // Create the outputs now so that a bad path fails before a long run; they appear
        // under their names only at the end.
        let spikeWriter = try spikes.map { path throws(OutputFileError) in try AtomicFileWriter(path: path) }
        let reportWriter = try report.map { path throws(OutputFileError) in try AtomicFileWriter(path: path) }
        defer {
            spikeWriter?.discard()
            reportWriter?.discard()
        }

        var recordSink: ((Int, [[Int32]]) throws -> Void)?
        if let spikeWriter {
            recordSink = { step, spikes in try spikeWriter.write(SpikeRecordWriter.line(step: step, spikes: spikes)) }
        }
        if let pauseStep = TestPause.step {
            let sink = recordSink
            recordSink = { step, spikes in
                try sink?(step, spikes)
                if step == pauseStep { TestPause.hold(afterStep: step) }
            }
        }
        let result: LockstepResult
        let facts: SummaryFacts
        if let shardFiles {
            var sharded = ShardedLockstep(network: net, samples: inputSet.samples, jobs: shardFiles.count)
            sharded.keepGoing = keepGoing
            sharded.recordSink = recordSink
            do {
                result = try sharded.merge(shardFiles.map(\.outcome))
            } catch let error as ShardMergeError {
                throw CommandFailure(.badInput, "--merge: the results in --shard-dir \(shardDir!) do not make up the run: \(error)")
            }
            facts = SummaryFacts(shards: shardFiles)
        } else if let engines, let recorder {
            (result, facts) = try runLocally(network: net, inputSet: inputSet, engines: engines, traceKind: traceKind,
                                             layerChoice: layerChoice, recorder: recorder, recordSink: recordSink)
        } else {
            preconditionFailure("the engines are made unless --merge")
        }

        // A failed assertion stopped the device: nothing after it ran, with or without --keep-going.
        if let divergence = result.firstDivergence, !keepGoing || divergence.kind == .assertion {
            recorder?.cancel()
            var message = "\(divergence)\n"
            if engine == .both && layerChoice == nil {
                message += divergenceWaveforms(network: net, samples: inputSet.samples, divergence: divergence)
            }
            throw CommandFailure(.mismatch, message + (divergence.kind == .assertion
                ? "no output file written (the model cannot run past a failed assertion)"
                : "no output file written (use --keep-going to run to the end)"))
        }
        guard result.completed else {
            throw CommandFailure(.environment, "the run stopped after \(result.stepsRun) of \(result.totalSteps) steps")
        }

        let qannOutputs = QuantizedANN(network: net).outputs(for: inputSet.samples)
        let runReport = RunReport(outputs: result.outputs, qannOutputs: qannOutputs, labels: inputSet.labels,
                                  timeSteps: result.totalSteps, sops: result.sops,
                                  overflows: result.referenceCounters.overflows,
                                  divergentSteps: result.divergentSteps)
        // Every output appears together or none does (docs/formats.md, "Output files").
        try reportWriter?.write(runReport.jsonText)
        let prepared = try recorder?.prepare()
        try AtomicFileWriter.commitAll([reportWriter, spikeWriter].compactMap { $0 } + (prepared?.outputs ?? []))

        print(summary(network: net, networkPath: networkPath, inputsPath: inputsPath, facts: facts,
                      layerChoice: layerChoice, result: result, report: runReport))
        for line in prepared?.lines ?? [] { print(line) }

        if !result.agrees {
            var problems: [String] = []
            if result.divergentSteps > 0 {
                problems.append("\(result.divergentSteps) divergent steps (\(result.differingSpikes) differing spikes); "
                    + "first: \(result.firstDivergence!)")
            }
            if !result.overflowsAgree, let device = result.deviceCounters {
                problems.append("overflow counts differ: \(facts.referenceName) \(result.referenceCounters.overflows), "
                    + "\(facts.deviceName ?? "the device") \(device.overflows)")
            }
            throw CommandFailure(.mismatch, problems.joined(separator: "\n"))
        }
    }

    /// Runs all samples here, on one thread or on `--jobs` threads.
    private func runLocally(network net: Network, inputSet: InputSet, engines: EngineSet, traceKind: ModelParameters.Trace,
                            layerChoice: RTLLayerChoice?, recorder: RunWaveforms,
                            recordSink: ((Int, [[Int32]]) throws -> Void)?) throws -> (LockstepResult, SummaryFacts) {
        let progressLine = ProgressLine(quietStart: .milliseconds(500), plainInterval: .seconds(5), plainLineAtStart: false)
        let clock = ContinuousClock()
        let started = clock.now
        let result: LockstepResult
        var shardEngines = [engines]
        let shardCount = ShardedLockstep.shards(sampleCount: inputSet.count, jobs: jobs).count
        if shardCount == 1 {
            var lockstep = Lockstep(network: net, samples: inputSet.samples, reference: engines.reference,
                                    device: engines.device)
            lockstep.keepGoing = keepGoing
            lockstep.checksState = checkState
            lockstep.recordSink = recordSink
            if recorder.isRecording {
                lockstep.stepObserver = { step, reference, device in
                    try recorder.record(step: step, reference: reference, device: device)
                }
            }
            lockstep.progress = { progress in
                let note = progress.divergentSteps > 0 ? ", \(progress.divergentSteps) divergent" : ""
                progressLine.update(step: progress.step, total: progress.totalSteps, note: note)
            }
            result = try lockstep.run()
        } else {
            var sharded = ShardedLockstep(network: net, samples: inputSet.samples, jobs: jobs)
            sharded.keepGoing = keepGoing
            sharded.checksState = checkState
            sharded.recordSink = recordSink
            sharded.progress = { progressLine.update(shards: $0) }
            result = try sharded.run { shard in
                let made = shard == 0 ? engines : try EngineFactory.makeEngines(engine, network: net, mesh: mesh, trace: traceKind,
                                                                                      assertions: assertions, cut: layerChoice,
                                                                                      announce: false)
                // The last call is for the short rerun at a divergence: not a shard.
                if shard > 0 && shard < shardCount { shardEngines.append(made) }
                return (made.reference, made.device)
            }
        }
        let seconds = (clock.now - started).seconds
        progressLine.finish()
        var facts = try SummaryFacts(engines: shardEngines, seconds: seconds)
        if shardEngines.count > 1 { facts.shardNote = "\(shardEngines.count) jobs" }
        return (result, facts)
    }

    /// Reruns golden and RTL up to the divergence at `step` with a traced model, writing the
    /// RTL waveform and the comparison waveform of the two windows before it into
    /// `--divergence-dir`; returns what to tell the user (how to open them, or why not).
    private func divergenceWaveforms(network: Network, samples: [[Int64]], divergence: Divergence) -> String {
        let step = divergence.step
        do {
            try FileManager.default.createDirectory(atPath: divergenceDir, withIntermediateDirectories: true)
            let request = WaveformRequest(rtlTrace: divergenceDir + "/rtl.vcd", compareTrace: divergenceDir + "/compare.vcd",
                                          window: max(0, step - 2 * network.timeSteps)...step,
                                          highlighted: divergence.neurons.map { NeuronID(layer: divergence.layer, neuron: $0.index) })
            printToStandardError("stemsim: rerunning up to step \(step) with a traced model for the waveforms\n")
            let engines = try EngineFactory.makeEngines(.both, network: network, mesh: mesh, trace: .vcd, assertions: assertions)
            let recorder = try RunWaveforms(request, network: network, engines: engines, sampleCount: samples.count)
            var lockstep = Lockstep(network: network, samples: samples, reference: engines.reference, device: engines.device)
            lockstep.checksState = checkState
            lockstep.stepObserver = { step, reference, device in
                try recorder.record(step: step, reference: reference, device: device)
            }
            _ = try lockstep.run()
            let lines = try recorder.finish()
            return "waveforms of steps \(request.window.lowerBound)...\(step):\n"
                + lines.map { "  " + $0 + "\n" }.joined()
        } catch {
            return "(could not write the divergence waveforms into --divergence-dir \(divergenceDir): \(describe(error)))\n"
        }
    }

    /// The files of this run: the inputs, every output with the files written beside it, and
    /// (with --engine both) the divergence waveforms (FilePlan.swift).
    func filePlan(networkPath: String, inputsPath: String) -> FilePlan {
        var plan = FilePlan()
        plan.input("--network", networkPath)
        plan.input("--inputs", inputsPath)
        plan.output("--spikes", spikes)
        plan.output("--report", report)
        if let shard, shardDir != nil { plan.output("--shard-dir (its shard result)", shardPath(shard), use: .laterOutput) }
        plan.waveform("--trace", waveforms.trace, use: .outputOfAnotherProgram)
        plan.waveform("--golden-trace", waveforms.goldenTrace)
        plan.waveform("--compare-trace", waveforms.compareTrace)
        if engine == .both && rtlLayers == nil {
            plan.waveform("--divergence-dir (its RTL waveform)", divergenceDir + "/rtl.vcd", use: .laterOutput)
            plan.waveform("--divergence-dir (its comparison waveform)", divergenceDir + "/compare.vcd", use: .laterOutput)
        }
        if let folder = systemC.systemcFiles, engine == .systemc {
            plan.ownedFolder("--systemc-files (its export folder)", folder + "/export")
            plan.output("--systemc-files (its spike record)", folder + "/systemc.jsonl", use: .laterOutput)
            plan.output("--systemc-files (its summary)", folder + "/summary.json", use: .laterOutput)
        }
        return plan
    }

    /// The path for an input option, or its default if that exists here.
    static func inputPath(_ given: String?, default path: String, option: String) throws -> String {
        if let given { return given }
        guard FileIO.exists(path) else {
            throw CommandFailure(.badInput, "no \(option) given and the default \(path) does not exist "
                + "(run from the repository root or pass \(option))")
        }
        return path
    }

    /// The summary printed after a run (``SummaryFacts``: what it says of the engines).
    private func summary(network: Network, networkPath: String, inputsPath: String, facts: SummaryFacts,
                         layerChoice: RTLLayerChoice?, result: LockstepResult, report: RunReport) -> String {
        let shape = network.layerSummary
        var lines: [String] = []
        lines.append("network    \(networkPath): \(shape), timeSteps \(network.timeSteps), "
            + "accumulator \(network.accumulatorBits) bits \(network.overflow.rawValue)")
        lines.append("samples    \(report.samples.count) from \(inputsPath)")
        let engineText = facts.deviceName.map { "\(facts.referenceName) and \($0) in lockstep" } ?? facts.referenceName
        lines.append("engine     \(engineText)" + (facts.shardNote.map { ", " + $0 } ?? ""))
        if let layerChoice { lines.append("layers     \(layerChoice.summary)") }
        let name = facts.referenceName
        if let correct = report.correct, let qannCorrect = report.qannCorrect {
            let labels = report.samples.map { $0.label ?? -1 }
            let n = report.samples.count
            func share(_ count: Int) -> String { "\(Self.percent(count, n)) (\(count)/\(n))" }
            var text = "accuracy   QANN \(share(qannCorrect)), \(name) \(share(correct))"
            if let device = facts.deviceName, let outputs = result.deviceOutputs {
                text += ", \(device) \(share(zip(outputs.map(argmax), labels).filter { $0 == $1 }.count))"
            }
            lines.append(text)
        } else {
            lines.append("accuracy   no labels")
        }
        lines.append("QANN       outputs equal in \(report.qannMatches)/\(report.samples.count) samples")
        lines.append("sops       \(report.sops)")
        var overflowText = "\(report.overflows)"
        if let device = result.deviceCounters, let deviceName = facts.deviceName {
            overflowText = "\(name) \(report.overflows), \(deviceName) \(device.overflows)"
        }
        lines.append("overflows  \(overflowText)")
        if let meshLine = facts.meshLine, let stats = facts.rtlStatistics {
            lines.append(meshLine)
            let perStep = stats.steps > 0 ? Double(stats.cycles) / Double(stats.steps) : 0
            lines.append("cycles     \(stats.cycles) (\(Self.fixed(perStep, 1)) per step, at most \(stats.maxStepCycles))")
            lines.append("packets    \(stats.injectedFlits) from the host, \(stats.coreFlits) to cores, \(stats.hostFlits) to the host; "
                + "latency mean \(Self.fixed(stats.meanLatency, 1)), max \(stats.maxLatency) cycles")
        }
        lines.append(contentsOf: facts.systemCLines)
        if facts.deviceName != nil {
            lines.append("lockstep   \(result.divergentSteps == 0 ? "every spike agrees" : "\(result.divergentSteps) divergent steps")")
        }
        let rate = facts.seconds > 0 ? Double(result.totalSteps) / facts.seconds : 0
        lines.append("time       \(result.totalSteps) steps in \(Self.fixed(facts.seconds, 3)) s (\(Int(rate.rounded())) steps/s)"
            + (facts.timesAdded ? ", the shards' times added" : ""))
        return lines.joined(separator: "\n")
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        fixed(whole > 0 ? 100 * Double(part) / Double(whole) : 0, 2) + "%"
    }

    /// `value` with exactly `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String { decimalText(value, places: digits) }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
