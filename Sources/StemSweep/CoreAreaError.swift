/// Why the size of a core could not be measured.
public enum CoreAreaError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No `yosys` on the search path.
    case yosysNotFound(searchPath: String)
    /// The hardware sources lack the synthesis script or the RTL.
    case sourcesIncomplete(origin: String, missing: String)
    /// The script failed; `outputTail` is the end of what it printed.
    case synthesisFailed(parameters: String, status: Int32, outputTail: [String])
    /// The script ran but its last line is not `cells=... flops=... ...`.
    case unreadableOutput(parameters: String, lastLine: String)
    /// The area cache folder could not be used.
    case cacheUnusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .yosysNotFound(let searchPath):
            return "yosys was not found on PATH (\(searchPath.isEmpty ? "PATH is empty" : searchPath)); "
                + "install it (Debian: apt-get install yosys) or leave out the core size (--no-area)"
        case .sourcesIncomplete(let origin, let missing):
            return "\(origin) are incomplete: \(missing)"
        case .synthesisFailed(let parameters, let status, let tail):
            return "synthesizing \(parameters) failed (exit status \(status)):\n"
                + tail.map { "  " + $0 }.joined(separator: "\n")
        case .unreadableOutput(let parameters, let lastLine):
            return "synthesizing \(parameters) printed no size line (its last line: \(lastLine))"
        case .cacheUnusable(let path, let reason):
            return "cannot use the core-size cache at \(path): \(reason)"
        }
    }
}
