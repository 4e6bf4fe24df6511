import Foundation
import StemModel
import StemRTL
import StemSupport

/// A sweep run as a job array (Slurm, or any scheduler that runs numbered tasks on machines
/// sharing a folder): ``writePlan()`` fixes the points and their order in `plan.json`, task `i`
/// runs point `i` with ``runPoint(_:)`` (or shard `i` of `n`, every `n`-th point, with
/// ``runShard(_:of:)``) and writes `tasks/<point>.json`, and ``merge()``
/// builds the same `sweep.json`, `sweep.csv` and plots a local ``Sweep`` of the same options
/// writes (only the points' wall times differ). A local ``Sweep`` with the same folder also
/// takes the finished task results as done points, so a sweep whose tasks partly failed can be
/// finished there.
///
/// ```swift
/// let array = SweepArray(configuration: configuration, hardware: nil)
/// let plan = try array.writePlan()                 // once, before the array job
/// _ = try array.runPoint(i)                        // task i of 0..<plan.points.count
/// let outcome = try array.merge()                  // after the array job
/// ```
///
/// Every operation checks that the folder's plan was written for the same options (the key,
/// the points and the energy figures); a task never writes a file another task writes (each
/// its point's result and network file), so nothing needs a lock on the shared folder.
public struct SweepArray: Sendable {
    /// The sweep's options (the same in every step).
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

    private var files: SweepFiles { SweepFiles(directory: configuration.outputDirectory) }

    /// Checks the options and the hardware, as ``Sweep/run()`` does.
    private func validate() throws {
        try configuration.validate()
        if hardware == nil && (configuration.engine.runsRTL || configuration.measureArea) {
            throw SweepError.invalidOption(option: "--engine", message: "the RTL and core sizes need the hardware (none given)")
        }
    }

    /// The plan of the options: every point, the key and the reference figures (computed by
    /// `runner`, which keeps the QANN outputs for the points it runs later).
    /// - Throws: ``EngineError`` if the reference run of the network as given fails.
    func expectedPlan(runner: SweepPointRunner) throws -> SweepArrayPlan {
        let config = configuration
        let frame = SweepDocument(key: SweepPlan.key(of: config, hardware: hardware), networkFile: config.networkFile,
                                  inputsFile: config.inputsFile, calibrationFile: config.calibration?.file,
                                  reference: try runner.referenceFigures(), points: [])
        return SweepArrayPlan(points: config.points, frame: frame)
    }

    // MARK: - The steps: plan, point or shard, merge

    /// Writes `plan.json` (creating the folder). With ``SweepConfiguration/restart`` the
    /// folder's earlier sweep, task results and network files are discarded first; without it
    /// a folder holding a sweep of another key is refused, as by ``Sweep/run()``.
    /// - Throws: ``SweepError``, ``OutputFileError``, ``EngineError``.
    @discardableResult
    public func writePlan() throws -> SweepArrayPlan {
        try validate()
        let files = self.files
        try files.create()
        let plan = try expectedPlan(runner: SweepPointRunner(configuration: configuration, hardware: hardware, files: files))
        if configuration.restart {
            files.removeNetworks()
            files.removeTasks()
            for name in [SweepFiles.jsonName, SweepFiles.csvName, SweepFiles.plotName, SweepFiles.sparsityPlotName] {
                try? FileManager.default.removeItem(atPath: files.path(name))
            }
        } else if let existing = try files.existing() {
            let differences = plan.frame.key.differences(from: existing.key)
            if !differences.isEmpty {
                throw SweepError.differentSweep(path: files.path(SweepFiles.jsonName), differences: differences)
            }
        }
        try files.write(plan)
        return plan
    }

