/// A Surfer command file (`.sucl`) for a `ViewerLayout`.
///
/// Open with `surfer -c trace.sucl` (the file loads the trace itself with `load_file`), or
/// `surfer trace.vcd -c trace.sucl`. One command per line, `#` starts a comment. Commands
/// used (Surfer's command language, `docs/commands` and `libsurfer/src/command_parser.rs`):
/// - `load_file <absolute path>` (left out, with a comment, when the path holds `#` or `;`,
///   which the command file syntax would cut);
/// - `variable_add <scope.scope.name>` per signal (full dotted name, no bit range);
/// - `divider_add <word>` before each group (Surfer's divider takes one word, so the label's
///   other characters become `_`);
/// - `item_focus <index>` + `item_set_format <Unsigned|Signed|Hexadecimal>` +
///   `item_set_color <Red|...>` for each vector that needs it, then `item_unfocus`; the index
///   is the item's position counted from 0 in Surfer's letters (`a` = 0 ... `p` = 15,
///   `ba` = 16: hexadecimal digits written as `a`...`p`);
/// - `zoom_fit`, and `cursor_set <time>` when the layout has a cursor.
public struct SurferCommandFile: Hashable, Sendable {
    public var layout: ViewerLayout
    /// The waveform the file loads (written as an absolute path).
    public var waveformFile: String

    public init(layout: ViewerLayout, waveformFile: String) {
        self.layout = layout
        self.waveformFile = waveformFile
    }

    /// Surfer's index letters for a displayed item: hexadecimal digits mapped to `a`...`p`.
    public static func itemIndex(_ index: Int) -> String {
        precondition(index >= 0)
        let letters = Array("abcdefghijklmnop")
        return String(String(index, radix: 16).map { letters[Int(String($0), radix: 16)!] })
    }

    /// A divider label as one word of letters, digits and `_`.
    static func dividerWord(_ label: String) -> String {
        let word = String(label.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return word.isEmpty ? "_" : word
    }

    static func formatName(_ format: ViewerLayout.Format) -> String? {
        switch format {
        case .binary: nil
        case .unsignedDecimal: "Unsigned"
        case .signedDecimal: "Signed"
        case .hexadecimal: "Hexadecimal"
        }
    }

    static func colorName(_ color: ViewerLayout.Color) -> String {
        switch color {
        case .red: "Red"
        case .orange: "Orange"
        case .yellow: "Yellow"
        case .green: "Green"
        case .blue: "Blue"
        case .violet: "Violet"
        }
    }

    /// The file's text.
    public var text: String {
        let path = FilePaths.absolute(waveformFile)
        var lines = ["# Surfer command file written by stem-cosim StemTrace",
                     "# open with: surfer -c <this file>"]
        if path.contains("#") || path.contains(";") {
            lines.append("# (the trace's path holds '#' or ';', so load it on the command line: surfer <trace> -c <this file>)")
        } else {
            lines.append("load_file " + path)
        }
        var position = 0
        var styled: [(index: Int, signal: ViewerLayout.Signal)] = []
        func add(_ signal: ViewerLayout.Signal) {
            lines.append("variable_add " + signal.name)
            if signal.width > 1 && SurferCommandFile.formatName(signal.format) != nil || signal.color != nil {
                styled.append((position, signal))
            }
            position += 1
        }
        for item in layout.items {
            switch item {
            case let .signal(signal):
                add(signal)
            case let .group(label, signals):
                lines.append("divider_add " + SurferCommandFile.dividerWord(label))
                position += 1
                for signal in signals { add(signal) }
            }
        }
        for (index, signal) in styled {
            lines.append("item_focus " + SurferCommandFile.itemIndex(index))
            if signal.width > 1, let format = SurferCommandFile.formatName(signal.format) {
                lines.append("item_set_format " + format)
            }
            if let color = signal.color {
                lines.append("item_set_color " + SurferCommandFile.colorName(color))
            }
        }
        if !styled.isEmpty { lines.append("item_unfocus") }
        lines.append("zoom_fit")
        if let cursor = layout.cursorTime { lines.append("cursor_set \(cursor)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
