import Foundation
import StemModel

/// A model imported from ONNX: the STEM network, how the input is quantized, and what the
/// import did (the per-layer table and notes such as the output offset).
public struct ONNXImport: Sendable {
    /// The network (format version 2).
    public var network: Network
    /// How to turn the model's float input into STEM input values.
    public var input: InputQuantization
    /// One row per STEM layer, in order.
    public var layers: [ImportedLayer]
    /// What the import changed to make the model representable (an output offset, a bias
    /// rounded to the output scale), in words.
    public var notes: [String]
    /// `qmin` of the output's quantized type: the model's quantized output is `y + outputQmin`,
    /// `y` the STEM output.
    public var outputQmin: Int64

    /// The per-layer table as aligned text.
    public var tableText: String {
        let rows = [ImportedLayer.heading] + layers.map(\.cells)
        let widths = ImportedLayer.heading.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
