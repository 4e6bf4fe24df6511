import Foundation
import StemCheck
import StemModel
import StemRTL

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
public final class Sweep: @unchecked Sendable {
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

    // MARK: - Run state (guarded by `condition`)

    private enum Task {
        case point(SweepPointParameters)
        case build(ModelParameters)
        case area(CoreAreaParameters)
    }

    private enum TaskKind: Hashable {
        case point, build, area
    }

    private enum BuildState {
        case pending, running, ready
        case failed(String)
    }

    private let condition = NSCondition()
    private var document: SweepDocument!
    private var files: SweepFiles!
    private var pendingPoints: [SweepPointParameters] = []
    private var pointModels: [SweepPointParameters: ModelParameters] = [:]
    private var pointProblems: [SweepPointParameters: String] = [:]
    private var pendingBuilds: [ModelParameters] = []
    private var buildStates: [ModelParameters: BuildState] = [:]
    private var pendingAreas: [CoreAreaParameters] = []
    private var areaResults: [CoreAreaParameters: Result<CoreArea, Problem>] = [:]
    private var active: [Int: String] = [:]
    private var activeKinds: [Int: TaskKind] = [:]
    private var durations: [TaskKind: (count: Int, seconds: Double)] = [:]
    private var totals: [TaskKind: Int] = [:]
    private var done: [TaskKind: Int] = [:]
    private var ran = 0
    private var abortError: (any Error)?
    private let clock = ContinuousClock()
    private var started = ContinuousClock.now

    private struct Problem: Error {
        var message: String
    }

    private struct PlanKey: Hashable {
        var accBits: Int
        var sparsification: Sparsification
    }

    private let reportedAreaProblems = LockedValue<Set<String>>([])
    private let plans = OnceMap<PlanKey, Result<ScaledIntegrationPlanner.Plan, Problem>>()
    private let qannOutputs = OnceMap<Sparsification, [[Int64]]>()

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
        started = clock.now
        let files = SweepFiles(directory: config.outputDirectory)
        try files.create()
        self.files = files

        let key = SweepDocument.Key(
            network: SHA256.hash(config.network.jsonText).hexString,
            inputs: SHA256.hash(config.inputs.jsonText).hexString,
            samples: config.inputs.count, engine: config.engine, sparsifiedLayers: config.sparsifiedLayers,
            mesh: config.engine.runsRTL ? hardware?.meshDescription ?? "" : "",
            hardware: config.engine.runsRTL || config.measureArea ? hardware?.sourcesDigest : nil)
        var previous: [SweepPoint] = []
        if config.restart {
            files.removeNetworks()
        } else if let existing = try files.existing() {
            let differences = key.differences(from: existing.key)
            if !differences.isEmpty {
                throw SweepError.differentSweep(path: files.path(SweepFiles.jsonName), differences: differences)
            }
            previous = existing.points
        }

        // The reference: the QANN of the network as given, and its accumulator needs.
        let reference = try referenceFigures()
        let requested = config.points
        var points: [SweepPointParameters: SweepPoint] = [:]
        for point in previous { points[point.parameters] = point }
        var toRun: [SweepPointParameters] = []
        var reused = 0
        for parameters in requested {
            if let old = points[parameters], old.status != .failed, let kept = try reusable(old) {
                points[parameters] = kept
                reused += 1
            } else {
                toRun.append(parameters)
            }
        }
        document = SweepDocument(key: key, networkFile: config.networkFile, inputsFile: config.inputsFile,
                                 reference: reference, points: points.values.sorted { $0.parameters < $1.parameters })

        // Builds (per AccBits and overflow) and core syntheses, in width order.
        var buildSet = Set<ModelParameters>()
        if config.engine.runsRTL, let hardware {
            for parameters in toRun {
                do {
                    let model = try hardware.modelParameters(network(for: parameters))
                    pointModels[parameters] = model
                    if buildSet.insert(model).inserted { pendingBuilds.append(model) }
                } catch {
                    pointProblems[parameters] = "the network does not map onto the mesh: \(error)"
                }
            }
        }
        pendingBuilds.sort { ($0.accBits, $0.saturate ? 1 : 0) < ($1.accBits, $1.saturate ? 1 : 0) }
        for model in pendingBuilds { buildStates[model] = .pending }
        if config.measureArea, let hardware {
            var areaSet = Set<CoreAreaParameters>()
            for parameters in requested {
                let core = hardware.coreParameters(network(for: parameters))
                if areaSet.insert(core).inserted { pendingAreas.append(core) }
            }
            pendingAreas.sort()
        }
        pendingPoints = toRun.sorted {
            ($0.accBits, $0.setting) < ($1.accBits, $1.setting)
        }
        totals = [.point: requested.count, .build: pendingBuilds.count, .area: pendingAreas.count]
        done = [.point: reused, .build: 0, .area: 0]
        if reused > 0 { report(.note("reusing \(reused) finished point(s) from \(files.path(SweepFiles.jsonName))")) }

