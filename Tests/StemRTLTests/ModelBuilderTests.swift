import Foundation
import StemSupport
import Testing
@testable import StemRTL

/// Every test that builds a toy model with Verilator, nested here so that they run one at a
/// time (each build takes seconds of the machine's cores) and are skipped, with a message,
/// where Verilator is missing.
@Suite(.serialized, .enabled(if: ToyModel.verilatorAvailable, ToyModel.verilatorMissingMessage))
struct ToyBuildTests {}

extension ToyBuildTests {
/// Caching, concurrency and failures of toy builds.
@Suite struct ModelBuilderTests {
    /// Two threads build the same key while this test holds the entry's lock, so both must
    /// wait; then exactly one builds, the other finds its entry, and both load it. A third
    /// request runs nothing.
    @Test func concurrentBuildersMakeOneEntryAndASecondBuildRunsNothing() throws {
        let cache = ToyModel.temporaryFolder("race")
        let builder = ToyModel.builder(cache: cache)
        let parameters = ModelParameters(numNeurons: 10)
        let key = try builder.cacheKey(for: parameters)

        let events = LockedValue<[Int: [ModelBuilder.Event]]>([:])
        let outcomes = LockedValue<[Int: Result<(ModelBuilder.Product, Int), any Error>]>([:])
        let held = try #require(try builder.cache.lock(key: key))
        let done = DispatchGroup()
        for worker in 0..<2 {
            done.enter()
            Thread {
                do {
                    let product = try builder.build(parameters) { event in
                        events.withLock { $0[worker, default: []].append(event) }
                    }
                    let library = try ModelLibrary(url: product.libraryURL, top: .mesh)
                    let model = try MeshModel(library: library)
                    let neurons = try model.parameters().numNeurons
                    outcomes.withLock { $0[worker] = .success((product, neurons)) }
                } catch {
                    outcomes.withLock { $0[worker] = .failure(error) }
                }
                done.leave()
            }.start()
        }
        // Both must be blocked on the lock we hold.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let waiting = events.withLock { all in
                all.values.filter { $0.contains { if case .waiting = $0 { true } else { false } } }.count
            }
            if waiting == 2 { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(FileManager.default.fileExists(atPath: cache.appendingPathComponent(key).path) == false)
        held.release()
        #expect(done.wait(timeout: .now() + 300) == .success)

        let results = try outcomes.withLock { all in try (0..<2).map { try #require(all[$0]).get() } }
        #expect(results.filter { $0.0.wasBuilt }.count == 1, "exactly one builder ran Verilator")
        #expect(results.allSatisfy { $0.0.key == key && $0.1 == 10 })
        #expect(results[0].0.libraryURL == results[1].0.libraryURL)
        for worker in 0..<2 {
            let kinds = events.withLock { $0[worker] ?? [] }.map(Self.kind)
            #expect(kinds.first == "waiting")
            #expect(kinds.dropFirst() == ["building", "built"] || kinds.dropFirst() == ["cached"])
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted()
        #expect(names == [key, key + ".lock"], "one entry, no temporary folders left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent(key).path).sorted()
                == ["build.log", "libstem_model.so", "meta.json"])

        // A second build with the same key runs nothing: no event but `cached`, library untouched.
        let library = cache.appendingPathComponent(key).appendingPathComponent("libstem_model.so")
        let before = try FileManager.default.attributesOfItem(atPath: library.path)[.modificationDate] as? Date
        var again: [ModelBuilder.Event] = []
        let product = try builder.build(parameters) { again.append($0) }
        #expect(!product.wasBuilt && product.key == key)
        #expect(again.map(Self.kind) == ["cached"])
        #expect(try FileManager.default.attributesOfItem(atPath: library.path)[.modificationDate] as? Date == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).sorted() == [key, key + ".lock"])

        // meta.json describes the build.
        let entry = try #require(ModelCache(directory: cache).entry(forKey: key))
        let meta = try #require(entry.metadata)
        #expect(meta.key == key && meta.parameters == parameters && meta.topModule == "toy_mesh")
        #expect(meta.verilatorVersion.hasPrefix("Verilator") && meta.buildSeconds > 0)
        #expect(meta.command.contains("-GNumNeurons=10"))
    }

    static func kind(_ event: ModelBuilder.Event) -> String {
        switch event {
        case .waiting: "waiting"
        case .building: "building"
        case .built: "built"
        case .cached: "cached"
        case .rebuilding: "rebuilding"
        }
    }

    @Test func failedBuildReportsTheLogTailAndKeepsTheLog() throws {
        let cache = ToyModel.temporaryFolder("broken")
        let sources = ToyModel.sources {
            $0[ToyModel.rtl] = $0[ToyModel.rtl]!.replacingOccurrences(
                of: "assign in_ready_o  = !pending_q;", with: "assign in_ready_o  = !pending_q +;")
        }
        let builder = ToyModel.builder(cache: cache, sources: sources)
        let key = try builder.cacheKey(for: ModelParameters())
        var failure: ModelBuildError?
        do {
            try builder.build(ModelParameters())
        } catch {
            failure = error
        }
        guard case .buildFailed(let parameters, let status, let logPath, let tail) = try #require(failure) else {
            Issue.record("expected buildFailed, got \(String(describing: failure))")
            return
        }
        #expect(parameters == ModelParameters() && status != 0)
        #expect(logPath == cache.appendingPathComponent("failed/\(key)/build.log").path)
        #expect(tail.count <= 20 && tail.contains { $0.contains("%Error") && $0.contains("toy_mesh.sv") })
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(log.contains("# ") && log.contains("--top-module toy_mesh") && log.contains("syntax error"))
        let message = "\(try #require(failure))"
        #expect(message.contains("Full log: \(logPath)") && message.contains("%Error"))
        // No entry became visible, nothing is left building.
        #expect(ModelCache(directory: cache).entry(forKey: key) == nil)
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(!names.contains { $0.hasPrefix(".tmp-") || $0 == key })
    }

    @Test func foreignABIVersionIsRejected() throws {
        let sources = ToyModel.sources {
            $0[ToyModel.shim] = "#define TOY_ABI_VERSION 99\n#define TOY_WITHOUT_NOC 1\n" + $0[ToyModel.shim]!
        }
        let builder = ToyModel.builder(cache: ToyModel.sharedCache, sources: sources)
        #expect(throws: ModelLoadError.self) { try builder.load(ModelParameters()) }
        let product = try builder.build(ModelParameters())
        #expect {
            try ModelLibrary(url: product.libraryURL, top: .mesh)
        } throws: { error in
            guard case ModelLoadError.abiVersionMismatch(let path, 99, 1) = error else { return false }
            return path == product.libraryURL.path && "\(error)".contains("version 99")
                && "\(error)".contains("needs version 1")
        }
        // This variant exports no stem_noc_v1.
        #expect {
            try ModelLibrary(url: product.libraryURL, top: .noc)
        } throws: { error in
            guard case ModelLoadError.missingSymbol(_, "stem_noc_v1", _) = error else { return false }
            return "\(error)".contains("does not export stem_noc_v1")
        }
    }

