import ArgumentParser
import Foundation
import StemModel
import StemSupport
import StemSweep

/// `stemsim analyze`: the SDANN paper's figures and tables that need only the golden model
/// (Fig. 7(a), Fig. 8, Fig. 12, Tables IV-IX), as CSV and SVG files in one folder
/// (docs/paper.md).
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "The paper's figures on the golden model: potentials, bit statistics, SOPs per layer, RoT/DRLO, energy.",
        discussion: """
            Runs the network on the golden model (no RTL) and writes into --out: summary.csv; \
            fig7a-potentials.csv/.svg (the first dense layer's potentials at the end of each window \
            without scaled integration, against the 16-bit range); fig8-bits.csv/.svg (the 1-bits \
            per bit position of every layer; the plot shows the first conv layer); \
            fig12-sops.csv/.svg (spikes and SOPs per layer, totals with and without the input and \
            output layers); sparsity.csv/.svg (Tables IV-VIII: RoT r and DRLO K on every hidden \
            layer, and a hybrid per-layer setting found by a greedy search within --max-loss); \
            hybrid-search.csv (the search's steps); energy.csv/.svg (Table IX: SOPs x --sop-pj \
            against the quantized ANN's MACs x --mac-pj). Files in --out with these names are \
            replaced, all together. Exit codes: 0 success, 2 bad input or usage, 3 a tool or \
            environment failure.
            """)

    @Option(help: ArgumentHelp("The network file (default: the digits example).", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("The inputs file (samples and optional labels).", valueName: "file"))
    var inputs: String?

    @Option(help: ArgumentHelp("Run only the first N samples.", valueName: "N"), transform: OptionBounds.limit.parse)
    var limit: Int?

    @Option(help: ArgumentHelp("The output folder (created if needed).", valueName: "folder"))
    var out = "analyze-out"

    @Option(name: .customLong("max-loss"),
            help: ArgumentHelp("Accuracy the hybrid RoT/DRLO search may lose, in percentage points (0...100, default 0.5).",
                               valueName: "points"),
            transform: AnalyzeCommand.maxLoss)
    var maxLoss = 0.5

    @Option(help: OptionBounds.jobs.help("Golden runs at once", valueName: "N"), transform: OptionBounds.jobs.parse)
    var jobs = OptionBounds.jobs.defaultValue

    @OptionGroup(title: "Energy")
    var energy: EnergyArguments

    func validate() throws {
        if out.isEmpty { throw ValidationError("--out must name a folder") }
    }

    static func maxLoss(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite, AnalysisConfiguration.maxLossRange.contains(value) else {
            throw ValidationError("--max-loss must be a number of percentage points in 0...100, got \(text)")
        }
        return value
    }

    func run() throws {
        let networkPath = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let inputsPath = try Run.inputPath(inputs, default: Run.defaultInputs, option: "--inputs")
        var plan = FilePlan()
        plan.input("--network", networkPath)
        plan.input("--inputs", inputsPath)
        for name in AnalysisFiles.names {
            plan.output("--out (its \(name))", out + "/" + name, use: .laterOutput)
        }
        try plan.validate()
        if let problem = Self.folderProblem(out) { throw CommandFailure(.badInput, "--out \(out): \(problem)") }
        let net = try Network.load(from: networkPath)
        var inputSet = try InputSet.load(from: inputsPath, for: net)
        if let limit { inputSet = inputSet.prefix(limit) }
        let configuration = AnalysisConfiguration(
            network: net, networkFile: networkPath, inputs: inputSet, inputsFile: inputsPath, maxLoss: maxLoss,
            energy: energy.model, jobs: jobs)
        do {
            try configuration.validate()
        } catch {
            throw CommandFailure(.badInput, error.description)
        }
        let line = ProgressLine()
        let analysis = try NetworkAnalysis.run(configuration) { line.note($0) }
        line.finish()
        do {
            try AnalysisFiles.write(analysis, to: out)
        } catch let error as SweepError {
            throw CommandFailure(.badInput, error.description)
        }
        print(Self.summary(analysis))
        print("files      " + AnalysisFiles.names.map { out + "/" + $0 }.joined(separator: ", "))
    }

    /// Why `path` cannot be the output folder: it exists and is no folder, or its parent does
    /// not exist or is not writable; nil when it can.
    static func folderProblem(_ path: String) -> String? {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if !isFolder.boolValue { return "exists and is not a folder" }
            return FileManager.default.isWritableFile(atPath: path) ? nil : "the folder is not writable"
        }
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            return "its parent folder \(folder) does not exist"
        }
        return FileManager.default.isWritableFile(atPath: folder) ? nil : "its parent folder \(folder) is not writable"
    }

    /// The lines printed at the end.
    static func summary(_ a: NetworkAnalysis) -> String {
        let S = Double(a.samples)
        func f(_ v: Double, _ digits: Int = 2) -> String { decimalText(v, places: digits) }
        let h = PotentialHistogram(a.sums, markedBits: a.configuration.markedBits)
        let names = a.sparsifiedLayers.map { a.layerNames[$0] }
        let hybrid = a.hybridResult
        var lines = [
            "network    \(a.configuration.networkFile): \(a.network.layerSummary), \(a.samples) samples",
            "accuracy   " + f(a.baseline.accuracyPercent) + "% (\(a.baseline.correct)/\(a.samples))"
                + (a.hasLabels ? "" : " (no labels: agreement with itself)"),
            "fig 7(a)   \(a.layerNames[a.sumsLayer]) potentials without scaled integration: \(h.smallest)..\(h.largest), "
                + "\(h.outsideMarkedRange) of \(h.total) (" + f(h.outsidePercent) + "%) outside \(h.markedBits) bits; "
                + "\(a.sumsBitsNeeded) bits needed over all steps",
        ]
        let l = a.bitsLayer, B = a.network.timeSteps
        let shares = (0..<B).reversed().map { f(100 * Double(a.profile.onesPerBit[l][$0]) / Double(max(1, a.profile.valueCounts[l])), 1) }
        lines.append("fig 8      \(a.layerNames[l]) 1-bits per position (bit \(B - 1)..0, %): " + shares.joined(separator: " "))
        lines.append("fig 12     SOPs per sample " + f(Double(a.baseline.totalSOPs) / S, 1) + ", without input and output "
            + f(Double(a.baseline.hiddenSOPs) / S, 1) + "; per layer " + (0..<a.network.depth).map {
                "\(a.layerNames[$0]) " + f(Double(a.profile.sops[$0]) / S, 0) }.joined(separator: ", "))
        if !a.rot.isEmpty {
            func item(_ label: String, _ o: SparsityOutcome) -> String {
                "\(label) " + f(o.accuracyPercent) + "%/-" + f(o.hiddenReductionPercent(against: a.baseline), 1) + "%"
            }
            lines.append("rot        " + a.rot.enumerated().map { item("r\($0 + 1)", $1) }.joined(separator: ", ")
                + " (accuracy / SOPs without input)")
            lines.append("drlo       " + a.drlo.enumerated().map { item("k\(B - 1 - $0)", $1) }.joined(separator: ", "))
            lines.append("hybrid     " + hybrid.settingsText(names: names) + ": " + f(hybrid.accuracyPercent) + "% (loss "
                + f(hybrid.lossPoints(against: a.baseline)) + " points, at most " + f(a.configuration.maxLoss) + "), SOPs -"
                + f(hybrid.hiddenReductionPercent(against: a.baseline), 1) + "% without input, -"
                + f(hybrid.totalReductionPercent(against: a.baseline), 1) + "% all")
        }
        let rows = AnalysisTables.energyRows(a)
        lines.append("energy     per sample: " + rows.map { "\($0.name) " + f($0.operations, 0) + " x "
            + f($0.picojoules, 3) + " pJ = " + f($0.operations * $0.picojoules / 1e3, 3) + " nJ" }.joined(separator: "; "))
        lines.append("           (\(a.configuration.energy.source))")
        return lines.joined(separator: "\n")
    }
}
