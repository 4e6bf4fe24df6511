import Foundation
import StemModel

/// The operators: what each node makes of its inputs (docs/import.md, "Supported operators").
extension GraphWalk {
    mutating func importNode(_ node: ONNXNodeProto) throws(ONNXImportError) {
        let name = node.name.isEmpty ? (node.output.first ?? "") : node.name
        func error(_ reason: String) -> ONNXImportError {
            ONNXImportError(file: file, node: name, opType: node.opType, reason: reason)
        }
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw error("operator domain \"\(node.domain)\" is not supported (only the default ONNX domain)")
        }
        var context = NodeContext(node: node, name: name, file: file)
        let result: TensorValue
        switch node.opType {
        case "QuantizeLinear": result = try quantize(&context)
        case "DequantizeLinear": result = try dequantize(&context)
        case "Constant":
            guard let attribute = node.attribute.first(where: { $0.name == "value" }), attribute.hasT else {
                throw error("only a Constant with a tensor \"value\" is supported")
            }
            do { result = .constant(try ONNXTensorValue(attribute.t)) } catch { throw context.error(error.reason) }
        case "Conv": result = try conv(&context)
        case "Gemm", "MatMul": result = try dense(&context)
        case "Add": result = try add(&context)
        case "Relu": result = try relu(&context)
        case "BatchNormalization": result = try batchNorm(&context)
        case "AveragePool", "GlobalAveragePool": result = try averagePool(&context)
        case "Flatten", "Reshape": result = try flatten(&context)
        case "Identity": result = try context.value(0, in: values)
        case "Clip": result = try clip(&context)
        default:
            throw error("unsupported operator \(node.opType) (docs/import.md lists the supported ones)")
        }
        guard let output = node.output.first, !output.isEmpty else { throw error("the node has no output") }
        values[output] = result
    }

    // MARK: Quantization

    mutating func quantize(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let x = try context.value(0, in: values)
        let scale = try context.constant(1, in: values)
        let zero = try context.optionalConstant(2, in: values)
        guard scale.count >= 1, (zero?.count ?? 1) >= 1, zero?.isInteger ?? true else {
            throw context.error("an empty scale or zero point, or a zero point that is not an integer")
        }
        let type = zero?.elementType ?? .uint8
        guard let range = ONNXTensorValue.range(of: type), let bits = ONNXTensorValue.bits(of: type), bits <= 16 else {
            throw context.error("quantized type \(type) is not supported (uint8, int8, uint16, int16)")
        }
        if case .constant(let tensor) = x, !tensor.isInteger {
            // Q of a float weight constant (fake-quantized weights): quantize it here, as ONNX
            // Runtime would, in 32-bit floating point.
            let scales = scale.values
            let axis = scales.count == 1 ? 0 : try context.axis(rank: tensor.dims.count, default: 1)
            let zeros = zero?.integers ?? [0]
            guard scales.count == 1 || (tensor.dims.count > axis && scales.count == tensor.dims[axis]) else {
                throw context.error("has \(scales.count) scales for axis \(axis) of a tensor of dims \(tensor.dims)")
            }
            let inner = tensor.dims.count > axis ? tensor.dims[(axis + 1)...].reduce(1, *) : 1
            let extent = tensor.dims.count > axis ? tensor.dims[axis] : 1
            var quantized = tensor
            quantized.elementType = type
            quantized.reals = []
            quantized.integers = tensor.reals.enumerated().map { index, x in
                let channel = scales.count == 1 ? 0 : (index / inner) % extent
                let z = zeros.count == 1 ? zeros[0] : zeros[min(channel, zeros.count - 1)]
                let q = (Float(x) / Float(scales[min(channel, scales.count - 1)])).rounded(.toNearestOrEven)
                guard q.isFinite else { return q > 0 ? range.upperBound : range.lowerBound }
                return min(max(Int64(max(min(q, 1e12), -1e12)) + z, range.lowerBound), range.upperBound)
            }
            return .constant(quantized)
        }
        guard scale.count == 1, (zero?.count ?? 1) == 1 else {
            throw context.error("per-axis quantization of an activation is not supported (only of weights)")
        }
        let s = scale.values[0]
        guard s.isFinite, s > 0 else { throw context.error("scale \(s) is not a positive number") }
        let zp = zero?.integers.first ?? 0
        switch x {
        case .graphInput(let shape):
            guard input == nil else { throw context.error("the graph input is quantized twice") }
            let half = Int64(1) << (bits - 1)
            let signed: Bool
            if zp == range.lowerBound {
                signed = false
            } else if zp == range.lowerBound + half {
                signed = true
            } else {
                throw context.error("input zero point \(zp) of \(type) cannot be expressed: STEM inputs are unsigned (zero point \(range.lowerBound)) or signed (zero point \(range.lowerBound + half))")
            }
            input = InputQuantization(shape: shape, scale: Float(s), zeroPoint: zp, range: range, signed: signed)
            layerBits[0] = bits
            return .activation(Activation(layer: 0, shape: shape, scale: s, zeroPoint: zp, offset: zp, producer: context.name))
        case .real(let act):
            guard act.scale == s, act.zeroPoint == zp, act.offset == range.lowerBound || act.layer == 0 else {
                throw context.error("requantizes an activation without an operator between (scale \(act.scale) to \(s), zero point \(act.zeroPoint) to \(zp)); not supported")
            }
            return .activation(act)
        case .pending(let pending):
            let act = try makeLayer(pending, scale: s, zeroPoint: zp, range: range, context: context)
            layerBits[act.layer] = bits
            return .activation(act)
        default:
            throw context.error("quantizes something the importer does not follow (not the graph input, an operator's result or a weight)")
        }
    }

    /// Brevitas' `Clip` between `QuantizeLinear` and `DequantizeLinear`: an activation of fewer
    /// bits (its range `offset...offset + 2^k - 1`, or the signed input's `-2^(k-1)...2^(k-1)-1`
    /// around its zero point), or integer weights clipped to fewer bits.
    mutating func clip(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let x = try context.value(0, in: values)
        func bound(_ index: Int, _ attribute: String) throws(ONNXImportError) -> Int64? {
            if let tensor = try context.optionalConstant(index, in: values) {
                guard tensor.count == 1, let value = tensor.values.first, value.isFinite, value.rounded() == value, abs(value) < 1e9 else {
                    throw context.error("input \(index) is not one integer")
                }
                return Int64(value)
            }
            guard let value = context.attribute(attribute) else { return nil }
            guard Double(value.f).rounded() == Double(value.f), abs(value.f) < 1e9 else { throw context.error("attribute \(attribute) is not an integer") }
            return Int64(value.f)
        }
        let low = try bound(1, "min")
        let high = try bound(2, "max")
        switch x {
        case .constant(var tensor) where tensor.isInteger:
            tensor.integers = tensor.integers.map { min(max($0, low ?? .min), high ?? .max) }
            return .constant(tensor)
        case .activation(let act):
            guard let low, let high, high > low else { throw context.error("a Clip of an activation needs both bounds") }
            let width = high - low + 1
            let bits = width.trailingZeroBitCount
            let signed = act.layer == 0 && input?.signed == true
            let expectedLow = signed ? act.zeroPoint - width / 2 : act.offset
            guard width.nonzeroBitCount == 1, (2...16).contains(bits), act.isExact || act.layer == 0, low == expectedLow else {
                throw context.error("clips to \(low)...\(high); only to \(signed ? "a signed" : "an unsigned") range of 2...16 bits from \(expectedLow) is supported")
            }
            layerBits[act.layer] = bits
            if act.layer == 0, var quantization = input {
                quantization.range = low...high
                input = quantization
            }
            return .activation(act)
        default:
            throw context.error("Clip is supported between QuantizeLinear and DequantizeLinear (of an activation or of weights)")
        }
    }

    mutating func dequantize(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let x = try context.value(0, in: values)
        let scale = try context.constant(1, in: values)
        let zero = try context.optionalConstant(2, in: values)
        guard scale.count >= 1, (zero?.count ?? 1) >= 1, zero?.isInteger ?? true else {
            throw context.error("an empty scale or zero point, or a zero point that is not an integer")
        }
        switch x {
        case .activation(let act):
            guard scale.count == 1, (zero?.count ?? 1) == 1 else {
                throw context.error("per-axis dequantization of an activation is not supported")
            }
            var real = act
            real.scale = scale.values[0]
            real.zeroPoint = zero?.integers.first ?? 0
            guard real.scale.isFinite, real.scale > 0 else { throw context.error("scale \(real.scale) is not a positive number") }
            return .real(real)
        case .constant(let tensor) where tensor.isInteger:
            let scales = scale.values
            let axis = scales.count == 1 ? 0 : try context.axis(rank: tensor.dims.count, default: 1)
            let zeros = zero?.integers ?? [0]
            if scales.count != 1 {
                guard tensor.dims.count > axis, scales.count == tensor.dims[axis], zeros.count == 1 || zeros.count == scales.count else {
                    throw context.error("has \(scales.count) scales for axis \(axis) of a tensor of dims \(tensor.dims)")
                }
            }
            guard scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw context.error("has a scale that is not a positive number")
            }
            return .weights(Weights(tensor: tensor, scales: scales, axis: axis, zeroPoints: zeros))
        default:
            throw context.error("dequantizes something that is neither a quantized activation nor an integer constant")
        }
    }

    // MARK: Linear operators

    mutating func conv(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let act = try context.exactActivation(0, in: values)
        let weights = try context.weights(1, in: values)
        let dims = weights.tensor.dims
        guard dims.count == 4 else {
            throw context.error("weights of dims \(dims); a 2-D convolution needs [Co,Ci,KH,KW]")
        }
        guard dims[1] == act.shape.channels else {
            throw context.error("weights of dims \(dims) for an input of \(act.shape.channels) channels")
        }
        let group = try context.int("group", default: 1)
        guard group == 1 else { throw context.error("group \(group) is not supported (only group 1)") }
        let dilations = try context.ints("dilations", default: [1, 1])
        guard dilations.allSatisfy({ $0 == 1 }) else { throw context.error("dilations \(dilations) are not supported (only 1)") }
        let kernel = try context.ints("kernel_shape", default: [dims[2], dims[3]])
        guard kernel == [dims[2], dims[3]] else { throw context.error("kernel_shape \(kernel) differs from the weights' \(dims)") }
        let stride = try context.ints("strides", default: [1, 1])
        try context.checkWindow(kernel: kernel, stride: stride)
        let padding = try context.symmetricPads(kernel: kernel)
        guard weights.axis == 0 || weights.scales.count == 1 else {
            throw context.error("per-axis weight scales on axis \(weights.axis); only the output-channel axis 0 is supported")
        }
        let rows = try context.weightRows(weights.tensor.integers, count: dims[0], zeroPoints: weights.zeroPoints)
        let connection = Connection(kind: .conv, source: act.layer, weights: rows, kernel: kernel, stride: stride, padding: padding)
        guard let shape = connection.outputShape(from: act.shape) else {
            throw context.error("kernel \(kernel) is larger than the padded input \(act.shape)")
        }
        var pending = Pending(kind: .conv, node: context.name, opType: context.node.opType, shape: shape,
                              connections: [connection], sources: [act])
        pending.weightScales = weights.scales.count == 1 ? Array(repeating: weights.scales[0], count: dims[0]) : weights.scales
        if context.node.input.count > 2, !context.node.input[2].isEmpty {
            try addBias(&pending, value: try context.value(2, in: values), count: dims[0], context: context)
        }
        return .pending(pending)
    }

    mutating func dense(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let act = try context.exactActivation(0, in: values)
        let weights = try context.weights(1, in: values)
        let dims = weights.tensor.dims
        guard dims.count == 2 else { throw context.error("weights of dims \(dims); a matrix is needed") }
        var transposed = false
        var alpha = 1.0
        var beta = 1.0
        if context.node.opType == "Gemm" {
            guard try context.int("transA", default: 0) == 0 else { throw context.error("transA 1 is not supported") }
            transposed = try context.int("transB", default: 0) == 1
            alpha = try context.float("alpha", default: 1)
            beta = try context.float("beta", default: 1)
            guard alpha > 0 else { throw context.error("alpha \(alpha) is not supported (only positive)") }
        }
        let (outputs, inputs) = transposed ? (dims[0], dims[1]) : (dims[1], dims[0])
        guard inputs == act.shape.count else {
            throw context.error("weights of dims \(dims) for an input of \(act.shape.count) values")
        }
        let outputAxis = transposed ? 0 : 1
        guard weights.scales.count == 1 || weights.axis == outputAxis else {
            throw context.error("per-axis weight scales on axis \(weights.axis); only the output axis \(outputAxis) is supported")
        }
        let values = weights.tensor.integers
        let ordered = transposed ? values : (0..<(outputs * inputs)).map { values[($0 % inputs) * outputs + $0 / inputs] }
        let rows = try context.weightRows(ordered, count: outputs, zeroPoints: weights.zeroPoints)
        var pending = Pending(kind: .dense, node: context.name, opType: context.node.opType, shape: Shape(flat: outputs),
                              connections: [.dense(rows, from: act.layer)], sources: [act])
        let scales = weights.scales.count == 1 ? Array(repeating: weights.scales[0], count: outputs) : weights.scales
        pending.weightScales = scales.map { $0 * alpha }
        if context.node.opType == "Gemm", context.node.input.count > 2, !context.node.input[2].isEmpty {
            try addBias(&pending, value: try context.value(2, in: self.values), count: outputs, context: context, factor: beta)
        }
        return .pending(pending)
    }

    /// Adds a bias (a float constant or dequantized integers) to a linear operator's result.
    func addBias(_ pending: inout Pending, value: TensorValue, count: Int, context: NodeContext, factor: Double = 1) throws(ONNXImportError) {
        guard pending.kind == .conv || pending.kind == .dense, !pending.relu, !pending.batchNormFolded else {
            throw context.error("adds a constant to something other than a convolution's or matrix product's result")
        }
        var reals: [Double]
        var integers: [Int64]?
        switch value {
        case .constant(let tensor):
            reals = tensor.values
        case .weights(let weights):
            reals = weights.reals
            // Integers already at the accumulator's scale stay as they are.
            if weights.scales.count == 1, weights.zeroPoints.allSatisfy({ $0 == 0 }), factor == 1 {
                let scale = weights.scales[0]
                let accumulator = pending.sources[0].scale * pending.weightScales[0]
                if pending.weightScales.allSatisfy({ $0 == pending.weightScales[0] }), abs(scale / accumulator - 1) < 1e-6 {
                    integers = weights.tensor.integers
                }
            }
        default:
            throw context.error("the bias is not a constant")
        }
        if reals.count == 1 { reals = Array(repeating: reals[0], count: count) }
        guard reals.count == count else { throw context.error("a bias of \(reals.count) values for \(count) outputs") }
        if let integers, integers.count == 1 { pending.integerBias = Array(repeating: integers[0], count: count) } else { pending.integerBias = integers }
        let existing = pending.bias ?? Array(repeating: 0, count: count)
        if pending.bias != nil { pending.integerBias = nil }
        pending.bias = zip(existing, reals).map { $0 + $1 * factor }
    }

    mutating func add(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let a = try context.value(0, in: values)
        let b = try context.value(1, in: values)
        switch (a, b) {
        case (.pending(var pending), .constant), (.pending(var pending), .weights):
            try addBias(&pending, value: b, count: pending.shape.channels, context: context)
            return .pending(pending)
        case (.constant, .pending(var pending)), (.weights, .pending(var pending)):
            try addBias(&pending, value: a, count: pending.shape.channels, context: context)
            return .pending(pending)
        case (.real(let x), .real(let y)):
            for act in [x, y] where !act.isExact || act.layer == 0 && input?.signed == true {
                throw context.error("an input of the Add has zero point \(act.zeroPoint) (offset \(act.offset)), which STEM activations cannot express")
            }
            guard x.shape == y.shape else { throw context.error("adds shapes \(x.shape) and \(y.shape); they must be equal") }
            return .pending(Pending(kind: .add, node: context.name, opType: "Add", shape: x.shape,
                                    connections: [.identity([], from: x.layer), .identity([], from: y.layer)], sources: [x, y]))
        default:
            throw context.error("only a bias after Conv/Gemm/MatMul, or the sum of two dequantized activations (a residual), is supported")
        }
    }

    mutating func relu(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        switch try context.value(0, in: values) {
        case .pending(var pending):
            pending.relu = true
            return .pending(pending)
        case .real(let act) where act.isExact && !(act.layer == 0 && input?.signed == true):
            return .real(act)
        default:
            throw context.error("Relu is supported on an operator's result or an unsigned activation")
        }
    }

    mutating func batchNorm(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        guard case .pending(var pending) = try context.value(0, in: values), pending.kind == .conv, !pending.relu, !pending.batchNormFolded else {
            throw context.error("BatchNormalization is supported only right after a Conv (it is folded into it)")
        }
        guard try context.int("training_mode", default: 0) == 0 else { throw context.error("training_mode 1 is not supported") }
        let epsilon = try context.float("epsilon", default: 1e-5)
        let channels = pending.shape.channels
        var parameters: [[Double]] = []
        for index in 1...4 {
            let tensor = try context.constant(index, in: values)
            guard tensor.count == channels else { throw context.error("input \(index) has \(tensor.count) values for \(channels) channels") }
            parameters.append(tensor.values)
        }
        let (gamma, beta, mean, variance) = (parameters[0], parameters[1], parameters[2], parameters[3])
        var bias = pending.bias ?? Array(repeating: 0, count: channels)
        var rows = pending.connections[0].weights
        for c in 0..<channels {
            let factor = gamma[c] / (variance[c] + epsilon).squareRoot()
            guard factor.isFinite, factor != 0 else { throw context.error("channel \(c) has batch-norm factor \(factor)") }
            bias[c] = (bias[c] - mean[c]) * factor + beta[c]
            pending.weightScales[c] *= abs(factor)
            if factor < 0 { rows[c] = rows[c].map { -$0 } }
        }
        for row in rows {
            for w in row where !Network.Limits.weight(bits: ONNXImporter.weightBits).contains(w) {
                throw context.error("folding a negative batch-norm factor makes weight \(w), outside weightBits \(ONNXImporter.weightBits)")
            }
        }
        pending.connections[0].weights = rows
        pending.bias = bias
        pending.integerBias = nil
        pending.batchNormFolded = true
        return .pending(pending)
    }

    mutating func averagePool(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let act = try context.exactActivation(0, in: values)
        let kernel: [Int]
        let stride: [Int]
        if context.node.opType == "GlobalAveragePool" {
            kernel = [act.shape.height, act.shape.width]
            stride = kernel
        } else {
            kernel = try context.ints("kernel_shape", default: nil)
            stride = try context.ints("strides", default: [1, 1])
            try context.checkWindow(kernel: kernel, stride: stride)
            let padding = try context.symmetricPads(kernel: kernel)
            guard padding == [0, 0] else { throw context.error("pads \(padding) are not supported for pooling (only none)") }
            let dilations = try context.ints("dilations", default: [1, 1])
            guard dilations.allSatisfy({ $0 == 1 }) else { throw context.error("dilations \(dilations) are not supported") }
            if try context.int("ceil_mode", default: 0) != 0 {
                let exact = kernel.count == 2 && stride.count == 2
                    && (act.shape.height - kernel[0]) % stride[0] == 0 && (act.shape.width - kernel[1]) % stride[1] == 0
                guard exact else { throw context.error("ceil_mode 1 with a partial window is not supported") }
            }
        }
        guard kernel.count == 2, stride.count == 2 else { throw context.error("a 2-D pooling window is needed") }
        let connection = Connection.pool(kernel: kernel, stride: stride, from: act.layer)
        guard let shape = connection.outputShape(from: act.shape) else {
            throw context.error("window \(kernel) is larger than the input \(act.shape)")
        }
        var pending = Pending(kind: .pool, node: context.name, opType: context.node.opType, shape: shape,
                              connections: [connection], sources: [act])
        pending.poolSize = kernel[0] * kernel[1]
        return .pending(pending)
    }

    mutating func flatten(_ context: inout NodeContext) throws(ONNXImportError) -> TensorValue {
        let x = try context.value(0, in: values)
        if context.node.opType == "Flatten" {
            let axis = try context.int("axis", default: 1)
            guard axis == 1 else { throw context.error("axis \(axis) is not supported (only 1, which keeps the batch)") }
        } else {
            let target = try context.constant(1, in: values).integers
            var count: Int64 = -1
            if case .real(let act) = x { count = Int64(act.shape.count) }
            if case .activation(let act) = x { count = Int64(act.shape.count) }
            guard target.count == 2, [1, -1, 0].contains(target[0]), target[1] == count || (target[1] == -1 && target[0] != -1) else {
                throw context.error("reshapes to \(target); only to [1, N] (N the input's \(count) values) before a dense layer")
            }
        }
        switch x {
        case .real(var act), .activation(var act):
            act.shape = Shape(flat: act.shape.count)
            if case .real = x { return .real(act) }
            return .activation(act)
        default:
            throw context.error("flattens something other than a quantized activation")
        }
    }
}
