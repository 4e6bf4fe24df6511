import StemModel

/// What one shard of a sharded run produced (``ShardedLockstep``): everything
/// ``ShardedLockstep/merge(_:)`` needs to rebuild the single run, whether the shard ran on a
/// thread of this process (`stemsim run --jobs N`) or as a task of a job array whose result
/// came back in a file (`stemsim run --shard i/n`, then `--merge`).
public struct ShardOutcome: Sendable, Equatable, Codable {
    /// The shard's samples, `first..<end` of the whole run.
    public var firstSample: Int
    public var endSample: Int
    /// The shard's record, one entry per local step it ran, each the spikes of layers `0...L`.
    public var record: [[[Int32]]]
    /// The global steps at which the shard diverged.
    public var divergentSteps: [Int]
    /// The shard's first divergence at its global step, as a single run reports it (after
    /// the rerun of the windows around it, when that was done: ``ShardedLockstep/runShard(_:engines:rerunEngines:)``).
    public var firstDivergence: Divergence?
    public var referenceCounters: EngineCounters
    public var deviceCounters: EngineCounters?
    /// The device's outputs of the shard's samples (nil without a device, or when it stopped early).
    public var deviceOutputs: [[Int64]]?
    public var differingSpikes: Int
    public var strayOutputSpikes: Int

    public init(samples: Range<Int>, record: [[[Int32]]], divergentSteps: [Int], firstDivergence: Divergence?,
                referenceCounters: EngineCounters, deviceCounters: EngineCounters?, deviceOutputs: [[Int64]]?,
                differingSpikes: Int, strayOutputSpikes: Int) {
        firstSample = samples.lowerBound
        endSample = samples.upperBound
        self.record = record
        self.divergentSteps = divergentSteps
        self.firstDivergence = firstDivergence
        self.referenceCounters = referenceCounters
        self.deviceCounters = deviceCounters
        self.deviceOutputs = deviceOutputs
        self.differingSpikes = differingSpikes
        self.strayOutputSpikes = strayOutputSpikes
    }

    /// The shard's samples.
    public var samples: Range<Int> { firstSample..<endSample }
}
