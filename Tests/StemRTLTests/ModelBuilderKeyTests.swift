import Foundation
import Testing
@testable import StemRTL

/// The cache key and the Verilator command, with a fixed toolchain (no Verilator needed).
@Suite struct ModelBuilderKeyTests {
    static let toolchain = Toolchain(verilatorPath: "/usr/bin/verilator",
                                     verilatorVersion: "Verilator 5.006 2023-01-22 rev (Debian 5.006-3)",
                                     compilerVersion: "g++ (Debian 12.2.0-14+deb12u1) 12.2.0")

    func key(_ parameters: ModelParameters = ModelParameters(),
             sources: HardwareSources = ToyModel.sources(),
             layout: HardwareLayout = ToyModel.layout,
             toolchain: Toolchain = toolchain, jobs: Int = 2) throws -> String {
        let builder = ModelBuilder(sources: sources, layout: layout,
                                   cache: ModelCache(directory: URL(fileURLWithPath: "/nonexistent")),
                                   environment: [:], jobs: jobs)
        return try builder.cacheKey(for: parameters, toolchain: toolchain)
    }

    @Test func keyIsStable() throws {
        let k = try key()
        #expect(k.count == 64 && ModelCache.isKey(k))
        #expect(try key() == k)
        // Not part of the key: parallel jobs, file order, fields the top does not use.
        #expect(try key(jobs: 7) == k)
        let reversed = HardwareSources(files: ToyModel.sources().files.reversed())
        #expect(try key(sources: reversed) == k)
        #expect(try key(ModelParameters(top: .noc, accBits: 20)) == key(ModelParameters(top: .noc, accBits: 30)))
        // Nor files a model build does not compile (a testbench): editing one rebuilds nothing.
        #expect(try key(sources: ToyModel.sources { $0["testbenches/driver.cpp"] = "int main() {}" }) == k)
    }

    @Test func keyChangesWithEverySourceParameterFlagAndVersion() throws {
        let base = try key()
        var keys: [String: String] = [:]
        keys["source text"] = try key(sources: ToyModel.sources { $0[ToyModel.rtl]! += "\n// edited\n" })
        keys["shim text"] = try key(sources: ToyModel.sources { $0[ToyModel.shim]! += " " })
        keys["header text"] = try key(sources: ToyModel.sources { $0[ToyModel.header]! += " " })
        keys["source path"] = try key(sources: ToyModel.sources {
            $0["rtl/toy_mesh2.sv"] = $0.removeValue(forKey: ToyModel.rtl)
        })
        keys["AccBits"] = try key(ModelParameters(accBits: 17))
        keys["Saturate"] = try key(ModelParameters(saturate: true))
        keys["TimeSteps"] = try key(ModelParameters(timeSteps: 4))
        keys["FifoDepth"] = try key(ModelParameters(fifoDepth: 8))
        keys["BiasBits"] = try key(ModelParameters(biasBits: 16))
        keys["top"] = try key(ModelParameters(top: .noc))
        keys["trace vcd"] = try key(ModelParameters(trace: .vcd))
        keys["trace fst"] = try key(ModelParameters(trace: .fst))
        keys["coverage"] = try key(ModelParameters(coverage: true))
        keys["coverage fst"] = try key(ModelParameters(trace: .fst, coverage: true))
        var otherTop = ToyModel.layout
        otherTop.topModules[.mesh] = "other_top"
        keys["top module"] = try key(layout: otherTop)
        var otherLibrary = ToyModel.layout
        otherLibrary.libraryName = "libother.so"
        keys["output name"] = try key(layout: otherLibrary)
        keys["verilator"] = try key(toolchain: Toolchain(
            verilatorPath: Self.toolchain.verilatorPath, verilatorVersion: "Verilator 5.020",
            compilerVersion: Self.toolchain.compilerVersion))
        keys["compiler"] = try key(toolchain: Toolchain(
            verilatorPath: Self.toolchain.verilatorPath, verilatorVersion: Self.toolchain.verilatorVersion,
            compilerVersion: "clang version 16"))
        for (what, k) in keys {
            #expect(k != base, "changing the \(what) must change the key")
        }
        #expect(Set(keys.values).count == keys.count, "every change gives its own key")
    }

