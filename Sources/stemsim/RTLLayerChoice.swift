import StemModel
import StemRTL

/// `--rtl-layers` of `stemsim run`: the layers that run on the RTL mesh (the rest on the
/// golden model), as given and as cut out of the network (``LayerCut``).
struct RTLLayerChoice {
    /// The option's text, for messages.
    var text: String
    /// The chosen layers and the layers that feed them.
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
        func label(_ l: Int) -> String {
            guard l > 0 else { return "the input" }
            let name = network.layers[l - 1].name
            return "\(l)" + (name.isEmpty ? "" : " \"\(name)\"")
        }
        let sources = cut.sources.map { $0 == 0 ? label($0) : "layer " + label($0) }
        let fed = sources.count == 1 ? sources[0]
            : sources.dropLast().joined(separator: ", ") + " and " + sources.last!
        return cut.layers.map(label).joined(separator: ", ") + " on the RTL, fed by the golden spikes of \(fed); the rest golden"
    }

    /// Runs `make` (which maps the chosen layers), naming the option in a mapping error.
    func mapped<T>(_ make: () throws -> T) throws -> T {
        do {
            return try make()
        } catch let error as MappingError {
            switch error {
            case let .meshTooSmall(cores, meshX, meshY):
                throw CommandFailure(.badInput, "--rtl-layers \(text): the chosen layers need \(cores) cores (with the relays "
                    + "of their shortcuts), but a \(meshX)x\(meshY) mesh has \(meshX * meshY) tiles")
            default:
                throw CommandFailure(.badInput, "--rtl-layers \(text): the chosen layers do not fit the mesh: \(error)")
            }
        }
    }
}
