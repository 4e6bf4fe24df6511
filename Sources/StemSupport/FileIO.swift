/// Whole-file reads and atomic writes on POSIX, with messages that name the file.
public enum FileIO {
    /// The bytes of the file at `path`, at most `limit` of them.
    ///
    /// A regular file larger than `limit` is refused before reading (its size from `fstat`);
    /// anything else (a device such as `/dev/zero`, a FIFO) is read until it ends or passes
    /// `limit`, so no read grows without bound.
    /// - Throws: ``FileSystemError`` with reason `cannot read: <the system's reason>` (or
    ///   `cannot read: it is a directory`), or one naming the size and
    ///   the limit (`is N bytes, more than the limit of 256 MiB`, `holds more than ...`).
    public static func bytes(atPath path: String, limit: Int = .max) throws(FileSystemError) -> [UInt8] {
        let fd = system_openReadOnly(path)
        if fd < 0 { throw FileSystemError(path: path, reason: "cannot read: \(errorText())") }
        defer { _ = system_close(fd) }
        var expected = 0
        if let status = system_fstat(fd) {
            if status.isDirectory {
                throw FileSystemError(path: path, reason: "cannot read: it is a directory")
            }
            if status.isRegular {
                if status.size > limit {
                    throw FileSystemError(path: path, reason: "is \(status.size) bytes, more than the limit of \(sizeText(limit))",
                                          exceedsLimit: true)
                }
                expected = status.size
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(expected)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { system_read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if system_errno == system_EINTR { continue }
                throw FileSystemError(path: path, reason: "cannot read: \(errorText())")
            }
            if n == 0 { break }
            if result.count + n > limit {
                throw FileSystemError(path: path, reason: "holds more than the limit of \(sizeText(limit))", exceedsLimit: true)
            }
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

    /// `256 MiB`, `1 GiB`, `1000 bytes`.
    public static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// The most bytes in one file name (`NAME_MAX` on Linux and macOS).
    public static let nameLimit = 255

    /// `.name.tmp-<tag>`, the hidden temporary file beside `name` that is renamed into place,
    /// with `name` shortened (whole characters) so the result is a valid file name even when
    /// `name` itself is close to ``nameLimit`` bytes.
    public static func temporaryName(for name: String, tag: String) -> String {
        let suffix = ".tmp-" + tag
        var kept = Substring(name)
        while 1 + kept.utf8.count + suffix.utf8.count > nameLimit { kept = kept.dropLast() }
        return "." + kept + suffix
    }

    /// The system's text for the current `errno`.
    static func errorText() -> String {
        system_strerror(system_errno)
    }
}
