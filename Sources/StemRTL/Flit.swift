/// A 64-bit single-flit packet of the STEM mesh (docs/hardware-interface.md, "The flit").
///
/// This and `rtl/stem_pkg.sv` are the two encodings of the flit layout; the RTL tests check
/// that they agree (configuration sent as flits leaves the same state as the backdoor).
public struct Flit: Hashable, Sendable, CustomStringConvertible {
    /// The raw 64 bits, as they cross the C ABI.
    public var bits: UInt64

    /// Wraps raw bits.
    public init(bits: UInt64) { self.bits = bits }

    /// The largest mesh coordinate a flit can name (4-bit fields).
    public static let maxCoordinate = 15
    /// The largest axon id a spike flit can carry (16-bit field).
    public static let maxAxon = 0xFFFF

    /// A spike for axon `axon` of the core at tile (`x`, `y`). The hardware writes the
    /// source and the stamp; the host's flits carry source (15, 15).
    public static func spike(toX x: Int, y: Int, axon: Int) -> Flit {
        precondition((0...maxCoordinate).contains(x) && (0...maxCoordinate).contains(y))
        precondition((0...maxAxon).contains(axon))
        return Flit(bits: UInt64(x) << 58 | UInt64(y) << 54 | 0xF << 20 | 0xF << 16 | UInt64(axon))
    }

    /// A configuration write of `data` to word `address` of tile (`x`, `y`).
    public static func configWrite(toX x: Int, y: Int, address: TileAddress, data: UInt32) -> Flit {
        precondition((0...maxCoordinate).contains(x) && (0...maxCoordinate).contains(y))
        return Flit(bits: 1 << 63 | UInt64(x) << 58 | UInt64(y) << 54
            | UInt64(address.rawValue) << 32 | UInt64(data))
    }

    /// Whether this is a configuration write (else a spike).
    public var isConfig: Bool { bits >> 63 & 1 == 1 }
    /// Whether this flit is addressed to the host.
    public var isToHost: Bool { bits >> 62 & 1 == 1 }
    /// Destination x.
    public var destinationX: Int { Int(bits >> 58 & 0xF) }
    /// Destination y.
    public var destinationY: Int { Int(bits >> 54 & 0xF) }
    /// A spike's axon id (for the host: the output index).
    public var axon: Int { Int(bits & 0xFFFF) }
    /// A spike's source tile x (15 for the host).
    public var sourceX: Int { Int(bits >> 16 & 0xF) }
    /// A spike's source tile y (15 for the host).
    public var sourceY: Int { Int(bits >> 20 & 0xF) }
    /// A spike's stamp: the low 16 bits of the mesh cycle counter when it entered the mesh.
    public var stamp: Int { Int(bits >> 24 & 0xFFFF) }
    /// A configuration write's address.
    public var configAddress: TileAddress { TileAddress(rawValue: UInt32(bits >> 32 & 0x3F_FFFF)) }
    /// A configuration write's data.
    public var configData: UInt32 { UInt32(truncatingIfNeeded: bits) }

    /// Cycles from `stamp` to `arrivalCycle` (modulo 2^16, as the hardware counts).
    public func latency(arrivalCycle: UInt64) -> Int {
        Int((arrivalCycle &- UInt64(stamp)) & 0xFFFF)
    }

    public var description: String {
        if isConfig {
            return "config(\(destinationX),\(destinationY)) [\(configAddress)] <- \(configData)"
        }
        let destination = isToHost ? "host" : "(\(destinationX),\(destinationY))"
        return "spike \(destination) axon \(axon) from (\(sourceX),\(sourceY)) stamp \(stamp)"
    }
}
