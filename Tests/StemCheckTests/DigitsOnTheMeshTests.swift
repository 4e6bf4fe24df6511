import Foundation
import StemCheck
import StemModel
import StemRTL
import Testing

/// The bundled digits classifier on the RTL mesh, every spike of every neuron of every step
/// checked against the golden model: the SDANN paper's "difference 0" end to end.
@Suite(.serialized, .enabled(if: RTLTestSupport.verilatorAvailable, RTLTestSupport.verilatorMissingMessage))
struct DigitsOnTheMeshTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/digits")

    @Test func theWholeTestSetAgreesSpikeForSpikeWithEqualAccuracy() throws {
        let network = try Network.load(from: Self.folder.appendingPathComponent("network.json").path)
        let inputs = try InputSet.load(from: Self.folder.appendingPathComponent("test.json").path, for: network)
        let labels = try #require(inputs.labels)
        let rtl = try RTLEngine.make(network: network, builder: try RTLTestSupport.builder())
        let result = try Lockstep(network: network, samples: inputs.samples,
                                  reference: try GoldenModel(network: network), device: rtl).run()
        #expect(result.firstDivergence == nil, "\(String(describing: result.firstDivergence))")
        #expect(result.completed && result.agrees)
        #expect(result.deviceOutputs == result.outputs)

        let qann = QuantizedANN(network: network).outputs(for: inputs.samples)
        #expect(result.outputs == qann, "golden/RTL outputs equal the quantized ANN's for every sample")
        let correct = zip(result.predictions, labels).filter { $0 == $1 }.count
        let qannCorrect = zip(qann.map(argmax), labels).filter { $0 == $1 }.count
        #expect(correct == qannCorrect)
        #expect(correct == 351, "docs/digits.md: 351 of 360 (97.50%)")
        #expect(try rtl.networkStatistics().steps == (inputs.samples.count + network.depth) * network.timeSteps)
    }
}
