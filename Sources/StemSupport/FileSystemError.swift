/// A file operation failed: the file and the reason, as `path: reason`.
///
/// The plumbing's error for reading files and taking locks; each module turns it into its own
/// error with the context the user needs (``FileIO`` reads into `FormatError` in StemModel,
/// lock failures into `ModelBuildError.cacheUnusable` in StemRTL).
public struct FileSystemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file, as the caller named it.
    public var path: String
    /// What failed and why, e.g. `cannot read: No such file or directory`.
    public var reason: String
    /// Whether the file was refused for its size (a read limit), not for a system error.
    public var exceedsLimit: Bool

    public init(path: String, reason: String, exceedsLimit: Bool = false) {
        self.path = path
        self.reason = reason
        self.exceedsLimit = exceedsLimit
    }

    public var description: String { "\(path): \(reason)" }
}
