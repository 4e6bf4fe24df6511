/// A positive real scale factor as STEM's integer requantization `m / 2^n` (docs/import.md,
/// "How scales become multipliers").
///
/// The post-shift `n` is the largest in `0...62` for which `m = round(ratio * 2^n)` still fits
/// the core's 16-bit multiplier (`1...65535`), so `m` keeps 16 significant bits
/// (`32768...65535`) whenever `n < 62`, and the relative error is at most `2^-16`.
public struct Requantization: Sendable, Equatable {
    /// `m`, 1...65535.
    public var multiplier: Int
    /// `n`, 0...62.
    public var postShift: Int
    /// The factor it approximates.
    public var ratio: Double

    /// The value `m / 2^n`.
    public var value: Double { Double(multiplier) / Double(sign: .plus, exponent: postShift, significand: 1) }

    /// `|m/2^n - ratio| / ratio`.
    public var relativeError: Double { abs(value - ratio) / ratio }

    /// The multiplier and post-shift for `ratio`, or a reason when `ratio` is not positive and
    /// finite or does not fit (`m` below 1 at `n = 62`, or above 65535 at `n = 0`).
    init(ratio: Double) throws(ReasonError) {
        let multiplierRange = 1...65535
        let shiftRange = 0...62
        guard ratio.isFinite, ratio > 0 else {
            throw ReasonError("the scale ratio \(ratio) is not a positive number")
        }
        guard (ratio * 2).rounded(.down) < Double(2 * multiplierRange.upperBound + 1) else {
            throw ReasonError("the scale ratio \(ratio) is larger than the multiplier's \(multiplierRange.upperBound) (postShift 0)")
        }
        var shift = shiftRange.upperBound
        while shift > 0 && (ratio * Double(sign: .plus, exponent: shift, significand: 1)).rounded() > Double(multiplierRange.upperBound) {
            shift -= 1
        }
        let m = (ratio * Double(sign: .plus, exponent: shift, significand: 1)).rounded()
        guard m >= 1 else {
            throw ReasonError("the scale ratio \(ratio) is smaller than the smallest m/2^n, 1/2^\(shiftRange.upperBound)")
        }
        multiplier = Int(m)
        postShift = shift
        self.ratio = ratio
    }
}
