/// Why a set of layers cannot be cut out of a network (``LayerCut``).
public struct LayerCutError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong, to follow the option and its value (`--rtl-layers 2,5: ...`).
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
