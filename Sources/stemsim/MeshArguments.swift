import ArgumentParser
import StemRTL

/// The mesh a network runs on (`--mesh`, `--neurons`, ...), shared by the subcommands that
/// map networks onto the RTL.
struct MeshArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Mesh size, e.g. 3x2 (default: the smallest square mesh that holds the network).",
                               valueName: "XxY"))
    var mesh: MeshSize?

    @Option(help: "Neurons per core (NumNeurons).")
    var neurons = 64

    @Option(help: "Inputs per core (NumAxons): a layer's fan-in must fit.")
    var axons = 64

    @Option(help: "Fan-out table entries per neuron (MaxFanout): the most cores a layer may be split over.")
    var maxFanout = 4

    @Option(help: "Router input FIFO depth (FifoDepth).")
    var fifoDepth = 4

    @Option(help: "How the configuration reaches the tiles: packets (through the mesh, as on a chip) or backdoor (the debug port).")
    var configPath: RTLEngine.ConfigurationPath = .packets

    /// The options for the mapper.
    var options: MeshOptions {
        MeshOptions(numNeurons: neurons, numAxons: axons, maxFanout: maxFanout, fifoDepth: fifoDepth,
                    meshSize: mesh.map { ($0.x, $0.y) })
    }
}

/// A mesh size `XxY`.
struct MeshSize: ExpressibleByArgument {
    var x: Int, y: Int

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let x = Int(parts[0]), let y = Int(parts[1]) else { return nil }
        self.x = x
        self.y = y
    }
}

extension RTLEngine.ConfigurationPath: ExpressibleByArgument {}
