/// The integer-only quantized ANN the STEM network is equivalent to (docs/stem-spec.md
/// section 10), computed directly, layer by layer (in a graph network: connection by
/// connection, with direct convolution and pooling loops), as its own code path:
/// ```
/// accumulator bias: y = clamp(round_shift((sum_i w_ji x_i + b_j) * m, n), 0, 2^B - 1)
/// output bias:      y = clamp(round_shift((sum_i w_ji x_i) * m, n) + b_j, 0, 2^B - 1)
/// ```
/// with the `m`, `n` of the neuron's channel, then RoT and DRLO. The arithmetic is exact for every valid network (the product with `m`
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
        var values: [[Int64]] = [sample]
        for (index, layer) in network.layers.enumerated() {
            values.append(evaluate(layer, number: index + 1, on: values))
        }
        return Array(values.dropFirst())
    }

    /// The output layer's values for one sample.
    public func outputs(for sample: [Int64]) -> [Int64] {
        layerValues(for: sample).last!
    }

    /// The output layer's values for each sample.
    public func outputs(for samples: [[Int64]]) -> [[Int64]] {
        samples.map(outputs(for:))
    }

    /// Layer `number`'s values from the values of layers `0..<number` (`values[0]` is the
    /// sample): the sum over its connections, then requantization per channel.
    private func evaluate(_ layer: Layer, number: Int, on values: [[Int64]]) -> [Int64] {
        let B = network.timeSteps
        let shape = layer.shape
        var sums = Array(repeating: Int64(0), count: shape.count)
        for connection in layer.inputs {
            let from = network.source(of: connection, inLayer: number)
            accumulate(connection, from: values[from], shape: network.shape(ofLayer: from), to: shape, into: &sums)
        }
        let plane = shape.height * shape.width
        return sums.indices.map { j in
            let channel = j / plane
            let b = layer.bias.count == sums.count ? layer.bias[j] : layer.bias[channel]
            let m = Int64(layer.channelMultipliers?[channel] ?? layer.multiplier)
            let n = layer.channelPostShifts?[channel] ?? layer.postShift
            var y: Int64
            switch layer.biasMode {
            case .accumulator:
                y = Self.roundShiftedProduct(sums[j] + b, m, by: n)
            case .output:
                y = Self.roundShiftedProduct(sums[j], m, by: n) + b
            }
            y = clampActivation(y, timeSteps: B)
            y = rot(y, factor: layer.rot, timeSteps: B)
            return drlo(y, keep: layer.drlo)
        }
    }

    /// Adds `sum_i w_ji x_i` of one connection to `sums`, output neuron by output neuron
    /// (direct loops over the kernel window, not the golden model's event delivery).
    private func accumulate(_ connection: Connection, from x: [Int64], shape input: Shape, to output: Shape,
                            into sums: inout [Int64]) {
        let (inH, inW) = (input.height, input.width)
        let (outH, outW) = (output.height, output.width)
        switch connection.kind {
        case .dense:
            for j in sums.indices {
                var sum: Int64 = 0
                for (w, xi) in zip(connection.weights[j], x) { sum += w * xi }
                sums[j] += sum
            }
        case .identity:
            let weights = connection.weights[0]
            for c in 0..<output.channels {
                for p in 0..<(outH * outW) {
                    let j = c * outH * outW + p
                    sums[j] += weights[c] * x[j]
                }
            }
        case .conv:
            let (kh, kw) = (connection.kernel[0], connection.kernel[1])
            let (sh, sw) = (connection.stride[0], connection.stride[1])
            let (ph, pw) = (connection.padding[0], connection.padding[1])
            for co in 0..<output.channels {
                let row = connection.weights[co]
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var sum: Int64 = 0
                        for ci in 0..<input.channels {
                            for ky in 0..<kh {
                                let iy = oy * sh - ph + ky
                                if iy < 0 || iy >= inH { continue }
                                for kx in 0..<kw {
                                    let ix = ox * sw - pw + kx
                                    if ix < 0 || ix >= inW { continue }
                                    sum += row[(ci * kh + ky) * kw + kx] * x[(ci * inH + iy) * inW + ix]
                                }
                            }
                        }
                        sums[(co * outH + oy) * outW + ox] += sum
                    }
                }
            }
        case .pool:
            let (kh, kw) = (connection.kernel[0], connection.kernel[1])
            let (sh, sw) = (connection.stride[0], connection.stride[1])
            for c in 0..<output.channels {
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var sum: Int64 = 0
                        for ky in 0..<kh {
                            for kx in 0..<kw { sum += x[(c * inH + oy * sh + ky) * inW + ox * sw + kx] }
                        }
                        sums[(c * outH + oy) * outW + ox] += sum
                    }
                }
            }
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
