import ArgumentParser
import CStemBench
import StemModel
import StemSupport

/// `stemsim bench`: synaptic operations per second of the golden model, beside a plain C loop
/// doing the same adds on the same spike events.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the golden model's synaptic operations per second against a plain C loop.",
        discussion: """
            Builds a random network (default 64-256-256-10, 8-bit weights, seeded), runs the golden \
            model on random samples, then replays the same spike events as plain C row adds. \
            Times the two sides alternately, pair by pair (golden, C, golden, C, ...), and reports \
            the median of the --repeat pairs' ratios with their spread, so a drift of the machine's \
            speed cancels within each pair. Build with -c release for meaningful figures.
            """)

    @Option(help: ArgumentHelp("Layer widths, input first.", valueName: "widths"))
    var shape = "64-256-256-10"

    @Option(help: OptionBounds.benchSamples.help("Samples per run"), transform: OptionBounds.benchSamples.parse)
    var samples = OptionBounds.benchSamples.defaultValue

    @Option(help: OptionBounds.benchTimeSteps.help("Time steps (bits per activation)"), transform: OptionBounds.benchTimeSteps.parse)
    var timeSteps = OptionBounds.benchTimeSteps.defaultValue

    @Option(help: OptionBounds.benchRepeat.help("Timed pairs (one run of each side); the median pair ratio is reported"),
            transform: OptionBounds.benchRepeat.parse)
    var `repeat` = OptionBounds.benchRepeat.defaultValue

    @Option(help: "Seed of the random network and samples.")
    var seed: UInt64 = 1

    func validate() throws {
        guard let widths = Self.parseShape(shape), widths.count >= 2 else {
            throw ValidationError("--shape must be at least two widths like 64-256-256-10, got \(shape)")
        }
        try OptionBounds.benchLayers.check(widths.count, text: "\(shape) (\(widths.count) widths)")
        if widths.contains(where: { !Network.Limits.width.contains($0) }) {
            throw ValidationError("--shape widths must be in \(Network.Limits.width)")
        }
        // Widths are at most 65536 and there are at most 32, so these cannot overflow.
        let weights = zip(widths, widths.dropFirst()).reduce(0) { $0 + $1.0 * $1.1 }
        try OptionBounds.benchWeights.check(weights, text: "\(shape) (\(weights) weights)")
        try OptionBounds.benchInputValues.check(samples * widths[0], text: "\(samples) x \(widths[0]) inputs")
    }

    static func parseShape(_ text: String) -> [Int]? {
        let parts = text.split(separator: "-", maxSplits: 64, omittingEmptySubsequences: false).map { Int($0) }
        return parts.contains(where: { $0 == nil }) ? nil : parts.map { $0! }
    }

    func run() throws {
        #if DEBUG
        printToStandardError("stemsim bench: this is a debug build; build with -c release for meaningful figures\n")
        #endif
        let widths = Self.parseShape(shape)!
        var options = RandomNetworkOptions(layerSizes: widths)
        options.timeSteps = timeSteps
        options.weightBits = 8
        options.accumulatorBits = 32
        let network = Network.random(options, seed: seed)
        let inputs = InputSet.random(for: network, count: samples, seed: seed &+ 1)
        let model = try GoldenModel(network: network)
        let depth = network.depth

        // One untimed run records the events: per step, which rows of which layer are added.
        var eventLayers: [Int32] = []
        var eventRows: [Int32] = []
        var stepEnds: [Int64] = []
        var adds = 0
        var spikeCount = 0
        var goldenChecksum: Int64 = 0
        let reference = try model.run(samples: inputs.samples) { _, spikes in
            for l in 1...depth { goldenChecksum &+= model.neuronState(layer: l, neuron: 0).current }
            for l in 0..<depth {
                for i in spikes[l] {
                    eventLayers.append(Int32(l))
                    eventRows.append(i)
                    adds += network.layers[l].width
                }
            }
            spikeCount += spikes.reduce(0) { $0 + $1.count }
            stepEnds.append(Int64(eventRows.count))
        }
        let sops = model.sops
        let steps = model.stepCount

        // The same adds in C: transposed int16 weights, int32 currents.
        let layerCount = network.depth
        let weightRows = UnsafeMutablePointer<UnsafePointer<Int16>?>.allocate(capacity: layerCount)
        let currentRows = UnsafeMutablePointer<UnsafeMutablePointer<Int32>?>.allocate(capacity: layerCount)
        var buffers: [(UnsafeMutableBufferPointer<Int16>, UnsafeMutableBufferPointer<Int32>)] = []
        for (l, layer) in network.layers.enumerated() {
            let weights = UnsafeMutableBufferPointer<Int16>.allocate(capacity: layer.width * layer.inputCount)
            for (j, row) in layer.weights.enumerated() {
                for (i, w) in row.enumerated() { weights[i * layer.width + j] = Int16(w) }
            }
            let currents = UnsafeMutableBufferPointer<Int32>.allocate(capacity: layer.width)
            currents.initialize(repeating: 0)
            weightRows[l] = UnsafePointer(weights.baseAddress)
            currentRows[l] = currents.baseAddress
            buffers.append((weights, currents))
        }
        defer {
            for (weights, currents) in buffers {
                weights.deallocate()
                currents.deallocate()
            }
            weightRows.deallocate()
            currentRows.deallocate()
        }
        let layerWidths = network.layers.map { Int32($0.width) }
        // Pair by pair: one golden run, then one C run right after it.
        let clock = ContinuousClock()
        var goldenTimes: [Double] = []
        var cTimes: [Double] = []
        var checksum: Int64 = 0
        for _ in 0..<`repeat` {
            var started = clock.now
            let outputs = try model.run(samples: inputs.samples)
            goldenTimes.append((clock.now - started).seconds)
            guard outputs == reference, model.sops == sops else {
                throw CommandFailure(.environment, "the golden model is not deterministic")
            }
            started = clock.now
            checksum = stem_bench_replay(Int32(layerCount), weightRows, layerWidths, currentRows, eventLayers,
                                         eventRows, stepEnds, Int64(stepEnds.count))
            cTimes.append((clock.now - started).seconds)
        }

        guard checksum == goldenChecksum else {
            throw CommandFailure(.environment, "the C loop's currents (checksum \(checksum)) differ from the golden "
                + "model's (\(goldenChecksum))")
        }

        // golden / C in adds per second: the C run's time over the golden run's, per pair.
        let ratio = PairedRatio(pairs: zip(cTimes, goldenTimes).map { (a: $0, b: $1) })
        let goldenTime = PairedRatio.quantile(goldenTimes.sorted(), 0.5)
        let cTime = PairedRatio.quantile(cTimes.sorted(), 0.5)
        let goldenAdds = Double(adds) / goldenTime
        let cAdds = Double(adds) / cTime
        print("""
            network       \(shape) (seeded \(seed)), timeSteps \(timeSteps), 8-bit weights
            run           \(samples) samples, \(steps) steps, \(spikeCount) spikes (layers 0...\(depth))
            work          \(adds) adds (synapses reached by a spike), \(sops) SOPs (the nonzero ones)
            golden model  \(Run.fixed(goldenTime * 1e3, 2)) ms  \(Self.rate(Double(sops) / goldenTime)) SOP/s  \
            \(Self.rate(goldenAdds)) adds/s  (whole model: adds, integration, requantization)
            plain C loop  \(Run.fixed(cTime * 1e3, 2)) ms  \(Self.rate(cAdds)) adds/s  (the same adds only; same currents)
            times         median of \(`repeat`) runs each, timed alternately (golden, C, golden, C, ...)
            ratio         golden / C = \(ratio.text(places: 2))
            """)
    }

    static func rate(_ value: Double) -> String {
        if value >= 1e9 { return Run.fixed(value / 1e9, 2) + "e9" }
        if value >= 1e6 { return Run.fixed(value / 1e6, 1) + "e6" }
        return Run.fixed(value, 0)
    }
}
