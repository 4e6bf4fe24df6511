import Foundation
import StemCheck
import StemModel
import StemRTL
import Testing

/// The digits CNN (examples/digits-cnn: conv, stride-2 conv, a residual block whose shortcut
/// goes through a relay core, average pooling, dense; per-channel requantization) on the RTL
/// mesh, every spike of every step checked against the golden model, on a CI-sized slice of
/// the test set (`scripts/run-example.sh --cnn` runs all 360 samples).
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct DigitsCNNOnTheMeshTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits-cnn")

    @Test func aSliceOfTheTestSetAgreesSpikeForSpikeWithTheQuantizedANN() throws {
        let network = try Network.load(from: Self.folder.appendingPathComponent("network.json").path)
        let inputs = try InputSet.load(from: Self.folder.appendingPathComponent("test.json").path, for: network).prefix(24)
        _ = try #require(inputs.labels)
        let (mapping, correct) = try RTLTestSupport.expectLockstepOnTheChosenMesh(network, inputs)
        #expect(mapping.relayCount == 1 && mapping.options.numNeurons == 256 && mapping.options.numAxons == 256)
        #expect(correct >= 22, "\(correct) of 24 correct")
    }
}
