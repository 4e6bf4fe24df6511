import StemModel

/// A quantized tensor: the values of STEM layer `layer` (0 = the input), with the scale and
/// zero point that give their real values, `scale * (q - zeroPoint)`, where the STEM value is
/// `q - offset`.
struct Activation {
    var layer: Int
    var shape: Shape
    var scale: Double
    var zeroPoint: Int64
    var offset: Int64
    /// The `QuantizeLinear` that made it.
    var producer: String

    /// Whether the STEM value is exactly `real / scale` (zero point equal to the offset).
    var isExact: Bool { zeroPoint == offset }
}
