/// The last `capacity` steps of a run, oldest first: what the lockstep check keeps so that,
/// at a divergence, it can write a waveform of the steps leading up to it.
public struct StepHistory<Element> {
    /// How many steps are kept.
    public let capacity: Int
    private var storage: [(step: UInt64, element: Element)] = []
    private var start = 0

    public init(capacity: Int) {
        precondition(capacity >= 1, "StepHistory needs a capacity of at least 1")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    /// Adds a step, dropping the oldest when full.
    public mutating func append(step: UInt64, _ element: Element) {
        if storage.count < capacity {
            storage.append((step, element))
        } else {
            storage[start] = (step, element)
            start = (start + 1) % capacity
        }
    }

    /// The kept steps, oldest first.
    public var entries: [(step: UInt64, element: Element)] {
        Array(storage[start...] + storage[..<start])
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Forgets every step.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        start = 0
    }
}

extension StepHistory: Sendable where Element: Sendable {}
