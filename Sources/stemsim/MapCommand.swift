import ArgumentParser
import StemModel
import StemRTL

/// `stemsim map`: where a network's layers go on the mesh.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Show how a network is placed on the mesh: which layer on which tile, neurons and axons used, packets per spike.")

    @Option(help: ArgumentHelp("The network file (default: the digits example).", valueName: "file"))
    var network: String?

    @OptionGroup(title: "Mesh")
    var mesh: MeshArguments

    func run() throws {
        let path = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let net = try Network.load(from: path)
        let mapping = try Mapper(options: mesh.options).map(net)
        print(Self.placement(of: mapping, networkPath: path))
    }

    /// The placement as a table with a summary.
    static func placement(of mapping: MeshMapping, networkPath: String) -> String {
        let network = mapping.network
        let options = mapping.options
        var lines = [
            "network  \(networkPath): \(network.layerWidths.map(String.init).joined(separator: "-"))",
            "mesh     \(mapping.meshX)x\(mapping.meshY) tiles, \(mapping.cores.count) used; cores of \(options.numNeurons) neurons, "
                + "\(options.numAxons) axons, \(options.maxFanout) fan-out entries",
            "",
            "tile  (x,y)  layer  neurons       used         axons used   flits per spike",
        ]
        for core in mapping.cores {
            let neurons = "\(core.neurons.lowerBound)..<\(core.neurons.upperBound)"
            let used = "\(core.neurons.count)/\(options.numNeurons)"
            let axons = "\(core.fanIn)/\(options.numAxons)"
            lines.append(pad("\(core.tile)", 6) + pad("(\(core.x),\(core.y))", 7) + pad("\(core.layer)", 7)
                + pad(neurons, 14) + pad(used, 13) + pad(axons, 13) + "\(mapping.flitsPerSpike(layer: core.layer))"
                + (core.layer == network.depth ? " (to the host)" : ""))
        }
        for tile in 0..<mapping.tileCount where mapping.core(onTile: tile) == nil {
            lines.append(pad("\(tile)", 6) + pad("(\(tile % mapping.meshX),\(tile / mapping.meshX))", 7) + "unused")
        }
        lines.append("")
        lines.append("input spikes cost \(mapping.flitsPerSpike(layer: 0)) flit(s) each from the host; "
            + "configuration: \(mapping.configuration(sampleCount: 1).writes.count) writes")
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
