import ArgumentParser
import Foundation
import StemModel
import StemRTL
import StemSupport

/// `stemsim bench-rtl`: time steps and clock cycles per second of the Verilated mesh driven
/// from Swift (the RTL engine, as `stemsim run` drives it) against the bare C++ driver on the
/// same model library and the same stimulus, in one run.
struct RTLBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-rtl",
        abstract: "Speed of the RTL driven from Swift against the C++ driver on the same model and stimulus.",
        discussion: """
            Both sides run the same step loop through the same C ABI on the same library: the C++ \
            driver (testbenches/stem_driver.cpp) replays the exported host flits of every step; \
            the Swift side is the RTL engine, which also computes each step's input spikes, builds \
            the flits and maps the monitor's spikes back to layers. Configuration and start are \
            not timed. Rounds alternate between the two sides (C++, Swift, C++, Swift, ...); the \
            median of the rounds' Swift / C++ ratios is reported with its spread.
            """)

    @Option(help: ArgumentHelp("The network file (default: the digits example).", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("The inputs file (default: the digits test set).", valueName: "file"))
    var inputs: String?

    @Option(help: ArgumentHelp("Use only the first N samples.", valueName: "N"), transform: OptionBounds.limit.parse)
    var limit: Int?

    @Option(help: OptionBounds.rounds.help("Rounds (one C++ and one Swift run each, alternating); the median round ratio is reported"),
            transform: OptionBounds.rounds.parse)
    var rounds = OptionBounds.rounds.defaultValue

    @Option(help: OptionBounds.passes.help("Passes over the samples per round"), transform: OptionBounds.passes.parse)
    var passes = OptionBounds.passes.defaultValue

    @OptionGroup(title: "Mesh")
    var mesh: MeshArguments

    func run() throws {
        let networkPath = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let inputsPath = try Run.inputPath(inputs, default: Run.defaultInputs, option: "--inputs")
        let net = try Network.load(from: networkPath)
        var samples = try InputSet.load(from: inputsPath, for: net).samples
        if let limit { samples = Array(samples.prefix(limit)) }
        let mapping = try mesh.map(net)
        let builder = try ModelBuilder()
        let product = try builder.build(mapping.modelParameters(), progress: { printToStandardError("stemsim: \($0)\n") })

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("stemsim-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stimulus = folder.appendingPathComponent("stimulus.txt")
        let export = MeshExport(mapping: mapping, samples: samples, configurationPath: mesh.configPath)
        try export.stimulusText().write(to: stimulus, atomically: true, encoding: .utf8)
        printToStandardError("stemsim: compiling testbenches/stem_driver.cpp\n")
        let driver = try CppDriver.compile(from: builder.sources, into: folder)

        let engine = try RTLEngine(mapping: mapping, model: try MeshModel(library: try ModelLibrary(url: product.libraryURL, top: .mesh)),
                                   configurationPath: mesh.configPath)
        let input = InputStimulus(network: net, samples: samples)
        let steps = net.stepCount(samples: samples.count)
        var cppRounds: [CppDriver.Measurement] = []
        var swiftRounds: [CppDriver.Measurement] = []
        for _ in 0..<rounds {
            let cpp = try driver.run(library: product.libraryURL, stimulus: stimulus, passes: passes)
            let swift = try swiftRound(engine: engine, input: input, steps: steps, samples: samples.count)
            guard cpp.cycles == swift.cycles else {
                throw CommandFailure(.mismatch, "the two sides ran different cycle counts (C++ \(cpp.cycles), Swift \(swift.cycles)): not the same work")
            }
            cppRounds.append(cpp)
            swiftRounds.append(swift)
        }
        let ratio = PairedRatio(pairs: zip(swiftRounds, cppRounds).map { (a: $0.stepsPerSecond, b: $1.stepsPerSecond) })
        let cycles = cppRounds[0].cycles
        let cppRate = PairedRatio.quantile(cppRounds.map(\.stepsPerSecond).sorted(), 0.5)
        let swiftRate = PairedRatio.quantile(swiftRounds.map(\.stepsPerSecond).sorted(), 0.5)
        let cyclesPerStep = Double(cycles) / Double(passes * steps)
        let shape = net.layerSummary
        print("network    \(networkPath): \(shape), \(samples.count) samples, \(steps) steps per pass")
        print("mesh       \(mapping.meshX)x\(mapping.meshY), \(mapping.cores.count) cores; \(cycles / (passes * steps)) cycles per step on average")
        print("work       \(passes) passes per round, \(rounds) rounds (C++ then Swift in each), configuration not timed")
        print("C++        \(Self.rate(cppRate)) steps/s, \(Self.rate(cppRate * cyclesPerStep)) cycles/s  (testbenches/stem_driver.cpp; median round)")
        print("Swift      \(Self.rate(swiftRate)) steps/s, \(Self.rate(swiftRate * cyclesPerStep)) cycles/s  (RTLEngine; median round)")
        print("ratio      Swift / C++ = \(ratio.text(places: 3))")
    }

    /// One round of the Swift side: `passes` runs of every step through the RTL engine.
    private func swiftRound(engine: RTLEngine, input: InputStimulus, steps: Int, samples: Int) throws -> CppDriver.Measurement {
        let clock = ContinuousClock()
        var spikes: [Int32] = []
        var elapsed = Duration.zero
        var cycles = 0
        for _ in 0..<passes {
            try engine.start(sampleCount: samples)
            let before = try engine.networkStatistics().cycles
            let started = clock.now
            for tau in 0..<steps {
                input.spikes(atStep: tau, into: &spikes)
                _ = try engine.step(inputSpikes: spikes)
            }
            elapsed += clock.now - started
            cycles += try engine.networkStatistics().cycles - before
        }
        return CppDriver.Measurement(steps: passes * steps, cycles: cycles, seconds: elapsed.seconds)
    }

    static func rate(_ value: Double) -> String {
        value >= 1e6 ? Run.fixed(value / 1e6, 3) + "e6" : Run.fixed(value, 0)
    }
}
