import Foundation

/// Stops the programs this process runs and removes the unfinished outputs when the program
/// is interrupted (Ctrl-C, `kill`, a closed terminal), then dies of the same signal, as a
/// shell expects.
///
/// The signal handler only writes the signal's number into a pipe (all a handler may safely
/// do); a thread reading the pipe stops every process group ``ChildProcessGroups`` tracks
/// (the Verilator build with its compilers, the SystemC testbench, Yosys: SIGTERM, then
/// SIGKILL after two seconds), deletes what ``TemporaryFiles`` tracks and re-raises the
/// signal with its default action.
///
/// SIGPIPE is caught and does nothing, so a closed standard output or error (`stemsim ... |
/// head -c1`) makes writes fail with EPIPE, which the writers of standard output and error
/// take as the end of that output: the run finishes (or cleans up) normally. A caught
/// signal, unlike an ignored one, reverts to its default in the programs this process starts.
public enum InterruptCleanup {
    /// The signals that clean up: SIGINT, SIGTERM, SIGHUP.
    public static let signals: [Int32] = [system_SIGINT, system_SIGTERM, system_SIGHUP]

    /// The program name the message starts with.
    nonisolated(unsafe) private static var program = ""

    /// Blocks the calling thread until a signal arrives, forever: the handler installed by
    /// `install(program:)` ends the process. For test hooks that hold a run in progress.
    public static func waitForSignals() -> Never {
        while true { system_pause() }
    }

    /// Installs the handlers; call once, before any work and before any thread starts (so
    /// every thread inherits the unblocked signals). `program` starts the message printed on
    /// an interrupt (`stemsim: interrupted (SIGINT); removed 2 unfinished outputs, ...`).
    public static func install(program: String) {
        self.program = program
        system_setSignalHandler(system_SIGPIPE, system_ignoreSignal)
        guard let ends = system_pipe() else { return }
        system_signalPipe = ends.write
        let reader = Thread {
            var signal: UInt8 = 0
            while true {
                let n = system_read(ends.read, &signal, 1)
                if n == 1 { break }
                if n < 0 && system_errno == system_EINTR { continue }
                return
            }
            InterruptCleanup.cleanUpAndDie(of: Int32(signal))
        }
        reader.start()

        var unblock: [Int32] = []
        for signal in signals {
            // A signal ignored from the start (`nohup`, a background job of a script) stays
            // ignored; one merely blocked by the parent is unblocked, so that it is handled.
            if system_signalIsIgnored(signal) { continue }
            unblock.append(signal)
            system_setSignalHandler(signal, system_forwardSignal)
        }
        system_unblockSignals(unblock)
    }

    /// Deletes the unfinished outputs, says so, and ends the process by `signal`.
    static func cleanUpAndDie(of signal: Int32) -> Never {
        let stopped = ChildProcessGroups.shared.stopAllAndHold()
        let removed = TemporaryFiles.shared.deleteAllAndHold()
        let name = signal == system_SIGINT ? "SIGINT" : signal == system_SIGTERM ? "SIGTERM"
            : signal == system_SIGHUP ? "SIGHUP" : "signal \(signal)"
        let files = removed == 1 ? "1 unfinished output" : "\(removed) unfinished outputs"
        let programs = stopped.isEmpty ? ""
            : "; stopped \(stopped.count == 1 ? "1 running program" : "\(stopped.count) running programs") and what they started"
        StandardError.write("\n\(program): interrupted (\(name)); removed \(files), no output was left half-written\(programs)\n")
        system_setSignalHandler(signal, nil)
        system_unblockSignals([signal])
        system_raise(signal)
        system_exitImmediately(128 + signal)
    }
}
