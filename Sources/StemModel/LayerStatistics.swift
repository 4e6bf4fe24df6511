/// What the golden model observed in one layer's accumulators during a run: the overflow
/// events and the extremes of the values `fit` was applied to (docs/stem-spec.md section 9).
///
/// The extremes cover `V + term` of every neuron in every step in which the layer received a
/// spike, and the accumulator-bias start value `round_shift(b, s)`, in the windows in which
/// the layer accumulates a sample. (Steps without input change nothing, so they cannot hold a
/// larger magnitude.)
public struct LayerStatistics: Sendable, Equatable {
    /// Overflow events in this layer.
    public var overflows: Int
    /// The smallest value before `fit` (0 if none).
    public var smallestPotential: Int64
    /// The largest value before `fit` (0 if none).
    public var largestPotential: Int64

    public init(overflows: Int = 0, smallestPotential: Int64 = 0, largestPotential: Int64 = 0) {
        self.overflows = overflows
        self.smallestPotential = smallestPotential
        self.largestPotential = largestPotential
    }

    /// The largest `|V|` before `fit`.
    public var peakMagnitude: Int64 {
        Int64(max(smallestPotential.magnitude, largestPotential.magnitude))
    }

    /// The smallest accumulator width that would have held every value without an overflow
    /// event.
    public var bitsNeeded: Int {
        max(StemModel.bitsNeeded(smallestPotential), StemModel.bitsNeeded(largestPotential))
    }
}
