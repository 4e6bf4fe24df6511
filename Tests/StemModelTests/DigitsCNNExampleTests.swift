import Foundation
import Testing
import StemModel

/// The bundled digits CNN (`examples/digits-cnn`, written by `scripts/train_digits_cnn.py`):
/// its graph is the documented one, and on a slice of its test set the golden model equals the
/// quantized ANN in every output value, without overflow, with a plausible accuracy.
@Suite struct DigitsCNNExampleTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    /// The CI-sized slice: the first samples of the 360.
    static let slice = 40

    static func load() throws -> (network: Network, inputs: InputSet) {
        let cnn = folder.appendingPathComponent("digits-cnn")
        let network = try Network.load(from: cnn.appendingPathComponent("network.json").path)
        let inputs = try InputSet.load(from: cnn.appendingPathComponent("test.json").path, for: network)
        return (network, inputs)
    }

    private static func argmax(_ values: [Int64]) -> Int {
        values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
    }

    @Test func theGraphHasTheDocumentedShapes() throws {
        let (network, inputs) = try Self.load()
        #expect(network.timeSteps == 8 && network.weightBits == 8 && network.accumulatorBits == 32)
        #expect(network.overflow == .wrap)
        #expect(network.inputShape == Shape(channels: 1, height: 8, width: 8) && !network.inputSigned)
        #expect(network.layers.map(\.name) == ["c1", "c2", "r1", "r2", "p1", "fc"])
        #expect(network.layers.map(\.shape) == [
            Shape(channels: 8, height: 8, width: 8), Shape(channels: 16, height: 4, width: 4),
            Shape(channels: 16, height: 4, width: 4), Shape(channels: 16, height: 4, width: 4),
            Shape(channels: 16, height: 2, width: 2), Shape(flat: 10),
        ])
        // c1 conv3x3 pad 1, c2 conv3x3 stride 2 pad 1, r1 and r2 conv3x3 pad 1; r2 also takes
        // c2 through an identity shortcut (stage 2 -> 4: delayed one window).
        let convs: [(layer: Int, from: Int, stride: Int)] = [(0, 0, 1), (1, 1, 2), (2, 2, 1), (3, 3, 1)]
        for (layer, from, stride) in convs {
            let conv = network.layers[layer].inputs[0]
            #expect(conv.kind == .conv && conv.source == from, "layer \(layer)")
            #expect(conv.kernel == [3, 3] && conv.stride == [stride, stride] && conv.padding == [1, 1])
            #expect(conv.outputShape(from: network.shape(ofLayer: from)) == network.layers[layer].shape)
        }
        #expect(network.layers.map(\.inputs.count) == [1, 1, 1, 2, 1, 1])
        let shortcut = network.layers[3].inputs[1]
        #expect(shortcut.kind == .identity && shortcut.source == 2)
        #expect(shortcut.weights.joined().count == 16 && shortcut.weights.joined().allSatisfy { (1...127).contains($0) })
        let pool = network.layers[4]
        #expect(pool.inputs == [.pool(kernel: [2, 2], stride: [2, 2], from: 4)])
        #expect(pool.multiplier(channel: 0) == 1 && pool.postShift(channel: 0) == 2, "average pooling: sum / 4")
        let dense = network.layers[5].inputs[0]
        #expect(dense.kind == .dense && dense.source == 5)
        #expect(dense.weights.count == 10 && dense.weights.allSatisfy { $0.count == 64 })
        #expect(network.stages == [0, 1, 2, 3, 4, 5, 6])
        // Per-channel requantization on every conv and dense layer, bias in output scale.
        for (index, layer) in network.layers.enumerated() where index != 4 {
            #expect(layer.channelMultipliers?.count == layer.shape.channels, "\(layer.name)")
            #expect(layer.channelPostShifts?.count == layer.shape.channels, "\(layer.name)")
        }
        #expect(network.layers.allSatisfy { $0.biasMode == .output && $0.shift == 0 && $0.rot == 0 && $0.drlo == 0 })
        // The test set: 360 samples of 64 unsigned inputs 15 * pixel (0...240), the same split
        // and the same samples as the digits MLP's.
        #expect(inputs.samples.count == 360 && inputs.samples.allSatisfy { $0.count == 64 })
        #expect(inputs.samples.joined().allSatisfy { (0...240).contains($0) && $0 % 15 == 0 })
        let mlp = Self.folder.appendingPathComponent("digits")
        let mlpInputs = try InputSet.load(from: mlp.appendingPathComponent("test.json").path,
                                          for: try Network.load(from: mlp.appendingPathComponent("network.json").path))
        #expect(inputs.samples == mlpInputs.samples && inputs.labels == mlpInputs.labels)
        #expect(try #require(inputs.labels).count == 360)
    }

    @Test func theGoldenModelEqualsTheQuantizedANNOnASliceOfTheTestSet() throws {
        let (network, inputs) = try Self.load()
        let samples = Array(inputs.samples.prefix(Self.slice))
        let labels = Array(try #require(inputs.labels).prefix(Self.slice))
        let golden = try GoldenModel(network: network)
        let outputs = try golden.run(samples: samples)
        let qann = QuantizedANN(network: network).outputs(for: samples)
        #expect(outputs.count == Self.slice)
        let differing = (0..<Self.slice).filter { outputs[$0] != qann[$0] }
        let first = differing.first.map { "sample \($0): golden \(outputs[$0]), QANN \(qann[$0])" } ?? ""
        #expect(differing.isEmpty, "golden != QANN in \(differing.count) of \(Self.slice) samples; first: \(first)")
        #expect(golden.overflows == 0)
        #expect(golden.stepsTaken == (Self.slice + 6) * 8)
        let correct = zip(outputs.map(Self.argmax), labels).filter { $0 == $1 }.count
        #expect(correct >= Self.slice * 9 / 10, "\(correct) of \(Self.slice) correct")
        #expect(outputs.allSatisfy { $0.contains { $0 > 0 } }, "every sample has a nonzero output")

        // The equality is not vacuous: the slice exercises the delayed shortcut (without it
        // most outputs change), so a golden model that delivered it in the wrong window would
        // not match the QANN.
        var cut = network
        cut.layers[3].inputs.removeLast()
        let withoutShortcut = QuantizedANN(network: cut).outputs(for: samples)
        #expect(zip(withoutShortcut, qann).filter { $0 != $1 }.count >= Self.slice / 2)
    }
}
