/// The bit-exact STEM golden model: event-driven and pipelined exactly as docs/stem-spec.md
/// describes.
///
/// Drive it one time step at a time:
/// ```swift
/// let model = try GoldenModel(network: network)
/// let stimulus = InputStimulus(network: network, samples: inputs.samples)
/// try model.start(sampleCount: stimulus.sampleCount)
/// for tau in 0..<model.stepCount {
///     let spikes = try model.step(inputSpikes: stimulus.spikes(atStep: tau))  // layers 1...L
/// }
/// print(model.outputs, model.sops, model.overflows)
/// ```
/// Work is per spike: in a chain of dense layers each spike adds one contiguous row of the
/// transposed weight matrix to the next layer's currents; in a graph network (version 2) each
/// spike is delivered through every connection leaving its layer (conv and pool by their kernel
/// taps, identity to one neuron), a delayed shortcut `d` windows after it was sent. A step is *closed* (its current integrated into `V`, and at the
/// end of a window `Y` computed) at the start of the next `step`, so between two calls
/// ``neuronState(layer:neuron:)`` shows the state "at the end of the step, before it is closed".
public final class GoldenModel {
    /// The network being run.
    public let network: Network
    /// The engine name used in messages.
    public let name: String

    /// `S`, the samples of the current run.
    public private(set) var sampleCount = 0
    /// The steps executed since ``start(sampleCount:)``: the `tau` of the next step.
    public private(set) var stepsTaken = 0
    /// Synaptic operations so far (spec section 9).
    public private(set) var sops = 0
    /// Overflow events so far, all layers.
    public var overflows: Int { cores.reduce(0) { $0 + $1.statistics.overflows } }
    /// Per layer `1...L` (index 0 is layer 1): overflow events and the extremes of `V`.
    public var layerStatistics: [LayerStatistics] { cores.map(\.statistics) }
    /// The output layer's values, per sample; a sample's entry is empty until computed
    /// (at the end of window `k + stage(L) - 1`).
    public private(set) var outputs: [[Int64]] = []

    private let cores: [LayerCore]
    private let timeSteps: Int
    /// `stage(l)` for layers `0...L` (`l` in a chain).
    private let stages: [Int]
    /// The connections of a graph network (nil for a chain of dense layers, which takes the
    /// row-add path).
    private let graph: GraphWiring?

    /// Prepares the model (weights transposed for row adds).
    /// - Throws: ``FormatError`` if `network` is not valid.
    public init(network: Network, name: String = "golden") throws(FormatError) {
        try network.validate()
        self.network = network
        self.name = name
        timeSteps = network.timeSteps
        stages = network.stages
        let isChain = network.isDenseChain
        var cores: [LayerCore] = []
        for (index, layer) in network.layers.enumerated() {
            cores.append(LayerCore(layer: layer, number: index + 1, network: network, wide: !isChain))
        }
        self.cores = cores
        graph = isChain ? nil : GraphWiring(network: network, stages: stages)
    }

    /// The number of steps of the current run, `(S + D) * B`.
    public var stepCount: Int { network.stepCount(samples: sampleCount) }

    /// Resets the run state for a run of `sampleCount` samples: step 0 of window 0, counters
    /// 0, nothing sent, every layer's `V` at its start value.
    public func start(sampleCount: Int) throws(EngineError) {
        guard sampleCount >= 1 else {
            throw EngineError(engine: name, message: "a run needs at least 1 sample, got \(sampleCount)")
        }
        self.sampleCount = sampleCount
        stepsTaken = 0
        sops = 0
        outputs = Array(repeating: [], count: sampleCount)
        graph?.reset()
        for core in cores {
            core.reset()
            if isAccumulating(core.number, inWindow: 0) { core.loadStartPotentials() }
        }
    }

