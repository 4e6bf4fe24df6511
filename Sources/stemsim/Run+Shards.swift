import ArgumentParser
import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport
import StemSweep

/// `stemsim run --shard i/n` (one task of a job array runs one shard of the samples into
/// `--shard-dir`) and `stemsim run --merge` (the run's outputs from all `n` results): the
/// split and the merge of `--jobs`, across processes and machines (docs/cluster.md,
/// "Sharded runs").
extension Run {
    /// The options that decide what a run computes, by name, as a shard result records them;
    /// `--merge` must be given the same.
    var shardedOptions: [String: String] {
        [
            "--engine": engine.rawValue,
            "--keep-going": String(keepGoing),
            "--check-state": String(checkState),
            "--assertions": String(assertions),
            "--rtl-layers": rtlLayers ?? "(none)",
            "--mesh": mesh.mesh.map { "\($0.x)x\($0.y)" } ?? "(chosen)",
            "--neurons": mesh.neurons.map(String.init) ?? "(chosen)",
            "--axons": mesh.axons.map(String.init) ?? "(chosen)",
            "--max-fanout": mesh.maxFanout.map(String.init) ?? "(chosen)",
            "--fifo-depth": String(mesh.fifoDepth),
            "--config-path": mesh.configPath.rawValue,
        ]
    }

    /// The path of shard `shard`'s result.
    func shardPath(_ shard: ShardSpec) -> String {
        shardDir! + "/" + RunShardFile.name(shard: shard.index, of: shard.count)
    }

