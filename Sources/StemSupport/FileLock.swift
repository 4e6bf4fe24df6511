/// An exclusive advisory lock (`flock`) on a lock file, shared correctly between threads
/// and processes (every acquisition opens the file anew, so two threads of one process also
/// exclude each other).
///
/// A lock file may be removed by its holder (``releaseRemovingFile()``); whoever was waiting
/// on the removed file notices after acquiring it (the path no longer names the locked file)
/// and tries again on the new file.
public final class FileLock {
    /// The lock file.
    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the lock on `path`, creating the file if needed.
    ///
    /// - Parameters:
    ///   - blocking: wait for the lock (true) or give up at once (false).
    ///   - onContention: called once, before waiting, if another holder has the lock.
    /// - Returns: the held lock, or nil if `blocking` is false and the lock is taken.
    /// - Throws: ``FileSystemError`` if the lock file cannot be opened or locked.
    public static func acquire(path: String, blocking: Bool = true,
                               onContention: () -> Void = {}) throws(FileSystemError) -> FileLock? {
        var reportedContention = false
        while true {
            let fd = system_openCreating(path)
            guard fd >= 0 else {
                throw FileSystemError(path: path, reason: "cannot open the lock file: \(FileIO.errorText())")
            }
            if !tryLock(fd) {
                guard blocking else {
                    _ = system_close(fd)
                    return nil
                }
                if !reportedContention {
                    reportedContention = true
                    onContention()
                }
                var result: Int32
                repeat { result = system_flockExclusive(fd, wait: true) } while result != 0 && system_errno == system_EINTR
                guard result == 0 else {
                    let message = FileIO.errorText()
                    _ = system_close(fd)
                    throw FileSystemError(path: path, reason: "cannot lock: \(message)")
                }
            }
            // The holder before us may have removed or replaced the file; then our lock
            // guards nothing and we start over on the file the path names now.
            if let held = system_fstat(fd), let named = system_stat(path),
               held.device == named.device, held.inode == named.inode {
                return FileLock(path: path, descriptor: fd)
            }
            _ = system_close(fd)
        }
    }

    private static func tryLock(_ fd: Int32) -> Bool {
        var result: Int32
        repeat { result = system_flockExclusive(fd, wait: false) } while result != 0 && system_errno == system_EINTR
        return result == 0
    }

    /// Releases the lock (also done on deinit).
    public func release() {
        guard descriptor >= 0 else { return }
        _ = system_close(descriptor)
        descriptor = -1
    }

    /// Removes the lock file, then releases the lock.
    public func releaseRemovingFile() {
        guard descriptor >= 0 else { return }
        _ = system_unlink(path)
        release()
    }
}
