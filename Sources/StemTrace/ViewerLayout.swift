import StemSupport

/// What a waveform viewer should show when it opens a trace: signals in order, some of them
/// grouped (one group per neuron), a cursor time and the time range to zoom to.
///
/// `GTKWaveSaveFile` and `SurferCommandFile` turn a layout into the two viewers' files. The
/// golden and comparison trace writers build their layouts themselves; the RTL side can build
/// one for the Verilator trace from the RTL's signal names.
public struct ViewerLayout: Hashable, Sendable {
    /// How a viewer shows a value.
    public enum Format: Hashable, Sendable {
        /// 0/1 (one-bit signals).
        case binary
        case unsignedDecimal
        /// Two's complement at the signal's width.
        case signedDecimal
        case hexadecimal
    }

    /// A highlight colour (both viewers have these).
    public enum Color: Hashable, Sendable {
        case red, orange, yellow, green, blue, violet
    }

    /// One signal: its dotted full name as in the VCD (scopes and name, no bit range) and width.
    public struct Signal: Hashable, Sendable {
        public var name: String
        public var width: Int
        public var format: Format
        public var color: Color?
        /// A short name a viewer shows instead of the signal's own (GTKWave's alias), e.g.
        /// "golden v" beside "rtl v", where both would otherwise read "v".
        public var alias: String?

        public init(name: String, width: Int, format: Format? = nil, color: Color? = nil, alias: String? = nil) {
            self.name = name
            self.width = width
            self.format = format ?? (width == 1 ? .binary : .hexadecimal)
            self.color = color
            self.alias = alias
        }
    }

    /// A shown item.
    public enum Item: Hashable, Sendable {
        case signal(Signal)
        /// A named group of signals (GTKWave: a collapsible group; Surfer: a divider with the
        /// label followed by the signals).
        case group(label: String, signals: [Signal])
    }

    public var items: [Item]
    /// Where to put the cursor (GTKWave's primary marker), in VCD time units.
    public var cursorTime: UInt64?
    /// The time range to show.
    public var visibleRange: ClosedRange<UInt64>?

    public init(items: [Item] = [], cursorTime: UInt64? = nil, visibleRange: ClosedRange<UInt64>? = nil) {
        self.items = items
        self.cursorTime = cursorTime
        self.visibleRange = visibleRange
    }

    /// Every signal shown, in display order.
    public var signals: [Signal] {
        items.flatMap { item -> [Signal] in
            switch item {
            case let .signal(signal): [signal]
            case let .group(_, signals): signals
            }
        }
    }
}

extension ViewerLayout {
    /// Writes `<trace>.gtkw` and `<trace>.sucl` beside a trace file (VCD or FST; GTKWave and
    /// Surfer name the signals of both the same way), both or neither. Returns their paths.
    @discardableResult
    public func writeViewerFiles(besideTrace tracePath: String) throws -> (gtkwave: String, surfer: String) {
        let prepared = try prepareViewerFiles(besideTrace: tracePath)
        try traceIO { () throws(OutputFileError) in try AtomicFileWriter.commitAll(prepared.outputs) }
        return (prepared.gtkwave, prepared.surfer)
    }

    /// Completes `<trace>.gtkw` and `<trace>.sucl` under their temporary names, for the caller
    /// to commit together with its other outputs (or discard).
    public func prepareViewerFiles(besideTrace tracePath: String) throws
        -> (gtkwave: String, surfer: String, outputs: [AtomicFileWriter]) {
        let gtkwPath = FilePaths.replacingExtension(of: tracePath, with: "gtkw")
        let suclPath = FilePaths.replacingExtension(of: tracePath, with: "sucl")
        let gtkw = try AtomicFileWriter.traceOutput(path: gtkwPath)
        let sucl: AtomicFileWriter
        do {
            sucl = try AtomicFileWriter.traceOutput(path: suclPath)
        } catch {
            gtkw.discard()
            throw error
        }
        do {
            try traceIO { () throws(OutputFileError) in try gtkw.write(GTKWaveSaveFile(layout: self, dumpFile: tracePath).text) }
            try traceIO { () throws(OutputFileError) in try sucl.write(SurferCommandFile(layout: self, waveformFile: tracePath).text) }
            try traceIO { () throws(OutputFileError) in try gtkw.close() }
            try traceIO { () throws(OutputFileError) in try sucl.close() }
        } catch {
            gtkw.discard()
            sucl.discard()
            throw error
        }
        return (gtkwPath, suclPath, [gtkw, sucl])
    }
}
