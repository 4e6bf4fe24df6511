import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport

/// An accumulator-width (and sparsification) sweep: runs every point of a
/// ``SweepConfiguration`` and writes the sweep folder (``SweepFiles``).
///
/// ```swift
/// let sweep = Sweep(configuration: configuration, hardware: .verilated(builder: try ModelBuilder()))
/// let outcome = try sweep.run()
/// print(SweepSummary.text(of: outcome.document, counts: outcome.counts))
/// ```
///
/// Work is split into tasks run by ``SweepConfiguration/jobs`` worker threads: model builds
/// (one per distinct `AccBits`/overflow pair, through the content-keyed model cache), core
/// syntheses (one per pair, through the area cache) and points. A worker takes a point whose
/// model is ready first, else the next build, else the next synthesis. After every point the
/// folder's files are rewritten, so an interrupted sweep keeps what it finished.
///
/// Resuming: when the folder already holds a sweep with the same ``SweepDocument/Key``, its
/// points that ran (or are infeasible) are reused and only the others run; points it has that
/// this run does not ask for are kept. A different key is an error unless
/// ``SweepConfiguration/restart`` is set.
///
/// A point that fails (its build, its engine) is recorded with the reason and the others go
/// on; a resumed sweep runs it again.
///
/// The parts: ``SweepPlan`` (what to run), ``SweepScheduler`` (the workers and the ready
/// queue), ``SweepPointRunner`` (one point). A `Sweep` holds no state of a run: `run()` may be
/// called again, and the events are reported with no lock held.
public struct Sweep: Sendable {
    /// What a finished sweep produced.
    public struct Outcome: Sendable {
        /// The final content of `sweep.json`.
        public var document: SweepDocument
        public var counts: SweepSummary.RunCounts
        public var files: SweepFiles
    }

    public let configuration: SweepConfiguration
    /// The RTL side; nil is allowed only for a golden-model sweep without core sizes.
    public let hardware: SweepHardware?
    private let report: @Sendable (SweepEvent) -> Void

