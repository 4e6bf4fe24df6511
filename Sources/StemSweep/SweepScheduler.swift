import Foundation

/// A pool of worker threads running jobs from a ready queue. It knows nothing of sweeps: a job
/// is any value, with a priority and at most one job it must wait for.
///
/// ```swift
/// let scheduler = SweepScheduler<String>()
/// let build = scheduler.add("build", priority: 1)
/// scheduler.add("point", priority: 0, after: build)   // ready once "build" has finished
/// try scheduler.run(workers: 2) { job, worker in print(worker, job) }
/// ```
///
/// A free worker takes the ready job of the lowest priority (the earliest added among equals).
/// A job that waits for another becomes ready when that one has finished (whether it threw or
/// not). When a job throws, no further job starts; the jobs already running finish, and
/// ``run(workers:heartbeat:perform:)`` rethrows the first error.
///
/// Jobs are added before `run`; `run` may be called once.
final class SweepScheduler<Job: Sendable>: @unchecked Sendable {
    /// A job added to the scheduler, for ``add(_:priority:after:)``'s `after`.
    struct Handle: Hashable, Sendable {
        fileprivate let index: Int
    }

    private struct Entry {
        var job: Job
        var priority: Int
        var dependency: Int?
        var state: State
    }

    private enum State {
        case waiting, ready, running, finished
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var entries: [Entry] = []
    private var unfinished = 0
    private var firstError: (any Error)?
    private var started = false

    init() {}

    /// Adds a job. It runs after `dependency` has finished, if given.
    @discardableResult
    func add(_ job: Job, priority: Int, after dependency: Handle? = nil) -> Handle {
        condition.lock()
        defer { condition.unlock() }
        precondition(!started, "jobs are added before run")
        if let dependency { precondition(dependency.index < entries.count, "a dependency is added first") }
        entries.append(Entry(job: job, priority: priority, dependency: dependency?.index, state: .waiting))
        unfinished += 1
        return Handle(index: entries.count - 1)
    }

    /// Runs every job on `workers` threads and returns when all have finished, or, after a job
    /// threw, when the running ones have finished.
    ///
    /// - Parameters:
    ///   - heartbeat: called on the calling thread, with no lock held, whenever `interval`
    ///     passes without a job finishing (for a progress line's clock).
    ///   - perform: runs one job; `worker` is the worker's number, 0..<workers.
    /// - Throws: the first error a job threw.
    func run(workers: Int, heartbeat: (interval: Duration, action: () -> Void)? = nil,
             perform: @escaping @Sendable (Job, _ worker: Int) throws -> Void) throws {
        precondition(workers > 0, "at least one worker")
        condition.lock()
        precondition(!started, "run is called once")
        started = true
        condition.unlock()

        let finished = DispatchSemaphore(value: 0)
        for worker in 0..<workers {
            let thread = Thread { [self] in
                while let (index, job) = next() {
                    var failure: (any Error)?
                    do {
                        try perform(job, worker)
                    } catch {
                        failure = error
                    }
                    complete(index, failure: failure)
                }
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        var remaining = workers
        while remaining > 0 {
            if let heartbeat {
                let (seconds, attoseconds) = heartbeat.interval.components
                let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
                if finished.wait(timeout: .now() + .nanoseconds(max(1, nanoseconds))) == .success {
                    remaining -= 1
                } else {
                    heartbeat.action()
                }
            } else {
                finished.wait()
                remaining -= 1
            }
        }
        condition.lock()
        let error = firstError
        condition.unlock()
        if let error { throw error }
    }

    /// The next job for a worker; nil when none is left or a job threw.
    private func next() -> (Int, Job)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if firstError != nil || unfinished == 0 { return nil }
            var best: Int?
            for index in entries.indices where isReady(index) {
                if let chosen = best, entries[chosen].priority <= entries[index].priority { continue }
                best = index
            }
            if let best {
                entries[best].state = .running
                return (best, entries[best].job)
            }
            condition.wait()
        }
    }

    /// Whether entry `index` may start (lock held).
    private func isReady(_ index: Int) -> Bool {
        switch entries[index].state {
        case .ready:
            return true
        case .waiting:
            guard let dependency = entries[index].dependency, entries[dependency].state != .finished else {
                entries[index].state = .ready
                return true
            }
            return false
        case .running, .finished:
            return false
        }
    }

    private func complete(_ index: Int, failure: (any Error)?) {
        condition.lock()
        entries[index].state = .finished
        unfinished -= 1
        if let failure, firstError == nil { firstError = failure }
        condition.broadcast()
        condition.unlock()
    }
}
