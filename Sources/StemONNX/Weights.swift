/// Integer weights with their scales (a `DequantizeLinear` of an integer constant).
struct Weights {
    var tensor: ONNXTensorValue
    /// One scale, or one per index of `axis`.
    var scales: [Double]
    var axis: Int
    /// The per-tensor or per-axis zero points (all zero for STEM weights).
    var zeroPoints: [Int64]

    /// The real values `scale * (q - zeroPoint)`.
    var reals: [Double] {
        let dims = tensor.dims
        let inner = dims.count > axis ? dims[(axis + 1)...].reduce(1, *) : 1
        let extent = dims.count > axis ? dims[axis] : 1
        return tensor.integers.enumerated().map { index, q in
            let channel = scales.count == 1 ? 0 : (index / inner) % extent
            let zero = zeroPoints.count == 1 ? zeroPoints[0] : zeroPoints[channel]
            return scales[channel] * Double(q - zero)
        }
    }
}
