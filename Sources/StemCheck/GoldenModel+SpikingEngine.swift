import StemModel

extension GoldenModel: SpikingEngine {
    public func state(layer: Int, neuron: Int) throws -> NeuronState? {
        guard (1...network.depth).contains(layer), (0..<network.width(ofLayer: layer)).contains(neuron) else {
            throw EngineError(engine: name, message: "no neuron \(neuron) in layer \(layer)")
        }
        return neuronState(layer: layer, neuron: neuron)
    }

    public func counters() throws -> EngineCounters {
        EngineCounters(overflows: overflows, details: ["sops": sops])
    }
}