    /// Runs shard `shard` of the samples and writes its result; exit 1 (after writing it) if
    /// the shard diverges.
    func runShard(_ shard: ShardSpec, network net: Network, inputSet: InputSet, layerChoice: RTLLayerChoice?) throws {
        guard shard.count <= inputSet.count else {
            throw CommandFailure(.badInput, "--shard \(shard.text): \(shard.count) shards need at least \(shard.count) samples; "
                + "the inputs have \(inputSet.count)" + (limit == nil ? "" : " (with --limit \(limit!))")
                + ", allowed are 1...\(inputSet.count) shards")
        }
        let path = shardPath(shard)
        do {
            try FileManager.default.createDirectory(atPath: shardDir!, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(.badInput, "--shard-dir \(shardDir!): cannot create the folder (\(describe(error)))")
        }
        let writer = try AtomicFileWriter(path: path)
        defer { writer.discard() }

        let engines = try EngineFactory.makeEngines(engine, network: net, mesh: mesh, assertions: assertions,
                                                    samples: inputSet.samples, cut: layerChoice)
        var sharded = ShardedLockstep(network: net, samples: inputSet.samples, jobs: shard.count)
        sharded.keepGoing = keepGoing
        sharded.checksState = checkState
        let progressLine = ProgressLine(quietStart: .milliseconds(500), plainInterval: .seconds(5), plainLineAtStart: false)
        sharded.progress = { progress in
            guard let shardProgress = progress.first else { return }
            let note = shardProgress.divergentSteps > 0 ? ", \(shardProgress.divergentSteps) divergent" : ""
            progressLine.update(step: shardProgress.step, total: shardProgress.totalSteps, note: note)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcome = try sharded.runShard(shard.index, engines: (engines.reference, engines.device)) {
            let rerun = try EngineFactory.makeEngines(engine, network: net, mesh: mesh, assertions: assertions,
                                                      cut: layerChoice, announce: false)
            return (rerun.reference, rerun.device)
        }
        let seconds = (clock.now - started).seconds
        progressLine.finish()

        let facts = try SummaryFacts(engines: [engines], seconds: seconds)
        let file = RunShardFile(shard: shard.index, shards: shard.count,
                                network: SHA256.hash(net.jsonText).hexString, inputs: SHA256.hash(inputSet.jsonText).hexString,
                                options: shardedOptions, referenceName: facts.referenceName, deviceName: facts.deviceName,
                                meshLine: facts.meshLine, rtlStatistics: facts.rtlStatistics, seconds: seconds, outcome: outcome)
        try writer.write(Array(try file.jsonData))
        try writer.commit()

        let samples = outcome.samples
        let steps = outcome.record.count
        var lines = [
            "shard      \(shard.index) of \(shard.count): samples \(samples.lowerBound)..<\(samples.upperBound) of \(inputSet.count)",
            "engine     " + (facts.deviceName.map { "\(facts.referenceName) and \($0) in lockstep" } ?? facts.referenceName),
        ]
        if facts.deviceName != nil {
            lines.append("lockstep   " + (outcome.divergentSteps.isEmpty ? "every spike agrees"
                : "\(Set(outcome.divergentSteps).count) divergent steps"))
        }
        let rate = seconds > 0 ? Double(steps) / seconds : 0
        lines.append("time       \(steps) steps in \(Self.fixed(seconds, 3)) s (\(Int(rate.rounded())) steps/s)")
        lines.append("result     \(path) (stemsim run --merge --shard-dir \(shardDir!) builds the run's outputs)")
        print(lines.joined(separator: "\n"))
        if let divergence = outcome.firstDivergence {
            throw CommandFailure(.mismatch, "\(divergence)\nthe shard's result is written; --merge reports the run's first divergence")
        }
    }

    /// The `n` shard results of `--shard-dir`, checked to be the shards of this run.
    /// - Throws: ``CommandFailure`` (exit 2) naming the folder or the file: no results, results
    ///   of different shard counts, missing shards (with the `sbatch --array` list to rerun
    ///   them), a file that is no shard result, or one of another network, inputs or options.
    func readShards(network net: Network, inputSet: InputSet) throws -> [RunShardFile] {
        let folder = shardDir!
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw CommandFailure(.badInput, "--merge: --shard-dir \(folder): cannot read the folder (\(describe(error)))")
        }
        let found = names.compactMap { name in RunShardFile.index(ofName: name) }
        guard !found.isEmpty else {
            throw CommandFailure(.badInput, "--merge: --shard-dir \(folder) holds no shard result "
                + "(shard-<i>-of-<n>.json, written by stemsim run --shard i/n --shard-dir \(folder))")
        }
        let counts = Set(found.map(\.count)).sorted()
        guard counts.count == 1, let count = counts.first else {
            throw CommandFailure(.badInput, "--merge: --shard-dir \(folder) holds the results of runs split into "
                + counts.map(String.init).joined(separator: ", ") + " shards; keep one run's results per folder")
        }
        let present = Set(found.map(\.shard))
        let missing = (0..<count).filter { !present.contains($0) }
        if !missing.isEmpty {
            throw CommandFailure(.badInput, "--merge: \(missing.count) of the \(count) shards \(missing.count == 1 ? "has" : "have") no result in \(folder): "
                + missing.prefix(20).map(String.init).joined(separator: ", ") + (missing.count > 20 ? " and more" : "")
                + ". Run those tasks again (--shard i/\(count), e.g. sbatch --array=\(SweepArray.arraySpec(missing)))")
        }
        let network = SHA256.hash(net.jsonText).hexString
        let inputs = SHA256.hash(inputSet.jsonText).hexString
        let options = shardedOptions
        var files: [RunShardFile] = []
        for index in 0..<count {
            let path = shardPath(ShardSpec(index: index, count: count))
            let file = try RunShardFile.read(path).get()
            var differences: [String] = []
            if file.shard != index || file.shards != count {
                differences.append("it is shard \(file.shard) of \(file.shards), not \(index) of \(count)")
            }
            if file.network != network { differences.append("another network than --network") }
            if file.inputs != inputs {
                differences.append("other inputs than --inputs" + (limit == nil ? "" : " with --limit \(limit!)"))
            }
            for key in Set(options.keys).union(file.options.keys).sorted() where options[key] != file.options[key] {
                differences.append("\(key) \(file.options[key] ?? "(not recorded)") (this merge: \(options[key] ?? "(none)"))")
            }
            if !differences.isEmpty {
                throw CommandFailure(.badInput, "--merge: \(path) is not a shard of this run: "
                    + differences.joined(separator: "; "))
            }
            files.append(file)
        }
        return files
    }
}
