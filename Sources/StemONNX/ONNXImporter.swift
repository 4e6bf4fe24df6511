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
/// rules are in docs/import.md; anything else is an ``ONNXImportError`` naming the node.
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
