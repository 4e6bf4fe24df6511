/// One input connection of a ``Layer`` (network format version 2): how the neurons of a
/// source layer feed the layer (docs/stem-spec.md, "The network").
public struct Connection: Sendable, Equatable {
    /// The kinds of connection.
    public enum Kind: String, Sendable, CaseIterable {
        /// `weights[o][i]`: every source neuron to every neuron of the layer.
        case dense
        /// A 2-D convolution: `weights[co][ci][ky][kx]`, with stride and zero padding.
        case conv
        /// Sum pooling per channel, weight +1, no padding.
        case pool
        /// Neuron `(c, y, x)` from source neuron `(c, y, x)` with weight `weights[c]`.
        case identity
    }

    /// What kind of connection this is.
    public var kind: Kind
    /// The source layer: 0 = the input layer, `l` = `layers[l-1]`; nil means the layer just
    /// before (version 1's chain).
    public var source: Int?
    /// The weights, as rows:
    /// - `dense`: `weights[o][i]`, one row per neuron of the layer, one weight per source neuron;
    /// - `conv`: `weights[co]` holds `[ci][ky][kx]` flattened (`(ci*KH + ky)*KW + kx`);
    /// - `identity`: one row holding `weights[c]` per channel;
    /// - `pool`: empty (every weight is +1).
    public var weights: [[Int64]]
    /// `[KH, KW]` for `conv` and `pool` (else `[1, 1]`).
    public var kernel: [Int]
    /// `[SH, SW]` for `conv` and `pool` (else `[1, 1]`).
    public var stride: [Int]
    /// `[PH, PW]` for `conv` (else `[0, 0]`).
    public var padding: [Int]