        try files.write(document)
        runWorkers(count: config.jobs)
        if let abortError { throw abortError }
        attachAreas()
        try files.write(document)
        return Outcome(document: document, counts: SweepSummary.RunCounts(ran: ran, reused: reused), files: files)
    }

    /// An earlier run's point as this run reuses it, with its network file in place: a file
    /// that is missing or differs from the network the point ran (rebuilt from its width,
    /// setting and per-layer shifts) is written again. Nil when that network cannot be rebuilt
    /// (the folder's `sweep.json` was edited), so the point runs again.
    private func reusable(_ point: SweepPoint) throws(OutputFileError) -> SweepPoint? {
        guard point.networkFile != nil else { return point }
        var network = network(for: point.parameters)
        guard point.layers.count == network.depth else { return nil }
        for (index, figures) in point.layers.enumerated() {
            network.layers[index].shift = figures.shift
            network.layers[index].multiplier = figures.multiplier
            network.layers[index].postShift = figures.postShift
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

    /// The base network with a point's width, overflow mode and sparsification (before scaling).
    private func network(for parameters: SweepPointParameters) -> Network {
        var network = configuration.network
        network.accumulatorBits = parameters.accBits
        network.overflow = parameters.setting.overflow
        return parameters.setting.sparsification.apply(to: network, layers: configuration.sparsifiedLayers)
    }

    private func referenceFigures() throws -> SweepDocument.Reference {
        let config = configuration
        let outputs = qann(for: Sparsification())
        var correct: Int?
        if let labels = config.inputs.labels {
            correct = zip(outputs, labels).filter { argmax($0.0) == $0.1 }.count
        }
        var wide = config.network
        wide.accumulatorBits = Network.Limits.accumulatorBits.upperBound
        let model = try GoldenModel(network: wide)
        try model.run(samples: config.inputs.samples)
        let statistics = model.layerStatistics
        return SweepDocument.Reference(
            qannCorrect: correct, peakMagnitudes: statistics.map(\.peakMagnitude),
            bitsNeeded: statistics.map(\.bitsNeeded), macsPerSample: EnergyModel.macsPerSample(config.network))
    }

    private func qann(for sparsification: Sparsification) -> [[Int64]] {
        qannOutputs.value(for: sparsification) {
            var network = configuration.network
            network = sparsification.apply(to: network, layers: configuration.sparsifiedLayers)
            return QuantizedANN(network: network).outputs(for: configuration.inputs.samples)
        }
    }

    // MARK: - Workers

    private func runWorkers(count: Int) {
        let finished = DispatchSemaphore(value: 0)
        for index in 0..<count {
            let thread = Thread { [self] in
                while let task = nextTask(worker: index) {
                    perform(task, worker: index)
                }
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        var remaining = count
        while remaining > 0 {
            if finished.wait(timeout: .now() + 1) == .success {
                remaining -= 1
            } else {
                condition.lock()
                reportProgress()
                condition.unlock()
            }
        }
    }

    /// The next task for a worker, nil when there is nothing left (or the sweep aborts).
    private func nextTask(worker: Int) -> Task? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if abortError != nil { return nil }
            if let index = pendingPoints.firstIndex(where: isReady) {
                let point = pendingPoints.remove(at: index)
                begin(worker, .point, label: point.description)
                return .point(point)
            }
            if !pendingBuilds.isEmpty {
                let model = pendingBuilds.removeFirst()
                buildStates[model] = .running
                begin(worker, .build, label: "build " + Self.label(model))
                return .build(model)
            }
            if !pendingAreas.isEmpty {
                let core = pendingAreas.removeFirst()
                begin(worker, .area, label: "synthesis AccBits=\(core.accBits)" + (core.saturate ? " Saturate=1" : ""))
                return .area(core)
            }
            if pendingPoints.isEmpty { return nil }
            condition.wait()
        }
    }

    /// `AccBits=16`, `AccBits=16 Saturate=1`: what differs between the builds of a sweep.
    static func label(_ model: ModelParameters) -> String {
        "AccBits=\(model.accBits)" + (model.saturate ? " Saturate=1" : "")
    }

    private func isReady(_ point: SweepPointParameters) -> Bool {
        guard let model = pointModels[point] else { return true }
        switch buildStates[model] {
        case .ready?, .failed?, nil: return true
        case .pending?, .running?: return false
        }
    }

    private func begin(_ worker: Int, _ kind: TaskKind, label: String) {
        active[worker] = label
        activeKinds[worker] = kind
        reportProgress()
    }

    private func end(_ worker: Int, _ kind: TaskKind, seconds: Double) {
        active[worker] = nil
        activeKinds[worker] = nil
        var entry = durations[kind] ?? (0, 0)
        entry.count += 1
        entry.seconds += seconds
        durations[kind] = entry
        done[kind, default: 0] += 1
        reportProgress()
        condition.broadcast()
    }

    private func perform(_ task: Task, worker: Int) {
        let begun = clock.now
        switch task {
        case .build(let model):
            var state = BuildState.ready
            do {
                if let seconds = try hardware!.build(model) {
                    report(.note("built the model for \(Self.label(model)) in \(SweepTable.fixed(seconds, 1)) s"))
                }
            } catch {
                state = .failed("building \(model) failed: \(error)")
                report(.note("building the model for \(Self.label(model)) FAILED; its points are recorded as failed:\n\(error)"))
            }
            condition.lock()
            buildStates[model] = state
            end(worker, .build, seconds: (clock.now - begun).seconds)
            condition.unlock()

        case .area(let core):
            let result: Result<CoreArea, Problem>
            do {
                result = .success(try hardware!.coreArea(core).area)
            } catch {
                result = .failure(Problem(message: "\(error)"))
                // Say each reason once (a missing yosys fails every synthesis the same way).
                let message = "\(error)"
                if reportedAreaProblems.withLock({ $0.insert(message).inserted }) {
                    report(.note("core size of \(core) not measured: \(message)"))
                }
            }
            condition.lock()
            areaResults[core] = result
            attachAreas()
            write()
            end(worker, .area, seconds: (clock.now - begun).seconds)
            condition.unlock()

        case .point(let parameters):
            condition.lock()
            var problem = pointProblems[parameters]
            if problem == nil, let model = pointModels[parameters], case .failed(let reason)? = buildStates[model] {
                problem = reason
            }
            condition.unlock()
            var point: SweepPoint
            if let problem {
                point = SweepPoint(parameters: parameters, status: .failed, reason: problem,
                                   samples: configuration.inputs.count)
            } else {
                point = runPoint(parameters)
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
            condition.lock()
            if let index = document.points.firstIndex(where: { $0.parameters == parameters }) {
                document.points[index] = point
            } else {
                document.points.append(point)
                document.points.sort { $0.parameters < $1.parameters }
            }
            ran += 1
            attachAreas()
            write()
            end(worker, .point, seconds: point.seconds)
            condition.unlock()
        }
    }

    /// Writes the files (lock held); a failure stops the sweep.
    private func write() {
        do {
            try files.write(document)
        } catch {
            if abortError == nil { abortError = error }
            condition.broadcast()
        }
    }

    /// Puts the measured core sizes into the points (lock held).
    private func attachAreas() {
        guard let hardware, configuration.measureArea else { return }
        for index in document.points.indices {
            let core = hardware.coreParameters(network(for: document.points[index].parameters))
            switch areaResults[core] {
            case .success(let area)?:
                document.points[index].area = area
                document.points[index].areaNote = nil
            case .failure(let problem)?:
                document.points[index].area = nil
                document.points[index].areaNote = problem.message
            case nil:
                break
            }
        }
    }

    /// Reports the progress (lock held).
    private func reportProgress() {
        let elapsed = (clock.now - started).seconds
        report(.progress(SweepProgress(
            pointsDone: done[.point] ?? 0, pointsTotal: totals[.point] ?? 0,
            buildsDone: done[.build] ?? 0, buildsTotal: totals[.build] ?? 0,
            areasDone: done[.area] ?? 0, areasTotal: totals[.area] ?? 0,
            active: active.keys.sorted().compactMap { active[$0] }, elapsed: elapsed, remaining: estimate.seconds,
            remainingIsPartial: !estimate.complete)))
    }

    /// Seconds still to go: the pending and running tasks of each kind at that kind's mean
    /// duration so far, over the workers. Kinds with no finished task yet are left out
    /// (`complete` false); nil when no kind still to do has been timed.
    private var estimate: (seconds: Double?, complete: Bool) {
        var total = 0.0
        var known = false
        var complete = true
        for kind in [TaskKind.point, .build, .area] {
            let running = activeKinds.values.filter { $0 == kind }.count
            let pending = (totals[kind] ?? 0) - (done[kind] ?? 0) - running
            guard pending + running > 0 else { continue }
            guard let (count, seconds) = durations[kind], count > 0 else {
                complete = false
                continue
            }
            known = true
            total += (Double(pending) + 0.5 * Double(running)) * seconds / Double(count)
        }
        if !known { return (complete ? 0 : nil, complete) }
        return (total / Double(configuration.jobs), complete)
    }

    // MARK: - One point

    /// Runs one point; every problem ends up in the point's status and reason.
    private func runPoint(_ parameters: SweepPointParameters) -> SweepPoint {
        let config = configuration
        var point = SweepPoint(parameters: parameters, status: .ok, samples: config.inputs.count)
        var network = network(for: parameters)
        if parameters.setting.scaled == .auto {
            let key = PlanKey(accBits: parameters.accBits, sparsification: parameters.setting.sparsification)
            let base = network
            let plan = plans.value(for: key) {
                do {
                    return .success(try ScaledIntegrationPlanner(samples: config.inputs.samples).plan(base))
                } catch {
                    return .failure(Problem(message: "choosing the shifts failed: \(error)"))
                }
            }
            switch plan {
            case .failure(let problem):
                point.status = .failed
                point.reason = problem.message
                return point
            case .success(.infeasible(let reason)):
                point.status = .infeasible
                point.reason = reason
                return point
            case .success(.feasible(let planned)):
                network = planned
                network.overflow = parameters.setting.overflow
            }
        }
        point.layers = network.layers.map {
            SweepPoint.LayerFigures(shift: $0.shift, multiplier: $0.multiplier, postShift: $0.postShift)
        }
        do {
            point.networkFile = try files.write(network, for: parameters)
            try measure(network, into: &point)
        } catch {
            point.status = .failed
            point.reason = "\(error)"
        }
        return point
    }

    /// Runs the engines on `network` and fills in the point's figures.
    private func measure(_ network: Network, into point: inout SweepPoint) throws {
        let config = configuration
        let samples = config.inputs.samples
        let golden = try GoldenModel(network: network)
        let rtl = config.engine.runsRTL ? try hardware!.makeEngine(network) : nil
        let reference: any SpikingEngine = config.engine == .rtl ? rtl! : golden
        var lockstep = Lockstep(network: network, samples: samples, reference: reference,
                                device: config.engine == .both ? rtl : nil)
        lockstep.keepGoing = true
        let result = try lockstep.run()
        guard result.completed else {
            throw EngineError(engine: reference.name, message: "the run stopped after \(result.stepsRun) of \(result.totalSteps) steps")
        }
        if config.engine == .rtl {
            // The per-layer |V| figures are the golden model's.
            try golden.run(samples: samples)
        }
        let qann = qann(for: point.parameters.setting.sparsification)
        let predictions = result.outputs.map(argmax)
        let qannPredictions = qann.map(argmax)
        if let labels = config.inputs.labels {
            point.correct = zip(predictions, labels).filter { $0 == $1 }.count
            point.qannCorrect = zip(qannPredictions, labels).filter { $0 == $1 }.count
            if let deviceOutputs = result.deviceOutputs {
                point.rtlCorrect = zip(deviceOutputs.map(argmax), labels).filter { $0 == $1 }.count
            } else if config.engine == .rtl {
                point.rtlCorrect = point.correct
            }
        }
        point.qannAgreement = zip(predictions, qannPredictions).filter { $0 == $1 }.count
        point.qannMatches = zip(result.outputs, qann).filter { $0 == $1 }.count
        switch config.engine {
        case .golden:
            point.goldenOverflows = result.referenceCounters.overflows
        case .rtl:
            point.goldenOverflows = golden.overflows
            point.rtlOverflows = result.referenceCounters.overflows
            point.rtlCycles = result.referenceCounters.cycles
        case .both:
            point.goldenOverflows = result.referenceCounters.overflows
            point.rtlOverflows = result.deviceCounters?.overflows
            point.rtlCycles = result.deviceCounters?.cycles
            point.mismatchSteps = result.divergentSteps
            point.mismatchSpikes = result.differingSpikes
        }
        let statistics = golden.layerStatistics
        for (index, layer) in statistics.enumerated() where index < point.layers.count {
            point.layers[index].peakMagnitude = layer.peakMagnitude
            point.layers[index].bitsNeeded = layer.bitsNeeded
            point.layers[index].overflows = layer.overflows
        }
        point.sops = result.sops
        point.macs = EnergyModel.macsPerSample(network) * samples.count
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
