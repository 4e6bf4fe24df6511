/// A 22-bit word address in a tile's address map (docs/hardware-interface.md,
/// "Tile address map"): `region` in bits 21:18, `index` in bits 17:0.
public struct TileAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 22-bit address.
    public var rawValue: UInt32

    /// Wraps a raw address (the upper 10 bits must be zero).
    public init(rawValue: UInt32) {
        precondition(rawValue < 1 << 22, "tile addresses have 22 bits")
        self.rawValue = rawValue
    }

    /// The address `index` in `region`.
    public init(_ region: Region, _ index: Int) {
        precondition((0..<(1 << 18)).contains(index), "a region holds 2^18 words")
        self.rawValue = region.rawValue << 18 | UInt32(index)
    }

    /// The regions of the map.
    public enum Region: UInt32, Sendable, CaseIterable {
        case weight = 0, bias, fanout, register, potential, current, output, status
    }

    /// The configuration registers (region 3).
    public enum Register: Int, Sendable, CaseIterable {
        case numNeurons = 0, shift, multiplier, postShift, rot, drlo, flags, firstWindow, numSamples
    }

    /// The read-only status words (region 7).
    public enum Status: Int, Sendable, CaseIterable {
        case overflows = 0, spikesIn, spikesOut, step, window, busy
        case latencyCount = 8, latencySum, latencyMax, flitsSent
    }

    /// The region of this address.
    public var region: Region { Region(rawValue: rawValue >> 18)! }
    /// The index within the region.
    public var index: Int { Int(rawValue & 0x3_FFFF) }

    /// The weight from axon `axon` to neuron `neuron` of a core with `numNeurons` neurons.
    public static func weight(axon: Int, neuron: Int, numNeurons: Int) -> TileAddress {
        TileAddress(.weight, axon * numNeurons + neuron)
    }
    /// Neuron `neuron`'s bias.
    public static func bias(_ neuron: Int) -> TileAddress { TileAddress(.bias, neuron) }
    /// Entry `k` of neuron `neuron`'s fan-out list.
    public static func fanout(neuron: Int, entry k: Int, maxFanout: Int) -> TileAddress {
        TileAddress(.fanout, neuron * maxFanout + k)
    }
    /// A configuration register.
    public static func register(_ register: Register) -> TileAddress { TileAddress(.register, register.rawValue) }
    /// A status word.
    public static func status(_ status: Status) -> TileAddress { TileAddress(.status, status.rawValue) }

    public var description: String { "\(region)[\(index)]" }
}

extension TileAddress {
    /// The bits of a fan-out entry (region 2) sending to tile (`x`, `y`), axon `axon`, or to
    /// the host (then `axon` is the output index).
    public static func fanoutEntry(toHost: Bool, x: Int, y: Int, axon: Int) -> UInt32 {
        1 << 31 | (toHost ? 1 << 30 : 0) | UInt32(x & 0xF) << 24 | UInt32(y & 0xF) << 20 | UInt32(axon & 0xFFFF)
    }
}