    @Test func commandHasTheDocumentedShape() throws {
        let builder = ModelBuilder(sources: ToyModel.sources(), layout: ToyModel.layout,
                                   cache: ModelCache(directory: URL(fileURLWithPath: "/tmp")), environment: [:])
        let arguments = try builder.verilatorArguments(for: ModelParameters(accBits: 24, trace: .fst), jobs: 3)
        #expect(arguments == [
            "--cc", "--build", "--exe", "-j", "3", "-O3", "--top-module", "toy_mesh", "-Irtl",
            "-GTimeSteps=8", "-GWeightBits=8", "-GAccBits=24", "-GSaturate=0", "-GNumNeurons=64",
            "-GNumAxons=64", "-GBiasBits=32", "-GMaxFanout=4", "-GMeshX=2", "-GMeshY=2", "-GFifoDepth=4",
            "--trace-fst", "--trace-max-array", "65536",
            "-CFLAGS", "-fPIC -fvisibility=hidden -std=c++17 -I../Sources/CStemShim/include "
                + "-include stem_verilator_output.h -DVL_PRINTF=stem_vl_printf -DSTEM_TRACE=2",
            "-LDFLAGS", "-shared -Wl,-Bsymbolic", "-o", "libstem_model.so",
            "rtl/toy_pkg.sv", "rtl/toy_mesh.sv", "Sources/CStemShim/shim/toy_shim.cpp",
            "-Mdir", "obj",
        ])
        let noc = try builder.verilatorArguments(for: ModelParameters(top: .noc, meshX: 3, trace: .vcd), jobs: 1)
        #expect(noc.filter { $0.hasPrefix("-G") } == ["-GMeshX=3", "-GMeshY=2", "-GFifoDepth=4"])
        #expect(noc.contains("--trace") && noc.contains { $0.hasSuffix("-DSTEM_TRACE=1") })
        #expect(!noc.contains("--assert"))
        var checked = ModelParameters(top: .noc, meshX: 3)
        checked.assertions = true
        let withAssertions = try builder.verilatorArguments(for: checked, jobs: 1)
        #expect(withAssertions.filter { $0 == "--assert" }.count == 1)
        #expect(withAssertions.filter { $0 == "+define+STEM_ASSERTIONS" }.count == 1 && !noc.contains("+define+STEM_ASSERTIONS"))
        // A coverage build: the three coverage kinds and the shim's STEM_COVERAGE; nothing
        // else changes.
        let plain = try builder.verilatorArguments(for: ModelParameters(accBits: 24), jobs: 3)
        let covered = try builder.verilatorArguments(for: ModelParameters(accBits: 24, coverage: true), jobs: 3)
        #expect(covered.filter { $0.hasPrefix("--coverage") } == ["--coverage-line", "--coverage-toggle", "--coverage-user"])
        #expect(!plain.contains { $0.hasPrefix("--coverage") || $0.contains("STEM_COVERAGE") })
        let flags = try #require(covered.firstIndex(of: "-CFLAGS")).advanced(by: 1)
        #expect(covered[flags].hasSuffix("-DSTEM_TRACE=0 -DSTEM_COVERAGE=1"))
        #expect(covered.filter { !$0.hasPrefix("--coverage") && !$0.contains("STEM_COVERAGE") }
                    == plain.filter { !$0.contains("STEM_TRACE") })
        #expect(ModelParameters(accBits: 24, coverage: true).summary == "stem_mesh AccBits=24 coverage")
    }

    @Test func standardLayoutNamesTheRealFiles() throws {
        let sources = HardwareSources(files: [
            .init(path: "rtl/stem_pkg.sv", text: ""), .init(path: "rtl/stem_mesh.sv", text: ""),
            .init(path: "rtl/stem_core.sv", text: ""),
            .init(path: "Sources/CStemShim/include/stem_shim.h", text: ""),
            .init(path: "Sources/CStemShim/shim/stem_shim.cpp", text: ""),
        ])
        let builder = ModelBuilder(sources: sources, cache: ModelCache(directory: URL(fileURLWithPath: "/tmp")),
                                   environment: [:])
        let arguments = try builder.verilatorArguments(for: ModelParameters(), jobs: 2)
        #expect(arguments.contains("stem_mesh"))
        #expect(Array(arguments.suffix(6)) == [
            "rtl/stem_pkg.sv", "rtl/stem_core.sv", "rtl/stem_mesh.sv",
            "Sources/CStemShim/shim/stem_shim.cpp", "-Mdir", "obj",
        ])
        // The noc shim is not there: a clear error naming it.
        #expect {
            try builder.verilatorArguments(for: ModelParameters(top: .noc), jobs: 2)
        } throws: { error in
            "\(error)".contains("Sources/CStemShim/shim/stem_noc_shim.cpp") && "\(error)".contains("stem_noc")
        }
    }

    @Test func sourcesWithoutRTLAreRejected() {
        let builder = ModelBuilder(sources: HardwareSources(files: [], origin: .embedded),
                                   cache: ModelCache(directory: URL(fileURLWithPath: "/tmp")), environment: [:])
        #expect {
            try builder.verilatorArguments(for: ModelParameters(), jobs: 2)
        } throws: { error in
            "\(error)" == "the hardware sources built into stemsim are incomplete: there are no Verilog files in rtl/"
        }
    }

    @Test func missingVerilatorGivesTheInstallHint() throws {
        let cache = ToyModel.temporaryFolder("no-verilator")
        let builder = ToyModel.builder(cache: cache, environment: ["PATH": "/nonexistent/bin:/also/missing"])
        #expect {
            try builder.build(ModelParameters())
        } throws: { error in
            guard case ModelBuildError.verilatorNotFound(let searchPath) = error else { return false }
            let text = "\(error)"
            return searchPath == "/nonexistent/bin:/also/missing"
                && text.contains("apt-get install verilator") && text.contains("PATH")
        }
        // Nothing was written to the cache.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).isEmpty)
    }

    @Test func invalidParametersFailBeforeAnythingRuns() throws {
        let builder = ToyModel.builder(cache: ToyModel.temporaryFolder("bad-params"), environment: ["PATH": ""])
        #expect(throws: ModelBuildError.invalidParameter(name: "AccBits", value: "64", allowed: "2...48")) {
            try builder.build(ModelParameters(accBits: 64))
        }
    }

    @Test func cacheFolderFollowsTheEnvironment() {
        #expect(ModelCache.folder(environment: ["STEM_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"]).path == "/c")
        #expect(ModelCache.folder(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]).path == "/x/stem-cosim")
        #expect(ModelCache.folder(environment: ["HOME": "/h"]).path == "/h/.cache/stem-cosim")
        #expect(ModelCache.folder(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"]).path == "/h/.cache/stem-cosim")
    }
}