    public init(configuration: SweepConfiguration, hardware: SweepHardware?,
                events: @escaping @Sendable (SweepEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.hardware = hardware
        self.report = events
    }

    /// A task of the scheduler.
    private enum Job: Sendable {
        case point(SweepPointParameters)
        case build(ModelParameters)
        case area(CoreAreaParameters)
    }

    /// The measured size of a core, or why it is missing.
    private enum AreaResult {
        case measured(CoreArea)
        case failed(String)
    }

    /// What changes while a sweep runs (behind a lock).
    private struct RunState {
        var document: SweepDocument
        var tracker: SweepProgressTracker
        var failedBuilds: [ModelParameters: String] = [:]
        var areas: [CoreAreaParameters: AreaResult] = [:]
        var ran = 0
    }

    // MARK: - Running

    /// Runs the sweep and writes the folder.
    /// - Throws: ``SweepError`` for bad options or an unusable or mismatching folder,
    ///   ``OutputFileError`` if a file cannot be written, ``EngineError`` if the reference run of
    ///   the network as given fails.
    public func run() throws -> Outcome {
        let config = configuration
        try config.validate()
        if hardware == nil && (config.engine.runsRTL || config.measureArea) {
            throw SweepError.invalidOption(option: "--engine", message: "the RTL and core sizes need the hardware (none given)")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let files = SweepFiles(directory: config.outputDirectory)
        try files.create()

        let key = SweepPlan.key(of: config, hardware: hardware)
        var previous: [SweepPoint] = []
        if config.restart {
            files.removeNetworks()
            files.removeTasks()
        } else {
            if let existing = try files.existing() {
                let differences = key.differences(from: existing.key)
                if !differences.isEmpty {
                    throw SweepError.differentSweep(path: files.path(SweepFiles.jsonName), differences: differences)
                }
                previous = existing.points
            }
            // Points finished by the tasks of a job-array sweep of the same key (SweepArray).
            let tasks = files.taskPoints(key: key).points
            if !tasks.isEmpty {
                previous = previous.filter { tasks[$0.parameters] == nil } + tasks.values
            }
        }

        let plan = try SweepPlan(configuration: config, hardware: hardware, previous: previous) { old throws(OutputFileError) in
            try self.reusable(old, files: files)
        }
        let runner = SweepPointRunner(configuration: config, hardware: hardware, files: files)
        let reference = try runner.referenceFigures()
        let document = SweepDocument(key: key, networkFile: config.networkFile, inputsFile: config.inputsFile,
                                     calibrationFile: config.calibration?.file, reference: reference, points: plan.startingPoints)
        let state = LockedValue(RunState(
            document: document,
            tracker: SweepProgressTracker(points: plan.requested.count, reused: plan.reused, builds: plan.builds.count,
                                          areas: plan.areas.count, workers: config.jobs)))
        if plan.reused > 0 {
            report(.note("reusing \(plan.reused) finished point(s) from \(files.path(SweepFiles.jsonName))"))
        }
        try files.write(document)

        // Points first (each once its model is built), then builds, then syntheses.
        let scheduler = SweepScheduler<Job>()
        var buildHandles: [ModelParameters: SweepScheduler<Job>.Handle] = [:]
        for model in plan.builds { buildHandles[model] = scheduler.add(.build(model), priority: 1) }
        for core in plan.areas { scheduler.add(.area(core), priority: 2) }
        for point in plan.toRun {
            scheduler.add(.point(point), priority: 0, after: plan.pointModels[point].flatMap { buildHandles[$0] })
        }

        let elapsed: @Sendable () -> Double = { (clock.now - started).seconds }
        let report = self.report
        /// Changes the state under its lock, then reports the progress with no lock held.
        let update: @Sendable (_ change: (inout RunState) throws -> Void) throws -> Void = { change in
            let progress = try state.withLock { state in
                try change(&state)
                return state.tracker.progress(elapsed: elapsed())
            }
            report(.progress(progress))
        }
        let worker = Worker(sweep: self, plan: plan, runner: runner, files: files, state: state, update: update)
        try scheduler.run(workers: config.jobs, heartbeat: (.seconds(1), {
            report(.progress(state.withLock { $0.tracker.progress(elapsed: elapsed()) }))
        })) { job, index in
            try worker.perform(job, worker: index, begun: clock.now, clock: clock)
        }

        let final = state.withLock { state in
            attachAreas(state.areas, to: &state.document)
            return (state.document, state.ran)
        }
        try files.write(final.0)
        return Outcome(document: final.0, counts: SweepSummary.RunCounts(ran: final.1, reused: plan.reused), files: files)
    }

    /// Runs the jobs of one sweep run.
    private struct Worker: Sendable {
        let sweep: Sweep
        let plan: SweepPlan
        let runner: SweepPointRunner
        let files: SweepFiles
        let state: LockedValue<RunState>
        let update: @Sendable (_ change: (inout RunState) throws -> Void) throws -> Void
        /// Each reason a core size is missing, said once (a missing yosys fails every synthesis the same way).
        let reportedAreaProblems = LockedValue<Set<String>>([])

        func perform(_ job: Job, worker: Int, begun: ContinuousClock.Instant, clock: ContinuousClock) throws {
            let report = sweep.report
            switch job {
            case .build(let model):
                try update { $0.tracker.begin(worker: worker, .build, label: "build " + SweepPlan.label(model)) }
                var failure: String?
                do {
                    guard let hardware = sweep.hardware else {
                        throw EngineError(engine: "rtl", message: "the sweep was given no hardware to build models with")
                    }
                    if let seconds = try hardware.build(model) {
                        report(.note("built the model for \(SweepPlan.label(model)) in \(SweepTable.fixed(seconds, 1)) s"))
                    }
                } catch {
                    failure = SweepPlan.buildFailure(model, error)
                    report(.note("building the model for \(SweepPlan.label(model)) FAILED; its points are recorded as failed:\n\(error)"))
                }
                try update {
                    $0.failedBuilds[model] = failure
                    $0.tracker.end(worker: worker, .build, seconds: (clock.now - begun).seconds)
                }

            case .area(let core):
                try update {
                    $0.tracker.begin(worker: worker, .area,
                                     label: "synthesis AccBits=\(core.accBits)" + (core.saturate ? " Saturate=1" : ""))
                }
                let result: AreaResult
                do {
                    guard let hardware = sweep.hardware else {
                        throw EngineError(engine: "yosys", message: "the sweep was given no hardware to measure")
                    }
                    result = .measured(try hardware.coreArea(core).area)
                } catch {
                    let message = "\(error)"
                    result = .failed(message)
                    if reportedAreaProblems.withLock({ $0.insert(message).inserted }) {
                        report(.note("core size of \(core) not measured: \(message)"))
                    }
                }
                try update {
                    $0.areas[core] = result
                    sweep.attachAreas($0.areas, to: &$0.document)
                    try files.write($0.document)
                    $0.tracker.end(worker: worker, .area, seconds: (clock.now - begun).seconds)
                }

            case .point(let parameters):
                var problem = plan.pointProblems[parameters]
                try update {
                    $0.tracker.begin(worker: worker, .point, label: parameters.description)
                    if problem == nil, let model = plan.pointModels[parameters] { problem = $0.failedBuilds[model] }
                }
                var point: SweepPoint
                if let problem {
                    point = SweepPoint(parameters: parameters, status: .failed, reason: problem,
                                       samples: sweep.configuration.inputs.count)
                } else {
                    point = runner.run(parameters)
                }
                point.seconds = (clock.now - begun).seconds
                if point.status == .failed, problem == nil {
                    report(.note("point \(parameters) FAILED: \(point.reason ?? "")"))
                }
                if point.hasMismatch {
                    report(.note("MISMATCH at \(parameters): the RTL and the golden model disagree "
                        + "(\(point.mismatchSteps ?? 0) divergent steps, \(point.mismatchSpikes ?? 0) differing spikes, "
                        + "overflows golden \(point.goldenOverflows ?? -1) rtl \(point.rtlOverflows ?? -1))"))
                }
                let finished = point
                try update {
                    if let index = $0.document.points.firstIndex(where: { $0.parameters == parameters }) {
                        $0.document.points[index] = finished
                    } else {
                        $0.document.points.append(finished)
                        $0.document.points.sort { $0.parameters < $1.parameters }
                    }
                    $0.ran += 1
                    sweep.attachAreas($0.areas, to: &$0.document)
                    try files.write($0.document)
                    $0.tracker.end(worker: worker, .point, seconds: finished.seconds)
                }
            }
        }
    }

    /// Puts the measured core sizes into the points.
    /// An earlier run's point as this run reuses it, with its network file in place: a file
    /// that is missing or differs from the network the point ran (rebuilt from its width,
    /// setting and per-layer shifts) is written again. Nil when that network cannot be rebuilt
    /// (the folder's `sweep.json` was edited), so the point runs again.
    private func reusable(_ point: SweepPoint, files: SweepFiles) throws(OutputFileError) -> SweepPoint? {
        guard point.networkFile != nil else { return point }
        var network = SweepPlan.network(for: point.parameters, in: configuration)
        guard point.layers.count == network.depth else { return nil }
        for (index, figures) in point.layers.enumerated() {
            // A scaled layer is the original (at shift 0) scaled by the recorded shift, per-channel
            // m and n too; the recorded figures must be its scalar ones.
            let original = network.layers[index]
            if (original.shift, original.multiplier, original.postShift) != (figures.shift, figures.multiplier, figures.postShift) {
                guard original.shift == 0, let layer = ScaledIntegrationPlanner.scaled(original, by: figures.shift),
                      layer.multiplier == figures.multiplier, layer.postShift == figures.postShift else { return nil }
                network.layers[index] = layer
            }
        }
        guard (try? network.validate()) != nil else { return nil }
        var kept = point
        let relative = SweepFiles.networkFile(for: point.parameters)
        if (try? FileIO.read(files.path(relative))) != Array(network.jsonText.utf8) {
            _ = try files.write(network, for: point.parameters)
        }
        kept.networkFile = relative
        return kept
    }

    private func attachAreas(_ areas: [CoreAreaParameters: AreaResult], to document: inout SweepDocument) {
        guard let hardware, configuration.measureArea else { return }
        for index in document.points.indices {
            let core = hardware.coreParameters(SweepPlan.network(for: document.points[index].parameters, in: configuration))
            switch areas[core] {
            case .measured(let area)?:
                document.points[index].area = area
                document.points[index].areaNote = nil
            case .failed(let message)?:
                document.points[index].area = nil
                document.points[index].areaNote = message
            case nil:
                break
            }
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
