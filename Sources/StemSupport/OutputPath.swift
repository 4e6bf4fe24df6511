/// What an output path names now, and how an output is written to it without replacing
/// anything that is not the program's to replace.
///
/// - A missing path or a regular file is written through a temporary file beside it and
///   renamed onto it (``Destination/replace(target:)``).
/// - A symbolic link is followed (through every link) and its final target written that way;
///   the link itself stays.
/// - A character device (`/dev/null`, a terminal) or a FIFO, and the descriptor paths
///   `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, are written directly
///   (``Destination/stream(path:)``): no temporary file, nothing renamed, the node stays.
/// - A folder, a socket or a block device is refused.
public enum OutputPath {
    /// How an output is written.
    public enum Destination: Equatable, Sendable {
        /// A temporary file beside `target`, renamed onto it when complete.
        case replace(target: String)
        /// Written directly, as produced.
        case stream(path: String)
    }

    /// How to write an output to `path`.
    /// - Throws: ``OutputFileError`` with operation `create`: the path names a folder or a
    ///   socket, a symbolic link loops, the folder it goes into is missing or not a folder.
    public static func destination(of path: String) throws(OutputFileError) -> Destination {
        guard !path.isEmpty else { throw OutputFileError(path: path, operation: .create, reason: "the path is empty") }
        var current = path
        for _ in 0..<40 {
            if isDescriptorPath(current) { return .stream(path: current) }
            guard let status = system_lstat(current) else {
                // A new file (or a dangling link's target): its folder must exist.
                let folder = folderOf(current)
                guard let folderStatus = system_stat(folder) else {
                    throw OutputFileError(path: path, operation: .create,
                                          reason: "No such file or directory (the folder \(folder) does not exist)")
                }
                guard folderStatus.isDirectory else {
                    throw OutputFileError(path: path, operation: .create, reason: "Not a directory (\(folder) is not a folder)")
                }
                return .replace(target: current)
            }
            if status.isSymbolicLink {
                guard let text = system_readlink(current) else { break }
                current = text.hasPrefix("/") ? text : folderOf(current) + "/" + text
                continue
            }
            if status.isRegular { return .replace(target: current) }
            if status.isCharacterDevice || status.isFIFO { return .stream(path: current) }
            if status.isDirectory {
                throw OutputFileError(path: path, operation: .create,
                                      reason: current == path ? "it is a folder" : "it leads to the folder \(current)")
            }
            throw OutputFileError(path: path, operation: .create,
                                  reason: "it is not a regular file, a character device or a FIFO (a socket or block device is not replaced)")
        }
        throw OutputFileError(path: path, operation: .create, reason: "too many levels of symbolic links")
    }

    /// Checks up front that an output can be written to `path`: its destination
    /// (``destination(of:)``), and for a file that is replaced, that its folder is writable.
    /// - Throws: ``OutputFileError`` with operation `create`.
    @discardableResult
    public static func validate(_ path: String) throws(OutputFileError) -> Destination {
        let destination = try destination(of: path)
        switch destination {
        case .replace(let target):
            let folder = folderOf(target)
            if !system_isWritable(folder) {
                throw OutputFileError(path: path, operation: .create,
                                      reason: "Permission denied (the folder \(folder) is not writable)")
            }
        case .stream(let target):
            if !system_isWritable(target) {
                throw OutputFileError(path: path, operation: .create, reason: "Permission denied (\(target) is not writable)")
            }
        }
        return destination
    }

    /// What a path refers to, for telling whether two paths name the same file: the device
    /// and inode of an existing file (following symbolic links), or else the absolute path
    /// with every symbolic link of its existing part resolved.
    public struct Identity: Hashable, Sendable, CustomStringConvertible {
        /// `inode <device>:<inode>` for an existing file, `path <resolved path>` for a new one.
        public var key: String
        /// The absolute, resolved path (as far as it can be resolved).
        public var resolvedPath: String
        /// A character device: several outputs may stream to one (`/dev/null`, a terminal).
        public var isCharacterDevice: Bool

        public static func == (a: Identity, b: Identity) -> Bool { a.key == b.key }
        public func hash(into hasher: inout Hasher) { hasher.combine(key) }
        public var description: String { resolvedPath }
    }

    /// The identity of `path` (see ``Identity``).
    public static func identity(of path: String) -> Identity {
        let resolved = resolvedPath(path)
        if let status = system_stat(path) {
            return Identity(key: "inode \(status.device):\(status.inode)", resolvedPath: resolved,
                            isCharacterDevice: status.isCharacterDevice)
        }
        return Identity(key: "path " + resolved, resolvedPath: resolved, isCharacterDevice: false)
    }

    /// `path` made absolute with the symbolic links of its existing part resolved (`realpath`
    /// of the deepest existing folder, then the rest with `.` and `..` applied); a dangling
    /// link at the end is followed to where its target would be.
    public static func resolvedPath(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            guard let status = system_lstat(current), status.isSymbolicLink, let text = system_readlink(current) else { break }
            current = text.hasPrefix("/") ? text : folderOf(current) + "/" + text
        }
        if let real = system_realpath(current) { return real }
        let absolute = current.hasPrefix("/") ? current : (system_currentFolder() ?? "") + "/" + current
        var parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // The longest existing prefix, resolved; the rest appended.
        var rest: [String] = []
        while !parts.isEmpty {
            if let real = system_realpath("/" + parts.joined(separator: "/")) {
                return normalized(real, appending: rest)
            }
            rest.insert(parts.removeLast(), at: 0)
        }
        return normalized("/", appending: rest)
    }

    /// Whether the folder `ancestor` contains `path` at some depth, or is it (both resolved).
    public static func contains(_ ancestor: String, _ path: String) -> Bool {
        let a = resolvedPath(ancestor), p = resolvedPath(path)
        return p == a || a == "/" || p.hasPrefix(a + "/")
    }

    /// The folder part of `path` (`.` for a bare name, `/` for `/name`).
    public static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The last component of `path`.
    public static func nameOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/<pid>/fd/N`:
    /// paths that open an already open descriptor (whatever it is), written directly.
    static func isDescriptorPath(_ path: String) -> Bool {
        if path == "/dev/stdout" || path == "/dev/stderr" { return true }
        if path.hasPrefix("/dev/fd/") { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.count == 4 && parts[0] == "proc" && parts[2] == "fd"
    }

    private static func normalized(_ base: String, appending rest: [String]) -> String {
        var parts = base.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        for part in rest {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
