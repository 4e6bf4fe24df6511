import StemModel

/// Runs one engine, or a reference and a device under test side by side, one time step at a
/// time, comparing the spikes of every layer in every step.
///
/// ```swift
/// var lockstep = Lockstep(network: network, samples: inputs.samples,
///                         reference: golden, device: rtl)
/// lockstep.recordSink = { step, spikes in try writer.append(step: step, spikes: spikes) }
/// let result = try lockstep.run()
/// if let divergence = result.firstDivergence { print(divergence) }
/// ```
/// Outputs, predictions and SOPs come from the spike record (``SpikeRecordDecoder``), so they
/// mean the same for every engine; overflow counts come from each engine's counters.
public struct Lockstep {
    public let network: Network
    public let samples: [[Int64]]
    /// The engine whose record is the expected one.
    public let reference: any SpikingEngine
    /// The engine checked against it, if any.
    public let device: (any SpikingEngine)?

    /// Keep running after a divergence and count them all (the record fed to
    /// ``recordSink`` is then the reference's).
    public var keepGoing = false
    /// Receives each step's record (`spikes[l]` for layers `0...L`): the agreed spikes, and
    /// only steps before the first divergence unless ``keepGoing``.
    public var recordSink: ((_ step: Int, _ spikes: [[Int32]]) throws -> Void)?
    /// Called after every step that ran, the divergent one included, with the step's record
    /// (`[0]` the inputs, then layers `1...L`) of the reference and of the device (nil without
    /// one). Engines can be asked for their state here (waveforms do).
    public var stepObserver: ((_ step: Int, _ reference: [[Int32]], _ device: [[Int32]]?) throws -> Void)?
    /// Called every ``progressInterval`` steps and after the last one.
    public var progress: ((LockstepProgress) -> Void)?
    public var progressInterval = 256
    /// Called with the step of every divergent step (of spikes, or with ``checksState`` of
    /// state), before the run stops at it or (``keepGoing``) goes on.
    public var divergentStepObserver: ((_ step: Int) throws -> Void)?
    /// At most this many differing neurons are detailed (with their state) in a divergence.
    public var detailLimit = 16
    /// Also compare every neuron's state at the end of every step (needs engines that can
    /// observe it): `I` and `V` in the windows in which the neuron's layer accumulates a
    /// sample, `Y` in those in which it sends one. A datapath bug then shows in the step where
    /// it first changes a value, not only where it first changes a spike.
    public var checksState = false

    public init(network: Network, samples: [[Int64]], reference: any SpikingEngine,
                device: (any SpikingEngine)? = nil) {
        self.network = network
        self.samples = samples
        self.reference = reference
        self.device = device
    }

    /// Runs the whole record (or up to the first divergence).
    /// - Throws: what an engine or the record sink throws, and ``EngineError`` when an engine
    ///   breaks the protocol (wrong number of layers, spikes out of order or out of range).
    public func run() throws -> LockstepResult {
        let stimulus = InputStimulus(network: network, samples: samples)
        let totalSteps = network.stepCount(samples: samples.count)
        var decoder = SpikeRecordDecoder(network: network, sampleCount: samples.count)
        var deviceDecoder = device.map { _ in SpikeRecordDecoder(network: network, sampleCount: samples.count) }
        try reference.start(sampleCount: samples.count)
        try device?.start(sampleCount: samples.count)

        var firstDivergence: Divergence?
        var divergentSteps = 0
        var differingSpikes = 0
        var input: [Int32] = []
        var stepsRun = 0
        for tau in 0..<totalSteps {
            stimulus.spikes(atStep: tau, into: &input)
            let expected = try checked(try reference.step(inputSpikes: input), from: reference, step: tau)
            var record = [input]
            record.append(contentsOf: expected)
            if let device {
                let deviceSpikes: [[Int32]]
                do {
                    deviceSpikes = try device.step(inputSpikes: input)
                } catch let failure as HardwareAssertionFailure {
                    // The device stopped: the run ends here, with or without keepGoing.
                    var divergence = Divergence(
                        referenceName: reference.name, deviceName: device.name, step: tau, timeSteps: network.timeSteps,
                        layer: 0, neurons: [], differingNeuronCount: 0, otherLayers: [], sampleCount: samples.count)
                    divergence.kind = .assertion
                    divergence.assertion = failure.message
                    divergentSteps += 1
                    try divergentStepObserver?(tau)
                    if firstDivergence == nil { firstDivergence = divergence }
                    stepsRun = tau
                    break
                }
                let actual = try checked(deviceSpikes, from: device, step: tau)
                if let stepObserver { try stepObserver(tau, record, [input] + actual) }
                if actual != expected {
                    divergentSteps += 1
                    var deviceRecord = [input]
                    deviceRecord.append(contentsOf: actual)
                    deviceDecoder?.consume(step: tau, spikes: deviceRecord)
                    let (divergence, count) = try describe(step: tau, expected: expected, actual: actual,
                                                           device: device)
                    differingSpikes += count
                    try divergentStepObserver?(tau)
                    if firstDivergence == nil { firstDivergence = divergence }
                    if !keepGoing {
                        stepsRun = tau
                        break
                    }
                } else {
                    deviceDecoder?.consume(step: tau, spikes: record)
                    if checksState, let divergence = try stateDivergence(step: tau, spikes: expected, device: device) {
                        divergentSteps += 1
                        try divergentStepObserver?(tau)
                        if firstDivergence == nil { firstDivergence = divergence }
                        if !keepGoing {
                            stepsRun = tau
                            break
                        }
                    }
                }
            } else if let stepObserver {
                try stepObserver(tau, record, nil)
            }
            decoder.consume(step: tau, spikes: record)
            try recordSink?(tau, record)
            stepsRun = tau + 1
            if let progress, stepsRun % progressInterval == 0 || stepsRun == totalSteps {
                progress(LockstepProgress(step: stepsRun, totalSteps: totalSteps, divergentSteps: divergentSteps))
            }
        }
        return LockstepResult(
            stepsRun: stepsRun, totalSteps: totalSteps, outputs: decoder.outputs, sops: decoder.sops,
            referenceCounters: try reference.counters(), deviceCounters: try device?.counters(),
            deviceOutputs: deviceDecoder?.outputs, firstDivergence: firstDivergence,
            divergentSteps: divergentSteps, differingSpikes: differingSpikes,
            strayOutputSpikes: decoder.strayOutputSpikes)
    }

