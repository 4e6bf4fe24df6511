/// A STEM network: an input layer (layer 0) and layers `1...L` (docs/stem-spec.md,
/// docs/formats.md). Version 1 is a chain of fully connected layers; version 2 a layer graph
/// (dense, conv, pool and identity connections from the input or earlier layers).
public struct Network: Sendable, Equatable {
    /// The `format` field of a network file.
    public static let formatName = "stem-network"
    /// The `version` field of a version-1 file (a chain of dense layers).
    public static let formatVersion = 1
    /// The `version` field of a layer-graph file.
    public static let graphFormatVersion = 2

    /// `B`: bits per activation and time steps per window, 2...16.
    public var timeSteps: Int
    /// Weights are signed integers of this width, 2...16.
    public var weightBits: Int
    /// `A`: width of the membrane potential, 2...48.
    public var accumulatorBits: Int
    /// Biases are signed integers of this width, 2...32 (the RTL's `BiasBits`; default 32).
    public var biasBits: Int = Limits.defaultBiasBits
    /// What `fit` does.
    public var overflow: OverflowMode
    /// The shape of the input layer (layer 0); `[inputSize]` in version 1.
    public var inputShape: Shape
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
        self.inputShape = Shape(flat: inputSize)
        self.inputSigned = inputSigned
        self.layers = layers
    }

    /// A network with an input of shape `inputShape` (a graph network, version 2).
    public init(timeSteps: Int, weightBits: Int, accumulatorBits: Int, overflow: OverflowMode = .wrap,
                inputShape: Shape, inputSigned: Bool = false, layers: [Layer]) {
        self.init(timeSteps: timeSteps, weightBits: weightBits, accumulatorBits: accumulatorBits,
                  overflow: overflow, inputSize: inputShape.count, inputSigned: inputSigned, layers: layers)
        self.inputShape = inputShape
    }

    /// The number of input values per sample (neurons of layer 0): `C*H*W` of ``inputShape``.
    /// Setting it makes the input flat.
    public var inputSize: Int {
        get { inputShape.count }
        set { inputShape = Shape(flat: newValue) }
    }

    /// The shape of layer `l` (0 = the inputs).
    public func shape(ofLayer l: Int) -> Shape { l == 0 ? inputShape : layers[l - 1].shape }

    /// The source layer (0 = the inputs) of connection `connection` of layer `l` (`1...L`).
    public func source(of connection: Connection, inLayer l: Int) -> Int { connection.source ?? (l - 1) }

    /// The stage of layers `0...L`: 0 for the inputs, `1 + max(stage(source))` over a layer's
    /// connections (docs/stem-spec.md section 7). Equal to `l` in a chain. Sources outside
    /// `0..<l` (invalid) count as stage 0.
    public var stages: [Int] {
        var result = [0]
        for (index, layer) in layers.enumerated() {
            var highest = 0
            for connection in layer.inputs {
                let source = self.source(of: connection, inLayer: index + 1)
                if source >= 0 && source <= index { highest = max(highest, result[source]) }
            }
            result.append(highest + 1)
        }
        return result
    }

    /// `D`, the largest stage (`L` for a chain).
    public var stageCount: Int { stages.max() ?? 0 }

    /// Whether every layer has exactly one dense connection from the layer before it, one `m`
    /// and `n`, and a bias per neuron: the networks the mapper and the RTL run (shapes do not
    /// matter to them; neurons are numbered `c*H*W + y*W + x`).
    public var isDenseChain: Bool { denseChainViolation == nil }

    /// Why the network is not a dense chain (the first layer that is not), or nil.
    public var denseChainViolation: String? {
        for (index, layer) in layers.enumerated() {
            let label = "layers[\(index)]" + (layer.name.isEmpty ? "" : " \"\(layer.name)\"")
            if layer.inputs.count != 1 { return "\(label) has \(layer.inputs.count) connections" }
            let connection = layer.inputs[0]
            if connection.kind != .dense { return "\(label) has a \(connection.kind.rawValue) connection" }
            if source(of: connection, inLayer: index + 1) != index {
                return "\(label) is fed by layer \(source(of: connection, inLayer: index + 1)), not the layer before it"
            }
            if !layer.hasScalarRequantization { return "\(label) has per-channel multiplier or postShift" }
            if layer.bias.count != layer.width { return "\(label) has a per-channel bias" }
        }
        return nil
    }

    /// `L`, the number of layers after the input layer.
    public var depth: Int { layers.count }

    /// The widths of layers `0...L` (`[inputSize] + layer widths`).
    public var layerWidths: [Int] { [inputSize] + layers.map(\.width) }

    /// `64-64-32-10` for a network of flat layers, else the shapes of layers `0...L`
    /// (`[1,8,8] -> [8,8,8] -> [10]`): how run, sweep and bench name a network.
    public var layerSummary: String {
        let shapes = (0...depth).map { shape(ofLayer: $0) }
        if shapes.allSatisfy(\.isFlat) { return layerWidths.map(String.init).joined(separator: "-") }
        return shapes.map(\.description).joined(separator: " -> ")
    }

    /// The number of neurons of the output layer.
    public var outputSize: Int { layers.last?.width ?? 0 }

    /// The width of layer `l` (0 = the inputs).
    public func width(ofLayer l: Int) -> Int { l == 0 ? inputSize : layers[l - 1].width }

    /// The time steps a run of `sampleCount` samples takes: `(S + D) * B`, `D` the largest
    /// stage (`L` for a chain).
    public func stepCount(samples sampleCount: Int) -> Int { (sampleCount + stageCount) * timeSteps }

    /// For every neuron of layers `0...L-1`, the number of nonzero weights its spike reaches over
    /// all connections leaving its layer: the synaptic operations one of its spikes costs
    /// (docs/stem-spec.md section 9). `result[l][i]` for layer `l`, neuron `i`.
    public func nonzeroFanOut() -> [[Int]] {
        var result = (0..<depth).map { Array(repeating: 0, count: width(ofLayer: $0)) }
        for (index, layer) in layers.enumerated() {
            for connection in layer.inputs {
                let source = self.source(of: connection, inLayer: index + 1)
                guard source >= 0 && source < depth else { continue }
                connection.addNonzeroFanOut(from: shape(ofLayer: source), to: layer.shape, into: &result[source])
            }
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
        /// Neurons of a layer (and of the input) in a version-2 network: at most 2^22.
        public static let neurons = 1...(1 << 22)
        /// Source neurons feeding one neuron, over all its connections.
        public static let fanIn = 1...65536
        /// Kernel sizes, strides and paddings (the shape check limits them further).
        public static let kernel = 1...65536
        public static let stride = 1...65536
        public static let padding = 0...65535
        public static let shift = 0...31
        public static let multiplier = 1...65535
        public static let postShift = 0...62
        /// The bias width (`biasBits`) and its default, when a file gives none.
        public static let biasBits = 2...32
        public static let defaultBiasBits = 32

        /// Biases fit `biasBits` signed.
        public static func bias(bits: Int) -> ClosedRange<Int64> { signedRange(bits: bits) }

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
