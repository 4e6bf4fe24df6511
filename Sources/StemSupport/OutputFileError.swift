/// An output file could not be created, written or put in place. Nothing is left behind:
/// the temporary file is removed.
public struct OutputFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What failed.
    public enum Operation: String, Sendable {
        /// Creating the temporary file (the folder is missing or not writable): a usage error.
        case create
        /// Writing or flushing the data.
        case write
        /// Renaming the temporary file to its final name.
        case rename
    }

    /// The output file, as the user named it.
    public var path: String
    public var operation: Operation
    /// The system's reason.
    public var reason: String

    public init(path: String, operation: Operation, reason: String) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    public var description: String {
        switch operation {
        case .create: return "\(path): cannot create: \(reason)"
        case .write: return "\(path): cannot write: \(reason)"
        case .rename: return "\(path): cannot move into place: \(reason)"
        }
    }
}
