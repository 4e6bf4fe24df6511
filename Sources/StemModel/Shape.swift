/// The shape `[C, H, W]` of a layer of neurons (docs/formats.md, network version 2). A flat
/// layer of `N` neurons is `[N, 1, 1]`. Neuron `(c, y, x)` has the flat index `c*H*W + y*W + x`.
public struct Shape: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// `C`, the channels.
    public var channels: Int
    /// `H`, the rows.
    public var height: Int
    /// `W`, the columns.
    public var width: Int

    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// A flat layer of `count` neurons, `[count, 1, 1]`.
    public init(flat count: Int) {
        self.init(channels: count, height: 1, width: 1)
    }

    /// `C*H*W`, the number of neurons.
    public var count: Int { channels * height * width }

    /// `H*W`, the neurons per channel.
    public var plane: Int { height * width }

    /// Whether the shape is a flat `[N]` (`H = W = 1`).
    public var isFlat: Bool { height == 1 && width == 1 }

    /// The flat index of neuron `(c, y, x)`.
    @inlinable
    public func index(_ c: Int, _ y: Int, _ x: Int) -> Int { (c * height + y) * width + x }

    /// `[C,H,W]`, or `[N]` for a flat shape, as written in files and errors.
    public var description: String { isFlat ? "[\(channels)]" : "[\(channels),\(height),\(width)]" }
}
