import Foundation
import StemModel
@testable import StemONNX

/// The committed example models (examples/onnx, written by scripts/make_onnx_fixtures.py).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/onnx")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: folder.appendingPathComponent(name))) }

    static func model(_ name: String) throws -> ONNXModelProto { try ONNXModelProto(serializedBytes: try bytes(name)) }

    /// The named initializer, decoded.
    static func initializer(_ model: ONNXModelProto, _ name: String) throws -> ONNXTensorValue {
        try ONNXTensorValue(model.graph.initializer.first { $0.name == name }!)
    }

    /// Imports `model` (after `change`), returning the import or the error.
    static func importing(_ name: String, _ change: (inout ONNXModelProto) throws -> Void = { _ in })
        throws -> Result<ONNXImport, ONNXImportError> {
        var model = try model(name)
        try change(&model)
        let bytes: [UInt8] = try model.serializedBytes()
        do {
            return .success(try ONNXImporter(file: name).importModel(bytes: bytes))
        } catch {
            return .failure(error)
        }
    }

    /// The error importing `model` after `change` gives (nil when it imports).
    static func error(_ name: String, _ change: (inout ONNXModelProto) throws -> Void) throws -> ONNXImportError? {
        if case .failure(let error) = try importing(name, change) { return error }
        return nil
    }

    /// Replaces the initializer `name` by `tensor` (given the same name).
    static func replace(_ model: inout ONNXModelProto, _ name: String, with tensor: ONNXTensorProto) {
        var tensor = tensor
        tensor.name = name
        let index = model.graph.initializer.firstIndex { $0.name == name }!
        model.graph.initializer[index] = tensor
    }

    static func floatTensor(_ values: [Float], dims: [Int64] = []) -> ONNXTensorProto {
        var tensor = ONNXTensorProto()
        tensor.dataType = Int32(ONNXTensorProto.DataType.float.rawValue)
        tensor.dims = dims
        tensor.floatData = values
        return tensor
    }

    static func integerTensor(_ values: [Int32], type: ONNXTensorProto.DataType, dims: [Int64] = []) -> ONNXTensorProto {
        var tensor = ONNXTensorProto()
        tensor.dataType = Int32(type.rawValue)
        tensor.dims = dims
        tensor.int32Data = values
        return tensor
    }
}
