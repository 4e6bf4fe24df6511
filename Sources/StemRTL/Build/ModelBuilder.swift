import Foundation
import StemSupport

/// Builds model libraries with Verilator, one per parameter set, through the on-disk cache.
///
/// ```swift
/// let builder = try ModelBuilder()
/// let library = try builder.load(ModelParameters(accBits: 24)) { print($0) }
/// let model = try MeshModel(library: library)
/// ```
/// A build materializes the sources into a temporary folder inside the cache, runs
/// ``verilatorArguments(for:sources:includeFolder:jobs:)`` there, and renames the finished entry
/// into place; a second request with the same ``cacheKey(for:)`` runs nothing. Two processes or
/// threads building the same key wait for each other on the entry's lock file.
public struct ModelBuilder: Sendable {
    /// Something a build reports while it works, for progress output.
    public enum Event: Sendable, CustomStringConvertible {
        /// Another process or thread holds the entry's lock (is building it); waiting.
        case waiting(parameters: ModelParameters, key: String)
        /// Starting Verilator.
        case building(parameters: ModelParameters, key: String)
        /// The build finished.
        case built(parameters: ModelParameters, key: String, seconds: Double, library: URL)
        /// The library was already in the cache.
        case cached(parameters: ModelParameters, key: String, library: URL)
        /// The cached library does not match its recorded size and SHA-256 (``ModelCache/damage(of:)``);
        /// the entry is removed and built again.
        case rebuilding(parameters: ModelParameters, key: String, reason: String)

        public var description: String {
            switch self {
            case .waiting(let parameters, let key):
                "waiting for another build of \(parameters.summary) (\(key.prefix(12)))"
            case .building(let parameters, let key):
                "building \(parameters.summary) ... (cached as \(key.prefix(12)))"
            case .built(let parameters, _, let seconds, _):
                "built \(parameters.summary) in \(String(format: "%.1f", seconds)) s"
            case .cached(let parameters, let key, _):
                "using cached \(parameters.summary) (\(key.prefix(12)))"
            case .rebuilding(let parameters, let key, let reason):
                "the cached \(parameters.summary) (\(key.prefix(12))) is damaged: \(reason); rebuilding it"
            }
        }
    }

    /// A library ready in the cache.
    public struct Product: Hashable, Sendable {
        /// The parameters it was built for.
        public let parameters: ModelParameters
        /// The cache key.
        public let key: String
        /// The shared library.
        public let libraryURL: URL
        /// The entry's folder (library, meta.json, build.log).
        public let directory: URL
        /// Seconds Verilator took, or nil if the library came from the cache.
        public let buildSeconds: Double?

        /// True if this request ran the build (false: found in the cache).
        public var wasBuilt: Bool { buildSeconds != nil }
    }

    /// The sources compiled.
    public var sources: HardwareSources
    /// Which of the sources make up a build.
    public var layout: HardwareLayout
    /// Where libraries are kept.
    public var cache: ModelCache
    /// The environment of Verilator and its compiler; its `PATH` is where `verilator` is
    /// looked up.
    public var environment: [String: String]
    /// Parallel compile jobs (`-j`); not part of the cache key.
    public var jobs: Int

    /// A builder of the given sources into the given cache.
    public init(
        sources: HardwareSources, layout: HardwareLayout = .standard, cache: ModelCache,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.sources = sources
        self.layout = layout
        self.cache = cache
        self.environment = environment
        self.jobs = max(1, jobs)
    }

