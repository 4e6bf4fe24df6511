/// Why a sweep could not start or had to stop. (A failing point is not an error: it is
/// recorded in its row and the sweep goes on.)
public enum SweepError: Error, CustomStringConvertible, Equatable, Sendable {
    /// An option is out of range or inconsistent with the network.
    case invalidOption(option: String, message: String)
    /// The output folder holds a sweep of another network, inputs or options.
    case differentSweep(path: String, differences: [String])
    /// The output folder's `sweep.json` cannot be read back.
    case unreadableSweep(path: String, message: String)
    /// The output folder cannot be created or written.
    case outputUnusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOption(let option, let message):
            return "\(option): \(message)"
        case .differentSweep(let path, let differences):
            return "\(path) holds a sweep that differs in: \(differences.joined(separator: ", ")); "
                + "its points cannot be reused. Pass --restart to discard them, or choose another --out"
        case .unreadableSweep(let path, let message):
            return "\(path): \(message); pass --restart to discard it, or choose another --out"
        case .outputUnusable(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
