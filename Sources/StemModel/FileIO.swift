#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and atomic writes on POSIX, with messages that name the file.
public enum FileIO {
    /// The largest input file read by default: 256 MiB (the digits example is under 100 KB).
    public static let defaultInputLimit = 256 << 20

    /// The environment variable that changes the input limit: a number of bytes, optionally
    /// with a `K`, `M` or `G` suffix (powers of 1024), e.g. `STEM_MAX_INPUT_SIZE=2G`.
    public static let inputLimitVariable = "STEM_MAX_INPUT_SIZE"

    /// The input limit `$STEM_MAX_INPUT_SIZE` asks for, ``defaultInputLimit`` when it is unset
    /// or empty.
    /// - Throws: a message naming the variable, its value and what it takes, when it is not a
    ///   size in `1...2^50`.
    public static func inputLimit(environment value: String?) throws(FormatError) -> Int {
        guard let value, !value.isEmpty else { return defaultInputLimit }
        var digits = Substring(value)
        var scale = 1
        switch digits.last {
        case "k", "K": scale = 1 << 10
        case "m", "M": scale = 1 << 20
        case "g", "G": scale = 1 << 30
        default: break
        }
        if scale > 1 { digits = digits.dropLast() }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits),
              case (let bytes, false) = number.multipliedReportingOverflow(by: scale), (1...(1 << 50)).contains(bytes) else {
            let shown = value.count > 40 ? String(value.prefix(40)) + "..." : value
            throw FormatError(file: inputLimitVariable, location: .file,
                              message: "'\(shown)' is not a size in bytes (1 to 2^50, optionally with K, M or G)")
        }
        return bytes
    }

    /// The input limit in effect: `$STEM_MAX_INPUT_SIZE`, else ``defaultInputLimit``.
    public static func currentInputLimit() throws(FormatError) -> Int {
        try inputLimit(environment: getenv(inputLimitVariable).map { String(cString: $0) })
    }

    /// `256 MiB`, `1.5 GiB`, `1000 bytes`.
    static func sizeText(_ bytes: Int) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// The bytes of the file at `path`, at most `limit` of them.
    ///
    /// A regular file larger than `limit` is refused before reading (its size from `fstat`);
    /// anything else (a device such as `/dev/zero`, a FIFO) is read until it ends or passes
    /// `limit`, so no input grows without bound.
    /// - Parameter limit: the most bytes accepted; nil means ``currentInputLimit()``.
    /// - Throws: ``FormatError`` (`path: cannot read: reason`, or `path: is N bytes, more than
    ///   the input limit of 256 MiB; ...`).
    public static func read(_ path: String, limit requested: Int? = nil) throws(FormatError) -> [UInt8] {
        let limit: Int
        if let requested { limit = requested } else { limit = try currentInputLimit() }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FormatError(file: path, location: .file, message: "cannot read: \(errorText())") }
        defer { close(fd) }
        func tooLarge(_ size: Int?) -> FormatError {
            let what = size.map { "is \($0) bytes, more than" } ?? "holds more than"
            return FormatError(file: path, location: .file,
                               message: "\(what) the input limit of \(sizeText(limit)) "
                                   + "(set \(inputLimitVariable), e.g. \(inputLimitVariable)=1G, to read larger files)")
        }
        var info = stat()
        var expected = 0
        if fstat(fd, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                throw FormatError(file: path, location: .file, message: "cannot read: it is a directory")
            }
            if (info.st_mode & S_IFMT) == S_IFREG {
                if Int(info.st_size) > limit { throw tooLarge(Int(info.st_size)) }
                expected = Int(info.st_size)
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(expected)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FormatError(file: path, location: .file, message: "cannot read: \(errorText())")
            }
            if n == 0 { break }
            if result.count + n > limit { throw tooLarge(nil) }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Writes `bytes` to `path` through a temporary file in the same folder that is renamed
    /// into place, so `path` is either untouched or complete.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
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

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
