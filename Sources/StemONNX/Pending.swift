import StemModel

/// The float result of an operator that a `QuantizeLinear` makes into a STEM layer.
struct Pending {
    enum Kind: String { case conv, dense, add, pool }
    var kind: Kind
    var node: String
    var opType: String
    var shape: Shape
    var connections: [Connection]
    var sources: [Activation]
    /// Per output channel (conv, dense).
    var weightScales: [Double] = []
    /// Per output channel, real units (conv, dense).
    var bias: [Double]?
    /// When the bias came as integers at exactly the accumulator's scale, those integers.
    var integerBias: [Int64]?
    /// The pooling window's size.
    var poolSize: Int = 1
    var relu = false
    var batchNormFolded = false
}
