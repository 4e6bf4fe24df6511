import Foundation

/// Why the SystemC testbench could not be built or run. Each message says what to do.
public enum SystemCBuildError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Verilator, the compiler, make, or the SystemC headers or library are missing
    /// (`build.sh` exit 3); the message names what and how to install it.
    case toolMissing(message: String)
    /// The parameters were rejected (`build.sh` exit 2).
    case invalidParameters(message: String)
    /// Verilator or the compiler failed (`build.sh` exit 1); the message holds the log's tail
    /// and the path of the kept log.
    case buildFailed(parameters: ModelParameters, message: String)
    /// The build script could not be started or ended unexpectedly.
    case scriptFailed(command: String, status: Int32, output: String)
    /// The sources (`testbenches/systemc/build.sh`, the RTL) are not among the hardware sources.
    case sourcesIncomplete(origin: String, missing: String)

    public var description: String {
        switch self {
        case .toolMissing(let message):
            return message
        case .invalidParameters(let message):
            return "the SystemC testbench cannot be built for these parameters: \(message)"
        case .buildFailed(let parameters, let message):
            return "building the SystemC testbench for \(parameters.summary) failed:\n\(message)"
        case .scriptFailed(let command, let status, let output):
            let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "`\(command)` failed (exit status \(status))" + (trimmed.isEmpty ? "" : ":\n\(trimmed)")
        case .sourcesIncomplete(let origin, let missing):
            return "\(origin) are incomplete: \(missing)"
        }
    }
}
