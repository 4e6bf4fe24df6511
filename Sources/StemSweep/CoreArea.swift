import StemModel

/// The size of one synthesized `stem_core` (`testbenches/synth/core_area.sh`: Yosys' generic
/// gate library, memories kept as memory cells).
public struct CoreArea: Sendable, Equatable {
    /// Gates and flip-flops (memory cells excluded).
    public var cells: Int
    /// Flip-flop bits among the cells.
    public var flops: Int
    /// Bits held in memories (weights, biases, potentials).
    public var memoryBits: Int
    /// The number of memories.
    public var memories: Int
    /// How long Yosys took when the figure was computed.
    public var seconds: Double

    public init(cells: Int, flops: Int, memoryBits: Int, memories: Int, seconds: Double) {
        self.cells = cells
        self.flops = flops
        self.memoryBits = memoryBits
        self.memories = memories
        self.seconds = seconds
    }

    /// Parses the script's last line, `cells=<N> flops=<N> memory_bits=<N> memories=<N> seconds=<S>`.
    public init?(summaryLine line: Substring) {
        var values: [String: Substring] = [:]
        for field in line.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            values[String(parts[0])] = parts[1]
        }
        guard let cells = values["cells"].flatMap({ Int($0) }), let flops = values["flops"].flatMap({ Int($0) }),
              let memoryBits = values["memory_bits"].flatMap({ Int($0) }),
              let memories = values["memories"].flatMap({ Int($0) }),
              let seconds = values["seconds"].flatMap({ Double($0) }) else { return nil }
        self.init(cells: cells, flops: flops, memoryBits: memoryBits, memories: memories, seconds: seconds)
    }
}

/// The core parameters a ``CoreArea`` is synthesized for (the `Name=Value` arguments of
/// `testbenches/synth/core_area.sh`; the others keep the RTL defaults).
public struct CoreAreaParameters: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var timeSteps: Int
    public var weightBits: Int
    public var accBits: Int
    public var saturate: Bool
    public var numNeurons: Int
    public var numAxons: Int
    /// `BiasBits` (the bias memory's width).
    public var biasBits: Int

    public init(timeSteps: Int = 8, weightBits: Int = 8, accBits: Int = 16, saturate: Bool = false,
                numNeurons: Int = 64, numAxons: Int = 64, biasBits: Int = Network.Limits.defaultBiasBits) {
        self.timeSteps = timeSteps
        self.weightBits = weightBits
        self.accBits = accBits
        self.saturate = saturate
        self.numNeurons = numNeurons
        self.numAxons = numAxons
        self.biasBits = biasBits
    }

    /// The script's arguments, in a fixed order. `BiasBits` is given only when it is not the
    /// RTL default (32), so the area cache entries of earlier sweeps keep their keys.
    public var arguments: [String] {
        ["TimeSteps=\(timeSteps)", "WeightBits=\(weightBits)", "AccBits=\(accBits)",
         "Saturate=\(saturate ? 1 : 0)", "NumNeurons=\(numNeurons)", "NumAxons=\(numAxons)"]
            + (biasBits == Network.Limits.defaultBiasBits ? [] : ["BiasBits=\(biasBits)"])
    }

    /// `stem_core AccBits=16 Saturate=0 ...`.
    public var description: String { "stem_core " + arguments.joined(separator: " ") }

    public static func < (a: CoreAreaParameters, b: CoreAreaParameters) -> Bool {
        if (a.accBits, a.saturate ? 1 : 0, a.biasBits) != (b.accBits, b.saturate ? 1 : 0, b.biasBits) {
            return (a.accBits, a.saturate ? 1 : 0, a.biasBits) < (b.accBits, b.saturate ? 1 : 0, b.biasBits)
        }
        return (a.timeSteps, a.weightBits, a.numNeurons, a.numAxons) < (b.timeSteps, b.weightBits, b.numNeurons, b.numAxons)
    }
}
