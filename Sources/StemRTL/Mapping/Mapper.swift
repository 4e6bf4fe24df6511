import StemModel

/// Places a network onto a mesh of STEM cores: each layer split over as many cores as its
/// width needs (in order, sizes differing by at most one), cores on tiles in row-major order
/// from tile (0, 0), which is where the host is attached.
public struct Mapper: Sendable {
    /// The core's capacity and the mesh size.
    public var options: MeshOptions

    /// A mapper for `options`.
    public init(options: MeshOptions = MeshOptions()) {
        self.options = options
    }

    /// Maps `network`, or says which layer does not fit which limit.
    public func map(_ network: Network) throws(MappingError) -> MeshMapping {
        if let refusal = network.hardwareRefusal { throw .graphNetwork(refusal) }
        try options.validate()
        let n = options.numNeurons, a = options.numAxons, fanout = options.maxFanout
        var shares: [(layer: Int, neurons: Range<Int>, fanIn: Int)] = []
        for (index, layer) in network.layers.enumerated() {
            let l = index + 1
            let fanIn = network.width(ofLayer: l - 1)
            guard fanIn <= a else { throw .fanInTooLarge(layer: l, fanIn: fanIn, numAxons: a) }
            let width = layer.width
            let count = (width + n - 1) / n
            // Every neuron of the layer before sends one flit to each of these cores; the host
            // feeds layer 1 and has no fan-out table.
            if l > 1, count > fanout {
                throw .tooManyCores(layer: l, width: width, cores: count, numNeurons: n, maxFanout: fanout)
            }
            for k in 0..<count {
                shares.append((l, (k * width / count)..<((k + 1) * width / count), fanIn))
            }
        }
        if network.outputSize > 1 << 16 {
            throw .coreTooLarge(numNeurons: n, numAxons: a, maxFanout: fanout)
        }
        let meshX: Int, meshY: Int
        if let size = options.meshSize {
            (meshX, meshY) = size
            guard (1...16).contains(meshX), (1...16).contains(meshY) else { throw .meshSizeOutOfRange(meshX: meshX, meshY: meshY) }
            guard meshX * meshY >= shares.count else {
                throw .meshTooSmall(cores: shares.count, meshX: meshX, meshY: meshY)
            }
        } else {
            var k = 1
            while k * k < shares.count { k += 1 }
            guard k <= 16 else { throw .meshTooLarge(cores: shares.count) }
            (meshX, meshY) = (k, k)
        }
        let cores = shares.enumerated().map { tile, share in
            MeshMapping.Core(layer: share.layer, tile: tile, x: tile % meshX, y: tile / meshX,
                             neurons: share.neurons, fanIn: share.fanIn)
        }
        return MeshMapping(network: network, options: options, meshX: meshX, meshY: meshY, cores: cores)
    }
}
