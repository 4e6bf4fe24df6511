/// What the golden model observed in one layer's accumulators during a run: the overflow
/// events and the extremes of `V + term` (and of the accumulator-bias `V0`) before `fit`
/// (docs/stem-spec.md section 9).
public struct LayerStatistics: Sendable, Equatable {
    /// Overflow events in this layer.
    public var overflows: Int
    /// The smallest value seen before `fit` (0 if none).
    public var smallestPotential: Int64
    /// The largest value seen before `fit` (0 if none).
    public var largestPotential: Int64

    public init(overflows: Int = 0, smallestPotential: Int64 = 0, largestPotential: Int64 = 0) {
        self.overflows = overflows
        self.smallestPotential = smallestPotential
        self.largestPotential = largestPotential
    }

    /// The largest `|V|` before `fit`.
    public var peakMagnitude: Int64 { max(smallestPotential.magnitude, largestPotential.magnitude).toInt64 }

    /// The accumulator width that would have held every value seen without an overflow event.
    public var bitsNeeded: Int {
        max(StemModel.bitsNeeded(smallestPotential), StemModel.bitsNeeded(largestPotential))
    }
}

extension UInt64 {
    fileprivate var toInt64: Int64 { Int64(self) }
}
