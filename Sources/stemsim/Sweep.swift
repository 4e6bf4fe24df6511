import ArgumentParser
import Foundation
import StemModel
import StemRTL
import StemSupport
import StemSweep

/// `stemsim sweep`: the accumulator bit-width sweep (docs/sweep.md). For every combination of
/// the listed widths, scaled-integration, overflow and sparsification settings it runs the
/// inputs (golden model, RTL, or both in lockstep), and writes the table, the JSON and the plots.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Sweep the accumulator width (and RoT/DRLO): accuracy, overflow, SOPs, energy and core size per point.",
        discussion: """
            Every list option takes comma-separated values; --acc-bits also takes ranges \
            (8...32, or 8...12,16,24). Energies are SOPs x --sop-pj and MACs x --mac-pj \
            (default: the SDANN paper's 0.03 pJ per 8-bit add and 0.23 pJ per 8-bit MAC). A point is one combination of --acc-bits, --scaled, \
            --overflow, --rot and --drlo. Files in --out: sweep.csv, sweep.json, sweep.svg \
            (accuracy against width), sweep-sparsity.svg (when RoT/DRLO are swept) and \
            networks/<point>.json (the network each point ran). Rerunning with the same --out \
            skips the points already done; a folder holding a sweep of another network, \
            inputs, engine or hardware is refused unless --restart is given. \
            On a cluster (docs/cluster.md): --plan writes plan.json (the points in task order), \
            --point N runs point N of it into tasks/ (a job-array task; --shard i/n runs every \
            n-th point from point i), --merge builds the \
            same files a local run writes from the tasks' results; give all three the same \
            options. \
            Exit codes: 0 success, 1 the RTL and the golden model disagree in some point, \
            2 bad input or usage, 3 a point failed (build error) or a tool or environment failure.
            """)

    @Option(help: ArgumentHelp("The network file (default: the digits example).", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("The inputs file (samples and optional labels).", valueName: "file"))
    var inputs: String?

    @Option(help: ArgumentHelp("The calibration set --scaled auto chooses its shifts on (an inputs file; default: "
                               + "calibration.json beside the network, the training split for the bundled examples). "
                               + "It must share no sample with --inputs.", valueName: "file"))
    var calibration: String?

    @Option(name: .customLong("acc-bits"), help: ArgumentHelp("Accumulator widths: a range and/or a list.", valueName: "list"))
    var accBits = "8...32"

    @Option(help: ArgumentHelp("Scaled integration: none, auto, or both.", valueName: "list"))
    var scaled = "none,auto"

    @Option(help: ArgumentHelp("Overflow modes: wrap, saturate, or both.", valueName: "list"))
    var overflow = "wrap"

    @Option(help: "golden, rtl, or both (the RTL cross-checked against the golden model in lockstep).")
    var engine: SweepEngine = .both

    @Option(help: OptionBounds.jobs.help("Points, model builds and syntheses run at once", valueName: "N"),
            transform: OptionBounds.jobs.parse)
    var jobs = OptionBounds.jobs.defaultValue

    @Option(help: ArgumentHelp("Run only the first N samples.", valueName: "N"), transform: OptionBounds.limit.parse)
    var limit: Int?

    @Option(help: ArgumentHelp("The output folder (created if needed).", valueName: "folder"))
    var out = "sweep-out"

    @Option(help: ArgumentHelp("RoT factors to sweep (default: the network's own).", valueName: "list"))
    var rot: String?

    @Option(help: ArgumentHelp("DRLO limits to sweep (default: the network's own).", valueName: "list"))
    var drlo: String?

    @Option(name: .customLong("bias-bits"),
            help: ArgumentHelp("Bias widths to sweep (biasBits, the RTL's BiasBits; default: the network's own).",
                               valueName: "list"))
    var biasBits: String?

    @Flag(help: "Apply --rot/--drlo to the output layer too (by default only to the layers whose spikes cost SOPs).")
    var sparsifyOutput = false

    @Flag(help: "Do not synthesize the core with Yosys (no core size column).")
    var noArea = false

    @Flag(help: "Discard the points of an earlier sweep in --out instead of reusing them.")
    var restart = false

    @Flag(name: .customLong("plan"),
          help: "Write --out/plan.json, the points in the order of the tasks of a job array (--point), and stop.")
    var writePlan = false

    @Option(help: ArgumentHelp("Run only point N of --out/plan.json (a job-array task: --point $SLURM_ARRAY_TASK_ID) and "
                               + "write its result to --out/tasks/.", valueName: "N"),
            transform: SweepCommand.taskIndex)
    var point: Int?

    @Option(help: ArgumentHelp("Run shard i of n of --out/plan.json: its points i, i+n, i+2n, ... (a job-array task "
                               + "running several points: --shard $SLURM_ARRAY_TASK_ID/n; 0 <= i < n <= the points).",
                               valueName: "i/n"),
            transform: ShardSpec.parse)
    var shard: ShardSpec?

    @Flag(help: "Build sweep.json, sweep.csv and the plots from the results of the tasks of --out/plan.json.")
    var merge = false

    @OptionGroup(title: "Energy")
    var energy: EnergyArguments

    func validate() throws {
        _ = try Self.widths(accBits)
        _ = try Self.choices(scaled, option: "--scaled", as: ScaledIntegration.self)
        _ = try Self.choices(overflow, option: "--overflow", as: OverflowMode.self)
        if let rot { _ = try Self.integers(rot, bounds: OptionBounds.rot) }
        if let drlo { _ = try Self.integers(drlo, bounds: OptionBounds.drlo) }
        if let biasBits { _ = try Self.integers(biasBits, bounds: OptionBounds.biasBits) }
        if out.isEmpty { throw ValidationError("--out must name a folder") }
        let modes = [writePlan ? "--plan" : nil, point.map { "--point \($0)" }, shard.map { "--shard \($0.index)/\($0.count)" },
                     merge ? "--merge" : nil].compactMap { $0 }
        if modes.count > 1 {
            throw ValidationError("\(modes.joined(separator: ", ")): give at most one of --plan, --point, --shard and --merge")
        }
        if restart, let mode = modes.first, !writePlan {
            throw ValidationError("--restart: not with \(mode); it discards the folder's results, pass it with --plan")
        }
    }

    /// A task index: an integer (its range is the plan's, checked when the plan is read).
    static func taskIndex(_ text: String) throws -> Int {
        guard let value = Int(text) else {
            throw ValidationError("--point: '\(text)' is not a task index (an integer from 0)")
        }
        return value
    }

    func run() throws {
        let networkPath = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let inputsPath = try Run.inputPath(inputs, default: Run.defaultInputs, option: "--inputs")
        let scaledChoices = try Self.choices(scaled, option: "--scaled", as: ScaledIntegration.self)
        var plan = FilePlan()
        plan.input("--network", networkPath)
        plan.input("--inputs", inputsPath)
        if let calibration {
            plan.input("--calibration", calibration)
        } else if scaledChoices.contains(.auto) {
            plan.input("--calibration (default)", Self.defaultCalibrationPath(networkPath: networkPath))
        }
        for name in [SweepFiles.jsonName, SweepFiles.csvName, SweepFiles.plotName, SweepFiles.sparsityPlotName] {
            plan.output("--out (its \(name))", out + "/" + name, use: .laterOutput)
        }
        plan.ownedFolder("--out (its \(SweepFiles.networksFolder) folder)", out + "/" + SweepFiles.networksFolder)
        plan.output("--out (its \(SweepFiles.planName))", out + "/" + SweepFiles.planName, use: .laterOutput)
        plan.ownedFolder("--out (its \(SweepFiles.tasksFolder) folder)", out + "/" + SweepFiles.tasksFolder)
        try plan.validate()
        let calibrationPath = try Self.calibrationPath(calibration, networkPath: networkPath,
                                                       auto: scaledChoices.contains(.auto))
        let net = try Network.load(from: networkPath)
        var inputSet = try InputSet.load(from: inputsPath, for: net)
        if let limit { inputSet = inputSet.prefix(limit) }
        let calibrationSet = try calibrationPath.map {
            SweepCalibration(file: $0, inputs: try InputSet.load(from: $0, for: net))
        }

        let configuration = SweepConfiguration(
            network: net, networkFile: networkPath, inputs: inputSet, inputsFile: inputsPath,
            calibration: calibrationSet, accBits: try Self.widths(accBits), scaled: scaledChoices,
            overflow: try Self.choices(overflow, option: "--overflow", as: OverflowMode.self),
            rot: try rot.map { try Self.integers($0, bounds: OptionBounds.rot) } ?? [nil],
            drlo: try drlo.map { try Self.integers($0, bounds: OptionBounds.drlo) } ?? [nil],
            biasBits: try biasBits.map { try Self.integers($0, bounds: OptionBounds.biasBits) } ?? [nil],
            sparsifiedLayers: sparsifyOutput ? .all : .hidden, engine: engine, jobs: jobs,
            measureArea: !noArea, outputDirectory: out, restart: restart,
            energy: energy.model)
        do {
            try configuration.validate()
        } catch {
            throw CommandFailure(.badInput, error.description)
        }

        var hardware: SweepHardware?
        if engine.runsRTL || !noArea {
            var builder = try ModelBuilder()
            // The sweep runs up to --jobs builds at once; share the cores between them (a task
            // of a job array builds one model at most).
            builder.jobs = max(1, ProcessInfo.processInfo.activeProcessorCount / (point == nil && shard == nil ? jobs : 1))
            hardware = .verilated(builder: builder)
        }
        let line = ProgressLine()
        let events: @Sendable (SweepEvent) -> Void = { event in
            switch event {
            case .progress(let progress): line.update(progress)
            case .note(let text): line.note(text)
            }
        }
        let array = SweepArray(configuration: configuration, hardware: hardware, events: events)
        if writePlan || point != nil || shard != nil {
            try runTask(array, line: line)
            return
        }
        let sweep = StemSweep.Sweep(configuration: configuration, hardware: hardware, events: events)
        let outcome: StemSweep.Sweep.Outcome
        do {
            outcome = try merge ? array.merge() : sweep.run()
        } catch let error as SweepError {
            // Bad options, an unusable --out, or a folder holding another sweep.
            line.finish()
            throw CommandFailure(.badInput, error.description)
        } catch {
            line.finish()
            throw error
        }
        line.finish()
        let shape = net.layerSummary
        print(SweepSummary.text(of: outcome.document, counts: outcome.counts, shape: shape))
        var written = [SweepFiles.csvName, SweepFiles.jsonName, SweepFiles.plotName]
        if FileIO.exists(outcome.files.path(SweepFiles.sparsityPlotName)) { written.append(SweepFiles.sparsityPlotName) }
        print("files      " + written.map { outcome.files.path($0) }.joined(separator: ", ")
            + ", \(outcome.files.path(SweepFiles.networksFolder))/")

        let analysis = SweepAnalysis(document: outcome.document)
        if !analysis.mismatchedPoints.isEmpty {
            throw CommandFailure(.mismatch, "the RTL and the golden model disagree in \(analysis.mismatchedPoints.count) "
                + "point(s): " + analysis.mismatchedPoints.map { "\($0.parameters)" }.joined(separator: "; "))
        }
        let failed = outcome.document.points.filter { $0.status == .failed }
        if !failed.isEmpty {
            throw CommandFailure(.environment, "\(failed.count) point(s) failed (see the reason column of "
                + "\(outcome.files.path(SweepFiles.csvName))); rerun to retry them")
        }
    }

    /// `--plan` (write the plan), `--point N` (run one point of it) or `--shard i/n` (every
    /// n-th point of it from point i).
    private func runTask(_ array: SweepArray, line: ProgressLine) throws {
        let files = SweepFiles(directory: out)
        do {
            if writePlan {
                let plan = try array.writePlan()
                let count = plan.points.count
                print("plan       \(files.path(SweepFiles.planName))")
                print("points     \(count) (tasks 0...\(count - 1): --point N, or sbatch --array=0-\(count - 1) "
                    + "scripts/slurm/sweep.sbatch with these options; then --merge)")
                return
            }
            let results: [(index: Int, point: SweepPoint)]
            if let shard {
                results = try array.runShard(shard.index, of: shard.count)
            } else if let point {
                results = [(point, try array.runPoint(point))]
            } else {
                return
            }
            line.finish()
            for (index, result) in results {
                let accuracy = result.correct.map { " \($0)/\(result.samples) correct," } ?? ""
                print("point      \(index): \(result.parameters): \(result.status.rawValue),\(accuracy) "
                    + "\(decimalText(result.seconds, places: 1)) s -> \(files.path(SweepFiles.taskFile(for: result.parameters)))")
            }
            let mismatched = results.filter { $0.point.hasMismatch }
            if !mismatched.isEmpty {
                throw CommandFailure(.mismatch, "the RTL and the golden model disagree in point(s) "
                    + mismatched.map { "\($0.index) (\($0.point.parameters): \($0.point.mismatchSteps ?? 0) divergent steps, "
                        + "\($0.point.mismatchSpikes ?? 0) differing spikes)" }.joined(separator: ", "))
            }
            let failed = results.filter { $0.point.status == .failed }
            if !failed.isEmpty {
                throw CommandFailure(.environment, "point(s) failed: "
                    + failed.map { "\($0.index) (\($0.point.parameters)): \($0.point.reason ?? "")" }.joined(separator: "; "))
            }
        } catch let error as SweepError {
            line.finish()
            throw CommandFailure(.badInput, error.description)
        }
    }

    /// The calibration file: `--calibration`, else `calibration.json` beside the network when
    /// `--scaled auto` is swept and that file exists; nil without `auto` (a `--calibration` then
    /// is refused by ``SweepConfiguration/validate()``).
    /// - Throws: ``CommandFailure`` (exit 2) when `auto` is swept and there is no calibration set.
    static func calibrationPath(_ given: String?, networkPath: String, auto: Bool) throws -> String? {
        if let given { return given }
        guard auto else { return nil }
        let beside = defaultCalibrationPath(networkPath: networkPath)
        guard FileIO.exists(beside) else {
            throw CommandFailure(.badInput, "--calibration: --scaled auto chooses its shifts on a calibration set, never "
                + "on the scored samples; none given and the default \(beside) (beside the network) does not exist; "
                + "name one with --calibration FILE (an inputs file sharing no sample with --inputs)")
        }
        return beside
    }

    /// `calibration.json` in the network's folder.
    static func defaultCalibrationPath(networkPath: String) -> String {
        let folder = networkPath.lastIndex(of: "/").map { String(networkPath[...$0]) } ?? ""
        return folder + SweepCalibration.defaultFileName
    }

    // MARK: Option lists

    /// `8...32`, `12,16,20`, `8...12,16`. Every bound is checked against
    /// ``OptionBounds/accBits`` before a range is expanded.
    static func widths(_ text: String) throws -> [Int] {
        let bounds = OptionBounds.accBits
        var result: [Int] = []
        for item in try items(text, option: bounds.name) {
            if let range = item.range(of: "...") {
                let low = item[..<range.lowerBound], high = item[range.upperBound...]
                guard let a = Int(low), let b = Int(high) else {
                    throw ValidationError("--acc-bits: '\(item)' is not a range like 8...32 (each end in \(bounds.rangeText))")
                }
                guard a <= b else { throw ValidationError("--acc-bits: the range \(item) is empty") }
                // The first width outside the allowed range, found without expanding the range.
                if a < bounds.range.lowerBound || b > bounds.range.upperBound {
                    let first = a < bounds.range.lowerBound ? a : bounds.range.upperBound + 1
                    throw ValidationError("--acc-bits: \(first) is out of range \(bounds.rangeText) (in \(item))")
                }
                result += Array(a...b)
            } else if let value = Int(item) {
                if !bounds.range.contains(value) {
                    throw ValidationError("--acc-bits: \(item) is out of range \(bounds.rangeText)")
                }
                result.append(value)
            } else {
                throw ValidationError("--acc-bits: '\(item)' is not a width; expected a list like 12,16,20 or a range "
                    + "like 8...32, each width in \(bounds.rangeText)")
            }
        }
        try checkUnique(result.map(String.init), option: bounds.name)
        return result
    }

    /// A list of integers, each in `bounds`.
    static func integers(_ text: String, bounds: OptionBounds.IntegerOption) throws -> [Int?] {
        let values = try items(text, option: bounds.name).map { item -> Int in
            guard let value = Int(item), value >= 0 else {
                throw ValidationError("\(bounds.name): '\(item)' is not a non-negative integer (at most \(bounds.range.upperBound))")
            }
            if value > bounds.range.upperBound {
                throw ValidationError("\(bounds.name): \(item) is out of range \(bounds.rangeText)")
            }
            return value
        }
        try checkUnique(values.map(String.init), option: bounds.name)
        return values
    }

    static func choices<T: RawRepresentable & CaseIterable>(_ text: String, option: String, as type: T.Type) throws -> [T]
    where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        let values = try items(text, option: option).map { item -> T in
            guard let value = T(rawValue: item) else {
                throw ValidationError("\(option): '\(item)' is not one of \(allowed)")
            }
            return value
        }
        try checkUnique(values.map(\.rawValue), option: option)
        return values
    }

    private static func items(_ text: String, option: String) throws -> [String] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if parts.contains(where: \.isEmpty) {
            throw ValidationError("\(option): '\(text)' has an empty item; separate values with single commas")
        }
        return parts
    }

    private static func checkUnique(_ values: [String], option: String) throws {
        var seen = Set<String>()
        for value in values where !seen.insert(value).inserted {
            throw ValidationError("\(option): \(value) is listed twice")
        }
    }
}

extension SweepEngine: ExpressibleByArgument {}
