import StemCheck
import StemModel

/// The Verilated STEM mesh as a ``SpikingEngine``: configures the mesh from a
/// ``MeshMapping``, turns each step's input spikes into host flits, runs the step with one
/// C call, and turns the spike monitor's (tile, neuron) events back into (layer, neuron).
/// On a partial mapping (`stemsim run --rtl-layers`) it is a ``LayerFedEngine``: the host
/// also sends the spikes of the layers the mesh does not hold, from
/// ``step(layerSpikes:)``.
public final class RTLEngine: LayerFedEngine {
    /// How the configuration reaches the tiles.
    public enum ConfigurationPath: String, Sendable, CaseIterable {
        /// As configuration flits through the mesh, as on a real chip.
        case packets
        /// Through the debug port, bypassing the mesh.
        case backdoor
    }

    /// Network traffic figures of a run.
    public struct NetworkStatistics: Sendable, Equatable, Codable {
        /// Flits delivered to cores, and to the host.
        public var coreFlits: Int, hostFlits: Int
        /// Flits the host injected.
        public var injectedFlits: Int
        /// Mean and largest latency (cycles from entering the mesh to delivery) over all of them.
        public var meanLatency: Double, maxLatency: Int
        /// Clock cycles of the run, and the largest of one step.
        public var cycles: Int, maxStepCycles: Int
        /// Steps run.
        public var steps: Int

        /// The statistics of several runs together (the shards of `stemsim run --jobs`):
        /// counts and cycles added, the mean latency over all delivered flits, the maxima.
        public static func combined(_ parts: [NetworkStatistics]) -> NetworkStatistics {
            var total = NetworkStatistics(coreFlits: 0, hostFlits: 0, injectedFlits: 0, meanLatency: 0, maxLatency: 0,
                                          cycles: 0, maxStepCycles: 0, steps: 0)
            var latencySum = 0.0
            for part in parts {
                total.coreFlits += part.coreFlits
                total.hostFlits += part.hostFlits
                total.injectedFlits += part.injectedFlits
                latencySum += part.meanLatency * Double(part.coreFlits + part.hostFlits)
                total.maxLatency = max(total.maxLatency, part.maxLatency)
                total.cycles += part.cycles
                total.maxStepCycles = max(total.maxStepCycles, part.maxStepCycles)
                total.steps += part.steps
            }
            let delivered = total.coreFlits + total.hostFlits
            total.meanLatency = delivered == 0 ? 0 : latencySum / Double(delivered)
            return total
        }
    }

    public let name = "rtl"
    /// Where the network sits on the mesh.
    public let mapping: MeshMapping
    /// The Verilated model.
    public let model: MeshModel
    /// How `start` configures the mesh.
    public let configurationPath: ConfigurationPath

    private let depth: Int
    private let tileLayer: [Int]        // per tile: its layer (0 = unused, -1 = a relay)
    private let tileNeurons: [[Int32]]  // per tile: the layer's index of each local neuron
    private let hostLayerFlits: [(layer: Int, flits: [[UInt64]])]  // per host layer and neuron: the host's flits
    private var hostFlits: [UInt64] = []
    private var result = MeshModel.StepResult()
    private var hostLatencySum = 0, hostLatencyMax = 0, hostFlitCount = 0, maxStepCycles = 0
    /// Clock cycles the last step took.
    public private(set) var lastStepCycles = 0
    /// The steps the open waveform records (nil: no waveform open).
    private var tracedSteps: ClosedRange<UInt64>?
    /// The waveform's time span (ns) of the recorded steps run so far: from the start of the
    /// first to the end of the last (the shim dumps cycle c at 10 c ns). Nil until a recorded
    /// step has run.
    public private(set) var traceSpan: ClosedRange<UInt64>?

