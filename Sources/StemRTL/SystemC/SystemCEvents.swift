import StemModel
import StemSupport

/// The raw events of a SystemC testbench run (`stem_systemc --events`, `stem-systemc-events`
/// version 1; docs/systemc.md): per step of the stimulus, its clock cycles, the spike
/// monitor's events (the mesh's step counter, tile, local neuron) and the flits that reached the
/// host (their bits and the mesh cycle they arrived in). The testbench knows nothing of layers;
/// ``spikes(on:)`` maps the events to (layer, neuron) with the run's ``MeshMapping``, as
/// ``RTLEngine`` does for the Verilated model.
///
/// The file is text, one event a line, numbers decimal except the flit (16 hexadecimal digits):
/// ```
/// stem-systemc-events 1
/// initiator pin
/// step 0 21                  step 0 took 21 cycles; the lines below belong to it
/// spike 0 1 5                step_o 0, tile 1, local neuron 5
/// host c00f0f0000050012 97   a flit that reached the host in mesh cycle 97
/// step 1 83
/// outside                    events the mesh sent outside every step (none on a correct mesh)
/// end
/// ```
public struct SystemCEvents: Sendable, Equatable {
    /// A spike on the monitor: tile `tile` sent local neuron `neuron` while the mesh's step
    /// counter (`step_o`) showed `step`.
    public struct MonitorEvent: Sendable, Equatable {
        public var step: Int, tile: Int, neuron: Int

        public init(step: Int, tile: Int, neuron: Int) {
            self.step = step
            self.tile = tile
            self.neuron = neuron
        }
    }

    /// A flit that reached the host and the mesh cycle it arrived in (cycles since `rst_ni` was
    /// released, the counter whose low bits stamp the flits, as the C shim counts it).
    public struct HostFlit: Sendable, Equatable {
        public var bits: UInt64, cycle: UInt64

        public init(bits: UInt64, cycle: UInt64) {
            self.bits = bits
            self.cycle = cycle
        }
    }

    /// What one step (or the time outside the steps) produced.
    public struct Step: Sendable, Equatable {
        /// Clock cycles from the step's pulse to its barrier (0 for ``SystemCEvents/outside``).
        public var cycles: Int
        public var spikes: [MonitorEvent]
        public var hostFlits: [HostFlit]

        public init(cycles: Int = 0, spikes: [MonitorEvent] = [], hostFlits: [HostFlit] = []) {
            self.cycles = cycles
            self.spikes = spikes
            self.hostFlits = hostFlits
        }
    }

    /// The first word of the file.
    public static let formatName = "stem-systemc-events"
    /// The version this reader accepts.
    public static let formatVersion = 1

    /// `pin` or `tlm`.
    public var initiator: String
    /// The steps of the stimulus, in order.
    public var steps: [Step]
    /// Events the mesh sent outside every step.
    public var outside: Step

    public init(initiator: String, steps: [Step], outside: Step = Step()) {
        self.initiator = initiator
        self.steps = steps
        self.outside = outside
    }

    /// Reads an events file.
    /// - Throws: ``FormatError`` naming the file, the line and what is wrong.
    public init(contentsOf path: String) throws(FormatError) {
        try self.init(parsing: try FileIO.read(path), file: path)
    }

