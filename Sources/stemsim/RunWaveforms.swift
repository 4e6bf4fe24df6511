import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport
import StemTrace

/// Which waveforms a run writes (from `TraceArguments`, or made up for a divergence).
struct WaveformRequest {
    /// The RTL's own waveform (.vcd or .fst).
    var rtlTrace: String?
    /// Hierarchy levels of the RTL waveform (0 = all).
    var depth = 0
    /// The golden model's waveform.
    var goldenTrace: String?
    /// The comparison waveform.
    var compareTrace: String?
    /// The steps recorded.
    var window: ClosedRange<Int> = 0...Int.max
    /// The neurons the viewer files show first (nil: the first few of each layer).
    var highlighted: [NeuronID]?
}

/// The waveforms of one `stemsim run`: the RTL's own (Verilator's VCD/FST), the golden
/// model's VCD and the comparison VCD, each with GTKWave and Surfer files beside it. Each
/// file appears under its name only when the run finishes (`finish`); `cancel` leaves none.
final class RunWaveforms {
    private let network: Network
    private let engines: EngineSet
    private let window: ClosedRange<Int>
    private let highlighted: [NeuronID]
    /// `S`: the comparison compares a layer's I and V only in the windows it accumulates a
    /// sample and Y only in those it sends one, as the lockstep's state check does (outside
    /// them the values are not the spec's; nil compares every step).
    private let sampleCount: Int?
    private var rtlTrace: AtomicFileWriter?
    private var golden: GoldenTraceWriter?
    private var comparison: ComparisonTraceWriter?

    /// Opens the waveforms `arguments` ask for on `engines`.
    init(_ request: WaveformRequest, network: Network, engines: EngineSet, sampleCount: Int? = nil) throws {
        self.sampleCount = sampleCount
        self.network = network
        self.engines = engines
        self.window = request.window
        self.highlighted = request.highlighted
            ?? (1...network.depth).flatMap { layer in (0..<min(4, network.width(ofLayer: layer))).map { NeuronID(layer: layer, neuron: $0) } }
        if let path = request.rtlTrace {
            guard let rtl = engines.rtl else { throw CommandFailure(.badInput, "--trace needs the RTL (--engine rtl or both)") }
            // The model writes the waveform into the writer's temporary file itself.
            let file = try AtomicFileWriter(path: path, temporarySuffix: path.hasSuffix(".fst") ? ".fst" : ".vcd")
            guard let temporary = file.handOverTemporaryFile() else {
                file.discard()
                throw CommandFailure(.badInput, "--trace \(path): the RTL model writes this file itself and needs a regular file, "
                    + "not a device or FIFO")
            }
            rtlTrace = file
            try rtl.openTrace(path: temporary, depth: request.depth, steps: window)
        }
        let traced = Self.tracedNetwork(network, mapping: engines.rtl?.mapping)
        let options = TraceOptions(window: UInt64(window.lowerBound)...UInt64(clamping: window.upperBound),
                                   highlightedNeurons: highlighted)
        if let path = request.goldenTrace {
            guard engines.golden != nil else { throw CommandFailure(.badInput, "--golden-trace needs the golden model (--engine golden or both)") }
            golden = try GoldenTraceWriter(path: path, network: traced, options: options)
        }
        if let path = request.compareTrace {
            guard engines.golden != nil, engines.rtl != nil else { throw CommandFailure(.badInput, "--compare-trace needs --engine both") }
            comparison = try ComparisonTraceWriter(path: path, network: traced, options: options)
        }
    }

    /// Whether any waveform is being written.
    var isRecording: Bool { rtlTrace != nil || golden != nil || comparison != nil }

    /// Records step `step` (the lockstep runner's step observer).
    func record(step: Int, reference: [[Int32]], device: [[Int32]]?) throws {
        guard window.contains(step), golden != nil || comparison != nil, let model = engines.golden else { return }
        let goldenSamples = (1...network.depth).map { layer in
            let spiking = Self.spikeFlags(reference[layer], width: network.width(ofLayer: layer))
            return (0..<network.width(ofLayer: layer)).map { j in
                let state = model.neuronState(layer: layer, neuron: j)
                return NeuronSample(current: state.current, potential: state.potential, output: state.value,
                                    spike: spiking[j])
            }
        }
        try golden?.record(step: UInt64(step), neurons: goldenSamples)
        if let comparison, let rtl = engines.rtl, let device {
            let stages = network.stages, w = step / network.timeSteps
            let observed = try (1...network.depth).map { layer in
                let spiking = Self.spikeFlags(device[layer], width: network.width(ofLayer: layer))
                let accumulates = sampleCount.map { (stages[layer] - 1..<$0 + stages[layer] - 1).contains(w) } ?? true
                let sends = sampleCount.map { (stages[layer]..<$0 + stages[layer]).contains(w) } ?? true
                return try rtl.layerStates(layer: layer).enumerated().map { j, state in
                    NeuronObservation(spike: spiking[j], current: accumulates ? state.current : nil,
                                      potential: accumulates ? state.potential : nil, output: sends ? state.value : nil)
                }
            }
            _ = try comparison.record(step: UInt64(step), golden: goldenSamples, rtl: observed)
        }
    }

    /// Closes every waveform and puts it under its name, all or none; returns how to open each.
    func finish() throws -> [String] {
        let prepared = try prepare()
        try AtomicFileWriter.commitAll(prepared.outputs)
        return prepared.lines
    }

