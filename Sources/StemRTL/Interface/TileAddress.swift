/// A 22-bit word address in a tile's address map (docs/hardware-interface.md,
/// "Tile address map"): `region` in bits 21:18, `index` in bits 17:0
/// (``HardwareInterface/Address``).
public struct TileAddress: Hashable, Sendable, CustomStringConvertible {
    /// The 22-bit address.
    public var rawValue: UInt32

    private typealias Layout = HardwareInterface.Address

    /// Wraps a raw address (the bits above the address must be zero).
    public init(rawValue: UInt32) {
        precondition(rawValue < 1 << HardwareInterface.addressWidth, "tile addresses have 22 bits")
        self.rawValue = rawValue
    }

    /// The address `index` in `region`.
    public init(_ region: Region, _ index: Int) {
        precondition((0...Layout.index.maxValue).contains(index), "a region holds 2^18 words")
        self.rawValue = UInt32(Layout.region.placing(UInt64(region.rawValue)) | Layout.index.placing(UInt64(index)))
    }

    // The regions (`Region`), the configuration registers (`Register`, region 3) and the
    // read-only status words (`Status`, region 7) are generated from rtl/stem_interface.json
    // (HardwareInterface.swift, written at build time).

    /// The region of this address.
    public var region: Region { Region(rawValue: UInt32(Layout.region.value(in: UInt64(rawValue))))! }
    /// The index within the region.
    public var index: Int { Int(Layout.index.value(in: UInt64(rawValue))) }

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
        typealias Entry = HardwareInterface.Fanout
        return UInt32(Entry.valid.placing(1) | Entry.toHost.placing(toHost ? 1 : 0) | Entry.x.placing(UInt64(x))
            | Entry.y.placing(UInt64(y)) | Entry.axon.placing(UInt64(axon)))
    }
}
