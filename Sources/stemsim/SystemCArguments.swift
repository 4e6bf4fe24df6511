import ArgumentParser
import StemRTL

/// The options of `stemsim run --engine systemc`.
struct SystemCArguments: ParsableArguments {
    @Flag(help: "Drive the mesh from the CPU model through the TLM-2.0 wrapper (stem_mesh_tlm) instead of the pin-level testbench.")
    var tlm = false

    @Option(help: ArgumentHelp("The clock for simulated time; reports the time per step and per inference at it (an estimate for this microarchitecture).",
                               valueName: "MHz"))
    var clockMhz: Double?

    @Option(help: ArgumentHelp("Keep the run's files (the export, the testbench's spike record and summary) in this folder.",
                               valueName: "folder"))
    var systemcFiles: String?

    var initiator: SystemCTestbench.Initiator { tlm ? .tlm : .pin }

    func validate() throws {
        if let clockMhz, !(clockMhz >= 0.001 && clockMhz <= 100_000) {
            throw ValidationError("--clock-mhz must be in 0.001...100000, got \(clockMhz)")
        }
    }

    /// Whether any option was given (they need --engine systemc).
    var isUsed: Bool { tlm || clockMhz != nil || systemcFiles != nil }
}
