import StemSupport

/// A progress line on standard error for long runs: redrawn in place (`\r`) at most ten times
/// a second when standard error is a terminal, otherwise a plain line every few seconds.
/// Short runs print nothing.
final class ProgressLine {
    private let isTerminal: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastPrint: ContinuousClock.Instant
    private var shown = false

    init() {
        isTerminal = StandardError.isTerminal
        start = clock.now
        lastPrint = start
    }

    /// Reports `step` of `total`.
    func update(step: Int, total: Int, note: String = "") {
        let now = clock.now
        let elapsed = now - start
        if isTerminal {
            guard elapsed > .milliseconds(500), now - lastPrint > .milliseconds(100) || step == total else { return }
        } else {
            guard now - lastPrint > .seconds(5) else { return }
        }
        lastPrint = now
        let percent = total > 0 ? step * 100 / total : 100
        let text = "step \(step)/\(total) (\(percent)%)\(note)"
        if isTerminal {
            printToStandardError("\r" + text + "\u{1B}[K")
            shown = true
        } else {
            printToStandardError("stemsim: " + text + "\n")
        }
    }

    /// Removes the live line.
    func finish() {
        if shown {
            printToStandardError("\r\u{1B}[K")
            shown = false
        }
    }
}
