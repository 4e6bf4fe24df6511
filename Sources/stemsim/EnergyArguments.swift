import ArgumentParser
import StemSweep

/// `--sop-pj` and `--mac-pj` of `stemsim sweep` and `stemsim analyze`: the energy per synaptic
/// operation and per quantized-ANN multiply-accumulate (default: the SDANN paper's 45 nm
/// figures, 0.03 pJ per 8-bit add and 0.23 pJ per 8-bit MAC; ``EnergyModel/paper``).
struct EnergyArguments: ParsableArguments {
    @Option(name: .customLong("sop-pj"),
            help: ArgumentHelp("Picojoules per synaptic operation (an accumulate; default \(EnergyModel.paper.sopPicojoules), "
                + "the paper's 8-bit add; finite, > 0, at most 1e6).", valueName: "pJ"),
            transform: { try EnergyArguments.picojoules($0, option: "--sop-pj") })
    var sopPicojoules = EnergyModel.paper.sopPicojoules

    @Option(name: .customLong("mac-pj"),
            help: ArgumentHelp("Picojoules per multiply-accumulate of the quantized ANN (default "
                + "\(EnergyModel.paper.macPicojoules), the paper's 8-bit MAC; finite, > 0, at most 1e6).", valueName: "pJ"),
            transform: { try EnergyArguments.picojoules($0, option: "--mac-pj") })
    var macPicojoules = EnergyModel.paper.macPicojoules

    /// The energy model the options give.
    var model: EnergyModel { EnergyModel(sopPicojoules: sopPicojoules, macPicojoules: macPicojoules) }

    /// `text` as picojoules, or a usage error (exit 2) naming the option, the value and the range.
    static func picojoules(_ text: String, option: String) throws -> Double {
        guard let value = Double(text), EnergyModel.isValidPicojoules(value) else {
            throw ValidationError("\(option) must be a number of picojoules, finite, greater than 0 and at most 1e6, "
                + "got \(text)")
        }
        return value
    }
}
