import Foundation
import StemModel
import StemSupport

/// The summary the SystemC testbench writes (`--summary`, `stem-systemc-summary` version 2;
/// docs/systemc.md): what it measured (cycles, per-step cycles, traffic, overflows per tile,
/// simulated time), read with Codable; and the estimates at the clock, which need the run's
/// shape (samples and layers: the testbench does not know the network) and are computed here.
public struct SystemCSummary: Sendable, Equatable, Decodable {
    /// `pin` or `tlm`.
    public var initiator: String
    /// Samples and layers of the run (given by the reader; not in the file), and its steps.
    public var samples: Int = 0, layers: Int = 0, steps: Int
    /// The mesh's time steps per window (B, the `TimeSteps` build parameter).
    public var timeSteps: Int
    /// Clock cycles of the configuration, the start, the steps (pulse to barrier, summed), and
    /// the whole simulation.
    public var configurationCycles: Int, startCycles: Int, runCycles: Int, totalCycles: Int
    /// Cycles of each step.
    public var stepCycles: [Int]
    /// Flits the host injected in the steps and flits that reached it.
    public var flitsFromHost: Int, flitsToHost: Int
    /// Spikes seen on the monitor.
    public var spikes: Int
    /// Overflow events of all tiles (status word 0, read through the debug port).
    public var overflows: Int
    /// Overflow events per tile (every tile of the mesh).
    public var overflowsPerTile: [Int: Int]
    /// The clock (MHz) and whether it was given (`--clock-mhz`).
    public var clockMHz: Double, clockGiven: Bool
    /// Simulated time: in all, from the start of step 0 to the end of the last step (the
    /// initiator's overhead included), and the steps' cycles at the clock (the mesh busy).
    public var totalNanoseconds: Double, runNanoseconds: Double, meshBusyNanoseconds: Double
    /// Cycles the host output was held (the TLM device's output queue was full).
    public var hostOutStalls: Int
    /// TLM: the CPU model's bus reads and writes.
    public var busReads: Int, busWrites: Int

    /// The format's name and the version read.
    public static let formatName = "stem-systemc-summary"
    public static let formatVersion = 2

