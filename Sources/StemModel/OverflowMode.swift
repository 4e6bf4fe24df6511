/// What the accumulator does with a value outside its `accumulatorBits`-bit range
/// (docs/stem-spec.md, `fit`).
public enum OverflowMode: String, Sendable, CaseIterable {
    /// Keep the low bits and sign-extend (two's-complement wrap-around).
    case wrap
    /// Clamp to the range.
    case saturate
}
