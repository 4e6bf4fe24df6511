/// Which engines run the points of a sweep.
public enum SweepEngine: String, Sendable, CaseIterable {
    /// The golden model alone.
    case golden
    /// The Verilated RTL mesh alone (a separate golden run supplies the per-layer `|V|`
    /// figures, which only the golden model observes).
    case rtl
    /// The golden model as reference and the RTL checked against it in lockstep, every spike of
    /// every step.
    case both

    /// Whether the RTL runs.
    public var runsRTL: Bool { self != .golden }
}
