/// The configuration of a mesh for one run: every tile's registers, weights, biases and
/// fan-out tables, as writes that reach the tiles either as configuration flits through the
/// mesh or through the debug port (the backdoor).
public struct ConfigImage: Sendable, Equatable {
    /// One 32-bit write to a tile's address map.
    public struct Write: Sendable, Equatable {
        /// The tile (`y * meshX + x`).
        public var tile: Int
        /// The word address.
        public var address: TileAddress
        /// The data.
        public var data: UInt32

        public init(tile: Int, address: TileAddress, data: UInt32) {
            self.tile = tile
            self.address = address
            self.data = data
        }
    }

    /// The mesh width (tile numbers to coordinates).
    public let meshX: Int
    /// The writes, in the order they are sent.
    public let writes: [Write]

    public init(meshX: Int, writes: [Write]) {
        self.meshX = meshX
        self.writes = writes
    }

    /// The writes as configuration flits from the host.
    public var flits: [Flit] {
        writes.map { Flit.configWrite(toX: $0.tile % meshX, y: $0.tile / meshX, address: $0.address, data: $0.data) }
    }
}
