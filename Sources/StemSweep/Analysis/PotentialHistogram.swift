import StemModel

/// The histogram of Fig. 7(a): values in equal bins over a symmetric range that is a power of
/// two wide, at least the range of the marked accumulator width, and holds every value.
public struct PotentialHistogram: Sendable, Equatable {
    /// The lower edge of the first bin (inclusive), `-half`.
    public var lower: Int64
    /// The width of every bin.
    public var binWidth: Int64
    /// Values per bin: bin `i` holds `lower + i*binWidth ..< lower + (i+1)*binWidth`.
    public var counts: [Int]
    /// The marked width and the values outside its two's-complement range.
    public var markedBits: Int
    public var outsideMarkedRange: Int
    /// All values.
    public var total: Int
    /// The smallest and largest value (0 when there are none).
    public var smallest: Int64
    public var largest: Int64

    /// `values` in `bins` bins (a power of two, at least 2).
    public init(_ values: [Int64], bins: Int = 64, markedBits: Int) {
        precondition(bins >= 2 && bins & (bins - 1) == 0, "bins must be a power of two")
        let magnitude = values.reduce(UInt64(0)) { max($0, $1.magnitude) }
        var half = Int64(1) << (markedBits - 1)
        while UInt64(half) <= magnitude { half <<= 1 }
        // Bins at least 1 wide.
        half = max(half, Int64(bins / 2))
        lower = -half
        binWidth = 2 * half / Int64(bins)
        var counts = Array(repeating: 0, count: bins)
        for v in values { counts[Int((v - lower) / binWidth)] += 1 }
        self.counts = counts
        self.markedBits = markedBits
        let range = signedRange(bits: markedBits)
        outsideMarkedRange = values.filter { !range.contains($0) }.count
        total = values.count
        smallest = values.min() ?? 0
        largest = values.max() ?? 0
    }

    /// The share of values outside the marked range, in percent.
    public var outsidePercent: Double { total == 0 ? 0 : 100 * Double(outsideMarkedRange) / Double(total) }
}
