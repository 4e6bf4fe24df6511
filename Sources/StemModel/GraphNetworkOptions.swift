/// What ``Network/randomGraph(_:seed:)`` generates: small random layer graphs (version 2) with
/// every connection kind, for property tests and benchmarks.
///
/// A graph is a chain of blocks on a `[C,H,W]` input: convolutions with random kernel, stride and
/// padding; pooling; residual blocks whose identity shortcut skips one or two stages; and a dense
/// head that can also take a dense shortcut from an earlier layer.
public struct GraphNetworkOptions: Sendable {
    public var timeSteps = 6
    public var weightBits = 6
    public var accumulatorBits = 48
    public var overflow = OverflowMode.wrap
    /// Inputs signed; nil draws it.
    public var inputSigned: Bool? = nil
    /// The input's channels, rows and columns are drawn from these ranges.
    public var inputChannels = 1...3
    public var inputSize = 3...7
    /// The channels of each convolution are drawn from this range.
    public var channels = 1...4
    /// The number of blocks before the dense head.
    public var blocks = 1...4
    /// The dense head's output neurons.
    public var outputs = 1...5
    /// The probability that a weight is zero.
    public var zeroWeightProbability = 0.2
    /// Draw per-channel `m`, `n` and biases (else scalar).
    public var perChannel = true
    /// RoT factors and DRLO limits are drawn from these ranges.
    public var rot = 0...1
    public var drlo = 0...3

    public init() {}
}

extension Network {
    /// A random graph network, seeded so it is the same everywhere.
    public static func randomGraph(_ options: GraphNetworkOptions, seed: UInt64) -> Network {
        var generator = SplitMix64(seed: seed)
        return randomGraph(options, using: &generator)
    }

