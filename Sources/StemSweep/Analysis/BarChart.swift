/// A bar chart for `stemsim analyze`'s plots: one or more series of bars over the same
/// categories (grouped side by side), a y axis from 0, and optional dashed vertical markers
/// (Fig. 7(a)'s accumulator range). Written with ``SVGCanvas``.
struct BarChart {
    struct Series {
        var name: String
        var color: String
        var values: [Double]
    }

    /// A dashed vertical line at `position`, in bar units (0 = the left edge of the first
    /// category, `categories.count` = the right edge of the last).
    struct Marker {
        var position: Double
        var label: String
    }

    var title: String
    var subtitle: String
    var categories: [String]
    var series: [Series]
    var yLabel: String
    var xLabel: String
    var markers: [Marker] = []
    /// Show every n-th category label (1: all).
    var labelEvery = 1

    var svg: String {
        var canvas = SVGCanvas(width: 820, height: 480)
        let left = 80.0, right = 790.0, top = 70.0, bottom = 400.0
        let highest = series.flatMap(\.values).max() ?? 0
        let top1 = Self.niceCeiling(highest)
        func y(_ v: Double) -> Double { bottom - (bottom - top) * v / top1 }
        canvas.text(title, x: left, y: 24, size: 16, bold: true)
        canvas.text(subtitle, x: left, y: 42, size: 11, fill: "#555")
        for i in 0...5 {
            let v = top1 * Double(i) / 5
            canvas.line(left, y(v), right, y(v), stroke: i == 0 ? "#222" : "#e4e4e4")
            canvas.text(Self.label(v), x: left - 6, y: y(v) + 4, anchor: .end, size: 10)
        }
        let slot = (right - left) / Double(max(1, categories.count))
        let groupWidth = slot * 0.8
        let barWidth = groupWidth / Double(max(1, series.count))
        for (c, category) in categories.enumerated() {
            let x0 = left + slot * Double(c) + (slot - groupWidth) / 2
            for (s, item) in series.enumerated() where c < item.values.count {
                let v = item.values[c]
                canvas.rect(x0 + barWidth * Double(s), y(v), max(0.5, barWidth - 0.5), bottom - y(v), fill: item.color)
            }
            if c % labelEvery == 0 {
                canvas.text(category, x: left + slot * (Double(c) + 0.5), y: bottom + 16, anchor: .middle, size: 10)
            }
        }
        for marker in markers {
            let x = left + slot * marker.position
            canvas.line(x, top - 8, x, bottom, stroke: "#c0392b", width: 1.5, dash: "6,4")
            canvas.text(marker.label, x: x + 4, y: top - 10, size: 10, fill: "#c0392b")
        }
        canvas.text(xLabel, x: (left + right) / 2, y: bottom + 40, anchor: .middle, size: 12)
        canvas.text(yLabel, x: 20, y: (top + bottom) / 2, anchor: .middle, size: 12, rotate: -90)
        if series.count > 1 {
            for (s, item) in series.enumerated() {
                let x = left + 170 * Double(s)
                canvas.rect(x, bottom + 54, 12, 12, fill: item.color)
                canvas.text(item.name, x: x + 18, y: bottom + 64, size: 11)
            }
        }
        return canvas.text
    }

    /// 1, 2 or 5 times a power of ten, at least `v` (1 for 0).
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        var step = 1.0
        while step * 10 <= v { step *= 10 }
        while step > v { step /= 10 }
        for factor in [1.0, 2.0, 5.0, 10.0] where step * factor >= v { return step * factor }
        return step * 10
    }

    /// `1.5M`, `20k`, `0.25`, `-64k`.
    static func label(_ v: Double) -> String {
        if v < 0 { return "-" + label(-v) }
        if v >= 1e6 { return SweepTable.fixed(v / 1e6, v.truncatingRemainder(dividingBy: 1e6) == 0 ? 0 : 1) + "M" }
        if v >= 1e4 { return SweepTable.fixed(v / 1e3, 0) + "k" }
        if v >= 10 || v == 0 { return SweepTable.fixed(v, 0) }
        return SweepTable.fixed(v, v >= 1 ? 1 : 2)
    }
}
