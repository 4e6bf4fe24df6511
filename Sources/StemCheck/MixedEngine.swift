import StemModel

/// A mixed-level engine (`stemsim run --rtl-layers`): the chosen layers of a ``LayerCut`` run
/// on a device (the RTL on a partial mapping), the rest on a golden model of the full network,
/// which also tells the device, step by step, the golden spikes of every layer it does not run
/// (it reads those of the cut's sources). Its record is that of the full network with the
/// chosen layers' spikes taken from the device, so a ``Lockstep`` against a golden reference
/// checks exactly those layers, and a divergence names them by their numbers in the full
/// network.
///
/// The device runs every step of the run, at the full network's stages: step `t` of the mixed
/// engine is step `t` of both.
///
/// ```swift
/// let cut = try LayerCut(network: network, layers: [2])
/// let mapping = try Mapper(options: options).map(network, onMesh: cut.layers)
/// let mixed = try MixedEngine(cut: cut, device: RTLEngine(mapping: mapping, model: model))
/// let result = try Lockstep(network: network, samples: samples,
///                           reference: GoldenModel(network: network), device: mixed).run()
/// ```
public final class MixedEngine: SpikingEngine {
    /// The device's name: divergences read "golden: ... rtl: ...", as for a full RTL run.
    public var name: String { device.name }
    /// The layers the device runs.
    public let cut: LayerCut
    /// The golden model of the full network (the other layers, and what the device is told).
    public let golden: GoldenModel
    /// The engine of the chosen layers.
    public let device: any LayerFedEngine

    /// A mixed engine running `device` (which runs exactly `cut.layers` of `cut.network`)
    /// inside a golden model of `cut.network`.
    public init(cut: LayerCut, device: any LayerFedEngine) throws {
        guard device.runsLayers == cut.layers else {
            throw EngineError(engine: device.name, message: "runs layers \(device.runsLayers), the cut chose \(cut.layers)")
        }
        self.cut = cut
        self.device = device
        golden = try GoldenModel(network: cut.network, name: "golden (around \(device.name))")
    }

    public func start(sampleCount: Int) throws {
        try golden.start(sampleCount: sampleCount)
        try device.start(sampleCount: sampleCount)
    }

    public func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        var spikes = try golden.step(inputSpikes: inputSpikes)
        let own = try device.step(layerSpikes: [inputSpikes] + spikes)
        guard own.count == cut.network.depth else {
            throw EngineError(engine: device.name, message: "a step returned \(own.count) layers of spikes, expected "
                + "\(cut.network.depth)")
        }
        for layer in cut.layers { spikes[layer - 1] = own[layer - 1] }
        return spikes
    }

    public func state(layer: Int, neuron: Int) throws -> NeuronState? {
        cut.contains(layer) ? try device.state(layer: layer, neuron: neuron) : try golden.state(layer: layer, neuron: neuron)
    }

    public func states(layer: Int, count: Int) throws -> [NeuronState]? {
        cut.contains(layer) ? try device.states(layer: layer, count: count) : try golden.states(layer: layer, count: count)
    }

    /// The device's counters, its overflows added to the golden model's of the other layers.
    public func counters() throws -> EngineCounters {
        var counters = try device.counters()
        let statistics = golden.layerStatistics
        for layer in 1...cut.network.depth where !cut.contains(layer) {
            counters.overflows += statistics[layer - 1].overflows
        }
        return counters
    }
}
