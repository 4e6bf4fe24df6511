/// One fully connected layer of a ``Network`` (layers `1...L` of docs/stem-spec.md).
public struct Layer: Sendable, Equatable {
    /// `weights[j][i]`: the weight from neuron `i` of the previous layer to neuron `j` of this
    /// one. One row per neuron of this layer.
    public var weights: [[Int64]]
    /// `b_j`, one per neuron (signed 32-bit).
    public var bias: [Int64]
    /// Where the bias is added.
    public var biasMode: BiasMode
    /// Scaled-integration shift `s` (0 = off), 0...31.
    public var shift: Int
    /// Requantization multiplier `m`, 1...65535.
    public var multiplier: Int
    /// Requantization shift `n`, 0...62.
    public var postShift: Int
    /// RoT factor `r` (0 = off), 0...timeSteps-1.
    public var rot: Int
    /// DRLO limit `K` (0 = off), 0...timeSteps.
    public var drlo: Int

    /// A layer; the bias defaults to zeros.
    public init(weights: [[Int64]], bias: [Int64]? = nil, biasMode: BiasMode = .output,
                shift: Int = 0, multiplier: Int = 1, postShift: Int = 0, rot: Int = 0, drlo: Int = 0) {
        self.weights = weights
        self.bias = bias ?? Array(repeating: 0, count: weights.count)
        self.biasMode = biasMode
        self.shift = shift
        self.multiplier = multiplier
        self.postShift = postShift
        self.rot = rot
        self.drlo = drlo
    }

    /// The number of neurons.
    public var width: Int { weights.count }

    /// The number of inputs per neuron (the width of the previous layer).
    public var inputCount: Int { weights.first?.count ?? 0 }
}
