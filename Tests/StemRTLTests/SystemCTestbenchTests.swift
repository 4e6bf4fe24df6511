import Foundation
import StemCheck
import StemModel
import StemSupport
import Testing
@testable import StemRTL

/// The SystemC testbench (testbenches/systemc) against the golden model: the digits slice and
/// random multi-layer networks, both initiators (pin-level and the CPU model through the TLM-2.0
/// wrapper), the C++ driver and the C shim on the same export, and differences being caught.
/// Two testbench builds in all (digits, and the random networks' mesh).
@Suite(.serialized, .enabled(if: SystemCTestSupport.available, SystemCTestSupport.missingMessage))
struct SystemCTestbenchTests {
    typealias Support = SystemCTestSupport

    static let randomParameters = ModelParameters(
        timeSteps: Support.randomTimeSteps, weightBits: Support.randomWeightBits, accBits: Support.randomAccBits,
        saturate: true, numNeurons: 16, numAxons: 32, maxFanout: 4, meshX: 3, meshY: 3, fifoDepth: 4)

    @Test func aDigitsSliceAgreesWithTheGoldenModelOnBothInitiators() throws {
        let (network, samples) = try Support.digits(limit: 10)
        let mapping = try Mapper(options: Support.digitsOptions).map(network)
        let testbench = try SystemCTestbench.build(for: mapping.modelParameters())
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var records: [String] = []
        var summaries: [SystemCSummary] = []
        var events: [SystemCEvents] = []
        for initiator in SystemCTestbench.Initiator.allCases {
            let keep = folder + "/" + initiator.rawValue
            let engine = try SystemCEngine(export: MeshExport(mapping: mapping, samples: samples), testbench: testbench,
                                           initiator: initiator, clockMHz: 200, keepFolder: keep)
            let result = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                      device: engine).run()
            #expect(result.firstDivergence == nil, "\(initiator): \(result.firstDivergence.map { "\($0)" } ?? "")")
            #expect(result.completed && result.overflowsAgree)
            let record = try Support.text(keep + "/systemc.jsonl")
            #expect(record == (try Support.text(keep + "/export/golden.jsonl")), "\(initiator)")
            records.append(record)
            summaries.append(try #require(engine.summary))
            events.append(try #require(engine.events))
        }
        // The same raw events whoever drives the mesh (with queues that never fill): the monitor's,
        // the host flits but their stamps, and their latencies (the stamps and arrival cycles
        // themselves differ by the cycles the CPU model's bus accesses take between the steps;
        // the mesh clock runs on).
        #expect(events[0].steps.map(\.spikes) == events[1].steps.map(\.spikes))
        let stamp = HardwareInterface.Spike.stamp.placing(HardwareInterface.Spike.stamp.mask)
        let unstamped = events.map { $0.steps.map { $0.hostFlits.map { $0.bits & ~stamp } } }
        #expect(unstamped[0] == unstamped[1])
        #expect(events[0].hostLatencies == events[1].hostLatencies && !events[0].hostLatencies.isEmpty)
        let lastArrival = events.map { $0.steps.flatMap(\.hostFlits).last?.cycle ?? 0 }
        #expect(lastArrival[1] > lastArrival[0], "the CPU model's steps start later: \(lastArrival)")
        #expect(records[0] == records[1], "the CPU model's record differs from the pin-level testbench's")
        let (pin, tlm) = (summaries[0], summaries[1])
        #expect(pin.initiator == "pin" && tlm.initiator == "tlm")
        #expect(pin.stepCycles == tlm.stepCycles, "a step takes the same cycles whoever drives the mesh")
        #expect(pin.steps == network.stepCount(samples: 10) && pin.samples == 10 && pin.layers == 3)
        #expect(pin.flitsToHost > 0 && pin.flitsToHost == tlm.flitsToHost && pin.spikes == tlm.spikes)
        #expect(pin.busReads == 0 && tlm.busReads > 0 && tlm.busWrites > 0)
        // Simulated time at 200 MHz: 5 ns a cycle.
        for summary in summaries {
            #expect(summary.clockGiven && summary.clockMHz == 200)
            #expect(abs(summary.meshBusyNanoseconds - 5 * Double(summary.runCycles)) < 1e-3)
            #expect(abs(summary.nanosecondsPerInference - 5 * Double(summary.runCycles) / 10) < 1e-3)
            #expect(summary.latencyNanoseconds > summary.nanosecondsPerInference)
            #expect(summary.runNanoseconds >= summary.meshBusyNanoseconds)
        }
        // The pin-level testbench wastes no cycle between steps; the CPU model's bus accesses do.
        #expect(abs(pin.runNanoseconds - pin.meshBusyNanoseconds) < 1e-3)
        #expect(tlm.runNanoseconds > tlm.meshBusyNanoseconds)
    }

    @Test func theCPUModelKeepsUpWithTinyQueuesAndBackpressure() throws {
        let (network, samples) = try Support.digits(limit: 4)
        let mapping = try Mapper(options: Support.digitsOptions).map(network)
        let testbench = try SystemCTestbench.build(for: mapping.modelParameters())
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // OUT holds one flit (the mesh waits for the CPU), TX eight (configuration and some steps
        // go in chunks), MON is drained on its interrupt.
        var records: [String] = []
        var events: [SystemCEvents] = []
        for (initiator, extra) in [(SystemCTestbench.Initiator.tlm, ["--out-depth", "1", "--tx-depth", "8", "--mon-depth", "256"]),
                                   (.pin, [])] {
            let keep = folder + "/" + initiator.rawValue
            let engine = try SystemCEngine(export: MeshExport(mapping: mapping, samples: samples), testbench: testbench,
                                           initiator: initiator, keepFolder: keep, extraArguments: extra)
            let result = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                      device: engine).run()
            #expect(result.firstDivergence == nil && result.completed && result.overflowsAgree, "\(initiator)")
            records.append(try Support.text(keep + "/systemc.jsonl"))
            #expect(records.last == (try Support.text(keep + "/export/golden.jsonl")), "\(initiator)")
            events.append(try #require(engine.events))
            if initiator == .tlm {
                #expect(try #require(engine.summary).hostOutStalls > 0, "the output queue never filled, so backpressure was not exercised")
            }
        }
        #expect(records[0] == records[1])
        // Backpressure delays the flits to the host: the CPU model's steps take longer.
        #expect(events[0].initiator == "tlm" && events[1].initiator == "pin")
        #expect(zip(events[0].steps, events[1].steps).allSatisfy { $0.cycles >= $1.cycles })
        #expect(events[0].steps.map(\.cycles) != events[1].steps.map(\.cycles))
    }

    @Test func randomMultiLayerNetworksAgreeWithTheGoldenModel() throws {
        let testbench = try SystemCTestbench.build(for: Self.randomParameters)
        var splitLayers = 0, overflows = 0, outputSpikes = 0, tlmRuns = 0, backdoorRuns = 0, deepNetworks = 0
        for seed in UInt64(1)...16 {
            let (network, samples) = Support.randomNetwork(seed: seed)
            let mapping = try Mapper(options: Support.randomOptions).map(network)
            #expect(mapping.modelParameters() == Self.randomParameters)
            let initiator: SystemCTestbench.Initiator = seed % 4 == 0 ? .tlm : .pin
            let path: RTLEngine.ConfigurationPath = seed % 3 == 0 ? .backdoor : .packets
            let engine = try SystemCEngine(
                export: MeshExport(mapping: mapping, samples: samples, configurationPath: path),
                testbench: testbench, initiator: initiator)
            let golden = try GoldenModel(network: network)
            let result = try Lockstep(network: network, samples: samples, reference: golden, device: engine).run()
            let context = "seed \(seed), \(network.layerWidths), \(samples.count) samples, \(initiator), \(path)"
            #expect(result.firstDivergence == nil, "\(context): \(result.firstDivergence.map { "\($0)" } ?? "")")
            #expect(result.completed && result.overflowsAgree,
                    "\(context): overflows golden \(result.referenceCounters.overflows), systemc \(result.deviceCounters?.overflows ?? -1)")
            splitLayers += mapping.cores.count > network.depth ? 1 : 0
            deepNetworks += network.depth >= 2 ? 1 : 0
            overflows += result.referenceCounters.overflows
            outputSpikes += result.outputs.joined().reduce(0) { $0 + $1.nonzeroBitCount }
            tlmRuns += initiator == .tlm ? 1 : 0
            backdoorRuns += path == .backdoor ? 1 : 0
        }
        // The networks really exercised what they are for (a check that cannot pass vacuously).
        #expect(splitLayers >= 6 && deepNetworks >= 6 && overflows > 0 && outputSpikes > 50,
                "split \(splitLayers), deep \(deepNetworks), overflows \(overflows), output spikes \(outputSpikes)")
        #expect(tlmRuns == 4 && backdoorRuns == 5)
    }

    @Test(.enabled(if: RealHardware.has(.mesh), "the hardware sources have no stem_mesh shim"))
    func theCxxDriverAndTheCShimRunTheExportWithTheSameSpikesAndCycles() throws {
        // A network whose layers are split over several cores.
        var found: (Network, [[Int64]], MeshMapping)?
        for seed in UInt64(1)...50 where found == nil {
            let (network, samples) = Support.randomNetwork(seed: seed)
            let mapping = try Mapper(options: Support.randomOptions).map(network)
            if network.depth >= 2 && mapping.cores.count > network.depth + 1 { found = (network, samples, mapping) }
        }
        let (network, samples, mapping) = try #require(found)
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let export = MeshExport(mapping: mapping, samples: samples)
        let testbench = try SystemCTestbench.build(for: Self.randomParameters)
        let engine = try SystemCEngine(export: export, testbench: testbench, keepFolder: folder)
        let result = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                  device: engine).run()
        #expect(result.firstDivergence == nil && result.completed && result.overflowsAgree)
        let summary = try #require(engine.summary)
        let events = try #require(engine.events)

        // The C++ driver (testbenches/stem_driver.cpp) on the C shim library of the same parameters.
        let library = try ModelBuilder().build(Self.randomParameters).libraryURL
        let driver = try Self.compileDriver(into: folder)
        let outcome = ProcessRunner.run(
            driver.path, [library.path, folder + "/export/stimulus.txt", "--spikes", folder + "/driver.txt"],
            environment: ProcessInfo.processInfo.environment)
        #expect(outcome.status == 0, "\(outcome.errors)")
        let lines = try Support.text(folder + "/driver.txt").split(separator: "\n")
        #expect(lines.count == export.stepCount)
        let goldenRecord = try SpikeRecordReader.read(folder + "/export/golden.jsonl", network: network, steps: export.stepCount)
        var cycles: [Int] = []
        for (tau, line) in lines.enumerated() {
            // step <tau> cycles <c> spikes <tile>:<neuron> ... host <flit> ...
            let words = line.split(separator: " ").map(String.init)
            #expect(words.count >= 5 && words[0] == "step" && words[1] == String(tau) && words[2] == "cycles")
            cycles.append(Int(words[3]) ?? -1)
            let host = words.firstIndex(of: "host") ?? words.count
            var layers = [[Int32]](repeating: [], count: network.depth + 1)
            for spike in words[5..<host] {
                let parts = spike.split(separator: ":").compactMap { Int($0) }
                let core = try #require(mapping.core(onTile: parts[0]))
                layers[core.layer].append(Int32(core.neurons[parts[1]]))
            }
            for l in layers.indices { layers[l].sort() }
            #expect(Array(layers.dropFirst()) == Array(goldenRecord[tau].dropFirst()), "step \(tau)")
            let flits = host < words.count ? Array(words[(host + 1)...]) : []
            let received = flits.map { Int32(UInt64($0, radix: 16)! & 0xFFFF) }.sorted()
            #expect(received == goldenRecord[tau][network.depth], "step \(tau): host flits")
        }
        #expect(cycles == summary.stepCycles, "the SystemC testbench and the C shim count different cycles per step")

        // The host flits and their arrival cycles equal the C shim's, step for step.
        let model = try MeshModel(library: try ModelBuilder().load(Self.randomParameters))
        try model.configure(flits: mapping.configuration(sampleCount: samples.count).flits.map(\.bits))
        try model.start()
        var arrivals = 0
        for (tau, flits) in export.hostFlits().enumerated() {
            let step = try model.step(hostFlits: flits)
            #expect(step.hostFlits == events.steps[tau].hostFlits.map(\.bits), "step \(tau): host flits")
            #expect(step.hostCycles == events.steps[tau].hostFlits.map(\.cycle), "step \(tau): arrival cycles")
            arrivals += step.hostCycles.count
        }
        #expect(arrivals > 0 && events.hostLatencies.allSatisfy { $0 > 0 && $0 < 1000 }, "\(events.hostLatencies.prefix(10))")
    }

    @Test func aDifferenceIsCaughtAtTheFirstDifferingStep() throws {
        let testbench = try SystemCTestbench.build(for: Self.randomParameters)
        // The mesh runs 11-bit saturating accumulators; the golden model is told 20 bits. The
        // lockstep run must stop exactly where two golden runs of the two widths first differ.
        var checked = 0
        for seed in UInt64(100)..<400 where checked < 2 {
            let (narrow, samples) = Support.randomNetwork(seed: seed)
            var wide = narrow
            wide.accumulatorBits = 20
            guard let expected = try Self.firstDifferingStep(narrow, wide, samples) else { continue }
            let engine = try SystemCEngine(export: MeshExport(mapping: try Mapper(options: Support.randomOptions).map(narrow),
                                                              samples: samples), testbench: testbench)
            let result = try Lockstep(network: wide, samples: samples, reference: try GoldenModel(network: wide),
                                      device: engine).run()
            let divergence = try #require(result.firstDivergence, "seed \(seed): no divergence found")
            #expect(divergence.step == expected && result.stepsRun == expected, "seed \(seed)")
            checked += 1
        }
        #expect(checked == 2)

        // A planted fault in the testbench's events (one output spike moved to another neuron)
        // is a divergence at exactly that step.
        let (network, samples) = Support.randomNetwork(seed: 3)
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mapping = try Mapper(options: Support.randomOptions).map(network)
        let engine = try SystemCEngine(export: MeshExport(mapping: mapping, samples: samples), testbench: testbench,
                                       keepFolder: folder)
        _ = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network), device: engine).run()
        var events = try #require(engine.events)
        let tau = try #require(events.steps.firstIndex { !$0.spikes.isEmpty })
        let spike = events.steps[tau].spikes[0]
        let core = try #require(mapping.core(onTile: spike.tile))
        let free = try #require((0..<core.neurons.count).first { n in !events.steps[tau].spikes.contains { $0.tile == spike.tile && $0.neuron == n } })
        events.steps[tau].spikes[0].neuron = free
        if core.layer == network.depth {  // keep the host flits consistent with the output layer
            let flit = try #require(events.steps[tau].hostFlits.firstIndex { Flit(bits: $0.bits).axon == core.neurons[spike.neuron] })
            events.steps[tau].hostFlits[flit].bits = events.steps[tau].hostFlits[flit].bits & ~0xFFFF | UInt64(core.neurons[free])
        }
        let planted = try events.spikes(on: mapping)
        let golden = try SpikeRecordReader.read(folder + "/export/golden.jsonl", network: network, steps: planted.count)
        let differing = planted.indices.first { Array(golden[$0].dropFirst()) != planted[$0] }
        #expect(differing == tau)

        // An export for other parameters is refused (exit 2) before anything runs.
        let other = try MeshExportTests.fixture()
        try other.write(to: folder + "/other")
        let refused = testbench.run(exportFolder: folder + "/other", events: folder + "/never.txt")
        #expect(refused.status == 2 && refused.standardError.contains("built with"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/never.txt"))
    }

    /// The first step where two golden runs' spike records differ (the golden-vs-golden
    /// lockstep, itself checked against independent solo runs in LockstepTests).
    static func firstDifferingStep(_ a: Network, _ b: Network, _ samples: [[Int64]]) throws -> Int? {
        try Lockstep(network: a, samples: samples, reference: try GoldenModel(network: a),
                     device: try GoldenModel(network: b)).run().firstDivergence?.step
    }

    /// Compiles testbenches/stem_driver.cpp from the hardware sources.
    static func compileDriver(into folder: String) throws -> URL {
        try CppDriver.compile(from: try HardwareSources.current(), into: URL(fileURLWithPath: folder),
                              environment: SystemCTestSupport.environment).executable
    }
}

