import Foundation

/// A GTKWave save file (`.gtkw`) for a `ViewerLayout`.
///
/// Open with `gtkwave trace.vcd trace.gtkw` (or `gtkwave trace.gtkw`, which loads the
/// `[dumpfile]` it names). What is written (GTKWave 3.3 syntax):
/// - `[dumpfile] "<absolute path>"`, `[timestart] <t>`, `[size] 1200 700`, and the zoom and
///   primary-marker line `*<zoom> <marker> -1 ...` (26 unnamed markers unset);
/// - a signal is its dotted full name with `[msb:lsb]` appended for vectors (GTKWave names
///   VCD vectors that way), preceded by a `@<hex>` flags line whenever the flags change:
///   `28` = binary, `24` = decimal, `420` = signed decimal, `22` = hexadecimal (each with the
///   right-justify bit `20`);
/// - a group is `@800200` / `-<label>` (group begin, blank) ... `@1000200` / `-<label>`
///   (group end, blank);
/// - a colour is `[color] <n>` before the signal (1 red, 2 orange, 3 yellow, 4 green, 5 blue,
///   7 violet);
/// - an alias is `+{<alias>} ` before the signal's name.
public struct GTKWaveSaveFile: Hashable, Sendable {
    public var layout: ViewerLayout
    /// The dump file the save file names (written as an absolute path).
    public var dumpFile: String

    public init(layout: ViewerLayout, dumpFile: String) {
        self.layout = layout
        self.dumpFile = dumpFile
    }

    /// The name GTKWave gives a VCD signal: `a.b.V[15:0]` for vectors, `a.b.spike` for bits.
    public static func traceName(of signal: ViewerLayout.Signal) -> String {
        signal.width > 1 ? "\(signal.name)[\(signal.width - 1):0]" : signal.name
    }

    /// The file's text.
    public var text: String {
        var lines: [String] = [
            "[*] GTKWave save file written by stem-cosim StemTrace",
            "[dumpfile] \"\(FilePaths.absolute(dumpFile))\"",
        ]
        let range = layout.visibleRange
        lines.append("[timestart] \(range?.lowerBound ?? 0)")
        lines.append("[size] 1200 700")
        lines.append("[pos] -1 -1")
        let zoom = range.map { GTKWaveSaveFile.zoom(toShow: $0.upperBound - $0.lowerBound) } ?? 0
        let marker = layout.cursorTime.map { String($0) } ?? "-1"
        lines.append("*" + GTKWaveSaveFile.decimal(zoom) + " " + marker + String(repeating: " -1", count: 26))
        lines.append("[sst_expanded] 1")
        lines.append("[signals_width] 300")
        var flags = ""
        func setFlags(_ value: String) {
            if value != flags {
                lines.append("@" + value)
                flags = value
            }
        }
        func emit(_ signal: ViewerLayout.Signal) {
            setFlags(GTKWaveSaveFile.flags(for: signal.format))
            if let color = signal.color { lines.append("[color] \(GTKWaveSaveFile.colorNumber(color))") }
            let alias = signal.alias.map { "+{" + $0.filter { $0 != "{" && $0 != "}" } + "} " } ?? ""
            lines.append(alias + GTKWaveSaveFile.traceName(of: signal))
        }
        for item in layout.items {
            switch item {
            case let .signal(signal):
                emit(signal)
            case let .group(label, signals):
                let name = GTKWaveSaveFile.label(label)
                setFlags("800200")
                lines.append("-" + name)
                for signal in signals { emit(signal) }
                setFlags("1000200")
                lines.append("-" + name)
            }
        }
        lines.append("[pattern_trace] 1")
        lines.append("[pattern_trace] 0")
        return lines.joined(separator: "\n") + "\n"
    }

    /// GTKWave's trace flags (hex) for a format, with the right-justify bit.
    static func flags(for format: ViewerLayout.Format) -> String {
        switch format {
        case .binary: "28"
        case .unsignedDecimal: "24"
        case .signedDecimal: "420"
        case .hexadecimal: "22"
        }
    }

    static func colorNumber(_ color: ViewerLayout.Color) -> Int {
        switch color {
        case .red: 1
        case .orange: 2
        case .yellow: 3
        case .green: 4
        case .blue: 5
        case .violet: 7
        }
    }

    /// A zoom factor that shows about `span` time units in a 1200-pixel wide window
    /// (GTKWave 3.3.118 shows 2^(-zoom) times 2.9 to 3.9 units at that size, measured; the
    /// factor 2^1.4 = 2.6 leaves a margin).
    static func zoom(toShow span: UInt64) -> Double {
        let units = Double(max(span, 1)) * 1.1
        return -(log2(units) - 1.4)
    }

    /// Group labels: GTKWave reads the rest of the line, so only line breaks are replaced.
    static func label(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    static func decimal(_ value: Double) -> String {
        // Six decimals, like GTKWave itself writes.
        let scaled = (value * 1_000_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int64(abs(scaled))
        let fraction = String(magnitude % 1_000_000)
        return sign + String(magnitude / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
