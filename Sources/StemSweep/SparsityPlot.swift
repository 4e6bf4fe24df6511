import StemModel

/// `sweep-sparsity.svg`: accuracy against SOP reduction for the sparsification settings (the
/// SDANN paper's Tables IV-VII as a plot). One series per width and scaled/overflow setting;
/// each point is one RoT/DRLO combination, labelled `r<rot> k<drlo>`, at its SOP reduction
/// against rot 0 and drlo 0 of the same series. Written when a sweep varies the sparsification
/// and has that baseline.
public enum SparsityPlot {
    /// A series: a width with a scaled/overflow setting.
    struct Series: Hashable, Comparable {
        var accBits: Int
        var scaled: ScaledIntegration
        var overflow: OverflowMode

        var label: String { "\(accBits) bits, scaled \(scaled.rawValue), \(overflow.rawValue)" }

        static func < (a: Series, b: Series) -> Bool {
            (a.accBits, a.scaled == .none ? 0 : 1, a.overflow == .wrap ? 0 : 1)
                < (b.accBits, b.scaled == .none ? 0 : 1, b.overflow == .wrap ? 0 : 1)
        }
    }

    /// The SVG text, or nil when there is nothing to plot.
    public static func svg(of document: SweepDocument) -> String? {
        let analysis = SweepAnalysis(document: document)
        guard analysis.sweepsSparsification else { return nil }
        let hasLabels = document.reference.qannCorrect != nil
        var bySeries: [Series: [(point: SweepPoint, reduction: Double, percent: Double)]] = [:]
        for point in document.points where point.status == .ok {
            let s = point.parameters.setting
            let isBaseline = s.rot == 0 && s.drlo == 0
            guard let reduction = isBaseline ? 0 : analysis.sopReductions[point.parameters],
                  let percent = AccuracyPlot.value(point, hasLabels: hasLabels) else { continue }
            bySeries[Series(accBits: point.parameters.accBits, scaled: s.scaled, overflow: s.overflow), default: []]
                .append((point, reduction * 100, percent))
        }
        guard !bySeries.isEmpty else { return nil }
        let all = bySeries.values.joined()
        let lowX = min(0, ((all.map(\.reduction).min() ?? 0) / 10).rounded(.down) * 10)
        let highX = max(10, ((all.map(\.reduction).max() ?? 0) / 10).rounded(.up) * 10)
        let smallest = all.map(\.percent).min() ?? 0
        let lowY = smallest >= 90 ? max(0, (smallest - 1).rounded(.down)) : max(0, (smallest / 10).rounded(.down) * 10 - 10)
        let highY = min(100, max(lowY + 5, ((all.map(\.percent).max() ?? 100) + 1).rounded(.up)))

        let series = bySeries.keys.sorted()
        let legendHeight = 60 + 22 * series.count + 40
        var canvas = SVGCanvas(width: 820, height: max(480, legendHeight))
        let left = 70.0, right = 560.0, top = 60.0, bottom = 410.0
        func x(_ v: Double) -> Double { left + (right - left) * (v - lowX) / (highX - lowX) }
        func y(_ v: Double) -> Double { bottom - (bottom - top) * (v - lowY) / (highY - lowY) }

        canvas.text(hasLabels ? "Accuracy against SOP reduction (RoT / DRLO)" : "Agreement with the QANN against SOP reduction",
                    x: left, y: 24, size: 16, bold: true)
        canvas.text("\(document.networkFile), \(document.key.samples) samples, sparsified layers: "
            + "\(document.key.sparsifiedLayers == .hidden ? "all but the output layer" : "all"); "
            + "reduction against rot 0, drlo 0", x: left, y: 42, size: 11, fill: "#555")
        let yStep = highY - lowY > 40 ? 10.0 : (highY - lowY > 12 ? 5.0 : 1.0)
        var v = lowY
        while v <= highY + 1e-9 {
            canvas.line(left, y(v), right, y(v), stroke: v == lowY ? "#222" : "#e4e4e4")
            canvas.text(SweepTable.fixed(v, 0), x: left - 8, y: y(v) + 4, anchor: .end)
            v += yStep
        }
        let xStep = highX - lowX > 60 ? 20.0 : 10.0
        var t = lowX
        while t <= highX + 1e-9 {
            canvas.line(x(t), bottom, x(t), bottom + 5, stroke: "#222")
            canvas.line(x(t), top, x(t), bottom, stroke: "#f0f0f0")
            canvas.text(SweepTable.fixed(t, 0), x: x(t), y: bottom + 19, anchor: .middle)
            t += xStep
        }
        canvas.line(left, top, left, bottom, stroke: "#222")
        canvas.text("SOP reduction (%)", x: (left + right) / 2, y: bottom + 42, anchor: .middle, size: 13)
        canvas.text(hasLabels ? "accuracy (%)" : "predictions equal to the QANN's (%)", x: 22, y: (top + bottom) / 2,
                    anchor: .middle, size: 13, rotate: -90)

        // Series after the first are rings of growing size, so coinciding points stay visible.
        func marker(_ index: Int) -> (radius: Double, fill: (String) -> String, stroke: (String) -> String?) {
            index == 0 ? (3.5, { $0 }, { _ in nil }) : (3.5 + 2.5 * Double(index), { _ in "none" }, { $0 })
        }
        var labels = LabelPlacer(bounds: (left, top, right, bottom))
        var legendY = top + 4
        for (index, key) in series.enumerated() {
            let color = AccuracyPlot.palette[index % AccuracyPlot.palette.count]
            let style = marker(index)
            let entries = bySeries[key]!.sorted { $0.reduction < $1.reduction }
            canvas.comment(key.label)
            for entry in entries {
                let s = entry.point.parameters.setting
                let name = "r\(s.rot.map(String.init) ?? "-") k\(s.drlo.map(String.init) ?? "-")"
                let px = x(entry.reduction), py = y(entry.percent)
                canvas.circle(px, py, radius: style.radius, fill: style.fill(color), stroke: style.stroke(color),
                              strokeWidth: 1.5,
                              title: "\(entry.point.parameters): " + SweepTable.fixed(entry.percent, 2) + "%, SOPs "
                                + "\(entry.point.sops ?? 0) (" + SweepTable.fixed(entry.reduction, 1) + "% fewer)")
                labels.mark(x: px, y: py, radius: style.radius)
                if let spot = labels.place(name, nearX: px, y: py, charWidth: 5.4, height: 10) {
                    canvas.text(name, x: spot.x, y: spot.y, size: 9, fill: "#333")
                }
            }
            canvas.circle(right + 35, legendY, radius: style.radius, fill: style.fill(color), stroke: style.stroke(color),
                          strokeWidth: 1.5)
            canvas.text(key.label, x: right + 48, y: legendY + 4, size: 12)
            legendY += 22
        }
        canvas.text("r = RoT factor, k = DRLO limit", x: right + 20, y: legendY + 8, size: 11, fill: "#555")
        return canvas.text
    }
}