@Suite struct ModelBuilderEventTests {
    @Test func eventsReadAsProgressLines() {
        let p = ModelParameters(accBits: 24)
        let key = "0123456789abcdef" + String(repeating: "0", count: 48)
        let url = URL(fileURLWithPath: "/c/lib.so")
        #expect("\(ModelBuilder.Event.building(parameters: p, key: key))"
                == "building stem_mesh AccBits=24 ... (cached as 0123456789ab)")
        #expect("\(ModelBuilder.Event.built(parameters: p, key: key, seconds: 23.44, library: url))"
                == "built stem_mesh AccBits=24 in 23.4 s")
        #expect("\(ModelBuilder.Event.cached(parameters: p, key: key, library: url))"
                == "using cached stem_mesh AccBits=24 (0123456789ab)")
        #expect("\(ModelBuilder.Event.waiting(parameters: p, key: key))"
                == "waiting for another build of stem_mesh AccBits=24 (0123456789ab)")
    }

    /// `OBJCACHE=ccache` is added only when `ccache` is on the `PATH` and `OBJCACHE` is unset.
    @Test func compileEnvironmentAddsCcacheOnlyWhenFoundAndUnset() throws {
        let tools = FileManager.default.temporaryDirectory
            .appendingPathComponent("stem-ccache-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tools) }
        let ccache = tools.appendingPathComponent("ccache")
        // A stand-in answering `-k cache_dir` with $CCACHE_DIR, as ccache 4 does.
        try "#!/bin/sh\nif [ \"$1\" = -k ]; then echo \"$CCACHE_DIR\"; exit 0; fi\nexec \"$@\"\n"
            .write(to: ccache, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ccache.path)
        let store = tools.appendingPathComponent("store/objects").path

        let found = ModelBuilder.compileEnvironment(["PATH": tools.path, "CCACHE_DIR": store])
        #expect(found == ["PATH": tools.path, "CCACHE_DIR": store, "OBJCACHE": "ccache"])
        #expect(FileManager.default.fileExists(atPath: store), "the cache folder is made before the build")
        #expect(ModelBuilder.compileEnvironment(["PATH": tools.path, "CCACHE_DIR": store, "OBJCACHE": ""])["OBJCACHE"] == "")
        #expect(ModelBuilder.compileEnvironment(["PATH": tools.path, "OBJCACHE": "sccache"])["OBJCACHE"] == "sccache")
        let missing = tools.appendingPathComponent("empty").path
        #expect(ModelBuilder.compileEnvironment(["PATH": missing]) == ["PATH": missing])
        // A cache folder that cannot be made (ccache would fail every compile): left out.
        let unusable = ["PATH": tools.path, "CCACHE_DIR": "/proc/stem-no-such-folder"]
        #expect(ModelBuilder.compileEnvironment(unusable) == unusable)
        #expect(ModelBuilder.compileEnvironment(["PATH": tools.path, "CCACHE_DIR": "relative"])["OBJCACHE"] == nil)
    }
}
