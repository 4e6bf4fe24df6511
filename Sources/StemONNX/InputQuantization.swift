import StemModel

/// How the model quantizes its float input (its first `QuantizeLinear`), and how a quantized
/// value becomes a STEM input value.
///
/// `q = clamp(round_half_even(x / scale) + zeroPoint, qmin, qmax)` in 32-bit floating point, as
/// ONNX Runtime's `QuantizeLinear` computes it; the STEM value is `q - offset`, where `offset`
/// is the zero point: `qmin` for an unsigned input, `qmin + 2^(bits-1)` for a signed one.
public struct InputQuantization: Sendable, Equatable {
    /// The input's shape.
    public var shape: Shape
    /// `y_scale` of the input's `QuantizeLinear`.
    public var scale: Float
    /// Its zero point.
    public var zeroPoint: Int64
    /// The quantized type's range (`0...255` for uint8).
    public var range: ClosedRange<Int64>
    /// Whether STEM receives signed values.
    public var signed: Bool

    /// The quantized value of `x`, as STEM receives it.
    public func value(of x: Float) -> Int64 {
        let scaled = (x / scale).rounded(.toNearestOrEven)
        let q: Int64
        if scaled.isNaN {
            q = zeroPoint
        } else if scaled >= Float(range.upperBound - zeroPoint) {
            q = range.upperBound
        } else if scaled <= Float(range.lowerBound - zeroPoint) {
            q = range.lowerBound
        } else {
            q = Int64(scaled) + zeroPoint
        }
        return q - zeroPoint
    }
}
