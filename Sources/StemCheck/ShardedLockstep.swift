import Foundation
import StemModel

/// Runs a lockstep over the samples split into contiguous shards (`stemsim run --jobs N`),
/// each shard a ``Lockstep`` of its own on its own engines and its own thread, and merges the
/// shards into the run a single lockstep over all samples gives, byte for byte.
///
/// This works because every spike of sample `k` sits at a step fixed by `k`
/// (docs/stem-spec.md section 7): layer `l` sends sample `k` in window `k + stage(l)` and is
/// silent in windows without a sample. A shard of the samples `first..<first+n` is a run of
/// `n` samples whose step `s` is step `s + first*B` of the whole run; in global window `w` the
/// spikes of layer `l` are those of the shard that holds sample `w - stage(l)` (none if no
/// shard does). The merged record is decoded once, like a single run's, for the outputs and
/// SOPs; overflow counts are per sample (counted only in windows that carry one), so the
/// shards' counts add up.
///
/// ```swift
/// var sharded = ShardedLockstep(network: network, samples: samples, jobs: 4)
/// sharded.recordSink = { step, spikes in try writer.append(step: step, spikes: spikes) }
/// let result = try sharded.run { shard in (try GoldenModel(network: network), nil) }
/// ```
public struct ShardedLockstep {
    /// One shard's engines: the reference and the device under test, if any.
    public typealias Engines = (reference: any SpikingEngine, device: (any SpikingEngine)?)

    public let network: Network
    public let samples: [[Int64]]
    /// The samples of each shard: contiguous, in order, covering all samples.
    public let shards: [Range<Int>]

    /// As ``Lockstep/keepGoing``.
    public var keepGoing = false
    /// As ``Lockstep/checksState``.
    public var checksState = false
    /// Receives the merged record in order, after every shard has finished (only steps before
    /// the first divergence unless ``keepGoing``).
    public var recordSink: ((_ step: Int, _ spikes: [[Int32]]) throws -> Void)?
    /// Called from the shards' threads with every shard's progress (index = shard).
    public var progress: (@Sendable ([LockstepProgress]) -> Void)?
    /// As ``Lockstep/progressInterval``.
    public var progressInterval = 256

    /// Splits the samples into `min(jobs, samples.count)` shards (at least one).
    public init(network: Network, samples: [[Int64]], jobs: Int) {
        self.network = network
        self.samples = samples
        shards = Self.shards(sampleCount: samples.count, jobs: jobs)
    }

    /// `sampleCount` samples in `min(jobs, sampleCount)` contiguous shards (one when there
    /// are no samples) whose sizes differ by at most one, the larger ones first.
    public static func shards(sampleCount: Int, jobs: Int) -> [Range<Int>] {
        let count = max(1, min(jobs, sampleCount))
        let base = sampleCount / count, extra = sampleCount % count
        var result: [Range<Int>] = []
        var first = 0
        for index in 0..<count {
            let size = base + (index < extra ? 1 : 0)
            result.append(first..<first + size)
            first += size
        }
        return result
    }

