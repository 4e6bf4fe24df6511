/// The bookkeeping behind ``SweepProgress``: which tasks (points, model builds, core
/// syntheses) there are, which run on which worker, how many finished, and how long they took,
/// for the estimate of the time left. A value: its owner guards it.
struct SweepProgressTracker {
    /// A kind of task.
    enum Kind: Hashable, CaseIterable {
        case point, build, area
    }

    private var totals: [Kind: Int]
    private var done: [Kind: Int]
    private var active: [Int: (kind: Kind, label: String)] = [:]
    private var durations: [Kind: (count: Int, seconds: Double)] = [:]
    private let workers: Int

    /// A tracker of `points` points (`reused` of them finished already), `builds` builds and
    /// `areas` syntheses, run by `workers` workers.
    init(points: Int, reused: Int, builds: Int, areas: Int, workers: Int) {
        totals = [.point: points, .build: builds, .area: areas]
        done = [.point: reused, .build: 0, .area: 0]
        self.workers = max(1, workers)
    }

    /// `worker` started a task.
    mutating func begin(worker: Int, _ kind: Kind, label: String) {
        active[worker] = (kind, label)
    }

    /// `worker` finished its task of `kind` after `seconds`.
    mutating func end(worker: Int, _ kind: Kind, seconds: Double) {
        active[worker] = nil
        var entry = durations[kind] ?? (0, 0)
        entry.count += 1
        entry.seconds += seconds
        durations[kind] = entry
        done[kind, default: 0] += 1
    }

    /// The progress after `elapsed` seconds.
    func progress(elapsed: Double) -> SweepProgress {
        let estimate = self.estimate
        return SweepProgress(
            pointsDone: done[.point] ?? 0, pointsTotal: totals[.point] ?? 0,
            buildsDone: done[.build] ?? 0, buildsTotal: totals[.build] ?? 0,
            areasDone: done[.area] ?? 0, areasTotal: totals[.area] ?? 0,
            active: active.keys.sorted().compactMap { active[$0]?.label }, elapsed: elapsed,
            remaining: estimate.seconds, remainingIsPartial: !estimate.complete)
    }

    /// Seconds still to go: the pending and running tasks of each kind at that kind's mean
    /// duration so far, over the workers. Kinds with no finished task yet are left out
    /// (`complete` false); nil when no kind still to do has been timed.
    private var estimate: (seconds: Double?, complete: Bool) {
        var total = 0.0
        var known = false
        var complete = true
        for kind in Kind.allCases {
            let running = active.values.filter { $0.kind == kind }.count
            let pending = (totals[kind] ?? 0) - (done[kind] ?? 0) - running
            guard pending + running > 0 else { continue }
            guard let (count, seconds) = durations[kind], count > 0 else {
                complete = false
                continue
            }
            known = true
            total += (Double(pending) + 0.5 * Double(running)) * seconds / Double(count)
        }
        if !known { return (complete ? 0 : nil, complete) }
        return (total / Double(workers), complete)
    }
}