/// Places point labels where they overlap neither another label nor a marker; a label with no
/// free spot nearby is left out (the point's tooltip still names it).
struct LabelPlacer {
    private var boxes: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
    private var labelled: [(text: String, x: Double, y: Double)] = []
    let bounds: (left: Double, top: Double, right: Double, bottom: Double)

    init(bounds: (Double, Double, Double, Double)) {
        self.bounds = bounds
    }

    /// Reserves the area of a marker.
    mutating func mark(x: Double, y: Double, radius: Double) {
        boxes.append((x - radius, y - radius, x + radius, y + radius))
    }

    /// A baseline position for `text` near `(x, y)`, or nil (also when the same text already
    /// labels a point at the same place).
    mutating func place(_ text: String, nearX x: Double, y: Double, charWidth: Double, height: Double) -> (x: Double, y: Double)? {
        if labelled.contains(where: { $0.text == text && abs($0.x - x) < 4 && abs($0.y - y) < 4 }) { return nil }
        labelled.append((text, x, y))
        let width = Double(text.count) * charWidth
        let offsets: [(Double, Double)] = [(6, -5), (6, 12), (-6 - width, -5), (-6 - width, 12), (6, -16), (6, 23),
                                           (-width / 2, -12), (-width / 2, 20), (-6 - width, -16), (-6 - width, 23)]
        for (dx, dy) in offsets {
            let box = (x0: x + dx, y0: y + dy - height + 2, x1: x + dx + width, y1: y + dy + 2)
            guard box.x0 >= bounds.left, box.x1 <= bounds.right, box.y0 >= bounds.top, box.y1 <= bounds.bottom else { continue }
            if boxes.contains(where: { $0.x0 < box.x1 && box.x0 < $0.x1 && $0.y0 < box.y1 && box.y0 < $0.y1 }) { continue }
            boxes.append(box)
            return (x + dx, y + dy)
        }
        return nil
    }
}
