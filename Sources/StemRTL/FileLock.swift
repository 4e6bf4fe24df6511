import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (`flock`) on a lock file, shared correctly between threads
/// and processes (every acquisition opens the file anew, so two threads of one process also
/// exclude each other).
///
/// A lock file may be removed by its holder (``releaseRemovingFile()``); whoever was waiting
/// on the removed file notices after acquiring it (the path no longer names the locked file)
/// and tries again on the new file.
final class FileLock {
    let path: String
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
    static func acquire(path: String, blocking: Bool = true,
                        onContention: () -> Void = {}) throws(ModelBuildError) -> FileLock? {
        var reportedContention = false
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw .cacheUnusable(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
            }
            if !tryLock(fd) {
                guard blocking else {
                    close(fd)
                    return nil
                }
                if !reportedContention {
                    reportedContention = true
                    onContention()
                }
                var result: Int32
                repeat { result = flock(fd, LOCK_EX) } while result != 0 && errno == EINTR
                guard result == 0 else {
                    let message = String(cString: strerror(errno))
                    close(fd)
                    throw .cacheUnusable(path: path, reason: "cannot lock: \(message)")
                }
            }
            // The holder before us may have removed or replaced the file; then our lock
            // guards nothing and we start over on the file the path names now.
            var held = stat()
            var named = stat()
            if fstat(fd, &held) == 0, stat(path, &named) == 0,
               held.st_dev == named.st_dev, held.st_ino == named.st_ino {
                return FileLock(path: path, descriptor: fd)
            }
            close(fd)
        }
    }

    private static func tryLock(_ fd: Int32) -> Bool {
        var result: Int32
        repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        return result == 0
    }

    /// Releases the lock (also done on deinit).
    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    /// Removes the lock file, then releases the lock.
    func releaseRemovingFile() {
        guard descriptor >= 0 else { return }
        unlink(path)
        release()
    }
}
