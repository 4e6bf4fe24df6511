import Foundation

/// Why a model library could not be built or found in the cache. Each message says what to
/// do about it.
public enum ModelBuildError: Error, CustomStringConvertible, Equatable {
    /// A build parameter is outside its range.
    case invalidParameter(name: String, value: String, allowed: String)
    /// A source folder or file could not be read.
    case sourcesUnreadable(path: String, reason: String)
    /// The sources lack a file the build needs.
    case sourcesIncomplete(origin: String, missing: String)
    /// No `verilator` executable on the search path.
    case verilatorNotFound(searchPath: String)
    /// A tool the build asks about (`verilator --version`) failed.
    case toolFailed(command: String, status: Int32, output: String)
    /// Verilator or the C++ compiler failed; `logTail` is the end of the log kept at `logPath`.
    case buildFailed(parameters: ModelParameters, status: Int32, logPath: String, logTail: [String])
    /// The cache folder could not be used.
    case cacheUnusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let allowed):
            return "invalid model parameter \(name) = \(value): allowed \(allowed)"
        case .sourcesUnreadable(let path, let reason):
            return "cannot read the hardware sources at \(path): \(reason)"
        case .sourcesIncomplete(let origin, let missing):
            return "\(origin) are incomplete: \(missing)"
        case .verilatorNotFound(let searchPath):
            return """
                verilator was not found on PATH (\(searchPath.isEmpty ? "PATH is empty" : searchPath)).
                The RTL engine compiles the hardware with Verilator (version 5). Install it, e.g. on \
                Debian/Ubuntu with `sudo apt-get install verilator`, or add the folder holding the \
                `verilator` executable to PATH.
                """
        case .toolFailed(let command, let status, let output):
            let trimmed = output.trimmingCharacters(in: .whitespacesAndNewlines)
            return "`\(command)` failed (exit status \(status))" + (trimmed.isEmpty ? "" : ":\n\(trimmed)")
        case .buildFailed(let parameters, let status, let logPath, let logTail):
            return """
                building the model \(parameters) failed (exit status \(status)). Last lines of the log:
                \(logTail.map { "  " + $0 }.joined(separator: "\n"))
                Full log: \(logPath)
                """
        case .cacheUnusable(let path, let reason):
            return "cannot use the model cache at \(path): \(reason) (set STEM_CACHE_DIR to a writable folder)"
        }
    }
}
