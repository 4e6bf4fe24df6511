import StemModel
import StemSupport

/// The summary the SystemC testbench writes (`--summary`, `stem-systemc-summary` version 1;
/// docs/systemc.md): cycles, per-step cycles, traffic, overflows and simulated time.
public struct SystemCSummary: Sendable, Equatable {
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

    /// Reads a summary file. Throws ``FormatError``.
    public init(contentsOf path: String) throws(FormatError) {
        let json = try JSONParser.parse(try FileIO.read(path), file: path)
        try self.init(json: json, file: path)
    }

    /// Reads a summary from parsed JSON. Throws ``FormatError``.
    public init(json: JSONValue, file: String) throws(FormatError) {
        let root = try Self.object(json, file: file, path: "")
        guard case .string("stem-systemc-summary")? = root["format"] else {
            throw FormatError(file: file, path: "format", "expected \"stem-systemc-summary\"")
        }
        func int(_ object: JSONObject, _ key: String, _ path: String) throws(FormatError) -> Int {
            guard case .integer(let v)? = object[key] else {
                throw FormatError(file: file, path: path.isEmpty ? key : "\(path).\(key)", "expected an integer")
            }
            return Int(v)
        }
        func double(_ object: JSONObject, _ key: String, _ path: String) throws(FormatError) -> Double {
            switch object[key] {
            case .integer(let v)?: return Double(v)
            case .number(let text)?: if let v = Double(text) { return v }
            default: break
            }
            throw FormatError(file: file, path: path.isEmpty ? key : "\(path).\(key)", "expected a number")
        }
        initiator = { if case .string(let s)? = root["initiator"] { return s } else { return "" } }()
        samples = try int(root, "samples", "")
        layers = try int(root, "layers", "")
        steps = try int(root, "steps", "")
        let cycles = try Self.object(root["cycles"], file: file, path: "cycles")
        configurationCycles = try int(cycles, "configuration", "cycles")
        startCycles = try int(cycles, "start", "cycles")
        runCycles = try int(cycles, "run", "cycles")
        totalCycles = try int(cycles, "total", "cycles")
        guard case .array(let perStep)? = root["stepCycles"] else {
            throw FormatError(file: file, path: "stepCycles", "expected an array")
        }
        stepCycles = try perStep.enumerated().map { (k, v) throws(FormatError) in
            guard case .integer(let c) = v else { throw FormatError(file: file, path: "stepCycles[\(k)]", "expected an integer") }
            return Int(c)
        }
        let flits = try Self.object(root["flits"], file: file, path: "flits")
        flitsFromHost = try int(flits, "fromHost", "flits")
        flitsToHost = try int(flits, "toHost", "flits")
        spikes = try int(root, "spikes", "")
        overflows = try int(root, "overflows", "")
        hostOutStalls = try int(root, "hostOutStalls", "")
        let bus = try Self.object(root["bus"], file: file, path: "bus")
        busReads = try int(bus, "reads", "bus")
        busWrites = try int(bus, "writes", "bus")
        let clock = try Self.object(root["clock"], file: file, path: "clock")
        clockMHz = try double(clock, "mhz", "clock")
        guard case .bool(let given)? = clock["given"] else { throw FormatError(file: file, path: "clock.given", "expected a boolean") }
        clockGiven = given
        let time = try Self.object(root["simulatedTimeNs"], file: file, path: "simulatedTimeNs")
        totalNanoseconds = try double(time, "total", "simulatedTimeNs")
        runNanoseconds = try double(time, "run", "simulatedTimeNs")
        meshBusyNanoseconds = try double(time, "meshBusy", "simulatedTimeNs")
        let estimate = try Self.object(root["estimate"], file: file, path: "estimate")
        nanosecondsPerStep = try double(estimate, "nsPerStep", "estimate")
        nanosecondsPerInference = try double(estimate, "nsPerInference", "estimate")
        latencyNanoseconds = try double(estimate, "latencyNs", "estimate")
        cyclesPerInference = try double(estimate, "cyclesPerInference", "estimate")
        latencyCycles = try double(estimate, "latencyCycles", "estimate")
        guard stepCycles.count == steps, stepCycles.reduce(0, +) == runCycles else {
            throw FormatError(file: file, path: "stepCycles", "\(stepCycles.count) steps summing to \(stepCycles.reduce(0, +)), "
                + "but steps is \(steps) and cycles.run \(runCycles)")
        }
    }

    private static func object(_ value: JSONValue?, file: String, path: String) throws(FormatError) -> JSONObject {
        guard case .object(let object)? = value else { throw FormatError(file: file, path: path, "expected an object") }
        return object
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
