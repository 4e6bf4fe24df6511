import ArgumentParser
import StemRTL

/// The mesh a network runs on (`--mesh`, `--neurons`, ...), shared by the subcommands that
/// map networks onto the RTL. Ranges: ``OptionBounds``.
struct MeshArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh size, e.g. 3x2, each side 1...16 (default: the smallest square mesh that holds the network).",
                               valueName: "XxY"),
            transform: MeshSize.parse)
    var mesh: MeshSize?

    @Option(help: OptionBounds.neurons.help("Neurons per core (NumNeurons)"), transform: OptionBounds.neurons.parse)
    var neurons = OptionBounds.neurons.defaultValue

    @Option(help: OptionBounds.axons.help("Inputs per core (NumAxons): a layer's fan-in must fit"),
            transform: OptionBounds.axons.parse)
    var axons = OptionBounds.axons.defaultValue

    @Option(help: OptionBounds.maxFanout.help("Fan-out table entries per neuron (MaxFanout): the most cores a layer may be split over"),
            transform: OptionBounds.maxFanout.parse)
    var maxFanout = OptionBounds.maxFanout.defaultValue

    @Option(help: OptionBounds.fifoDepth.help("Router input FIFO depth (FifoDepth)"), transform: OptionBounds.fifoDepth.parse)
    var fifoDepth = OptionBounds.fifoDepth.defaultValue

    @Option(help: "How the configuration reaches the tiles: packets (through the mesh, as on a chip) or backdoor (the debug port).")
    var configPath: RTLEngine.ConfigurationPath = .packets

    /// The options for the mapper.
    var options: MeshOptions {
        MeshOptions(numNeurons: neurons, numAxons: axons, maxFanout: maxFanout, fifoDepth: fifoDepth,
                    meshSize: mesh.map { ($0.x, $0.y) })
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
