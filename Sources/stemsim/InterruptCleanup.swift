import StemModel
import StemSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the unfinished outputs when stemsim is interrupted (Ctrl-C, `kill`, a closed
/// terminal), then dies of the same signal, as a shell expects.
///
/// The signal handler only writes the signal's number into a pipe (all a handler may safely
/// do); a thread reading the pipe deletes what ``TemporaryFiles`` tracks and re-raises the
/// signal with its default action. Handled signals revert to their default in child processes
/// (the Verilator build, the SystemC testbench), so those still stop on Ctrl-C with the rest
/// of the foreground process group.
enum InterruptCleanup {
    /// The signals that clean up.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers; call once, before any work and before any thread starts (so
    /// every thread inherits the unblocked signals).
    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        interruptPipe = ends[1]
        let reader = ends[0]

        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            let descriptor = Int32(Int(bitPattern: argument))
            var signal: UInt8 = 0
            while true {
                let n = read(descriptor, &signal, 1)
                if n == 1 { break }
                if n < 0 && errno == EINTR { continue }
                return nil
            }
            InterruptCleanup.cleanUpAndDie(of: Int32(signal))
        }, UnsafeMutableRawPointer(bitPattern: Int(reader)))
        guard started == 0 else { return }
        pthread_detach(thread)

        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in signals {
            // A signal ignored from the start (`nohup`, a background job of a script) stays
            // ignored; one merely blocked by the parent is unblocked, so that it is handled.
            var previous = sigaction()
            sigaction(signal, nil, &previous)
            #if canImport(Darwin)
            let wasIgnored = unsafeBitCast(previous.__sigaction_u.__sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #else
            let wasIgnored = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
            #endif
            if wasIgnored { continue }
            sigaddset(&unblock, signal)
            setHandler(interruptHandler, for: signal)
        }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Deletes the unfinished outputs, says so, and ends the process by `signal`.
    static func cleanUpAndDie(of signal: Int32) -> Never {
        let removed = TemporaryFiles.shared.deleteAllAndHold()
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : signal == SIGHUP ? "SIGHUP" : "signal \(signal)"
        let files = removed == 1 ? "1 unfinished output" : "\(removed) unfinished outputs"
        printToStandardError("\nstemsim: interrupted (\(name)); removed \(files), no output was left half-written\n")
        setHandler(SIG_DFL, for: signal)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, signal)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        raise(signal)
        _exit(128 + signal)
    }

    /// Sets the action of `signal` to `handler` (a function, or `SIG_DFL`).
    private static func setHandler(_ handler: (@convention(c) (Int32) -> Void)?, for signal: Int32) {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler
        #else
        action.__sigaction_handler.sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(signal, &action, nil)
    }
}

/// The write end of the interrupt pipe (set before the handlers are installed).
nonisolated(unsafe) private var interruptPipe: Int32 = -1

/// The signal handler: forwards the signal's number to the cleanup thread.
private func interruptHandler(_ signal: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(interruptPipe, &byte, 1)
    errno = saved
}
