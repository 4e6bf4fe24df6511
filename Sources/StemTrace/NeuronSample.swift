/// One neuron as traced at the end of a time step, as `docs/stem-spec.md` ("State
/// observable at the end of a step") defines it: `I` (the current of the step), `V` (the
/// potential before the step's term is added), `Y` (the value being sent in this window) and
/// whether the neuron spiked in the step.
public struct NeuronSample: Hashable, Sendable {
    /// `I`.
    public var current: Int64
    /// `V`.
    public var potential: Int64
    /// `Y`.
    public var output: Int64
    /// Whether the neuron emitted a spike in the step.
    public var spike: Bool

    public init(current: Int64, potential: Int64, output: Int64, spike: Bool) {
        self.current = current
        self.potential = potential
        self.output = output
        self.spike = spike
    }
}

/// What was observed of one neuron of the RTL at the end of a time step: always the spike,
/// and `I`, `V`, `Y` when they were read (`nil` = not read; the comparison trace shows `x`
/// and does not compare it).
public struct NeuronObservation: Hashable, Sendable {
    public var current: Int64?
    public var potential: Int64?
    public var output: Int64?
    public var spike: Bool

    public init(spike: Bool, current: Int64? = nil, potential: Int64? = nil, output: Int64? = nil) {
        self.spike = spike
        self.current = current
        self.potential = potential
        self.output = output
    }

    /// A full observation (all of `I`, `V`, `Y` read).
    public init(_ state: NeuronSample) {
        self.init(spike: state.spike, current: state.current, potential: state.potential, output: state.output)
    }

    /// Whether this observation differs from the golden `state` in the spike or in any of
    /// `I`, `V`, `Y` that was read.
    public func differs(from state: NeuronSample) -> Bool {
        if spike != state.spike { return true }
        if let current, current != state.current { return true }
        if let potential, potential != state.potential { return true }
        if let output, output != state.output { return true }
        return false
    }
}
