import Foundation
import StemModel
import StemSupport

/// The files of a sweep folder, each written atomically (a temporary file renamed into place),
/// so a folder never holds a half-written one, even when a sweep is interrupted.
///
/// ```
/// sweep.json            every point with every figure, the key and the reference
/// sweep.csv             the same, one row per point
/// sweep.svg             accuracy against accumulator bits
/// sweep-sparsity.svg    accuracy against SOP reduction (when RoT/DRLO are swept)
/// networks/<point>.json the network each point ran (stemsim run --network reproduces it)
/// plan.json             the points of a job-array sweep, in task order (`--plan`)
/// tasks/<point>.json    one task's result (`--point`): a sweep.json holding that point
/// ```
public struct SweepFiles: Sendable {
    public static let jsonName = "sweep.json"
    public static let csvName = "sweep.csv"
    public static let plotName = "sweep.svg"
    public static let sparsityPlotName = "sweep-sparsity.svg"
    public static let networksFolder = "networks"
    public static let planName = "plan.json"
    public static let tasksFolder = "tasks"

    /// The folder.
    public let directory: String

    public init(directory: String) {
        self.directory = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    public func path(_ name: String) -> String { directory + "/" + name }

    /// The network file of a point, relative to the folder.
    public static func networkFile(for point: SweepPointParameters) -> String {
        networksFolder + "/" + point.name + ".json"
    }

    /// The result file of a task that ran `point`, relative to the folder.
    public static func taskFile(for point: SweepPointParameters) -> String {
        tasksFolder + "/" + point.name + ".json"
    }

    /// Creates the folder and its `networks/` folder.
    func create() throws(SweepError) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            throw .outputUnusable(path: directory, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: path(Self.networksFolder), withIntermediateDirectories: true)
        } catch {
            throw .outputUnusable(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// The earlier sweep in the folder, if there is one.
    func existing() throws(SweepError) -> SweepDocument? {
        let file = path(Self.jsonName)
        guard FileIO.exists(file) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try FileIO.read(file)
        } catch {
            throw .unreadableSweep(path: file, message: error.message)
        }
        return try SweepDocument(parsing: bytes, file: file)
    }

    /// Removes the network files of an earlier sweep (on restart).
    func removeNetworks() {
        let folder = path(Self.networksFolder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// Removes the task results and the plan of an earlier job-array sweep (on restart).
    func removeTasks() {
        let folder = path(Self.tasksFolder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
        try? FileManager.default.removeItem(atPath: path(Self.planName))
    }

    /// The plan in the folder, nil if there is none.
    func plan() throws(SweepError) -> SweepArrayPlan? {
        let file = path(Self.planName)
        guard FileIO.exists(file) else { return nil }
        do {
            return try SweepArrayPlan(parsing: try FileIO.read(file), file: file)
        } catch let error as SweepError {
            throw error
        } catch {
            throw .unreadableSweep(path: file, message: "\(error)")
        }
    }

    /// Writes `plan.json`.
    func write(_ plan: SweepArrayPlan) throws(OutputFileError) {
        let writer = try AtomicFileWriter(path: path(Self.planName))
        try writer.write(plan.jsonText)
        try writer.commit()
    }

    /// Writes a task's result: a sweep document holding its one point, in `tasks/`.
    func writeTask(_ document: SweepDocument, for point: SweepPointParameters) throws(OutputFileError) {
        // Made here, not by create(): only a job-array sweep has one. A failure shows as the
        // writer's (the folder does not exist).
        try? FileManager.default.createDirectory(atPath: path(Self.tasksFolder), withIntermediateDirectories: true)
        let writer = try AtomicFileWriter(path: path(Self.taskFile(for: point)))
        try writer.write(document.jsonText)
        try writer.commit()
    }

    /// The points of the task results in `tasks/` whose sweep has `key`, by parameters; a file
    /// of another sweep (an earlier plan), or one that cannot be read, is skipped and named in
    /// `skipped`.
    func taskPoints(key: SweepDocument.Key) -> (points: [SweepPointParameters: SweepPoint], skipped: [String]) {
        let folder = path(Self.tasksFolder)
        var points: [SweepPointParameters: SweepPoint] = [:]
        var skipped: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }
        for name in names.sorted() {
            let file = folder + "/" + name
            guard let bytes = try? FileIO.read(file), let document = try? SweepDocument(parsing: bytes, file: file),
                  document.key == key else {
                skipped.append(Self.tasksFolder + "/" + name)
                continue
            }
            for point in document.points { points[point.parameters] = point }
        }
        return (points, skipped)
    }

    /// Writes a point's network.
    func write(_ network: Network, for point: SweepPointParameters) throws(OutputFileError) -> String {
        let relative = Self.networkFile(for: point)
        try network.write(to: path(relative))
        return relative
    }

    /// Writes `sweep.json`, `sweep.csv`, `sweep.svg` and, when the sparsification is swept,
    /// `sweep-sparsity.svg`, all or none (``AtomicFileWriter/commitAll(_:)``).
    public func write(_ document: SweepDocument) throws(OutputFileError) {
        var files = [(Self.jsonName, document.jsonText), (Self.csvName, SweepTable.csv(of: document)),
                     (Self.plotName, AccuracyPlot.svg(of: document))]
        if let sparsity = SparsityPlot.svg(of: document) { files.append((Self.sparsityPlotName, sparsity)) }
        var writers: [AtomicFileWriter] = []
        for (name, text) in files {
            let writer = try AtomicFileWriter(path: path(name))
            writers.append(writer)
            try writer.write(text)
        }
        try AtomicFileWriter.commitAll(writers)
    }
}
