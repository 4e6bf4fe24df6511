import Foundation
import StemModel
import StemSupport

/// A NumPy `.npy` array (format version 1.0, 2.0 or 3.0): its shape and values.
///
/// The file is the magic `\x93NUMPY`, a major and minor version byte, the header length
/// (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), a header that is a Python
/// dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (360, 1, 8, 8), }` padded
/// with spaces and a newline, then the data. The reader takes little-endian `<f4` (float32),
/// `<f8` (float64), `|u1` / `<u1` (uint8) and `<i8` (int64) in C order, and checks that the
/// data holds exactly `product(shape)` values; anything else is a ``FormatError`` naming the
/// file and what is wrong.
public struct NPYArray: Sendable, Equatable {
    /// The element types read.
    public enum ElementType: String, Sendable, CaseIterable {
        case float32 = "<f4"
        case float64 = "<f8"
        case uint8 = "|u1"
        case int64 = "<i8"

        var width: Int {
            switch self {
            case .float32: return 4
            case .float64: return 8
            case .uint8: return 1
            case .int64: return 8
            }
        }
    }

    /// The dimensions (empty for a scalar).
    public var shape: [Int]
    /// The element type in the file.
    public var elementType: ElementType
    /// The values as doubles (every int64 up to 2^53 exactly).
    public var values: [Double]
    /// The values as integers (for int64 and uint8 arrays; nil for floating-point arrays).
    public var integers: [Int64]?

    /// Reads the array at `path` (at most the input limit in bytes).
    public static func load(from path: String) throws(FormatError) -> NPYArray {
        try NPYArray(bytes: try FileIO.read(path), file: path)
    }

    /// Parses the bytes of a `.npy` file; `file` names it in errors.
    public init(bytes: [UInt8], file: String) throws(FormatError) {
        func fail(_ message: String) -> FormatError { FormatError(file: file, location: .file, message: message) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (no \\x93NUMPY magic)") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated .npy header") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]) is not supported (1.0, 2.0, 3.0)")
        }
        guard headerLength <= 1 << 20, bytes.count >= headerStart + headerLength else { throw fail("truncated .npy header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        func entry(_ key: String) throws(FormatError) -> String {
            guard let keyRange = header.range(of: "'\(key)':") else { throw fail("the .npy header has no '\(key)'") }
            return String(header[keyRange.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        let descr = try entry("descr")
        guard descr.hasPrefix("'"), let end = descr.dropFirst().firstIndex(of: "'") else { throw fail("the .npy header's descr is not a string") }
        let typeText = String(descr[descr.index(after: descr.startIndex)..<end])
        guard let type = ElementType(rawValue: typeText == "<u1" ? "|u1" : typeText) else {
            throw fail("element type '\(typeText)' is not supported (float32 '<f4', float64 '<f8', uint8 '|u1', int64 '<i8', little-endian)")
        }
        guard try entry("fortran_order").hasPrefix("False") else { throw fail("Fortran-order arrays are not supported (save a C-order array)") }
        let shapeText = try entry("shape")
        guard shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else { throw fail("the .npy header's shape is not a tuple") }
        var dims: [Int] = []
        var count = 1
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            guard let dim = Int(text), dim >= 0 else { throw fail("the .npy shape has dimension '\(text)'") }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= 1 << 32 else { throw fail("the .npy shape \(shapeText[...close]) has too many values") }
            count = product
            dims.append(dim)
        }
        let dataStart = headerStart + headerLength
        let expected = count * type.width
        guard bytes.count - dataStart == expected else {
            throw fail("holds \(bytes.count - dataStart) bytes of data, expected \(expected) for shape \(dims) of \(typeText)")
        }
        shape = dims
        elementType = type
        var doubles = [Double](repeating: 0, count: count)
        var ints: [Int64]? = nil
        bytes.withUnsafeBytes { buffer in
            func word(_ index: Int, _ width: Int) -> UInt64 {
                var value: UInt64 = 0
                let base = dataStart + index * width
                for byte in 0..<width { value |= UInt64(buffer[base + byte]) << (8 * byte) }
                return value
            }
            switch type {
            case .float32:
                for i in 0..<count { doubles[i] = Double(Float(bitPattern: UInt32(word(i, 4)))) }
            case .float64:
                for i in 0..<count { doubles[i] = Double(bitPattern: word(i, 8)) }
            case .uint8:
                ints = (0..<count).map { Int64(buffer[dataStart + $0]) }
                for i in 0..<count { doubles[i] = Double(ints![i]) }
            case .int64:
                ints = (0..<count).map { Int64(bitPattern: word($0, 8)) }
                for i in 0..<count { doubles[i] = Double(ints![i]) }
            }
        }
        values = doubles
        integers = ints
    }
}
