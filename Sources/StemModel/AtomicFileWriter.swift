#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered output file that appears under its name only when complete.
///
/// Data goes to a temporary file beside `path` (`.name.tmp-PID-N`); ``commit()`` renames it
/// into place. ``discard()``, a failed write or deinitialization without a commit remove the
/// temporary file, so an interrupted run leaves neither a half-written file nor a stray one;
/// the temporary file is tracked in ``TemporaryFiles`` while open, for signals.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    /// The temporary file's path.
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var finished = false
    private static let bufferLimit = 1 << 16

    /// Creates the temporary file.
    /// - Throws: ``OutputFileError`` with operation `create` (missing folder, no permission).
    public init(path: String) throws(OutputFileError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        if name.isEmpty {
            throw OutputFileError(path: path, operation: .create, reason: "the path names a folder")
        }
        var attempt = 0
        var candidate = ""
        var descriptor: Int32 = -1
        repeat {
            candidate = folder + FileIO.temporaryName(for: name, tag: "\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            descriptor = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            attempt += 1
        } while descriptor < 0 && errno == EEXIST && attempt < 100
        if descriptor < 0 {
            throw OutputFileError(path: path, operation: .create, reason: FileIO.errorText())
        }
        fd = descriptor
        temporaryPath = candidate
        TemporaryFiles.shared.track(candidate)
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws(OutputFileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Appends the UTF-8 of `text`.
    public func write(_ text: String) throws(OutputFileError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Appends one byte.
    public func write(byte: UInt8) throws(OutputFileError) {
        buffer.append(byte)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    /// Appends the decimal digits of `value`.
    public func write(decimal value: Int) throws(OutputFileError) {
        buffer.append(contentsOf: String(value).utf8)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    private func flush() throws(OutputFileError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = FileIO.errorText()
                discard()
                throw OutputFileError(path: path, operation: .write, reason: reason)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, closes the file and renames it to ``path``.
    public func commit() throws(OutputFileError) {
        precondition(!finished, "commit() after commit() or discard()")
        try flush()
        if close(fd) != 0 {
            let reason = FileIO.errorText()
            fd = -1
            discard()
            throw OutputFileError(path: path, operation: .write, reason: reason)
        }
        fd = -1
        if rename(temporaryPath, path) != 0 {
            let reason = FileIO.errorText()
            discard()
            throw OutputFileError(path: path, operation: .rename, reason: reason)
        }
        finished = true
        TemporaryFiles.shared.forget(temporaryPath)
    }

    /// Closes and removes the temporary file; ``path`` is left as it was.
    public func discard() {
        if finished { return }
        finished = true
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(temporaryPath)
        TemporaryFiles.shared.forget(temporaryPath)
    }
}

private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
