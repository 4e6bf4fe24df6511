/// The speed ratio of two sides timed alternately, pair by pair (A B A B ...): the ratio of
/// each pair, and their median with its spread. A pair's two runs are back to back, so a
/// drift of the machine's speed (other jobs, clock changes) moves both sides of a pair alike
/// and cancels in its ratio; the median of the pairs is not pulled by an outlier as a
/// best-of-each-side ratio is (`stemsim bench`, `stemsim bench-rtl`).
public struct PairedRatio: Sendable, Equatable {
    /// The ratio of every pair, ascending.
    public let ratios: [Double]

    /// The ratios `a / b` of the pairs, in any order.
    /// - Precondition: at least one pair; every `b` nonzero.
    public init(pairs: [(a: Double, b: Double)]) {
        precondition(!pairs.isEmpty, "at least one pair")
        ratios = pairs.map { $0.a / $0.b }.sorted()
    }

    /// The median: the middle ratio, or the mean of the middle two.
    public var median: Double { Self.quantile(ratios, 0.5) }
    /// The lower and upper quartile (linear interpolation between the order statistics).
    public var lowerQuartile: Double { Self.quantile(ratios, 0.25) }
    public var upperQuartile: Double { Self.quantile(ratios, 0.75) }
    /// The smallest and the largest ratio.
    public var minimum: Double { ratios[0] }
    public var maximum: Double { ratios[ratios.count - 1] }

    /// `0.83 (median of 20 pairs; quartiles 0.82...0.84, range 0.79...0.86)`, with `places`
    /// decimals.
    public func text(places: Int) -> String {
        func f(_ value: Double) -> String { decimalText(value, places: places) }
        let count = ratios.count
        return f(median) + " (median of \(count) pair\(count == 1 ? "" : "s"); quartiles "
            + f(lowerQuartile) + "..." + f(upperQuartile) + ", range " + f(minimum) + "..." + f(maximum) + ")"
    }

    /// The `q`-quantile of ascending `values` (`q` in 0...1): position `q * (n - 1)`,
    /// interpolated between its neighbours.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty && (0...1).contains(q))
        let position = q * Double(values.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, values.count - 1)
        let fraction = position - Double(below)
        return values[below] + (values[above] - values[below]) * fraction
    }
}
