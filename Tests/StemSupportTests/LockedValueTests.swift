import Foundation
import Testing
import StemSupport

@Suite struct LockedValueTests {
    @Test func concurrentUpdatesAreNotLost() {
        let counter = LockedValue(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
        }
        #expect(counter.withLock { $0 } == 80_000)
    }

    /// Every key is computed once, however many threads ask for it at the same time; a
    /// thread asking during the computation gets the same value.
    @Test func onceMapComputesEveryKeyOnce() {
        let map = OnceMap<Int, String>()
        let computations = LockedValue([Int: Int]())
        let answers = LockedValue([String]())
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let value = map.value(for: i % 2) {
                computations.withLock { $0[i % 2, default: 0] += 1 }
                Thread.sleep(forTimeInterval: 0.05)
                return "value \(i % 2)"
            }
            answers.withLock { $0.append(value) }
        }
        #expect(computations.withLock { $0 } == [0: 1, 1: 1])
        #expect(answers.withLock { $0 }.sorted() == Array(repeating: "value 0", count: 8) + Array(repeating: "value 1", count: 8))
        #expect(map.value(for: 0) { "again" } == "value 0")
    }
}
