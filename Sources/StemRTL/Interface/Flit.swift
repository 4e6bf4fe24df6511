/// A 64-bit single-flit packet of the STEM mesh (docs/hardware-interface.md, "The flit").
///
/// The field positions come from ``HardwareInterface`` (generated from
/// `rtl/stem_interface.json`, the table `rtl/stem_pkg.sv` and the C shim use too); the RTL
/// tests check that flits and the backdoor agree (configuration sent as flits leaves the same
/// state as the backdoor).
public struct Flit: Hashable, Sendable, CustomStringConvertible {
    private typealias Layout = HardwareInterface.Flit
    private typealias Spike = HardwareInterface.Spike
    private typealias Config = HardwareInterface.Config

    /// The raw 64 bits, as they cross the C ABI.
    public var bits: UInt64

    /// Wraps raw bits.
    public init(bits: UInt64) { self.bits = bits }

    /// The largest mesh coordinate a flit can name.
    public static let maxCoordinate = Layout.destinationX.maxValue
    /// The largest axon id a spike flit can carry.
    public static let maxAxon = Spike.axon.maxValue

    /// A spike for axon `axon` of the core at tile (`x`, `y`). The hardware writes the
    /// source and the stamp; the host's flits carry source (15, 15).
    public static func spike(toX x: Int, y: Int, axon: Int) -> Flit {
        precondition((0...maxCoordinate).contains(x) && (0...maxCoordinate).contains(y))
        precondition((0...maxAxon).contains(axon))
        let host = UInt64(HardwareInterface.hostCoordinate)
        return Flit(bits: Layout.kind.placing(HardwareInterface.Kind.spike.rawValue)
            | Layout.destinationX.placing(UInt64(x)) | Layout.destinationY.placing(UInt64(y))
            | Spike.sourceY.placing(host) | Spike.sourceX.placing(host) | Spike.axon.placing(UInt64(axon)))
    }

    /// A configuration write of `data` to word `address` of tile (`x`, `y`).
    public static func configWrite(toX x: Int, y: Int, address: TileAddress, data: UInt32) -> Flit {
        precondition((0...maxCoordinate).contains(x) && (0...maxCoordinate).contains(y))
        return Flit(bits: Layout.kind.placing(HardwareInterface.Kind.config.rawValue)
            | Layout.destinationX.placing(UInt64(x)) | Layout.destinationY.placing(UInt64(y))
            | Config.address.placing(UInt64(address.rawValue)) | Config.data.placing(UInt64(data)))
    }

    /// Whether this is a configuration write (else a spike).
    public var isConfig: Bool { Layout.kind.value(in: bits) == HardwareInterface.Kind.config.rawValue }
    /// Whether this flit is addressed to the host.
    public var isToHost: Bool { Layout.toHost.value(in: bits) == 1 }
    /// Destination x.
    public var destinationX: Int { Int(Layout.destinationX.value(in: bits)) }
    /// Destination y.
    public var destinationY: Int { Int(Layout.destinationY.value(in: bits)) }
    /// A spike's axon id (for the host: the output index).
    public var axon: Int { Int(Spike.axon.value(in: bits)) }
    /// A spike's source tile x (15 for the host).
    public var sourceX: Int { Int(Spike.sourceX.value(in: bits)) }
    /// A spike's source tile y (15 for the host).
    public var sourceY: Int { Int(Spike.sourceY.value(in: bits)) }
    /// A spike's stamp: the low 16 bits of the mesh cycle counter when it entered the mesh.
    public var stamp: Int { Int(Spike.stamp.value(in: bits)) }
    /// A configuration write's address.
    public var configAddress: TileAddress { TileAddress(rawValue: UInt32(Config.address.value(in: bits))) }
    /// A configuration write's data.
    public var configData: UInt32 { UInt32(Config.data.value(in: bits)) }

    /// Cycles from `stamp` to `arrivalCycle` (modulo 2^16, as the hardware counts).
    public func latency(arrivalCycle: UInt64) -> Int {
        Int((arrivalCycle &- UInt64(stamp)) & Spike.stamp.mask)
    }

    public var description: String {
        if isConfig {
            return "config(\(destinationX),\(destinationY)) [\(configAddress)] <- \(configData)"
        }
        let destination = isToHost ? "host" : "(\(destinationX),\(destinationY))"
        return "spike \(destination) axon \(axon) from (\(sourceX),\(sourceY)) stamp \(stamp)"
    }
}
