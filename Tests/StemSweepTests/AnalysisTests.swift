import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// `stemsim analyze`'s numbers against independently computed ones: the values of every layer
/// from the quantized ANN (its own code path), and every synapse enumerated output neuron by
/// output neuron (the gather direction), on small random graphs and chains.
enum NaiveAnalysis {
    /// Calls `body(source, i, j, w)` for every synapse of layer `l` (`1...L`): source layer,
    /// source neuron, target neuron, weight (zero weights included).
    static func forEachSynapse(_ network: Network, layer l: Int, _ body: (Int, Int, Int, Int64) -> Void) {
        let out = network.shape(ofLayer: l)
        for connection in network.layers[l - 1].inputs {
            let source = connection.source ?? (l - 1)
            let input = network.shape(ofLayer: source)
            for co in 0..<out.channels {
                for oy in 0..<out.height {
                    for ox in 0..<out.width {
                        let j = out.index(co, oy, ox)
                        switch connection.kind {
                        case .dense:
                            for (i, w) in connection.weights[j].enumerated() { body(source, i, j, w) }
                        case .identity:
                            body(source, j, j, connection.weights[0][co])
                        case .conv, .pool:
                            let isConv = connection.kind == .conv
                            for ci in (isConv ? 0..<input.channels : co..<(co + 1)) {
                                for ky in 0..<connection.kernel[0] {
                                    for kx in 0..<connection.kernel[1] {
                                        let iy = oy * connection.stride[0] - (isConv ? connection.padding[0] : 0) + ky
                                        let ix = ox * connection.stride[1] - (isConv ? connection.padding[1] : 0) + kx
                                        guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                                        body(source, input.index(ci, iy, ix), j, isConv ? connection.convWeight(co, ci, ky, kx) : 1)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per layer `0...L`, per neuron: the nonzero synapses its spike reaches.
    static func fanOut(_ network: Network) -> [[Int]] {
        var counts = (0...network.depth).map { Array(repeating: 0, count: network.width(ofLayer: $0)) }
        for l in 1...network.depth {
            forEachSynapse(network, layer: l) { source, i, _, w in if w != 0 { counts[source][i] += 1 } }
        }
        return counts
    }

    /// Every layer's values `0...L` per sample, from the quantized ANN.
    static func values(_ network: Network, _ samples: [[Int64]]) -> [[[Int64]]] {
        let qann = QuantizedANN(network: network)
        return samples.map { [$0] + qann.layerValues(for: $0) }
    }

    /// The B-bit pattern a value is sent as (two's complement for a signed input).
    static func pattern(_ v: Int64, _ B: Int) -> Int64 { v & ((1 << B) - 1) }

    /// Per layer `0...L`: SOPs of its spikes over all samples.
    static func sops(_ network: Network, _ samples: [[Int64]]) -> [Int] {
        let fan = fanOut(network)
        var result = Array(repeating: 0, count: network.depth + 1)
        for sample in values(network, samples) {
            for l in 0..<network.depth {
                for (i, v) in sample[l].enumerated() { result[l] += pattern(v, network.timeSteps).nonzeroBitCount * fan[l][i] }
            }
        }
        return result
    }

    /// Layer `l`'s potential at the end of the window, `sum w x` (+ `b` with accumulator bias),
    /// per sample and neuron.
    static func potentials(_ network: Network, layer l: Int, _ samples: [[Int64]]) -> [Int64] {
        var result: [Int64] = []
        let layer = network.layers[l - 1]
        for sample in values(network, samples) {
            var sums = Array(repeating: Int64(0), count: layer.width)
            forEachSynapse(network, layer: l) { source, i, j, w in sums[j] += w * sample[source][i] }
            if layer.biasMode == .accumulator { for j in sums.indices { sums[j] += layer.neuronBias[j] } }
            result += sums
        }
        return result
    }

    /// The accuracy and SOPs of `network` with RoT/DRLO `setting` on its layers `1...L-1`.
    static func outcome(_ network: Network, _ settings: [LayerSparsity], labels: [Int], _ samples: [[Int64]])
    -> (correct: Int, total: Int, hidden: Int) {
        var n = network
        for (l, s) in zip(1..<network.depth, settings) {
            n.layers[l - 1].rot = s.rot
            n.layers[l - 1].drlo = s.drlo
        }
        let outputs = values(n, samples).map { $0.last! }
        var correct = 0
        for (o, label) in zip(outputs, labels) {
            var best = 0
            for i in o.indices where o[i] > o[best] { best = i }
            if best == label { correct += 1 }
        }
        let perLayer = sops(n, samples)
        return (correct, perLayer.reduce(0, +), perLayer.reduce(0, +) - perLayer[0])
    }

    /// Small random networks: graphs (conv, pool, identity, dense shortcuts, signed inputs,
    /// both bias modes) and a dense chain; no RoT/DRLO of their own, wide accumulators.
    static func networks() -> [Network] {
        var result: [Network] = []
        for seed in 0..<6 as Range<UInt64> {
            var options = GraphNetworkOptions()
            options.timeSteps = [3, 4, 5][Int(seed % 3)]
            options.rot = 0...0
            options.drlo = 0...0
            options.zeroWeightProbability = 0.3
            result.append(Network.randomGraph(options, seed: 900 + seed))
        }
        var chain = RandomNetworkOptions(layerSizes: [12, 9, 7, 4])
        chain.timeSteps = 4
        chain.inputSigned = true
        chain.biasMode = nil
        result.append(Network.random(chain, seed: 77))
        return result
    }
}

@Suite struct AnalysisTests {
    @Test func aProfileCountsSpikesBitsAndSOPsPerLayerAsTheValuesGive() throws {
        for (index, network) in NaiveAnalysis.networks().enumerated() {
            let samples = InputSet.random(for: network, count: 5, seed: UInt64(index)).samples
            let watched = NetworkAnalysis.firstDenseLayer(of: network)
            let profile = try SpikeProfile.run(network, samples: samples, potentialsOfLayer: watched)
            let values = NaiveAnalysis.values(network, samples)
            let B = network.timeSteps
            for l in 0...network.depth {
                for b in 0..<B {
                    let ones = values.reduce(0) { total, sample in
                        total + sample[l].filter { NaiveAnalysis.pattern($0, B) >> b & 1 == 1 }.count
                    }
                    #expect(profile.onesPerBit[l][b] == ones, "network \(index) layer \(l) bit \(b)")
                }
                let spikes = values.reduce(0) { $0 + $1[l].reduce(0) { $0 + NaiveAnalysis.pattern($1, B).nonzeroBitCount } }
                #expect(profile.spikes[l] == spikes, "network \(index) layer \(l)")
                #expect(profile.valueCounts[l] == network.width(ofLayer: l) * samples.count)
            }
            #expect(profile.sops == NaiveAnalysis.sops(network, samples), "network \(index)")
            #expect(profile.sops[network.depth] == 0)
            #expect(profile.outputs == values.map { $0.last! })
            #expect(profile.windowEndPotentials == NaiveAnalysis.potentials(network, layer: watched, samples), "network \(index)")
        }
    }

    @Test func theHistogramBinsEveryValueAndCountsThoseOutsideTheMarkedRange() {
        let values: [Int64] = [-40000, -32769, -32768, -1, 0, 5, 32767, 32768, 70000, 131071]
        let h = PotentialHistogram(values, bins: 64, markedBits: 16)
        #expect(h.lower == -131072 && h.binWidth == 4096 && h.total == values.count)
        for (i, count) in h.counts.enumerated() {
            let low = -131072 + Int64(i) * 4096
            #expect(count == values.filter { $0 >= low && $0 < low + 4096 }.count, "bin \(i)")
        }
        #expect(h.outsideMarkedRange == 5 && h.smallest == -40000 && h.largest == 131071)
        // Small values: the range is the marked width's.
        let small = PotentialHistogram([3, -3], bins: 8, markedBits: 4)
        #expect(small.lower == -8 && small.binWidth == 2 && small.counts == [0, 0, 1, 0, 0, 1, 0, 0] && small.outsideMarkedRange == 0)
    }

    @Test func theTablesAndTheSearchMatchNaiveRuns() throws {
        var tested = 0
        for (index, network) in NaiveAnalysis.networks().enumerated() where network.depth >= 3 {
            tested += 1
            let inputs = InputSet.random(for: network, count: 12, labeled: true, seed: 40 + UInt64(index))
            let labels = inputs.labels!
            let configuration = AnalysisConfiguration(network: network, networkFile: "n.json", inputs: inputs,
                                                      inputsFile: "i.json", maxLoss: 10, jobs: 2, markedBits: 8)
            let a = try NetworkAnalysis.run(configuration)
            let hidden = network.depth - 1
            let B = network.timeSteps
            let base = NaiveAnalysis.outcome(network, Array(repeating: .off, count: hidden), labels: labels, inputs.samples)
            #expect(a.baseline.correct == base.correct && a.baseline.totalSOPs == base.total && a.baseline.hiddenSOPs == base.hidden)
            #expect(a.rot.count == B - 1 && a.drlo.count == B - 1)
            for r in 1..<B {
                let expected = NaiveAnalysis.outcome(network, Array(repeating: LayerSparsity(rot: r), count: hidden),
                                                     labels: labels, inputs.samples)
                let o = a.rot[r - 1]
                #expect(o.correct == expected.correct && o.totalSOPs == expected.total && o.hiddenSOPs == expected.hidden,
                        "network \(index) rot \(r)")
            }
            for k in 1..<B {
                let expected = NaiveAnalysis.outcome(network, Array(repeating: LayerSparsity(drlo: k), count: hidden),
                                                     labels: labels, inputs.samples)
                let o = a.drlo[B - 1 - k]
                #expect(o.correct == expected.correct && o.totalSOPs == expected.total && o.hiddenSOPs == expected.hidden,
                        "network \(index) drlo \(k)")
            }
            // The search: every step within the loss bound and cheaper than the one before; from
            // the result no single stronger setting of one layer is both.
            var previous = base.hidden
            for step in a.hybrid {
                let o = NaiveAnalysis.outcome(network, step.outcome.settings, labels: labels, inputs.samples)
                #expect(o.correct == step.outcome.correct && o.hidden == step.outcome.hiddenSOPs)
                #expect(100 * Double(base.correct - o.correct) / 12 <= 10 + 1e-9 && o.hidden < previous)
                previous = o.hidden
            }
            let result = a.hybridResult.settings
            for l in 0..<hidden {
                let rotLine = ((result[l].rot + 1)..<B).map { LayerSparsity(rot: $0, drlo: result[l].drlo) }
                let drloLine = (1..<(result[l].drlo == 0 ? B : result[l].drlo)).reversed().map {
                    LayerSparsity(rot: result[l].rot, drlo: $0)
                }
                for line in [rotLine, drloLine] {
                    // Walked from the weakest up to the first that loses too much.
                    for move in line {
                        var settings = result
                        settings[l] = move
                        let o = NaiveAnalysis.outcome(network, settings, labels: labels, inputs.samples)
                        let feasible = 100 * Double(base.correct - o.correct) / 12 <= 10 + 1e-9
                        #expect(!(feasible && o.hidden < previous), "network \(index): \(settings) beats the search's \(result)")
                        if !feasible { break }
                    }
                }
            }

            // The CSV files carry the same numbers.
            let fig12 = csv(AnalysisTables.sops(a))
            let perLayer = NaiveAnalysis.sops(network, inputs.samples)
            for l in 0...network.depth {
                #expect(fig12[l + 1][4] == String(perLayer[l]))
                #expect(Double(fig12[l + 1][5])! == (Double(perLayer[l]) / 12 * 10_000).rounded() / 10_000)
            }
            #expect(fig12[network.depth + 2][4] == String(base.total) && fig12[network.depth + 3][4] == String(base.hidden))
            let energy = csv(AnalysisTables.energy(a))
            var macs = 0
            for l in 1...network.depth { NaiveAnalysis.forEachSynapse(network, layer: l) { _, _, _, _ in macs += 1 } }
            #expect(Double(energy[1][1]) == Double(macs) && Double(energy[2][1])! == (Double(base.total) / 12 * 100).rounded() / 100)
            let sparsity = csv(AnalysisTables.sparsity(a))
            #expect(sparsity.count == 1 + 1 + 2 * (B - 1) + 1 && sparsity[1][8] == "0.0000")
        }
        #expect(tested >= 3)
    }

    @Test func theFilesAreWrittenTogether() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        let network = NaiveAnalysis.networks().last!
        let inputs = InputSet.random(for: network, count: 4, labeled: true, seed: 3)
        let a = try NetworkAnalysis.run(AnalysisConfiguration(network: network, networkFile: "n.json", inputs: inputs,
                                                              inputsFile: "i.json"))
        try AnalysisFiles.write(a, to: folder + "/out")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/out").sorted() == AnalysisFiles.names.sorted())
        for name in AnalysisFiles.names where name.hasSuffix(".svg") {
            let text = try SweepTestSupport.read(folder + "/out/" + name)
            #expect(text.hasPrefix("<?xml") && text.hasSuffix("</svg>\n"), "\(name)")
        }
        #expect(throws: SweepError.self) { try AnalysisFiles.write(a, to: folder + "/out/summary.csv") }
    }

    func csv(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
