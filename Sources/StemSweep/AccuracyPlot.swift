import StemModel

/// `sweep.svg`: accuracy against accumulator bits, one line per setting (scaled integration,
/// overflow mode, sparsification), the quantized ANN at full width as a dashed reference line.
/// Points that failed or are infeasible are crosses on the x axis; a point where the RTL and
/// the golden model disagreed has a red ring. Without labels the y axis is the share of
/// predictions equal to the QANN's.
public enum AccuracyPlot {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                          "#17becf", "#7f7f7f", "#bcbd22"]

    /// The SVG text.
    public static func svg(of document: SweepDocument) -> String {
        let analysis = SweepAnalysis(document: document)
        let hasLabels = document.reference.qannCorrect != nil
        let legendHeight = 60 + 36 * analysis.settings.count + 80
        let sizes = coreSizes(document)
        var canvas = SVGCanvas(width: 820, height: max(sizes.isEmpty ? 480 : 660, legendHeight))
        let left = 70.0, right = 560.0, top = 60.0, bottom = 410.0
        let widths = document.points.map(\.parameters.accBits)
        var low = widths.min() ?? 8
        var high = widths.max() ?? 32
        if low == high { low -= 1; high += 1 }
        func x(_ bits: Int) -> Double { left + (right - left) * Double(bits - low) / Double(high - low) }
        func y(_ percent: Double) -> Double { bottom - (bottom - top) * percent / 100 }

        let title = hasLabels ? "Accuracy against accumulator width" : "Agreement with the QANN against accumulator width"
        canvas.text(title, x: left, y: 24, size: 16, bold: true)
        canvas.text("\(document.networkFile), \(document.key.samples) samples of \(document.inputsFile), "
            + "engine \(document.key.engine.rawValue)", x: left, y: 42, size: 11, fill: "#555")

        // Grid, ticks and labels.
        for p in stride(from: 0, through: 100, by: 10) {
            canvas.line(left, y(Double(p)), right, y(Double(p)), stroke: p == 0 ? "#222" : "#e4e4e4")
            canvas.text("\(p)", x: left - 8, y: y(Double(p)) + 4, anchor: .end)
        }
        let span = high - low
        let step = span <= 12 ? 1 : (span <= 26 ? 2 : 4)
        var tick = low
        while tick <= high {
            canvas.line(x(tick), bottom, x(tick), bottom + 5, stroke: "#222")
            canvas.line(x(tick), top, x(tick), bottom, stroke: "#f0f0f0")
            canvas.text("\(tick)", x: x(tick), y: bottom + 19, anchor: .middle)
            tick += step
        }
        canvas.line(left, top, left, bottom, stroke: "#222")
        canvas.text("accumulator bits (AccBits)", x: (left + right) / 2, y: bottom + 42, anchor: .middle, size: 13)
        canvas.text(hasLabels ? "accuracy (%)" : "predictions equal to the QANN's (%)", x: 22, y: (top + bottom) / 2,
                    anchor: .middle, size: 13, rotate: -90)

        // QANN reference lines, one per sparsification.
        var references: [Sparsification: Double] = [:]
        for point in document.points where point.status == .ok {
            if let qann = point.qannAccuracy {
                references[point.parameters.setting.sparsification] = qann * 100
            } else if !hasLabels {
                references[point.parameters.setting.sparsification] = 100
            }
        }
        let several = references.count > 1
        for (sparsification, percent) in references.sorted(by: { $0.key < $1.key }) {
            canvas.line(left, y(percent), right, y(percent), stroke: "#555", width: 1.2, dash: "6 4")
            let label = "QANN, full width: " + SweepTable.fixed(percent, 2) + "%"
                + (several ? " (\(sparsification.label))" : "")
            canvas.text(label, x: right - 4, y: y(percent) - 5, anchor: .end, size: 11, fill: "#444")
        }

        // One line per setting.
        var legendY = top + 4
        var anyCross = false
        var anyMismatch = false
        for (index, findings) in analysis.settings.enumerated() {
            let color = palette[index % palette.count]
            let dash: String? = findings.setting.overflow == .saturate ? "7 3" : nil
            var segment: [(Double, Double)] = []
            var segments: [[(Double, Double)]] = []
            for point in findings.points {
                guard point.status == .ok, let percent = value(point, hasLabels: hasLabels) else {
                    if !segment.isEmpty { segments.append(segment); segment = [] }
                    continue
                }
                segment.append((x(point.parameters.accBits), y(percent)))
            }
            if !segment.isEmpty { segments.append(segment) }
            canvas.comment(findings.setting.description)
            for s in segments { canvas.polyline(s, stroke: color, dash: dash) }
            for point in findings.points {
                let px = x(point.parameters.accBits)
                let label = "\(point.parameters): "
                guard point.status == .ok, let percent = value(point, hasLabels: hasLabels) else {
                    anyCross = true
                    canvas.cross(px, bottom, size: 4, stroke: color,
                                 title: label + point.status.rawValue + (point.reason.map { ": " + $0 } ?? ""))
                    continue
                }
                if point.hasMismatch {
                    anyMismatch = true
                    canvas.circle(px, y(percent), radius: 7, fill: "none", stroke: "#e00000", strokeWidth: 2.5)
                }
                canvas.circle(px, y(percent), radius: 3, fill: color,
                              title: label + SweepTable.fixed(percent, 2) + "%, \(point.overflows ?? 0) overflows")
            }
            // Legend entry.
            canvas.line(right + 20, legendY, right + 50, legendY, stroke: color, width: 2, dash: dash)
            canvas.circle(right + 35, legendY, radius: 3, fill: color)
            canvas.text(findings.setting.description, x: right + 58, y: legendY + 4, size: 12)
            var note = "narrowest lossless: "
            note += findings.narrowestLossless.map { "\($0) bits" } ?? "none"
            if let from = findings.losslessFrom, from != findings.narrowestLossless { note += " (all from \(from))" }
            canvas.text(note, x: right + 58, y: legendY + 18, size: 10, fill: "#555")
            legendY += 36
        }
        canvas.line(right + 20, legendY, right + 50, legendY, stroke: "#555", width: 1.2, dash: "6 4")
        canvas.text("quantized ANN (reference)", x: right + 58, y: legendY + 4, size: 12)
        legendY += 22
        if anyCross {
            canvas.cross(right + 35, legendY, size: 4, stroke: "#555")
            canvas.text("failed or infeasible", x: right + 58, y: legendY + 4, size: 12)
            legendY += 22
        }
        if anyMismatch {
            canvas.circle(right + 35, legendY, radius: 7, fill: "none", stroke: "#e00000", strokeWidth: 2.5)
            canvas.text("RTL and golden disagree", x: right + 58, y: legendY + 4, size: 12)
        }
        if !sizes.isEmpty {
            drawCoreSizes(sizes, into: &canvas, x: x, low: low, high: high, step: step, left: left, right: right)
        }
        return canvas.text
    }

    /// The core cell count per overflow mode and width.
    static func coreSizes(_ document: SweepDocument) -> [OverflowMode: [Int: Int]] {
        var result: [OverflowMode: [Int: Int]] = [:]
        for point in document.points {
            if let cells = point.area?.cells { result[point.parameters.setting.overflow, default: [:]][point.parameters.accBits] = cells }
        }
        return result
    }

    /// A lower panel: one core's cells against the width (the hardware cost of each point).
    static func drawCoreSizes(_ sizes: [OverflowMode: [Int: Int]], into canvas: inout SVGCanvas, x: (Int) -> Double,
                              low: Int, high: Int, step: Int, left: Double, right: Double) {
        let top = 490.0, bottom = 610.0
        let all = sizes.values.flatMap(\.values)
        let unit = 1000.0
        var lowCells = ((Double(all.min()!) / unit).rounded(.down)) * unit
        var highCells = ((Double(all.max()!) / unit).rounded(.up)) * unit
        if highCells - lowCells < 2 * unit { lowCells -= unit; highCells += unit }
        func y(_ cells: Double) -> Double { bottom - (bottom - top) * (cells - lowCells) / (highCells - lowCells) }
        canvas.text("Core size: cells of one stem_core (Yosys generic gates and flip-flops, memories excluded)",
                    x: left, y: top - 12, size: 12, bold: true)
        let thousands = Int(((highCells - lowCells) / unit).rounded())
        let divisions = thousands <= 6 ? thousands : (thousands % 2 == 0 && thousands <= 12 ? thousands / 2 : 4)
        for i in 0...divisions {
            let v = lowCells + (highCells - lowCells) * Double(i) / Double(divisions)
            canvas.line(left, y(v), right, y(v), stroke: i == 0 ? "#222" : "#e4e4e4")
            canvas.text(SweepTable.fixed(v / 1000, 1) + "k", x: left - 8, y: y(v) + 4, anchor: .end)
        }
        var tick = low
        while tick <= high {
            canvas.line(x(tick), bottom, x(tick), bottom + 5, stroke: "#222")
            canvas.text("\(tick)", x: x(tick), y: bottom + 19, anchor: .middle)
            tick += step
        }
        canvas.line(left, top, left, bottom, stroke: "#222")
        canvas.text("accumulator bits (AccBits)", x: (left + right) / 2, y: bottom + 40, anchor: .middle, size: 13)
        var legendY = top + 4
        for (index, mode) in OverflowMode.allCases.enumerated() {
            guard let cells = sizes[mode] else { continue }
            let color = index == 0 ? "#444" : "#b35900"
            let dash: String? = mode == .saturate ? "7 3" : nil
            let points = cells.keys.sorted().map { (x($0), y(Double(cells[$0]!))) }
            canvas.polyline(points, stroke: color, width: 1.5, dash: dash)
            for bits in cells.keys.sorted() {
                canvas.circle(x(bits), y(Double(cells[bits]!)), radius: 2.5, fill: color,
                              title: "\(bits) bits, \(mode.rawValue): \(cells[bits]!) cells")
            }
            canvas.line(right + 20, legendY, right + 50, legendY, stroke: color, width: 1.5, dash: dash)
            canvas.text("core cells, \(mode.rawValue)", x: right + 58, y: legendY + 4, size: 12)
            legendY += 22
        }
    }

    /// The y value of a point in percent.
    static func value(_ point: SweepPoint, hasLabels: Bool) -> Double? {
        if hasLabels { return point.accuracy.map { $0 * 100 } }
        return point.qannAgreement.map { 100 * Double($0) / Double(point.samples) }
    }
}
