import Foundation

/// The unfinished output files of this process, so that an interrupt can remove them.
///
/// Every writer that completes a file under a temporary name before renaming it into place
/// (``AtomicFileWriter``, the trace writers, the RTL trace of `stemsim run`) tracks the
/// temporary path here while it is open. `stemsim` deletes what is tracked when it receives
/// SIGINT, SIGTERM or SIGHUP, so Ctrl-C leaves neither a half-written output nor a stray
/// temporary file.
public final class TemporaryFiles: @unchecked Sendable {
    /// The process's registry.
    public static let shared = TemporaryFiles()

    private let lock = NSLock()
    private var paths: [String: Int] = [:]

    private init() {}

    /// Starts tracking `path`, a file or folder being written.
    public func track(_ path: String) {
        lock.lock()
        paths[path, default: 0] += 1
        lock.unlock()
    }

    /// Stops tracking `path` (it was renamed into place or removed).
    public func forget(_ path: String) {
        lock.lock()
        if let count = paths[path] {
            paths[path] = count > 1 ? count - 1 : nil
        }
        lock.unlock()
    }

    /// The paths tracked now, sorted.
    public var tracked: [String] {
        lock.lock()
        defer { lock.unlock() }
        return paths.keys.sorted()
    }

    /// Removes a file, or a folder and everything in it; whether something was removed.
    static func removeTree(_ path: String) -> Bool {
        guard let status = system_lstat(path) else { return false }
        guard status.isDirectory else { return system_unlink(path) == 0 }
        for name in system_folderEntries(path) ?? [] {
            _ = removeTree(path + "/" + name)
        }
        return system_rmdir(path) == 0
    }

    /// Deletes every tracked file (or folder) and stops tracking it; returns how many files existed.
    ///
    /// The registry stays locked afterwards, so a writer that is still running cannot start a
    /// new file (it blocks in ``track(_:)``) while the process exits. Call it only on the way
    /// out of the process.
    @discardableResult
    public func deleteAllAndHold() -> Int {
        lock.lock()
        var removed = 0
        for path in paths.keys where TemporaryFiles.removeTree(path) { removed += 1 }
        paths.removeAll()
        return removed
    }
}
