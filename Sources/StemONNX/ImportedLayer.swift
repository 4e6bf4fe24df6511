import Foundation
import StemModel

/// One row of the import's per-layer table: what a STEM layer was made from and how exact its
/// integer requantization is.
public struct ImportedLayer: Sendable, Equatable {
    /// The STEM layer's name.
    public var name: String
    /// What it was made from (`conv`, `dense`, `add`, `pool`).
    public var kind: String
    /// Its shape.
    public var shape: Shape
    /// The scales of its input activations.
    public var inputScales: [Double]
    /// The smallest and largest weight scale (per output channel), when it has weights.
    public var weightScales: ClosedRange<Double>?
    /// The scale of its output activation.
    public var outputScale: Double
    /// The smallest and largest `m`.
    public var multipliers: ClosedRange<Int>
    /// The smallest and largest `n`.
    public var postShifts: ClosedRange<Int>
    /// The largest relative error of the integer factors (`m/2^n` and, for `add`, the weights
    /// that align the two inputs' scales) against the model's float factors.
    public var worstRelativeError: Double

    /// The table's heading.
    public static let heading = ["layer", "kind", "shape", "input scale", "weight scale", "output scale",
                                 "multiplier", "postShift", "worst rel. error"]

    /// The row's cells.
    public var cells: [String] {
        func number(_ value: Double) -> String { String(format: "%.4g", value) }
        func span<T: Comparable & CustomStringConvertible>(_ range: ClosedRange<T>, _ text: (T) -> String) -> String {
            range.lowerBound == range.upperBound ? text(range.lowerBound) : "\(text(range.lowerBound))..\(text(range.upperBound))"
        }
        return [name, kind, shape.description, inputScales.map(number).joined(separator: ", "),
                weightScales.map { span($0, number) } ?? "-", number(outputScale),
                span(multipliers) { "\($0)" }, span(postShifts) { "\($0)" }, String(format: "%.2e", worstRelativeError)]
    }
}
