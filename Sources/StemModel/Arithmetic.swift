// The STEM arithmetic of docs/stem-spec.md as small functions, shared by the golden model,
// the quantized-ANN reference and the tests.

/// `round_shift(a, s)`: `a` shifted right by `s` bits, rounding half up (towards +infinity),
/// also for negative `a`; `a` itself when `s` is 0.
///
/// Computed as `((a >> (s-1)) + 1) >> 1`, which needs no extra bit for the rounding
/// constant. `roundShift(-5, by: 1) == -2`, `roundShift(-6, by: 2) == -1`.
/// - Precondition: `0 <= s <= 63`.
@inlinable
public func roundShift(_ a: Int64, by s: Int) -> Int64 {
    if s == 0 { return a }
    return ((a >> (s - 1)) &+ 1) >> 1
}

/// The signed range of an `bits`-bit two's-complement integer.
@inlinable
public func signedRange(bits: Int) -> ClosedRange<Int64> {
    (-(Int64(1) << (bits - 1)))...((Int64(1) << (bits - 1)) - 1)
}

/// `fit(v)`: `v` brought into the `bits`-bit two's-complement range by wrapping or
/// saturating, and whether that changed it (an overflow event).
/// - Precondition: `1 <= bits <= 63`.
@inlinable
public func fit(_ v: Int64, bits: Int, mode: OverflowMode) -> (value: Int64, overflowed: Bool) {
    let fitted: Int64
    switch mode {
    case .wrap:
        let unused = 64 - bits
        fitted = (v &<< unused) &>> unused
    case .saturate:
        let high = (Int64(1) << (bits - 1)) - 1
        let low = -high - 1
        fitted = v < low ? low : (v > high ? high : v)
    }
    return (fitted, fitted != v)
}

/// RoT with factor `r` (0 = off): `y` rounded to a multiple of `2^r`, but at most the largest
/// multiple of `2^r` that fits `timeSteps` bits.
@inlinable
public func rot(_ y: Int64, factor r: Int, timeSteps: Int) -> Int64 {
    if r == 0 { return y }
    let top = (((Int64(1) << timeSteps) - 1) >> r) << r
    return min(roundShift(y, by: r) << r, top)
}

/// DRLO with limit `k` (0 = off): `y` with only its `k` most significant 1-bits kept.
@inlinable
public func drlo(_ y: Int64, keep k: Int) -> Int64 {
    if k == 0 { return y }
    var kept = y
    while kept.nonzeroBitCount > k { kept &= kept - 1 }
    return kept
}

/// The smallest width `A` whose two's-complement range `-2^(A-1)...2^(A-1)-1` holds `v`
/// (1 for 0 and -1).
@inlinable
public func bitsNeeded(_ v: Int64) -> Int {
    65 - (v < 0 ? ~v : v).leadingZeroBitCount
}

/// `clamp(y, 0, 2^timeSteps - 1)`: ReLU and saturation to an activation.
@inlinable
public func clampActivation(_ y: Int64, timeSteps: Int) -> Int64 {
    let top = (Int64(1) << timeSteps) - 1
    return y < 0 ? 0 : (y > top ? top : y)
}

/// The index of the largest value, the lowest index on ties (the prediction of an output
/// layer). -1 for an empty array.
public func argmax(_ values: [Int64]) -> Int {
    guard var best = values.first else { return -1 }
    var index = 0
    for (i, v) in values.enumerated() where v > best {
        best = v
        index = i
    }
    return index
}
