/// A spiking engine was used out of order or fed something it cannot take (a step before
/// `start`, a step past the end of the run, an input spike outside the input layer).
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The engine's name ("golden", "rtl").
    public var engine: String
    public var message: String

    public init(engine: String, message: String) {
        self.engine = engine
        self.message = message
    }

    public var description: String { "\(engine) engine: \(message)" }
}
