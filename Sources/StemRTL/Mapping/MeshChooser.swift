import StemModel

/// Chooses the core size and the fan-out table when the user names none (docs/mapping.md):
/// the first core of ``candidates`` on which the network maps onto a mesh of at most 16x16
/// tiles, with the fewest fan-out entries that serve every neuron (the default 4 if that
/// suffices, so that every network that mapped before maps exactly as before).
public struct MeshChooser: Sendable {
    /// Core sizes tried in order, each within the tile address map (`neurons * axons <= 2^18`):
    /// the default 64x64 core, then cores with ever more axons for wide fan-ins.
    public static let candidates: [(neurons: Int, axons: Int)] = [
        (64, 64), (256, 256), (256, 1024), (64, 4096), (16, 16384), (4, 65536),
    ]

    /// The options as given; nil fields are chosen.
    public var numNeurons: Int?
    public var numAxons: Int?
    public var maxFanout: Int?
    public var fifoDepth: Int
    public var meshSize: (x: Int, y: Int)?

    public init(numNeurons: Int? = nil, numAxons: Int? = nil, maxFanout: Int? = nil, fifoDepth: Int = 4,
                meshSize: (x: Int, y: Int)? = nil) {
        self.numNeurons = numNeurons
        self.numAxons = numAxons
        self.maxFanout = maxFanout
        self.fifoDepth = fifoDepth
        self.meshSize = meshSize
    }

    /// Whether anything is left to choose.
    public var choosesSomething: Bool { numNeurons == nil || numAxons == nil || maxFanout == nil }

    /// Maps `network` (only the layers `layers` with the host sending the others' spikes,
    /// when given: ``Mapper/map(_:onMesh:)``) with the given options and the first candidate
    /// that fits the rest; the error of the first candidate tried when none fits (or of the
    /// given options).
    public func map(_ network: Network, onMesh layers: [Int]? = nil) throws(MappingError) -> MeshMapping {
        let layers = layers ?? Array(stride(from: 1, through: network.depth, by: 1))
        let cores: [(neurons: Int, axons: Int)]
        switch (numNeurons, numAxons) {
        case let (n?, a?): cores = [(n, a)]
        case let (n?, nil): cores = [(n, 64)] + Self.candidates.filter { $0.axons > 64 }.map { (n, $0.axons) }
        case let (nil, a?): cores = [(64, a)] + Self.candidates.filter { $0.neurons != 64 }.map { ($0.neurons, a) }
        case (nil, nil): cores = Self.candidates
        }
        var firstError: MappingError?
        for core in cores {
            do {
                return try map(network, layers: layers, neurons: core.neurons, axons: core.axons)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError!
    }

    private func map(_ network: Network, layers: [Int], neurons: Int, axons: Int) throws(MappingError) -> MeshMapping {
        var options = MeshOptions(numNeurons: neurons, numAxons: axons, maxFanout: maxFanout ?? 16,
                                  fifoDepth: fifoDepth, meshSize: meshSize)
        let mapping = try Mapper(options: options).map(network, onMesh: layers)
        guard maxFanout == nil else { return mapping }
        options.maxFanout = max(4, mapping.largestFanout)
        return try Mapper(options: options).map(network, onMesh: layers)
    }
}