    /// An engine on `model`, which must have been built for `mapping.modelParameters()`.
    public init(mapping: MeshMapping, model: MeshModel, configurationPath: ConfigurationPath = .packets) throws {
        self.mapping = mapping
        self.model = model
        self.configurationPath = configurationPath
        self.depth = mapping.network.depth
        var layer = [Int](repeating: 0, count: mapping.tileCount)
        var neurons = [[Int32]](repeating: [], count: mapping.tileCount)
        for core in mapping.cores {
            layer[core.tile] = core.isRelay ? -1 : core.layer
            neurons[core.tile] = core.neurons.map { Int32($0) }
        }
        self.tileLayer = layer
        self.tileNeurons = neurons
        self.hostLayerFlits = mapping.hostLayers.map { l in
            (l, (0..<mapping.network.width(ofLayer: l)).map { mapping.hostFlits(layer: l, neuron: $0).map(\.bits) })
        }
        let built = try model.parameters()
        let wanted = mapping.modelParameters(trace: built.trace)
        guard built == wanted else {
            throw EngineError(engine: name, message: "the model library was built for \(built), the mapping needs \(wanted)")
        }
    }

    public func start(sampleCount: Int) throws {
        do {
            try configureAndStart(sampleCount: sampleCount)
        } catch {
            throw Self.stopped(error, engine: name)
        }
        hostLatencySum = 0; hostLatencyMax = 0; hostFlitCount = 0; maxStepCycles = 0
    }

    /// A failed RTL assertion as ``HardwareAssertionFailure``; any other shim error as is.
    private static func stopped(_ error: ShimError, engine: String) -> any Error {
        guard error.status == .assertion else { return error }
        return HardwareAssertionFailure(engine: engine, message: error.message)
    }

    private func configureAndStart(sampleCount: Int) throws(ShimError) {
        // The model may have run another network before: start from reset.
        try model.reset()
        let image = mapping.configuration(sampleCount: sampleCount)
        switch configurationPath {
        case .packets:
            try model.configure(flits: image.flits.map(\.bits))
        case .backdoor:
            try model.configureBackdoor(
                tiles: image.writes.map { UInt32($0.tile) }, addresses: image.writes.map(\.address.rawValue),
                data: image.writes.map(\.data))
        }
        try model.start()
    }

    /// The layers whose neurons are on the mesh.
    public var runsLayers: [Int] { mapping.meshLayers }