    /// Runs every shard on the engines `makeEngines(shard)` makes (called on this thread, in
    /// shard order, before any shard starts), then merges them. After a divergence it is
    /// called once more, with `shard` equal to `shards.count`, for the engines of a short rerun
    /// of the windows around the divergence (see ``run(makeEngines:)``'s result).
    /// - Returns: what a single ``Lockstep`` over all samples returns: the merged record,
    ///   outputs, SOPs and counters, and the earliest divergence over all shards at its global
    ///   step. The neuron states a divergence shows are those of a single run: in its window a
    ///   layer sends one sample and accumulates the next, which may sit in another shard, so
    ///   they are read from a rerun of the samples of the `D+1` windows up to it. (After a
    ///   divergence without ``keepGoing`` the counters depend on how far each engine ran, as
    ///   in a single run they depend on where it stopped.)
    /// - Throws: the first error of the lowest shard that threw, or what ``recordSink`` throws.
    public func run(makeEngines: (_ shard: Int) throws -> Engines) throws -> LockstepResult {
        let engines = try shards.indices.map(makeEngines)
        let timeSteps = network.timeSteps
        let state = SharedState(totalSteps: shards.map { network.stepCount(samples: $0.count) })
        let works = shards.indices.map { index in
            let range = shards[index]
            let offset = range.lowerBound * timeSteps
            var lockstep = Lockstep(network: network, samples: Array(samples[range]),
                                    reference: engines[index].reference, device: engines[index].device)
            lockstep.keepGoing = keepGoing
            lockstep.checksState = checksState
            lockstep.progressInterval = progressInterval
            let work = ShardWork(lockstep: lockstep)
            lockstep.recordSink = { [keepGoing, unowned work] step, spikes in
                // A divergence before this step in another shard ends the run there: nothing
                // this shard can still find comes earlier.
                if !keepGoing, let stop = state.stopStep, offset + step > stop { throw ShardStopped() }
                work.record.append(spikes)
            }
            lockstep.divergentStepObserver = { [unowned work] step in
                work.divergentSteps.append(offset + step)
                if !keepGoing { state.stop(atStep: offset + step) }
            }
            if let progress {
                lockstep.progress = { shardProgress in
                    progress(state.update(shard: index, shardProgress))
                }
            }
            work.lockstep = lockstep
            return work
        }

        let finished = DispatchSemaphore(value: 0)
        for work in works {
            let thread = Thread {
                work.execute()
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in works { finished.wait() }
        for work in works {
            if let error = work.failure { throw error }
        }
        var result = try merge(works.indices.map { works[$0].outcome(samples: shards[$0], timeSteps: timeSteps,
                                                                   sampleCount: samples.count) })
        if let divergence = result.firstDivergence {
            result.firstDivergence = try rerun(at: divergence, engines: try makeEngines(shards.count)) ?? divergence
        }
        return result
    }

    /// Runs only shard `index` (of ``shards``) on `engines`, on this thread: one task of a job
    /// array (`stemsim run --shard i/n`). A divergence is rerun as ``run(makeEngines:)`` reruns
    /// it, on the engines `rerunEngines()` makes, so that the merged run reports it as a single
    /// run does.
    public func runShard(_ index: Int, engines: Engines, rerunEngines: () throws -> Engines) throws -> ShardOutcome {
        precondition(shards.indices.contains(index), "shard \(index) of \(shards.count)")
        let range = shards[index]
        let offset = range.lowerBound * network.timeSteps
        var lockstep = Lockstep(network: network, samples: Array(samples[range]),
                                reference: engines.reference, device: engines.device)
        lockstep.keepGoing = keepGoing
        lockstep.checksState = checksState
        lockstep.progressInterval = progressInterval
        let work = ShardWork(lockstep: lockstep)
        lockstep.recordSink = { [unowned work] _, spikes in work.record.append(spikes) }
        lockstep.divergentStepObserver = { [unowned work] step in work.divergentSteps.append(offset + step) }
        if let progress {
            lockstep.progress = { progress([$0]) }
        }
        work.lockstep = lockstep
        work.execute()
        if let error = work.failure { throw error }
        var outcome = work.outcome(samples: range, timeSteps: network.timeSteps, sampleCount: samples.count)
        if let divergence = outcome.firstDivergence {
            outcome.firstDivergence = try rerun(at: divergence, engines: try rerunEngines()) ?? divergence
        }
        return outcome
    }

    /// The divergence at `divergence.step` as a single run reports it: a lockstep on the
    /// samples that the layers send or accumulate in the windows `w-D...w` (`w` its window),
    /// stopped at its first divergence; nil if that is not at the same step (a device whose
    /// spikes depend on more than their own sample).
    private func rerun(at divergence: Divergence, engines: Engines) throws -> Divergence? {
        let timeSteps = network.timeSteps
        let window = divergence.step / timeSteps
        let first = max(0, window - network.stageCount)
        let end = min(samples.count, window + 1)
        guard first < end else { return nil }
        var lockstep = Lockstep(network: network, samples: Array(samples[first..<end]),
                                reference: engines.reference, device: engines.device)
        lockstep.checksState = checksState
        guard var found = try lockstep.run().firstDivergence else { return nil }
        found.step += first * timeSteps
        found.sampleCount = samples.count
        return found.step == divergence.step ? found : nil
    }

    /// The single run the finished shards make up: `outcomes` holds one outcome per shard of
    /// ``shards``, in order (from ``run(makeEngines:)``'s threads or from the tasks of
    /// ``runShard(_:engines:rerunEngines:)``). The merged record goes to ``recordSink``; the
    /// first divergence is the earliest of the shards' (no rerun here).
    /// - Throws: ``ShardMergeError`` when the outcomes are not those of ``shards``, or what
    ///   ``recordSink`` throws.
    public func merge(_ outcomes: [ShardOutcome]) throws -> LockstepResult {
        let timeSteps = network.timeSteps
        let totalSteps = network.stepCount(samples: samples.count)
        guard outcomes.count == shards.count else {
            throw ShardMergeError(message: "\(outcomes.count) shard results for \(shards.count) shards")
        }
        for (index, outcome) in outcomes.enumerated() where outcome.samples != shards[index] {
            throw ShardMergeError(message: "shard \(index) holds samples \(outcome.firstSample)..<\(outcome.endSample), "
                + "expected \(shards[index].lowerBound)..<\(shards[index].upperBound)")
        }

        var firstDivergence: Divergence?
        for outcome in outcomes {
            guard let divergence = outcome.firstDivergence else { continue }
            if let first = firstDivergence,
               (first.step, first.layer) <= (divergence.step, divergence.layer) { continue }
            firstDivergence = divergence
        }
        // Without keep-going the run ends at the first divergence, as a single run does.
        let stepsRun = keepGoing ? totalSteps : firstDivergence.map(\.step) ?? totalSteps
        let divergentSteps = Set(outcomes.flatMap { $0.divergentSteps }.filter { keepGoing || $0 <= stepsRun })

        var decoder = SpikeRecordDecoder(network: network, sampleCount: samples.count)
        let stages = network.stages
        var owner = [Int](repeating: 0, count: samples.count)
        for (index, range) in shards.enumerated() { for k in range { owner[k] = index } }
        var spikes = [[Int32]](repeating: [], count: network.depth + 1)
        for tau in 0..<stepsRun {
            let window = tau / timeSteps
            for layer in 0...network.depth {
                let k = window - stages[layer]
                guard k >= 0, k < samples.count else {
                    spikes[layer] = []
                    continue
                }
                let shard = owner[k]
                let local = tau - shards[shard].lowerBound * timeSteps
                let record = outcomes[shard].record
                guard local < record.count, record[local].count == network.depth + 1 else {
                    throw ShardMergeError(message: "shard \(shard) has no spikes of layer \(layer) at its step \(local) "
                        + "(step \(tau) of the run)")
                }
                spikes[layer] = record[local][layer]
            }
            decoder.consume(step: tau, spikes: spikes)
            try recordSink?(tau, spikes)
        }

        let deviceOutputs: [[Int64]]? = outcomes.allSatisfy { $0.deviceOutputs != nil }
            ? outcomes.flatMap { $0.deviceOutputs! } : nil
        return LockstepResult(
            stepsRun: stepsRun, totalSteps: totalSteps, outputs: decoder.outputs, sops: decoder.sops,
            referenceCounters: Self.sum(outcomes.map(\.referenceCounters)),
            deviceCounters: outcomes[0].deviceCounters == nil ? nil : Self.sum(outcomes.compactMap(\.deviceCounters)),
            deviceOutputs: deviceOutputs, firstDivergence: firstDivergence,
            divergentSteps: divergentSteps.count, differingSpikes: outcomes.reduce(0) { $0 + $1.differingSpikes },
            strayOutputSpikes: outcomes.reduce(0) { $0 + $1.strayOutputSpikes })
    }

    /// The counters of all shards added up (cycles only if every shard has them).
    static func sum(_ counters: [EngineCounters]) -> EngineCounters {
        var total = EngineCounters(overflows: 0, cycles: counters.allSatisfy { $0.cycles != nil } ? 0 : nil)
        for counter in counters {
            total.overflows += counter.overflows
            if let cycles = counter.cycles { total.cycles? += cycles }
            total.details.merge(counter.details, uniquingKeysWith: +)
        }
        return total
    }
}

/// One shard's lockstep and what it produced; touched by its thread only until it finishes.
private final class ShardWork: @unchecked Sendable {
    var lockstep: Lockstep
    /// The shard's record, one entry per local step.
    var record: [[[Int32]]] = []
    /// The global steps at which the shard diverged.
    var divergentSteps: [Int] = []
    var result: LockstepResult?
    var failure: (any Error)?

    init(lockstep: Lockstep) { self.lockstep = lockstep }

    /// What the finished shard of `samples` produced, its divergence at its global step.
    func outcome(samples: Range<Int>, timeSteps: Int, sampleCount: Int) -> ShardOutcome {
        let result = result!
        var divergence = result.firstDivergence
        divergence?.step += samples.lowerBound * timeSteps
        divergence?.sampleCount = sampleCount
        return ShardOutcome(samples: samples, record: record, divergentSteps: divergentSteps, firstDivergence: divergence,
                            referenceCounters: result.referenceCounters, deviceCounters: result.deviceCounters,
                            deviceOutputs: result.deviceOutputs, differingSpikes: result.differingSpikes,
                            strayOutputSpikes: result.strayOutputSpikes)
    }

    func execute() {
        do {
            result = try lockstep.run()
        } catch is ShardStopped {
            // Stopped behind an earlier divergence of another shard: what it found is complete
            // up to there.
            result = LockstepResult(
                stepsRun: record.count, totalSteps: 0, outputs: [], sops: 0,
                referenceCounters: EngineCounters(overflows: 0), deviceCounters: EngineCounters(overflows: 0),
                deviceOutputs: nil, firstDivergence: nil, divergentSteps: 0, differingSpikes: 0, strayOutputSpikes: 0)
        } catch {
            failure = error
        }
    }
}

/// Thrown inside a shard to end it behind another shard's earlier divergence.
private struct ShardStopped: Error {}

/// What the shards share: the step at which the run stops, and every shard's progress.
private final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var stop: Int?
    private var progress: [LockstepProgress]

    /// Every shard at step 0 of its `totalSteps`.
    init(totalSteps: [Int]) {
        progress = totalSteps.map { LockstepProgress(step: 0, totalSteps: $0, divergentSteps: 0) }
    }

    /// The earliest global step at which some shard diverged (without keep-going).
    var stopStep: Int? {
        lock.lock()
        defer { lock.unlock() }
        return stop
    }

    func stop(atStep step: Int) {
        lock.lock()
        defer { lock.unlock() }
        stop = min(stop ?? step, step)
    }

    /// Records one shard's progress; returns all shards'.
    func update(shard: Int, _ value: LockstepProgress) -> [LockstepProgress] {
        lock.lock()
        defer { lock.unlock() }
        progress[shard] = value
        return progress
    }
}
