import Foundation
import StemModel
import Testing
@testable import StemONNX

/// Brevitas' `Clip` between `QuantizeLinear` and `DequantizeLinear`: fewer-bit activations.
@Suite struct ClipTests {
    /// tiny-gap.onnx with a Clip to `0...high` after the named activations' QuantizeLinear (the
    /// logits made uint8 at zero point 0 first).
    func clipped(_ names: [String], high: UInt8 = 15) throws -> Result<ONNXImport, ONNXImportError> {
        try Fixtures.importing("tiny-gap.onnx") { model in
            Fixtures.replace(&model, "logits_zero", with: Fixtures.integerTensor([0], type: .uint8))
            for (k, name) in ["clip_low", "clip_high"].enumerated() {
                var bound = Fixtures.integerTensor([Int32(k == 0 ? 0 : high)], type: .uint8)
                bound.name = name
                model.graph.initializer.append(bound)
            }
            for name in names {
                let quant = model.graph.node.firstIndex { $0.name == "\(name)_quant" }!
                var clip = ONNXNodeProto()
                clip.name = "\(name)_clip"
                clip.opType = "Clip"
                clip.input = [model.graph.node[quant].output[0], "clip_low", "clip_high"]
                clip.output = ["\(name)_clip_out"]
                let dequant = model.graph.node.firstIndex { $0.name == "\(name)_dequant" }!
                model.graph.node[dequant].input[0] = "\(name)_clip_out"
                model.graph.node.insert(clip, at: quant + 1)
            }
        }
    }

    @Test func fourBitActivationsEverywhereGiveBFour() throws {
        let imported = try clipped(["input", "conv", "gap", "logits"]).get()
        #expect(imported.network.timeSteps == 4)
        #expect(imported.input.range == 0...15)
        #expect(imported.input.value(of: 1.0) == 15)
        #expect(imported.input.value(of: 3 * imported.input.scale) == 3)
    }

    @Test func theCommittedFourBitModel() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("tiny-gap-4bit.onnx"))
        #expect(imported.network.timeSteps == 4 && imported.input.range == 0...15 && imported.outputQmin == 0)
        #expect(imported.network.layers.map(\.shape) == [Shape(channels: 4, height: 3, width: 3), Shape(flat: 4), Shape(flat: 3)])
    }

    @Test func oneLayerNarrowerIsAnError() throws {
        guard case .failure(let error) = try clipped(["conv"]) else {
            Issue.record("imported a model with 4-bit and 8-bit activations")
            return
        }
        #expect(error.reason.contains("layer \"conv\" has 4-bit activations, other layers 8 bits"))
    }

    @Test func aRangeThatIsNotAPowerOfTwo() throws {
        guard case .failure(let error) = try clipped(["input", "conv", "gap", "logits"], high: 9) else {
            Issue.record("imported a Clip to 0...9")
            return
        }
        #expect(error.node == "input_clip" && error.opType == "Clip" && error.reason.contains("clips to 0...9"))
    }
}
