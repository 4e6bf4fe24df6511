import ArgumentParser
import Foundation
import StemRTL

/// `stemsim cache list|clear|path|build`: the on-disk cache of built hardware models
/// (docs/model-cache.md).
struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "List or clear the cache of Verilated hardware models.",
        discussion: """
            Every parameter set of the RTL is compiled once by Verilator into a shared library \
            and kept in the cache folder: $STEM_CACHE_DIR, else $XDG_CACHE_HOME/stem-cosim, \
            else ~/.cache/stem-cosim.
            """,
        subcommands: [List.self, Clear.self, Path.self, Build.self],
        defaultSubcommand: List.self)

    /// Runs `body`, turning cache errors into a message and exit code 3.
    static func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ModelBuildError {
            printToStandardError("stemsim: \(error)\n")
            throw ExitCode(3)
        }
    }

    static func formatted(bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func formatted(date: Date?) -> String {
        guard let date else { return "?" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

extension CacheCommand {
    /// `stemsim cache list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cached models: key prefix, parameters, size and build date.")

        func run() throws {
            let cache = ModelCache.standard()
            let entries = cache.entries()
            for entry in entries {
                let parameters = entry.metadata.map { $0.parameters.description } ?? "(unreadable meta.json)"
                print("\(entry.key.prefix(12))  \(parameters)  \(CacheCommand.formatted(bytes: entry.sizeBytes))  \(CacheCommand.formatted(date: entry.metadata?.date))")
            }
            let total = entries.reduce(Int64(0)) { $0 + $1.sizeBytes }
            let count = entries.count == 1 ? "1 model" : "\(entries.count) models"
            print("cache folder: \(cache.directory.path) (\(count), \(CacheCommand.formatted(bytes: total)))")
        }
    }

    /// `stemsim cache clear`
    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove every cached model, SystemC testbench and core area, failed build and leftover temporary folder.",
            discussion: "Safe while other stemsim processes build or load models: each entry is removed under its lock, and builds in progress are left alone.")

        func run() throws {
            try CacheCommand.reporting {
                let cache = ModelCache.standard()
                let summary = try cache.clear()
                // The SystemC testbench binaries (testbenches/systemc/build.sh) sit in the same
                // layout one folder down: <key>/, <key>.lock, failed/<key>/, .tmp-<key>-*/.
                let systemC = ModelCache(directory: cache.directory.appendingPathComponent("systemc", isDirectory: true))
                let testbenches = try systemC.clear()
                // The sweep's Yosys results (<key>.json, written atomically, no locks needed).
                let areaFolder = cache.directory.appendingPathComponent("area", isDirectory: true)
                let areas = ((try? FileManager.default.contentsOfDirectory(atPath: areaFolder.path)) ?? [])
                    .filter { $0.hasSuffix(".json") }
                for name in areas { try? FileManager.default.removeItem(at: areaFolder.appendingPathComponent(name)) }
                let models = summary.entries == 1 ? "1 model" : "\(summary.entries) models"
                let leftovers = summary.leftovers + testbenches.leftovers
                var line = "removed \(models), \(testbenches.entries) SystemC testbenches, \(areas.count) core areas and \(leftovers) leftovers "
                    + "(\(CacheCommand.formatted(bytes: summary.bytes + testbenches.bytes))) from \(cache.directory.path)"
                let busy = summary.busy + testbenches.busy
                if busy > 0 { line += "; \(busy) builds in progress left alone" }
                print(line)
            }
        }
    }

    /// `stemsim cache path [--command ...]`
    struct Path: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the cache folder, or with --command the Verilator command that builds a model.",
            discussion: """
                With --command, prints the exact Verilator command ModelBuilder runs for the given \
                parameters (Name=Value, e.g. AccBits=24; unset ones keep their defaults; any value \
                the RTL accepts, e.g. FifoDepth=1). Run in a \
                folder holding the hardware sources (a checkout), it leaves the library in obj/. \
                The sources are those of $STEM_RTL_DIR if set, else the ones built into stemsim.
                """)

        @Flag(help: "Print the Verilator command that builds the model instead of the cache folder.")
        var command = false

        @OptionGroup var model: ModelChoice

        @Option(help: "Parallel compile jobs (-j) in the printed command.")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard command || model.isDefault else {
                throw ValidationError("--top, --trace, --assertions, --coverage, --jobs and parameters need --command")
            }
            guard (1...1024).contains(jobs) else { throw ValidationError("--jobs \(jobs): allowed are 1...1024") }
        }

        func run() throws {
            guard command else {
                print(ModelCache.standard().directory.path)
                return
            }
            let model = try self.model.parameters(ranges: ModelParameters.rtlRanges)
            try CacheCommand.reporting {
                let builder = try ModelBuilder()
                print(try builder.commandLine(for: model, jobs: jobs))
            }
        }
    }

    /// `stemsim cache build [--top ...] [--trace ...] [--coverage] [Name=Value ...]`
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a model into the cache if it is not there, and print its library's path.",
            discussion: """
                The library ModelBuilder builds for the given parameters (Name=Value; unset ones \
                keep their defaults), cached by content like every build stemsim runs: a second \
                call builds nothing. For scripts (scripts/coverage.sh builds its coverage \
                libraries with --coverage). The sources are those of $STEM_RTL_DIR if set, else \
                the ones built into stemsim. Progress goes to standard error.
                """)

        @OptionGroup var model: ModelChoice

        func run() throws {
            let model = try self.model.parameters(ranges: ModelParameters.ranges)
            try CacheCommand.reporting {
                let product = try ModelBuilder().build(model) { printToStandardError("\($0)\n") }
                print(product.libraryURL.path)
            }
        }
    }
}

/// The model `cache path --command` and `cache build` name: the top, the build options and
/// the RTL parameters (one definition of these options for both).
struct ModelChoice: ParsableArguments {
    @Option(help: "The top: mesh (stem_mesh) or noc (stem_noc).")
    var top: String = "mesh"

    @Option(help: "Waveform tracing compiled in: none, vcd or fst.")
    var trace: String = "none"

    @Flag(help: "The build with the RTL's simulation assertions compiled in (Verilator --assert).")
    var assertions = false

    @Flag(help: "A coverage build (line, toggle and cover points; scripts/coverage.sh).")
    var coverage = false

    @Argument(help: "RTL parameters, Name=Value (TimeSteps, WeightBits, AccBits, Saturate, NumNeurons, NumAxons, BiasBits, MaxFanout, MeshX, MeshY, FifoDepth).")
    var parameters: [String] = []

    /// Whether every option keeps its default.
    var isDefault: Bool { parameters.isEmpty && top == "mesh" && trace == "none" && !assertions && !coverage }

    func validate() throws {
        guard ModelParameters.Top(rawValue: top) != nil else {
            throw ValidationError("--top \(top): allowed are " + ModelParameters.Top.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard ModelParameters.Trace(rawValue: trace) != nil else {
            throw ValidationError("--trace \(trace): allowed are " + ModelParameters.Trace.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    /// The chosen parameters, checked against `ranges`; a malformed, unknown or out-of-range
    /// parameter is exit 2 naming it.
    func parameters(ranges: [String: ClosedRange<Int>]) throws -> ModelParameters {
        var model = ModelParameters(top: ModelParameters.Top(rawValue: top)!, trace: ModelParameters.Trace(rawValue: trace)!,
                                    assertions: assertions, coverage: coverage)
        do {
            try model.apply(parameters, ranges: ranges)
        } catch {
            printToStandardError("stemsim: \(error)\n")
            throw ExitCode(2)
        }
        return model
    }
}