    /// The folder's plan, checked against the options.
    /// - Parameter option: the option named in the errors (`--point`, `--shard`, `--merge`).
    private func checkedPlan(option: String, runner: SweepPointRunner) throws -> SweepArrayPlan {
        let files = self.files
        guard let plan = try files.plan() else {
            throw SweepError.invalidOption(option: option, message: "\(files.path(SweepFiles.planName)) does not exist; "
                + "write the plan first with the same options and --plan")
        }
        let differences = try expectedPlan(runner: runner).differences(from: plan)
        if !differences.isEmpty {
            throw SweepError.invalidOption(option: option, message: "\(files.path(SweepFiles.planName)) was written for "
                + "other options; it differs in: \(differences.joined(separator: ", ")). Write it again with these "
                + "options and --plan (and rerun the tasks), or pass the options the plan was written with")
        }
        return plan
    }

    /// Runs point `index` of the plan and writes its result to `tasks/<point>.json` (and its
    /// network to `networks/<point>.json`). Builds the point's model first if the RTL runs
    /// (through the model cache of ``hardware``) and measures its core when core sizes are
    /// asked for. A failing point is recorded as failed, as in a local sweep.
    /// - Throws: ``SweepError/invalidOption(option:message:)`` (`--point`) when there is no
    ///   plan, it is for other options, or `index` is outside it; ``OutputFileError``.
    public func runPoint(_ index: Int) throws -> SweepPoint {
        try validate()
        let runner = SweepPointRunner(configuration: configuration, hardware: hardware, files: files)
        let plan = try checkedPlan(option: "--point", runner: runner)
        guard plan.points.indices.contains(index) else {
            throw SweepError.invalidOption(option: "--point", message: "\(index) is out of range 0...\(plan.points.count - 1) "
                + "(\(files.path(SweepFiles.planName)) has \(plan.points.count) points)")
        }
        return try run([index], of: plan, runner: runner)[0]
    }

    /// Runs shard `shard` of `count` of the plan: the points `shard`, `shard + count`,
    /// `shard + 2 * count`, ... (strided, so every shard gets a share of each setting), one
    /// after the other in this process, each as ``runPoint(_:)`` runs it. One task running a
    /// shard pays the start and the reference figures once for its points.
    /// - Throws: ``SweepError/invalidOption(option:message:)`` (`--shard`) when there is no
    ///   plan, it is for other options, `count` exceeds its points or `shard` is not below
    ///   `count`; ``OutputFileError``.
    public func runShard(_ shard: Int, of count: Int) throws -> [(index: Int, point: SweepPoint)] {
        try validate()
        let runner = SweepPointRunner(configuration: configuration, hardware: hardware, files: files)
        let plan = try checkedPlan(option: "--shard", runner: runner)
        guard (1...plan.points.count).contains(count) else {
            throw SweepError.invalidOption(option: "--shard", message: "\(shard)/\(count): the shard count \(count) is out of "
                + "range 1...\(plan.points.count) (\(files.path(SweepFiles.planName)) has \(plan.points.count) points)")
        }
        guard (0..<count).contains(shard) else {
            throw SweepError.invalidOption(option: "--shard", message: "\(shard)/\(count): the shard \(shard) is out of range "
                + "0...\(count - 1)")
        }
        let indices = Array(stride(from: shard, to: plan.points.count, by: count))
        return zip(indices, try run(indices, of: plan, runner: runner)).map { ($0, $1) }
    }

