import StemSupport

extension TraceError {
    /// The trace form of an output file's error: the file, what failed, the system's reason.
    init(_ error: OutputFileError) {
        switch error.operation {
        case .create:
            self = .io(path: error.path, operation: "create a temporary file in its folder", reason: error.reason)
        case .write:
            self = .io(path: error.path, operation: "write", reason: error.reason)
        case .rename:
            self = .io(path: error.path, operation: "rename the finished file into place", reason: error.reason)
        }
    }
}

/// Runs an operation on an output file (an ``AtomicFileWriter``, as every trace, `.gtkw` and
/// `.sucl` file is written), its error as a ``TraceError``.
func traceIO<Result>(_ body: () throws(OutputFileError) -> Result) throws(TraceError) -> Result {
    do {
        return try body()
    } catch {
        throw TraceError(error)
    }
}

extension AtomicFileWriter {
    /// Starts an output file of the trace writers.
    /// - Throws: ``TraceError/invalidArgument(what:value:allowed:)`` for an empty path,
    ///   ``TraceError/io(path:operation:reason:)`` if the temporary file cannot be created.
    static func traceOutput(path: String) throws(TraceError) -> AtomicFileWriter {
        guard !path.isEmpty else {
            throw TraceError.invalidArgument(what: "output path", value: "\"\"", allowed: "a file path")
        }
        return try traceIO { () throws(OutputFileError) in try AtomicFileWriter(path: path) }
    }
}
