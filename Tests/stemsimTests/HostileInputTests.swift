import Foundation
import StemModel
import StemSupport
import Testing

/// Hostile command lines and input files through the built binary (issue 13): each must end
/// with exit code 2 and a message naming the option or file, the value and the allowed range,
/// quickly and in bounded memory, and must write nothing. The malformed-JSON cases of the file
/// formats are in RunCommandTests and JSONParserTests; this is the table of everything else.
@Suite struct HostileInputTests {
    /// One hostile invocation, run in a folder holding `network.json` and `inputs.json` (a
    /// small valid pair) and whatever `files` adds.
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        /// Texts standard error must contain.
        var messages: [String]
        var environment: [String: String] = [:]
        /// Extra files to create first (name, contents), with their folders.
        var files: [(String, String)] = []
        /// Symbolic links to create first (name, target).
        var links: [(String, String)] = []
        var status: Int32 = 2

        var testDescription: String { "stemsim " + arguments.joined(separator: " ").prefix(120) }
    }

    static let io = ["--network", "network.json", "--inputs", "inputs.json"]
    static let twoTo57 = "144115188075855872"
    static let twoTo61 = "2305843009213693952"
    static let intMax = "9223372036854775807"

    static let cases: [Case] = [
        // 1. Ranges are checked before they are expanded.
        Case(arguments: ["sweep"] + io + ["--acc-bits", "2...\(intMax)"],
             messages: ["--acc-bits: 49 is out of range 2...48", "(in 2...\(intMax))"]),
        Case(arguments: ["sweep"] + io + ["--acc-bits", "2...4294967296"], messages: ["--acc-bits: 49 is out of range 2...48"]),
        Case(arguments: ["sweep"] + io + ["--acc-bits", "2...100000000"], messages: ["--acc-bits: 49 is out of range 2...48"]),
        Case(arguments: ["sweep"] + io + ["--acc-bits=-\(intMax)...8"], messages: ["--acc-bits: -\(intMax) is out of range 2...48"]),
        Case(arguments: ["sweep"] + io + ["--rot", intMax + "0"], messages: ["--rot: '\(intMax)0' is not a non-negative integer"]),
        Case(arguments: ["sweep"] + io + ["--drlo", "17"], messages: ["--drlo: 17 is out of range 0...16"]),
        Case(arguments: ["sweep"] + io + ["--jobs", intMax], messages: ["--jobs must be in 1...64, got \(intMax)"]),

        // 2. Core options: each range before any product; the same on run --engine rtl|both.
        Case(arguments: ["map", "--network", "network.json", "--neurons", twoTo57],
             messages: ["--neurons must be in 1...65536 (NumNeurons), got \(twoTo57)"]),
        Case(arguments: ["map", "--network", "network.json", "--axons", twoTo57],
             messages: ["--axons must be in 1...65536 (NumAxons), got \(twoTo57)"]),
        Case(arguments: ["map", "--network", "network.json", "--max-fanout", twoTo61],
             messages: ["--max-fanout must be in 1...16 (MaxFanout), got \(twoTo61)"]),
        Case(arguments: ["map", "--network", "network.json", "--neurons", "3037000500", "--axons", "3037000500"],
             messages: ["--neurons must be in 1...65536 (NumNeurons), got 3037000500"]),
        Case(arguments: ["map", "--network", "network.json", "--neurons", "65536", "--axons", "65536"],
             messages: ["does not fit the tile address map"]),
        Case(arguments: ["run"] + io + ["--engine", "rtl", "--neurons", twoTo57], messages: ["--neurons must be in 1...65536"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--axons", twoTo57], messages: ["--axons must be in 1...65536"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--max-fanout", twoTo61], messages: ["--max-fanout must be in 1...16"]),
        Case(arguments: ["export"] + io + ["--out", "x", "--neurons", "0"], messages: ["--neurons must be in 1...65536"]),
        Case(arguments: ["bench-rtl"] + io + ["--neurons", twoTo57], messages: ["--neurons must be in 1...65536"]),
        Case(arguments: ["map", "--network", "network.json", "--mesh", "99999999999999999999x2"],
             messages: ["--mesh 99999999999999999999x2 is not a size like 3x2"]),
        Case(arguments: ["map", "--network", "network.json", "--mesh", "17x1"], messages: ["--mesh 17x1: 17 is out of range 1...16"]),

        // 11. Input files are capped, counts are bounded.
        Case(arguments: ["map", "--network", "/dev/zero"],
             messages: ["/dev/zero: holds more than the input limit of 1 MiB", "STEM_MAX_INPUT_SIZE"],
             environment: ["STEM_MAX_INPUT_SIZE": "1M"]),
        Case(arguments: ["run", "--network", "network.json", "--inputs", "/dev/urandom", "--engine", "golden"],
             messages: ["/dev/urandom: holds more than the input limit of 64 KiB"],
             environment: ["STEM_MAX_INPUT_SIZE": "64K"]),
        Case(arguments: ["map", "--network", "network.json"],
             messages: ["network.json: is ", " bytes, more than the input limit of 100 bytes"],
             environment: ["STEM_MAX_INPUT_SIZE": "100"]),
        Case(arguments: ["map", "--network", "network.json"],
             messages: ["STEM_MAX_INPUT_SIZE: '12X' is not a size in bytes"], environment: ["STEM_MAX_INPUT_SIZE": "12X"]),
        Case(arguments: ["bench", "--samples", intMax], messages: ["--samples must be in 1...100000, got \(intMax)"]),
        Case(arguments: ["bench", "--repeat", intMax], messages: ["--repeat must be in 1...1000, got \(intMax)"]),
        Case(arguments: ["bench", "--shape", "65536-65536"], messages: ["--shape must be in 1...16777216 (weights in all layers)"]),
        Case(arguments: ["bench", "--shape", Array(repeating: "2", count: 40).joined(separator: "-")],
             messages: ["--shape must be in 2...32"]),
        Case(arguments: ["bench", "--samples", "100000", "--shape", "65536-2"], messages: ["--samples must be in 1...67108864"]),
        Case(arguments: ["bench-rtl"] + io + ["--rounds", intMax], messages: ["--rounds must be in 1...1000"]),
        Case(arguments: ["bench-rtl"] + io + ["--passes", "0"], messages: ["--passes must be in 1...1000, got 0"]),
        Case(arguments: ["run"] + io + ["--limit", intMax + "9"], messages: ["--limit must be an integer"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--trace", "t.vcd", "--trace-depth", "4294967296"],
             messages: ["--trace-depth must be in 0...1000"]),
        Case(arguments: ["noc-bench", "--measure", intMax], messages: ["--measure must be in 100...10000000"]),
        Case(arguments: ["noc-bench", "--warmup=-1"], messages: ["--warmup must be in 0...10000000"]),
        Case(arguments: ["noc-bench", "--rate", Array(repeating: "0.1", count: 101).joined(separator: ",")],
             messages: ["--rate must be in 1...100 (loads in the list), got 101"]),

        // 12. A missing output folder is 2 for every output; RTL parameters are usage errors.
        Case(arguments: ["run"] + io + ["--engine", "both", "--trace", "nodir/t.vcd"],
             messages: ["--trace nodir/t.vcd: cannot create: No such file or directory (the folder nodir does not exist)"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--golden-trace", "nodir/g.vcd"],
             messages: ["--golden-trace nodir/g.vcd: cannot create: No such file or directory (the folder nodir does not exist)"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--compare-trace", "nodir/c.vcd"],
             messages: ["--compare-trace nodir/c.vcd: cannot create: No such file or directory (the folder nodir does not exist)"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "nodir/s.jsonl"],
             messages: ["--spikes nodir/s.jsonl: cannot create: No such file or directory (the folder nodir does not exist)"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "network.json/r.json"],
             messages: ["--report network.json/r.json: cannot create: Not a directory (network.json is not a folder)"]),
        Case(arguments: ["map", "--network", "network.json", "--fifo-depth", "1"], messages: ["--fifo-depth must be in 2...64"]),
        Case(arguments: ["map", "--network", "network.json", "--max-fanout", "17"], messages: ["--max-fanout must be in 1...16"]),
        Case(arguments: ["noc-bench", "--fifo-depth", "1"], messages: ["--fifo-depth must be in 2...64 (FifoDepth), got 1"]),
        Case(arguments: ["noc-bench", "--mesh", "1x1"], messages: ["--mesh 1x1: a NoC needs at least 2 nodes"]),

        // 5. Collisions between inputs, outputs and the files beside them, by resolved path.
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "network.json"],
             messages: ["--network network.json and --spikes network.json name the same file (/", "/network.json)"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "inputs.json"],
             messages: ["--inputs inputs.json and --report inputs.json name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "s.jsonl", "--report", "./s.jsonl"],
             messages: ["--spikes s.jsonl and --report ./s.jsonl name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "sub/../s.jsonl", "--report", "s.jsonl"],
             messages: ["--spikes sub/../s.jsonl and --report s.jsonl name the same file"], files: [("sub/keep", "")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "r.json"],
             messages: ["--inputs inputs.json and --report r.json name the same file"], links: [("r.json", "inputs.json")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "alias/network.json"],
             messages: ["--network network.json and --report alias/network.json name the same file"], links: [("alias", ".")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--golden-trace", "g.vcd", "--report", "g.gtkw"],
             messages: ["--report g.gtkw and --golden-trace (its GTKWave file) g.gtkw name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--golden-trace", "g.vcd", "--spikes", "g.sucl"],
             messages: ["--spikes g.sucl and --golden-trace (its Surfer file) g.sucl name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--golden-trace", "w.vcd", "--compare-trace", "w.vcd"],
             messages: ["--golden-trace w.vcd and --compare-trace w.vcd name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--trace", "w.fst", "--golden-trace", "w.vcd"],
             messages: ["--trace (its GTKWave file) w.gtkw and --golden-trace (its GTKWave file) w.gtkw name the same file"]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--divergence-dir", ".", "--spikes", "rtl.vcd"],
             messages: ["--spikes rtl.vcd and --divergence-dir (its RTL waveform) ./rtl.vcd name the same file"]),
        Case(arguments: ["sweep", "--network", "sw/sweep.json", "--inputs", "inputs.json", "--out", "sw"],
             messages: ["--network sw/sweep.json and --out (its sweep.json) sw/sweep.json name the same file"],
             files: [("sw/sweep.json", "{}")]),
        Case(arguments: ["sweep", "--network", "sw/networks/n.json", "--inputs", "inputs.json", "--out", "sw"],
             messages: ["--out (its networks folder) sw/networks holds --network sw/networks/n.json"],
             files: [("sw/networks/n.json", "{}")]),

        // 4. export --force replaces only an earlier export, never a folder holding the
        // working folder or an input, nor the root.
        Case(arguments: ["export"] + io + ["--out", ".", "--force"], messages: ["--out .: it is the working folder"]),
        Case(arguments: ["export"] + io + ["--out", "..", "--force"], messages: ["--out ..: it holds the working folder"]),
        Case(arguments: ["export"] + io + ["--out", "/", "--force"], messages: ["--out /: it is the root folder"]),
        Case(arguments: ["export", "--network", "sub/network.json", "--inputs", "inputs.json", "--out", "sub", "--force"],
             messages: ["--out sub holds --network sub/network.json"], files: [("sub/network.json", "{}")]),
        Case(arguments: ["export"] + io + ["--out", "mine", "--force"],
             messages: ["--out mine: not replaced: stemsim export did not write this folder (it holds no .stemsim-export)"],
             files: [("mine/thesis.tex", "precious")]),
        Case(arguments: ["export"] + io + ["--out", "mine"], messages: ["--out mine: cannot create: the folder exists and is not empty"],
             files: [("mine/thesis.tex", "precious")]),
        Case(arguments: ["export"] + io + ["--out", "link", "--force"], messages: ["--out link: it is a symbolic link"],
             files: [("mine/.stemsim-export", "")], links: [("link", "mine")]),

        // 6, 7. Every output checked up front: a folder where a file goes, a link to a
        // folder, a device for the waveform the RTL model writes itself.
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "d"], messages: ["--spikes d: cannot create: it is a folder"],
             files: [("d/x", "")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "r.json"],
             messages: ["--report r.json: cannot create: it leads to the folder"], files: [("d/x", "")], links: [("r.json", "d")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--spikes", "s.jsonl", "--golden-trace", "g.vcd"],
             messages: ["--golden-trace (its GTKWave file) g.gtkw: cannot create: it is a folder"], files: [("g.gtkw/x", "")]),
        Case(arguments: ["run"] + io + ["--engine", "both", "--trace", "t.vcd"],
             messages: ["--trace t.vcd: the RTL model writes this file itself and needs a regular file"],
             links: [("t.vcd", "/dev/null")]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "loop.json"],
             messages: ["--report loop.json: cannot create: too many levels of symbolic links"], links: [("loop.json", "loop.json")]),

        // 14. Echoes are cut, values are shown as written, control characters escaped.
        Case(arguments: ["map", "--network", "network.json", "--neurons=-0"],
             messages: ["--neurons must be in 1...65536 (NumNeurons), got -0"]),
        Case(arguments: ["run"] + io + ["--limit=-0"], messages: ["--limit must be at least 1, got -0"]),
        Case(arguments: ["map", "--network", "network.json", "--neurons", String(repeating: "9", count: 100_000)],
             messages: ["characters cut]"]),
        Case(arguments: ["map", "--network", "huge-number.json"], messages: ["huge-number.json: timeSteps: 1111111111", "(1000000 characters)"],
             files: [("huge-number.json", "{\"format\": \"stem-network\", \"version\": 1, \"timeSteps\": "
                       + String(repeating: "1", count: 1_000_000) + "}")]),
        Case(arguments: ["map", "--network", "long-key.json"], messages: ["long-key.json: kkkkkkkkkk", "(5000 characters): unknown key"],
             files: [("long-key.json", "{\"" + String(repeating: "k", count: 5_000) + "\": 1}")]),
        Case(arguments: ["map", "--network", "evil\u{202E}name.json"], messages: ["evil\\u{202E}name.json: cannot read"]),
        Case(arguments: ["run"] + io + ["--engine", "golden", "--report", "a\u{1B}[31m/r.json"], messages: ["a\\u{1B}[31m"]),
    ]

    @Test(arguments: cases)
    func hostileInputExitsTwoWithAClearMessageAndWritesNothing(_ hostile: Case) throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        for (name, text) in hostile.files {
            let url = URL(fileURLWithPath: folder + "/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        for (name, target) in hostile.links {
            try FileManager.default.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: target)
        }
        let networkBefore = try FileIO.read(folder + "/network.json")
        let inputsBefore = try FileIO.read(folder + "/inputs.json")
        let before = try StemSimRunner.contents(folder)
        let outcome = try StemSimRunner.run(hostile.arguments, in: folder, environment: hostile.environment)
        #expect(outcome.status == hostile.status, "\(outcome.stderr.prefix(2000))")
        for message in hostile.messages {
            #expect(outcome.stderr.contains(message), "expected \(message) in: \(outcome.stderr.prefix(2000))")
        }
        #expect(!outcome.stderr.contains("Error: Error:") && !outcome.stderr.contains("error: Error:"))
        #expect(!outcome.stderr.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1B}" }, "raw control characters")
        #expect(outcome.stderr.utf8.count < 8_000, "the message echoes too much: \(outcome.stderr.utf8.count) bytes")
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("crashed"))
        #expect(try StemSimRunner.contents(folder) == before, "nothing is written")
        #expect(try FileIO.read(folder + "/network.json") == networkBefore && FileIO.read(folder + "/inputs.json") == inputsBefore,
                "the inputs are untouched")
    }

    /// The default cap stops an endless input at 256 MiB, in bounded time and memory.
    @Test func theDefaultCapStopsAnEndlessInput() throws {
        let folder = try StemSimRunner.temporaryFolder()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(["map", "--network", "/dev/zero"], in: folder,
                                            environment: ["STEM_MAX_INPUT_SIZE": nil])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/dev/zero: holds more than the input limit of 256 MiB"), "\(outcome.stderr)")
    }

    @Test func aLargerCapReadsTheFile() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let outcome = try StemSimRunner.run(["map", "--network", "network.json"], in: folder,
                                            environment: ["STEM_MAX_INPUT_SIZE": "1G"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// An output name of 246 characters is fine although its temporary name would be longer
    /// than a file name may be.
    @Test func aLongOutputNameIsWritten() throws {
        let (folder, _, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        let name = String(repeating: "r", count: 241) + ".json"
        let outcome = try StemSimRunner.run(["run"] + Self.io + ["--engine", "golden", "--report", name], in: folder)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try StemSimRunner.contents(folder) == ["inputs.json", "network.json", name])
    }

    @Test func nocBenchHelpNamesPatternsAndTheMeshSize() throws {
        let outcome = try StemSimRunner.run(["noc-bench", "--help"], in: NSTemporaryDirectory())
        #expect(outcome.status == 0)
        // Help wraps lines; compare with single spaces.
        func words(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let help = words(outcome.stdout)
        #expect(help.contains("values: uniform, transpose, hotspot; default: uniform"), "\(help)")
        #expect(help.contains("(default: 4x4)") && !help.contains("MeshSize(") && !help.contains("values: 0, 1, 2"))
        let map = try StemSimRunner.run(["map", "--help"], in: NSTemporaryDirectory())
        #expect(words(map.stdout).contains("(1...65536, default: 64, other sizes when the network needs them)"), "\(map.stdout)")
    }

    /// 13. Resuming a sweep whose network files were removed or edited writes them again.
    @Test func sweepResumeRestoresMissingAndChangedNetworkFiles() throws {
        let (folder, network, _) = try fixture()
        defer { StemSimRunner.remove(folder) }
        try InputSet.random(for: network, count: 3, labeled: false, seed: 23).write(to: folder + "/calibration.json")
        let sweep = ["sweep"] + Self.io + ["--engine", "golden", "--no-area", "--acc-bits", "10,14", "--scaled", "none,auto",
                                           "--out", "out"]
        let first = try StemSimRunner.run(sweep, in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let networks = folder + "/out/networks"
        let names = try StemSimRunner.contents(networks)
        #expect(names.count == 4)
        let original = try names.map { try FileIO.read(networks + "/" + $0) }

        try FileManager.default.removeItem(atPath: networks)
        let second = try StemSimRunner.run(sweep, in: folder)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("0 ran now, 4 reused"), "\(second.stdout)")
        #expect(try names.map { try FileIO.read(networks + "/" + $0) } == original)

        try Data("{}".utf8).write(to: URL(fileURLWithPath: networks + "/" + names[1]))
        // Ask for half of the points (acc10-*, the edited file among them): the others are
        // kept, and the summary says so.
        let third = try StemSimRunner.run(sweep.map { $0 == "10,14" ? "10" : $0 }, in: folder)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdout.contains("0 ran now, 2 reused from an earlier run, 2 kept from an earlier run"), "\(third.stdout)")
        #expect(try names.map { try FileIO.read(networks + "/" + $0) } == original)
    }
}
