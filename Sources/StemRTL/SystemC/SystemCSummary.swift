import Foundation
import StemModel
import StemSupport

/// The summary the SystemC testbench writes (`--summary`, `stem-systemc-summary` version 1;
/// docs/systemc.md): cycles, per-step cycles, traffic, overflows and simulated time.
public struct SystemCSummary: Sendable, Equatable, Decodable {
    /// `pin` or `tlm`.
    public var initiator: String
    /// Samples, layers and steps of the run.
    public var samples: Int, layers: Int, steps: Int
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
    /// The clock (MHz) and whether it was given (`--clock-mhz`).
    public var clockMHz: Double, clockGiven: Bool
    /// Simulated time: in all, from the start of step 0 to the end of the last step (the
    /// initiator's overhead included), and the steps' cycles at the clock (the mesh busy).
    public var totalNanoseconds: Double, runNanoseconds: Double, meshBusyNanoseconds: Double
    /// The estimate at the clock: per step, per inference (run cycles / samples), and the mean
    /// latency of one inference (from its first input step to its last output step).
    public var nanosecondsPerStep: Double, nanosecondsPerInference: Double, latencyNanoseconds: Double
    /// Cycles per inference and mean latency in cycles.
    public var cyclesPerInference: Double, latencyCycles: Double
    /// Cycles the host output was held (the TLM device's output queue was full).
    public var hostOutStalls: Int
    /// TLM: the CPU model's bus reads and writes.
    public var busReads: Int, busWrites: Int

    /// Reads a summary file. Throws ``FormatError`` naming the file and the JSON path.
    public init(contentsOf path: String) throws(FormatError) {
        let bytes = try FileIO.read(path)
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.formatError(error, file: path)
        } catch {
            throw FormatError(file: path, location: .file, message: "\(error)")
        }
    }

    // MARK: - The file

    private enum Keys: String, CodingKey {
        case format, version, initiator, samples, layers, steps, cycles, stepCycles, flits, spikes, overflows
        case hostOutStalls, bus, clock, simulatedTimeNs, estimate
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

    private struct Estimate: Decodable {
        var nsPerStep: Double, nsPerInference: Double, latencyNs: Double, cyclesPerInference: Double, latencyCycles: Double
    }

    /// Decodes the summary file (`stem-systemc-summary` version 1; members the testbench writes
    /// that are not read here are ignored).
    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Keys.self)
        guard try root.decode(String.self, forKey: .format) == "stem-systemc-summary" else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: root, debugDescription: "expected \"stem-systemc-summary\"")
        }
        let version = try root.decode(Int.self, forKey: .version)
        guard version == 1 else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: root, debugDescription: "version \(version) is not 1")
        }
        initiator = try root.decodeIfPresent(String.self, forKey: .initiator) ?? ""
        samples = try root.decode(Int.self, forKey: .samples)
        layers = try root.decode(Int.self, forKey: .layers)
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
        let estimate = try root.decode(Estimate.self, forKey: .estimate)
        nanosecondsPerStep = estimate.nsPerStep
        nanosecondsPerInference = estimate.nsPerInference
        latencyNanoseconds = estimate.latencyNs
        cyclesPerInference = estimate.cyclesPerInference
        latencyCycles = estimate.latencyCycles
        guard stepCycles.count == steps, stepCycles.reduce(0, +) == runCycles else {
            throw DecodingError.dataCorruptedError(
                forKey: .stepCycles, in: root,
                debugDescription: "\(stepCycles.count) steps summing to \(stepCycles.reduce(0, +)), "
                    + "but steps is \(steps) and cycles.run \(runCycles)")
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
