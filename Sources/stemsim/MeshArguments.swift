import ArgumentParser
import StemModel
import StemRTL

/// The mesh a network runs on (`--mesh`, `--neurons`, ...), shared by the subcommands that
/// map networks onto the RTL. Ranges: ``OptionBounds``.
struct MeshArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh size, e.g. 3x2, each side 1...16 (default: the smallest square mesh that holds the network).",
                               valueName: "XxY"),
            transform: MeshSize.parse)
    var mesh: MeshSize?

    @Option(help: OptionBounds.neurons.help("Neurons per core (NumNeurons)",
                                            defaultNote: "other sizes when the network needs them"),
            transform: OptionBounds.neurons.parse)
    var neurons: Int?

    @Option(help: OptionBounds.axons.help("Inputs per core (NumAxons): a neuron's fan-in must fit",
                                          defaultNote: "more when the network needs them"),
            transform: OptionBounds.axons.parse)
    var axons: Int?

    @Option(help: OptionBounds.maxFanout.help("Fan-out table entries per neuron (MaxFanout): the most axons of other cores one spike reaches",
                                              defaultNote: "more when the mapping needs them"),
            transform: OptionBounds.maxFanout.parse)
    var maxFanout: Int?

    @Option(help: OptionBounds.fifoDepth.help("Router input FIFO depth (FifoDepth)"), transform: OptionBounds.fifoDepth.parse)
    var fifoDepth = OptionBounds.fifoDepth.defaultValue

    @Option(help: "How the configuration reaches the tiles: packets (through the mesh, as on a chip) or backdoor (the debug port).")
    var configPath: RTLEngine.ConfigurationPath = .packets

    /// The options as given, the documented defaults for the rest (no choice made).
    var options: MeshOptions {
        MeshOptions(numNeurons: neurons ?? OptionBounds.neurons.defaultValue, numAxons: axons ?? OptionBounds.axons.defaultValue,
                    maxFanout: maxFanout ?? OptionBounds.maxFanout.defaultValue, fifoDepth: fifoDepth,
                    meshSize: mesh.map { ($0.x, $0.y) })
    }

    /// The options as given; the mapper chooses the core size and fan-out table left out.
    var chooser: MeshChooser {
        MeshChooser(numNeurons: neurons, numAxons: axons, maxFanout: maxFanout, fifoDepth: fifoDepth,
                    meshSize: mesh.map { ($0.x, $0.y) })
    }

    /// Maps `network` (only `layers`, when given: `--rtl-layers`) onto the mesh the options
    /// name, choosing what they leave out.
    func map(_ network: Network, onMesh layers: [Int]? = nil) throws(MappingError) -> MeshMapping {
        try chooser.map(network, onMesh: layers)
    }

    /// `mesh 3x3, cores of 256 neurons x 1024 axons, 16 fan-out entries (chosen)`: what a run
    /// uses, saying which part was chosen.
    static func summary(of mapping: MeshMapping, chosen: Bool) -> String {
        let o = mapping.options
        return "mesh \(mapping.meshX)x\(mapping.meshY), cores of \(o.numNeurons) neurons x \(o.numAxons) axons, "
            + "\(o.maxFanout) fan-out entries" + (chosen ? " (chosen to fit; --neurons/--axons/--max-fanout override)" : "")
    }
}

/// A mesh size `XxY`, each side in ``OptionBounds/meshSide``.
struct MeshSize: CustomStringConvertible, Sendable {
    var x: Int, y: Int

    init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    /// `3x2`, or a ``ValidationError`` naming the text and the range.
    static func parse(_ text: String) throws -> MeshSize {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        let bounds = OptionBounds.meshSide
        guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]) else {
            throw ValidationError("--mesh \(text) is not a size like 3x2 (each side \(bounds.rangeText))")
        }
        for side in [x, y] where !bounds.range.contains(side) {
            throw ValidationError("--mesh \(text): \(side) is out of range \(bounds.rangeText)")
        }
        return MeshSize(x: x, y: y)
    }

    var description: String { "\(x)x\(y)" }
}

extension RTLEngine.ConfigurationPath: ExpressibleByArgument {}
