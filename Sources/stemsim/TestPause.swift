import Foundation
import StemSupport

/// A hook for the tests of interruption: with `STEMSIM_TEST_PAUSE_AT_STEP=n` in the
/// environment, `stemsim run` stops once step `n` is recorded (every output open, none
/// finished), says so on standard error, and waits there until a signal ends it. A test can
/// then interrupt a run that is certainly in progress.
enum TestPause {
    /// The environment variable.
    static let variable = "STEMSIM_TEST_PAUSE_AT_STEP"

    /// The step to pause after, if the environment asks for one.
    static var step: Int? {
        ProcessInfo.processInfo.environment[variable].flatMap { Int($0) }
    }

    /// Says that the run paused, then waits for a signal forever (the interrupt handler ends
    /// the process).
    static func hold(afterStep step: Int) -> Never {
        printToStandardError("stemsim: paused after step \(step) (\(variable))\n")
        InterruptCleanup.waitForSignals()
    }
}
