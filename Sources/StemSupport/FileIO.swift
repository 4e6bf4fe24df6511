/// Whole-file reads and atomic writes on POSIX, with messages that name the file.
public enum FileIO {
    /// The bytes of the file at `path`.
    /// - Throws: ``FileSystemError`` with reason `cannot read: <the system's reason>` (or
    ///   `cannot read: it is a directory`).
    public static func bytes(atPath path: String) throws(FileSystemError) -> [UInt8] {
        let fd = system_openReadOnly(path)
        if fd < 0 { throw FileSystemError(path: path, reason: "cannot read: \(errorText())") }
        defer { _ = system_close(fd) }
        if system_fstat(fd)?.isDirectory == true {
            throw FileSystemError(path: path, reason: "cannot read: it is a directory")
        }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { system_read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if system_errno == system_EINTR { continue }
                throw FileSystemError(path: path, reason: "cannot read: \(errorText())")
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        system_stat(path) != nil
    }

    /// Writes `bytes` to `path` through an ``AtomicFileWriter``: a temporary file in the same
    /// folder, synced and renamed into place, so `path` is either untouched or complete.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
    }

    /// The system's text for the current `errno`.
    static func errorText() -> String {
        system_strerror(system_errno)
    }
}
