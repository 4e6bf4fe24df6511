import StemModel

/// How a layer's neurons are split over cores (docs/mapping.md).
enum CoreTiling {
    /// The neuron sets (indices within layer `l`, ascending) of the cores that hold layer `l`.
    ///
    /// A layer with a dense connection: contiguous ranges, `ceil(width / numNeurons)` of them,
    /// sizes differing by at most one. Otherwise tiles of `cg` channels x `th` rows x `tw`
    /// columns, balanced the same way along each axis: of all tile sizes whose neurons fit
    /// `numNeurons` and whose receptive fields (bounded per connection) fit `numAxons`, the one
    /// with the fewest tiles, then the fewest axons in total (packets per spike), then the
    /// fewest channel groups.
    static func tiles(of l: Int, in network: Network, numNeurons n: Int, numAxons a: Int) throws(MappingError) -> [[Int]] {
        let layer = network.layers[l - 1]
        let width = layer.width
        if layer.inputs.contains(where: { $0.kind == .dense }) {
            let count = (width + n - 1) / n
            return (0..<count).map { k in Array((k * width / count)..<((k + 1) * width / count)) }
        }
        let shape = layer.shape
        let sources = layer.inputs.map { network.shape(ofLayer: network.source(of: $0, inLayer: l)) }
        func bound(_ cg: Int, _ th: Int, _ tw: Int) -> Int {
            zip(layer.inputs, sources).reduce(0) {
                $0 + $1.0.sourceBound(channels: cg, rows: th, columns: tw, input: $1.1)
            }
        }
        var best: (cores: Int, axons: Int, groups: Int, cg: Int, th: Int, tw: Int)?
        for gc in 1...shape.channels {
            let cg = (shape.channels + gc - 1) / gc
            guard (shape.channels + cg - 1) / cg == gc else { continue }  // one size per group count
            for gh in 1...shape.height {
                let th = (shape.height + gh - 1) / gh
                guard (shape.height + th - 1) / th == gh else { continue }
                for gw in 1...shape.width {
                    let tw = (shape.width + gw - 1) / gw
                    guard (shape.width + tw - 1) / tw == gw, cg * th * tw <= n else { continue }
                    let axons = bound(cg, th, tw)
                    guard axons <= a else { continue }
                    let key = (cores: gc * gh * gw, axons: axons * gc * gh * gw, groups: gc, cg: cg, th: th, tw: tw)
                    if let b = best, (b.cores, b.axons, b.groups) <= (key.cores, key.axons, key.groups) { continue }
                    best = key
                }
            }
        }
        guard let best else {
            // Not even one neuron's receptive field fits.
            throw .fanInTooLarge(layer: l, fanIn: bound(1, 1, 1), numAxons: a)
        }
        func split(_ size: Int, _ groups: Int) -> [Range<Int>] {
            (0..<groups).map { k in (k * size / groups)..<((k + 1) * size / groups) }
        }
        var tiles: [[Int]] = []
        let gc = (shape.channels + best.cg - 1) / best.cg
        let gh = (shape.height + best.th - 1) / best.th
        let gw = (shape.width + best.tw - 1) / best.tw
        for channels in split(shape.channels, gc) {
            for rows in split(shape.height, gh) {
                for columns in split(shape.width, gw) {
                    var neurons: [Int] = []
                    neurons.reserveCapacity(channels.count * rows.count * columns.count)
                    for c in channels {
                        for y in rows {
                            for x in columns { neurons.append(shape.index(c, y, x)) }
                        }
                    }
                    tiles.append(neurons)
                }
            }
        }
        return tiles
    }
}