    /// Runs the points at `indices` of `plan` and writes their task results.
    private func run(_ indices: [Int], of plan: SweepArrayPlan, runner: SweepPointRunner) throws -> [SweepPoint] {
        let config = configuration
        let files = self.files
        try files.create()
        let schedule = try SweepPlan(configuration: config, hardware: hardware, previous: []) { $0 }
        var failedBuilds: [ModelParameters: String] = [:]
        var results: [SweepPoint] = []
        for index in indices {
            let parameters = plan.points[index]
            var problem = schedule.pointProblems[parameters]
            if problem == nil, let model = schedule.pointModels[parameters], let hardware {
                if let failure = failedBuilds[model] {
                    problem = failure
                } else {
                    do {
                        if let seconds = try hardware.build(model) {
                            report(.note("built the model for \(SweepPlan.label(model)) in \(SweepTable.fixed(seconds, 1)) s"))
                        }
                    } catch {
                        problem = SweepPlan.buildFailure(model, error)
                        failedBuilds[model] = problem
                    }
                }
            }
            let clock = ContinuousClock()
            let begun = clock.now
            var point: SweepPoint
            if let problem {
                point = SweepPoint(parameters: parameters, status: .failed, reason: problem, samples: config.inputs.count)
            } else {
                point = runner.run(parameters)
            }
            point.seconds = (clock.now - begun).seconds
            if config.measureArea, let hardware {
                do {
                    point.area = try hardware.coreArea(hardware.coreParameters(SweepPlan.network(for: parameters, in: config))).area
                } catch {
                    point.areaNote = "\(error)"
                }
            }
            var document = plan.frame
            document.points = [point]
            try files.writeTask(document, for: parameters)
            results.append(point)
        }
        return results
    }

    /// Builds `sweep.json`, `sweep.csv` and the plots from the task results of every planned
    /// point. Points of the folder's earlier `sweep.json` (same key) that the plan does not
    /// hold are kept, as a resumed local sweep keeps them.
    /// - Throws: ``SweepError/invalidOption(option:message:)`` (`--merge`) when there is no
    ///   plan, it is for other options, or a planned point has no result (naming each by its
    ///   index); ``SweepError/differentSweep(path:differences:)`` when `sweep.json` holds
    ///   another sweep; ``OutputFileError``.
    public func merge() throws -> Sweep.Outcome {
        try validate()
        let plan = try checkedPlan(option: "--merge",
                                   runner: SweepPointRunner(configuration: configuration, hardware: hardware, files: files))
        let files = self.files
        let (results, skipped) = files.taskPoints(key: plan.frame.key)
        let missing = plan.points.indices.filter { results[plan.points[$0]] == nil }
        if !missing.isEmpty {
            let shown = missing.prefix(20).map { "\($0) (\(plan.points[$0]))" }.joined(separator: ", ")
                + (missing.count > 20 ? " and \(missing.count - 20) more" : "")
            throw SweepError.invalidOption(option: "--merge", message: "\(missing.count) of the \(plan.points.count) "
                + "planned points have no result in \(files.path(SweepFiles.tasksFolder)): \(shown)"
                + (skipped.isEmpty ? "" : "; skipped as another sweep's or unreadable: "
                    + skipped.joined(separator: ", "))
                + ". Run those tasks again (--point, e.g. sbatch --array=\(Self.arraySpec(missing))), or run the sweep "
                + "here with the same options and --out (it takes the finished tasks as done)")
        }
        var points: [SweepPointParameters: SweepPoint] = [:]
        var kept = 0
        if let existing = try files.existing() {
            let differences = plan.frame.key.differences(from: existing.key)
            if !differences.isEmpty {
                throw SweepError.differentSweep(path: files.path(SweepFiles.jsonName), differences: differences)
            }
            for point in existing.points where results[point.parameters] == nil && !plan.points.contains(point.parameters) {
                points[point.parameters] = point
                kept += 1
            }
        }
        for parameters in plan.points { points[parameters] = results[parameters] }
        var document = plan.frame
        document.points = points.values.sorted { $0.parameters < $1.parameters }
        try files.write(document)
        return Sweep.Outcome(document: document, counts: SweepSummary.RunCounts(ran: plan.points.count, reused: kept),
                             files: files)
    }

    /// `3,5,7-9`: indices as a Slurm `--array` list.
    public static func arraySpec(_ indices: [Int]) -> String {
        var ranges: [(first: Int, last: Int)] = []
        for index in indices.sorted() {
            if let open = ranges.last, index == open.last + 1 {
                ranges[ranges.count - 1].last = index
            } else {
                ranges.append((index, index))
            }
        }
        return ranges.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)-\($0.last)" }.joined(separator: ",")
    }
}