    /// Checks an engine's step result against the protocol.
    private func checked(_ spikes: [[Int32]], from engine: any SpikingEngine, step: Int) throws -> [[Int32]] {
        guard spikes.count == network.depth else {
            throw EngineError(engine: engine.name,
                              message: "step \(step) returned \(spikes.count) layers of spikes, expected \(network.depth)")
        }
        for (index, layer) in spikes.enumerated() {
            let width = Int32(network.width(ofLayer: index + 1))
            var previous: Int32 = -1
            for neuron in layer {
                guard neuron > previous, neuron < width else {
                    throw EngineError(engine: engine.name, message: "step \(step): layer \(index + 1) spikes "
                        + "\(layer.prefix(20)) are not strictly ascending neuron indices below \(width)")
                }
                previous = neuron
            }
        }
        return spikes
    }

    /// The divergence of one step and the number of differing spikes in it.
    private func describe(step: Int, expected: [[Int32]], actual: [[Int32]],
                          device: any SpikingEngine) throws -> (Divergence, Int) {
        var firstLayer = 0
        var others: [Int] = []
        var differing: [(neuron: Int32, expected: Bool)] = []
        var total = 0
        for l in 0..<expected.count where expected[l] != actual[l] {
            let difference = Self.symmetricDifference(expected[l], actual[l])
            total += difference.count
            if firstLayer == 0 {
                firstLayer = l + 1
                differing = difference
            } else {
                others.append(l + 1)
            }
        }
        var neurons: [Divergence.Neuron] = []
        for (neuron, expectedSpike) in differing.prefix(detailLimit) {
            neurons.append(Divergence.Neuron(
                index: Int(neuron), expectedSpike: expectedSpike, actualSpike: !expectedSpike,
                expected: try reference.state(layer: firstLayer, neuron: Int(neuron)),
                actual: try device.state(layer: firstLayer, neuron: Int(neuron))))
        }
        var divergence = Divergence(
            referenceName: reference.name, deviceName: device.name, step: step, timeSteps: network.timeSteps,
            layer: firstLayer, neurons: neurons, differingNeuronCount: differing.count, otherLayers: others,
            sampleCount: samples.count)
        divergence.describeLayer(of: network)
        return (divergence, total)
    }

    /// The neurons whose state differs in step `step` (spikes agreeing), as a divergence of
    /// the lowest such layer; nil if every compared value agrees.
    private func stateDivergence(step: Int, spikes: [[Int32]], device: any SpikingEngine) throws -> Divergence? {
        let window = step / network.timeSteps
        let stages = network.stages
        for layer in 1...network.depth {
            let stage = stages[layer]
            let accumulates = (stage - 1..<samples.count + stage - 1).contains(window)
            let sends = (stage..<samples.count + stage).contains(window)
            guard accumulates || sends else { continue }
            let width = network.width(ofLayer: layer)
            guard let expected = try reference.states(layer: layer, count: width),
                  let actual = try device.states(layer: layer, count: width) else { return nil }
            var differing: [Int] = []
            for j in 0..<width {
                let e = expected[j], a = actual[j]
                if (accumulates && (e.current != a.current || e.potential != a.potential)) || (sends && e.value != a.value) {
                    differing.append(j)
                }
            }
            guard !differing.isEmpty else { continue }
            let spiking = Set(spikes[layer - 1])
            let neurons = differing.prefix(detailLimit).map { j in
                Divergence.Neuron(index: j, expectedSpike: spiking.contains(Int32(j)), actualSpike: spiking.contains(Int32(j)),
                                  expected: expected[j], actual: actual[j])
            }
            var divergence = Divergence(
                referenceName: reference.name, deviceName: device.name, step: step, timeSteps: network.timeSteps,
                layer: layer, neurons: neurons, differingNeuronCount: differing.count, otherLayers: [],
                sampleCount: samples.count)
            divergence.kind = .state
            divergence.describeLayer(of: network)
            return divergence
        }
        return nil
    }

    /// The neurons in exactly one of two ascending lists, ascending, with whether they are in
    /// the first.
    static func symmetricDifference(_ a: [Int32], _ b: [Int32]) -> [(neuron: Int32, expected: Bool)] {
        var result: [(neuron: Int32, expected: Bool)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                result.append((a[i], true))
                i += 1
            } else if i == a.count || b[j] < a[i] {
                result.append((b[j], false))
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        return result
    }
}

/// How far a lockstep run is.
public struct LockstepProgress: Sendable {
    /// Steps done.
    public var step: Int
    public var totalSteps: Int
    /// Steps with a divergence so far.
    public var divergentSteps: Int
}
