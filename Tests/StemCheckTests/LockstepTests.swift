import Testing
import StemModel
@testable import StemCheck

/// A whole run's record from one engine alone: `record[tau][l]` = spikes of layer `l` (0...L).
private func soloRecord(_ network: Network, _ samples: [[Int64]]) throws -> [[[Int32]]] {
    var record: [[[Int32]]] = []
    try GoldenModel(network: network).run(samples: samples) { _, spikes in record.append(spikes) }
    return record
}

/// Neurons in exactly one of two ascending lists.
private func difference(_ a: [Int32], _ b: [Int32]) -> Set<Int32> {
    Set(a).symmetricDifference(Set(b))
}

/// A network whose accumulators overflow at 9 bits but not at 16.
private func overflowProneNetwork(accumulatorBits: Int, overflow: OverflowMode = .wrap) -> Network {
    var options = RandomNetworkOptions(layerSizes: [12, 10, 8, 5])
    options.accumulatorBits = accumulatorBits
    options.overflow = overflow
    options.biasMode = nil
    return Network.random(options, seed: 42)
}

/// Wraps the golden model and changes one spike: a planted bug of a different kind.
private final class FlippingEngine: SpikingEngine {
    let inner: GoldenModel
    let flipStep: Int
    let flipLayer: Int
    let flipNeuron: Int32
    private var tau = 0
    var name: String { "flipper" }

    init(network: Network, flipStep: Int, flipLayer: Int, flipNeuron: Int32) throws {
        inner = try GoldenModel(network: network)
        self.flipStep = flipStep
        self.flipLayer = flipLayer
        self.flipNeuron = flipNeuron
    }

    func start(sampleCount: Int) throws {
        tau = 0
        try inner.start(sampleCount: sampleCount)
    }

    func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        var spikes = try inner.step(inputSpikes: inputSpikes)
        if tau == flipStep {
            var layer = Set(spikes[flipLayer - 1])
            if layer.contains(flipNeuron) { layer.remove(flipNeuron) } else { layer.insert(flipNeuron) }
            spikes[flipLayer - 1] = layer.sorted()
        }
        tau += 1
        return spikes
    }

    func state(layer: Int, neuron: Int) throws -> NeuronState? { nil }
    func counters() throws -> EngineCounters { EngineCounters(overflows: inner.overflows) }
}

/// The golden model that stops on a "hardware assertion" at one step, as an RTL engine with
/// assertions compiled in does.
private final class AssertingEngine: SpikingEngine {
    let inner: GoldenModel
    let failStep: Int
    private var tau = 0
    var name: String { "asserting" }
    init(network: Network, failStep: Int) throws {
        inner = try GoldenModel(network: network)
        self.failStep = failStep
    }
    func start(sampleCount: Int) throws {
        tau = 0
        try inner.start(sampleCount: sampleCount)
    }
    func step(inputSpikes: [Int32]) throws -> [[Int32]] {
        defer { tau += 1 }
        if tau == failStep {
            throw HardwareAssertionFailure(engine: name, message: "[1235] %Error: stem_fifo.sv:80: Assertion failed in TOP.x: planted")
        }
        return try inner.step(inputSpikes: inputSpikes)
    }
    func state(layer: Int, neuron: Int) throws -> NeuronState? { nil }
    func counters() throws -> EngineCounters { EngineCounters(overflows: inner.overflows) }
}

/// Breaks the protocol: returns its spikes in descending order.
private final class DescendingEngine: SpikingEngine {
    let inner: GoldenModel
    var name: String { "descending" }
    init(network: Network) throws { inner = try GoldenModel(network: network) }
    func start(sampleCount: Int) throws { try inner.start(sampleCount: sampleCount) }
    func step(inputSpikes: [Int32]) throws -> [[Int32]] { try inner.step(inputSpikes: inputSpikes).map { $0.reversed() } }
    func state(layer: Int, neuron: Int) throws -> NeuronState? { nil }
    func counters() throws -> EngineCounters { EngineCounters(overflows: 0) }
}

