/// A buffered output file that appears under its name only when complete.
///
/// Data goes to a temporary file beside `path` (`.name.tmp-PID-N`, in the same folder so the
/// final `rename` is atomic); ``commit()`` flushes the buffer, `fsync`s the file and renames it
/// into place, so after a commit `path` holds the complete new content even across a crash,
/// and before it `path` holds the old content untouched. ``discard()``, a failed write or
/// deinitialization without a commit remove the temporary file, so an interrupted run leaves
/// neither a half-written file nor a stray one; the temporary file is tracked in
/// ``TemporaryFiles`` while open, for signals.
///
/// ```swift
/// let writer = try AtomicFileWriter(path: "out/report.json")
/// try writer.write(text)
/// try writer.commit()
/// ```
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    /// The temporary file's path.
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var state: State = .open
    private static let bufferLimit = 1 << 16

    private enum State { case open, closed, committed, discarded }

    /// How many files were `fsync`ed by this process (for tests of the durability path).
    static let syncCount = LockedValue(0)

    /// Creates the temporary file.
    /// - Throws: ``OutputFileError`` with operation `create` (missing folder, no permission).
    public init(path: String) throws(OutputFileError) {
        self.path = path
        let (folder, name) = Self.split(path)
        if name.isEmpty {
            throw OutputFileError(path: path, operation: .create, reason: "the path names a folder")
        }
        var attempt = 0
        var candidate = ""
        var descriptor: Int32 = -1
        repeat {
            candidate = folder + FileIO.temporaryName(for: name, tag: "\(system_getpid())-\(UInt32.random(in: 0...UInt32.max))")
            descriptor = system_createExclusive(candidate)
            attempt += 1
        } while descriptor < 0 && system_errno == system_EEXIST && attempt < 100
        if descriptor < 0 {
            throw OutputFileError(path: path, operation: .create, reason: FileIO.errorText())
        }
        fd = descriptor
        temporaryPath = candidate
        TemporaryFiles.shared.track(candidate)
        buffer.reserveCapacity(Self.bufferLimit)
    }

    deinit {
        if state == .open || state == .closed { discard() }
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

    /// Writes out what is buffered (done by the writes whenever 64 KiB are buffered).
    public func flush() throws(OutputFileError) {
        precondition(state == .open, "write to a closed, committed or discarded AtomicFileWriter")
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { raw in
                system_write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if n < 0 {
                if system_errno == system_EINTR { continue }
                throw fail(.write)
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered, `fsync`s and closes the temporary file, which keeps its
    /// temporary name until ``commit()``. Does nothing if already closed.
    public func close() throws(OutputFileError) {
        guard state == .open else {
            precondition(state == .closed, "close() after commit() or discard()")
            return
        }
        try flush()
        if system_fsync(fd) != 0 { throw fail(.write) }
        Self.syncCount.withLock { $0 += 1 }
        let result = system_close(fd)
        fd = -1
        if result != 0 { throw fail(.write) }
        state = .closed
    }

    /// Writes what is buffered, syncs and closes the file (``close()``) and renames it to
    /// ``path``.
    public func commit() throws(OutputFileError) {
        try close()
        if system_rename(temporaryPath, path) != 0 { throw fail(.rename) }
        state = .committed
        TemporaryFiles.shared.forget(temporaryPath)
    }

    /// Closes and removes the temporary file; ``path`` is left as it was. Does nothing after a
    /// commit, and nothing the second time.
    public func discard() {
        guard state == .open || state == .closed else { return }
        state = .discarded
        if fd >= 0 { _ = system_close(fd) }
        fd = -1
        _ = system_unlink(temporaryPath)
        TemporaryFiles.shared.forget(temporaryPath)
    }

    /// Commits several files so that all of them appear or none does: every file is completed
    /// (synced and closed) under its temporary name first, then they are renamed in order. If
    /// a rename fails, the files already renamed are removed again and the others discarded.
    public static func commitAll(_ writers: [AtomicFileWriter]) throws(OutputFileError) {
        do {
            for writer in writers { try writer.close() }
        } catch {
            for writer in writers { writer.discard() }
            throw error
        }
        var renamed: [AtomicFileWriter] = []
        for writer in writers {
            do {
                try writer.commit()
                renamed.append(writer)
            } catch {
                for done in renamed { _ = system_unlink(done.path) }
                for other in writers { other.discard() }
                throw error
            }
        }
    }

    /// Discards the file and returns the error for `operation` with the current `errno`.
    private func fail(_ operation: OutputFileError.Operation) -> OutputFileError {
        let reason = FileIO.errorText()
        discard()
        return OutputFileError(path: path, operation: operation, reason: reason)
    }

    /// Splits a path into its folder (with a trailing `/`, or empty) and its last component.
    static func split(_ path: String) -> (folder: String, name: String) {
        if let slash = path.lastIndex(of: "/") {
            return (String(path[...slash]), String(path[path.index(after: slash)...]))
        }
        return ("", path)
    }
}