/// The error paths of building the testbench, which need no SystemC.
@Suite struct SystemCBuildErrorTests {
    @Test func aMissingVerilatorIsNamedWithHowToInstallIt() throws {
        var environment = SystemCTestSupport.environment
        environment["PATH"] = "/nonexistent-stem-test"
        let error = try #require(throws: SystemCBuildError.self) {
            try SystemCTestbench.build(for: ModelParameters(), environment: environment)
        }
        guard case .toolMissing(let message) = error else {
            Issue.record("expected toolMissing, got \(error)")
            return
        }
        #expect(message.contains("verilator") && message.contains("apt-get install verilator"), "\(message)")
        #expect(message.contains("scripts/install-deps.sh"))
    }

    @Test(.enabled(if: SystemCTestSupport.verilatorAvailable, "needs verilator (the SystemC check comes after the tools)"))
    func missingSystemCIsNamedWithHowToInstallIt() throws {
        var environment = SystemCTestSupport.environment
        environment["SYSTEMC_INCLUDE"] = "/nonexistent-stem-test/include"
        environment["SYSTEMC_LIBDIR"] = "/nonexistent-stem-test/lib"
        let cache = try SystemCTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let error = try #require(throws: SystemCBuildError.self) {
            try SystemCTestbench.build(for: ModelParameters(), cacheRoot: URL(fileURLWithPath: cache), environment: environment)
        }
        guard case .toolMissing(let message) = error else {
            Issue.record("expected toolMissing, got \(error)")
            return
        }
        #expect(message.contains("SystemC") && message.contains("apt-get install libsystemc-dev")
                && message.contains("/nonexistent-stem-test/include"), "\(message)")
        // Nothing was built or left in the cache.
        let left = (try? FileManager.default.subpathsOfDirectory(atPath: cache)) ?? []
        #expect(left.allSatisfy { !$0.hasSuffix("stem_systemc") }, "\(left)")
    }

    @Test func parametersOutOfRangeAreRejectedBeforeAnyTool() throws {
        #expect(throws: ModelBuildError.self) {
            try SystemCTestbench.build(for: ModelParameters(timeSteps: 1))
        }
        #expect(throws: SystemCBuildError.self) {
            try SystemCTestbench.build(for: ModelParameters(top: .noc))
        }
    }
}

