import StemModel

/// Something that runs a STEM network one time step at a time: the golden model, a Verilated
/// RTL model, ... The lockstep runner knows engines only through this protocol.
///
/// An engine is configured with its network when it is made; a run is
/// `start(sampleCount:)` followed by exactly `(S + D) * B` calls of `step(inputSpikes:)`
/// (docs/stem-spec.md section 7).
public protocol SpikingEngine: AnyObject {
    /// A short name for messages ("golden", "rtl").
    var name: String { get }

    /// Resets the run state for a run of `sampleCount` samples (step 0 of window 0, counters 0).
    func start(sampleCount: Int) throws

    /// Runs the next time step: `inputSpikes` are the layer-0 neurons spiking in it
    /// (ascending). Returns the spiking neurons of layers `1...L` in this step: `L` arrays,
    /// each strictly ascending.
    func step(inputSpikes: [Int32]) throws -> [[Int32]]

    /// The state of a neuron of layer `layer` (`1...L`) at the end of the last step, before
    /// it is closed; nil if this engine cannot observe it.
    func state(layer: Int, neuron: Int) throws -> NeuronState?

    /// Counters since `start`.
    func counters() throws -> EngineCounters

    /// The states of neurons `0..<count` of layer `layer` at once (see ``state(layer:neuron:)``);
    /// nil if not observable. The default asks ``state(layer:neuron:)`` per neuron.
    func states(layer: Int, count: Int) throws -> [NeuronState]?
}

extension SpikingEngine {
    /// Asks ``state(layer:neuron:)`` for each neuron; engines that can read a whole layer at
    /// once implement ``states(layer:count:)`` themselves.
    public func states(layer: Int, count: Int) throws -> [NeuronState]? {
        var states: [NeuronState] = []
        states.reserveCapacity(count)
        for neuron in 0..<count {
            guard let state = try state(layer: layer, neuron: neuron) else { return nil }
            states.append(state)
        }
        return states
    }
}
