#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import StemModel

/// A file that appears at its destination only when it is complete.
///
/// Bytes go to a hidden temporary file beside the destination (same folder, so the final
/// `rename` is atomic); `commit()` flushes, syncs and renames it, `abandon()` (or dropping the
/// object without committing) deletes it. Nothing is ever left half-written at `path`.
final class AtomicFileOutput {
    /// Where the file appears on `commit()`.
    let path: String
    /// The hidden file being written.
    let temporaryPath: String

    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var state: State = .open
    private static let flushThreshold = 1 << 16

    private enum State { case open, committed, abandoned }

    init(path: String) throws {
        guard !path.isEmpty else {
            throw TraceError.invalidArgument(what: "output path", value: "\"\"", allowed: "a file path")
        }
        self.path = path
        let (folder, name) = AtomicFileOutput.split(path)
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = folder + FileIO.temporaryName(for: name, tag: "\(getpid())-" + suffix)
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            throw TraceError.io(path: path, operation: "create a temporary file in its folder",
                                reason: AtomicFileOutput.errnoText())
        }
        TemporaryFiles.shared.track(temporaryPath)
        buffer.reserveCapacity(AtomicFileOutput.flushThreshold + 4096)
    }

    deinit {
        if state == .open { abandon() }
    }

    /// Appends the UTF-8 bytes of `text`.
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= AtomicFileOutput.flushThreshold { try flush() }
    }

    /// Appends raw bytes.
    func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicFileOutput.flushThreshold { try flush() }
    }

    /// Writes out the buffer.
    func flush() throws {
        precondition(state == .open, "write to a closed AtomicFileOutput")
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw -> Int in
                Glibc_write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = AtomicFileOutput.errnoText()
                abandon()
                throw TraceError.io(path: path, operation: "write", reason: reason)
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes the temporary file (it still has its temporary name).
    func close() throws {
        guard state == .open, descriptor >= 0 else { return }
        try flush()
        if fsync(descriptor) != 0 {
            let reason = AtomicFileOutput.errnoText()
            abandon()
            throw TraceError.io(path: path, operation: "sync", reason: reason)
        }
        if Glibc_close(descriptor) != 0 {
            descriptor = -1
            let reason = AtomicFileOutput.errnoText()
            abandon()
            throw TraceError.io(path: path, operation: "close", reason: reason)
        }
        descriptor = -1
    }

    /// Closes the file and renames it to `path`.
    func commit() throws {
        try close()
        guard state == .open else { return }
        if rename(temporaryPath, path) != 0 {
            let reason = AtomicFileOutput.errnoText()
            abandon()
            throw TraceError.io(path: path, operation: "rename the finished file into place", reason: reason)
        }
        state = .committed
        TemporaryFiles.shared.forget(temporaryPath)
    }

    /// Closes and deletes the temporary file. Safe to call more than once.
    func abandon() {
        guard state == .open else { return }
        if descriptor >= 0 {
            _ = Glibc_close(descriptor)
            descriptor = -1
        }
        unlink(temporaryPath)
        TemporaryFiles.shared.forget(temporaryPath)
        state = .abandoned
    }

    /// Splits a path into its folder (with a trailing `/`, or empty) and its last component.
    static func split(_ path: String) -> (folder: String, name: String) {
        if let slash = path.lastIndex(of: "/") {
            return (String(path[...slash]), String(path[path.index(after: slash)...]))
        }
        return ("", path)
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

/// Writes several files so that either all of them appear or none does.
///
/// Each file is completed under a temporary name; the renames happen at the end, and if one
/// fails the files already renamed are removed again.
enum AtomicFileGroup {
    static func commit(_ outputs: [AtomicFileOutput]) throws {
        for output in outputs { try output.close() }
        var renamed: [AtomicFileOutput] = []
        for output in outputs {
            do {
                try output.commit()
                renamed.append(output)
            } catch {
                for done in renamed { unlink(done.path) }
                for other in outputs { other.abandon() }
                throw error
            }
        }
    }
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, pointer, count)
}

@inline(__always)
private func Glibc_close(_ fd: Int32) -> Int32 {
    close(fd)
}
