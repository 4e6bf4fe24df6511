import Foundation
import StemSupport

/// The Verilator installation and C++ compiler a model build uses, with the version lines
/// that go into the cache key.
public struct Toolchain: Hashable, Sendable {
    /// The `verilator` executable.
    public let verilatorPath: String
    /// `verilator --version`, e.g. `Verilator 5.006 2023-01-22 rev (Debian 5.006-3)`.
    public let verilatorVersion: String
    /// The first line of `<CXX> --version` for the compiler Verilator's makefiles use.
    public let compilerVersion: String

    /// A toolchain described by hand (tests).
    public init(verilatorPath: String, verilatorVersion: String, compilerVersion: String) {
        self.verilatorPath = verilatorPath
        self.verilatorVersion = verilatorVersion
        self.compilerVersion = compilerVersion
    }

    /// Finds `verilator` on the environment's `PATH` and asks it and its compiler for their
    /// versions (once per process for each `verilator` and `PATH`).
    ///
    /// - Throws: ``ModelBuildError/verilatorNotFound(searchPath:)`` with installation advice,
    ///   or ``ModelBuildError/toolFailed(command:status:output:)``.
    public static func locate(environment: [String: String]) throws(ModelBuildError) -> Toolchain {
        let searchPath = environment["PATH"] ?? ""
        guard let verilator = ProcessRunner.findExecutable(named: "verilator", searchPath: searchPath) else {
            throw .verilatorNotFound(searchPath: searchPath)
        }
        let memoKey = verilator + "\u{0}" + searchPath
        if let known = memo.withLock({ $0[memoKey] }) { return known }

        let version = run(verilator, ["--version"], environment: environment)
        guard version.status == 0, let versionLine = version.output.split(separator: "\n").first else {
            throw .toolFailed(command: "\(verilator) --version", status: version.status, output: version.output)
        }
        let toolchain = Toolchain(
            verilatorPath: verilator, verilatorVersion: String(versionLine),
            compilerVersion: compilerVersion(verilator: verilator, environment: environment))
        memo.withLock { $0[memoKey] = toolchain }
        return toolchain
    }

    /// The first line of `--version` of the compiler named by `CXX` in Verilator's
    /// `verilated.mk` (g++ if that cannot be read), or a note saying it is unknown.
    static func compilerVersion(verilator: String, environment: [String: String]) -> String {
        var compiler = "g++"
        let root = run(verilator, ["--getenv", "VERILATOR_ROOT"], environment: environment)
        let rootPath = root.output.trimmingCharacters(in: .whitespacesAndNewlines)
        if root.status == 0, !rootPath.isEmpty,
           let makefile = try? String(contentsOfFile: rootPath + "/include/verilated.mk", encoding: .utf8) {
            for line in makefile.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "CXX" {
                    let value = parts[1].trimmingCharacters(in: .whitespaces)
                    if let first = value.split(separator: " ").first { compiler = String(first) }
                    break
                }
            }
        }
        let path = compiler.contains("/") ? compiler
            : ProcessRunner.findExecutable(named: compiler, searchPath: environment["PATH"] ?? "")
        guard let path else { return "\(compiler): not found" }
        let version = run(path, ["--version"], environment: environment)
        let line = version.output.split(separator: "\n").first.map(String.init) ?? ""
        return version.status == 0 && !line.isEmpty ? line : "\(compiler): version unknown"
    }

    /// Runs a tool to its end: its exit status and combined standard output and error.
    private static func run(_ executable: String, _ arguments: [String],
                            environment: [String: String]) -> (status: Int32, output: String) {
        let outcome = ProcessRunner.run(executable, arguments, environment: environment, output: .merged)
        return (outcome.status, outcome.output)
    }

    private static let memo = LockedValue<[String: Toolchain]>([:])
}
