import Foundation
import StemModel
import StemSupport
import SwiftProtobuf

/// Converts a quantized ONNX model in QDQ form into a STEM network (format version 2).
///
/// The importer walks the graph's nodes in order, tracking for every tensor what it is in
/// STEM terms: the float graph input, a quantized activation (the values of a STEM layer), its
/// dequantized form, a constant, integer weights, or the float result of a linear operator
/// that the next `QuantizeLinear` turns into a STEM layer. Supported operators and the mapping
/// rules are in docs/onnx.md; anything else is an ``ONNXImportError`` naming the node.
public struct ONNXImporter {
    /// The operator-set versions of the default domain the importer knows.
    public static let opsetRange: ClosedRange<Int64> = 10...23
    /// The STEM weight width the importer writes (int8 weights).
    public static let weightBits = 8

    let file: String
    let options: ONNXImportOptions

    /// An importer for `file` (the name used in errors) with `options`.
    public init(file: String, options: ONNXImportOptions = ONNXImportOptions()) {
        self.file = file
        self.options = options
    }

    /// Reads and imports the model at `path`, at most the input limit in bytes
    /// (`STEM_MAX_INPUT_SIZE`, ``FileIO/currentInputLimit()``).
    public static func importModel(at path: String, options: ONNXImportOptions = ONNXImportOptions()) throws -> ONNXImport {
        let bytes = try FileIO.read(path)
        return try ONNXImporter(file: path, options: options).importModel(bytes: bytes)
    }

    /// Imports the model in `bytes`.
    public func importModel(bytes: [UInt8]) throws(ONNXImportError) -> ONNXImport {
        let model: ONNXModelProto
        do {
            model = try ONNXModelProto(serializedBytes: bytes)
        } catch {
            throw ONNXImportError(file: file, reason: "not an ONNX model (protobuf: \(error))")
        }
        return try importModel(model)
    }

    /// Imports a parsed model.
    func importModel(_ model: ONNXModelProto) throws(ONNXImportError) -> ONNXImport {
        guard model.hasGraph, model.irVersion > 0 else {
            throw ONNXImportError(file: file, reason: "not an ONNX model (no IR version or no graph)")
        }
        let defaultOpsets = model.opsetImport.filter { $0.domain.isEmpty || $0.domain == "ai.onnx" }
        guard let opset = defaultOpsets.first?.version else {
            throw ONNXImportError(file: file, reason: "the model imports no version of the default ONNX operator set")
        }
        guard Self.opsetRange.contains(opset) else {
            throw ONNXImportError(file: file, reason: "opset \(opset) is not one the importer knows (\(Self.opsetRange.lowerBound)...\(Self.opsetRange.upperBound))")
        }
        var walk = GraphWalk(file: file, options: options)
        return try walk.run(model.graph)
    }
}

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

/// What a tensor is, in STEM terms.
enum TensorValue {
    case graphInput(Shape)
    case activation(Activation)
    case real(Activation)
    case constant(ONNXTensorValue)
    case weights(Weights)
    case pending(Pending)
}

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
    var activationBits: Int?
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
        guard let input, let bits = activationBits else { throw fail("the graph input is never quantized") }
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
        guard dims.allSatisfy({ limit.contains($0) }) else {
            throw fail("the graph input \"\(info.name)\" has shape \(dims); each dimension must be in \(limit.lowerBound)...\(limit.upperBound)")
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
