import Foundation
import StemSupport

extension FileIO {
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
        try inputLimit(environment: ProcessInfo.processInfo.environment[inputLimitVariable])
    }

    /// The bytes of the input file at `path`, at most `limit` of them (nil: the limit in
    /// effect, ``currentInputLimit()``).
    /// - Throws: ``FormatError`` (`path: cannot read: reason`, or `path: is N bytes, more than
    ///   the input limit of 256 MiB; ...`).
    public static func read(_ path: String, limit requested: Int? = nil) throws(FormatError) -> [UInt8] {
        let limit: Int
        if let requested { limit = requested } else { limit = try currentInputLimit() }
        do {
            return try bytes(atPath: path, limit: limit)
        } catch {
            var message = error.reason
            if error.exceedsLimit {
                message = message.replacingOccurrences(of: "the limit of", with: "the input limit of")
                    + " (set \(inputLimitVariable), e.g. \(inputLimitVariable)=1G, to read larger files)"
            }
            throw FormatError(file: error.path, location: .file, message: message)
        }
    }
}