    /// A random graph network drawn from `generator`.
    public static func randomGraph<G: RandomNumberGenerator>(_ options: GraphNetworkOptions,
                                                              using g: inout G) -> Network {
        let B = options.timeSteps
        let weightRange = Limits.weight(bits: options.weightBits)
        let signed = options.inputSigned ?? Bool.random(using: &g)
        let input = Shape(channels: Int.random(in: options.inputChannels, using: &g),
                          height: Int.random(in: options.inputSize, using: &g),
                          width: Int.random(in: options.inputSize, using: &g))
        var shapes = [input]
        var layers: [Layer] = []

        func weight() -> Int64 {
            if Double.random(in: 0..<1, using: &g) < options.zeroWeightProbability { return 0 }
            return Int64.random(in: weightRange, using: &g)
        }
        func randomConv(from source: Int, channels: Int, keepSize: Bool) -> Connection {
            let shape = shapes[source]
            var kernel: [Int] = []
            var stride: [Int] = []
            var padding: [Int] = []
            for size in [shape.height, shape.width] {
                let k = keepSize ? [1, 3].randomElement(using: &g)! : Int.random(in: 1...min(3, size + 2), using: &g)
                let s = keepSize ? 1 : Int.random(in: 1...2, using: &g)
                var p = keepSize ? (k - 1) / 2 : Int.random(in: 0...(k - 1), using: &g)
                if size + 2 * p < k { p = (k - size + 1) / 2 }
                kernel.append(k)
                stride.append(s)
                padding.append(p)
            }
            let taps = shape.channels * kernel[0] * kernel[1]
            let weights = (0..<channels).map { _ in (0..<taps).map { _ in weight() } }
            return Connection(kind: .conv, source: source, weights: weights, kernel: kernel, stride: stride,
                              padding: padding)
        }
        /// Adds a layer fed by `inputs`, with requantization that spreads typical values over
        /// the activation range.
        func addLayer(_ shape: Shape, _ inputs: [Connection]) {
            var fanIn = 0
            for connection in inputs { fanIn += connection.fanIn(from: shapes[connection.source!]) }
            // The standard deviation of the sum, in bits, for uniform weights and activations.
            var typicalBits = 0
            var spread = (Double(fanIn).squareRoot() * Double(weightRange.upperBound) * Double(1 << B) / 3)
            while spread > 1 { spread /= 2; typicalBits += 1 }
            func requantization() -> (Int, Int) {
                let bits = Int.random(in: 1...12, using: &g)
                let m = Int.random(in: (1 << (bits - 1))...((1 << bits) - 1), using: &g)
                return (m, max(0, min(62, typicalBits + bits - B + Int.random(in: -1...1, using: &g))))
            }
            let biasMode: BiasMode = Bool.random(using: &g) ? .output : .accumulator
            let perChannel = options.perChannel && Bool.random(using: &g)
            let biasCount = perChannel && Bool.random(using: &g) ? shape.channels : shape.count
            let limit: Int64 = biasMode == .output ? Int64(1) << (B - 1) : Int64(1) << max(0, typicalBits - 1)
            let bias = (0..<biasCount).map { _ in Int64.random(in: -limit...limit, using: &g) }
            var layer = Layer(name: "l\(layers.count + 1)", shape: shape, inputs: inputs, bias: bias, biasMode: biasMode,
                              rot: min(B - 1, Int.random(in: options.rot, using: &g)),
                              drlo: min(B, Int.random(in: options.drlo, using: &g)))
            if perChannel {
                let pairs = (0..<shape.channels).map { _ in requantization() }
                layer.channelMultipliers = pairs.map(\.0)
                layer.channelPostShifts = pairs.map(\.1)
                layer.multiplier = pairs[0].0
                layer.postShift = pairs[0].1
            } else {
                (layer.multiplier, layer.postShift) = requantization()
            }
            layers.append(layer)
            shapes.append(shape)
        }

        let blockCount = Int.random(in: options.blocks, using: &g)
        for _ in 0..<blockCount {
            let current = shapes.count - 1
            let shape = shapes[current]
            switch Int.random(in: 0..<4, using: &g) {
            case 0:  // convolution with random geometry
                let conv = randomConv(from: current, channels: Int.random(in: options.channels, using: &g), keepSize: false)
                addLayer(conv.outputShape(from: shape)!, [conv])
            case 1 where shape.height >= 2 || shape.width >= 2:  // pooling
                let kernel = [Int.random(in: 1...min(3, shape.height), using: &g), Int.random(in: 1...min(3, shape.width), using: &g)]
                let stride = Bool.random(using: &g) ? kernel : [Int.random(in: 1...2, using: &g), Int.random(in: 1...2, using: &g)]
                let pool = Connection.pool(kernel: kernel, stride: stride, from: current)
                addLayer(pool.outputShape(from: shape)!, [pool])
            default:  // residual block: 1 or 2 convolutions, identity shortcut over 1 or 2 stages
                let inner = Int.random(in: 1...2, using: &g)
                for _ in 0..<inner {
                    let conv = randomConv(from: shapes.count - 1, channels: shape.channels, keepSize: true)
                    addLayer(shape, [conv])
                }
                let conv = randomConv(from: shapes.count - 1, channels: shape.channels, keepSize: true)
                let identity = Connection.identity((0..<shape.channels).map { _ in weight() }, from: current)
                addLayer(shape, Bool.random(using: &g) ? [conv, identity] : [identity, conv])
            }
        }
        // The dense head, sometimes with a dense shortcut from an earlier layer (or the input).
        let outputs = Int.random(in: options.outputs, using: &g)
        var head = [Connection.dense((0..<outputs).map { _ in (0..<shapes.last!.count).map { _ in weight() } },
                                     from: shapes.count - 1)]
        if shapes.count > 2 && Bool.random(using: &g) {
            let other = Int.random(in: 0...(shapes.count - 3), using: &g)
            head.append(.dense((0..<outputs).map { _ in (0..<shapes[other].count).map { _ in weight() } }, from: other))
        }
        addLayer(Shape(flat: outputs), head)
        return Network(timeSteps: B, weightBits: options.weightBits, accumulatorBits: options.accumulatorBits,
                       overflow: options.overflow, inputShape: input, inputSigned: signed, layers: layers)
    }
}
