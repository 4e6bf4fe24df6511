/// What an engine counted during a run.
public struct EngineCounters: Sendable, Equatable, Codable {
    /// Overflow events (docs/stem-spec.md section 9); engines that agree on every spike must
    /// also agree on this.
    public var overflows: Int
    /// Clock cycles, for engines that have a clock.
    public var cycles: Int?
    /// Anything else worth printing (events, flits, ...), by name.
    public var details: [String: Int]

    public init(overflows: Int, cycles: Int? = nil, details: [String: Int] = [:]) {
        self.overflows = overflows
        self.cycles = cycles
        self.details = details
    }
}
