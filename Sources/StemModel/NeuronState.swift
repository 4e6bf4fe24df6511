/// The observable state of one neuron of layers `1...L` at the end of a time step, before the
/// step is closed (docs/stem-spec.md, "State observable").
public struct NeuronState: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `I`: the synaptic current of this step.
    public var current: Int64
    /// `V`: the membrane potential before this step's term is added.
    public var potential: Int64
    /// `Y`: the value the neuron sends in this window (0 when its layer sends nothing).
    public var value: Int64

    public init(current: Int64, potential: Int64, value: Int64) {
        self.current = current
        self.potential = potential
        self.value = value
    }

    public var description: String { "I=\(current) V=\(potential) Y=\(value)" }
}