    /// The usual builder: sources from `STEM_RTL_DIR` or built in, the cache from
    /// `STEM_CACHE_DIR` or the XDG cache folder.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ModelBuildError) {
        self.init(sources: try HardwareSources.current(environment: environment),
                  cache: ModelCache.standard(environment: environment), environment: environment)
    }

    // MARK: The command

    /// The Verilator arguments (after `verilator`) that build `parameters`' library, run in a
    /// folder holding the materialized sources. This is the one place the command is spelled.
    ///
    /// - Parameters:
    ///   - includeFolder: the shim include folder as the C++ compiler sees it (the compiler
    ///     runs in `obj/`, so `../<layout.shimIncludeFolder>`).
    ///   - jobs: the `-j` value.
    public func verilatorArguments(
        for parameters: ModelParameters, includeFolder: String? = nil, jobs: Int
    ) throws(ModelBuildError) -> [String] {
        guard let top = layout.topModules[parameters.top] else {
            throw .sourcesIncomplete(origin: sources.origin.description,
                                     missing: "no top module is named for the \(parameters.top.rawValue) top")
        }
        let (rtl, includeFolders) = try layout.rtlCompilation(in: sources)
        guard rtl.contains(where: { $0.hasSuffix(".sv") || $0.hasSuffix(".v") }) else {
            throw .sourcesIncomplete(origin: sources.origin.description,
                                     missing: "there are no Verilog files in \(layout.rtlFolder)/")
        }
        let shims = layout.shimFiles[parameters.top] ?? []
        for shim in shims where sources.file(atPath: shim) == nil {
            throw .sourcesIncomplete(origin: sources.origin.description,
                                     missing: "\(shim) (the C shim of top \(top)) is missing")
        }
        if shims.isEmpty {
            throw .sourcesIncomplete(origin: sources.origin.description,
                                     missing: "no shim is named for top \(top)")
        }
        var arguments = [
            "--cc", "--build", "--exe", "-j", String(jobs), "-O3",
            "--top-module", top,
        ]
        arguments += includeFolders.map { "-I\($0)" }
        arguments += parameters.verilatorParameters.map { "-G\($0.name)=\($0.value)" }
        // Traced builds keep arrays of up to 65536 elements (Verilator drops arrays over 32 by
        // default), so every neuron's V is in the waveform.
        switch parameters.trace {
        case .none: break
        case .vcd: arguments += ["--trace", "--trace-max-array", "65536"]
        case .fst: arguments += ["--trace-fst", "--trace-max-array", "65536"]
        }
        // The RTL's `ifndef SYNTHESIS` assertions; the shim turns a failure into
        // STEM_E_ASSERTION with Verilator's message.
        // STEM_ASSERTIONS: checks that need state of their own (counters) exist only in these builds.
        if parameters.assertions { arguments += ["--assert", "+define+STEM_ASSERTIONS"] }
        // Coverage builds count every line (block) and every toggling bit of the RTL, and the
        // functional `cover property` points beside the logic (docs/verification.md,
        // "Coverage"); the shim's coverage_write needs STEM_COVERAGE.
        if parameters.coverage {
            arguments += ["--coverage-line", "--coverage-toggle", "--coverage-user"]
        }
        let include = includeFolder ?? "../" + layout.shimIncludeFolder
        // No -O2: -CFLAGS reaches Verilator's large generated files too, whose own flags
        // (OPT_FAST) already optimize; -O2 made an 8x8 NoC build 10x slower for no speed-up
        // (docs/rtl.md). Hidden visibility and -Bsymbolic keep each library's Verilator runtime
        // to itself, so several libraries live in one process. Verilator prints through the
        // shim's stem_vl_printf (stem_verilator_output.h), never to the process's stdout.
        arguments += [
            "-CFLAGS", "-fPIC -fvisibility=hidden -std=c++17 -I\(include) -include stem_verilator_output.h "
                + "-DVL_PRINTF=stem_vl_printf -DSTEM_TRACE=\(parameters.trace.shimValue)"
                + (parameters.coverage ? " -DSTEM_COVERAGE=1" : ""),
            "-LDFLAGS", "-shared -Wl,-Bsymbolic",
            "-o", layout.libraryName,
        ]
        arguments += rtl
        arguments += shims
        arguments += ["-Mdir", "obj"]
        return arguments
    }

    /// The Verilator command line that builds `parameters`' library, shell-quoted: run in a
    /// folder holding the hardware sources (a checkout, or the build folder ModelBuilder
    /// writes them to), it leaves the library in `obj/`. The build log of every cache entry
    /// starts with this line (`stemsim cache path --command` prints it).
    public func commandLine(for parameters: ModelParameters, jobs: Int) throws(ModelBuildError) -> String {
        (["verilator"] + (try verilatorArguments(for: parameters, jobs: jobs))).map(Self.shellQuoted).joined(separator: " ")
    }

    // MARK: The key

    /// The cache key of `parameters`: SHA-256 over the path and text of every source file a
    /// build compiles or includes (``HardwareLayout/compiledFolders``), the parameters, the
    /// Verilator command (without `-j`), and the Verilator and compiler versions.
    public func cacheKey(for parameters: ModelParameters) throws(ModelBuildError) -> String {
        try cacheKey(for: parameters, toolchain: Toolchain.locate(environment: environment))
    }

    /// The cache key of `parameters` built with `toolchain`.
    public func cacheKey(for parameters: ModelParameters, toolchain: Toolchain) throws(ModelBuildError) -> String {
        let normalized = parameters.normalized
        var hash = SHA256()
        hash.update("stem-cosim model cache v1\n")
        for file in sources.files where layout.isCompiled(file.path) {
            let bytes = Array(file.text.utf8)
            hash.update("file \(file.path) \(bytes.count)\n")
            hash.update(bytes)
            hash.update("\n")
        }
        hash.update("parameters \(normalized.description) trace=\(normalized.trace.rawValue)\n")
        for argument in try verilatorArguments(for: normalized, jobs: 0) {
            hash.update("argument \(argument.utf8.count) \(argument)\n")
        }
        hash.update("verilator \(toolchain.verilatorVersion)\n")
        hash.update("compiler \(toolchain.compilerVersion)\n")
        return hash.finalize().hexString
    }

    // MARK: Building

    /// Returns the cached library of `parameters`, building it first if needed.
    ///
    /// - Parameter progress: receives what the build is doing (see ``Event``).
    /// - Throws: ``ModelBuildError``.
    @discardableResult
    public func build(_ parameters: ModelParameters,
                      progress: (Event) -> Void = { _ in }) throws(ModelBuildError) -> Product {
        let (lock, product) = try lockedEntry(parameters, progress: progress)
        lock.release()
        return product
    }

    /// Builds `parameters` if needed and loads its library, holding the entry's lock until it
    /// is open (so a concurrent `stemsim cache clear` cannot remove it in between).
    ///
    /// - Throws: ``ModelBuildError`` or ``ModelLoadError``.
    public func load(_ parameters: ModelParameters,
                     progress: (Event) -> Void = { _ in }) throws -> ModelLibrary {
        let (lock, product) = try lockedEntry(parameters, progress: progress)
        defer { lock.release() }
        return try ModelLibrary(url: product.libraryURL, top: parameters.top)
    }

    /// The entry of `parameters` (built if missing) and its lock, held.
    private func lockedEntry(
        _ parameters: ModelParameters, progress: (Event) -> Void
    ) throws(ModelBuildError) -> (FileLock, Product) {
        try parameters.validate()
        let toolchain = try Toolchain.locate(environment: environment)
        let key = try cacheKey(for: parameters, toolchain: toolchain)
        guard let lock = try cache.lock(key: key, onContention: { progress(.waiting(parameters: parameters, key: key)) })
        else { throw .cacheUnusable(path: cache.lockPath(key: key), reason: "cannot lock") }

        if let entry = cache.entry(forKey: key) {
            // Checked under the lock, before anyone dlopens it: a truncated library would
            // crash dlopen (SIGBUS) instead of failing.
            if let damage = cache.damage(of: entry) {
                progress(.rebuilding(parameters: parameters, key: key, reason: damage))
                do {
                    try cache.discard(entry.directory)
                } catch {
                    lock.release()
                    throw error
                }
            } else {
                progress(.cached(parameters: parameters, key: key, library: entry.libraryURL))
                return (lock, Product(parameters: parameters, key: key, libraryURL: entry.libraryURL,
                                      directory: entry.directory, buildSeconds: nil))
            }
        }
        progress(.building(parameters: parameters, key: key))
        let product: Product
        do {
            product = try buildEntry(parameters, key: key, toolchain: toolchain)
        } catch {
            lock.release()
            throw error
        }
        progress(.built(parameters: parameters, key: key, seconds: product.buildSeconds ?? 0,
                        library: product.libraryURL))
        return (lock, product)
    }

    /// Builds the entry of `key` (its lock held by the caller).
    private func buildEntry(_ parameters: ModelParameters, key: String,
                            toolchain: Toolchain) throws(ModelBuildError) -> Product {
        let fm = FileManager.default
        // Anything left from an earlier build of this key died with its builder.
        for name in (try? fm.contentsOfDirectory(atPath: cache.directory.path)) ?? []
        where name.hasPrefix(".tmp-\(key)-") {
            try? fm.removeItem(at: cache.directory.appendingPathComponent(name))
        }
        let work = cache.directory.appendingPathComponent(".tmp-\(key)-\(UUID().uuidString)", isDirectory: true)
        let sourceFolder = work.appendingPathComponent("src", isDirectory: true)
        let logURL = work.appendingPathComponent(ModelCache.logName)
        defer { try? fm.removeItem(at: work) }

        let arguments = try verilatorArguments(for: parameters, jobs: jobs)
        do {
            try fm.createDirectory(at: sourceFolder, withIntermediateDirectories: true)
            try sources.materialize(into: sourceFolder)
        } catch {
            throw .cacheUnusable(path: work.path, reason: "cannot write the build folder: \(error)")
        }

        let started = Date()
        let status = try runLogged(toolchain.verilatorPath, arguments, in: sourceFolder, log: logURL)
        let seconds = Date().timeIntervalSince(started)
        let built = sourceFolder.appendingPathComponent("obj").appendingPathComponent(layout.libraryName)
        if status != 0 || !fm.fileExists(atPath: built.path) {
            throw keepFailedBuild(parameters, key: key, work: work, status: status == 0 ? -1 : status)
        }

        let staging = work.appendingPathComponent("entry", isDirectory: true)
        guard let fingerprint = ModelCache.fingerprint(of: built) else {
            throw .cacheUnusable(path: built.path, reason: "cannot read the built library")
        }
        let metadata = ModelCache.Metadata(
            key: key, parameters: parameters, date: Date(), buildSeconds: seconds,
            verilatorVersion: toolchain.verilatorVersion, compilerVersion: toolchain.compilerVersion,
            topModule: layout.topModules[parameters.top] ?? "", sources: sources.origin.description,
            command: ["verilator"] + arguments, librarySize: fingerprint.size, librarySHA256: fingerprint.sha256)
        let destination = cache.entryDirectory(key: key)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
            try fm.moveItem(at: built, to: staging.appendingPathComponent(layout.libraryName))
            try fm.moveItem(at: logURL, to: staging.appendingPathComponent(ModelCache.logName))
            try ModelCache.encoder.encode(metadata).write(to: staging.appendingPathComponent(ModelCache.metadataName))
            if fm.fileExists(atPath: destination.path) { try cache.discard(destination) }
            try fm.moveItem(at: staging, to: destination)
        } catch {
            throw .cacheUnusable(path: destination.path, reason: "cannot store the built library: \(error)")
        }
        return Product(parameters: parameters, key: key,
                       libraryURL: destination.appendingPathComponent(layout.libraryName),
                       directory: destination, buildSeconds: seconds)
    }

    /// Moves a failed build's folder to `failed/<key>/` and makes the error with the log's tail.
    private func keepFailedBuild(_ parameters: ModelParameters, key: String, work: URL,
                                 status: Int32) -> ModelBuildError {
        let fm = FileManager.default
        let kept = cache.failedDirectory(key: key)
        var logPath = work.appendingPathComponent(ModelCache.logName).path
        do {
            try fm.createDirectory(at: kept.deletingLastPathComponent(), withIntermediateDirectories: true)
            if fm.fileExists(atPath: kept.path) { try fm.removeItem(at: kept) }
            try fm.moveItem(at: work, to: kept)
            logPath = kept.appendingPathComponent(ModelCache.logName).path
        } catch {
            // Keep the log where it is; the defer in buildEntry would remove it, so copy it out.
            let fallback = cache.directory.appendingPathComponent("failed-\(key).log")
            try? fm.removeItem(at: fallback)
            if (try? fm.copyItem(atPath: logPath, toPath: fallback.path)) != nil { logPath = fallback.path }
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init).reversed().drop { $0.isEmpty }.reversed().suffix(20)
        return .buildFailed(parameters: parameters, status: status, logPath: logPath, logTail: Array(tail))
    }

    /// Runs the build command in `folder`, its output appended to `log` after a header giving
    /// the folder and the command.
    private func runLogged(_ executable: String, _ arguments: [String], in folder: URL,
                           log: URL) throws(ModelBuildError) -> Int32 {
        let quoted = ([executable] + arguments).map(Self.shellQuoted).joined(separator: " ")
        let buildEnvironment = Self.compileEnvironment(environment)
        let objectCache = buildEnvironment[Self.objectCacheVariable].map { "# OBJCACHE=\(Self.shellQuoted($0))\n" } ?? ""
        let header = "# stem-cosim model build\n# cd \(Self.shellQuoted(folder.path))\n\(objectCache)# \(quoted)\n\n"
        guard FileManager.default.createFile(atPath: log.path, contents: Data(header.utf8)) else {
            throw .cacheUnusable(path: log.path, reason: "cannot write the build log")
        }
        let outcome = ProcessRunner.run(executable, arguments, environment: buildEnvironment, in: folder.path,
                                        output: .appending(toFile: log.path))
        if outcome.status == -1, !outcome.errors.isEmpty {
            throw .toolFailed(command: quoted, status: -1, output: outcome.errors)
        }
        return outcome.status
    }

    /// The variable of Verilator's makefile (`verilated.mk`) naming a compiler cache to run
    /// the C++ compiler through.
    static let objectCacheVariable = "OBJCACHE"

    /// The environment the build command runs in: `environment`, plus `OBJCACHE=ccache` when
    /// `ccache` is on its `PATH`, its cache folder (`ccache -k cache_dir`) can be written, and
    /// `OBJCACHE` is not set at all (set it, even to nothing, to choose yourself). Most of a
    /// build's compiling is the same in every build (Verilator's runtime, about 14 s of CPU, and
    /// the modules a planted bug or a width does not touch), and ccache gives back the same
    /// objects, so the library and the cache key do not change. A ccache that could not store
    /// its files would fail the build, so it is then left out.
    static func compileEnvironment(_ environment: [String: String]) -> [String: String] {
        var result = environment
        guard environment[objectCacheVariable] == nil,
              let ccache = ProcessRunner.findExecutable(named: "ccache", searchPath: environment["PATH"] ?? "")
        else { return result }
        let answer = ProcessRunner.run(ccache, ["-k", "cache_dir"], environment: environment, output: .merged)
        let folder = answer.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let fm = FileManager.default
        guard answer.status == 0, folder.hasPrefix("/"),
              (try? fm.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
              fm.isWritableFile(atPath: folder)
        else { return result }
        result[objectCacheVariable] = "ccache"
        return result
    }

    static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=+:,@".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
