import StemModel
import StemRTL

/// `--rtl-layers` of `stemsim run`: the layers that run on the RTL mesh (the rest on the
/// golden model), as given and as cut out of the network (``LayerCut``).
struct RTLLayerChoice {
    /// The option's text, for messages.
    var text: String
    /// The chosen layers and their sub-network.
    var cut: LayerCut

    /// The layers `text` names in `network`, cut out of it.
    /// - Throws: ``CommandFailure`` (exit 2) naming the option, its value and what is wrong.
    init(_ text: String, network: Network) throws {
        self.text = text
        do {
            cut = try LayerCut(network: network, layers: try LayerCut.parse(text, in: network))
        } catch {
            throw CommandFailure(.badInput, "--rtl-layers \(text): \(error.message)")
        }
    }

    /// `3 "c2", 4 "r1" on the RTL, fed by the golden spikes of layer 2 "p1"; the rest golden`:
    /// what runs where, for the summary.
    var summary: String {
        let network = cut.network
        let layers = cut.layers.map { l in
            let name = network.layers[l - 1].name
            return "\(l)" + (name.isEmpty ? "" : " \"\(name)\"")
        }
        let sourceName = cut.source == 0 ? "" : network.layers[cut.source - 1].name
        let source = cut.source == 0 ? "the input" : "layer \(cut.source)" + (sourceName.isEmpty ? "" : " \"\(sourceName)\"")
        return layers.joined(separator: ", ") + " on the RTL, fed by the golden spikes of \(source); the rest golden"
    }

    /// Runs `make` (which maps the sub-network), saying in a mapping error that its layer
    /// numbers are the sub-network's.
    func mapped<T>(_ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch let error as MappingError {
            let numbering = cut.layers.enumerated().map { "\($0.offset + 1) = layer \($0.element)" }.joined(separator: ", ")
            throw CommandFailure(.badInput, "--rtl-layers \(text): the chosen layers as a network of their own "
                + "(its layer \(numbering)) do not fit the mesh: \(error)")
        }
    }
}
