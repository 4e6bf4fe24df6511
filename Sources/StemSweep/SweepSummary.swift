import StemModel

/// The text `stemsim sweep` prints at the end: the reference, the point counts, a loud line for
/// any RTL-vs-golden mismatch, accuracy by width per setting, the narrowest lossless width of
/// each setting and the bits scaled integration saves, and the sparsification table.
public enum SweepSummary {
    /// How this run went, beyond what the document holds.
    public struct RunCounts: Sendable, Equatable {
        /// Points run now, and points reused from the folder's earlier sweep.
        public var ran: Int
        public var reused: Int

        public init(ran: Int, reused: Int) {
            self.ran = ran
            self.reused = reused
        }
    }

    public static func text(of document: SweepDocument, counts: RunCounts? = nil, shape: String? = nil) -> String {
        let analysis = SweepAnalysis(document: document)
        let points = document.points
        var lines: [String] = []
        lines.append("sweep      \(document.networkFile)\(shape.map { " (\($0))" } ?? "") on \(document.key.samples) "
            + "samples of \(document.inputsFile), engine \(document.key.engine.rawValue)")
        let needs = document.reference.bitsNeeded.map(String.init).joined(separator: ", ")
        let widest = document.reference.bitsNeeded.max() ?? 0
        if let qann = document.reference.qannCorrect {
            lines.append("reference  QANN \(percent(qann, document.key.samples)) (\(qann)/\(document.key.samples)) at full width; "
                + "the network as given needs \(widest) bits (per layer: \(needs))")
        } else {
            lines.append("reference  no labels: a point is lossless when every prediction equals the QANN's; "
                + "the network as given needs \(widest) bits (per layer: \(needs))")
        }
        if let file = document.calibrationFile, let count = document.key.calibrationSamples {
            lines.append("calibration scaled auto chose its shifts on \(count) samples of \(file), none of them scored")
        }
        let ok = points.filter { $0.status == .ok }.count
        let infeasible = points.filter { $0.status == .infeasible }.count
        let failed = points.filter { $0.status == .failed }
        var pointLine = "points     \(points.count): \(ok) ok, \(infeasible) infeasible, \(failed.count) failed"
        if let counts {
            pointLine += "; \(counts.ran) ran now, \(counts.reused) reused from an earlier run"
            // Points of an earlier run that this run did not ask for stay in the folder.
            let kept = points.count - counts.ran - counts.reused
            if kept > 0 { pointLine += ", \(kept) kept from an earlier run (not asked for now)" }
        }
        lines.append(pointLine)
        if document.key.engine == .both {
            let mismatched = analysis.mismatchedPoints
            if mismatched.isEmpty {
                lines.append("lockstep   RTL and golden model agree on every spike and overflow count of every point that ran")
            } else {
                lines.append("MISMATCH   the RTL and the golden model DISAGREE in \(mismatched.count) point(s):")
                for point in mismatched {
                    lines.append("           \(point.parameters): \(point.mismatchSteps ?? 0) divergent steps, "
                        + "\(point.mismatchSpikes ?? 0) differing spikes, overflows golden \(point.goldenOverflows ?? -1) "
                        + "rtl \(point.rtlOverflows ?? -1)")
                }
            }
        }
        for point in failed {
            lines.append("failed     \(point.parameters): \(firstLine(point.reason))")
        }

        // Accuracy by width.
        if !analysis.settings.isEmpty {
            lines.append("")
            let hasLabels = document.reference.qannCorrect != nil
            lines.append(hasLabels ? "accuracy (%) by accumulator width (inf = infeasible, ! = RTL mismatch):"
                                   : "predictions equal to the QANN's (%) by accumulator width:")
            let names = analysis.settings.map { $0.setting.description }
            let widths = Set(points.map(\.parameters.accBits)).sorted()
            func cell(_ findings: SweepAnalysis.SettingFindings, _ width: Int) -> String {
                guard let point = findings.points.first(where: { $0.parameters.accBits == width }) else { return "" }
                switch point.status {
                case .ok:
                    let value = AccuracyPlot.value(point, hasLabels: hasLabels)
                    return (value.map { SweepTable.fixed($0, 2) } ?? "-") + (point.hasMismatch ? "!" : "")
                case .infeasible: return "inf"
                case .failed: return "failed"
                }
            }
            if names.count <= 6 {
                // One column per setting, one row per width.
                let columnWidth = max(9, (names.map(\.count).max() ?? 0) + 2)
                lines.append(pad("bits", 5) + names.map { pad($0, columnWidth, right: true) }.joined())
                for width in widths {
                    lines.append(pad(String(width), 5)
                        + analysis.settings.map { pad(cell($0, width), columnWidth, right: true) }.joined())
                }
            } else {
                // Many settings (a sparsification sweep): one row per setting, one column per width.
                let nameWidth = (names.map(\.count).max() ?? 0) + 2
                lines.append(pad("setting \\ bits", nameWidth) + widths.map { pad(String($0), 8, right: true) }.joined())
                for findings in analysis.settings {
                    lines.append(pad(findings.setting.description, nameWidth)
                        + widths.map { pad(cell(findings, $0), 8, right: true) }.joined())
                }
            }
            lines.append("")
            lines.append("narrowest width without accuracy loss against the QANN (and the width from which on no wider one loses):")
            let nameWidth = (names.map(\.count).max() ?? 0) + 2
            for findings in analysis.settings {
                var text = "  " + pad(findings.setting.description, nameWidth)
                text += findings.narrowestLossless.map { "\($0) bits" } ?? "none of the swept widths"
                var notes: [String] = []
                if let from = findings.losslessFrom { notes.append("every width from \(from)") }
                if let exact = findings.exactFrom { notes.append("outputs equal to the QANN's from \(exact)") }
                if let free = findings.overflowFreeFrom { notes.append("no overflow from \(free)") }
                if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
                lines.append(text)
            }
            for saving in analysis.savings {
                let what = "\(saving.setting.overflow.rawValue)\(saving.setting.sparsification.suffix)"
                if let bits = saving.bits {
                    var text = "scaled integration saves \(bits) bit\(bits == 1 ? "" : "s") (\(what)): narrowest lossless "
                        + "\(saving.none.narrowestLossless!) -> \(saving.auto.narrowestLossless!) bits"
                    if let every = saving.bitsEveryWidth {
                        text += "; every width lossless from \(saving.none.losslessFrom!) -> \(saving.auto.losslessFrom!) "
                            + "(\(every) bit\(every == 1 ? "" : "s"))"
                    }
                    lines.append(text)
                } else {
                    lines.append("scaled integration (\(what)): no comparison, a setting has no lossless width")
                }
            }
        }

        // Sparsification.
        if analysis.sweepsSparsification {
            lines.append("")
            lines.append("sparsification (\(document.key.sparsifiedLayers == .hidden ? "all but the output layer" : "every layer"); "
                + "SOP reduction against rot 0, drlo 0 of the same width and setting):")
            lines.append(pad("bits", 6) + pad("setting", 24) + pad("rot", 5, right: true) + pad("drlo", 6, right: true)
                + pad("accuracy", 10, right: true) + pad("QANN", 8, right: true) + pad("SOPs", 12, right: true)
                + pad("reduction", 11, right: true))
            let ordered = points.filter { $0.status == .ok }.sorted {
                let a = $0.parameters, b = $1.parameters
                return (a.accBits, a.setting.overflow.rawValue, a.setting.scaled.rawValue, a.setting.sparsification.rot ?? -1,
                        a.setting.sparsification.drlo ?? -1)
                    < (b.accBits, b.setting.overflow.rawValue, b.setting.scaled.rawValue, b.setting.sparsification.rot ?? -1,
                       b.setting.sparsification.drlo ?? -1)
            }
            for point in ordered {
                let p = point.parameters
                let reduction = analysis.sopReductions[p] ?? (p.setting.rot == 0 && p.setting.drlo == 0 ? 0 : nil)
                lines.append(pad(String(p.accBits), 6) + pad("\(p.setting.scaled.rawValue), \(p.setting.overflow.rawValue)", 24)
                    + pad(p.setting.rot.map(String.init) ?? "-", 5, right: true)
                    + pad(p.setting.drlo.map(String.init) ?? "-", 6, right: true)
                    + pad(point.accuracy.map { SweepTable.fixed($0 * 100, 2) } ?? "-", 10, right: true)
                    + pad(point.qannAccuracy.map { SweepTable.fixed($0 * 100, 2) } ?? "-", 8, right: true)
                    + pad(point.sops.map(String.init) ?? "-", 12, right: true)
                    + pad(reduction.map { SweepTable.fixed($0 * 100, 1) + "%" } ?? "-", 11, right: true))
            }
        }
        return lines.joined(separator: "\n")
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        SweepTable.fixed(whole > 0 ? 100 * Double(part) / Double(whole) : 0, 2) + "%"
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }

    static func firstLine(_ text: String?) -> String {
        guard let text else { return "" }
        return text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
    }
}