    /// Runs global step `tau` = ``stepsTaken``: closes the previous step, feeds `inputSpikes`
    /// (the layer-0 neurons spiking in this step, ascending) and returns the spikes of layers
    /// `1...L` in this step, each ascending.
    /// - Throws: ``EngineError`` before ``start(sampleCount:)``, past the last step, for an
    ///   input index outside the input layer, or for input spikes in a window without a sample;
    ///   a step that throws changes nothing.
    public func step(inputSpikes: [Int32]) throws(EngineError) -> [[Int32]] {
        guard sampleCount > 0 else { throw EngineError(engine: name, message: "step before start") }
        let tau = stepsTaken
        guard tau < stepCount else {
            throw EngineError(engine: name, message: "step \(tau) is past the end of the run (\(stepCount) steps)")
        }
        let window = tau / timeSteps
        let bit = timeSteps - 1 - tau % timeSteps
        if !inputSpikes.isEmpty {
            guard window < sampleCount else {
                throw EngineError(engine: name,
                                  message: "input spikes in step \(tau) (window \(window)), which carries no sample")
            }
            let fanIn = network.inputSize
            for i in inputSpikes where i < 0 || Int(i) >= fanIn {
                throw EngineError(engine: name, message: "input spike of neuron \(i), outside 0..<\(fanIn)")
            }
        }
        if tau > 0 { closeStep(tau - 1) }
        for core in cores { core.clearCurrents() }
        if let graph { return graphStep(tau, window: window, bit: bit, inputSpikes: inputSpikes, graph: graph) }

        // Layer 0 -> layer 1.
        var sops = self.sops
        if !inputSpikes.isEmpty { sops += cores[0].addRows(inputSpikes) }
        // Layers 1...L send; each spike feeds the next layer.
        var result: [[Int32]] = []
        result.reserveCapacity(cores.count)
        for (index, core) in cores.enumerated() {
            guard isSending(core.number, inWindow: window) else {
                result.append([])
                continue
            }
            let spikes = core.spikes(bit: bit)
            if index + 1 < cores.count && !spikes.isEmpty {
                sops += cores[index + 1].addRows(spikes)
            }
            result.append(spikes)
        }
        self.sops = sops
        stepsTaken = tau + 1
        return result
    }

    /// The state of neuron `neuron` of layer `layer` (`1...L`) at the end of the last step,
    /// before it is closed: `I` of that step, `V` before its term, `Y` being sent.
    public func neuronState(layer: Int, neuron: Int) -> NeuronState {
        precondition((1...cores.count).contains(layer), "layer \(layer) outside 1...\(cores.count)")
        let core = cores[layer - 1]
        precondition((0..<core.width).contains(neuron), "neuron \(neuron) outside 0..<\(core.width)")
        return NeuronState(current: core.current(neuron), potential: core.potentials[neuron],
                           value: core.values[neuron])
    }

    /// Runs `samples` from start to end. `onStep` sees each step's spikes of layers `0...L`.
    /// - Returns: the output layer's values per sample (also in ``outputs``).
    @discardableResult
    public func run(samples: [[Int64]],
                    onStep: ((_ step: Int, _ spikes: [[Int32]]) -> Void)? = nil) throws(EngineError) -> [[Int64]] {
        let stimulus = InputStimulus(network: network, samples: samples)
        try start(sampleCount: samples.count)
        var input: [Int32] = []
        for tau in 0..<stepCount {
            stimulus.spikes(atStep: tau, into: &input)
            let spikes = try step(inputSpikes: input)
            onStep?(tau, [input] + spikes)
        }
        return outputs
    }

    /// A step of a graph network: every layer that sends spikes, each spike costs its SOPs
    /// once, and every connection delivers the spikes its source sent `d` windows ago (0 for
    /// a connection from the stage just before).
    private func graphStep(_ tau: Int, window: Int, bit: Int, inputSpikes: [Int32], graph: GraphWiring) -> [[Int32]] {
        var sent: [[Int32]] = [inputSpikes]
        sent.reserveCapacity(cores.count + 1)
        for core in cores {
            sent.append(isSending(core.number, inWindow: window) ? core.spikes(bit: bit) : [])
        }
        sops += graph.deliver(step: tau, sent: sent, signedStep: tau % timeSteps == 0, cores: cores)
        stepsTaken = tau + 1
        return Array(sent.dropFirst())
    }

