import StemModel

/// What a lockstep run found.
public struct LockstepResult: Sendable {
    /// Steps completed and agreed on (all of them unless stopped at a divergence).
    public var stepsRun: Int
    /// `(S + D) * B` (`D` the largest stage, `L` in a chain).
    public var totalSteps: Int
    /// The output layer's values per sample, from the reference's spike record (complete only
    /// when the run completed).
    public var outputs: [[Int64]]
    /// Synaptic operations in the reference's spike record.
    public var sops: Int
    public var referenceCounters: EngineCounters
    public var deviceCounters: EngineCounters?
    /// The device's outputs read off its own record (only with a device).
    public var deviceOutputs: [[Int64]]?
    /// The first step whose spikes differ, if any.
    public var firstDivergence: Divergence?
    /// Steps whose spikes differ (1 at most unless keep-going).
    public var divergentSteps: Int
    /// Spikes present on one side only, over all divergent steps.
    public var differingSpikes: Int
    /// Output-layer spikes outside sample windows in the reference record (0 when correct).
    public var strayOutputSpikes: Int

    /// Whether every step ran.
    public var completed: Bool { stepsRun == totalSteps }

    /// The predictions per sample (argmax, lowest index on ties).
    public var predictions: [Int] { outputs.map(argmax) }

    /// Whether the engines' overflow counts agree (true with one engine).
    public var overflowsAgree: Bool {
        deviceCounters.map { $0.overflows == referenceCounters.overflows } ?? true
    }

    /// Whether the engines agreed on everything: every spike and the overflow count.
    public var agrees: Bool { firstDivergence == nil && overflowsAgree }
}
