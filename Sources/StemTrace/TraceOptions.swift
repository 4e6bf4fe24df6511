/// Options shared by the golden and the comparison trace.
public struct TraceOptions: Sendable {
    /// Record only steps `window.lowerBound ... window.upperBound` (the global step `tau`,
    /// inclusive); `nil` records every step passed in.
    public var window: ClosedRange<UInt64>?
    /// Where steps sit on the time axis.
    public var timing: StepTiming
    /// The neurons the viewer files show (in this order). `nil`: the golden trace shows the
    /// first `maxHighlightedNeurons` neurons; the comparison trace shows the neurons that
    /// mismatched, earliest first, or the first ones when none did.
    public var highlightedNeurons: [NeuronID]?
    /// How many neurons the viewer files show when `highlightedNeurons` is `nil`.
    public var maxHighlightedNeurons: Int
    /// Whether to write the GTKWave save file and the Surfer command file beside the VCD.
    public var writesViewerFiles: Bool
    /// The text of `$date` (`nil`: a fixed text, so that equal runs give equal files).
    public var date: String?

    public init(window: ClosedRange<UInt64>? = nil, timing: StepTiming = .oneUnitPerStep,
                highlightedNeurons: [NeuronID]? = nil, maxHighlightedNeurons: Int = 8,
                writesViewerFiles: Bool = true, date: String? = nil) {
        self.window = window
        self.timing = timing
        self.highlightedNeurons = highlightedNeurons
        self.maxHighlightedNeurons = maxHighlightedNeurons
        self.writesViewerFiles = writesViewerFiles
        self.date = date
    }

    /// Whether `step` is recorded.
    func records(_ step: UInt64) -> Bool {
        window.map { $0.contains(step) } ?? true
    }
}
