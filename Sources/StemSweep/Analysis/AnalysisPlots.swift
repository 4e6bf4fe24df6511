import StemModel

/// The SVG plots of `stemsim analyze`, each drawn from the same numbers as its CSV file
/// (``AnalysisTables``).
public enum AnalysisPlots {
    static func subtitle(_ a: NetworkAnalysis) -> String {
        "\(a.configuration.networkFile) (\(a.network.layerSummary)), \(a.samples) samples"
    }

    /// `fig7a-potentials.svg`: the histogram of the first dense layer's window-end potentials
    /// without scaled integration, with the marked accumulator's range.
    public static func potentials(_ a: NetworkAnalysis) -> String {
        let h = AnalysisTables.histogram(a)
        let half = Double(Int64(1) << (h.markedBits - 1))
        let unit = Double(h.binWidth)
        let lowerMarker = (-half - Double(h.lower)) / unit, upperMarker = (half - Double(h.lower)) / unit
        let categories = h.counts.indices.map { i in BarChart.label(Double(h.lower + Int64(i) * h.binWidth)) }
        let chart = BarChart(
            title: "Fig. 7(a): potentials of \(a.layerNames[a.sumsLayer]) without scaled integration",
            subtitle: subtitle(a) + "; \(h.outsideMarkedRange) of \(h.total) values ("
                + AnalysisTables.fixed(h.outsidePercent, 2) + "%) outside the \(h.markedBits)-bit range",
            categories: categories.map { $0.hasPrefix("-") ? "−" + $0.dropFirst() : $0 },
            series: [.init(name: "values", color: "#2e86c1", values: h.counts.map(Double.init))],
            yLabel: "values (neurons x samples)", xLabel: "potential at the end of the window (bin lower edge)",
            markers: [.init(position: lowerMarker, label: "-2^\(h.markedBits - 1)"),
                      .init(position: upperMarker, label: "2^\(h.markedBits - 1)")],
            labelEvery: max(1, h.counts.count / 8))
        return chart.svg
    }

    /// `fig8-bits.svg`: the share of the Fig. 8 layer's values with each bit set, most
    /// significant bit first.
    public static func bits(_ a: NetworkAnalysis) -> String {
        let l = a.bitsLayer, B = a.network.timeSteps
        let positions = Array((0..<B).reversed())
        let values = Double(max(1, a.profile.valueCounts[l]))
        let chart = BarChart(
            title: "Fig. 8: 1-bits per bit position, \(a.layerNames[l]) (\(a.network.shape(ofLayer: l)))",
            subtitle: subtitle(a),
            categories: positions.map { "bit \($0)" },
            series: [.init(name: a.layerNames[l], color: "#27ae60",
                           values: positions.map { Double(a.profile.onesPerBit[l][$0]) / values })],
            yLabel: "share of values with the bit set", xLabel: "bit position (bit \(B - 1) is sent first)")
        return chart.svg
    }

    /// `fig12-sops.svg`: SOPs per sample caused by each layer's spikes.
    public static func sops(_ a: NetworkAnalysis) -> String {
        let p = a.profile, S = Double(a.samples)
        let layers = Array(0..<a.network.depth)
        let chart = BarChart(
            title: "Fig. 12: SOPs per sample by the layer whose spikes cause them",
            subtitle: subtitle(a) + "; total " + BarChart.label(Double(p.totalSOPs) / S) + ", without input and output "
                + BarChart.label(Double(p.hiddenSOPs) / S),
            categories: layers.map { a.layerNames[$0] },
            series: [.init(name: "SOPs", color: "#8e44ad", values: layers.map { Double(p.sops[$0]) / S })],
            yLabel: "SOPs per sample", xLabel: "layer (the output layer's spikes go to the host: no SOPs)")
        return chart.svg
    }

    /// `energy.svg` (Table IX): energy per sample of the quantized ANN and the SDANN.
    public static func energy(_ a: NetworkAnalysis) -> String {
        let rows = AnalysisTables.energyRows(a)
        let e = a.configuration.energy
        let chart = BarChart(
            title: "Table IX: energy per sample",
            subtitle: subtitle(a) + "; " + SweepTable.fixed(e.sopPicojoules, 3) + " pJ per SOP, "
                + SweepTable.fixed(e.macPicojoules, 3) + " pJ per MAC" + (e == .paper ? " (8-bit add / 8-bit MAC, 45 nm)" : ""),
            categories: rows.map(\.name),
            series: [.init(name: "energy", color: "#d35400", values: rows.map { $0.operations * $0.picojoules / 1e3 })],
            yLabel: "nanojoules per sample", xLabel: "")
        return chart.svg
    }

