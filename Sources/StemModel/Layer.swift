/// One layer of a ``Network`` (layers `1...L` of docs/stem-spec.md): its neurons' shape, the
/// connections that feed them, and the per-layer parameters.
///
/// A version-1 layer is a flat layer with one dense connection from the layer before it;
/// ``weights`` reads and writes that connection's `weights[j][i]`.
public struct Layer: Sendable, Equatable {
    /// The layer's name (version 2; unique, not `input`). Empty for version-1 layers.
    public var name: String
    /// `[C, H, W]`; neuron `(c, y, x)` has index `c*H*W + y*W + x`.
    public var shape: Shape
    /// The connections feeding the layer (at least 1).
    public var inputs: [Connection]
    /// `b_j`, one per neuron, or one per channel (broadcast over the channel); signed 32-bit.
    public var bias: [Int64]
    /// Where the bias is added.
    public var biasMode: BiasMode
    /// Scaled-integration shift `s` (0 = off), 0...31.
    public var shift: Int
    /// Requantization multiplier `m`, 1...65535 (the first channel's with per-channel values).
    public var multiplier: Int
    /// Requantization shift `n`, 0...62 (the first channel's with per-channel values).
    public var postShift: Int
    /// Per-channel multipliers (length `C`), or nil for the one ``multiplier``.
    public var channelMultipliers: [Int]?
    /// Per-channel post-shifts (length `C`), or nil for the one ``postShift``.
    public var channelPostShifts: [Int]?
    /// RoT factor `r` (0 = off), 0...timeSteps-1.
    public var rot: Int
    /// DRLO limit `K` (0 = off), 0...timeSteps.
    public var drlo: Int

    /// A version-1 layer: flat, one dense connection from the layer before; the bias defaults
    /// to zeros.
    public init(weights: [[Int64]], bias: [Int64]? = nil, biasMode: BiasMode = .output,
                shift: Int = 0, multiplier: Int = 1, postShift: Int = 0, rot: Int = 0, drlo: Int = 0) {
        self.init(name: "", shape: Shape(flat: weights.count), inputs: [.dense(weights)], bias: bias,
                  biasMode: biasMode, shift: shift, multiplier: multiplier, postShift: postShift, rot: rot, drlo: drlo)
    }

    /// A layer of a graph network (version 2); the bias defaults to zeros.
    public init(name: String, shape: Shape, inputs: [Connection], bias: [Int64]? = nil,
                biasMode: BiasMode = .output, shift: Int = 0, multiplier: Int = 1, postShift: Int = 0,
                channelMultipliers: [Int]? = nil, channelPostShifts: [Int]? = nil, rot: Int = 0, drlo: Int = 0) {
        self.name = name
        self.shape = shape
        self.inputs = inputs
        self.bias = bias ?? Array(repeating: 0, count: shape.count)
        self.biasMode = biasMode
        self.shift = shift
        self.multiplier = channelMultipliers?.first ?? multiplier
        self.postShift = channelPostShifts?.first ?? postShift
        self.channelMultipliers = channelMultipliers
        self.channelPostShifts = channelPostShifts
        self.rot = rot
        self.drlo = drlo
    }

    /// The first connection's weights (for a version-1 layer: `weights[j][i]`, the weight from
    /// neuron `i` of the previous layer to neuron `j` of this one). Setting it makes the layer
    /// a flat layer with one dense connection from the same source.
    public var weights: [[Int64]] {
        get { inputs.first?.kind == .dense ? inputs[0].weights : [] }
        set {
            inputs = [.dense(newValue, from: inputs.first?.source)]
            shape = Shape(flat: newValue.count)
        }
    }

    /// The number of neurons.
    public var width: Int { shape.count }

    /// The number of inputs per neuron of the first (dense) connection: the width of the
    /// previous layer in a version-1 network.
    public var inputCount: Int { weights.first?.count ?? 0 }

    /// Whether `m` and `n` are one value for all channels.
    public var hasScalarRequantization: Bool { channelMultipliers == nil && channelPostShifts == nil }

    /// `m` of channel `c`.
    public func multiplier(channel c: Int) -> Int { channelMultipliers?[c] ?? multiplier }

    /// `n` of channel `c`.
    public func postShift(channel c: Int) -> Int { channelPostShifts?[c] ?? postShift }

    /// The bias of every neuron (a per-channel bias broadcast over its channel).
    public var neuronBias: [Int64] {
        if bias.count == width || bias.count != shape.channels { return bias }
        let plane = shape.plane
        return (0..<width).map { bias[$0 / plane] }
    }
}
