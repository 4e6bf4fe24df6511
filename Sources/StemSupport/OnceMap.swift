import Foundation

/// Values computed once per key, on first request; a thread asking for a key another thread is
/// computing waits for that result instead of computing it again.
public final class OnceMap<Key: Hashable, Value>: @unchecked Sendable {
    private enum State {
        case computing
        case done(Value)
    }

    private let condition = NSCondition()
    private var states: [Key: State] = [:]

    /// Creates an empty map.
    public init() {}

    /// The value for `key`: computed by `compute` on the first request, the same value after.
    public func value(for key: Key, compute: () -> Value) -> Value {
        condition.lock()
        while true {
            switch states[key] {
            case .done(let value)?:
                condition.unlock()
                return value
            case .computing?:
                condition.wait()
            case nil:
                states[key] = .computing
                condition.unlock()
                let value = compute()
                condition.lock()
                states[key] = .done(value)
                condition.broadcast()
                condition.unlock()
                return value
            }
        }
    }
}
