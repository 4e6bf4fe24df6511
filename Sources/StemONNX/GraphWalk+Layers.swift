import Foundation
import StemModel

/// Making a STEM layer from an operator's float result and the `QuantizeLinear` after it
/// (docs/import.md, "How scales become multipliers").
extension GraphWalk {
    mutating func makeLayer(_ pending: Pending, scale outputScale: Double, zeroPoint: Int64, range: ClosedRange<Int64>,
                            context: NodeContext) throws(ONNXImportError) -> Activation {
        func error(_ reason: String) -> ONNXImportError {
            ONNXImportError(file: file, node: pending.node, opType: pending.opType, reason: reason)
        }
        func requantization(_ ratio: Double, _ what: String) throws(ONNXImportError) -> Requantization {
            do {
                return try Requantization(ratio: ratio)
            } catch {
                throw ONNXImportError(file: file, node: pending.node, opType: pending.opType, reason: "\(what): \(error.reason)")
            }
        }
        let offset = zeroPoint - range.lowerBound
        if offset != 0 && pending.relu {
            throw error("a Relu before a quantization with zero point \(zeroPoint) (not \(range.lowerBound)) cannot be expressed")
        }
        let name = layerName(pending.node)
        let channels = pending.shape.channels
        var connections = pending.connections
        var requantizations: [Requantization] = []
        var bias: [Int64]?
        let biasMode = BiasMode.accumulator
        var worst = 0.0
        switch pending.kind {
        case .conv, .dense:
            let inputScale = pending.sources[0].scale
            var accumulatorBias: [Int64] = []
            for c in 0..<channels {
                let accumulatorScale = inputScale * pending.weightScales[c]
                let rq = try requantization(accumulatorScale / outputScale, "output channel \(c), scale ratio s_in*s_w/s_out")
                requantizations.append(rq)
                if let integers = pending.integerBias {
                    accumulatorBias.append(integers[c])
                } else if let reals = pending.bias {
                    let q = (reals[c] / accumulatorScale).rounded(.toNearestOrEven)
                    guard q.isFinite, q >= Double(Int32.min), q <= Double(Int32.max) else {
                        throw error("bias \(reals[c]) of output channel \(c) is \(q) at the accumulator's scale \(accumulatorScale), outside signed 32-bit")
                    }
                    accumulatorBias.append(Int64(q))
                }
            }
            if !accumulatorBias.isEmpty { bias = accumulatorBias }
            worst = requantizations.map(\.relativeError).max() ?? 0
        case .add:
            let (x, y) = (pending.sources[0], pending.sources[1])
            let alignment = try align(x.scale, y.scale, outputScale, error: error)
            connections[0] = .identity(Array(repeating: alignment.weights.0, count: channels), from: x.layer)
            connections[1] = .identity(Array(repeating: alignment.weights.1, count: channels), from: y.layer)
            requantizations = [alignment.requantization]
            worst = alignment.error
        case .pool:
            let ratio = pending.sources[0].scale / (outputScale * Double(pending.poolSize))
            requantizations = [try requantization(ratio, "scale ratio s_in/(s_out*\(pending.poolSize))")]
            worst = requantizations[0].relativeError
        }
        if offset != 0 {
            // The output's zero point, added in accumulator units: K = round(offset * 2^n / m),
            // so that round_shift((V + K) * m, n) = round(V*m/2^n) + offset up to m/2^(n+1).
            let base = bias ?? Array(repeating: 0, count: channels)
            bias = try (0..<channels).map { c throws(ONNXImportError) -> Int64 in
                let rq = requantizations[requantizations.count == 1 ? 0 : c]
                let k = (Double(offset) * Double(sign: .plus, exponent: rq.postShift, significand: 1) / Double(rq.multiplier)).rounded()
                let total = Double(base[base.count == 1 ? 0 : c]) + k
                guard total >= Double(Int32.min), total <= Double(Int32.max) else {
                    throw error("the output zero point \(zeroPoint) is \(k) in accumulator units, making a bias outside signed 32-bit")
                }
                return Int64(total)
            }
        }
        if let value = bias, value.count == 1, channels > 1 { bias = Array(repeating: value[0], count: channels) }
        let multipliers = requantizations.map(\.multiplier)
        let postShifts = requantizations.map(\.postShift)
        let uniform = Set(multipliers).count == 1 && Set(postShifts).count == 1
        let layer = Layer(name: name, shape: pending.shape, inputs: connections, bias: bias, biasMode: biasMode,
                          multiplier: multipliers[0], postShift: postShifts[0],
                          channelMultipliers: uniform ? nil : multipliers, channelPostShifts: uniform ? nil : postShifts)
        layers.append(layer)
        let weightScales = pending.weightScales
        rows.append(ImportedLayer(name: name, kind: pending.kind.rawValue, shape: pending.shape,
                                  inputScales: pending.sources.map(\.scale),
                                  weightScales: weightScales.isEmpty ? nil : (weightScales.min()!)...(weightScales.max()!),
                                  outputScale: outputScale, multipliers: multipliers.min()!...multipliers.max()!,
                                  postShifts: postShifts.min()!...postShifts.max()!, worstRelativeError: worst))
        if offset != 0 {
            let shift = range.lowerBound == 0 ? "q" : "q + \(-range.lowerBound)"
            notes.append("\(name): the model's output q has zero point \(zeroPoint) in \(range.lowerBound)...\(range.upperBound); STEM sends "
                         + "y = \(shift), the zero point added to the bias in accumulator units (round(\(offset)*2^n/m), "
                         + "within m/2^(n+1) of a step), which keeps the argmax")
        }
        lastQmin = range.lowerBound
        return Activation(layer: layers.count, shape: pending.shape, scale: outputScale, zeroPoint: zeroPoint,
                          offset: range.lowerBound, producer: context.name)
    }

    /// Integer weights `(wx, wy)` within the weight width and `m/2^n` such that
    /// `wx * m/2^n ~ sx/so` and `wy * m/2^n ~ sy/so` (a residual Add's two inputs), chosen for
    /// the smallest worst relative error.
    func align(_ sx: Double, _ sy: Double, _ so: Double, error: (String) -> ONNXImportError)
        throws(ONNXImportError) -> (weights: (Int64, Int64), requantization: Requantization, error: Double) {
        let top = Network.Limits.weight(bits: ONNXImporter.weightBits).upperBound
        var best: (weights: (Int64, Int64), requantization: Requantization, error: Double)?
        for wx in 1...top {
            let wy = (Double(wx) * sy / sx).rounded()
            guard wy >= 1, wy <= Double(top) else { continue }
            let ratio = ((sx / (so * Double(wx))) * (sy / (so * wy))).squareRoot()
            guard let rq = try? Requantization(ratio: ratio) else { continue }
            let e = max(abs(Double(wx) * rq.value * so / sx - 1), abs(wy * rq.value * so / sy - 1))
            if best == nil || e < best!.error { best = ((wx, Int64(wy)), rq, e) }
        }
        guard let best else {
            throw error("the two inputs' scales \(sx) and \(sy) (ratio \(sy / sx)) cannot be aligned by integer weights of weightBits \(ONNXImporter.weightBits) with a multiplier in range")
        }
        return best
    }

    /// `round_shift(a, n)` of docs/stem-spec.md.
    func roundShift(_ a: Int64, _ n: Int) -> Int64 { n == 0 ? a : ((a >> (n - 1)) + 1) >> 1 }
}