    // MARK: - Pipeline

    /// Layer `l` accumulates sample `w - stage(l) + 1` in window `w`.
    private func isAccumulating(_ layer: Int, inWindow window: Int) -> Bool {
        window >= stages[layer] - 1 && window <= sampleCount + stages[layer] - 2
    }

    /// Layer `l` sends sample `w - stage(l)` in window `w`.
    private func isSending(_ layer: Int, inWindow window: Int) -> Bool {
        window >= stages[layer] && window <= sampleCount + stages[layer] - 1
    }

    /// Integrates step `tau`'s currents; at the end of a window computes `Y` and the next `V0`.
    private func closeStep(_ tau: Int) {
        let window = tau / timeSteps
        let t = tau % timeSteps
        for core in cores where isAccumulating(core.number, inWindow: window) {
            core.integrate(weightShift: timeSteps - 1 - t, negate: t == 0 && core.signedInputs && graph == nil)
        }
        guard t == timeSteps - 1 else { return }
        for core in cores {
            if isAccumulating(core.number, inWindow: window) {
                core.computeValues()
                if core.number == cores.count {
                    outputs[window - stages[core.number] + 1] = Array(core.values)
                }
            } else {
                core.clearValues()
            }
            if isAccumulating(core.number, inWindow: window + 1) {
                core.loadStartPotentials()
            } else {
                core.clearPotentials()
            }
        }
    }
}

/// One layer's state and parameters, in raw buffers so the hot loops have no bounds or
/// exclusivity checks.
final class LayerCore {
    let number: Int
    let width: Int
    let fanIn: Int
    /// Transposed weights: row `i` (length `width`) holds the weights from input `i`.
    let weights: UnsafeMutableBufferPointer<Int16>
    let currents: UnsafeMutableBufferPointer<Int32>
    /// In a graph network: the currents at 64 bits (connections add signed terms), used
    /// instead of ``currents``.
    let wideCurrents: UnsafeMutableBufferPointer<Int64>?
    let potentials: UnsafeMutableBufferPointer<Int64>
    let values: UnsafeMutableBufferPointer<Int64>
    /// Nonzero weights per input: the SOPs of one spike of that input.
    let inputNonzero: [Int]
    let signedInputs: Bool

    private let bias: UnsafeMutableBufferPointer<Int64>
    private let biasMode: BiasMode
    private let shift: Int
    /// `m` and `n` per requantization group: the channels with per-channel values, else one
    /// group of all neurons; `groupSize` neurons each.
    private let multipliers: [Int64]
    private let postShifts: [Int]
    private let groupSize: Int
    private let rotFactor: Int
    private let drloLimit: Int
    private let timeSteps: Int
    private let accumulatorBits: Int
    private let overflowMode: OverflowMode
    /// `fit(round_shift(b, s))` per neuron, and the statistics one window start adds.
    private let startPotentials: [Int64]
    private let startOverflows: Int
    private let startSmallest: Int64
    private let startLargest: Int64
    private var currentsDirty = false
    /// The spike schedule of the window being sent: `scheduleList[scheduleStart[b]..<scheduleStart[b+1]]`
    /// are the neurons whose `Y` has bit `b` set (they spike in step `B-1-b`), ascending.
    private let scheduleList: UnsafeMutableBufferPointer<Int32>
    private let scheduleStart: UnsafeMutableBufferPointer<Int>

    var statistics = LayerStatistics()

