import Foundation
import Testing
import StemModel
@testable import StemCheck

/// Everything a run gives, for comparing a sharded run with a single one.
private struct Outcome: Equatable {
    var record: [[[Int32]]]
    var outputs: [[Int64]]
    var sops: Int
    var stepsRun: Int
    var referenceCounters: EngineCounters
    var deviceCounters: EngineCounters?
    var deviceOutputs: [[Int64]]?
    var divergence: String?
    var divergenceStep: Int?
    var divergentSteps: Int
    var differingSpikes: Int
}

/// A network whose accumulators overflow at 9 bits but not at 16.
private func overflowProne(accumulatorBits: Int) -> Network {
    var options = RandomNetworkOptions(layerSizes: [12, 10, 8, 5])
    options.accumulatorBits = accumulatorBits
    options.biasMode = nil
    return Network.random(options, seed: 42)
}

/// Runs `samples` on `network` in `jobs` shards (1: a plain ``Lockstep``), the device (if
/// `deviceNetwork`) a golden model of that network. `asTasks`: each shard run alone
/// (``ShardedLockstep/runShard(_:engines:rerunEngines:)``, last shard first), its outcome
/// through JSON as `stemsim run --shard` writes it, then merged.
private func run(_ network: Network, _ samples: [[Int64]], jobs: Int, deviceNetwork: Network? = nil,
                 keepGoing: Bool = false, asTasks: Bool = false) throws -> Outcome {
    var record: [[[Int32]]] = []
    let result: LockstepResult
    if jobs == 1 {
        var lockstep = Lockstep(network: network, samples: samples, reference: try GoldenModel(network: network),
                                device: try deviceNetwork.map { try GoldenModel(network: $0, name: "narrow") })
        lockstep.keepGoing = keepGoing
        lockstep.recordSink = { _, spikes in record.append(spikes) }
        result = try lockstep.run()
    } else {
        var sharded = ShardedLockstep(network: network, samples: samples, jobs: jobs)
        sharded.keepGoing = keepGoing
        sharded.recordSink = { _, spikes in record.append(spikes) }
        let makeEngines = { () throws -> ShardedLockstep.Engines in
            (try GoldenModel(network: network), try deviceNetwork.map { try GoldenModel(network: $0, name: "narrow") })
        }
        if asTasks {
            var outcomes: [Int: ShardOutcome] = [:]
            for index in sharded.shards.indices.reversed() {
                let outcome = try sharded.runShard(index, engines: try makeEngines(), rerunEngines: makeEngines)
                outcomes[index] = try JSONDecoder().decode(ShardOutcome.self, from: try JSONEncoder().encode(outcome))
                #expect(outcomes[index] == outcome)
            }
            result = try sharded.merge(sharded.shards.indices.map { outcomes[$0]! })
        } else {
            result = try sharded.run { _ in try makeEngines() }
        }
    }
    return Outcome(record: record, outputs: result.outputs, sops: result.sops, stepsRun: result.stepsRun,
                   referenceCounters: result.referenceCounters, deviceCounters: result.deviceCounters,
                   deviceOutputs: result.deviceOutputs, divergence: result.firstDivergence?.description,
                   divergenceStep: result.firstDivergence?.step, divergentSteps: result.divergentSteps,
                   differingSpikes: result.differingSpikes)
}

/// What a run stopped at its first divergence defines: the record before it, the divergence
/// (its text names the step, window, layer, sample and the neurons' states) and where it stopped.
/// The counters then depend on how far each engine ran, and the run writes no output.
private func expectSameStop(_ sharded: Outcome, _ single: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(sharded.record == single.record, sourceLocation: sourceLocation)
    #expect(sharded.divergence == single.divergence, sourceLocation: sourceLocation)
    #expect(sharded.divergenceStep == single.divergenceStep, sourceLocation: sourceLocation)
    #expect(sharded.stepsRun == single.stepsRun, sourceLocation: sourceLocation)
    #expect(sharded.divergentSteps == single.divergentSteps, sourceLocation: sourceLocation)
}

@Suite struct ShardedLockstepTests {
    static let graphExample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../examples/graph-small").standardized.path

