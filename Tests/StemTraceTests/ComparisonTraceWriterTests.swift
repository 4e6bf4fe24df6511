import Foundation
import Testing
@testable import StemTrace

@Suite struct ComparisonTraceWriterTests {
    /// RTL observations equal to the golden states except at planted places.
    struct Planted {
        var step: Int
        var layer: Int   // index into network.layers
        var neuron: Int
        var field: WritableKeyPath<NeuronObservation, Int64?>?   // nil: flip the spike
    }

    static func observations(_ golden: [[[NeuronSample]]], planted: [Planted], unread: Set<Int> = []) -> [[[NeuronObservation]]] {
        var rtl = golden.enumerated().map { step, layers in
            layers.map { $0.map { state -> NeuronObservation in
                unread.contains(step) ? NeuronObservation(spike: state.spike) : NeuronObservation(state)
            } }
        }
        for plant in planted {
            if let field = plant.field {
                let value = rtl[plant.step][plant.layer][plant.neuron][keyPath: field] ?? 0
                rtl[plant.step][plant.layer][plant.neuron][keyPath: field] = value == 0 ? 1 : 0
            } else {
                rtl[plant.step][plant.layer][plant.neuron].spike.toggle()
            }
        }
        return rtl
    }

    @Test func mismatchBitsAreExactlyWhereTheInputsDiffer() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let golden = randomStates(for: network, steps: 30, seed: 11)
        let planted = [
            Planted(step: 7, layer: 1, neuron: 2, field: nil),
            Planted(step: 7, layer: 0, neuron: 4, field: \.potential),
            Planted(step: 12, layer: 0, neuron: 0, field: \.current),
            Planted(step: 20, layer: 1, neuron: 0, field: \.output),
            Planted(step: 21, layer: 1, neuron: 0, field: nil),
            Planted(step: 29, layer: 0, neuron: 1, field: \.potential),
        ]
        // Steps 3 and 4: only the spikes of the RTL were read (I, V, Y shown as x).
        let rtl = Self.observations(golden, planted: planted, unread: [3, 4])
        let trace = try ComparisonTraceWriter(path: folder.file("cmp.vcd"), network: network)
        var counts: [Int] = []
        for step in 0..<30 {
            counts.append(try trace.record(step: UInt64(step), golden: golden[step], rtl: rtl[step]))
        }
        let files = try trace.finish()
        #expect(folder.contents() == ["cmp.gtkw", "cmp.sucl", "cmp.vcd"])
        #expect(files.firstMismatchStep == 7)
        #expect(files.mismatchedNeurons == [NeuronID(layer: 1, neuron: 4), NeuronID(layer: 2, neuron: 2),
                                            NeuronID(layer: 1, neuron: 0), NeuronID(layer: 2, neuron: 0),
                                            NeuronID(layer: 1, neuron: 1)])

        let expected = Set(planted.map { [$0.step, $0.layer, $0.neuron] })
        let reader = try VCDReader(contentsOf: files.vcdPath)
        for step in 0..<30 {
            let time = UInt64(step)
            #expect(reader.value(of: "compare.step", at: time)?.unsignedValue == time)
            var any = false
            var count = 0
            for (k, layer) in network.layers.enumerated() {
                for j in 0..<layer.neuronCount {
                    let path = network.scopePath(NeuronID(layer: layer.number, neuron: j)).joined(separator: ".")
                    let mismatch = expected.contains([step, k, j])
                    any = any || mismatch
                    if mismatch { count += 1 }
                    #expect(reader.value(of: "compare.mismatch.\(path).mismatch", at: time)?.bit == mismatch,
                            "mismatch of \(path) at step \(step)")
                    let g = golden[step][k][j]
                    let r = rtl[step][k][j]
                    #expect(reader.value(of: "compare.golden.\(path).v", at: time)?.signedValue == g.potential)
                    #expect(reader.value(of: "compare.golden.\(path).spike", at: time)?.bit == g.spike)
                    #expect(reader.value(of: "compare.rtl.\(path).spike", at: time)?.bit == r.spike)
                    for (name, value) in [("v", r.potential), ("i", r.current)] {
                        let read = reader.value(of: "compare.rtl.\(path).\(name)", at: time)
                        if let value {
                            #expect(read?.signedValue == value)
                        } else {
                            #expect(read?.isKnown == false, "unread \(name) is x")
                        }
                    }
                    if let y = r.output {
                        #expect(reader.value(of: "compare.rtl.\(path).y", at: time)?.unsignedValue == UInt64(y))
                    }
                }
            }
            #expect(reader.value(of: "compare.any_mismatch", at: time)?.bit == any)
            #expect(counts[step] == count)
        }
        // The first transition of any_mismatch to 1 is the first divergence.
        #expect(reader.changes(of: "compare.any_mismatch")?.first { $0.value.bit == true }?.time == 7)
    }

    @Test func countsMismatchesOutsideTheWindowButWritesOnlyTheWindow() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let golden = randomStates(for: network, steps: 20, seed: 12)
        let rtl = Self.observations(golden, planted: [Planted(step: 2, layer: 0, neuron: 1, field: nil),
                                                     Planted(step: 15, layer: 1, neuron: 1, field: nil)])
        let trace = try ComparisonTraceWriter(path: folder.file("w.vcd"), network: network,
                                              options: TraceOptions(window: 10...17))
        var counts: [Int] = []
        for step in 0..<20 { counts.append(try trace.record(step: UInt64(step), golden: golden[step], rtl: rtl[step])) }
        #expect(counts[2] == 1 && counts[15] == 1 && counts.reduce(0, +) == 2)
        let files = try trace.finish()
        #expect(files.recordedSteps == 10...17)
        #expect(files.firstMismatchStep == 15)
        #expect(files.mismatchedNeurons == [NeuronID(layer: 2, neuron: 1)])
        let reader = try VCDReader(contentsOf: files.vcdPath)
        #expect(reader.firstTime == 10 && reader.lastTime == 18)
        #expect(reader.changes(of: "compare.any_mismatch")?.map(\.time) == [10, 15, 16])
    }

    @Test func agreeingRunsHaveNoMismatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let golden = randomStates(for: network, steps: 10, seed: 13)
        let trace = try ComparisonTraceWriter(path: folder.file("ok.vcd"), network: network)
        for step in 0..<10 {
            let rtl = golden[step].map { $0.map(NeuronObservation.init) }
            #expect(try trace.record(step: UInt64(step), golden: golden[step], rtl: rtl) == 0)
        }
        let files = try trace.finish()
        #expect(files.firstMismatchStep == nil)
        #expect(files.mismatchedNeurons.isEmpty)
        let reader = try VCDReader(contentsOf: files.vcdPath)
        #expect(reader.changes(of: "compare.any_mismatch")?.map(\.value) == [.bits("0")])
    }
}
