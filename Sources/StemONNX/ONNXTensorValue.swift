import Foundation

/// The contents of an ONNX tensor (an initializer or a `Constant`), decoded: its dimensions,
/// element type, and its values as doubles (floating-point types) or integers (integer types).
struct ONNXTensorValue: Sendable {
    /// The dimensions (empty for a scalar).
    var dims: [Int]
    /// The element type (`TensorProto.DataType`).
    var elementType: ONNXTensorProto.DataType
    /// The values of a floating-point tensor, in row-major order.
    var reals: [Double]
    /// The values of an integer tensor, in row-major order.
    var integers: [Int64]

    /// The number of values.
    var count: Int { dims.reduce(1, *) }

    /// Whether the values are integers.
    var isInteger: Bool { elementType != .float && elementType != .double }

    /// The values as doubles, whatever the type.
    var values: [Double] { isInteger ? integers.map { Double($0) } : reals }

    /// Bits of an integer element type (8 for int8 and uint8), or nil.
    var integerBits: Int? { Self.bits(of: elementType) }

    /// Whether an integer element type is signed.
    var isSigned: Bool { elementType == .int8 || elementType == .int16 || elementType == .int32 || elementType == .int64 }

    /// The integer range of an element type (`-128...127` for int8), or nil for other types.
    static func range(of type: ONNXTensorProto.DataType) -> ClosedRange<Int64>? {
        switch type {
        case .uint8: return 0...255
        case .int8: return -128...127
        case .uint16: return 0...65535
        case .int16: return -32768...32767
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        default: return nil
        }
    }

    /// The width of an integer element type.
    static func bits(of type: ONNXTensorProto.DataType) -> Int? {
        switch type {
        case .uint8, .int8: return 8
        case .uint16, .int16: return 16
        case .int32: return 32
        case .int64: return 64
        default: return nil
        }
    }

    /// Decodes `tensor`. Throws a reason (for the caller's error) when the type is not one the
    /// importer reads, the data is external, or the data does not hold `product(dims)` values.
    init(_ tensor: ONNXTensorProto) throws(ReasonError) {
        var count = 1
        for dim in tensor.dims {
            guard dim >= 0, dim <= Int64(1 << 32) else { throw ReasonError("tensor \"\(tensor.name)\" has dimension \(dim)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow, product <= (1 << 28) else { throw ReasonError("tensor \"\(tensor.name)\" has more than 2^28 values") }
            count = product
        }
        guard tensor.dataLocation == 0 else {
            throw ReasonError("tensor \"\(tensor.name)\" keeps its data in an external file (not supported)")
        }
        dims = tensor.dims.map { Int($0) }
        guard let type = ONNXTensorProto.DataType(rawValue: Int(tensor.dataType)) else {
            throw ReasonError("tensor \"\(tensor.name)\" has element type \(tensor.dataType), which the importer does not read")
        }
        elementType = type
        reals = []
        integers = []
        let raw = tensor.rawData
        func rawValues<T>(_ width: Int, _ convert: (UInt64) -> T) throws(ReasonError) -> [T]? {
            guard !raw.isEmpty else { return nil }
            guard raw.count == count * width else {
                throw ReasonError("tensor \"\(tensor.name)\" has \(raw.count) bytes of raw data, expected \(count * width) for dims \(dims)")
            }
            return raw.withUnsafeBytes { buffer in
                (0..<count).map { index in
                    var bits: UInt64 = 0
                    for byte in 0..<width { bits |= UInt64(buffer[index * width + byte]) << (8 * byte) }
                    return convert(bits)
                }
            }
        }
        func check(_ found: Int) throws(ReasonError) {
            guard found == count else {
                throw ReasonError("tensor \"\(tensor.name)\" holds \(found) values, expected \(count) for dims \(dims)")
            }
        }
        switch type {
        case .float:
            reals = try rawValues(4) { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) } ?? tensor.floatData.map { Double($0) }
            try check(reals.count)
        case .double:
            reals = try rawValues(8) { Double(bitPattern: $0) } ?? tensor.doubleData
            try check(reals.count)
        case .uint8:
            integers = try rawValues(1) { Int64($0) } ?? tensor.int32Data.map { Int64(UInt8(truncatingIfNeeded: $0)) }
            try check(integers.count)
        case .int8:
            integers = try rawValues(1) { Int64(Int8(truncatingIfNeeded: $0)) } ?? tensor.int32Data.map { Int64(Int8(truncatingIfNeeded: $0)) }
            try check(integers.count)
        case .uint16:
            integers = try rawValues(2) { Int64($0) } ?? tensor.int32Data.map { Int64(UInt16(truncatingIfNeeded: $0)) }
            try check(integers.count)
        case .int16:
            integers = try rawValues(2) { Int64(Int16(truncatingIfNeeded: $0)) } ?? tensor.int32Data.map { Int64(Int16(truncatingIfNeeded: $0)) }
            try check(integers.count)
        case .int32:
            integers = try rawValues(4) { Int64(Int32(truncatingIfNeeded: $0)) } ?? tensor.int32Data.map { Int64($0) }
            try check(integers.count)
        case .int64:
            integers = try rawValues(8) { Int64(bitPattern: $0) } ?? tensor.int64Data
            try check(integers.count)
        default:
            throw ReasonError("tensor \"\(tensor.name)\" has element type \(type), which the importer does not read")
        }
    }
}
