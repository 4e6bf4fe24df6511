/// How far a sweep is, reported after every task (a point, a build, a synthesis) starts or
/// ends.
public struct SweepProgress: Sendable, Equatable {
    /// Points finished (ran now or reused) and in all.
    public var pointsDone: Int
    public var pointsTotal: Int
    /// Model builds and core syntheses finished and in all (cached ones count as finished
    /// when found).
    public var buildsDone: Int
    public var buildsTotal: Int
    public var areasDone: Int
    public var areasTotal: Int
    /// What runs now, e.g. `16 bits, scaled auto, wrap`, `build AccBits=17`, `synthesis AccBits=17`.
    public var active: [String]
    /// Seconds since the sweep started.
    public var elapsed: Double
    /// Seconds still to go, estimated from the mean duration of each kind of task finished so
    /// far (nil until one kind still to do has been timed).
    public var remaining: Double?
    /// Whether ``remaining`` leaves out a kind of task still to do that has not been timed yet
    /// (e.g. no core synthesis has finished): then it is a lower bound.
    public var remainingIsPartial: Bool

    public init(pointsDone: Int, pointsTotal: Int, buildsDone: Int, buildsTotal: Int, areasDone: Int,
                areasTotal: Int, active: [String], elapsed: Double, remaining: Double?, remainingIsPartial: Bool = false) {
        self.pointsDone = pointsDone
        self.pointsTotal = pointsTotal
        self.buildsDone = buildsDone
        self.buildsTotal = buildsTotal
        self.areasDone = areasDone
        self.areasTotal = areasTotal
        self.active = active
        self.elapsed = elapsed
        self.remaining = remaining
        self.remainingIsPartial = remainingIsPartial
    }
}

/// What a running sweep reports.
public enum SweepEvent: Sendable {
    /// The progress changed.
    case progress(SweepProgress)
    /// Something worth a line of its own: a build finished, a point failed or mismatched.
    case note(String)
}