/// Reading the testbench's summary file (no SystemC needed).
@Suite struct SystemCSummaryTests {
    /// A summary as testbenches/systemc/stem_sc_files.cpp writes it.
    static let text = """
        {
          "format": "stem-systemc-summary",
          "version": 2,
          "initiator": "tlm",
          "parameters": {"TimeSteps": 1, "WeightBits": 8, "AccBits": 16, "Saturate": 0, "NumNeurons": 16, "NumAxons": 32, "MaxFanout": 4, "MeshX": 2, "MeshY": 1, "FifoDepth": 4},
          "steps": 3,
          "cycles": {"reset": 2, "configuration": 40, "start": 3, "run": 60, "total": 120, "maxStep": 30},
          "stepCycles": [10,20,30],
          "flits": {"configuration": 12, "backdoorWrites": 0, "fromHost": 7, "toHost": 5},
          "spikes": 9,
          "overflows": 4,
          "overflowsPerTile": [{"tile": 0, "overflows": 4}, {"tile": 1, "overflows": 0}],
          "hostOutStalls": 1,
          "bus": {"reads": 11, "writes": 13},
          "clock": {"mhz": 200.000000, "periodPs": 5000.000000, "given": true},
          "simulatedTimeNs": {"total": 600.000000, "run": 310.000000, "meshBusy": 300.000000}
        }
        """

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func readsEveryFigure() throws {
        let path = try Self.write(Self.text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 2 samples through 1 layer, B = 1: steps 0 and 1 are sample 0's latency, 1 and 2 sample 1's.
        let summary = try SystemCSummary(contentsOf: path, samples: 2, layers: 1)
        #expect(summary.initiator == "tlm" && summary.samples == 2 && summary.layers == 1 && summary.steps == 3)
        #expect(summary.overflowsPerTile == [0: 4, 1: 0] && summary.timeSteps == 1)
        #expect(summary.configurationCycles == 40 && summary.startCycles == 3 && summary.runCycles == 60 && summary.totalCycles == 120)
        #expect(summary.stepCycles == [10, 20, 30])
        #expect(summary.flitsFromHost == 7 && summary.flitsToHost == 5 && summary.spikes == 9 && summary.overflows == 4)
        #expect(summary.hostOutStalls == 1 && summary.busReads == 11 && summary.busWrites == 13)
        #expect(summary.clockMHz == 200 && summary.clockGiven)
        #expect(summary.totalNanoseconds == 600 && summary.runNanoseconds == 310 && summary.meshBusyNanoseconds == 300)
        #expect(summary.nanosecondsPerStep == 100 && summary.nanosecondsPerInference == 150)
        #expect(summary.cyclesPerInference == 30 && summary.latencyCycles == 40 && summary.latencyNanoseconds == 200)
    }

    @Test(arguments: [
        ("\"format\": \"stem-systemc-summary\"", "\"format\": \"other\"", "format: expected \"stem-systemc-summary\""),
        ("\"version\": 2", "\"version\": 1", "version: version 1 is not 2"),
        ("\"tile\": 1, \"overflows\": 0", "\"tile\": 1, \"overflows\": 1", "overflowsPerTile: the tiles' overflows sum to 5, but overflows is 4"),
        ("\"run\": 60", "\"run\": 61", "stepCycles: 3 steps summing to 60, but steps is 3 and cycles.run 61"),
        ("\"toHost\": 5", "\"toHost\": \"5\"", "flits.toHost: expected an integer"),
        ("\"spikes\": 9,", "", "spikes: missing"),
        ("[10,20,30]", "[10,true,30]", "stepCycles[1]: expected an integer"),
    ])
    func aBrokenSummaryIsNamedWithItsPath(original: String, replacement: String, message: String) throws {
        let path = try Self.write(Self.text.replacingOccurrences(of: original, with: replacement))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: FormatError.self) { try SystemCSummary(contentsOf: path, samples: 2, layers: 1) }
        #expect(error?.description == "\(path): \(message)")
    }
}