    /// Parses the text of an events file (`file` names it in errors).
    public init(parsing bytes: [UInt8], file: String) throws(FormatError) {
        var initiator: String?
        var steps: [Step] = []
        var outside = Step()
        var inOutside = false
        var ended = false
        var lineNumber = 0
        var lineStart = 0
        func fail(_ message: String) -> FormatError {
            FormatError(file: file, location: .position(line: lineNumber, column: 1), message: message)
        }
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            lineNumber += 1
            let words = bytes[lineStart..<end].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            lineStart = end + 1
            guard !ended else { throw fail("text after 'end'") }
            if lineNumber == 1 {
                guard words == [Self.formatName, String(Self.formatVersion)] else {
                    throw fail("the first line must be '\(Self.formatName) \(Self.formatVersion)'")
                }
                continue
            }
            func number(_ k: Int, _ what: String) throws(FormatError) -> Int {
                guard k < words.count, let value = Int(words[k]), value >= 0 else {
                    throw fail("\(what) '\(k < words.count ? words[k] : "")' is not a whole number")
                }
                return value
            }
            func arity(_ n: Int) throws(FormatError) {
                guard words.count == n else { throw fail("'\(words[0])' takes \(n - 1) values, got \(words.count - 1)") }
            }
            guard let command = words.first else { throw fail("an empty line") }
            switch command {
            case "initiator":
                try arity(2)
                guard initiator == nil, steps.isEmpty else { throw fail("'initiator' must come once, before the steps") }
                initiator = words[1]
            case "step":
                try arity(3)
                guard initiator != nil, !inOutside else { throw fail("'step' before 'initiator' or after 'outside'") }
                let tau = try number(1, "the step")
                guard tau == steps.count else { throw fail("step \(tau), expected step \(steps.count)") }
                steps.append(Step(cycles: try number(2, "the cycles")))
            case "spike":
                try arity(4)
                let event = MonitorEvent(step: try number(1, "the step"), tile: try number(2, "the tile"),
                                         neuron: try number(3, "the neuron"))
                if inOutside {
                    outside.spikes.append(event)
                } else if steps.isEmpty {
                    throw fail("'spike' before the first 'step'")
                } else {
                    steps[steps.count - 1].spikes.append(event)
                }
            case "host":
                try arity(3)
                guard words[1].count == 16, let bits = UInt64(words[1], radix: 16) else {
                    throw fail("the flit '\(words[1])' is not 16 hexadecimal digits")
                }
                let flit = HostFlit(bits: bits, cycle: UInt64(try number(2, "the cycle")))
                if inOutside {
                    outside.hostFlits.append(flit)
                } else if steps.isEmpty {
                    throw fail("'host' before the first 'step'")
                } else {
                    steps[steps.count - 1].hostFlits.append(flit)
                }
            case "outside":
                try arity(1)
                guard !inOutside else { throw fail("a second 'outside'") }
                inOutside = true
            case "end":
                try arity(1)
                ended = true
            default:
                throw fail("unknown line '\(command)' (expected initiator, step, spike, host, outside or end)")
            }
        }
        guard lineNumber > 0 else {
            throw FormatError(file: file, location: .file, message: "empty (expected '\(Self.formatName) \(Self.formatVersion)')")
        }
        guard ended else { throw FormatError(file: file, location: .file, message: "no 'end' line (the file is incomplete)") }
        guard let initiator else { throw FormatError(file: file, location: .file, message: "no 'initiator' line") }
        self.init(initiator: initiator, steps: steps, outside: outside)
    }

    /// The spikes of layers 1...L of every step (`result[t][l - 1]`, ascending), mapped from
    /// the monitor's (tile, local neuron) through `mapping`. Also checks what the spike record
    /// alone would not show: nothing happened outside the steps, every monitor event carries
    /// its step's number and comes from a neuron the mapping placed, no neuron spikes twice in
    /// a step, and the flits reaching the host are exactly the output layer's spikes (a flit
    /// whose axon is the output neuron).
    /// - Throws: ``EngineError`` (engine `systemc`) naming the step and the fault.
    public func spikes(on mapping: MeshMapping) throws(EngineError) -> [[[Int32]]] {
        func fault(_ message: String) -> EngineError { EngineError(engine: "systemc", message: message) }
        guard outside.spikes.isEmpty, outside.hostFlits.isEmpty else {
            throw fault("the mesh sent \(outside.spikes.count) spikes and \(outside.hostFlits.count) host flits outside the steps")
        }
        let depth = mapping.network.depth
        var result: [[[Int32]]] = []
        result.reserveCapacity(steps.count)
        for (tau, step) in steps.enumerated() {
            var layers = [[Int32]](repeating: [], count: depth)
            for event in step.spikes {
                guard event.step == tau else {
                    throw fault("step \(tau): a spike of tile \(event.tile) neuron \(event.neuron) was seen while the mesh was in step \(event.step)")
                }
                guard let core = mapping.core(onTile: event.tile) else {
                    throw fault("step \(tau): unused tile \(event.tile) sent a spike (neuron \(event.neuron))")
                }
                guard event.neuron < core.neurons.count else {
                    throw fault("step \(tau): tile \(event.tile) sent a spike of neuron \(event.neuron), but it holds \(core.neurons.count) neurons")
                }
                if core.isRelay { continue }  // a relay repeats spikes the record already has
                layers[core.layer - 1].append(Int32(core.neurons[event.neuron]))
            }
            for l in layers.indices {
                layers[l].sort()
                if let k = layers[l].indices.dropFirst().first(where: { layers[l][$0] == layers[l][$0 - 1] }) {
                    throw fault("step \(tau): neuron \(layers[l][k]) of layer \(l + 1) spiked twice")
                }
            }
            var received: [Int32] = []
            for host in step.hostFlits {
                let flit = Flit(bits: host.bits)
                guard !flit.isConfig, flit.isToHost else {
                    throw fault("step \(tau): the host received an unexpected flit: \(flit)")
                }
                received.append(Int32(flit.axon))
            }
            received.sort()
            guard received == layers[depth - 1] else {
                throw fault("step \(tau): the output cores sent \(layers[depth - 1]) but the host received \(received)")
            }
            result.append(layers)
        }
        return result
    }

    /// The latency of every flit that reached the host: cycles from entering the mesh (its
    /// stamp) to its arrival, modulo 2^16 as the hardware counts (``Flit/latency(arrivalCycle:)``).
    public var hostLatencies: [Int] {
        steps.flatMap { $0.hostFlits.map { Flit(bits: $0.bits).latency(arrivalCycle: $0.cycle) } }
    }
}
