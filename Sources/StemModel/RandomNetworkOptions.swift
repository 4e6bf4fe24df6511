/// What ``Network/random(_:seed:)`` generates: the shape, the global fields, and the ranges the
/// per-layer options are drawn from.
public struct RandomNetworkOptions: Sendable {
    /// `[inputSize, width of layer 1, ..., width of layer L]`.
    public var layerSizes: [Int]
    public var timeSteps = 8
    public var weightBits = 8
    public var accumulatorBits = 48
    public var overflow = OverflowMode.wrap
    public var inputSigned = false
    /// The bias mode of every layer; nil draws one per layer.
    public var biasMode: BiasMode? = .output
    /// Whether layers get random biases (else zeros).
    public var withBias = true
    /// The scaled-integration shift of each layer is drawn from this range.
    public var shift = 0...0
    /// RoT factors are drawn from this range (limited to `timeSteps - 1`).
    public var rot = 0...0
    /// DRLO limits are drawn from this range (limited to `timeSteps`).
    public var drlo = 0...0
    /// The probability that a weight is zero (beyond the zeros a uniform draw gives).
    public var zeroWeightProbability = 0.0
    /// Whether each layer's multiplier and postShift are chosen so that typical outputs spread
    /// over `0...2^B-1` (else `multiplier` 1 and `postShift` 0).
    public var requantize = true

    public init(layerSizes: [Int]) {
        self.layerSizes = layerSizes
    }
}

extension Network {
    /// A random network with weights uniform over the `weightBits` range, seeded so it is the
    /// same everywhere.
    public static func random(_ options: RandomNetworkOptions, seed: UInt64) -> Network {
        var generator = SplitMix64(seed: seed)
        return random(options, using: &generator)
    }

    /// A random network drawn from `generator`.
    public static func random<G: RandomNumberGenerator>(_ options: RandomNetworkOptions,
                                                         using generator: inout G) -> Network {
        precondition(options.layerSizes.count >= 2, "layerSizes holds the input size and at least 1 layer")
        let B = options.timeSteps
        let weightRange = Limits.weight(bits: options.weightBits)
        var layers: [Layer] = []
        for l in 1..<options.layerSizes.count {
            let fanIn = options.layerSizes[l - 1]
            let width = options.layerSizes[l]
            let weights: [[Int64]] = (0..<width).map { _ in
                (0..<fanIn).map { _ in
                    if options.zeroWeightProbability > 0,
                       Double.random(in: 0..<1, using: &generator) < options.zeroWeightProbability {
                        return 0
                    }
                    return Int64.random(in: weightRange, using: &generator)
                }
            }
            let biasMode = options.biasMode ?? (Bool.random(using: &generator) ? .output : .accumulator)
            let shift = Int.random(in: options.shift, using: &generator)
            // The standard deviation of sum(w * x) for uniform weights and inputs, in bits.
            let typicalBits = (Double(fanIn).squareRoot() * Double(weightRange.upperBound)
                * Double(1 << B) / 3).log2Ceiling
            var multiplier = 1
            var postShift = 0
            if options.requantize {
                let multiplierBits = Int.random(in: 1...16, using: &generator)
                multiplier = Int.random(in: (1 << (multiplierBits - 1))...((1 << multiplierBits) - 1),
                                        using: &generator)
                postShift = max(0, min(62, typicalBits - shift + multiplierBits - B))
            }
            var bias = Array(repeating: Int64(0), count: width)
            if options.withBias {
                let limit: Int64 = biasMode == .output
                    ? Int64(1) << (B - 1)
                    : min(Int64(Int32.max), Int64(1) << max(0, typicalBits - 1))
                bias = (0..<width).map { _ in Int64.random(in: -limit...limit, using: &generator) }
            }
            let rot = min(B - 1, Int.random(in: options.rot, using: &generator))
            let drlo = min(B, Int.random(in: options.drlo, using: &generator))
            layers.append(Layer(weights: weights, bias: bias, biasMode: biasMode, shift: shift,
                                multiplier: multiplier, postShift: postShift, rot: rot, drlo: drlo))
        }
        return Network(timeSteps: B, weightBits: options.weightBits, accumulatorBits: options.accumulatorBits,
                       overflow: options.overflow, inputSize: options.layerSizes[0],
                       inputSigned: options.inputSigned, layers: layers)
    }
}

extension InputSet {
    /// `count` random samples uniform over `network`'s input range, with random labels when
    /// `labeled`.
    public static func random(for network: Network, count: Int, labeled: Bool = false, seed: UInt64) -> InputSet {
        var generator = SplitMix64(seed: seed)
        return random(for: network, count: count, labeled: labeled, using: &generator)
    }

    /// Random samples drawn from `generator`.
    public static func random<G: RandomNumberGenerator>(for network: Network, count: Int, labeled: Bool = false,
                                                         using generator: inout G) -> InputSet {
        let range = Network.Limits.input(timeSteps: network.timeSteps, signed: network.inputSigned)
        let samples = (0..<count).map { _ in
            (0..<network.inputSize).map { _ in Int64.random(in: range, using: &generator) }
        }
        let labels = labeled
            ? (0..<count).map { _ in Int.random(in: 0..<network.outputSize, using: &generator) }
            : nil
        return InputSet(samples: samples, labels: labels)
    }
}

extension Double {
    /// `ceil(log2(self))` for values >= 1 (0 below).
    fileprivate var log2Ceiling: Int {
        var bits = 0
        var power = 1.0
        while power < self {
            power *= 2
            bits += 1
        }
        return bits
    }
}
