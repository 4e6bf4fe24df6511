import Foundation

/// The text of every hardware source a model build may use: the RTL (`rtl/`), the C shim
/// (`Sources/CStemShim/`) and the testbenches (`testbenches/`).
///
/// By default these are the sources compiled into stemsim (``embedded``). Setting
/// `STEM_RTL_DIR` to a repository checkout makes ``current(environment:layout:)`` read the same
/// folders from there instead, so edited RTL can be tried without rebuilding stemsim.
public struct HardwareSources: Hashable, Sendable {
    /// One source file.
    public struct File: Hashable, Sendable {
        /// The path relative to the repository root, with `/` separators.
        public var path: String
        /// The file's UTF-8 text.
        public var text: String

        /// A file at `path` holding `text`.
        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// Where a set of sources came from, for messages.
    public enum Origin: Hashable, Sendable, CustomStringConvertible {
        /// Compiled into this build of stem-cosim.
        case embedded
        /// Read from a checkout (`STEM_RTL_DIR`).
        case directory(String)
        /// Put together by a program (tests).
        case custom

        public var description: String {
            switch self {
            case .embedded: "the hardware sources built into stemsim"
            case .directory(let path): "the hardware sources in \(path)"
            case .custom: "the given hardware sources"
            }
        }
    }

    /// The environment variable naming a checkout to read the sources from.
    public static let directoryVariable = "STEM_RTL_DIR"

    /// The files, sorted by path, paths unique.
    public let files: [File]
    /// Where they came from.
    public let origin: Origin

    /// Sources made of `files` (sorted here; a later file replaces an earlier one at the same
    /// path).
    public init(files: [File], origin: Origin = .custom) {
        var byPath: [String: File] = [:]
        for file in files { byPath[file.path] = file }
        self.files = byPath.values.sorted { $0.path < $1.path }
        self.origin = origin
    }

    /// The sources compiled into this build of stem-cosim.
    public static var embedded: HardwareSources {
        HardwareSources(files: EmbeddedHardwareSources.files.map { File(path: $0.path, text: $0.text) },
                        origin: .embedded)
    }

    /// Reads the layout's source folders from a repository checkout.
    ///
    /// - Throws: ``ModelBuildError/sourcesUnreadable(path:reason:)`` if `directory` has no RTL
    ///   folder or a file cannot be read as UTF-8.
    public init(directory: URL, layout: HardwareLayout = .standard) throws(ModelBuildError) {
        let fm = FileManager.default
        let root = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        let rtl = root.appendingPathComponent(layout.rtlFolder)
        guard fm.fileExists(atPath: rtl.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .sourcesUnreadable(
                path: root.path,
                reason: "it has no \(layout.rtlFolder)/ folder; \(Self.directoryVariable) must name a stem-cosim checkout (the folder holding \(layout.rtlFolder)/ and Sources/CStemShim/)")
        }
        var files: [File] = []
        for folder in layout.sourceFolders {
            let base = root.appendingPathComponent(folder)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else {
                continue
            }
            for case let url as URL in walker {
                let name = url.lastPathComponent
                guard layout.sourceEndings.contains(where: { name.hasSuffix($0) }) else { continue }
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                let path = url.standardizedFileURL.path
                guard path.hasPrefix(root.path + "/") else { continue }
                let relative = String(path.dropFirst(root.path.count + 1))
                guard let data = fm.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw .sourcesUnreadable(path: path, reason: "it cannot be read as UTF-8 text")
                }
                files.append(File(path: relative, text: text))
            }
        }
        self.init(files: files, origin: .directory(root.path))
    }

    /// The sources to build with: those in `$STEM_RTL_DIR` if it is set, else ``embedded``.
    public static func current(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        layout: HardwareLayout = .standard
    ) throws(ModelBuildError) -> HardwareSources {
        if let directory = environment[directoryVariable], !directory.isEmpty {
            return try HardwareSources(directory: URL(fileURLWithPath: directory), layout: layout)
        }
        return embedded
    }

    /// The file at `path`, if there is one.
    public func file(atPath path: String) -> File? {
        files.first { $0.path == path }
    }

    /// Writes every file under `directory`, creating folders as needed.
    func materialize(into directory: URL) throws {
        let fm = FileManager.default
        for file in files {
            let parts = file.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !file.path.hasPrefix("/"), !parts.contains(".."), !parts.contains("") else {
                throw ModelBuildError.sourcesUnreadable(
                    path: file.path, reason: "a source path must be relative and stay inside the build folder")
            }
            let url = directory.appendingPathComponent(file.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url)
        }
    }
}