    init(layer: Layer, number: Int, network: Network, wide: Bool = false) {
        self.number = number
        width = layer.width
        fanIn = wide ? 0 : layer.inputCount
        signedInputs = number == 1 && network.inputSigned
        bias = .allocate(capacity: max(1, width))
        let neuronBias = layer.neuronBias
        _ = bias.initialize(from: neuronBias)
        biasMode = layer.biasMode
        shift = layer.shift
        if layer.hasScalarRequantization {
            multipliers = [Int64(layer.multiplier)]
            postShifts = [layer.postShift]
            groupSize = width
        } else {
            multipliers = (0..<layer.shape.channels).map { Int64(layer.multiplier(channel: $0)) }
            postShifts = (0..<layer.shape.channels).map { layer.postShift(channel: $0) }
            groupSize = layer.shape.plane
        }
        rotFactor = layer.rot
        drloLimit = layer.drlo
        timeSteps = network.timeSteps
        accumulatorBits = network.accumulatorBits
        overflowMode = network.overflow
        scheduleList = .allocate(capacity: max(1, width * network.timeSteps))
        scheduleStart = .allocate(capacity: network.timeSteps + 1)
        scheduleStart.initialize(repeating: 0)

        weights = .allocate(capacity: max(1, width * fanIn))
        var nonzero = Array(repeating: 0, count: fanIn)
        if !wide {
            for (j, row) in layer.weights.enumerated() {
                for (i, w) in row.enumerated() {
                    weights[i * width + j] = Int16(w)
                    if w != 0 { nonzero[i] += 1 }
                }
            }
        }
        inputNonzero = nonzero
        currents = .allocate(capacity: width)
        currents.initialize(repeating: 0)
        if wide {
            let buffer = UnsafeMutableBufferPointer<Int64>.allocate(capacity: max(1, width))
            buffer.initialize(repeating: 0)
            wideCurrents = buffer
        } else {
            wideCurrents = nil
        }
        potentials = .allocate(capacity: width)
        potentials.initialize(repeating: 0)
        values = .allocate(capacity: width)
        values.initialize(repeating: 0)

        var starts = Array(repeating: Int64(0), count: width)
        var overflowCount = 0
        var smallest: Int64 = 0
        var largest: Int64 = 0
        if layer.biasMode == .accumulator {
            for j in 0..<width {
                let raw = roundShift(neuronBias[j], by: layer.shift)
                smallest = min(smallest, raw)
                largest = max(largest, raw)
                let (fitted, overflowed) = fit(raw, bits: network.accumulatorBits, mode: network.overflow)
                starts[j] = fitted
                if overflowed { overflowCount += 1 }
            }
        }
        startPotentials = starts
        startOverflows = overflowCount
        startSmallest = smallest
        startLargest = largest
    }

    deinit {
        weights.deallocate()
        currents.deallocate()
        wideCurrents?.deallocate()
        potentials.deallocate()
        values.deallocate()
        bias.deallocate()
        scheduleList.deallocate()
        scheduleStart.deallocate()
    }

    func reset() {
        currents.update(repeating: 0)
        wideCurrents?.update(repeating: 0)
        potentials.update(repeating: 0)
        clearValues()
        currentsDirty = false
        statistics = LayerStatistics()
    }

    /// `V = V0` for a window in which the layer accumulates a sample.
    func loadStartPotentials() {
        if biasMode == .accumulator {
            startPotentials.withUnsafeBufferPointer { starts in
                for j in 0..<width { potentials[j] = starts[j] }
            }
            statistics.overflows += startOverflows
            statistics.smallestPotential = min(statistics.smallestPotential, startSmallest)
            statistics.largestPotential = max(statistics.largestPotential, startLargest)
        } else {
            potentials.update(repeating: 0)
        }
    }

    func clearPotentials() { potentials.update(repeating: 0) }
    func clearValues() {
        values.update(repeating: 0)
        scheduleStart.update(repeating: 0)
    }

    func clearCurrents() {
        if currentsDirty {
            currents.update(repeating: 0)
            wideCurrents?.update(repeating: 0)
            currentsDirty = false
        }
    }

    /// The current of neuron `j` in this step.
    func current(_ j: Int) -> Int64 { wideCurrents.map { $0[j] } ?? Int64(currents[j]) }

    /// Marks the currents as holding input of this step (graph deliveries write
    /// ``wideCurrents`` directly).
    func markCurrents() { currentsDirty = true }

