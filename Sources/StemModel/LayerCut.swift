/// A set of layers cut out of a network to run on their own (`stemsim run --rtl-layers`): the
/// sub-network of those layers, whose input layer is the one layer that feeds them from
/// outside the set (docs/stem-spec.md section 7, "Mixed-level runs").
///
/// Timing: the source layer `src` sends sample `k` in window `k + stage(src)`; in the
/// sub-network its input (layer 0) sends sample `k` in window `k`, and every chosen layer `l`
/// has the sub-network stage `stage(l) - stage(src)` (its sources are the source layer or
/// chosen layers). So the sub-network run on the source layer's spike train, started at global
/// step ``startStep`` = `stage(src) * B`, sends every chosen layer's spikes of sample `k` in
/// window `k + stage(l)` of the full run: its step `t` is global step `t + startStep`. Before
/// ``startStep`` and after its `(S + D') * B` steps the chosen layers carry no sample and are
/// silent in the full run too.
///
/// ```swift
/// let cut = try LayerCut(network: network, layers: LayerCut.parse("2,3", in: network))
/// let sub = cut.subNetwork   // layers 2 and 3, fed by layer 1's spikes
/// ```
public struct LayerCut: Sendable, Equatable {
    /// The full network.
    public let network: Network
    /// The chosen layers (`1...L`), ascending; layer `layers[i]` is layer `i + 1` of
    /// ``subNetwork``.
    public let layers: [Int]
    /// The layer (0 = the input) whose spikes feed the chosen layers from outside.
    public let source: Int
    /// The chosen layers with the source layer as their input layer.
    public let subNetwork: Network

    /// Cuts `layers` (numbers `1...L`, any order, no duplicates) out of `network`.
    /// - Throws: ``LayerCutError`` when a layer is out of range or repeated, or when the
    ///   chosen layers are fed from more than one layer outside the set (the sub-network has
    ///   one input layer).
    public init(network: Network, layers chosen: [Int]) throws(LayerCutError) {
        guard !chosen.isEmpty else { throw LayerCutError("names no layer") }
        var seen = Set<Int>()
        for l in chosen {
            guard l >= 1 && l <= network.depth else {
                throw LayerCutError("layer \(l) is out of range 1...\(network.depth) (the network's layers)")
            }
            guard seen.insert(l).inserted else { throw LayerCutError("names layer \(Self.label(l, in: network)) twice") }
        }
        let layers = chosen.sorted()
        var subIndex = [Int: Int]()
        for (i, l) in layers.enumerated() { subIndex[l] = i + 1 }

        // The one layer outside the set that feeds it.
        var source: Int?
        var sourceUser = 0
        for l in layers {
            for connection in network.layers[l - 1].inputs {
                let from = network.source(of: connection, inLayer: l)
                guard subIndex[from] == nil else { continue }
                if let known = source, known != from {
                    let second = sourceUser == l ? "by layer" : "layer \(Self.label(l, in: network)) by layer"
                    throw LayerCutError(
                        "layer \(Self.label(sourceUser, in: network)) is fed by layer \(Self.label(known, in: network)) and "
                        + "\(second) \(Self.label(from, in: network)), both outside the chosen layers; "
                        + "the RTL's only input is one layer's spikes, so every connection entering the chosen layers must come "
                        + "from the same layer (add the other source's layers to the set, or choose fewer)")
                }
                source = from
                sourceUser = l
            }
        }
        guard let source else {
            // Unreachable for a valid network: layer 1's sources are all outside any set.
            throw LayerCutError("the chosen layers are fed by no layer outside them")
        }

        var subLayers: [Layer] = []
        for l in layers {
            var layer = network.layers[l - 1]
            layer.inputs = layer.inputs.map { connection in
                var copy = connection
                let from = network.source(of: connection, inLayer: l)
                copy.source = subIndex[from] ?? 0
                return copy
            }
            subLayers.append(layer)
        }
        var sub = Network(timeSteps: network.timeSteps, weightBits: network.weightBits,
                          accumulatorBits: network.accumulatorBits, overflow: network.overflow,
                          inputShape: network.shape(ofLayer: source),
                          inputSigned: source == 0 && network.inputSigned, layers: subLayers)
        sub.biasBits = network.biasBits

        // The timing argument above, checked: a chosen layer's stage in the sub-network is its
        // stage in the full network less the source's.
        let fullStages = network.stages, subStages = sub.stages
        for (i, l) in layers.enumerated() where subStages[i + 1] + fullStages[source] != fullStages[l] {
            throw LayerCutError("layer \(Self.label(l, in: network)) would run at stage \(subStages[i + 1] + fullStages[source]) "
                + "instead of \(fullStages[l])")
        }
        self.network = network
        self.layers = layers
        self.source = source
        self.subNetwork = sub
    }

    /// The layer of ``subNetwork`` (`1...`) that runs layer `layer` of the full network, or nil
    /// if it is not chosen.
    public func subLayer(of layer: Int) -> Int? {
        layers.firstIndex(of: layer).map { $0 + 1 }
    }

    /// The global step at which the sub-network's step 0 runs: `stage(source) * B`.
    public var startStep: Int { network.stages[source] * network.timeSteps }

    /// The layer numbers a comma-separated list names: each item a layer number `1...L` or a
    /// layer's name (version 2), in the order given.
    /// - Throws: ``LayerCutError`` for an empty list or item, or an item that is no layer.
    public static func parse(_ text: String, in network: Network) throws(LayerCutError) -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Self.trimmed(Substring($0)) }
        guard !Self.trimmed(Substring(text)).isEmpty else { throw LayerCutError("names no layer") }
        var result: [Int] = []
        for item in items {
            guard !item.isEmpty else { throw LayerCutError("has an empty item") }
            if let number = Int(item) {
                guard number >= 1 && number <= network.depth else {
                    throw LayerCutError("layer \(number) is out of range 1...\(network.depth) (the network's layers, or their names)")
                }
                result.append(number)
            } else if let index = network.layers.firstIndex(where: { !$0.name.isEmpty && $0.name == item }) {
                result.append(index + 1)
            } else {
                let names = network.layers.map(\.name).filter { !$0.isEmpty }
                let known = names.isEmpty ? "the network's layers are numbered 1...\(network.depth) and have no names"
                    : "layers are 1...\(network.depth) or one of " + names.prefix(12).joined(separator: ", ")
                        + (names.count > 12 ? ", ..." : "")
                throw LayerCutError("\"\(item)\" is no layer (\(known))")
            }
        }
        return result
    }

    /// `text` without leading and trailing spaces.
    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// `2` or `2 "conv2"`.
    static func label(_ layer: Int, in network: Network) -> String {
        guard (1...network.depth).contains(layer) else { return "\(layer)" + (layer == 0 ? " (the input)" : "") }
        let name = network.layers[layer - 1].name
        return name.isEmpty ? "\(layer)" : "\(layer) \"\(name)\""
    }
}