    /// Reads a summary file of a run of `samples` samples through `layers` layers.
    /// Throws ``FormatError`` naming the file and the JSON path.
    public init(contentsOf path: String, samples: Int, layers: Int) throws(FormatError) {
        let bytes = try FileIO.read(path)
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.formatError(error, file: path)
        } catch {
            throw FormatError(file: path, location: .file, message: "\(error)")
        }
        self.samples = samples
        self.layers = layers
    }

    // MARK: - The estimate at the clock

    /// The clock period in nanoseconds.
    public var periodNanoseconds: Double { 1000 / clockMHz }
    /// The mean step, in cycles and at the clock.
    public var cyclesPerStep: Double { steps > 0 ? Double(runCycles) / Double(steps) : 0 }
    public var nanosecondsPerStep: Double { cyclesPerStep * periodNanoseconds }
    /// Per inference: the run's cycles over the samples (the pipelined throughput: layer `l`
    /// works on sample `k` while layer `l + 1` works on sample `k - 1`).
    public var cyclesPerInference: Double { samples > 0 ? Double(runCycles) / Double(samples) : 0 }
    public var nanosecondsPerInference: Double { cyclesPerInference * periodNanoseconds }
    /// The mean latency of one inference: from the first step of the sample's input window to
    /// the last step of its output window (`(L + 1) * B` steps).
    public var latencyCycles: Double {
        guard samples > 0 else { return 0 }
        var total = 0
        for k in 0..<samples {
            let window = (k * timeSteps)..<min(stepCycles.count, (k + layers + 1) * timeSteps)
            if !window.isEmpty { total += stepCycles[window].reduce(0, +) }
        }
        return Double(total) / Double(samples)
    }
    public var latencyNanoseconds: Double { latencyCycles * periodNanoseconds }

    // MARK: - The file

    private enum Keys: String, CodingKey {
        case format, version, initiator, parameters, steps, cycles, stepCycles, flits, spikes, overflows
        case overflowsPerTile, hostOutStalls, bus, clock, simulatedTimeNs
    }

    private struct Cycles: Decodable {
        var configuration: Int, start: Int, run: Int, total: Int
    }

    private struct Flits: Decodable {
        var fromHost: Int, toHost: Int
    }

    private struct Bus: Decodable {
        var reads: Int, writes: Int
    }

    private struct Clock: Decodable {
        var mhz: Double, given: Bool
    }

    private struct SimulatedTime: Decodable {
        var total: Double, run: Double, meshBusy: Double
    }

    private struct Parameters: Decodable {
        var TimeSteps: Int
    }

    private struct TileOverflows: Decodable {
        var tile: Int, overflows: Int
    }

    /// Decodes the summary file (`stem-systemc-summary` version 2; members the testbench writes
    /// that are not read here are ignored). `samples` and `layers` stay 0.
    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Keys.self)
        guard try root.decode(String.self, forKey: .format) == Self.formatName else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: root, debugDescription: "expected \"stem-systemc-summary\"")
        }
        let version = try root.decode(Int.self, forKey: .version)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: root,
                                                   debugDescription: "version \(version) is not \(Self.formatVersion)")
        }
        initiator = try root.decodeIfPresent(String.self, forKey: .initiator) ?? ""
        timeSteps = try root.decode(Parameters.self, forKey: .parameters).TimeSteps
        steps = try root.decode(Int.self, forKey: .steps)
        let cycles = try root.decode(Cycles.self, forKey: .cycles)
        configurationCycles = cycles.configuration
        startCycles = cycles.start
        runCycles = cycles.run
        totalCycles = cycles.total
        stepCycles = try root.decode([Int].self, forKey: .stepCycles)
        let flits = try root.decode(Flits.self, forKey: .flits)
        flitsFromHost = flits.fromHost
        flitsToHost = flits.toHost
        spikes = try root.decode(Int.self, forKey: .spikes)
        overflows = try root.decode(Int.self, forKey: .overflows)
        var perTile: [Int: Int] = [:]
        for entry in try root.decode([TileOverflows].self, forKey: .overflowsPerTile) { perTile[entry.tile] = entry.overflows }
        overflowsPerTile = perTile
        hostOutStalls = try root.decode(Int.self, forKey: .hostOutStalls)
        let bus = try root.decode(Bus.self, forKey: .bus)
        busReads = bus.reads
        busWrites = bus.writes
        let clock = try root.decode(Clock.self, forKey: .clock)
        clockMHz = clock.mhz
        clockGiven = clock.given
        let time = try root.decode(SimulatedTime.self, forKey: .simulatedTimeNs)
        totalNanoseconds = time.total
        runNanoseconds = time.run
        meshBusyNanoseconds = time.meshBusy
        guard stepCycles.count == steps, stepCycles.reduce(0, +) == runCycles else {
            throw DecodingError.dataCorruptedError(
                forKey: .stepCycles, in: root,
                debugDescription: "\(stepCycles.count) steps summing to \(stepCycles.reduce(0, +)), "
                    + "but steps is \(steps) and cycles.run \(runCycles)")
        }
        guard overflowsPerTile.values.reduce(0, +) == overflows else {
            throw DecodingError.dataCorruptedError(
                forKey: .overflowsPerTile, in: root,
                debugDescription: "the tiles' overflows sum to \(overflowsPerTile.values.reduce(0, +)), but overflows is \(overflows)")
        }
    }

    /// A decoding error as a ``FormatError`` at its JSON path (`cycles.run`, `stepCycles[3]`).
    private static func formatError(_ error: DecodingError, file: String) -> FormatError {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FormatError(file: file, path: path(context.codingPath + [key]), "missing")
        case .typeMismatch(let type, let context):
            return FormatError(file: file, path: path(context.codingPath), "expected \(Self.noun(type))")
        case .valueNotFound(let type, let context):
            return FormatError(file: file, path: path(context.codingPath), "expected \(Self.noun(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return FormatError(file: file, location: .file, message: "not JSON: \(context.debugDescription)")
            }
            return FormatError(file: file, path: path(context.codingPath), context.debugDescription)
        @unknown default:
            return FormatError(file: file, location: .file, message: "\(error)")
        }
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is String.Type: "a string"
        case is [Int].Type: "an array"
        default: "an object"
        }
    }

    /// Lines for a run summary: cycles and simulated time, and the estimate when a clock was given.
    public var lines: [String] {
        let perStep = steps > 0 ? Double(runCycles) / Double(steps) : 0
        var lines = [
            "systemc    \(initiator == "tlm" ? "CPU model via stem_mesh_tlm (TLM-2.0)" : "pin-level testbench"): "
                + "\(runCycles) cycles (\(Self.fixed(perStep, 1)) per step, at most \(stepCycles.max() ?? 0)), "
                + "\(flitsFromHost) flits from the host, \(flitsToHost) to it",
            "sim time   \(Self.duration(totalNanoseconds)) in all, steps \(Self.duration(runNanoseconds)) "
                + "at \(Self.fixed(clockMHz, 3)) MHz",
        ]
        if clockGiven {
            lines.append("estimate   at \(Self.fixed(clockMHz, 3)) MHz: \(Self.duration(nanosecondsPerStep)) per step, "
                + "\(Self.duration(nanosecondsPerInference)) per inference (pipelined), "
                + "\(Self.duration(latencyNanoseconds)) latency; an estimate for this microarchitecture, not Darwin3")
        }
        return lines
    }

    static func duration(_ ns: Double) -> String {
        if ns >= 1e6 { return fixed(ns / 1e6, 3) + " ms" }
        if ns >= 1e3 { return fixed(ns / 1e3, 3) + " us" }
        return fixed(ns, 1) + " ns"
    }

    /// `value` with exactly `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String { decimalText(value, places: digits) }
}
