/// A value read from a VCD file.
public enum VCDValue: Hashable, Sendable, CustomStringConvertible {
    /// A bit vector, most significant bit first, exactly as wide as the variable (shorter
    /// values in the file are extended as IEEE 1364 says: with `0` after a leading `0` or `1`,
    /// with `x` / `z` after a leading `x` / `z`). Characters: `0`, `1`, `x`, `z`.
    case bits(String)
    /// A `real` variable's value.
    case real(Double)
    /// A string value (the GTKWave `s` extension).
    case string(String)

    /// Whether every bit is 0 or 1 (always true for real and string values).
    public var isKnown: Bool {
        if case let .bits(bits) = self { return bits.utf8.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") } }
        return true
    }

    /// The bits as an unsigned number (`nil` for unknown bits, wider than 64 bits, or not bits).
    public var unsignedValue: UInt64? {
        guard case let .bits(bits) = self, bits.utf8.count <= 64 else { return nil }
        var value: UInt64 = 0
        for byte in bits.utf8 {
            switch byte {
            case UInt8(ascii: "0"): value <<= 1
            case UInt8(ascii: "1"): value = value << 1 | 1
            default: return nil
            }
        }
        return value
    }

    /// The bits as a two's complement number at the variable's width.
    public var signedValue: Int64? {
        guard let unsigned = unsignedValue, case let .bits(bits) = self else { return nil }
        let width = bits.utf8.count
        if width == 64 { return Int64(bitPattern: unsigned) }
        if unsigned >> UInt64(width - 1) & 1 == 1 {
            return Int64(bitPattern: unsigned | ~((UInt64(1) << UInt64(width)) - 1))
        }
        return Int64(unsigned)
    }

    /// A one-bit value as a Bool (`nil` for x/z or wider values).
    public var bit: Bool? {
        guard case let .bits(bits) = self, bits.utf8.count == 1 else { return nil }
        return bits == "1" ? true : bits == "0" ? false : nil
    }

    public var description: String {
        switch self {
        case let .bits(bits): return bits.utf8.count == 1 ? bits : "b" + bits
        case let .real(value): return "r\(value)"
        case let .string(text): return "s" + text
        }
    }
}

/// One value change of a variable.
public struct VCDChange: Hashable, Sendable {
    public var time: UInt64
    public var value: VCDValue

    public init(time: UInt64, value: VCDValue) {
        self.time = time
        self.value = value
    }
}
