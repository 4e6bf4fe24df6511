import Foundation
import StemModel
import StemSupport

/// The SystemC testbench of the Verilated mesh (`testbenches/systemc`, docs/systemc.md): a
/// `stem_systemc` binary built for one parameter set, and runs of export folders on it.
///
/// ```swift
/// let testbench = try SystemCTestbench.build(for: mapping.modelParameters())
/// let run = testbench.run(exportFolder: "out/digits", initiator: .tlm,
///                         events: "out/events.txt", summary: "out/summary.json")
/// ```
/// The testbench writes raw events (``SystemCEvents``); ``SystemCEngine`` maps them to layers
/// and compares them with the golden model.
/// Building runs `testbenches/systemc/build.sh` from the hardware sources (those built into
/// stemsim, or `STEM_RTL_DIR`); the script keeps binaries in `<cache>/systemc/<key>/`, keyed by
/// the content of the sources, the parameters and the tool versions, so a second build of the
/// same inputs runs nothing.
public struct SystemCTestbench: Sendable {
    /// Who drives the mesh.
    public enum Initiator: String, Sendable, CaseIterable {
        /// The pin-level testbench (clock, stimulus source, step barrier, monitor sink).
        case pin
        /// The CPU model driving stem_mesh_tlm through TLM-2.0 b_transport and the interrupt.
        case tlm
    }

    /// Something the build reports, for a progress line.
    public enum Event: Sendable, CustomStringConvertible {
        case cached(parameters: ModelParameters, key: String)
        case building(parameters: ModelParameters, key: String)
        case built(parameters: ModelParameters, key: String, seconds: Double)

        public var description: String {
            switch self {
            case .cached(let parameters, let key):
                "using the cached SystemC testbench for \(parameters.summary) (\(key.prefix(12)))"
            case .building(let parameters, let key):
                "building the SystemC testbench for \(parameters.summary) ... (cached as \(key.prefix(12)))"
            case .built(let parameters, _, let seconds):
                "built the SystemC testbench for \(parameters.summary) in \(String(format: "%.1f", seconds)) s"
            }
        }
    }

    /// What a run printed and how it ended.
    public struct RunOutcome: Sendable {
        /// The testbench's exit status: 0 ok, 2 bad input, 3 the run failed.
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The build script, relative to the repository root.
    public static let buildScript = "testbenches/systemc/build.sh"

    /// The binary.
    public let executable: URL
    /// The parameters it was built for.
    public let parameters: ModelParameters
    /// Its cache key.
    public let key: String

    /// A testbench binary built elsewhere.
    public init(executable: URL, parameters: ModelParameters, key: String) {
        self.executable = executable
        self.parameters = parameters
        self.key = key
    }

    // MARK: Building

