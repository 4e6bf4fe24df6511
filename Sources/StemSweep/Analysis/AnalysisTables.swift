import StemModel

/// The CSV files of `stemsim analyze` (RFC 4180, as ``SweepTable``): the numbers behind each
/// plot. Per-sample figures are totals divided by the samples; percentages have 4 decimals.
public enum AnalysisTables {
    static func fixed(_ v: Double, _ digits: Int = 4) -> String { SweepTable.fixed(v, digits) }
    static func csv(_ rows: [[String]]) -> String {
        rows.map { $0.map(SweepTable.quoted).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// `summary.csv`: `quantity,value` rows naming the inputs and the headline figures.
    public static func summary(_ a: NetworkAnalysis) -> String {
        let h = histogram(a)
        let hybrid = a.hybridResult
        let rows: [[String]] = [
            ["quantity", "value"],
            ["network", a.configuration.networkFile], ["inputs", a.configuration.inputsFile],
            ["samples", String(a.samples)], ["shape", a.network.layerSummary],
            ["accuracy_basis", a.hasLabels ? "labels" : "agreement with the unsparsified network"],
            ["baseline_correct", String(a.baseline.correct)], ["baseline_accuracy_percent", fixed(a.baseline.accuracyPercent)],
            ["baseline_overflows", String(a.profile.overflows)],
            ["fig7a_layer", a.layerNames[a.sumsLayer]], ["fig7a_values", String(h.total)],
            ["fig7a_min", String(h.smallest)], ["fig7a_max", String(h.largest)],
            ["fig7a_marked_bits", String(h.markedBits)], ["fig7a_outside_marked_range", String(h.outsideMarkedRange)],
            ["fig7a_outside_marked_range_percent", fixed(h.outsidePercent)],
            ["fig7a_bits_needed_over_all_steps", String(a.sumsBitsNeeded)],
            ["fig8_layer", a.layerNames[a.bitsLayer]],
            ["sops_per_sample_all", fixed(Double(a.baseline.totalSOPs) / Double(a.samples))],
            ["sops_per_sample_without_input_output", fixed(Double(a.baseline.hiddenSOPs) / Double(a.samples))],
            ["max_loss_points", fixed(a.configuration.maxLoss)],
            ["hybrid_settings", hybrid.settingsText(names: a.sparsifiedLayers.map { a.layerNames[$0] })],
            ["hybrid_accuracy_percent", fixed(hybrid.accuracyPercent)],
            ["hybrid_reduction_all_percent", fixed(hybrid.totalReductionPercent(against: a.baseline))],
            ["hybrid_reduction_without_input_output_percent", fixed(hybrid.hiddenReductionPercent(against: a.baseline))],
        ]
        return csv(rows)
    }

    /// The histogram of Fig. 7(a).
    public static func histogram(_ a: NetworkAnalysis) -> PotentialHistogram {
        PotentialHistogram(a.sums, markedBits: a.configuration.markedBits)
    }

    /// `fig7a-potentials.csv`: `bin_low` (inclusive), `bin_high` (exclusive), `count`.
    public static func potentials(_ a: NetworkAnalysis) -> String {
        let h = histogram(a)
        var rows = [["bin_low", "bin_high", "count"]]
        for (i, count) in h.counts.enumerated() {
            let low = h.lower + Int64(i) * h.binWidth
            rows.append([String(low), String(low + h.binWidth), String(count)])
        }
        return csv(rows)
    }

    /// `fig8-bits.csv`: per layer and bit position (0 = least significant), the values with
    /// that bit set, all values, and the fraction.
    public static func bits(_ a: NetworkAnalysis) -> String {
        var rows = [["layer", "name", "bit", "ones", "values", "fraction"]]
        for l in 0...a.network.depth {
            for b in stride(from: a.network.timeSteps - 1, through: 0, by: -1) {
                let ones = a.profile.onesPerBit[l][b], values = a.profile.valueCounts[l]
                rows.append([String(l), a.layerNames[l], String(b), String(ones), String(values),
                             fixed(Double(ones) / Double(max(1, values)), 6)])
            }
        }
        return csv(rows)
    }

    /// `fig12-sops.csv`: per layer its spikes and the SOPs they cost, per sample, and each
    /// layer's share of the two totals; then the totals with and without the input and output
    /// layers.
    public static func sops(_ a: NetworkAnalysis) -> String {
        let p = a.profile, S = Double(a.samples)
        let all = Double(max(1, p.totalSOPs)), hidden = Double(max(1, p.hiddenSOPs))
        var rows = [["layer", "name", "spikes", "spikes_per_sample", "sops", "sops_per_sample", "share_all_percent",
                     "share_without_input_output_percent"]]
        for l in 0...a.network.depth {
            let isCounted = l > 0 && l < a.network.depth
            rows.append([String(l), a.layerNames[l], String(p.spikes[l]), fixed(Double(p.spikes[l]) / S),
                         String(p.sops[l]), fixed(Double(p.sops[l]) / S), fixed(100 * Double(p.sops[l]) / all),
                         isCounted ? fixed(100 * Double(p.sops[l]) / hidden) : ""])
        }
        rows.append(["all", "total", String(p.spikes.reduce(0, +)), fixed(Double(p.spikes.reduce(0, +)) / S),
                     String(p.totalSOPs), fixed(Double(p.totalSOPs) / S), fixed(100), ""])
        let hiddenSpikes = p.spikes.dropFirst().dropLast().reduce(0, +)
        rows.append(["hidden", "total without input and output layers", String(hiddenSpikes), fixed(Double(hiddenSpikes) / S),
                     String(p.hiddenSOPs), fixed(Double(p.hiddenSOPs) / S), fixed(100 * Double(p.hiddenSOPs) / all),
                     fixed(100)])
        return csv(rows)
    }

    /// `sparsity.csv` (Tables IV-VIII): the baseline, RoT `r` on every hidden layer, DRLO `K` on
    /// every hidden layer, and the hybrid result, with accuracy and SOP reduction counted both
    /// ways.
    public static func sparsity(_ a: NetworkAnalysis) -> String {
        var rows = [["table", "method", "value", "settings", "correct", "accuracy_percent", "loss_points",
                     "sops_per_sample_all", "reduction_all_percent", "sops_per_sample_without_input_output",
                     "reduction_without_input_output_percent"]]
        let names = a.sparsifiedLayers.map { a.layerNames[$0] }
        func row(_ table: String, _ method: String, _ value: String, _ o: SparsityOutcome) -> [String] {
            let S = Double(a.samples)
            return [table, method, value, o.settingsText(names: names), String(o.correct), fixed(o.accuracyPercent),
                    fixed(o.lossPoints(against: a.baseline)), fixed(Double(o.totalSOPs) / S),
                    fixed(o.totalReductionPercent(against: a.baseline)), fixed(Double(o.hiddenSOPs) / S),
                    fixed(o.hiddenReductionPercent(against: a.baseline))]
        }
        rows.append(row("-", "none", "0", a.baseline))
        for (i, o) in a.rot.enumerated() { rows.append(row("IV-V", "rot", String(i + 1), o)) }
        let B = a.network.timeSteps
        for (i, o) in a.drlo.enumerated() { rows.append(row("VI-VII", "drlo", String(B - 1 - i), o)) }
        rows.append(row("VIII", "hybrid", "max loss " + fixed(a.configuration.maxLoss, 2), a.hybridResult))
        return csv(rows)
    }

    /// `hybrid-search.csv`: the search's accepted steps.
    public static func hybridSearch(_ a: NetworkAnalysis) -> String {
        var rows = [["step", "changed_layer", "settings", "candidates", "accuracy_percent", "loss_points",
                     "reduction_all_percent", "reduction_without_input_output_percent"]]
        let names = a.sparsifiedLayers.map { a.layerNames[$0] }
        rows.append(["0", "", a.baseline.settingsText(names: names), "0", fixed(a.baseline.accuracyPercent), fixed(0),
                     fixed(0), fixed(0)])
        for step in a.hybrid {
            let o = step.outcome
            rows.append([String(step.number), names[step.layerIndex], o.settingsText(names: names), String(step.candidates),
                         fixed(o.accuracyPercent), fixed(o.lossPoints(against: a.baseline)),
                         fixed(o.totalReductionPercent(against: a.baseline)),
                         fixed(o.hiddenReductionPercent(against: a.baseline))])
        }
        return csv(rows)
    }

    /// The rows of Table IX: the quantized ANN's MACs, and the SDANN's SOPs without and with
    /// the hybrid sparsification, per sample, with the energy.
    public static func energyRows(_ a: NetworkAnalysis) -> [(name: String, operations: Double, picojoules: Double)] {
        let S = Double(a.samples), e = a.configuration.energy
        return [("quantized ANN (MACs)", Double(a.macsPerSample), e.macPicojoules),
                ("SDANN (SOPs)", Double(a.baseline.totalSOPs) / S, e.sopPicojoules),
                ("SDANN hybrid RoT/DRLO (SOPs)", Double(a.hybridResult.totalSOPs) / S, e.sopPicojoules)]
    }

    /// `energy.csv` (Table IX): operations per sample, picojoules per operation, microjoules per
    /// sample, the ratio to the quantized ANN, and where the constants come from.
    public static func energy(_ a: NetworkAnalysis) -> String {
        var rows = [["model", "operations_per_sample", "pj_per_operation", "energy_uj_per_sample", "ratio_to_qann", "source"]]
        let entries = energyRows(a)
        let qann = entries[0].operations * entries[0].picojoules
        for entry in entries {
            let pj = entry.operations * entry.picojoules
            rows.append([entry.name, fixed(entry.operations, 2), fixed(entry.picojoules, 6), fixed(pj * 1e-6, 9),
                         fixed(qann > 0 ? pj / qann : 0, 6), a.configuration.energy.source])
        }
        return csv(rows)
    }
}
