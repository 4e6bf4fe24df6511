import ArgumentParser

/// The waveform options of `stemsim run`.
struct TraceArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Record the RTL's waveform (.vcd or .fst, from the extension). A traced model is a separate cached build.",
                               valueName: "file.vcd|file.fst"))
    var trace: String?

    @Option(help: ArgumentHelp("First time step to record (default 0).", valueName: "step"),
            transform: OptionBounds.traceFrom.parse)
    var traceFrom: Int?

    @Option(help: ArgumentHelp("Last time step to record (default: the last).", valueName: "step"),
            transform: OptionBounds.traceTo.parse)
    var traceTo: Int?

    @Option(help: OptionBounds.traceDepth.help("Hierarchy levels to record (0 = all)", valueName: "N"),
            transform: OptionBounds.traceDepth.parse)
    var traceDepth = OptionBounds.traceDepth.defaultValue

    @Option(help: ArgumentHelp("Write the golden model's waveform: per neuron V, I, Y and its spike, per step.",
                               valueName: "file.vcd"))
    var goldenTrace: String?

    @Option(help: ArgumentHelp("With --engine both: one waveform with rtl and golden scopes and a mismatch signal per neuron.",
                               valueName: "file.vcd"))
    var compareTrace: String?

    /// The waveform options given (`--trace`, `--golden-trace`, `--compare-trace`).
    var usedOptions: [String] {
        [("--trace", trace), ("--golden-trace", goldenTrace), ("--compare-trace", compareTrace)]
            .filter { $0.1 != nil }.map(\.0)
    }

    /// The steps to record.
    var window: ClosedRange<Int> { (traceFrom ?? 0)...(traceTo ?? Int.max) }

    /// The waveforms asked for.
    var request: WaveformRequest {
        WaveformRequest(rtlTrace: trace, depth: traceDepth, goldenTrace: goldenTrace, compareTrace: compareTrace,
                        window: window)
    }

    func validate() throws {
        if let trace, !(trace.hasSuffix(".vcd") || trace.hasSuffix(".fst")) {
            throw ValidationError("--trace \(trace): the file must end in .vcd or .fst")
        }
        for (option, path) in [("--golden-trace", goldenTrace), ("--compare-trace", compareTrace)] {
            if let path, !path.hasSuffix(".vcd") {
                throw ValidationError("\(option) \(path): the file must end in .vcd")
            }
        }
        if let traceTo, traceTo < (traceFrom ?? 0) {
            throw ValidationError("--trace-to \(traceTo) is before --trace-from \(traceFrom ?? 0)")
        }
    }
}
