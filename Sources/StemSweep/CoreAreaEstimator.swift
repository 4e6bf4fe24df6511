import Foundation
import StemModel
import StemRTL
import StemSupport

/// Measures the size of one `stem_core` with Yosys, through a content-keyed cache.
///
/// The recipe is `testbenches/synth/core_area.sh` of the hardware sources (the copy built into
/// stemsim, or `STEM_RTL_DIR`'s), the same file `scripts/yosys-area.sh` runs. The script and
/// the RTL are written to a temporary folder and the script is run there. The result is kept in
/// `<model cache>/area/<key>.json`, where the key is a SHA-256 over the script, every RTL file,
/// the parameters and `yosys -V`; a second request with the same key runs nothing.
public struct CoreAreaEstimator: Sendable {
    /// The synthesis script, relative to the repository root.
    public static let scriptPath = "testbenches/synth/core_area.sh"

    /// A measured (or cached) size.
    public struct Result: Sendable, Equatable {
        public var area: CoreArea
        /// The cache key.
        public var key: String
        /// Whether the figure came from the cache.
        public var cached: Bool
    }

    /// The sources the script and the RTL come from.
    public var sources: HardwareSources
    /// Where results are kept.
    public var cacheDirectory: URL
    /// The environment of the script; its `PATH` is where `yosys` is looked up.
    public var environment: [String: String]

    public init(sources: HardwareSources, cacheDirectory: URL,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.sources = sources
        self.cacheDirectory = cacheDirectory.standardizedFileURL
        self.environment = environment
    }

    /// The estimator that goes with `builder`: its sources, and the `area` folder of its model
    /// cache.
    public init(builder: ModelBuilder) {
        self.init(sources: builder.sources,
                  cacheDirectory: builder.cache.directory.appendingPathComponent("area", isDirectory: true),
                  environment: builder.environment)
    }

    /// The files a synthesis reads: the script and every file directly in `rtl/`.
    func inputFiles() throws(CoreAreaError) -> [HardwareSources.File] {
        guard let script = sources.file(atPath: Self.scriptPath) else {
            throw .sourcesIncomplete(origin: sources.origin.description, missing: Self.scriptPath)
        }
        let rtl = sources.files.filter {
            $0.path.hasPrefix("rtl/") && !$0.path.dropFirst(4).contains("/")
        }
        guard rtl.contains(where: { $0.path == "rtl/stem_pkg.sv" }) else {
            throw .sourcesIncomplete(origin: sources.origin.description, missing: "rtl/stem_pkg.sv")
        }
        return [script] + rtl
    }

    /// The cache key of `parameters` synthesized by the Yosys that prints `yosysVersion`.
    public func key(for parameters: CoreAreaParameters, yosysVersion: String) throws(CoreAreaError) -> String {
        var hash = SHA256()
        hash.update("stem-cosim core area v1\n")
        for file in try inputFiles() {
            let bytes = Array(file.text.utf8)
            hash.update("file \(file.path) \(bytes.count)\n")
            hash.update(bytes)
            hash.update("\n")
        }
        for argument in parameters.arguments { hash.update("argument \(argument)\n") }
        hash.update("yosys \(yosysVersion)\n")
        return hash.finalize().hexString
    }

    /// The size of a core with `parameters`, from the cache or by running Yosys (seconds to
    /// tens of seconds).
    public func area(for parameters: CoreAreaParameters) throws(CoreAreaError) -> Result {
        let searchPath = environment["PATH"] ?? ""
        guard let yosys = ProcessRunner.findExecutable(named: "yosys", searchPath: searchPath) else {
            throw .yosysNotFound(searchPath: searchPath)
        }
        let version = try Self.version(of: yosys, environment: environment)
        let key = try key(for: parameters, yosysVersion: version)
        let resultURL = cacheDirectory.appendingPathComponent(key + ".json")
        if let area = Self.readCached(resultURL) {
            return Result(area: area, key: key, cached: true)
        }
        let area = try synthesize(parameters, key: key)
        do {
            try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw .cacheUnusable(path: cacheDirectory.path, reason: "\(error.localizedDescription)")
        }
        let entry = CoreAreaCacheEntry(area: area, parameters: parameters, yosys: version,
                                       sources: sources.origin.description)
        do {
            try FileIO.writeAtomically(try entry.encoded(), to: resultURL.path)
        } catch let error as OutputFileError {
            throw .cacheUnusable(path: resultURL.path, reason: error.description)
        } catch {
            throw .cacheUnusable(path: resultURL.path, reason: "cannot encode the result: \(error)")
        }
        return Result(area: area, key: key, cached: false)
    }

    /// Runs the script on the materialized sources.
    private func synthesize(_ parameters: CoreAreaParameters, key: String) throws(CoreAreaError) -> CoreArea {
        let fm = FileManager.default
        let work = cacheDirectory.appendingPathComponent(".tmp-\(key)-\(UUID().uuidString)", isDirectory: true)
        defer { try? fm.removeItem(at: work) }
        do {
            for file in try inputFiles() {
                let url = work.appendingPathComponent(file.path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(file.text.utf8).write(to: url)
            }
        } catch let error as CoreAreaError {
            throw error
        } catch {
            throw .cacheUnusable(path: work.path, reason: "cannot write the synthesis folder: \(error.localizedDescription)")
        }
        let script = work.appendingPathComponent(Self.scriptPath).path
        let run = ProcessRunner.run("/bin/bash", [script] + parameters.arguments, environment: environment,
                                    in: work.path, output: .merged)
        let (status, output) = (run.status, run.output)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: true)
        guard status == 0 else {
            throw .synthesisFailed(parameters: parameters.description, status: status,
                                   outputTail: lines.suffix(20).map(String.init))
        }
        guard let last = lines.last, let area = CoreArea(summaryLine: last) else {
            throw .unreadableOutput(parameters: parameters.description, lastLine: lines.last.map(String.init) ?? "")
        }
        return area
    }

    private static func readCached(_ url: URL) -> CoreArea? {
        guard let bytes = try? FileIO.bytes(atPath: url.path) else { return nil }
        return CoreAreaCacheEntry.decoded(from: bytes)?.area
    }

    private static let versions = LockedValue<[String: String]>([:])

    /// `yosys -V`'s first line (asked once per executable and process).
    private static func version(of yosys: String, environment: [String: String]) throws(CoreAreaError) -> String {
        if let known = versions.withLock({ $0[yosys] }) { return known }
        let run = ProcessRunner.run(yosys, ["-V"], environment: environment, output: .merged)
        let (status, output) = (run.status, run.output)
        guard status == 0, let line = output.split(separator: "\n").first else {
            throw .synthesisFailed(parameters: "\(yosys) -V", status: status,
                                   outputTail: output.split(separator: "\n").suffix(5).map(String.init))
        }
        versions.withLock { $0[yosys] = String(line) }
        return String(line)
    }
}
