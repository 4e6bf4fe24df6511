import StemModel

/// A mixed-level engine (`stemsim run --rtl-layers`): the chosen layers of a ``LayerCut`` run
/// on a device engine of the cut's sub-network (the RTL), the rest on a golden model of the
/// full network, which also feeds the device, step by step, the golden spikes of the cut's
/// source layer. Its record is that of the full network with the chosen layers' spikes taken
/// from the device, so a ``Lockstep`` against a golden reference checks exactly those layers,
/// and a divergence names them by their numbers in the full network.
///
/// The device's step `t` is global step `t + cut.startStep` (see ``LayerCut``); outside its
/// `(S + D') * B` steps the chosen layers are silent.
///
/// ```swift
/// let cut = try LayerCut(network: network, layers: [2])
/// let mixed = try MixedEngine(cut: cut, device: rtlEngineOf(cut.subNetwork))
/// let result = try Lockstep(network: network, samples: samples,
///                           reference: GoldenModel(network: network), device: mixed).run()
/// ```
public final class MixedEngine: SpikingEngine {
    /// The device's name: divergences read "golden: ... rtl: ...", as for a full RTL run.
    public var name: String { device.name }
    /// The layers the device runs and the sub-network it runs them as.
    public let cut: LayerCut
    /// The golden model of the full network (the other layers, and the device's input).
    public let golden: GoldenModel
    /// The engine of ``LayerCut/subNetwork``.
    public let device: any SpikingEngine

    private var stepsTaken = 0
    private var deviceSteps = 0

    /// A mixed engine running `device` (an engine of `cut.subNetwork`) inside a golden model
    /// of `cut.network`.
    public init(cut: LayerCut, device: any SpikingEngine) throws {
        self.cut = cut
        self.device = device
        golden = try GoldenModel(network: cut.network, name: "golden (around \(device.name))")
    }

    public func start(sampleCount: Int) throws {
        try golden.start(sampleCount: sampleCount)
        try device.start(sampleCount: sampleCount)
        stepsTaken = 0
        deviceSteps = cut.subNetwork.stepCount(samples: sampleCount)
    }

    public func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        var spikes = try golden.step(inputSpikes: inputSpikes)
        let local = stepsTaken - cut.startStep
        if local >= 0 && local < deviceSteps {
            let fed = cut.source == 0 ? inputSpikes : spikes[cut.source - 1]
            let own = try device.step(inputSpikes: fed)
            guard own.count == cut.layers.count else {
                throw EngineError(engine: device.name, message: "step \(local) of the sub-network returned \(own.count) "
                    + "layers of spikes, expected \(cut.layers.count)")
            }
            for (i, layer) in cut.layers.enumerated() { spikes[layer - 1] = own[i] }
        } else {
            for layer in cut.layers { spikes[layer - 1] = [] }
        }
        stepsTaken += 1
        return spikes
    }

    public func state(layer: Int, neuron: Int) throws -> NeuronState? {
        if let own = cut.subLayer(of: layer) { return try device.state(layer: own, neuron: neuron) }
        return try golden.state(layer: layer, neuron: neuron)
    }

    public func states(layer: Int, count: Int) throws -> [NeuronState]? {
        if let own = cut.subLayer(of: layer) { return try device.states(layer: own, count: count) }
        return try golden.states(layer: layer, count: count)
    }

    /// The device's counters, its overflows added to the golden model's of the other layers.
    public func counters() throws -> EngineCounters {
        var counters = try device.counters()
        let statistics = golden.layerStatistics
        for layer in 1...cut.network.depth where cut.subLayer(of: layer) == nil {
            counters.overflows += statistics[layer - 1].overflows
        }
        return counters
    }
}
