import Foundation
import StemSupport
import StemSweep

/// The live progress of `stemsim sweep` on standard error: points done of all, builds and core
/// syntheses, what runs now, elapsed and estimated remaining time. On a terminal one line is
/// redrawn in place (`\r`, cut to the terminal's width, at most ten times a second);
/// otherwise a plain line is printed every ten seconds. Notes (a build finished, a point
/// failed) are lines of their own.
/// Called from the sweep's worker threads.
final class SweepProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = StandardError.isTerminal
    private var shown = ""
    private var lastPlainLine = -100.0
    private var lastDraw = -100.0

    func update(_ progress: SweepProgress) {
        lock.lock()
        defer { lock.unlock() }
        let text = Self.render(progress)
        if isTerminal {
            // At most ten redraws a second.
            guard progress.elapsed - lastDraw >= 0.1 else { return }
            let fitted = String(text.prefix(max(20, Self.terminalWidth() - 1)))
            guard fitted != shown else { return }
            lastDraw = progress.elapsed
            printToStandardError("\r" + fitted + "\u{1B}[K")
            shown = fitted
        } else if progress.elapsed - lastPlainLine >= 10 {
            lastPlainLine = progress.elapsed
            printToStandardError("stemsim: " + text + "\n")
        }
    }

    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal && !shown.isEmpty {
            printToStandardError("\r\u{1B}[K" + "stemsim: " + text + "\n" + shown)
        } else {
            printToStandardError("stemsim: " + text + "\n")
        }
    }

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
