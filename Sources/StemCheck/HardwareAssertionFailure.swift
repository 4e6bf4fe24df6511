/// An assertion of the hardware under test failed (the RTL's simulation assertions, compiled
/// into model libraries built with assertions): the device stopped and cannot go on.
/// ``Lockstep`` turns one thrown by the device's step into a ``Divergence`` of kind
/// ``Divergence/Kind/assertion`` at that step.
public struct HardwareAssertionFailure: Error, CustomStringConvertible, Sendable {
    /// The engine that stopped (e.g. `rtl`).
    public var engine: String
    /// The simulator's message: the failing instance, the time and the assertion's text.
    public var message: String

    public init(engine: String, message: String) {
        self.engine = engine
        self.message = message
    }

    public var description: String { "\(engine): \(message)" }
}