    @Test func shardsAreContiguousNearlyEqualAndClampedToTheSamples() {
        #expect(ShardedLockstep.shards(sampleCount: 10, jobs: 3) == [0..<4, 4..<7, 7..<10])
        #expect(ShardedLockstep.shards(sampleCount: 10, jobs: 1) == [0..<10])
        #expect(ShardedLockstep.shards(sampleCount: 2, jobs: 5) == [0..<1, 1..<2])
        #expect(ShardedLockstep.shards(sampleCount: 0, jobs: 4) == [0..<0])
    }

    @Test(arguments: [2, 3, 5, 7])
    func aShardedChainRunIsTheSingleRun(jobs: Int) throws {
        let network = overflowProne(accumulatorBits: 9)
        let samples = InputSet.random(for: network, count: 7, seed: 5).samples
        let single = try run(network, samples, jobs: 1)
        #expect(single.referenceCounters.overflows > 0, "the overflows must be counted per sample")
        #expect(try run(network, samples, jobs: jobs) == single)
    }

    @Test(arguments: [2, 3, 8])
    func aShardedGraphRunIsTheSingleRun(jobs: Int) throws {
        let network = try Network.load(from: Self.graphExample + "/network.json")
        let samples = try InputSet.load(from: Self.graphExample + "/inputs.json", for: network).samples
        let single = try run(network, samples, jobs: 1)
        #expect(single.sops > 0)
        #expect(try run(network, samples, jobs: jobs) == single)
    }

