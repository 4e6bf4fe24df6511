/// The integer-only quantized ANN the STEM network is equivalent to (docs/stem-spec.md
/// section 10), computed directly, layer by layer, as its own code path:
/// ```
/// accumulator bias: y = clamp(round_shift((sum_i w_ji x_i + b_j) * m, n), 0, 2^B - 1)
/// output bias:      y = clamp(round_shift((sum_i w_ji x_i) * m, n) + b_j, 0, 2^B - 1)
/// ```
/// then RoT and DRLO. The arithmetic is exact for every valid network (the product with `m`
/// is taken at 128 bits).
public struct QuantizedANN: Sendable {
    /// The network evaluated.
    public let network: Network

    public init(network: Network) {
        self.network = network
    }

    /// The values of layers `1...L` for one sample (`result[l-1]` is layer `l`).
    public func layerValues(for sample: [Int64]) -> [[Int64]] {
        precondition(sample.count == network.inputSize, "a sample has \(network.inputSize) values")
        var result: [[Int64]] = []
        var x = sample
        for layer in network.layers {
            x = evaluate(layer, on: x)
            result.append(x)
        }
        return result
    }

    /// The output layer's values for one sample.
    public func outputs(for sample: [Int64]) -> [Int64] {
        layerValues(for: sample).last!
    }

    /// The output layer's values for each sample.
    public func outputs(for samples: [[Int64]]) -> [[Int64]] {
        samples.map(outputs(for:))
    }

    private func evaluate(_ layer: Layer, on x: [Int64]) -> [Int64] {
        let B = network.timeSteps
        return layer.weights.indices.map { j in
            var sum: Int64 = 0
            for (w, xi) in zip(layer.weights[j], x) { sum += w * xi }
            let b = layer.bias[j]
            var y: Int64
            switch layer.biasMode {
            case .accumulator:
                y = Self.roundShiftedProduct(sum + b, Int64(layer.multiplier), by: layer.postShift)
            case .output:
                y = Self.roundShiftedProduct(sum, Int64(layer.multiplier), by: layer.postShift) + b
            }
            y = clampActivation(y, timeSteps: B)
            y = rot(y, factor: layer.rot, timeSteps: B)
            return drlo(y, keep: layer.drlo)
        }
    }

    /// `round_shift(a * m, n)` computed exactly at 128 bits, then limited to `±2^62` (far
    /// outside any activation, so a later bias add and clamp give the exact result).
    static func roundShiftedProduct(_ a: Int64, _ m: Int64, by n: Int) -> Int64 {
        let product = a.multipliedFullWidth(by: m)
        var high = product.high
        var low = product.low
        if n > 0 {
            (high, low) = shiftRight(high, low, by: n - 1)
            let (sum, carry) = low.addingReportingOverflow(1)
            low = sum
            if carry { high &+= 1 }
            (high, low) = shiftRight(high, low, by: 1)
        }
        let limit: Int64 = 1 << 62
        if high == 0 && low <= UInt64(limit) { return Int64(low) }
        if high == -1 && Int64(bitPattern: low) >= -limit { return Int64(bitPattern: low) }
        return high < 0 ? -limit : limit
    }

    private static func shiftRight(_ high: Int64, _ low: UInt64, by k: Int) -> (Int64, UInt64) {
        if k == 0 { return (high, low) }
        return (high >> k, (low >> k) | (UInt64(bitPattern: high) << (64 - k)))
    }
}