    public func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        guard mapping.hostLayers == [0] else {
            throw EngineError(engine: name, message: "the mapping has layers \(mapping.hostLayers.filter { $0 > 0 }) sent by the "
                + "host: step(layerSpikes:) must give their spikes")
        }
        return try step(layerSpikes: [inputSpikes])
    }

    /// One step in which the host sends, besides the inputs `layerSpikes[0]`, the spikes
    /// `layerSpikes[l]` of every layer `l` the mapping does not hold but reads
    /// (``MeshMapping/hostLayers``), all before the step runs. Returns every layer's spikes,
    /// empty for the layers not on the mesh.
    public func step(layerSpikes: [[Int32]]) throws -> [[Int32]] {
        hostFlits.removeAll(keepingCapacity: true)
        for (layer, flits) in hostLayerFlits {
            guard layer < layerSpikes.count else {
                throw EngineError(engine: name, message: "no spikes given for layer \(layer), which the host sends")
            }
            for neuron in layerSpikes[layer] {
                guard neuron >= 0, Int(neuron) < flits.count else {
                    throw EngineError(engine: name, message: "neuron \(neuron) of layer \(layer) is out of range 0..<\(flits.count)")
                }
                hostFlits.append(contentsOf: flits[Int(neuron)])
            }
        }
        do {
            try model.step(hostFlits: hostFlits, into: &result)
        } catch {
            throw Self.stopped(error, engine: name)
        }
        var spikes = [[Int32]](repeating: [], count: depth)
        for spike in result.spikes {
            let tile = Int(spike.tile), local = Int(spike.neuron)
            let layer = tile < tileLayer.count ? tileLayer[tile] : 0
            if layer < 0 { continue }  // a relay repeats spikes the record already has
            guard layer > 0, local < tileNeurons[tile].count else {
                throw EngineError(engine: name, message: "step \(result.step): tile \(spike.tile) sent a spike from local neuron "
                                  + "\(spike.neuron), which it does not hold")
            }
            spikes[layer - 1].append(tileNeurons[tile][local])
        }
        for l in spikes.indices { spikes[l].sort() }
        try checkHostFlits(against: spikes[depth - 1])
        maxStepCycles = max(maxStepCycles, Int(result.cycles))
        lastStepCycles = Int(result.cycles)
        if let tracedSteps, tracedSteps.contains(result.step) {
            let cycles = try model.counters().cycles
            traceSpan = (traceSpan?.lowerBound ?? (cycles - result.cycles) * 10)...(cycles * 10)
        }
        return spikes
    }

    /// Every spike of the output layer must reach the host exactly once, as a host flit whose
    /// axon is the neuron's index; anything else is a hardware fault the spike record alone
    /// would not show.
    private func checkHostFlits(against outputs: [Int32]) throws {
        var received: [Int32] = []
        received.reserveCapacity(result.hostFlits.count)
        for (bits, cycle) in zip(result.hostFlits, result.hostCycles) {
            let flit = Flit(bits: bits)
            guard !flit.isConfig, flit.isToHost else {
                throw EngineError(engine: name, message: "step \(result.step): the host received an unexpected flit: \(flit)")
            }
            received.append(Int32(flit.axon))
            let latency = flit.latency(arrivalCycle: cycle)
            hostLatencySum += latency
            hostLatencyMax = max(hostLatencyMax, latency)
        }
        hostFlitCount += received.count
        received.sort()
        guard received == outputs else {
            throw EngineError(engine: name, message: "step \(result.step): the output cores sent \(outputs) but the host received \(received)")
        }
    }

    public func state(layer: Int, neuron: Int) throws -> NeuronState? {
        let (tile, local) = mapping.location(layer: layer, neuron: neuron)
        func read(_ region: TileAddress.Region) throws -> Int64 {
            try model.peek(tile: tile, address: TileAddress(region, local).rawValue)[0]
        }
        return NeuronState(current: try read(.current), potential: try read(.potential), value: try read(.output))
    }

    /// One status word of every used tile, summed.
    private func statusSum(_ status: TileAddress.Status) throws -> Int {
        try mapping.cores.reduce(0) { $0 + Int(try model.peek(tile: $1.tile, address: TileAddress.status(status).rawValue)[0]) }
    }

    public func counters() throws -> EngineCounters {
        let totals = try model.counters()
        return EngineCounters(overflows: try statusSum(.overflows), cycles: Int(totals.runCycles),
                              details: ["flits": try statusSum(.flitsSent) + Int(totals.hostFlitsIn)])
    }

    /// Traffic and latency of the run so far: the tiles' delivery counters and the host's.
    public func networkStatistics() throws -> NetworkStatistics {
        let totals = try model.counters()
        let coreFlits = try statusSum(.latencyCount)
        let latencySum = try statusSum(.latencySum) + hostLatencySum
        var latencyMax = hostLatencyMax
        for core in mapping.cores {
            latencyMax = max(latencyMax, Int(try model.peek(tile: core.tile, address: TileAddress.status(.latencyMax).rawValue)[0]))
        }
        let delivered = coreFlits + hostFlitCount
        return NetworkStatistics(
            coreFlits: coreFlits, hostFlits: hostFlitCount, injectedFlits: Int(totals.hostFlitsIn),
            meanLatency: delivered == 0 ? 0 : Double(latencySum) / Double(delivered), maxLatency: latencyMax,
            cycles: Int(totals.runCycles), maxStepCycles: maxStepCycles, steps: Int(totals.steps))
    }
}

