import Foundation

/// The header block of an FST file (GTKWave's Fast Signal Trace format, as `fstapi.c` writes
/// it; Verilator's `--trace-fst` uses the same library), and a check of the file's block
/// structure.
///
/// What `init(contentsOf:)` checks:
/// - the file starts with a header block: type byte 0 (`FST_BL_HDR`), an 8-byte big-endian
///   section length of 329 (which counts itself), then start time, end time (both 64-bit
///   big-endian, start <= end), the endian-test double `e` = 2.718281828... (little- or
///   big-endian), memory used by the writer, scope count, variable count, maximum handle,
///   value-change section count (64-bit big-endian each), the time scale exponent (a signed
///   byte, -18...2), a 128-byte version string, a 119-byte date string, a file-type byte
///   (0 Verilog, 1 VHDL, 2 mixed) and a 64-bit time zero;
/// - the blocks after it: each has a known type (1 value changes, 2 blackout, 3 geometry,
///   4 / 6 / 7 hierarchy (gzip / LZ4 / LZ4-twice), 5 / 8 value changes with dynamic aliases)
///   and a length that stays inside the file, and they end exactly at the end of the file;
///   a block of type 255 (`FST_BL_SKIP`) means the writer never finished; type 254
///   (`FST_BL_ZWRAPPER`, a gzip-compressed file) is reported as not checkable;
/// - the counts agree: as many value-change blocks as the header says, a geometry block and
///   a hierarchy block when there are variables, variables >= 1 and maximum handle <= variables.
public struct FSTHeader: Hashable, Sendable {
    public var startTime: UInt64
    public var endTime: UInt64
    /// The power of ten of one time unit in seconds (-9 = 1 ns, -12 = 1 ps).
    public var timescaleExponent: Int
    public var scopeCount: UInt64
    public var variableCount: UInt64
    public var maxHandle: UInt64
    public var valueChangeSectionCount: UInt64
    /// The writer's version text (for example `Verilator 5.006` or `fst2vcd`).
    public var version: String
    /// The date text the writer put in.
    public var date: String
    public var fileType: UInt8
    public var timeZero: Int64
    /// The block types found after the header, in file order.
    public var blockTypes: [UInt8]
    /// The file's size in bytes.
    public var fileSize: Int

    /// The header block's length field: 329 bytes.
    public static let headerSectionLength: UInt64 = 329

    /// Reads and checks the FST file at `path`.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable" : "no such file"
            throw TraceError.io(path: path, operation: "read", reason: reason)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Checks FST bytes; `path` names them in errors.
    public init(bytes: [UInt8], path: String) throws {
        func fail(_ offset: Int, _ reason: String) -> TraceError {
            .malformedFST(path: path, offset: offset, reason: reason)
        }
        func u64(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for k in 0..<8 { value = value << 8 | UInt64(bytes[offset + k]) }
            return value
        }
        func text(_ offset: Int, _ count: Int) -> String {
            let field = bytes[offset..<(offset + count)]
            let end = field.firstIndex(of: 0) ?? field.endIndex
            return String(decoding: field[field.startIndex..<end], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !bytes.isEmpty else { throw fail(0, "the file is empty") }
        if bytes[0] == 254 {
            throw fail(0, "block type 254 (FST_BL_ZWRAPPER): the whole file is gzip-compressed; unwrap it (fst2vcd reads it) to check the header")
        }
        guard bytes[0] == 0 else {
            throw fail(0, "the first block has type \(bytes[0]); an FST file starts with the header block, type 0")
        }
        let headerEnd = 1 + Int(FSTHeader.headerSectionLength)
        guard bytes.count >= headerEnd else {
            throw fail(bytes.count, "the file has \(bytes.count) bytes, fewer than the \(headerEnd) of the header block")
        }
        let length = u64(1)
        guard length == FSTHeader.headerSectionLength else {
            throw fail(1, "the header block's length is \(length), not \(FSTHeader.headerSectionLength)")
        }
        startTime = u64(9)
        endTime = u64(17)
        guard startTime <= endTime else {
            throw fail(9, "the start time \(startTime) is after the end time \(endTime)")
        }
        let endianLittle = Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[25 + $1]) << (8 * UInt64($1)) })
        let endianBig = Double(bitPattern: u64(25))
        let e = 2.7182818284590452354
        guard endianLittle == e || endianBig == e else {
            throw fail(25, "the endian test value is not e = 2.718281828... in either byte order")
        }
        scopeCount = u64(41)
        variableCount = u64(49)
        maxHandle = u64(57)
        valueChangeSectionCount = u64(65)
        timescaleExponent = Int(Int8(bitPattern: bytes[73]))
        guard (-18...2).contains(timescaleExponent) else {
            throw fail(73, "the time scale exponent \(timescaleExponent) is outside -18...2")
        }
        version = text(74, 128)
        date = text(202, 119)
        fileType = bytes[321]
        guard fileType <= 2 else { throw fail(321, "the file type \(fileType) is not 0 (Verilog), 1 (VHDL) or 2 (mixed)") }
        timeZero = Int64(bitPattern: u64(322))
        fileSize = bytes.count

        // The blocks after the header.
        var types: [UInt8] = []
        var offset = headerEnd
        while offset < bytes.count {
            let type = bytes[offset]
            switch type {
            case 1, 2, 3, 4, 5, 6, 7, 8: break
            case 255:
                throw fail(offset, "block type 255 (FST_BL_SKIP): the writer did not finish the file (closed without fstWriterClose?)")
            case 0:
                throw fail(offset, "a second header block (type 0)")
            default:
                throw fail(offset, "unknown block type \(type)")
            }
            guard offset + 9 <= bytes.count else {
                throw fail(offset, "block type \(type) is cut off before its length field")
            }
            let blockLength = u64(offset + 1)
            guard blockLength >= 8, blockLength <= UInt64(bytes.count - offset - 1) else {
                throw fail(offset + 1, "block type \(type) has length \(blockLength), which does not fit the \(bytes.count - offset - 1) bytes left")
            }
            types.append(type)
            offset += 1 + Int(blockLength)
        }
        blockTypes = types
        let valueChangeBlocks = types.filter { [1, 5, 8].contains($0) }.count
        guard UInt64(valueChangeBlocks) == valueChangeSectionCount else {
            throw fail(65, "the header counts \(valueChangeSectionCount) value change sections, the file has \(valueChangeBlocks)")
        }
        if variableCount > 0 {
            guard types.contains(3) else { throw fail(headerEnd, "no geometry block (type 3)") }
            guard types.contains(where: { [4, 6, 7].contains($0) }) else {
                throw fail(headerEnd, "no hierarchy block (type 4, 6 or 7)")
            }
        } else {
            throw fail(49, "the header declares no variables")
        }
        guard maxHandle >= 1, maxHandle <= variableCount else {
            throw fail(57, "the maximum handle \(maxHandle) is not in 1...\(variableCount) (the variable count)")
        }
    }
}
