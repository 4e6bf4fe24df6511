import Foundation

/// The process groups of the programs this process is running (the Verilator build and the
/// C++ compiler under it, the SystemC testbench, Yosys), so that an interrupt stops them with
/// everything they started.
///
/// ``ProcessRunner`` starts every program in a process group of its own (the program's
/// process number is the group's number): a Ctrl-C at the terminal reaches only the
/// foreground group, so `stemsim` itself must pass it on. ``start(_:)`` registers the group
/// in the same critical section that starts the program, so an interrupt either comes before
/// the start (and the program is never started) or finds it registered.
public final class ChildProcessGroups: @unchecked Sendable {
    /// The process's registry.
    public static let shared = ChildProcessGroups()

    private let lock = NSLock()
    private var groups: Set<Int32> = []

    private init() {}

    /// Runs `body`, which starts a program and returns its process number, and registers the
    /// program's process group, all under the registry's lock.
    public func start(_ body: () throws -> Int32) rethrows -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let pid = try body()
        if pid > 1 { groups.insert(pid) }
        return pid
    }

    /// Stops tracking `group` (its program ended).
    public func forget(_ group: Int32) {
        lock.lock()
        groups.remove(group)
        lock.unlock()
    }

    /// The groups tracked now, sorted.
    public var tracked: [Int32] {
        lock.lock()
        defer { lock.unlock() }
        return groups.sorted()
    }

    /// Sends SIGTERM to every tracked group, waits up to `grace` seconds for them to end, then
    /// sends SIGKILL to what is left; returns the groups that were running.
    ///
    /// The registry stays locked afterwards, so no new program starts while the process
    /// exits. Call it only on the way out of the process.
    @discardableResult
    public func stopAllAndHold(grace: Double = 2) -> [Int32] {
        lock.lock()
        let running = groups.sorted().filter { system_groupExists($0) || system_processExists($0) }
        for group in running {
            if !system_signalGroup(group, system_SIGTERM) { system_signalProcess(group, system_SIGTERM) }
        }
        let deadline = Date().addingTimeInterval(grace)
        while running.contains(where: system_groupExists), Date() < deadline {
            system_sleep(microseconds: 20_000)
        }
        for group in running where system_groupExists(group) {
            system_signalGroup(group, system_SIGKILL)
        }
        groups.removeAll()
        return running
    }
}
