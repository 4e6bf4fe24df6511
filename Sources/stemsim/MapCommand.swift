import ArgumentParser
import StemModel
import Foundation
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
        let mapping = try mesh.map(net)
        print(Self.placement(of: mapping, networkPath: path, chosen: mesh.chooser.choosesSomething))
    }

    /// The placement as a table with a summary: per core its layer (or relay), the channels
    /// and positions (or neuron range) it holds, neurons, axons and synapses used out of the
    /// core's, and the flits one spike of its neurons costs; then the mesh's totals.
    static func placement(of mapping: MeshMapping, networkPath: String, chosen: Bool = false) -> String {
        let network = mapping.network
        let options = mapping.options
        let shapes = (0...network.depth).map { network.shape(ofLayer: $0).description }
        var lines = [
            "network  \(networkPath): \(shapes.joined(separator: " -> "))",
            "mesh     \(mapping.meshX)x\(mapping.meshY) tiles, \(mapping.cores.count) used"
                + (mapping.relayCount > 0 ? " (\(mapping.relayCount) relays)" : "") + "; cores of \(options.numNeurons) neurons, "
                + "\(options.numAxons) axons, \(options.maxFanout) fan-out entries" + (chosen ? " (chosen to fit)" : ""),
            "",
            "tile  (x,y)  layer         holds                              neurons      axons        synapses           flits/spike",
        ]
        var synapseTotal = 0, neuronTotal = 0, axonTotal = 0
        for core in mapping.cores {
            let synapses = core.axons.reduce(0) { count, axon in
                count + core.neurons.indices.reduce(0) { $0 + (mapping.weight(core: core, axon: axon, local: $1) == nil ? 0 : 1) }
            }
            synapseTotal += synapses
            neuronTotal += core.neurons.count
            axonTotal += core.fanIn
            let name = core.isRelay ? "relay\(core.relayHop)<\(core.layer)" : "\(core.layer)" + layerName(network, core.layer)
            let flits = mapping.flitsPerSpike(core: core)
            let toHost = !core.isRelay && core.layer == network.depth ? " (host)" : ""
            lines.append(pad("\(core.tile)", 6) + pad("(\(core.x),\(core.y))", 7) + pad(name, 14)
                + pad(holds(core, shape: network.shape(ofLayer: core.layer)), 35)
                + pad("\(core.neurons.count)/\(options.numNeurons)", 13) + pad("\(core.fanIn)/\(options.numAxons)", 13)
                + pad("\(synapses)/\(options.numNeurons * options.numAxons)", 19)
                + String(format: "%.2f (max %d)", flits.mean, flits.max) + toHost)
        }
        for tile in 0..<mapping.tileCount where mapping.core(onTile: tile) == nil {
            lines.append(pad("\(tile)", 6) + pad("(\(tile % mapping.meshX),\(tile / mapping.meshX))", 7) + "unused")
        }
        let memory = mapping.cores.count * options.numNeurons * options.numAxons
        lines.append("")
        lines.append("totals   \(neuronTotal) neurons, \(axonTotal) axons, \(synapseTotal) synapses in \(memory) weight words "
            + String(format: "(%.1f%% used)", memory == 0 ? 0 : 100 * Double(synapseTotal) / Double(memory)))
        lines.append("input spikes cost up to \(mapping.flitsPerSpike(layer: 0)) flit(s) each from the host; "
            + "configuration: \(mapping.configuration(sampleCount: 1).writes.count) writes")
        return lines.joined(separator: "\n")
    }

    private static func layerName(_ network: Network, _ l: Int) -> String {
        guard l >= 1, l <= network.depth, !network.layers[l - 1].name.isEmpty else { return "" }
        return " " + network.layers[l - 1].name
    }

    /// `0..<64` for a flat layer, else `c 0-7 y 0-3 x 0-7` (the bounding box of the core's
    /// neurons).
    private static func holds(_ core: MeshMapping.Core, shape: Shape) -> String {
        guard let first = core.neurons.first, let last = core.neurons.last else { return "-" }
        if shape.isFlat { return "\(first)..<\(last + 1)" }
        var c = (Int.max, Int.min), y = (Int.max, Int.min), x = (Int.max, Int.min)
        for neuron in core.neurons {
            let (nc, ny, nx) = (neuron / shape.plane, (neuron % shape.plane) / shape.width, neuron % shape.width)
            c = (min(c.0, nc), max(c.1, nc)); y = (min(y.0, ny), max(y.1, ny)); x = (min(x.0, nx), max(x.1, nx))
        }
        return "c \(c.0)-\(c.1) y \(y.0)-\(y.1) x \(x.0)-\(x.1)"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
