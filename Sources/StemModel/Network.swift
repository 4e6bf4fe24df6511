/// A STEM network: an input layer (layer 0) and fully connected layers `1...L`
/// (docs/stem-spec.md, docs/formats.md).
public struct Network: Sendable, Equatable {
    /// The `format` field of a network file.
    public static let formatName = "stem-network"
    /// The `version` field this reader understands.
    public static let formatVersion = 1

    /// `B`: bits per activation and time steps per window, 2...16.
    public var timeSteps: Int
    /// Weights are signed integers of this width, 2...16.
    public var weightBits: Int
    /// `A`: width of the membrane potential, 2...48.
    public var accumulatorBits: Int
    /// What `fit` does.
    public var overflow: OverflowMode
    /// The number of input values per sample (neurons of layer 0), 1...65536.
    public var inputSize: Int
    /// Whether inputs are signed `B`-bit values (else unsigned).
    public var inputSigned: Bool
    /// Layers `1...L` (`layers[0]` is layer 1).
    public var layers: [Layer]

    public init(timeSteps: Int, weightBits: Int, accumulatorBits: Int, overflow: OverflowMode = .wrap,
                inputSize: Int, inputSigned: Bool = false, layers: [Layer]) {
        self.timeSteps = timeSteps
        self.weightBits = weightBits
        self.accumulatorBits = accumulatorBits
        self.overflow = overflow
        self.inputSize = inputSize
        self.inputSigned = inputSigned
        self.layers = layers
    }

    /// `L`, the number of layers after the input layer.
    public var depth: Int { layers.count }

    /// The widths of layers `0...L` (`[inputSize] + layer widths`).
    public var layerWidths: [Int] { [inputSize] + layers.map(\.width) }

    /// The number of neurons of the output layer.
    public var outputSize: Int { layers.last?.width ?? 0 }

    /// The width of layer `l` (0 = the inputs).
    public func width(ofLayer l: Int) -> Int { l == 0 ? inputSize : layers[l - 1].width }

    /// The time steps a run of `sampleCount` samples takes: `(S + L) * B`.
    public func stepCount(samples sampleCount: Int) -> Int { (sampleCount + depth) * timeSteps }

    /// For every neuron of layers `0...L-1`, the number of nonzero weights leaving it: the
    /// synaptic operations one of its spikes costs. `result[l][i]` for layer `l`, neuron `i`.
    public func nonzeroFanOut() -> [[Int]] {
        var result: [[Int]] = []
        for (index, layer) in layers.enumerated() {
            var counts = Array(repeating: 0, count: width(ofLayer: index))
            for row in layer.weights {
                for (i, w) in row.enumerated() where w != 0 { counts[i] += 1 }
            }
            result.append(counts)
        }
        return result
    }
}

extension Network {
    /// The ranges docs/stem-spec.md allows.
    public enum Limits {
        public static let timeSteps = 2...16
        public static let weightBits = 2...16
        public static let accumulatorBits = 2...48
        public static let width = 1...65536
        public static let shift = 0...31
        public static let multiplier = 1...65535
        public static let postShift = 0...62
        public static let bias = Int64(Int32.min)...Int64(Int32.max)

        /// Weights fit `weightBits` signed.
        public static func weight(bits: Int) -> ClosedRange<Int64> { signedRange(bits: bits) }
        /// RoT factors for `timeSteps`.
        public static func rot(timeSteps: Int) -> ClosedRange<Int> { 0...(timeSteps - 1) }
        /// DRLO limits for `timeSteps`.
        public static func drlo(timeSteps: Int) -> ClosedRange<Int> { 0...timeSteps }
        /// Input values for `timeSteps`, signed or not.
        public static func input(timeSteps: Int, signed: Bool) -> ClosedRange<Int64> {
            signed ? signedRange(bits: timeSteps) : 0...((Int64(1) << timeSteps) - 1)
        }
    }
}
