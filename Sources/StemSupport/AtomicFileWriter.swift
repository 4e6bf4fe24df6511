/// A buffered output file that appears under its name only when complete.
///
/// Data goes to a temporary file beside the target (`.name.tmp-PID-N`, in the same folder so
/// the final `rename` is atomic); ``commit()`` flushes the buffer, `fsync`s the file and
/// renames it into place, so after a commit the target holds the complete new content even
/// across a crash, and before it the target holds the old content untouched. ``discard()``,
/// a failed write or deinitialization without a commit remove the temporary file, so an
/// interrupted run leaves neither a half-written file nor a stray one; the temporary file is
/// tracked in ``TemporaryFiles`` from before it is created until it is renamed or removed.
///
/// What `path` names decides the target (``OutputPath/destination(of:)``): a symbolic link
/// is followed and its final target replaced (the link stays); a character device or a FIFO
/// (`/dev/null`, `/dev/stdout`, a named pipe) is written directly, as the data comes, with no
/// temporary file and nothing renamed; a folder is refused. Before creating its temporary
/// file the writer removes stale temporaries of the same target left by a killed process
/// (``StaleTemporaries``).
///
/// ```swift
/// let writer = try AtomicFileWriter(path: "out/report.json")
/// try writer.write(text)
/// try writer.commit()
/// ```
public final class AtomicFileWriter {
    /// The final path, as the caller named it.
    public let path: String
    /// The file that is replaced (``path`` with symbolic links followed), or the device or
    /// FIFO written directly.
    public let targetPath: String
    /// The temporary file's path; empty when ``isStreaming``.
    public let temporaryPath: String
    /// Whether the output is a character device or FIFO written directly (no temporary file).
    public let isStreaming: Bool
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var state: State = .open
    /// The temporary file was handed to another program (``handOverTemporaryFile()``): it is
    /// synced when the file is completed.
    private var handedOver = false
    private static let bufferLimit = 1 << 16

    private enum State { case open, closed, committed, discarded }

    /// How many files were `fsync`ed by this process (for tests of the durability path).
    static let syncCount = LockedValue(0)

