import Foundation
import StemCheck
import StemModel
import StemONNX
import StemRTL
import Testing

/// The CNN imported from ONNX (examples/onnx/digits-cnn.onnx: conv, stride-2 conv with a folded
/// BatchNormalization, a residual block, average pooling, dense; per-channel requantization,
/// accumulator-scale biases, an output offset for the uint8 logits) on the RTL mesh, every
/// spike of every step checked against the golden model, on a CI-sized slice of its samples
/// (docs/import.md gives the command for all 360).
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct ImportedCNNOnTheMeshTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/onnx")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func aSliceOfTheSamplesAgreesSpikeForSpikeOnTheRTL() throws {
        let imported = try ONNXImporter.importModel(at: Self.path("digits-cnn.onnx"))
        let network = imported.network
        #expect(network.layers.contains { layer in layer.inputs.contains { $0.kind == .identity } },
                "the residual Add became identity connections")
        let inputs = try imported.input.inputSet(
            samples: try NPYArray.load(from: Self.path("digits-cnn-x.npy")), file: "digits-cnn-x.npy",
            labels: try NPYArray.load(from: Self.path("digits-cnn-y.npy")), labelsFile: "digits-cnn-y.npy",
            outputs: network.outputSize).prefix(12)
        _ = try #require(inputs.labels)
        let correct = try RTLTestSupport.expectLockstepOnTheChosenMesh(network, inputs).correct
        #expect(correct >= 9, "\(correct) of 12 correct")
    }
}
