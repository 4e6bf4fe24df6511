import Foundation
import StemModel

/// The state of one import: the tensors seen so far and the layers made.
struct GraphWalk {
    let file: String
    let options: ONNXImportOptions
    var values: [String: TensorValue] = [:]
    var layers: [Layer] = []
    var rows: [ImportedLayer] = []
    var notes: [String] = []
    var names: Set<String> = [Network.inputLayerName]
    var input: InputQuantization?
    /// The width of every layer's activations (0 = the input): its quantized type's, or a
    /// `Clip`'s.
    var layerBits: [Int: Int] = [:]
    /// Per layer (1...L), the offset of its output (nonzero only for an output layer).
    var outputOffsets: [Int64] = []
    var lastQmin: Int64 = 0

    init(file: String, options: ONNXImportOptions) {
        self.file = file
        self.options = options
    }

    func fail(_ reason: String) -> ONNXImportError { ONNXImportError(file: file, reason: reason) }

    mutating func run(_ graph: ONNXGraphProto) throws(ONNXImportError) -> ONNXImport {
        guard graph.node.contains(where: { $0.opType == "QuantizeLinear" || $0.opType.hasPrefix("QLinear") }) else {
            throw fail("a float (non-quantized) model: it has no QuantizeLinear nodes (export the model in QDQ form)")
        }
        for tensor in graph.initializer {
            do {
                values[tensor.name] = .constant(try ONNXTensorValue(tensor))
            } catch {
                throw fail(error.reason)
            }
        }
        let inputs = graph.input.filter { values[$0.name] == nil }
        guard inputs.count == 1 else {
            throw fail("the graph has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); the importer takes exactly one")
        }
        guard graph.output.count == 1 else {
            throw fail("the graph has \(graph.output.count) outputs (\(graph.output.map(\.name).joined(separator: ", "))); the importer takes exactly one")
        }
        values[inputs[0].name] = .graphInput(try inputShape(inputs[0]))
        for node in graph.node {
            try importNode(node)
        }
        let outputName = graph.output[0].name
        guard let output = values[outputName] else {
            throw fail("the graph output \"\(outputName)\" is produced by no node")
        }
        let act: Activation
        switch output {
        case .real(let a), .activation(let a): act = a
        case .pending(let pending):
            throw ONNXImportError(file: file, node: pending.node, opType: pending.opType,
                                  reason: "the graph output is this operator's float result, not a quantized tensor (a float final layer; quantize its output)")
        default:
            throw fail("the graph output \"\(outputName)\" is not a quantized activation")
        }
        guard act.layer >= 1, act.layer == layers.count else {
            throw fail("the graph output \"\(outputName)\" is not the last layer's quantized output")
        }
        guard let input, let bits = layerBits.values.max() else { throw fail("the graph input is never quantized") }
        if let narrow = layerBits.min(by: { $0.value < $1.value }), narrow.value != bits {
            let name = narrow.key == 0 ? "the input" : "layer \"\(layers[narrow.key - 1].name)\""
            throw fail("\(name) has \(narrow.value)-bit activations, other layers \(bits) bits; STEM has one width B for all")
        }
        let timeSteps = options.timeSteps ?? bits
        if timeSteps < bits {
            throw fail("--time-steps \(timeSteps) is below the model's activation width of \(bits) bits")
        }
        if timeSteps > bits {
            notes.append("B = \(timeSteps) is wider than the model's \(bits)-bit activations: layers saturate at 2^\(timeSteps)-1, not at the model's qmax")
        }
        let network = Network(timeSteps: timeSteps, weightBits: ONNXImporter.weightBits,
                              accumulatorBits: options.accumulatorBits, overflow: .wrap,
                              inputShape: input.shape, inputSigned: input.signed, layers: layers)
        do {
            try network.validate(file: file)
        } catch {
            throw fail("the imported network is not valid: \(error.message)")
        }
        return ONNXImport(network: network, input: input, layers: rows, notes: notes, outputQmin: lastQmin)
    }

    func inputShape(_ info: ONNXValueInfoProto) throws(ONNXImportError) -> Shape {
        guard case .tensorType(let tensor)? = info.type.value else {
            throw fail("the graph input \"\(info.name)\" is not a tensor")
        }
        guard tensor.elemType == Int32(ONNXTensorProto.DataType.float.rawValue) else {
            throw fail("the graph input \"\(info.name)\" has element type \(tensor.elemType); the importer takes a float (1) input")
        }
        var dims: [Int] = []
        for (index, dim) in tensor.shape.dim.enumerated() {
            switch dim.value {
            case .dimValue(let value)?:
                dims.append(Int(clamping: value))
            default:
                if index == 0 {
                    dims.append(1)
                } else {
                    throw fail("the graph input \"\(info.name)\" has a dynamic dimension \(index) (the importer needs static shapes; only the batch dimension may be symbolic)")
                }
            }
        }
        let limit = Network.Limits.neurons
        guard dims.allSatisfy({ limit.contains($0) }), limit.contains(dims.reduce(1) { min($0 * $1, limit.upperBound + 1) }) else {
            throw fail("the graph input \"\(info.name)\" has shape \(dims); each dimension and their product must be in \(limit.lowerBound)...\(limit.upperBound)")
        }
        switch dims.count {
        case 4 where dims[0] == 1: return Shape(channels: dims[1], height: dims[2], width: dims[3])
        case 2 where dims[0] == 1: return Shape(flat: dims[1])
        case 1: return Shape(flat: dims[0])
        default:
            throw fail("the graph input \"\(info.name)\" has shape \(dims); the importer takes [1,C,H,W] or [1,N]")
        }
    }

    /// A unique layer name for the operator `node`.
    mutating func layerName(_ node: String) -> String {
        var name = node.isEmpty ? "layer\(layers.count + 1)" : node
        if names.contains(name) {
            var k = 2
            while names.contains("\(name)_\(k)") { k += 1 }
            name = "\(name)_\(k)"
        }
        names.insert(name)
        return name
    }
}