    /// Closes every waveform and completes its viewer files under their temporary names;
    /// returns how to open each and the files, for the caller to commit with its other outputs
    /// (``AtomicFileWriter/commitAll(_:)``). The files are removed if the result is dropped.
    func prepare() throws -> (lines: [String], outputs: [AtomicFileWriter]) {
        var lines: [String] = []
        var outputs: [AtomicFileWriter] = []
        do {
            if let file = rtlTrace, let rtl = engines.rtl {
                rtlTrace = nil
                outputs.append(file)
                try rtl.closeTrace()
                let path = file.path
                var layout = Self.rtlViewerLayout(mapping: rtl.mapping, neurons: highlighted)
                layout.visibleRange = rtl.traceSpan
                let viewer = try layout.prepareViewerFiles(besideTrace: path)
                outputs += viewer.outputs
                lines.append("RTL waveform \(path): gtkwave \(TraceFiles.quoted(path)) \(TraceFiles.quoted(viewer.gtkwave)), "
                    + "or surfer -c \(TraceFiles.quoted(viewer.surfer))")
            }
            if let writer = golden {
                golden = nil
                let prepared = try writer.prepareFinish()
                outputs += prepared.outputs
                let files = prepared.files
                lines.append("golden waveform \(files.vcdPath): " + files.openCommands.joined(separator: ", or "))
            }
            if let writer = comparison {
                comparison = nil
                let prepared = try writer.prepareFinish()
                outputs += prepared.outputs
                let files = prepared.files
                let note = files.firstMismatchStep.map { " (first mismatch at step \($0))" } ?? " (no mismatch)"
                lines.append("comparison waveform \(files.vcdPath)\(note): " + files.openCommands.joined(separator: ", or "))
            }
        } catch {
            for output in outputs { output.discard() }
            cancel()
            throw error
        }
        return (lines, outputs)
    }

    /// Removes every waveform (a failed run leaves none).
    func cancel() {
        if let file = rtlTrace {
            try? engines.rtl?.closeTrace()
            file.discard()
        }
        rtlTrace = nil
        golden?.cancel()
        golden = nil
        comparison?.cancel()
        comparison = nil
    }

    deinit { cancel() }

    // MARK: - Layouts

    /// Each neuron's signals sit in the scope the RTL has for it: the core that holds it
    /// (`TOP.stem_mesh.g_tile[t].u_tile.u_core`), then `g_neuron[local index]`.
    static func tracedNetwork(_ network: Network, mapping: MeshMapping?) -> TracedNetwork {
        let maxFanIn = (1...network.depth).map { network.width(ofLayer: $0 - 1) }.max() ?? 1
        let widths = TracedNetwork.Widths(
            current: min(64, currentWidth(weightBits: network.weightBits, numAxons: mapping?.options.numAxons ?? maxFanIn)),
            potential: network.accumulatorBits, output: network.timeSteps)
        let mapping = mapping ?? (try? MeshChooser().map(network))
        let counts = (1...network.depth).map { network.width(ofLayer: $0) }
        return TracedNetwork(
            layers: counts.enumerated().map { TracedNetwork.Layer(number: $0.offset + 1, neuronCount: $0.element) },
            widths: widths, stepCounterScope: ["TOP", "stem_mesh"], stepCounterName: "step_o",
            scopePath: { neuron in
                guard let mapping else { return TracedNetwork.defaultScopePath(neuron) }
                let (tile, local) = mapping.location(layer: neuron.layer, neuron: neuron.neuron)
                return coreScope(tile: tile) + ["g_neuron[\(local)]"]
            })
    }

    /// The scope path of tile `tile`'s core in the RTL trace.
    static func coreScope(tile: Int) -> [String] {
        ["TOP", "stem_mesh", "g_tile[\(tile)]", "u_tile", "u_core"]
    }

    /// What the GTKWave and Surfer files show of the RTL trace: the step counter, the host
    /// port, the spike monitor, and `v`, `i`, `y` of `neurons`.
    static func rtlViewerLayout(mapping: MeshMapping, neurons: [NeuronID]) -> ViewerLayout {
        var items: [ViewerLayout.Item] = [
            .signal(.init(name: "TOP.stem_mesh.step_o", width: 32, format: .unsignedDecimal)),
            .signal(.init(name: "TOP.stem_mesh.idle_o", width: 1)),
            .signal(.init(name: "TOP.stem_mesh.host_in_valid_i", width: 1)),
            .signal(.init(name: "TOP.stem_mesh.host_out_valid_o", width: 1)),
            .signal(.init(name: "TOP.stem_mesh.mon_valid_o", width: mapping.tileCount)),
        ]
        let network = mapping.network
        let currentWidth = Self.currentWidth(weightBits: network.weightBits, numAxons: mapping.options.numAxons)
        for neuron in neurons {
            let (tile, local) = mapping.location(layer: neuron.layer, neuron: neuron.neuron)
            let scope = (coreScope(tile: tile) + ["g_neuron[\(local)]"]).joined(separator: ".")
            items.append(.group(label: "layer \(neuron.layer) neuron \(neuron.neuron) (tile \(tile), local \(local))", signals: [
                .init(name: scope + ".v", width: network.accumulatorBits, format: .signedDecimal),
                .init(name: scope + ".i", width: currentWidth, format: .signedDecimal),
                .init(name: scope + ".y", width: network.timeSteps, format: .unsignedDecimal),
            ]))
        }
        return ViewerLayout(items: items)
    }

    // MARK: - Helpers

    /// The RTL's current width: `WeightBits + clog2(NumAxons) + 1` (rtl/stem_core.sv, `CurW`).
    static func currentWidth(weightBits: Int, numAxons: Int) -> Int {
        var log = 0
        while 1 << log < numAxons { log += 1 }
        return weightBits + log + 1
    }

    static func spikeFlags(_ spikes: [Int32], width: Int) -> [Bool] {
        var flags = [Bool](repeating: false, count: width)
        for neuron in spikes { flags[Int(neuron)] = true }
        return flags
    }
}
