import Foundation
import StemRTL
import StemSupport
import Testing

/// What the RTL tests share: whether Verilator is here, and the model builder (the
/// hardware sources of this build or `STEM_RTL_DIR`, the standard or `STEM_CACHE_DIR` cache).
enum RTLTestSupport {
    static let verilatorAvailable =
        ProcessRunner.findExecutable(named: "verilator", searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil

    static let verilatorMissingMessage: Comment =
        "verilator is not on PATH, so the RTL cross-checks cannot run (apt-get install verilator)"

    static func builder() throws -> ModelBuilder { try ModelBuilder() }
}
