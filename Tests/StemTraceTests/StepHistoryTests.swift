import Testing
@testable import StemTrace

@Suite struct StepHistoryTests {
    @Test func keepsTheLastStepsOldestFirst() {
        var history = StepHistory<String>(capacity: 3)
        #expect(history.isEmpty)
        history.append(step: 0, "a")
        history.append(step: 1, "b")
        #expect(history.entries.map(\.step) == [0, 1])
        history.append(step: 2, "c")
        history.append(step: 3, "d")
        history.append(step: 4, "e")
        #expect(history.count == 3)
        #expect(history.entries.map(\.step) == [2, 3, 4])
        #expect(history.entries.map(\.element) == ["c", "d", "e"])
        history.removeAll()
        #expect(history.isEmpty)
        history.append(step: 9, "z")
        #expect(history.entries.map(\.element) == ["z"])
    }
}
