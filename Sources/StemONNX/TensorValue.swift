import StemModel

/// What a tensor is, in STEM terms.
enum TensorValue {
    case graphInput(Shape)
    case activation(Activation)
    case real(Activation)
    case constant(ONNXTensorValue)
    case weights(Weights)
    case pending(Pending)
}
