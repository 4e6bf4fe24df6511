import StemSupport

/// The four signals of one neuron in a trace (internal to the trace writers).
struct NeuronSignals {
    let spike: VCDWriter.Signal
    let potential: VCDWriter.Signal
    let current: VCDWriter.Signal
    let output: VCDWriter.Signal

    /// Declares `spike`, `V`, `I`, `Y` in `scope`.
    init(declaringIn writer: VCDWriter, scope: [String], widths: TracedNetwork.Widths) throws {
        spike = try writer.declare(scope: scope, name: "spike", width: 1)
        potential = try writer.declare(scope: scope, name: "v", width: widths.potential, isSigned: true)
        current = try writer.declare(scope: scope, name: "i", width: widths.current, isSigned: true)
        output = try writer.declare(scope: scope, name: "y", width: widths.output)
    }

    func set(_ state: NeuronSample, in writer: VCDWriter) throws {
        try writer.set(spike, bit: state.spike)
        try writer.set(potential, to: state.potential)
        try writer.set(current, to: state.current)
        try writer.set(output, to: state.output)
    }

    /// Sets what was observed; `nil` values become `x`.
    func set(_ observation: NeuronObservation, in writer: VCDWriter) throws {
        try writer.set(spike, bit: observation.spike)
        for (signal, value) in [(potential, observation.potential), (current, observation.current),
                                (output, observation.output)] {
            if let value { try writer.set(signal, to: value) } else { writer.setUnknown(signal) }
        }
    }

    func layoutSignal(_ signal: VCDWriter.Signal, in writer: VCDWriter,
                      color: ViewerLayout.Color? = nil, side: String? = nil) -> ViewerLayout.Signal {
        let width = writer.width(of: signal)
        let format: ViewerLayout.Format = width == 1 ? .binary : writer.isSigned(signal) ? .signedDecimal : .unsignedDecimal
        let name = writer.fullName(of: signal)
        let alias = side.map { "\($0) \(name.split(separator: ".").last ?? "")" }
        return ViewerLayout.Signal(name: name, width: width, format: format, color: color, alias: alias)
    }
}

/// What the golden and comparison writers share: the window, the order of steps, the step
/// counter, the highlighted neurons and the final commit of the VCD with its viewer files.
struct TraceRecorder {
    let network: TracedNetwork
    let options: TraceOptions
    let writer: VCDWriter
    let neuronIndex: [NeuronID: (layer: Int, neuron: Int)]
    private(set) var firstStep: UInt64?
    private(set) var lastStep: UInt64?
    private var previousStep: UInt64?

    init(path: String, network: TracedNetwork, options: TraceOptions, comment: String) throws {
        try network.validate()
        guard options.maxHighlightedNeurons >= 0 else {
            throw TraceError.invalidArgument(what: "maxHighlightedNeurons", value: "\(options.maxHighlightedNeurons)",
                                             allowed: "0...")
        }
        var index: [NeuronID: (layer: Int, neuron: Int)] = [:]
        for (k, layer) in network.layers.enumerated() {
            for j in 0..<layer.neuronCount { index[NeuronID(layer: layer.number, neuron: j)] = (k, j) }
        }
        for neuron in options.highlightedNeurons ?? [] where index[neuron] == nil {
            throw TraceError.invalidArgument(what: "highlighted neuron", value: "\(neuron)",
                                             allowed: "a neuron of the traced layers")
        }
        self.network = network
        self.options = options
        self.neuronIndex = index
        writer = try VCDWriter(path: path, timescale: options.timing.timescale, date: options.date, comment: comment)
    }

    /// Checks the order and the window; returns whether `step` is recorded.
    mutating func admit(_ step: UInt64) throws -> Bool {
        if let previousStep, step <= previousStep {
            throw TraceError.outOfOrder("\(writer.path): step \(step) recorded after step \(previousStep)")
        }
        previousStep = step
        return options.records(step)
    }

    /// Writes the staged values of `step`.
    mutating func commit(_ step: UInt64) throws {
        try writer.commit(at: options.timing.time(ofStep: step))
        if firstStep == nil { firstStep = step }
        lastStep = step
    }

    /// The neurons to show: the requested ones, else `preferred` (padded with the first
    /// neurons), at most `maxHighlightedNeurons`.
    func highlighted(preferring preferred: [NeuronID]) -> [NeuronID] {
        if let requested = options.highlightedNeurons { return requested }
        var chosen = Array(preferred.prefix(options.maxHighlightedNeurons))
        if chosen.isEmpty {
            chosen = Array(network.neurons.prefix(options.maxHighlightedNeurons))
        }
        return chosen
    }

    /// Completes the VCD and its viewer files under their temporary names; nothing is renamed
    /// (``PreparedTrace/commit()`` does it, with the other outputs of a run).
    func prepare(layout makeLayout: (_ visible: ClosedRange<UInt64>) throws -> ViewerLayout,
                firstMismatchStep: UInt64?, mismatchedNeurons: [NeuronID]) throws -> PreparedTrace {
        guard let firstStep, let lastStep else {
            writer.cancel()
            let reason = options.window.map { "no step in the window \($0.lowerBound)...\($0.upperBound) was recorded" }
                ?? "no step was recorded"
            throw TraceError.emptyTrace(path: writer.path, reason: reason)
        }
        var outputs: [AtomicFileWriter] = []
        do {
            let endTime = try options.timing.endTime(afterStep: lastStep)
            try writer.complete(endTime: endTime)
            outputs.append(writer.file)
            var files = TraceFiles(vcdPath: writer.path, gtkwavePath: nil, surferPath: nil,
                                   recordedSteps: firstStep...lastStep, firstMismatchStep: firstMismatchStep,
                                   mismatchedNeurons: mismatchedNeurons)
            if options.writesViewerFiles {
                let layout = try makeLayout(options.timing.time(ofStep: firstStep)...endTime)
                let gtkwPath = FilePaths.replacingExtension(of: writer.path, with: "gtkw")
                let suclPath = FilePaths.replacingExtension(of: writer.path, with: "sucl")
                let gtkw = try AtomicFileWriter.traceOutput(path: gtkwPath)
                outputs.append(gtkw)
                try traceIO { () throws(OutputFileError) in try gtkw.write(GTKWaveSaveFile(layout: layout, dumpFile: writer.path).text) }
                let sucl = try AtomicFileWriter.traceOutput(path: suclPath)
                outputs.append(sucl)
                try traceIO { () throws(OutputFileError) in try sucl.write(SurferCommandFile(layout: layout, waveformFile: writer.path).text) }
                files.gtkwavePath = gtkwPath
                files.surferPath = suclPath
            }
            for output in outputs { try traceIO { () throws(OutputFileError) in try output.close() } }
            return PreparedTrace(files: files, outputs: outputs)
        } catch {
            writer.file.discard()
            for output in outputs { output.discard() }
            throw error
        }
    }
}

/// A completed trace whose files (the VCD and its viewer files) still have their temporary
/// names, so that a run can put all its outputs in place together
/// (``AtomicFileWriter/commitAll(_:)`` over ``outputs`` and the run's other files).
public struct PreparedTrace {
    /// What will be on disk after the commit.
    public var files: TraceFiles
    /// The completed, closed files, not yet renamed.
    public var outputs: [AtomicFileWriter]

    /// Renames the files into place, all or none.
    public func commit() throws(TraceError) -> TraceFiles {
        try traceIO { () throws(OutputFileError) in try AtomicFileWriter.commitAll(outputs) }
        return files
    }

    /// Removes the files; nothing is left on disk.
    public func discard() {
        for output in outputs { output.discard() }
    }
}
