/// Why an ONNX model cannot be imported: the file, the node (name and operator type, when the
/// problem is at a node) and the reason.
///
/// ```
/// model.onnx: node "conv1" (Conv): group 2 is not supported (only group 1)
/// model.onnx: not an ONNX model (protobuf: the data is truncated)
/// ```
public struct ONNXImportError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The model file, as the user named it.
    public var file: String
    /// The node's name (its first output when it has no name), or nil for the model as a whole.
    public var node: String?
    /// The node's operator type (`Conv`), or nil.
    public var opType: String?
    /// What is wrong.
    public var reason: String

    public init(file: String, node: String? = nil, opType: String? = nil, reason: String) {
        self.file = file
        self.node = node
        self.opType = opType
        self.reason = reason
    }

    public var description: String {
        guard let node else { return "\(file): \(reason)" }
        return "\(file): node \"\(node)\" (\(opType ?? "?")): \(reason)"
    }
}