    /// Parallel branches (stages 1, 1, 2 for layers 1...3): each layer's spikes come from the
    /// shard of the sample its stage, not its number, puts in the window.
    @Test(arguments: [2, 3, 6])
    func parallelBranchesShardByStage(jobs: Int) throws {
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32, inputShape: Shape(flat: 2), layers: [
            Layer(name: "a", shape: Shape(flat: 2), inputs: [.dense([[1, 2], [3, -1]], from: 0)]),
            Layer(name: "b", shape: Shape(flat: 2), inputs: [.identity([1, 1], from: 0)], bias: [1, 0]),
            Layer(name: "out", shape: Shape(flat: 3), inputs: [.dense([[1, 0], [0, 1], [1, 1]], from: 1),
                                                             .dense([[1, 1], [0, 2], [-1, 0]], from: 2)],
                  postShift: 1),
        ])
        #expect(network.stages == [0, 1, 1, 2])
        let samples: [[Int64]] = [[1, 2], [3, 0], [0, 5], [2, 2], [7, 1], [4, 6]]
        let single = try run(network, samples, jobs: 1)
        #expect(single.outputs.joined().contains { $0 != 0 })
        #expect(try run(network, samples, jobs: jobs) == single)
    }

    /// The earliest divergence over all shards is the single run's, with its global step and
    /// sample; with keep-going every count is the single run's.
    @Test(arguments: [2, 3, 6])
    func theFirstDivergenceAndTheKeepGoingCountsAreTheSingleRuns(jobs: Int) throws {
        let wide = overflowProne(accumulatorBits: 16)
        let narrow = overflowProne(accumulatorBits: 9)
        let samples = InputSet.random(for: wide, count: 6, seed: 77).samples
        let single = try run(wide, samples, jobs: 1, deviceNetwork: narrow)
        #expect(single.divergence != nil)
        expectSameStop(try run(wide, samples, jobs: jobs, deviceNetwork: narrow), single)

        let singleAll = try run(wide, samples, jobs: 1, deviceNetwork: narrow, keepGoing: true)
        #expect(singleAll.divergentSteps > 1)
        let shardedAll = try run(wide, samples, jobs: jobs, deviceNetwork: narrow, keepGoing: true)
        #expect(shardedAll.record == singleAll.record)
        #expect(shardedAll.outputs == singleAll.outputs)
        #expect(shardedAll.sops == singleAll.sops)
        #expect(shardedAll.referenceCounters == singleAll.referenceCounters)
        #expect(shardedAll.deviceCounters == singleAll.deviceCounters)
        #expect(shardedAll.deviceOutputs == singleAll.deviceOutputs)
        #expect(shardedAll.divergence == singleAll.divergence)
        #expect(shardedAll.divergentSteps == singleAll.divergentSteps)
        #expect(shardedAll.differingSpikes == singleAll.differingSpikes)
    }

    /// A divergence only in the last sample (the last shard) is reported at its global step.
    @Test func aDivergenceInALaterShardHasItsGlobalStep() throws {
        let wide = overflowProne(accumulatorBits: 16)
        // The device's weights from input 0 differ: samples whose input 0 is 0 agree.
        var narrow = wide
        for j in narrow.layers[0].weights.indices {
            narrow.layers[0].weights[j][0] = narrow.layers[0].weights[j][0] == 3 ? 5 : 3
        }
        var samples = InputSet.random(for: wide, count: 4, seed: 79).samples
        let largest = samples.flatMap { $0 }.max()!
        try #require(largest > 0)
        for k in 0..<3 { samples[k][0] = 0 }
        samples[3][0] = largest
        let single = try run(wide, samples, jobs: 1, deviceNetwork: narrow)
        let step = try #require(single.divergenceStep)
        #expect(step >= (samples.count - 1) * wide.timeSteps)
        expectSameStop(try run(wide, samples, jobs: 2, deviceNetwork: narrow), single)
        expectSameStop(try run(wide, samples, jobs: 4, deviceNetwork: narrow), single)
    }

    // The same, each shard run alone as a job-array task (`stemsim run --shard i/n`), its
    // outcome through JSON, then merged (`--merge`).

    @Test(arguments: [2, 3, 7])
    func shardsRunAsTasksMergeIntoTheSingleRun(jobs: Int) throws {
        let network = overflowProne(accumulatorBits: 9)
        let samples = InputSet.random(for: network, count: 7, seed: 5).samples
        #expect(try run(network, samples, jobs: jobs, asTasks: true) == (try run(network, samples, jobs: 1)))
        let graph = try Network.load(from: Self.graphExample + "/network.json")
        let graphSamples = try InputSet.load(from: Self.graphExample + "/inputs.json", for: graph).samples
        #expect(try run(graph, graphSamples, jobs: jobs, asTasks: true) == (try run(graph, graphSamples, jobs: 1)))
    }

    @Test(arguments: [2, 3, 6])
    func tasksGiveTheSingleRunsFirstDivergenceAndKeepGoingCounts(jobs: Int) throws {
        let wide = overflowProne(accumulatorBits: 16)
        let narrow = overflowProne(accumulatorBits: 9)
        let samples = InputSet.random(for: wide, count: 6, seed: 77).samples
        let single = try run(wide, samples, jobs: 1, deviceNetwork: narrow)
        #expect(single.divergence != nil)
        expectSameStop(try run(wide, samples, jobs: jobs, deviceNetwork: narrow, asTasks: true), single)
        let singleAll = try run(wide, samples, jobs: 1, deviceNetwork: narrow, keepGoing: true)
        #expect(try run(wide, samples, jobs: jobs, deviceNetwork: narrow, keepGoing: true, asTasks: true) == singleAll)
    }

    @Test func mergeRefusesOutcomesOfOtherShards() throws {
        let network = overflowProne(accumulatorBits: 16)
        let samples = InputSet.random(for: network, count: 5, seed: 3).samples
        let sharded = ShardedLockstep(network: network, samples: samples, jobs: 2)
        let make = { () throws -> ShardedLockstep.Engines in (try GoldenModel(network: network), nil) }
        let first = try sharded.runShard(0, engines: try make(), rerunEngines: make)
        let second = try sharded.runShard(1, engines: try make(), rerunEngines: make)
        #expect(throws: ShardMergeError.self) { try sharded.merge([first]) }
        #expect(throws: ShardMergeError.self) { try sharded.merge([second, first]) }
        var short = second
        short.record.removeLast(short.record.count / 2)
        #expect(throws: ShardMergeError.self) { try sharded.merge([first, short]) }
        #expect(try sharded.merge([first, second]).outputs.count == samples.count)
    }
}