    /// A build runs the C++ compiler through `ccache` when it is on the `PATH` (here a stand-in
    /// that logs its calls and runs the compiler), says so in its log, and leaves it out when
    /// `OBJCACHE` is set, even to nothing. The key is the same either way.
    @Test func buildsCompileThroughCcacheUnlessOBJCACHEIsSet() throws {
        let tools = ToyModel.temporaryFolder("fake-ccache")
        let calls = tools.appendingPathComponent("calls.log")
        let ccache = tools.appendingPathComponent("ccache")
        try """
            #!/bin/sh
            if [ "$1" = -k ]; then echo '\(tools.path)/store'; exit 0; fi
            echo "$*" >> '\(calls.path)'
            exec "$@"

            """.write(to: ccache, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ccache.path)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OBJCACHE")
        environment["PATH"] = tools.path + ":" + (environment["PATH"] ?? "")
        let parameters = ModelParameters(numNeurons: 11)

        let cached = ToyModel.builder(cache: ToyModel.temporaryFolder("with-ccache"), environment: environment)
        let product = try cached.build(parameters)
        let compiles = try String(contentsOf: calls, encoding: .utf8).split(separator: "\n")
        #expect(compiles.contains { $0.contains("-c") && $0.contains("verilated.cpp") })
        let log = try String(contentsOf: product.directory.appendingPathComponent(ModelCache.logName), encoding: .utf8)
        #expect(log.contains("# OBJCACHE=ccache\n"))
        let model = try MeshModel(library: try ModelLibrary(url: product.libraryURL, top: .mesh))
        #expect(try model.parameters().numNeurons == 11)

        environment["OBJCACHE"] = ""
        let plain = ToyModel.builder(cache: ToyModel.temporaryFolder("without-ccache"), environment: environment)
        let second = try plain.build(parameters)
        #expect(second.key == product.key && second.wasBuilt)
        #expect(try String(contentsOf: calls, encoding: .utf8).split(separator: "\n").count == compiles.count)
    }
}
}
