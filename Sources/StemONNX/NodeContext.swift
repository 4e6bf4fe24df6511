import StemModel

/// One node being imported: its inputs and attributes, read with errors that name the node.
struct NodeContext {
    let node: ONNXNodeProto
    let name: String
    let file: String

    /// An error about this node.
    func error(_ reason: String) -> ONNXImportError {
        ONNXImportError(file: file, node: name, opType: node.opType, reason: reason)
    }

    /// What input `index` is.
    func value(_ index: Int, in values: [String: TensorValue]) throws(ONNXImportError) -> TensorValue {
        guard index < node.input.count, !node.input[index].isEmpty else {
            throw error("input \(index) is missing")
        }
        guard let value = values[node.input[index]] else {
            throw error("input \"\(node.input[index])\" is produced by no earlier node (the graph is not in topological order, or a subgraph is used)")
        }
        return value
    }

    /// Input `index` as a constant tensor.
    func constant(_ index: Int, in values: [String: TensorValue]) throws(ONNXImportError) -> ONNXTensorValue {
        guard case .constant(let tensor) = try value(index, in: values) else {
            throw error("input \(index) (\"\(node.input[index])\") must be a constant")
        }
        return tensor
    }

    /// Input `index` as a constant, or nil when it is absent.
    func optionalConstant(_ index: Int, in values: [String: TensorValue]) throws(ONNXImportError) -> ONNXTensorValue? {
        guard index < node.input.count, !node.input[index].isEmpty else { return nil }
        return try constant(index, in: values)
    }

    /// Input `index` as a dequantized activation whose STEM values are exactly `real / scale`.
    func exactActivation(_ index: Int, in values: [String: TensorValue]) throws(ONNXImportError) -> Activation {
        guard case .real(let act) = try value(index, in: values) else {
            throw error("input \(index) (\"\(node.input[index])\") is not a dequantized activation (QDQ form: DequantizeLinear before every operator)")
        }
        guard act.isExact else {
            throw error("input \(index) has zero point \(act.zeroPoint), which STEM activations (the unsigned value q - \(act.offset)) cannot express")
        }
        return act
    }

    /// Input `index` as dequantized integer weights with zero points 0.
    func weights(_ index: Int, in values: [String: TensorValue]) throws(ONNXImportError) -> Weights {
        guard case .weights(let weights) = try value(index, in: values) else {
            throw error("input \(index) (\"\(node.input[index])\") is not a dequantized integer constant (quantized weights)")
        }
        return weights
    }

    /// Integer weights as `count` rows, checked against the STEM weight width.
    func weightRows(_ values: [Int64], count: Int, zeroPoints: [Int64]) throws(ONNXImportError) -> [[Int64]] {
        guard zeroPoints.allSatisfy({ $0 == 0 }) else {
            throw error("weight zero point \(zeroPoints.first { $0 != 0 } ?? 0): STEM weights are symmetric (zero point 0)")
        }
        let range = Network.Limits.weight(bits: ONNXImporter.weightBits)
        if let bad = values.first(where: { !range.contains($0) }) {
            throw error("weight \(bad) is outside weightBits \(ONNXImporter.weightBits) (\(range.lowerBound)...\(range.upperBound))")
        }
        guard count > 0, values.count % count == 0 else { throw error("\(values.count) weights for \(count) outputs") }
        let length = values.count / count
        return (0..<count).map { Array(values[($0 * length)..<(($0 + 1) * length)]) }
    }

    func attribute(_ name: String) -> ONNXAttributeProto? {
        node.attribute.first { $0.name == name }
    }

    /// An integer attribute.
    func int(_ name: String, default value: Int) throws(ONNXImportError) -> Int {
        guard let attribute = attribute(name) else { return value }
        guard attribute.type == .int || attribute.type == .undefined else { throw error("attribute \(name) is not an integer") }
        guard let result = Int(exactly: attribute.i) else { throw error("attribute \(name) is \(attribute.i)") }
        return result
    }

    /// A float attribute.
    func float(_ name: String, default value: Double) throws(ONNXImportError) -> Double {
        guard let attribute = attribute(name) else { return value }
        guard attribute.type == .float || attribute.type == .undefined else { throw error("attribute \(name) is not a float") }
        return Double(attribute.f)
    }

    /// A list-of-integers attribute (required when `value` is nil), each within 0...65536.
    func ints(_ name: String, default value: [Int]?) throws(ONNXImportError) -> [Int] {
        guard let attribute = attribute(name) else {
            guard let value else { throw error("attribute \(name) is required") }
            return value
        }
        guard attribute.type == .ints || attribute.type == .undefined else { throw error("attribute \(name) is not a list of integers") }
        guard attribute.ints.allSatisfy({ (0...65536).contains($0) }) else {
            throw error("attribute \(name) \(attribute.ints) has a value outside 0...65536")
        }
        return attribute.ints.map { Int($0) }
    }

    /// `axis` normalized for a tensor of `rank` dimensions.
    func axis(rank: Int, default value: Int) throws(ONNXImportError) -> Int {
        let axis = try int("axis", default: value)
        let normalized = axis < 0 ? axis + rank : axis
        guard rank == 0 || (0..<rank).contains(normalized) else { throw error("axis \(axis) for a tensor of rank \(rank)") }
        return normalized
    }

    /// Checks a 2-D window: two kernel sizes and two strides, each at least 1.
    func checkWindow(kernel: [Int], stride: [Int]) throws(ONNXImportError) {
        guard kernel.count == 2, stride.count == 2, kernel.allSatisfy({ $0 >= 1 }), stride.allSatisfy({ $0 >= 1 }) else {
            throw error("kernel \(kernel) and strides \(stride): a 2-D window of sizes and strides of at least 1 is needed")
        }
    }

    /// `[PH, PW]` from `pads` `[top, left, bottom, right]` (and `auto_pad`), which must be
    /// symmetric.
    func symmetricPads(kernel: [Int]) throws(ONNXImportError) -> [Int] {
        if let autoPad = attribute("auto_pad"), !autoPad.s.isEmpty {
            let text = String(decoding: autoPad.s, as: UTF8.self)
            guard text == "NOTSET" || text == "VALID" else { throw error("auto_pad \(text) is not supported (pads must be explicit)") }
            if text == "VALID" { return [0, 0] }
        }
        let pads = try ints("pads", default: [0, 0, 0, 0])
        guard pads.count == 4, pads[0] == pads[2], pads[1] == pads[3] else {
            throw error("pads \(pads) are not symmetric (STEM pads top = bottom and left = right)")
        }
        return [pads[0], pads[1]]
    }
}
