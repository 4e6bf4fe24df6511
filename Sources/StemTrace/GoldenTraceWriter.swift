/// Writes the golden model's waveform: per neuron `V`, `I`, `Y` and `spike` at the end of
/// every time step, under the scopes the network's `scopePath` gives (mirror the RTL there),
/// plus the 32-bit step counter; with a GTKWave save file and a Surfer command file beside it.
///
/// ```swift
/// let trace = try GoldenTraceWriter(path: "run.vcd", network: network,
///                                   options: TraceOptions(window: 100...140))
/// for tau in 0..<steps { try trace.record(step: tau, neurons: stateAtEndOf(tau)) }
/// let files = try trace.finish()   // run.vcd, run.gtkw, run.sucl appear together
/// ```
///
/// Steps must come in strictly increasing order; steps outside `options.window` are checked
/// for order only. Step `tau`'s values are written at `options.timing.time(ofStep: tau)`.
public final class GoldenTraceWriter {
    public let network: TracedNetwork
    public let options: TraceOptions
    private var recorder: TraceRecorder
    private let stepCounter: VCDWriter.Signal
    private let signals: [[NeuronSignals]]
    private var done = false

    /// The VCD file that appears on `finish()`.
    public var path: String { recorder.writer.path }

    public init(path: String, network: TracedNetwork, options: TraceOptions = TraceOptions()) throws {
        self.network = network
        self.options = options
        recorder = try TraceRecorder(path: path, network: network, options: options,
                                     comment: "stem-cosim golden model: per neuron the state at the end of each time step")
        let writer = recorder.writer
        stepCounter = try writer.declare(scope: network.stepCounterScope, name: network.stepCounterName, width: 32)
        signals = try network.layers.map { layer in
            try (0..<layer.neuronCount).map { j in
                try NeuronSignals(declaringIn: writer,
                                  scope: network.scopePath(NeuronID(layer: layer.number, neuron: j)),
                                  widths: network.widths)
            }
        }
    }

    deinit {
        if !done { recorder.writer.cancel() }
    }

    /// Records the state at the end of step `step`: `neurons[k][j]` is neuron `j` of
    /// `network.layers[k]`.
    public func record(step: UInt64, neurons: [[NeuronSample]]) throws {
        precondition(!done, "GoldenTraceWriter used after finish or cancel")
        do {
            guard try recorder.admit(step) else { return }
            try network.checkShape(neurons, side: "golden", step: step)
            let writer = recorder.writer
            try writer.set(stepCounter, to: Int64(step))
            for (k, layer) in neurons.enumerated() {
                for (j, state) in layer.enumerated() { try signals[k][j].set(state, in: writer) }
            }
            try recorder.commit(step)
        } catch {
            cancel()
            throw error
        }
    }

    /// Completes the trace and writes the VCD, `.gtkw` and `.sucl` files (all or none).
    @discardableResult
    public func finish() throws -> TraceFiles {
        try prepareFinish().commit()
    }

    /// Completes the VCD, `.gtkw` and `.sucl` files under their temporary names, for the
    /// caller to commit together with its other outputs (or discard).
    public func prepareFinish() throws -> PreparedTrace {
        precondition(!done, "GoldenTraceWriter finished twice")
        done = true
        let writer = recorder.writer
        let shown = recorder.highlighted(preferring: [])
        return try recorder.prepare(layout: { visible in
            var items: [ViewerLayout.Item] = [.signal(ViewerLayout.Signal(
                name: writer.fullName(of: self.stepCounter), width: 32, format: .unsignedDecimal))]
            for neuron in shown {
                guard let (k, j) = self.recorder.neuronIndex[neuron] else { continue }
                let s = self.signals[k][j]
                items.append(.group(label: "\(neuron)", signals: [
                    s.layoutSignal(s.spike, in: writer), s.layoutSignal(s.potential, in: writer),
                    s.layoutSignal(s.current, in: writer), s.layoutSignal(s.output, in: writer),
                ]))
            }
            return ViewerLayout(items: items, visibleRange: visible)
        }, firstMismatchStep: nil, mismatchedNeurons: [])
    }

    /// Abandons the trace; nothing is left on disk.
    public func cancel() {
        guard !done else { return }
        done = true
        recorder.writer.cancel()
    }
}
