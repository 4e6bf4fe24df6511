import CStemShim

/// A status code of the C shim (`stem_status`).
public enum ShimStatus: Hashable, Sendable, CustomStringConvertible {
    /// `STEM_E_HANDLE`: NULL, foreign or destroyed handle.
    case badHandle
    /// `STEM_E_ARGUMENT`: an argument out of range.
    case badArgument
    /// `STEM_E_STATE`: a call out of order (or tracing on an untraced build).
    case badState
    /// `STEM_E_TIMEOUT`: the model did not reach quiescence within the cycle limit.
    case timeout
    /// `STEM_E_IO`: a trace file could not be opened or written.
    case io
    /// `STEM_E_INTERNAL`: anything else inside the model.
    case internalError
    /// `STEM_E_ASSERTION`: an RTL assertion failed (a library built with assertions); the
    /// message names the instance, the time and the assertion's text.
    case assertion
    /// A code this version does not know.
    case unknown(Int32)

    /// The status for a non-OK return code.
    public init(code: Int32) {
        switch code {
        case Int32(STEM_E_HANDLE.rawValue): self = .badHandle
        case Int32(STEM_E_ARGUMENT.rawValue): self = .badArgument
        case Int32(STEM_E_STATE.rawValue): self = .badState
        case Int32(STEM_E_TIMEOUT.rawValue): self = .timeout
        case Int32(STEM_E_IO.rawValue): self = .io
        case Int32(STEM_E_INTERNAL.rawValue): self = .internalError
        case Int32(STEM_E_ASSERTION.rawValue): self = .assertion
        default: self = .unknown(code)
        }
    }

    /// The C name, e.g. `STEM_E_TIMEOUT`.
    public var description: String {
        switch self {
        case .badHandle: "STEM_E_HANDLE"
        case .badArgument: "STEM_E_ARGUMENT"
        case .badState: "STEM_E_STATE"
        case .timeout: "STEM_E_TIMEOUT"
        case .io: "STEM_E_IO"
        case .internalError: "STEM_E_INTERNAL"
        case .assertion: "STEM_E_ASSERTION"
        case .unknown(let code): "status \(code)"
        }
    }
}

/// A shim call that returned a status other than `STEM_OK`.
public struct ShimError: Error, Hashable, CustomStringConvertible {
    /// The status returned.
    public let status: ShimStatus
    /// The shim function called, e.g. `step`.
    public let function: String
    /// The shim's message (`last_error`, or `create_error` for `create`).
    public let message: String

    /// An error with the given parts.
    public init(status: ShimStatus, function: String, message: String) {
        self.status = status
        self.function = function
        self.message = message
    }

    public var description: String {
        "model \(function) failed (\(status))" + (message.isEmpty ? "" : ": \(message)")
    }
}
