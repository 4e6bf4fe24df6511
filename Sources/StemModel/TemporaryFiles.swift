#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var paths: [String: Int] = [:]

    private init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    /// Starts tracking `path`, a file or folder being written.
    public func track(_ path: String) {
        pthread_mutex_lock(mutex)
        paths[path, default: 0] += 1
        pthread_mutex_unlock(mutex)
    }

    /// Stops tracking `path` (it was renamed into place or removed).
    public func forget(_ path: String) {
        pthread_mutex_lock(mutex)
        if let count = paths[path] {
            paths[path] = count > 1 ? count - 1 : nil
        }
        pthread_mutex_unlock(mutex)
    }

    /// The paths tracked now, sorted.
    public var tracked: [String] {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return paths.keys.sorted()
    }

    /// Removes a file, or a folder and everything in it; whether something was removed.
    static func removeTree(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return unlink(path) == 0 }
        if let folder = opendir(path) {
            while let entry = readdir(folder) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                        String(cString: $0)
                    }
                }
                if name == "." || name == ".." { continue }
                _ = removeTree(path + "/" + name)
            }
            closedir(folder)
        }
        return rmdir(path) == 0
    }

    /// Deletes every tracked file (or folder) and stops tracking it; returns how many files existed.
    ///
    /// The registry stays locked afterwards, so a writer that is still running cannot start a
    /// new file (it blocks in ``track(_:)``) while the process exits. Call it only on the way
    /// out of the process.
    @discardableResult
    public func deleteAllAndHold() -> Int {
        pthread_mutex_lock(mutex)
        var removed = 0
        for path in paths.keys where TemporaryFiles.removeTree(path) { removed += 1 }
        paths.removeAll()
        return removed
    }
}
