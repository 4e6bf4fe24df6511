/// A field of a hardware word: `width` bits from bit `lsb` (``HardwareInterface``).
public struct BitField: Hashable, Sendable {
    /// The lowest bit.
    public let lsb: Int
    /// The number of bits (1...64).
    public let width: Int

    /// The field of `width` bits from bit `lsb`.
    public init(lsb: Int, width: Int) {
        precondition(width >= 1 && lsb >= 0 && lsb + width <= 64, "a field lies inside 64 bits")
        self.lsb = lsb
        self.width = width
    }

    /// The field's value bits, unshifted: `2^width - 1`.
    public var mask: UInt64 { width == 64 ? ~0 : (1 << UInt64(width)) - 1 }
    /// The largest value the field holds.
    public var maxValue: Int { Int(truncatingIfNeeded: mask) }

    /// The field's value in `word`.
    public func value(in word: UInt64) -> UInt64 { word >> UInt64(lsb) & mask }

    /// `value` (masked to the field) in its place.
    public func placing(_ value: UInt64) -> UInt64 { (value & mask) << UInt64(lsb) }
}