    /// The hot loop: each spike of input `i` adds row `i` to the currents. Rows are added four
    /// at a time, so each current is loaded and stored once per four spikes (wrapping adds are
    /// exact here: every partial sum is a sum of at most 65536 16-bit weights, and the final
    /// one fits `Int32`). Returns the synaptic operations (nonzero weights reached).
    func addRows(_ spiking: [Int32]) -> Int {
        currentsDirty = true
        let sums = currents.baseAddress!
        let rows = weights.baseAddress!
        let width = self.width
        var operations = 0
        spiking.withUnsafeBufferPointer { spiking in
            inputNonzero.withUnsafeBufferPointer { nonzero in
                var k = 0
                while k + 8 <= spiking.count {
                    let r0 = rows + Int(spiking[k]) * width
                    let r1 = rows + Int(spiking[k + 1]) * width
                    let r2 = rows + Int(spiking[k + 2]) * width
                    let r3 = rows + Int(spiking[k + 3]) * width
                    let r4 = rows + Int(spiking[k + 4]) * width
                    let r5 = rows + Int(spiking[k + 5]) * width
                    let r6 = rows + Int(spiking[k + 6]) * width
                    let r7 = rows + Int(spiking[k + 7]) * width
                    for j in 0..<width {
                        let a = (Int32(truncatingIfNeeded: r0[j]) &+ Int32(truncatingIfNeeded: r1[j]))
                            &+ (Int32(truncatingIfNeeded: r2[j]) &+ Int32(truncatingIfNeeded: r3[j]))
                        let b = (Int32(truncatingIfNeeded: r4[j]) &+ Int32(truncatingIfNeeded: r5[j]))
                            &+ (Int32(truncatingIfNeeded: r6[j]) &+ Int32(truncatingIfNeeded: r7[j]))
                        sums[j] &+= a &+ b
                    }
                    for m in k..<(k + 8) { operations &+= nonzero[Int(spiking[m])] }
                    k += 8
                }
                while k + 4 <= spiking.count {
                    let r0 = rows + Int(spiking[k]) * width
                    let r1 = rows + Int(spiking[k + 1]) * width
                    let r2 = rows + Int(spiking[k + 2]) * width
                    let r3 = rows + Int(spiking[k + 3]) * width
                    for j in 0..<width {
                        let pair0 = Int32(truncatingIfNeeded: r0[j]) &+ Int32(truncatingIfNeeded: r1[j])
                        let pair1 = Int32(truncatingIfNeeded: r2[j]) &+ Int32(truncatingIfNeeded: r3[j])
                        sums[j] &+= pair0 &+ pair1
                    }
                    operations &+= nonzero[Int(spiking[k])] &+ nonzero[Int(spiking[k + 1])]
                        &+ nonzero[Int(spiking[k + 2])] &+ nonzero[Int(spiking[k + 3])]
                    k += 4
                }
                while k < spiking.count {
                    let row = rows + Int(spiking[k]) * width
                    for j in 0..<width {
                        sums[j] &+= Int32(truncatingIfNeeded: row[j])
                    }
                    operations &+= nonzero[Int(spiking[k])]
                    k += 1
                }
            }
        }
        return operations
    }

    /// `V = fit(V + round_shift(sigma * I * 2^weightShift, s))` for every neuron, in a step in
    /// which the layer received spikes (otherwise every term is 0 and nothing changes); clears
    /// the currents for the next step on the way.
    func integrate(weightShift: Int, negate: Bool) {
        guard currentsDirty else { return }
        let s = shift
        if let wide = wideCurrents {
            integrateWide(wide, weightShift: weightShift)
            currentsDirty = false
            return
        }
        // Specialized loops: the common case (no shift, no sign) has no rounding or multiply.
        switch (overflowMode, s == 0 && !negate) {
        case (.wrap, true):
            let unused = 64 - accumulatorBits
            integrateLoop(term: { $0 &<< weightShift }, fit: { ($0 &<< unused) &>> unused })
        case (.wrap, false):
            let unused = 64 - accumulatorBits
            let sign: Int64 = negate ? -1 : 1
            integrateLoop(term: { roundShift(($0 &* sign) &<< weightShift, by: s) },
                          fit: { ($0 &<< unused) &>> unused })
        case (.saturate, true):
            let high = (Int64(1) << (accumulatorBits - 1)) - 1
            let low = -high - 1
            integrateLoop(term: { $0 &<< weightShift }, fit: { min(max($0, low), high) })
        case (.saturate, false):
            let high = (Int64(1) << (accumulatorBits - 1)) - 1
            let low = -high - 1
            let sign: Int64 = negate ? -1 : 1
            integrateLoop(term: { roundShift(($0 &* sign) &<< weightShift, by: s) },
                          fit: { min(max($0, low), high) })
        }
        currentsDirty = false
    }

