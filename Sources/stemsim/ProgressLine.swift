import Foundation
import StemCheck
import StemSupport
import StemSweep

/// The live progress of a long command on standard error (`stemsim run`'s steps, `stemsim
/// sweep`'s points). On a terminal one line is redrawn in place (`\r`, cut to the terminal's
/// width) at most ten times a second, after a quiet start (short runs print nothing);
/// otherwise a plain `stemsim: ...` line is printed every `plainInterval`. Notes are lines of
/// their own, printed above the live line. Safe to call from any thread.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private let quietStart: Duration
    private let plainInterval: Duration
    private let plainLineAtStart: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    // Guarded by `lock`.
    private var lastDraw: ContinuousClock.Instant?
    private var shown = ""

    /// - Parameters:
    ///   - quietStart: on a terminal, nothing is drawn before this much time has passed.
    ///   - plainInterval: the time between plain lines when standard error is not a terminal.
    ///   - plainLineAtStart: whether the first plain line is printed at once (else after
    ///     `plainInterval`).
    init(quietStart: Duration = .zero, plainInterval: Duration = .seconds(10), plainLineAtStart: Bool = true) {
        isTerminal = StandardError.isTerminal
        self.quietStart = quietStart
        self.plainInterval = plainInterval
        self.plainLineAtStart = plainLineAtStart
        start = clock.now
    }

    /// Shows `text` as the current progress. `final` (the last update of a run) is drawn even
    /// within a tenth of a second of the previous one.
    func show(_ text: String, final: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        let now = clock.now
        if isTerminal {
            guard now - start >= quietStart else { return }
            if let lastDraw, now - lastDraw < .milliseconds(100), !final { return }
            let fitted = String(text.prefix(max(20, Self.terminalWidth() - 1)))
            guard fitted != shown else { return }
            lastDraw = now
            printToStandardError("\r" + fitted + "\u{1B}[K")
            shown = fitted
        } else {
            if let lastDraw {
                guard now - lastDraw >= plainInterval else { return }
            } else {
                guard plainLineAtStart || now - start >= plainInterval else { return }
            }
            lastDraw = now
            printToStandardError("stemsim: " + text + "\n")
        }
    }

    /// Reports `step` of `total` (`stemsim run`).
    func update(step: Int, total: Int, note: String = "") {
        let percent = total > 0 ? step * 100 / total : 100
        show("step \(step)/\(total) (\(percent)%)\(note)", final: step == total)
    }

    /// Reports the shards of `stemsim run --jobs N`: the steps of all shards together, then
    /// each shard's share done (`step 1200/2400 (50%), 2 jobs 62% 38%`).
    func update(shards: [LockstepProgress]) {
        let step = shards.reduce(0) { $0 + $1.step }
        let total = shards.reduce(0) { $0 + $1.totalSteps }
        let divergent = shards.reduce(0) { $0 + $1.divergentSteps }
        let each = shards.map { $0.totalSteps > 0 ? "\($0.step * 100 / $0.totalSteps)%" : "0%" }
        let note = ", \(shards.count) jobs " + each.joined(separator: " ")
            + (divergent > 0 ? ", \(divergent) divergent" : "")
        let done = shards.allSatisfy { $0.totalSteps > 0 && $0.step == $0.totalSteps }
        let percent = total > 0 ? step * 100 / total : 100
        show("step \(step)/\(total) (\(percent)%)\(note)", final: done)
    }

    /// Reports a sweep's progress (`stemsim sweep`).
    func update(_ progress: SweepProgress) {
        show(Self.render(progress))
    }

    /// Prints `text` as a line of its own, above the live line.
    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal && !shown.isEmpty {
            printToStandardError("\r\u{1B}[K" + "stemsim: " + text + "\n" + shown)
        } else {
            printToStandardError("stemsim: " + text + "\n")
        }
    }

    /// Removes the live line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal && !shown.isEmpty {
            printToStandardError("\r\u{1B}[K")
            shown = ""
        }
    }

    /// `sweep 12/50 points, builds 5/25, core sizes 0/25 | 16 bits, scaled auto, wrap; build AccBits=17 | 1:02 elapsed, ~2:10 left`
    /// (`~2:10+ left`: a lower bound, some kind of task has not been timed yet)
    static func render(_ p: SweepProgress) -> String {
        var parts = ["sweep \(p.pointsDone)/\(p.pointsTotal) points"]
        if p.buildsTotal > 0 { parts.append("builds \(p.buildsDone)/\(p.buildsTotal)") }
        if p.areasTotal > 0 { parts.append("core sizes \(p.areasDone)/\(p.areasTotal)") }
        var text = parts.joined(separator: ", ")
        if !p.active.isEmpty { text += " | " + p.active.joined(separator: "; ") }
        text += " | " + clock(p.elapsed) + " elapsed"
        if let remaining = p.remaining {
            text += ", ~" + clock(remaining) + (p.remainingIsPartial ? "+" : "") + " left"
        } else if p.pointsDone < p.pointsTotal || p.buildsDone < p.buildsTotal || p.areasDone < p.areasTotal {
            text += ", estimating"
        }
        return text
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total / 60) % 60, s = total % 60
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
    }

    private static func terminalWidth() -> Int {
        StandardError.terminalColumns ?? 120
    }
}
