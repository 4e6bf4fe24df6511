import StemModel

/// Chooses scaled-integration shifts for an accumulator width (SDANN Eq. 16-19): per layer, the
/// smallest shift `s` that keeps every `V` inside `accumulatorBits` on the given samples, with
/// the requantization corrected so that the layer's overall scale stays the same.
///
/// With shift `s`, `V` holds the window's sum divided by `2^s` (each step's term rounded), so the
/// requantization factor `m / 2^n` must grow by `2^s`: `n` becomes `n - s` when `n >= s`, else
/// `n` becomes 0 and `m` becomes `m * 2^(s-n)`, which must stay within 16 bits (`m <= 65535`);
/// otherwise the width is infeasible. An accumulator bias is shifted by the hardware itself
/// (`V0 = round_shift(b, s)`); an output bias is added after requantization and needs nothing.
///
/// Layers are decided in order, each with golden runs of the network up to that layer, since a
/// layer's `V` depends on the values the layers before it send (which their shifts change):
/// 1. run with this layer at shift 0 and a 48-bit accumulator, and take the width its largest
///    `|V|` needs, `b`; the first candidate is `s = max(0, b - accumulatorBits)`;
/// 2. run with the candidate shift; if the per-step rounding still pushes a value outside
///    `accumulatorBits`, take `s + 1` and run again.
/// The earlier layers have been checked to stay inside `accumulatorBits`, so running them in a
/// 48-bit accumulator gives exactly the values they have in the narrow one.
public struct ScaledIntegrationPlanner: Sendable {
    /// The samples the largest `|V|` is taken over.
    public let samples: [[Int64]]

    /// The outcome for one width.
    public enum Plan: Sendable, Equatable {
        /// The network with the chosen shifts and corrected requantization (its
        /// `accumulatorBits` and `overflow` are those of the network given).
        case feasible(Network)
        /// No shift within the limits keeps `V` inside the width with the scale kept.
        case infeasible(reason: String)
    }

    public init(samples: [[Int64]]) {
        self.samples = samples
    }

    /// The plan for `network` (every layer at shift 0) at its `accumulatorBits`.
    /// - Throws: ``EngineError`` if a golden run fails, ``FormatError`` if a derived network is
    ///   invalid (neither happens for a valid network and samples).
    public func plan(_ network: Network) throws -> Plan {
        let width = network.accumulatorBits
        var result = network
        for l in 1...network.depth {
            let original = network.layers[l - 1]
            precondition(original.shift == 0, "scaled integration starts from shift 0")
            var shift = max(0, try bitsNeeded(result, layer: l) - width)
            while shift > 0 {
                if shift > Network.Limits.shift.upperBound {
                    return .infeasible(reason: "layer \(l) needs a shift of \(shift) to fit \(width) bits "
                        + "(at most \(Network.Limits.shift.upperBound))")
                }
                guard let layer = Self.scaled(original, by: shift) else {
                    return .infeasible(reason: "layer \(l) needs shift \(shift), and multiplier \(original.multiplier) "
                        + "* 2^\(shift - original.postShift) (postShift \(original.postShift) absorbs only "
                        + "\(original.postShift)) exceeds \(Network.Limits.multiplier.upperBound)")
                }
                result.layers[l - 1] = layer
                if try bitsNeeded(result, layer: l) <= width { break }
                shift += 1
            }
        }
        try result.validate(file: "<scaled network>")
        return .feasible(result)
    }

    /// `layer` with shift `s` and its requantization corrected, or nil if the multiplier would
    /// not fit 16 bits. A layer with per-channel `multiplier`/`postShift` arrays has every
    /// channel's pair corrected the same way.
    public static func scaled(_ layer: Layer, by s: Int) -> Layer? {
        var result = layer
        result.shift = s
        guard !layer.hasScalarRequantization else {
            guard let (m, n) = corrected(layer.multiplier, layer.postShift, by: s) else { return nil }
            result.multiplier = m
            result.postShift = n
            return result
        }
        var multipliers: [Int] = [], postShifts: [Int] = []
        for c in 0..<layer.shape.channels {
            guard let (m, n) = corrected(layer.multiplier(channel: c), layer.postShift(channel: c), by: s) else { return nil }
            multipliers.append(m)
            postShifts.append(n)
        }
        result.channelMultipliers = multipliers
        result.channelPostShifts = postShifts
        result.multiplier = multipliers[0]
        result.postShift = postShifts[0]
        return result
    }

    /// `(m, n)` corrected for a shift `s` before them: `n - s` while `n` allows, the rest moved
    /// into `m` (nil if `m` would not fit 16 bits).
    static func corrected(_ m: Int, _ n: Int, by s: Int) -> (Int, Int)? {
        if n >= s { return (m, n - s) }
        let extra = s - n
        guard extra < 17, m << extra <= Network.Limits.multiplier.upperBound else { return nil }
        return (m << extra, 0)
    }

    func bitsNeeded(_ network: Network, layer l: Int) throws -> Int {
        var prefix = network
        prefix.layers = Array(network.layers.prefix(l))
        prefix.accumulatorBits = Network.Limits.accumulatorBits.upperBound
        prefix.overflow = .wrap
        let model = try GoldenModel(network: prefix)
        try model.run(samples: samples)
        return model.layerStatistics[l - 1].bitsNeeded
    }
}
