/// Writes one VCD holding the RTL and the golden model side by side, for finding a divergence
/// in a viewer.
///
/// Scopes (the neuron path is the network's `scopePath`):
/// ```
/// compare.step                  32-bit global step tau
/// compare.any_mismatch          1 in a step where any neuron mismatched
/// compare.golden.<path>.{spike,V,I,Y}
/// compare.rtl.<path>.{spike,V,I,Y}      (x where the RTL value was not read)
/// compare.mismatch.<path>.mismatch      1 in a step where this neuron's spike, or a read
///                                       I/V/Y, differs from the golden model
/// ```
/// The viewer files show the step counter, `any_mismatch` and, per neuron that mismatched
/// (earliest first), its mismatch bit, both spikes and both `V`, `I`, `Y`, with the cursor on
/// the first mismatch; "next transition" on `any_mismatch` jumps to each divergence.
public final class ComparisonTraceWriter {
    /// The root scope of the comparison trace.
    public static let rootScope = "compare"

    public let network: TracedNetwork
    public let options: TraceOptions
    private var recorder: TraceRecorder
    private let stepCounter: VCDWriter.Signal
    private let anyMismatch: VCDWriter.Signal
    private let golden: [[NeuronSignals]]
    private let rtl: [[NeuronSignals]]
    private let mismatch: [[VCDWriter.Signal]]
    private var firstMismatch: [NeuronID: UInt64] = [:]
    private var firstMismatchStep: UInt64?
    private var done = false

    /// The VCD file that appears on `finish()`.
    public var path: String { recorder.writer.path }

    public init(path: String, network: TracedNetwork, options: TraceOptions = TraceOptions()) throws {
        self.network = network
        self.options = options
        recorder = try TraceRecorder(path: path, network: network, options: options,
                                     comment: "stem-cosim comparison trace: RTL against the golden model per time step")
        let writer = recorder.writer
        let root = [ComparisonTraceWriter.rootScope]
        stepCounter = try writer.declare(scope: root, name: "step", width: 32)
        anyMismatch = try writer.declare(scope: root, name: "any_mismatch", width: 1)
        func declare(_ side: String) throws -> [[NeuronSignals]] {
            try network.layers.map { layer in
                try (0..<layer.neuronCount).map { j in
                    try NeuronSignals(declaringIn: writer,
                                      scope: root + [side] + network.scopePath(NeuronID(layer: layer.number, neuron: j)),
                                      widths: network.widths)
                }
            }
        }
        golden = try declare("golden")
        rtl = try declare("rtl")
        mismatch = try network.layers.map { layer in
            try (0..<layer.neuronCount).map { j in
                try writer.declare(scope: root + ["mismatch"] + network.scopePath(NeuronID(layer: layer.number, neuron: j)),
                                   name: "mismatch", width: 1)
            }
        }
    }

    deinit {
        if !done { recorder.writer.cancel() }
    }

    /// Records step `step`: the golden state and what was observed of the RTL, both indexed
    /// like `network.layers`. Returns the number of neurons that mismatched in this step
    /// (also for steps outside the window, which are not written).
    @discardableResult
    public func record(step: UInt64, golden goldenState: [[NeuronSample]],
                       rtl rtlState: [[NeuronObservation]]) throws -> Int {
        precondition(!done, "ComparisonTraceWriter used after finish or cancel")
        do {
            let recorded = try recorder.admit(step)
            try network.checkShape(goldenState, side: "golden", step: step)
            try network.checkShape(rtlState, side: "RTL", step: step)
            var count = 0
            let writer = recorder.writer
            for (k, layer) in network.layers.enumerated() {
                for j in 0..<layer.neuronCount {
                    let differs = rtlState[k][j].differs(from: goldenState[k][j])
                    if differs { count += 1 }
                    guard recorded else { continue }
                    try golden[k][j].set(goldenState[k][j], in: writer)
                    try rtl[k][j].set(rtlState[k][j], in: writer)
                    try writer.set(mismatch[k][j], bit: differs)
                    if differs {
                        let neuron = NeuronID(layer: layer.number, neuron: j)
                        if firstMismatch[neuron] == nil { firstMismatch[neuron] = step }
                    }
                }
            }
            if recorded {
                try writer.set(stepCounter, to: Int64(step))
                try writer.set(anyMismatch, bit: count > 0)
                if count > 0 && firstMismatchStep == nil { firstMismatchStep = step }
                try recorder.commit(step)
            }
            return count
        } catch {
            cancel()
            throw error
        }
    }

    /// The neurons that mismatched so far (in the window), in order of their first mismatch.
    public var mismatchedNeurons: [NeuronID] {
        firstMismatch.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.map(\.key)
    }

    /// Completes the trace and writes the VCD, `.gtkw` and `.sucl` files (all or none).
    @discardableResult
    public func finish() throws -> TraceFiles {
        try prepareFinish().commit()
    }

    /// Completes the VCD, `.gtkw` and `.sucl` files under their temporary names, for the
    /// caller to commit together with its other outputs (or discard).
    public func prepareFinish() throws -> PreparedTrace {
        precondition(!done, "ComparisonTraceWriter finished twice")
        done = true
        let writer = recorder.writer
        let mismatched = mismatchedNeurons
        let shown = recorder.highlighted(preferring: mismatched)
        let cursor = try firstMismatchStep.map { try options.timing.time(ofStep: $0) }
        return try recorder.prepare(layout: { visible in
            var items: [ViewerLayout.Item] = [
                .signal(ViewerLayout.Signal(name: writer.fullName(of: self.stepCounter), width: 32,
                                            format: .unsignedDecimal)),
                .signal(ViewerLayout.Signal(name: writer.fullName(of: self.anyMismatch), width: 1, color: .red)),
            ]
            for neuron in shown {
                guard let (k, j) = self.recorder.neuronIndex[neuron] else { continue }
                let g = self.golden[k][j]
                let r = self.rtl[k][j]
                items.append(.group(label: "\(neuron)", signals: [
                    ViewerLayout.Signal(name: writer.fullName(of: self.mismatch[k][j]), width: 1, color: .red),
                    g.layoutSignal(g.spike, in: writer, side: "golden"), r.layoutSignal(r.spike, in: writer, side: "rtl"),
                    g.layoutSignal(g.potential, in: writer, side: "golden"), r.layoutSignal(r.potential, in: writer, side: "rtl"),
                    g.layoutSignal(g.current, in: writer, side: "golden"), r.layoutSignal(r.current, in: writer, side: "rtl"),
                    g.layoutSignal(g.output, in: writer, side: "golden"), r.layoutSignal(r.output, in: writer, side: "rtl"),
                ]))
            }
            return ViewerLayout(items: items, cursorTime: cursor, visibleRange: visible)
        }, firstMismatchStep: firstMismatchStep, mismatchedNeurons: mismatched)
    }

    /// Abandons the trace; nothing is left on disk.
    public func cancel() {
        guard !done else { return }
        done = true
        recorder.writer.cancel()
    }
}