    public init(kind: Kind, source: Int?, weights: [[Int64]] = [], kernel: [Int] = [1, 1],
                stride: [Int] = [1, 1], padding: [Int] = [0, 0]) {
        self.kind = kind
        self.source = source
        self.weights = weights
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// A dense connection with `weights[o][i]` from `source` (nil: the layer before).
    public static func dense(_ weights: [[Int64]], from source: Int? = nil) -> Connection {
        Connection(kind: .dense, source: source, weights: weights)
    }

    /// A convolution from `source` with `weights[co][ci][ky][kx]`.
    public static func conv(_ weights: [[[[Int64]]]], from source: Int, stride: [Int] = [1, 1],
                            padding: [Int] = [0, 0]) -> Connection {
        let kh = weights.first?.first?.count ?? 0
        let kw = weights.first?.first?.first?.count ?? 0
        return Connection(kind: .conv, source: source,
                          weights: weights.map { $0.flatMap { $0.flatMap { $0 } } },
                          kernel: [kh, kw], stride: stride, padding: padding)
    }

    /// Sum pooling from `source`; the stride defaults to the kernel.
    public static func pool(kernel: [Int], stride: [Int]? = nil, from source: Int) -> Connection {
        Connection(kind: .pool, source: source, kernel: kernel, stride: stride ?? kernel)
    }

    /// An identity connection from `source` with one weight per channel.
    public static func identity(_ weights: [Int64], from source: Int) -> Connection {
        Connection(kind: .identity, source: source, weights: [weights])
    }

    /// The shape this connection produces from a source of shape `input`, or nil when it
    /// produces none (a kernel larger than the padded source). Dense connections produce
    /// `[rows]`.
    public func outputShape(from input: Shape) -> Shape? {
        switch kind {
        case .dense:
            return Shape(flat: weights.count)
        case .identity:
            return input
        case .conv, .pool:
            let padded = (input.height + 2 * padding[0], input.width + 2 * padding[1])
            guard padded.0 >= kernel[0], padded.1 >= kernel[1], stride[0] >= 1, stride[1] >= 1 else { return nil }
            let channels = kind == .conv ? weights.count : input.channels
            return Shape(channels: channels, height: (padded.0 - kernel[0]) / stride[0] + 1,
                         width: (padded.1 - kernel[1]) / stride[1] + 1)
        }
    }

    /// The weight of a `conv` tap.
    @inlinable
    public func convWeight(_ co: Int, _ ci: Int, _ ky: Int, _ kx: Int) -> Int64 {
        weights[co][(ci * kernel[0] + ky) * kernel[1] + kx]
    }

    /// The largest number of source neurons one neuron of the layer receives from this
    /// connection (its fan-in), for a source of shape `input`.
    public func fanIn(from input: Shape) -> Int {
        switch kind {
        case .dense: return input.count
        case .identity: return 1
        case .conv, .pool:
            guard let output = outputShape(from: input) else { return 0 }
            func taps(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ outputs: Int) -> Int {
                var best = 0
                for o in 0..<outputs {
                    let first = o * s - p
                    best = max(best, min(size, first + k) - max(0, first))
                    if best == k { break }
                }
                return best
            }
            let rows = taps(input.height, kernel[0], stride[0], padding[0], output.height)
            let columns = taps(input.width, kernel[1], stride[1], padding[1], output.width)
            return (kind == .conv ? input.channels : 1) * rows * columns
        }
    }
}

extension Connection {
    /// The synapses of this connection from a source of shape `input` into a layer of shape
    /// `output`, zero weights included: the pairs (output neuron, source neuron) it connects. A
    /// dense connection has `input.count * output.count`; a conv connection, per output position,
    /// `Cin * Cout` times the kernel taps that lie inside the source (padding taps connect
    /// nothing); a pool connection the kernel taps of every output; an identity connection one
    /// per neuron.
    public func synapseCount(from input: Shape, to output: Shape) -> Int {
        switch kind {
        case .dense: return input.count * output.count
        case .identity: return output.count
        case .pool: return output.count * kernel[0] * kernel[1]
        case .conv:
            func inside(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ outputs: Int) -> Int {
                (0..<outputs).reduce(0) { total, o in
                    let first = o * s - p
                    return total + max(0, min(size, first + k) - max(0, first))
                }
            }
            let rows = inside(input.height, kernel[0], stride[0], padding[0], output.height)
            let columns = inside(input.width, kernel[1], stride[1], padding[1], output.width)
            return input.channels * output.channels * rows * columns
        }
    }
}

extension Connection {
    /// Adds, per neuron of a source of shape `input`, the nonzero weights one of its spikes
    /// reaches through this connection into a layer of shape `output` (docs/stem-spec.md
    /// section 9): a conv spike reaches every (output position, kernel tap) pair that covers it,
    /// a pool spike every output whose window covers it, an identity spike one neuron if its
    /// channel's weight is nonzero.
    func addNonzeroFanOut(from input: Shape, to output: Shape, into counts: inout [Int]) {
        switch kind {
        case .dense:
            for row in weights {
                for (i, w) in row.enumerated() where w != 0 && i < counts.count { counts[i] += 1 }
            }
        case .identity:
            guard let row = weights.first, row.count == input.channels, counts.count == input.count else { return }
            for c in 0..<input.channels where row[c] != 0 {
                for i in (c * input.plane)..<((c + 1) * input.plane) { counts[i] += 1 }
            }
        case .conv, .pool:
            guard counts.count == input.count else { return }
            let (kh, kw, sh, sw) = (kernel[0], kernel[1], stride[0], stride[1])
            let (ph, pw) = kind == .conv ? (padding[0], padding[1]) : (0, 0)
            // Per source row y and tap ky, whether an output row covers it (likewise columns).
            func covers(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ outputs: Int) -> [[Bool]] {
                (0..<size).map { y in
                    (0..<k).map { ky in
                        let numerator = y + p - ky
                        return numerator >= 0 && numerator % s == 0 && numerator / s < outputs
                    }
                }
            }
            let rows = covers(input.height, kh, sh, ph, output.height)
            let columns = covers(input.width, kw, sw, pw, output.width)
            for c in 0..<input.channels {
                // Nonzero taps per (ky, kx) for source channel c, over all output channels.
                var taps = Array(repeating: 0, count: kh * kw)
                if kind == .pool {
                    taps = Array(repeating: 1, count: kh * kw)
                } else {
                    for row in weights {
                        for t in 0..<(kh * kw) where row[c * kh * kw + t] != 0 { taps[t] += 1 }
                    }
                }
                for y in 0..<input.height {
                    for x in 0..<input.width {
                        var total = 0
                        for ky in 0..<kh where rows[y][ky] {
                            for kx in 0..<kw where columns[x][kx] { total += taps[ky * kw + kx] }
                        }
                        counts[input.index(c, y, x)] += total
                    }
                }
            }
        }
    }
}
