/// Why a network does not fit the chosen mesh; each case names the layer and the limit.
public enum MappingError: Error, Equatable, CustomStringConvertible {
    /// A layer's fan-in exceeds the core's axons.
    case fanInTooLarge(layer: Int, fanIn: Int, numAxons: Int)
    /// A layer needs more cores than a neuron's fan-out table can reach.
    case tooManyCores(layer: Int, width: Int, cores: Int, numNeurons: Int, maxFanout: Int)
    /// The mesh has fewer tiles than the network needs cores.
    case meshTooSmall(cores: Int, meshX: Int, meshY: Int)
    /// The mesh is larger than the flit's 4-bit coordinates allow.
    case meshTooLarge(cores: Int)
    /// A requested mesh size outside 1x1...16x16.
    case meshSizeOutOfRange(meshX: Int, meshY: Int)
    /// A core does not fit the address map or the flit's 16-bit axon field.
    case coreTooLarge(numNeurons: Int, numAxons: Int, maxFanout: Int)
    /// Relay cores (shortcut delays) need an accumulator of at least `B + 1` bits.
    case relayNeedsWiderAccumulator(accumulatorBits: Int, timeSteps: Int)
    /// A neuron's spike must reach more axons than its fan-out table has entries.
    case fanOutTooLarge(sender: String, neuron: Int, destinations: Int, maxFanout: Int)
    /// A core parameter outside the RTL's range (``ModelParameters/ranges``).
    case parameterOutOfRange(name: String, value: Int, allowed: ClosedRange<Int>)

    public var description: String {
        switch self {
        case let .relayNeedsWiderAccumulator(bits, steps):
            return "the network has shortcuts, which relay cores delay; a relay holds values up to 2^\(steps)-1 and "
                + "needs an accumulator of at least \(steps + 1) bits, but accumulatorBits is \(bits)"
        case let .fanOutTooLarge(sender, neuron, destinations, maxFanout):
            return "neuron \(neuron) of \(sender) must reach \(destinations) cores' axons, but its fan-out table has "
                + "\(maxFanout) entries (MaxFanout); use --max-fanout \(destinations) (at most 16) or larger cores"
        case let .fanInTooLarge(layer, fanIn, numAxons):
            return "layer \(layer) has fan-in \(fanIn), but a core has \(numAxons) axons (NumAxons); "
                + "use cores with --axons \(fanIn) or more"
        case let .tooManyCores(layer, width, cores, numNeurons, maxFanout):
            return "layer \(layer) has \(width) neurons and needs \(cores) cores of \(numNeurons) neurons, "
                + "but a neuron's fan-out table reaches at most \(maxFanout) cores (MaxFanout); "
                + "use larger cores (--neurons) or --max-fanout \(cores)"
        case let .meshTooSmall(cores, meshX, meshY):
            return "the network needs \(cores) cores, but a \(meshX)x\(meshY) mesh has \(meshX * meshY) tiles"
        case let .meshTooLarge(cores):
            return "the network needs \(cores) cores, more than the largest mesh (16x16) holds; use larger cores"
        case let .meshSizeOutOfRange(meshX, meshY):
            return "a \(meshX)x\(meshY) mesh is outside 1x1...16x16 (the flit has 4-bit coordinates)"
        case let .coreTooLarge(numNeurons, numAxons, maxFanout):
            return "a core of \(numNeurons) neurons, \(numAxons) axons and \(maxFanout) fan-out entries does not fit "
                + "the tile address map (NumNeurons*NumAxons and NumNeurons*MaxFanout at most 262144, "
                + "NumAxons and the output width at most 65536)"
        case let .parameterOutOfRange(name, value, allowed):
            let option = ["NumNeurons": "--neurons", "NumAxons": "--axons", "MaxFanout": "--max-fanout",
                          "FifoDepth": "--fifo-depth"][name].map { ", \($0)" } ?? ""
            return "\(name)\(option) \(value) is out of range \(allowed.lowerBound)...\(allowed.upperBound)"
        }
    }
}
