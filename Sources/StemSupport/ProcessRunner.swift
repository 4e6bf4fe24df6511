import Foundation

/// Runs a program to its end and finds programs on a search path: the one way the package
/// starts Verilator, the compilers, Yosys, the SystemC testbench, the C++ driver and `fst2vcd`.
///
/// Standard input is the null device. Standard output and error are read while the program
/// runs (so neither pipe can fill up and block it), kept apart, merged, or appended to a
/// log file. Every program runs in a process group of its own, registered in
/// ``ChildProcessGroups`` while it runs, so that an interrupt of this process stops it and
/// everything it started (``InterruptCleanup``).
///
/// ```swift
/// guard let yosys = ProcessRunner.findExecutable(named: "yosys", searchPath: path) else { ... }
/// let outcome = ProcessRunner.run(yosys, ["-V"], environment: environment)
/// if outcome.status == 0 { print(outcome.output) }
/// ```
public enum ProcessRunner {
    /// Where standard output and standard error go.
    public enum Output: Sendable, Equatable {
        /// Each captured on its own (``Outcome/output`` and ``Outcome/errors``).
        case separate
        /// Both captured together, in the order written, in ``Outcome/output``.
        case merged
        /// Both appended to the file at this path, which must exist; nothing is captured.
        case appending(toFile: String)
    }

    /// How a program ended and what it printed.
    public struct Outcome: Sendable, Equatable {
        /// The exit status; for a program ended by a signal, the signal's number; -1 if the
        /// program could not be started (``errors``, or ``output`` when merged, says why).
        public var status: Int32
        /// Standard output (with standard error when run with ``Output/merged``).
        public var output: String
        /// Standard error (empty unless run with ``Output/separate``).
        public var errors: String

        public init(status: Int32, output: String, errors: String) {
            self.status = status
            self.output = output
            self.errors = errors
        }
    }

    /// A test hook: with this variable set to `1` in this process's environment, every
    /// program is replaced by a shell that starts `sleep` in the background and waits for it
    /// (a program with a child, in its process group, that never ends by itself), and its
    /// process group is announced on standard error (`stem-test: process group N started`).
    /// Tests of interrupts use it to stop a build that is certainly running.
    public static let holdVariable = "STEM_TEST_HOLD_CHILD_PROCESSES"

    private static let holds = ProcessInfo.processInfo.environment[holdVariable] == "1"

    /// Starts `process` in its own process group, registered in ``ChildProcessGroups``.
    private static func start(_ process: Process) throws {
        if holds {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "sleep 3600 & wait"]
        }
        let pid = try ChildProcessGroups.shared.start {
            try process.run()
            return process.processIdentifier
        }
        if holds { StandardError.write("stem-test: process group \(pid) started\n") }
    }

    /// Waits for `process` to end and stops tracking its group.
    private static func wait(_ process: Process) {
        process.waitUntilExit()
        ChildProcessGroups.shared.forget(process.processIdentifier)
    }

    /// Runs `executable` with `arguments` and waits for it to end.
    ///
    /// - Parameters:
    ///   - environment: the program's whole environment.
    ///   - folder: its working folder (nil: this process's).
    ///   - output: where its standard output and error go.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           in folder: String? = nil, output: Output = .separate) -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder, isDirectory: true) }
        process.standardInput = FileHandle.nullDevice

        func notStarted(_ reason: String) -> Outcome {
            let message = "cannot start \(executable): \(reason)"
            return output == .merged ? Outcome(status: -1, output: message, errors: "")
                : Outcome(status: -1, output: "", errors: message)
        }

        switch output {
        case .appending(let path):
            guard let log = FileHandle(forWritingAtPath: path) else {
                return notStarted("cannot open \(path) for its output")
            }
            defer { try? log.close() }
            log.seekToEndOfFile()
            process.standardOutput = log
            process.standardError = log
            do { try start(process) } catch { return notStarted("\(error)") }
            wait(process)
            return Outcome(status: process.terminationStatus, output: "", errors: "")

        case .merged:
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            do { try start(process) } catch { return notStarted("\(error)") }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            wait(process)
            return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self), errors: "")

        case .separate:
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            do { try start(process) } catch { return notStarted("\(error)") }
            let errors = LockedValue(Data())
            let group = DispatchGroup()
            group.enter()
            DispatchQueue.global().async {
                let data = err.fileHandleForReading.readDataToEndOfFile()
                errors.withLock { $0 = data }
                group.leave()
            }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            group.wait()
            wait(process)
            return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
                           errors: String(decoding: errors.withLock { $0 }, as: UTF8.self))
        }
    }

    /// The first executable file (not a folder) called `name` in the `:`-separated
    /// `searchPath`, or nil. Empty entries of the search path are skipped.
    public static func findExecutable(named name: String, searchPath: String) -> String? {
        guard !name.isEmpty, !name.contains("/") else { return nil }
        for folder in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(folder) + "/" + name
            if let status = system_stat(candidate), !status.isDirectory,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