@Suite struct LockstepTests {
    @Test func oneEngineGivesItsRecordOutputsAndSOPs() throws {
        var options = RandomNetworkOptions(layerSizes: [9, 7, 4])
        options.inputSigned = true
        let network = Network.random(options, seed: 8)
        let inputs = InputSet.random(for: network, count: 5, seed: 9)
        let golden = try GoldenModel(network: network)
        var sunk: [[[Int32]]] = []
        var steps: [Int] = []
        var progressSteps: [Int] = []
        var lockstep = Lockstep(network: network, samples: inputs.samples, reference: golden)
        lockstep.recordSink = { step, spikes in
            steps.append(step)
            sunk.append(spikes)
        }
        lockstep.progressInterval = 10
        lockstep.progress = { progressSteps.append($0.step) }
        let result = try lockstep.run()

        let expected = try soloRecord(network, inputs.samples)
        #expect(sunk == expected)
        #expect(steps == Array(0..<network.stepCount(samples: 5)))
        #expect(result.completed && result.agrees && result.stepsRun == 56)
        #expect(progressSteps == [10, 20, 30, 40, 50, 56])
        // Outputs and SOPs read off the record equal the model's own.
        #expect(result.outputs == golden.outputs)
        #expect(result.outputs == QuantizedANN(network: network).outputs(for: inputs.samples))
        #expect(result.sops == golden.sops)
        #expect(result.referenceCounters.overflows == golden.overflows)
        #expect(result.strayOutputSpikes == 0)
        #expect(result.predictions == golden.outputs.map(argmax))
    }

    @Test func identicalEnginesAgree() throws {
        let network = overflowProneNetwork(accumulatorBits: 9)
        let inputs = InputSet.random(for: network, count: 4, seed: 1)
        let result = try Lockstep(network: network, samples: inputs.samples,
                                  reference: try GoldenModel(network: network),
                                  device: try GoldenModel(network: network, name: "copy")).run()
        #expect(result.agrees && result.completed)
        #expect(result.referenceCounters.overflows > 0)
        #expect(result.deviceCounters?.overflows == result.referenceCounters.overflows)
        #expect(result.deviceOutputs == result.outputs)
    }

    /// The planted bug of issue 4 in golden form: the device assumes a narrower accumulator.
    /// The check must stop exactly at the first step where the two records differ, computed
    /// here from two independent solo runs.
    @Test(arguments: [(9, OverflowMode.wrap), (10, .wrap), (9, .saturate)])
    func aNarrowerAccumulatorDivergesAtTheFirstDifferingStep(bits: Int, mode: OverflowMode) throws {
        let wide = overflowProneNetwork(accumulatorBits: 16, overflow: mode)
        let narrow = overflowProneNetwork(accumulatorBits: bits, overflow: mode)
        #expect(wide.layers == narrow.layers)
        let samples = InputSet.random(for: wide, count: 6, seed: 77).samples

        let expected = try soloRecord(wide, samples)
        let actual = try soloRecord(narrow, samples)
        let firstStep = try #require(expected.indices.first { expected[$0] != actual[$0] },
                                     "the planted bug must change the record")
        let firstLayer = try #require((1...wide.depth).first { expected[firstStep][$0] != actual[firstStep][$0] })
        let differing = difference(expected[firstStep][firstLayer], actual[firstStep][firstLayer])

        var sunk: [[[Int32]]] = []
        var lockstep = Lockstep(network: wide, samples: samples, reference: try GoldenModel(network: wide),
                                device: try GoldenModel(network: narrow, name: "narrow"))
        lockstep.recordSink = { _, spikes in sunk.append(spikes) }
        lockstep.detailLimit = 1000
        let result = try lockstep.run()
        let divergence = try #require(result.firstDivergence)
        #expect(divergence.step == firstStep)
        #expect(divergence.window == firstStep / wide.timeSteps)
        #expect(divergence.stepInWindow == firstStep % wide.timeSteps)
        #expect(divergence.layer == firstLayer)
        #expect(Set(divergence.neurons.map { Int32($0.index) }) == differing)
        #expect(divergence.differingNeuronCount == differing.count)
        #expect(!result.completed && result.stepsRun == firstStep)
        #expect(sunk == Array(expected.prefix(firstStep)))  // only agreed steps