    /// `V = fit(V + term(I))` for every neuron, tracking the extremes before `fit` and the
    /// overflow events, and clearing the currents.
    @inline(__always)
    private func integrateLoop(term: (Int64) -> Int64, fit: (Int64) -> Int64) {
        let sums = currents.baseAddress!
        let potential = potentials.baseAddress!
        var smallest = statistics.smallestPotential
        var largest = statistics.largestPotential
        var overflowCount = 0
        for j in 0..<width {
            let current = Int64(sums[j])
            sums[j] = 0
            let raw = potential[j] &+ term(current)
            smallest = min(smallest, raw)
            largest = max(largest, raw)
            let fitted = fit(raw)
            overflowCount &+= fitted == raw ? 0 : 1
            potential[j] = fitted
        }
        statistics.smallestPotential = smallest
        statistics.largestPotential = largest
        statistics.overflows += overflowCount
    }

    /// `V = fit(V + round_shift(I * 2^weightShift, s))` from the 64-bit currents of a graph
    /// network (the sign of a signed input's first step is already in them); clears them.
    private func integrateWide(_ wide: UnsafeMutableBufferPointer<Int64>, weightShift: Int) {
        let sums = wide.baseAddress!
        let potential = potentials.baseAddress!
        let s = shift
        let bits = accumulatorBits
        let mode = overflowMode
        var smallest = statistics.smallestPotential
        var largest = statistics.largestPotential
        var overflowCount = 0
        for j in 0..<width {
            let current = sums[j]
            sums[j] = 0
            let raw = potential[j] &+ roundShift(current &<< weightShift, by: s)
            smallest = min(smallest, raw)
            largest = max(largest, raw)
            let (fitted, overflowed) = fit(raw, bits: bits, mode: mode)
            if overflowed { overflowCount &+= 1 }
            potential[j] = fitted
        }
        statistics.smallestPotential = smallest
        statistics.largestPotential = largest
        statistics.overflows += overflowCount
    }

    /// `Y` from `V` at the end of a window (spec steps 4 to 6), and the spike schedule of the
    /// window in which it is sent.
    func computeValues() {
        let sent = values.baseAddress!
        let potential = potentials.baseAddress!
        let bias = self.bias.baseAddress!
        let outputBias = biasMode == .output
        for group in 0..<multipliers.count {
            let multiplier = multipliers[group]
            let postShift = postShifts[group]
            for j in (group * groupSize)..<((group + 1) * groupSize) {
                var y = roundShift(potential[j] * multiplier, by: postShift)
                if outputBias { y += bias[j] }
                y = clampActivation(y, timeSteps: timeSteps)
                y = rot(y, factor: rotFactor, timeSteps: timeSteps)
                sent[j] = drlo(y, keep: drloLimit)
            }
        }
        // Per bit, the neurons that have it, by branch-free compaction.
        let start = scheduleStart.baseAddress!
        let list = scheduleList.baseAddress!
        var k = 0
        for bit in 0..<timeSteps {
            start[bit] = k
            for j in 0..<width {
                list[k] = Int32(truncatingIfNeeded: j)
                k &+= Int(truncatingIfNeeded: (sent[j] &>> bit) & 1)
            }
        }
        start[timeSteps] = k
    }

    /// The neurons whose value has bit `bit` set, ascending.
    func spikes(bit: Int) -> [Int32] {
        Array(UnsafeBufferPointer(rebasing: scheduleList[scheduleStart[bit]..<scheduleStart[bit + 1]]))
    }
}