    /// `sparsity.svg` (Tables IV-VIII): accuracy against the SOP reduction (without the input
    /// layer) for RoT `r` and DRLO `K` on every hidden layer, and the hybrid search's path.
    public static func sparsity(_ a: NetworkAnalysis) -> String {
        let B = a.network.timeSteps
        let rot = a.rot.enumerated().map { ("r\($0 + 1)", $1) }
        let drlo = a.drlo.enumerated().map { ("k\(B - 1 - $0)", $1) }
        let path = [("start", a.baseline)] + a.hybrid.map { ("\($0.number)", $0.outcome) }
        let all = (rot + drlo + path).map(\.1)
        let xs = all.map { $0.hiddenReductionPercent(against: a.baseline) }
        let ys = all.map(\.accuracyPercent)
        let lowX = min(0, ((xs.min() ?? 0) / 10).rounded(.down) * 10), highX = max(10, ((xs.max() ?? 0) / 10).rounded(.up) * 10)
        let lowY = max(0, (((ys.min() ?? 0) - 1) / 5).rounded(.down) * 5), highY = min(100, ((ys.max() ?? 100) + 1).rounded(.up))
        var canvas = SVGCanvas(width: 820, height: 500)
        let left = 70.0, right = 600.0, top = 60.0, bottom = 420.0
        func x(_ v: Double) -> Double { left + (right - left) * (v - lowX) / (highX - lowX) }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * (v - lowY) / max(1e-9, highY - lowY) }
        canvas.text("Tables IV-VIII: accuracy against SOP reduction (RoT, DRLO, hybrid)", x: left, y: 24, size: 16, bold: true)
        canvas.text(subtitle(a) + "; reduction without the input layer, against no sparsification", x: left, y: 42,
                    size: 11, fill: "#555")
        for i in 0...5 {
            let vy = lowY + (highY - lowY) * Double(i) / 5, vx = lowX + (highX - lowX) * Double(i) / 5
            canvas.line(left, y(vy), right, y(vy), stroke: i == 0 ? "#222" : "#e4e4e4")
            canvas.text(SweepTable.fixed(vy, 1), x: left - 6, y: y(vy) + 4, anchor: .end, size: 10)
            canvas.line(x(vx), top, x(vx), bottom, stroke: i == 0 ? "#222" : "#f0f0f0")
            canvas.text(SweepTable.fixed(vx, 0) + "%", x: x(vx), y: bottom + 16, anchor: .middle, size: 10)
        }
        let limit = a.baseline.accuracyPercent - a.configuration.maxLoss
        if limit >= lowY {
            canvas.line(left, y(limit), right, y(limit), stroke: "#c0392b", dash: "6,4")
            canvas.text("max loss " + SweepTable.fixed(a.configuration.maxLoss, 2) + " points", x: right - 4, y: y(limit) - 4,
                        anchor: .end, size: 10, fill: "#c0392b")
        }
        let groups: [(String, String, [(String, SparsityOutcome)])] = [
            ("RoT r on every hidden layer", "#2e86c1", rot), ("DRLO K on every hidden layer", "#27ae60", drlo),
            ("hybrid search path", "#d35400", path),
        ]
        for (index, (name, color, points)) in groups.enumerated() {
            let coordinates = points.map { (x($0.1.hiddenReductionPercent(against: a.baseline)), y($0.1.accuracyPercent)) }
            canvas.polyline(coordinates, stroke: color, width: 1.5)
            for ((label, o), (px, py)) in zip(points, coordinates) {
                canvas.circle(px, py, radius: 4, fill: color, title: "\(label): " + SweepTable.fixed(o.accuracyPercent, 2) + "%, "
                    + SweepTable.fixed(o.hiddenReductionPercent(against: a.baseline), 2) + "% fewer SOPs")
                canvas.text(label, x: px + 5, y: py - 5, size: 9, fill: color)
            }
            canvas.rect(620, top + 22 * Double(index), 12, 12, fill: color)
            canvas.text(name, x: 638, y: top + 22 * Double(index) + 10, size: 11)
        }
        canvas.text("SOP reduction (%)", x: (left + right) / 2, y: bottom + 38, anchor: .middle, size: 12)
        canvas.text(a.hasLabels ? "accuracy (%)" : "agreement with the unsparsified network (%)", x: 20, y: (top + bottom) / 2,
                    anchor: .middle, size: 12, rotate: -90)
        return canvas.text
    }
}
