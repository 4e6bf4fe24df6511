import Foundation
import StemSupport
import Testing
@testable import StemSweep

/// The worker pool of the sweeps: the ready queue's order, the bound on parallel jobs, and
/// what a failing job does.
@Suite struct SweepSchedulerTests {
    private struct Failure: Error, Equatable {
        var job: Int
    }

    @Test func oneWorkerTakesReadyJobsByPriorityAndWaitsForDependencies() throws {
        let scheduler = SweepScheduler<String>()
        let buildA = scheduler.add("build A", priority: 1)
        let buildB = scheduler.add("build B", priority: 1)
        scheduler.add("area", priority: 2)
        scheduler.add("point a", priority: 0, after: buildA)
        scheduler.add("point b", priority: 0, after: buildB)
        scheduler.add("point x", priority: 0)
        let order = LockedValue<[String]>([])
        try scheduler.run(workers: 1) { job, worker in
            #expect(worker == 0)
            order.withLock { $0.append(job) }
        }
        #expect(order.withLock { $0 } == ["point x", "build A", "point a", "build B", "point b", "area"])
    }

    @Test func neverRunsMoreJobsAtOnceThanWorkers() throws {
        let workers = 3
        let scheduler = SweepScheduler<Int>()
        for job in 0..<2000 { scheduler.add(job, priority: 0) }
        let running = LockedValue<(now: Int, most: Int, workers: Set<Int>)>((0, 0, []))
        let allBusy = DispatchSemaphore(value: 0)
        try scheduler.run(workers: workers) { job, worker in
            #expect((0..<workers).contains(worker), "worker \(worker) of \(workers)")
            let now = running.withLock { state -> Int in
                state.now += 1
                state.most = max(state.most, state.now)
                state.workers.insert(worker)
                return state.now
            }
            // The first jobs hold their workers until every worker is busy at once.
            if job < workers {
                if now == workers {
                    for _ in 0..<workers - 1 { allBusy.signal() }
                } else {
                    #expect(allBusy.wait(timeout: .now() + 30) == .success, "all workers busy at once")
                }
            }
            running.withLock { $0.now -= 1 }
        }
        let state = running.withLock { $0 }
        #expect(state.most == workers, "at most \(workers) at once, and that many")
        #expect(state.workers == Set(0..<workers))
    }

    @Test func aFailingJobStopsTheRestAndItsErrorIsRethrown() {
        let scheduler = SweepScheduler<Int>()
        let first = scheduler.add(0, priority: 0)
        for job in 1..<6 { scheduler.add(job, priority: 0, after: job == 5 ? first : nil) }
        let ran = LockedValue<[Int]>([])
        #expect(throws: Failure(job: 2)) {
            try scheduler.run(workers: 1) { job, _ in
                ran.withLock { $0.append(job) }
                if job == 2 { throw Failure(job: job) }
            }
        }
        #expect(ran.withLock { $0 } == [0, 1, 2], "no job starts after one threw")
    }

    @Test func aHeartbeatComesWhileAJobRuns() throws {
        let scheduler = SweepScheduler<Int>()
        scheduler.add(0, priority: 0)
        let beats = LockedValue(0)
        let beaten = DispatchSemaphore(value: 0)
        try scheduler.run(workers: 1, heartbeat: (.milliseconds(10), {
            if beats.withLock({ $0 += 1; return $0 }) == 1 { beaten.signal() }
        })) { _, _ in
            // The job ends only after the waiting thread's heartbeat ran.
            #expect(beaten.wait(timeout: .now() + 30) == .success)
        }
        #expect(beats.withLock { $0 } >= 1)
    }
}
