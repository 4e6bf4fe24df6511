/// An error from writing, reading or checking a waveform.
///
/// Every case says which file (or which signal) it is about, what was found and what was
/// expected, so that the message printed by `stemsim` is enough to act on.
public enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be created, written, renamed or read.
    case io(path: String, operation: String, reason: String)
    /// An argument is outside its allowed range: `what` names it (a signal, an option, a
    /// layer), `value` is what was given, `allowed` the range or rule it breaks.
    case invalidArgument(what: String, value: String, allowed: String)
    /// A call came in an order the writer does not allow (for example a declaration after the
    /// first time stamp, or a step that is not after the previous one).
    case outOfOrder(String)
    /// The trace would hold no time step (for example the window was never reached).
    case emptyTrace(path: String, reason: String)
    /// A VCD file is not well formed: `line` is 1-based.
    case malformedVCD(path: String, line: Int, reason: String)
    /// An FST file is not well formed: `offset` is the byte offset of the problem.
    case malformedFST(path: String, offset: Int, reason: String)
    /// An external tool (`fst2vcd`) failed.
    case toolFailed(tool: String, status: Int32, output: String)

    public var description: String {
        switch self {
        case let .io(path, operation, reason):
            return "\(path): cannot \(operation): \(reason)"
        case let .invalidArgument(what, value, allowed):
            return "\(what): \(value) is not allowed (allowed: \(allowed))"
        case let .outOfOrder(message):
            return message
        case let .emptyTrace(path, reason):
            return "\(path): nothing to write: \(reason)"
        case let .malformedVCD(path, line, reason):
            return "\(path):\(line): malformed VCD: \(reason)"
        case let .malformedFST(path, offset, reason):
            return "\(path): malformed FST at byte \(offset): \(reason)"
        case let .toolFailed(tool, status, output):
            let tail = output.isEmpty ? "" : ": \(output)"
            return "\(tool) failed with exit status \(status)\(tail)"
        }
    }
}
