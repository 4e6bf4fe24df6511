import Foundation
import StemSupport

/// The search for a hybrid per-layer RoT/DRLO setting (the SDANN paper's Table VIII, which
/// chooses per layer whether and how to sparsify): a setting with few SOPs whose accuracy stays
/// within `maxLoss` percentage points of the unsparsified network's.
///
/// Greedy: starting from no sparsification, each round tries, for every sparsified layer, the
/// stronger RoT factors (keeping its DRLO limit) one by one from the weakest, and likewise the
/// stronger DRLO limits (keeping its RoT factor), stopping along each of these two lines at the
/// first setting that loses more than `maxLoss` (the stronger ones would cut still more bits).
/// It takes the candidate with the fewest SOPs (the input layer's excluded; ties go to the higher
/// accuracy, then to the earlier layer) among those within the bound that save SOPs, and stops
/// when no candidate does. Each candidate is one golden run; equal settings are run once. The
/// result is a good setting, not necessarily the best of all `(B*B)^layers`.
public struct HybridSearch {
    /// One accepted move of the search.
    public struct Step: Sendable, Equatable {
        /// 1, 2, ...
        public var number: Int
        /// The index (in the sparsified layers) of the layer the move changed.
        public var layerIndex: Int
        public var outcome: SparsityOutcome
        /// Candidates the round tried (walked along its lines).
        public var candidates: Int
    }

    public var timeSteps: Int
    public var layerCount: Int
    /// Percentage points of accuracy the result may lose against the baseline.
    public var maxLoss: Double
    /// Candidates run at once.
    public var jobs: Int

    public init(timeSteps: Int, layerCount: Int, maxLoss: Double, jobs: Int) {
        self.timeSteps = timeSteps
        self.layerCount = layerCount
        self.maxLoss = maxLoss
        self.jobs = jobs
    }

    /// The candidates of a round from `current`, as lines to walk from the weakest: per layer,
    /// the stronger RoT factors, then the stronger DRLO limits, one layer changed at a time.
    func lines(from current: [LayerSparsity]) -> [(layer: Int, settings: [[LayerSparsity]])] {
        var result: [(Int, [[LayerSparsity]])] = []
        for l in 0..<layerCount {
            let setting = current[l]
            result.append((l, stride(from: setting.rot + 1, to: timeSteps, by: 1).map { r in
                var next = current
                next[l].rot = r
                return next
            }))
            let limit = setting.drlo == 0 ? timeSteps : setting.drlo
            result.append((l, stride(from: limit - 1, through: 1, by: -1).map { k in
                var next = current
                next[l].drlo = k
                return next
            }))
        }
        return result.filter { !$0.1.isEmpty }
    }

    /// Runs the search from `baseline` (no sparsification), with `evaluate` running one setting.
    /// `progress` sees each round's number and the candidate lines it walks.
    /// - Returns: the accepted steps, in order (empty when no single move stays within the bound).
    public func run(baseline: SparsityOutcome, evaluate: @escaping @Sendable ([LayerSparsity]) throws -> SparsityOutcome,
                    progress: (_ round: Int, _ lines: Int) -> Void = { _, _ in }) throws -> [Step] {
        var current = baseline
        var steps: [Step] = []
        var memo: [[LayerSparsity]: SparsityOutcome] = [baseline.settings: baseline]
        let bound = maxLoss + 1e-9
        while true {
            let round = lines(from: current.settings)
            progress(steps.count + 1, round.count)
            let known = memo
            let walked = try Self.parallelMap(round.map(\.settings), jobs: jobs) { line -> [SparsityOutcome] in
                var outcomes: [SparsityOutcome] = []
                for settings in line {
                    let outcome = try known[settings] ?? evaluate(settings)
                    outcomes.append(outcome)
                    if outcome.lossPoints(against: baseline) > bound { break }
                }
                return outcomes
            }
            var best: (layer: Int, outcome: SparsityOutcome)?
            var tried = 0
            for ((layer, _), outcomes) in zip(round, walked) {
                for outcome in outcomes {
                    memo[outcome.settings] = outcome
                    tried += 1
                    guard outcome.lossPoints(against: baseline) <= bound, outcome.hiddenSOPs < current.hiddenSOPs else { continue }
                    if let b = best {
                        let better = outcome.hiddenSOPs < b.outcome.hiddenSOPs
                            || (outcome.hiddenSOPs == b.outcome.hiddenSOPs && outcome.correct > b.outcome.correct)
                        if !better { continue }
                    }
                    best = (layer, outcome)
                }
            }
            guard let best else { break }
            current = best.outcome
            steps.append(Step(number: steps.count + 1, layerIndex: best.layer, outcome: best.outcome, candidates: tried))
        }
        return steps
    }

    /// `transform` of every item, `jobs` at a time, in order; the first error thrown is rethrown.
    static func parallelMap<T: Sendable, R: Sendable>(_ items: [T], jobs: Int,
                                                      _ transform: @escaping @Sendable (T) throws -> R) throws -> [R] {
        let results = LockedValue([R?](repeating: nil, count: items.count))
        let failure = LockedValue<(any Error)?>(nil)
        let next = LockedValue(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, items.count))) { _ in
            while true {
                let index = next.withLock { value -> Int in
                    defer { value += 1 }
                    return value
                }
                guard index < items.count, failure.withLock({ $0 == nil }) else { return }
                do {
                    let result = try transform(items[index])
                    results.withLock { $0[index] = result }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.withLock { $0.map { $0! } }
    }
}
