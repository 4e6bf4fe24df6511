import Foundation
import Testing

/// `stemsim cache path --command`: the exact Verilator command ModelBuilder runs.
@Suite struct CacheCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func printsTheCommandForTheGivenParameters() throws {
        let outcome = try StemSimRunner.run(
            ["cache", "path", "--command", "--jobs", "3", "--trace", "fst", "AccBits=24", "MeshX=3"],
            in: Self.root.path, environment: ["STEM_RTL_DIR": Self.root.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let line = outcome.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!line.contains("\n"), "one line")
        #expect(line.hasPrefix("verilator --cc --build --exe -j 3 -O3 --top-module stem_mesh -Irtl "))
        #expect(line.contains(" -GAccBits=24 ") && line.contains(" -GMeshX=3 ") && line.contains(" --trace-fst "))
        #expect(line.contains("-DSTEM_TRACE=2'") && line.hasSuffix("Sources/CStemShim/shim/stem_shim.cpp -Mdir obj"))
        // The RTL files in the order of rtl/stem.f.
        let list = try String(contentsOf: Self.root.appendingPathComponent("rtl/stem.f"), encoding: .utf8)
        let files = list.split(separator: "\n")
            .map { String($0).components(separatedBy: "//")[0].trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("+") }
        #expect(line.contains(files.map { "rtl/" + $0 }.joined(separator: " ") + " Sources/CStemShim/shim/stem_shim.cpp"))
        // The cache folder without --command, as before.
        let plain = try StemSimRunner.run(["cache", "path"], in: Self.root.path, environment: ["STEM_CACHE_DIR": "/tmp/x-cache"])
        #expect(plain.stdout == "/tmp/x-cache\n")
    }

    @Test func theNocTopTakesOnlyItsParametersAndADepthOneFifo() throws {
        let outcome = try StemSimRunner.run(["cache", "path", "--command", "--top", "noc", "FifoDepth=1"],
                                            in: Self.root.path, environment: ["STEM_RTL_DIR": Self.root.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("--top-module stem_noc -Irtl -GMeshX=2 -GMeshY=2 -GFifoDepth=1 -CFLAGS"))
        #expect(outcome.stdout.contains("stem_noc_shim.cpp -Mdir obj"))
        #expect(!outcome.stdout.contains("--assert"))
        let checked = try StemSimRunner.run(["cache", "path", "--command", "--top", "noc", "--assertions"],
                                            in: Self.root.path, environment: ["STEM_RTL_DIR": Self.root.path])
        #expect(checked.status == 0 && checked.stdout.contains(" --assert "), "\(checked.stderr)")
        let misused = try StemSimRunner.run(["cache", "path", "--assertions"], in: Self.root.path)
        #expect(misused.status == 2, "--assertions needs --command: \(misused.stderr)")
    }

    @Test func aCoverageBuildHasTheCoverageOptions() throws {
        let outcome = try StemSimRunner.run(["cache", "path", "--command", "--coverage", "--top", "noc"],
                                            in: Self.root.path, environment: ["STEM_RTL_DIR": Self.root.path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains(" -GFifoDepth=4 --coverage-line --coverage-toggle --coverage-user -CFLAGS "))
        #expect(outcome.stdout.contains("-DSTEM_TRACE=0 -DSTEM_COVERAGE=1'"))
        let without = try StemSimRunner.run(["cache", "path", "--coverage"], in: Self.root.path)
        #expect(without.status != 0 && without.stderr.contains("need --command"), "\(without.stderr)")
    }

    /// `stemsim cache build`: bad input is refused before anything is built.
    @Test(arguments: [
        (["AccBits=99"], "AccBits = 99: allowed 2...48"),
        (["FifoDepth=1"], "FifoDepth = 1: allowed 2...64"),
        (["--top", "cpu"], "--top cpu: allowed are mesh, noc"),
        (["--trace", "gif"], "--trace gif: allowed are none, vcd, fst"),
    ])
    func buildRefusesBadInputNamingIt(arguments: [String], message: String) throws {
        let outcome = try StemSimRunner.run(["cache", "build", "--coverage"] + arguments, in: Self.root.path,
                                            environment: ["STEM_RTL_DIR": Self.root.path, "STEM_CACHE_DIR": "/nonexistent/cache"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    @Test(arguments: [
        (["AccBits=99"], "AccBits = 99: allowed 2...48"),
        (["Bogus=1"], "Bogus = 1: allowed one of TimeSteps"),
        (["AccBits"], "Name=Value"),
        (["NumNeurons=1024", "NumAxons=1024"], "at most 262144"),
        (["--top", "cpu"], "--top cpu: allowed are mesh, noc"),
        (["--jobs", "0"], "--jobs 0: allowed are 1...1024"),
    ])
    func badInputExitsWithStatusTwoNamingIt(arguments: [String], message: String) throws {
        let outcome = try StemSimRunner.run(["cache", "path", "--command"] + arguments, in: Self.root.path,
                                            environment: ["STEM_RTL_DIR": Self.root.path])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }
}