    /// Builds the testbench for `parameters` (or finds it in the cache).
    ///
    /// - Parameters:
    ///   - sources: the hardware sources (`rtl/` and `testbenches/systemc/` are used).
    ///   - cacheRoot: the cache root (the models' root; binaries go to `<root>/systemc/`).
    ///   - environment: the build's environment; its `PATH` is where Verilator and the compiler
    ///     are looked up, `SYSTEMC_INCLUDE`/`SYSTEMC_LIBDIR`/`SYSTEMC_HOME` may name SystemC.
    /// - Throws: ``SystemCBuildError``.
    public static func build(
        for parameters: ModelParameters,
        sources: HardwareSources? = nil,
        cacheRoot: URL? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Event) -> Void = { _ in }
    ) throws -> SystemCTestbench {
        try parameters.validate()
        guard parameters.top == .mesh else {
            throw SystemCBuildError.invalidParameters(message: "the SystemC testbench is built for the stem_mesh top, not \(parameters.top)")
        }
        let sources = try sources ?? HardwareSources.current(environment: environment)
        let root = cacheRoot ?? ModelCache.folder(environment: environment)
        let fm = FileManager.default
        guard sources.file(atPath: buildScript) != nil else {
            throw SystemCBuildError.sourcesIncomplete(origin: sources.origin.description, missing: "\(buildScript) is missing")
        }
        let folder = fm.temporaryDirectory.appendingPathComponent("stem-systemc-sources-\(UUID().uuidString)")
        TemporaryFiles.shared.track(folder.path)
        defer {
            try? fm.removeItem(at: folder)
            TemporaryFiles.shared.forget(folder.path)
        }
        do {
            let needed = HardwareSources(
                files: sources.files.filter {
                    $0.path.hasPrefix("rtl/") || $0.path.hasPrefix("testbenches/systemc/")
                        || $0.path == "Sources/CStemShim/include/stem_hw_interface.h"
                },
                origin: sources.origin)
            try needed.materialize(into: folder)
        } catch {
            throw SystemCBuildError.scriptFailed(command: "writing the sources to \(folder.path)", status: -1,
                                                 output: "\(error)")
        }
        let script = folder.appendingPathComponent(buildScript).path
        let arguments = ["--cache", root.path, "--jobs", String(max(1, jobs)), "--quiet"]
            + parameters.allVerilatorParameters.map { "\($0.name)=\($0.value)" }

        let keyRun = runScript(script, arguments + ["--key"], environment: environment)
        try check(keyRun, parameters: parameters, script: script)
        let key = keyRun.output.split(separator: "\n").last.map(String.init) ?? ""
        let expected = root.appendingPathComponent("systemc").appendingPathComponent(key)
            .appendingPathComponent("stem_systemc")
        let cached = fm.isExecutableFile(atPath: expected.path)
        progress(cached ? .cached(parameters: parameters, key: key) : .building(parameters: parameters, key: key))
        let started = Date()
        let buildRun = runScript(script, arguments, environment: environment)
        try check(buildRun, parameters: parameters, script: script)
        guard let path = buildRun.output.split(separator: "\n").last.map(String.init),
              fm.isExecutableFile(atPath: path) else {
            throw SystemCBuildError.scriptFailed(command: "bash \(buildScript)", status: buildRun.status,
                                                 output: buildRun.output + buildRun.errors)
        }
        if !cached { progress(.built(parameters: parameters, key: key, seconds: Date().timeIntervalSince(started))) }
        return SystemCTestbench(executable: URL(fileURLWithPath: path), parameters: parameters, key: key)
    }

    private static func check(_ run: (status: Int32, output: String, errors: String), parameters: ModelParameters,
                              script: String) throws {
        let message = run.errors.trimmingCharacters(in: .whitespacesAndNewlines)
        switch run.status {
        case 0: return
        case 1: throw SystemCBuildError.buildFailed(parameters: parameters, message: message)
        case 2: throw SystemCBuildError.invalidParameters(message: message)
        case 3: throw SystemCBuildError.toolMissing(message: message.replacingOccurrences(of: "build.sh: ", with: ""))
        default:
            throw SystemCBuildError.scriptFailed(command: "bash \(buildScript)", status: run.status,
                                                 output: run.output + run.errors)
        }
    }

    /// Runs `bash script arguments` and returns its status, stdout and stderr.
    private static func runScript(_ script: String, _ arguments: [String],
                                  environment: [String: String]) -> (status: Int32, output: String, errors: String) {
        let bash = ["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? ProcessRunner.findExecutable(named: "bash", searchPath: environment["PATH"] ?? "") ?? "/bin/bash"
        let outcome = ProcessRunner.run(bash, [script] + arguments, environment: environment)
        return (outcome.status, outcome.output, outcome.errors)
    }

    // MARK: Running

    /// Runs the export in `exportFolder` (written by ``MeshExport``).
    ///
    /// - Parameters:
    ///   - events, summary: where the testbench writes its raw events (``SystemCEvents``) and
    ///     its summary (``SystemCSummary``).
    ///   - clockMHz: the clock for simulated time (nil: the testbench's 100 MHz default).
    ///   - extraArguments: more options (`--out-depth 4`, ...).
    public func run(exportFolder: String, initiator: Initiator = .pin, events: String? = nil, summary: String? = nil,
                    clockMHz: Double? = nil, extraArguments: [String] = [],
                    environment: [String: String] = ProcessInfo.processInfo.environment) -> RunOutcome {
        var arguments = [exportFolder]
        if initiator == .tlm { arguments.append("--tlm") }
        if let events { arguments += ["--events", events] }
        if let summary { arguments += ["--summary", summary] }
        if let clockMHz { arguments += ["--clock-mhz", String(clockMHz)] }
        arguments += extraArguments
        var environment = environment
        environment["SC_COPYRIGHT_MESSAGE"] = environment["SC_COPYRIGHT_MESSAGE"] ?? "DISABLE"
        let outcome = ProcessRunner.run(executable.path, arguments, environment: environment)
        return RunOutcome(status: outcome.status, standardOutput: outcome.output, standardError: outcome.errors)
    }
}
