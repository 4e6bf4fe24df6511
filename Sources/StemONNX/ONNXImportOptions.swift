/// What `stemsim import` may choose beyond what the model says.
public struct ONNXImportOptions: Sendable, Equatable {
    /// `B` of the network; nil: the model's activation width (8 for uint8/int8). A larger `B`
    /// than the model's activations saturates at `2^B-1` instead of the model's `qmax`.
    public var timeSteps: Int?
    /// `A`, the accumulator width (default 32).
    public var accumulatorBits: Int

    public init(timeSteps: Int? = nil, accumulatorBits: Int = 32) {
        self.timeSteps = timeSteps
        self.accumulatorBits = accumulatorBits
    }
}