extension RTLEngine {
    /// Maps `network` onto `options`' mesh, builds (or takes from the cache) the model library
    /// for it and returns an engine on a fresh model.
    /// - Parameters:
    ///   - trace: the waveform format to build in (a traced model is a separate cache entry).
    ///   - progress: build events (waiting, building, built, cached), for a progress line.
    public static func make(network: Network, options: MeshOptions = MeshOptions(),
                            configurationPath: ConfigurationPath = .packets,
                            trace: ModelParameters.Trace = .none, assertions: Bool = false,
                            builder: ModelBuilder? = nil,
                            progress: (ModelBuilder.Event) -> Void = { _ in }) throws -> RTLEngine {
        try make(mapping: try Mapper(options: options).map(network), configurationPath: configurationPath,
                 trace: trace, assertions: assertions, builder: builder, progress: progress)
    }

    /// An engine for `mapping`: builds (or takes from the cache) its model library and returns
    /// an engine on a fresh model. With `assertions` the library has the RTL's simulation
    /// assertions compiled in: a failing one ends ``step(inputSpikes:)`` with
    /// ``HardwareAssertionFailure``.
    public static func make(mapping: MeshMapping, configurationPath: ConfigurationPath = .packets,
                            trace: ModelParameters.Trace = .none, assertions: Bool = false,
                            builder: ModelBuilder? = nil,
                            progress: (ModelBuilder.Event) -> Void = { _ in }) throws -> RTLEngine {
        let builder = try builder ?? ModelBuilder()
        let library = try builder.load(mapping.modelParameters(trace: trace, assertions: assertions), progress: progress)
        return try RTLEngine(mapping: mapping, model: try MeshModel(library: library),
                             configurationPath: configurationPath)
    }
}

extension RTLEngine {
    /// Starts the RTL's own waveform (VCD or FST, as the model was built) of the steps
    /// `steps`, written to `path` by the model as it runs.
    /// - Parameter depth: hierarchy levels to record (0: all).
    /// - Throws: ``ShimError`` if the model was built without tracing or the file cannot be made.
    public func openTrace(path: String, depth: Int = 0, steps: ClosedRange<Int> = 0...Int.max) throws {
        let from = UInt64(max(0, steps.lowerBound)), to = UInt64(clamping: steps.upperBound)
        try model.openTrace(path: path, depth: UInt32(clamping: max(0, depth)), fromStep: from, toStep: to)
        tracedSteps = from...max(from, to)
        traceSpan = nil
    }

    /// Flushes and closes the waveform; ``traceSpan`` keeps the span it recorded.
    public func closeTrace() throws {
        guard tracedSteps != nil else { return }
        tracedSteps = nil
        try model.closeTrace()
    }
}

extension RTLEngine {
    /// Reads the layer a core at a time (three debug-port reads per core).
    public func states(layer: Int, count: Int) throws -> [NeuronState]? {
        Array(try layerStates(layer: layer).prefix(count))
    }

    /// I, V and Y of every neuron of layer `layer` (1...L) at the end of the last step, read
    /// through the debug port a core at a time.
    public func layerStates(layer: Int) throws -> [NeuronState] {
        var states = [NeuronState](repeating: NeuronState(current: 0, potential: 0, value: 0),
                                   count: mapping.network.width(ofLayer: layer))
        for index in mapping.coresOfLayer[layer] {
            let core = mapping.cores[index]
            let n = core.neurons.count
            let current = try model.peek(tile: core.tile, address: TileAddress(.current, 0).rawValue, count: n)
            let potential = try model.peek(tile: core.tile, address: TileAddress(.potential, 0).rawValue, count: n)
            let value = try model.peek(tile: core.tile, address: TileAddress(.output, 0).rawValue, count: n)
            for local in 0..<n {
                states[core.neurons[local]] =
                    NeuronState(current: current[local], potential: potential[local], value: value[local])
            }
        }
        return states
    }
}