    /// Creates the temporary file (or opens the device or FIFO).
    /// - Parameter temporarySuffix: appended to the temporary file's name (a waveform written
    ///   by another program keeps its extension: `.vcd`, `.fst`).
    /// - Throws: ``OutputFileError`` with operation `create` (missing folder, a folder at
    ///   `path`, no permission).
    public init(path: String, temporarySuffix: String = "") throws(OutputFileError) {
        self.path = path
        if Self.split(path).name.isEmpty {
            throw OutputFileError(path: path, operation: .create, reason: "the path names a folder")
        }
        switch try OutputPath.destination(of: path) {
        case .stream(let device):
            var descriptor: Int32
            repeat {
                descriptor = system_openWriteOnly(device, append: OutputPath.isDescriptorPath(device))
            } while descriptor < 0 && system_errno == system_EINTR
            if descriptor < 0 {
                throw OutputFileError(path: path, operation: .create, reason: FileIO.errorText())
            }
            fd = descriptor
            targetPath = device
            temporaryPath = ""
            isStreaming = true
        case .replace(let target):
            StaleTemporaries.removeStale(besideTarget: target)
            let (targetFolder, targetName) = Self.split(target)
            var attempt = 0
            var candidate = ""
            var descriptor: Int32 = -1
            repeat {
                candidate = targetFolder + FileIO.temporaryName(
                    for: targetName, tag: "\(system_getpid())-\(UInt32.random(in: 0...UInt32.max))" + temporarySuffix)
                // Tracked before it exists, so that no interrupt can come between its
                // creation and its registration.
                TemporaryFiles.shared.track(candidate)
                descriptor = system_createExclusive(candidate)
                if descriptor < 0 { TemporaryFiles.shared.forget(candidate) }
                attempt += 1
            } while descriptor < 0 && system_errno == system_EEXIST && attempt < 100
            if descriptor < 0 {
                throw OutputFileError(path: path, operation: .create, reason: FileIO.errorText())
            }
            fd = descriptor
            targetPath = target
            temporaryPath = candidate
            isStreaming = false
        }
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
            if handedOver {
                // What the other program wrote reaches the disk before the rename, as ours does.
                handedOver = false
                let synced = system_openReadOnly(temporaryPath)
                guard synced >= 0 else { throw fail(.write) }
                let result = system_fsync(synced)
                _ = system_close(synced)
                if result != 0 { throw fail(.write) }
                Self.syncCount.withLock { $0 += 1 }
            }
            return
        }
        try flush()
        if !isStreaming {
            if system_fsync(fd) != 0 { throw fail(.write) }
            Self.syncCount.withLock { $0 += 1 }
        }
        let result = system_close(fd)
        fd = -1
        if result != 0 { throw fail(.write) }
        state = .closed
    }

    /// Writes what is buffered, syncs and closes the file (``close()``) and renames it to
    /// ``targetPath`` (a streamed output is only flushed and closed).
    public func commit() throws(OutputFileError) {
        try close()
        if !isStreaming {
            if system_rename(temporaryPath, targetPath) != 0 { throw fail(.rename) }
            TemporaryFiles.shared.forget(temporaryPath)
        }
        state = .committed
    }

    /// Closes the temporary file, leaving it empty for another program to write (a Verilated
    /// model writing its waveform), and returns its path; ``commit()`` then renames whatever
    /// that program wrote into place, ``discard()`` removes it. Nil for a streamed output,
    /// which another program cannot be handed.
    public func handOverTemporaryFile() -> String? {
        guard !isStreaming, state == .open else { return nil }
        _ = system_close(fd)
        fd = -1
        buffer.removeAll()
        state = .closed
        handedOver = true
        return temporaryPath
    }

    /// Closes and removes the temporary file; ``path`` is left as it was. Does nothing after a
    /// commit, and nothing the second time.
    public func discard() {
        guard state == .open || state == .closed else { return }
        state = .discarded
        if fd >= 0 { _ = system_close(fd) }
        fd = -1
        guard !isStreaming else { return }
        _ = system_unlink(temporaryPath)
        TemporaryFiles.shared.forget(temporaryPath)
    }

    /// Commits several files so that all of them appear or none does: every file is completed
    /// (synced and closed) under its temporary name first, then they are renamed in order.
    /// If anything fails, every temporary file is removed, and each file already renamed is
    /// taken back: the file it replaced is restored (kept under a second, temporary name
    /// until the end), or a new file is removed. Streamed outputs (devices, FIFOs) are only
    /// flushed and closed; what they received cannot be taken back.
    public static func commitAll(_ writers: [AtomicFileWriter]) throws(OutputFileError) {
        do {
            for writer in writers { try writer.close() }
        } catch {
            for writer in writers { writer.discard() }
            throw error
        }
        // A second name for every file about to be replaced, so that it can be restored.
        var backups: [String?] = []
        for writer in writers {
            guard !writer.isStreaming, let status = system_lstat(writer.targetPath), status.isRegular else {
                backups.append(nil)
                continue
            }
            let (folder, name) = split(writer.targetPath)
            let backup = folder + FileIO.temporaryName(for: name, tag: "\(system_getpid())-old-\(UInt32.random(in: 0...UInt32.max))")
            TemporaryFiles.shared.track(backup)
            if system_link(writer.targetPath, backup) == 0 {
                backups.append(backup)
            } else {
                TemporaryFiles.shared.forget(backup)
                backups.append(nil)
            }
        }
        func dropBackups() {
            for case let backup? in backups {
                _ = system_unlink(backup)
                TemporaryFiles.shared.forget(backup)
            }
        }
        var renamed: [Int] = []
        for (index, writer) in writers.enumerated() {
            do {
                try writer.commit()
                renamed.append(index)
            } catch {
                for done in renamed where !writers[done].isStreaming {
                    if let backup = backups[done] {
                        _ = system_rename(backup, writers[done].targetPath)
                    } else {
                        _ = system_unlink(writers[done].targetPath)
                    }
                }
                for other in writers { other.discard() }
                dropBackups()
                throw error
            }
        }
        dropBackups()
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