        // The states shown are each engine's state in that step: replay each alone to it.
        let referenceAlone = try GoldenModel(network: wide)
        let deviceAlone = try GoldenModel(network: narrow)
        let stimulus = InputStimulus(network: wide, samples: samples)
        try referenceAlone.start(sampleCount: samples.count)
        try deviceAlone.start(sampleCount: samples.count)
        for tau in 0...firstStep {
            _ = try referenceAlone.step(inputSpikes: stimulus.spikes(atStep: tau))
            _ = try deviceAlone.step(inputSpikes: stimulus.spikes(atStep: tau))
        }
        let bit = wide.timeSteps - 1 - divergence.stepInWindow
        for neuron in divergence.neurons {
            #expect(neuron.expectedSpike == expected[firstStep][firstLayer].contains(Int32(neuron.index)))
            #expect(neuron.actualSpike == !neuron.expectedSpike)
            #expect(neuron.expected == referenceAlone.neuronState(layer: firstLayer, neuron: neuron.index))
            #expect(neuron.actual == deviceAlone.neuronState(layer: firstLayer, neuron: neuron.index))
            #expect(((neuron.expected!.value >> bit) & 1 == 1) == neuron.expectedSpike)
            #expect(((neuron.actual!.value >> bit) & 1 == 1) == neuron.actualSpike)
        }
        #expect(divergence.description.contains("spikes differ at step \(firstStep) (window \(divergence.window), step \(divergence.stepInWindow) of \(wide.timeSteps)), layer \(firstLayer)"))
    }

    @Test func keepGoingCountsEveryDivergence() throws {
        let wide = overflowProneNetwork(accumulatorBits: 16)
        let narrow = overflowProneNetwork(accumulatorBits: 9)
        let samples = InputSet.random(for: wide, count: 6, seed: 77).samples
        let expected = try soloRecord(wide, samples)
        let actual = try soloRecord(narrow, samples)
        var divergentSteps = 0
        var differingSpikes = 0
        for tau in expected.indices where expected[tau] != actual[tau] {
            divergentSteps += 1
            for l in 1...wide.depth { differingSpikes += difference(expected[tau][l], actual[tau][l]).count }
        }
        #expect(divergentSteps > 1)

        var sunk: [[[Int32]]] = []
        let narrowModel = try GoldenModel(network: narrow, name: "narrow")
        var lockstep = Lockstep(network: wide, samples: samples, reference: try GoldenModel(network: wide),
                                device: narrowModel)
        lockstep.keepGoing = true
        lockstep.recordSink = { _, spikes in sunk.append(spikes) }
        let result = try lockstep.run()
        #expect(result.completed)
        #expect(result.divergentSteps == divergentSteps)
        #expect(result.differingSpikes == differingSpikes)
        #expect(sunk == expected)
        #expect(result.deviceOutputs == narrowModel.outputs)
        #expect(result.deviceCounters?.overflows == narrowModel.overflows)
        #expect(!result.overflowsAgree)
        #expect(!result.agrees)
    }

    @Test func aFlippedSpikeIsCaughtWhereItHappens() throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [6, 5, 4]), seed: 3)
        let samples = InputSet.random(for: network, count: 3, seed: 4).samples
        let flipStep = 3 * network.timeSteps + 5  // layer 2 sends sample 1 in window 3
        let device = try FlippingEngine(network: network, flipStep: flipStep, flipLayer: 2, flipNeuron: 1)
        let result = try Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                  device: device).run()
        let divergence = try #require(result.firstDivergence)
        #expect(divergence.step == flipStep && divergence.layer == 2 && divergence.sample == 1)
        #expect(divergence.neurons.map(\.index) == [1])
        #expect(divergence.neurons[0].actual == nil && divergence.neurons[0].expected != nil)
        #expect(divergence.description.contains("state not observable"))
    }

    /// A failed hardware assertion is the run's divergence at its step, and ends the run even
    /// with keepGoing: the device cannot go on.
    @Test(arguments: [false, true])
    func aFailedHardwareAssertionEndsTheRunAsItsDivergence(keepGoing: Bool) throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [6, 5, 4]), seed: 3)
        let samples = InputSet.random(for: network, count: 3, seed: 4).samples
        let failStep = 2 * network.timeSteps + 3
        var lockstep = Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                device: try AssertingEngine(network: network, failStep: failStep))
        lockstep.keepGoing = keepGoing
        var recorded = 0
        lockstep.recordSink = { _, _ in recorded += 1 }
        let result = try lockstep.run()
        let divergence = try #require(result.firstDivergence)
        #expect(divergence.kind == .assertion && divergence.step == failStep)
        #expect(divergence.assertion.hasSuffix("Assertion failed in TOP.x: planted"))
        #expect(divergence.description.hasPrefix("asserting stopped on a failed RTL assertion at step \(failStep) "
            + "(window 2, step 3 of \(network.timeSteps)): [1235] %Error"), "\(divergence)")
        #expect(result.stepsRun == failStep && !result.completed && !result.agrees)
        #expect(recorded == failStep, "the steps before the assertion are recorded, none after")
    }

    @Test func anEngineBreakingTheProtocolIsAnError() throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [6, 8]), seed: 5)
        let samples = InputSet.random(for: network, count: 2, seed: 6).samples
        #expect(throws: EngineError.self) {
            try Lockstep(network: network, samples: samples, reference: try DescendingEngine(network: network)).run()
        }
    }

    @Test func symmetricDifferenceMergesSortedLists() {
        let result = Lockstep.symmetricDifference([1, 3, 5, 9], [2, 3, 9, 10])
        #expect(result.map(\.neuron) == [1, 2, 5, 10])
        #expect(result.map(\.expected) == [true, false, true, false])
        #expect(Lockstep.symmetricDifference([], []).isEmpty)
    }
}
