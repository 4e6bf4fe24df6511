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
/// ```
public struct SweepFiles: Sendable {
    public static let jsonName = "sweep.json"
    public static let csvName = "sweep.csv"
    public static let plotName = "sweep.svg"
    public static let sparsityPlotName = "sweep-sparsity.svg"
    public static let networksFolder = "networks"

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
