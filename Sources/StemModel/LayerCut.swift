/// A set of layers cut out of a network to run on their own (`stemsim run --rtl-layers`): the
/// chosen layers, and the layers outside the set whose spikes feed them (docs/stem-spec.md
/// section 7, "Mixed-level runs").
///
/// The chosen layers keep their numbers and their stages: the device runs them at the steps at
/// which the full network runs them, and is told, in each step, the spikes the other layers
/// send in it (``sources``: the inputs and every layer outside the set that feeds a chosen
/// layer, through a connection of any kind, shortcuts included). Any non-empty set of layers
/// can be cut that way, consecutive or not, with one source or several (a residual join
/// alone, fed by its main path and its shortcut).
///
/// ```swift
/// let cut = try LayerCut(network: network, layers: LayerCut.parse("2,3", in: network))
/// cut.sources   // [1]: layer 1's spikes feed layers 2 and 3
/// ```
public struct LayerCut: Sendable, Equatable {
    /// The full network.
    public let network: Network
    /// The chosen layers (`1...L`), ascending.
    public let layers: [Int]
    /// The layers outside the set (0 = the input) whose spikes feed the chosen layers,
    /// ascending.
    public let sources: [Int]

    /// Cuts `layers` (numbers `1...L`, any order, no duplicates) out of `network`.
    /// - Throws: ``LayerCutError`` when the list is empty, or a layer is out of range or
    ///   repeated.
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
        var sources = Set<Int>()
        for l in layers {
            for connection in network.layers[l - 1].inputs {
                let from = network.source(of: connection, inLayer: l)
                if !seen.contains(from) { sources.insert(from) }
            }
        }
        self.network = network
        self.layers = layers
        self.sources = sources.sorted()
    }

    /// Whether layer `layer` (`1...L`) is one of the chosen layers.
    public func contains(_ layer: Int) -> Bool { layers.contains(layer) }

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
