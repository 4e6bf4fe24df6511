import Foundation
import StemModel
import Testing
@testable import StemONNX

/// Imports of the committed example models: shapes, connections, weights, scales.
@Suite struct ONNXImporterTests {
    @Test func mlpLayersWeightsAndScales() throws {
        let model = try Fixtures.model("digits-mlp.onnx")
        let imported = try ONNXImporter(file: "digits-mlp.onnx").importModel(bytes: try Fixtures.bytes("digits-mlp.onnx"))
        let net = imported.network
        #expect(net.inputShape == Shape(flat: 64))
        #expect(net.inputSigned)
        #expect(net.timeSteps == 8 && net.weightBits == 8 && net.accumulatorBits == 32)
        #expect(net.layers.map(\.shape) == [Shape(flat: 32), Shape(flat: 10)])
        #expect(net.layers.map(\.name) == ["fc1", "fc2"])
        // Gemm with transB = 1: the int8 initializer [32, 64] is weights[o][i] as it is.
        let w1 = try Fixtures.initializer(model, "fc1_q")
        #expect(w1.dims == [32, 64])
        #expect(net.layers[0].inputs[0].weights.flatMap { $0 } == w1.integers)
        #expect(net.layers[0].inputs[0].source == 0)
        // The int32 bias at the accumulator's scale is taken as it is.
        #expect(net.layers[0].bias == (try Fixtures.initializer(model, "fc1_bq")).integers)
        #expect(net.layers[0].biasMode == .accumulator)
        // m / 2^n approximates s_x * s_w / s_h to within half a unit of 2^-n.
        let sx = (try Fixtures.initializer(model, "input_scale")).values[0]
        let sw = (try Fixtures.initializer(model, "fc1_wscale")).values[0]
        let sh = (try Fixtures.initializer(model, "fc1_scale")).values[0]
        let layer = net.layers[0]
        let exact = sx * sw / sh * pow(2, Double(layer.postShift))
        #expect(abs(Double(layer.multiplier) - exact) <= 0.5)
        #expect((32768...65535).contains(layer.multiplier))
        #expect(imported.input.signed && imported.input.zeroPoint == 0)
        #expect(imported.outputQmin == -128)
        #expect(imported.notes.contains { $0.contains("y = q + 128") })
    }

    /// The imported MLP's integer network against the model computed from its initializers in
    /// exact arithmetic (`round((sum w x + b) * s_in*s_w/s_out)`, saturated): equal except where
    /// the model's value lies within 1e-3 of a rounding boundary.
    @Test func mlpMatchesTheModelsArithmetic() throws {
        let model = try Fixtures.model("digits-mlp.onnx")
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("digits-mlp.onnx"))
        let x = try NPYArray.load(from: Fixtures.path("digits-mlp-x.npy"))
        let inputs = try imported.input.inputSet(samples: x, file: "x", labels: nil, labelsFile: "", outputs: 10)
        let qann = QuantizedANN(network: imported.network)
        func value(_ name: String) throws -> Double { try Fixtures.initializer(model, name).values[0] }
        let (sx, s1, sh, s2, so) = (try value("input_scale"), try value("fc1_wscale"), try value("fc1_scale"),
                                    try value("fc2_wscale"), try value("logits_scale"))
        let (w1, b1) = (try Fixtures.initializer(model, "fc1_q").integers, try Fixtures.initializer(model, "fc1_bq").integers)
        let (w2, b2) = (try Fixtures.initializer(model, "fc2_q").integers, try Fixtures.initializer(model, "fc2_bq").integers)
        var compared = 0
        var equal = 0
        for sample in inputs.samples.prefix(100) {
            var nearTie = false
            func layer(_ x: [Int64], _ w: [Int64], _ b: [Int64], _ ratio: Double, _ lo: Double, _ hi: Double) -> [Int64] {
                (0..<b.count).map { o in
                    let acc = (0..<x.count).reduce(Int64(0)) { $0 + w[o * x.count + $1] * x[$1] } + b[o]
                    let real = Double(acc) * ratio
                    if abs(real - real.rounded(.down) - 0.5) < 1e-3 { nearTie = true }
                    return Int64(min(max(real.rounded(), lo), hi))
                }
            }
            let hidden = layer(sample, w1, b1, sx * s1 / sh, 0, 255)
            let logits = layer(hidden, w2, b2, sh * s2 / so, -128, 127).map { $0 + 128 }
            if nearTie { continue }
            compared += 1
            if qann.outputs(for: sample) == logits { equal += 1 }
        }
        #expect(compared >= 80)
        #expect(equal == compared)
    }

    @Test func cnnGraph() throws {
        let model = try Fixtures.model("digits-cnn.onnx")
        let imported = try ONNXImporter(file: "digits-cnn.onnx").importModel(bytes: try Fixtures.bytes("digits-cnn.onnx"))
        let net = imported.network
        #expect(net.inputShape == Shape(channels: 1, height: 8, width: 8) && !net.inputSigned)
        #expect(net.layers.map(\.name) == ["conv1", "conv2", "conv3", "conv4", "residual", "pool", "fc"])
        #expect(net.layers.map(\.shape) == [Shape(channels: 8, height: 8, width: 8), Shape(channels: 16, height: 4, width: 4),
                                            Shape(channels: 16, height: 4, width: 4), Shape(channels: 16, height: 4, width: 4),
                                            Shape(channels: 16, height: 4, width: 4), Shape(channels: 16, height: 2, width: 2),
                                            Shape(flat: 10)])
        let c1 = net.layers[0].inputs[0]
        #expect(c1.kind == .conv && c1.kernel == [3, 3] && c1.stride == [1, 1] && c1.padding == [1, 1])
        let c2 = net.layers[1].inputs[0]
        #expect(c2.kind == .conv && c2.stride == [2, 2] && c2.padding == [1, 1] && c2.source == 1)
        // conv3's weights are the int8 initializer, [co][ci*KH*KW].
        #expect(net.layers[2].inputs[0].weights.flatMap { $0 } == (try Fixtures.initializer(model, "conv3_q")).integers)
        // Per-channel scales give per-channel multipliers.
        #expect(net.layers[0].channelMultipliers?.count == 8)
        #expect(net.layers[1].channelMultipliers?.count == 16)
        // conv1's weights were fake-quantized from float (QuantizeLinear of a float initializer).
        let w1 = try Fixtures.initializer(model, "conv1_float").values
        let s1 = try Fixtures.initializer(model, "conv1_wscale").values
        let flat1 = net.layers[0].inputs[0].weights.flatMap { $0 }
        #expect(flat1.enumerated().allSatisfy { i, q in q == Int64((Float(w1[i]) / Float(s1[i / 9])).rounded(.toNearestOrEven)) })
        // The residual: two identity connections, from conv4 (layer 4) and conv2 (layer 2).
        let residual = net.layers[4]
        #expect(residual.inputs.map(\.kind) == [.identity, .identity])
        #expect(residual.inputs.map(\.source) == [4, 2])
        #expect(residual.inputs.allSatisfy { $0.weights[0].count == 16 && Set($0.weights[0]).count == 1 })
        let (wa, wb) = (Double(residual.inputs[0].weights[0][0]), Double(residual.inputs[1].weights[0][0]))
        let row = imported.layers[4]
        let ratio = row.inputScales[1] / row.inputScales[0]
        #expect(abs(wb / wa / ratio - 1) < 0.01)
        #expect(row.worstRelativeError < 0.01)
        #expect(net.stages == [0, 1, 2, 3, 4, 5, 6, 7])
        // Average pooling: sum pooling with m/2^n = s_in / (s_out * 4).
        let pool = net.layers[5]
        #expect(pool.inputs[0].kind == .pool && pool.inputs[0].kernel == [2, 2] && pool.inputs[0].stride == [2, 2])
        let poolRatio = imported.layers[5].inputScales[0] / (imported.layers[5].outputScale * 4)
        #expect(abs(Double(pool.multiplier) / pow(2, Double(pool.postShift)) / poolRatio - 1) < 1.0 / 32768)
        // MatMul [64, 10] + Add: transposed into weights[o][i] over the flattened pool.
        let fc = net.layers[6]
        let w5 = try Fixtures.initializer(model, "fc_q")
        #expect(w5.dims == [64, 10])
        #expect(fc.inputs[0].kind == .dense && fc.inputs[0].source == 6)
        #expect(fc.inputs[0].weights[3][17] == w5.integers[17 * 10 + 3])
        #expect(imported.outputQmin == 0)
    }

    /// The CNN PyTorch trained, quantized and exported itself (scripts/train_digits_cnn_torch.py):
    /// `torch.onnx.export`'s QDQ form, scales in `Constant` nodes, float weights quantized per
    /// axis, float biases, node names such as `/Conv_1`.
    @Test func pytorchExportedCNN() throws {
        let name = "digits-cnn-torch.onnx"
        let model = try Fixtures.model(name)
        let imported = try ONNXImporter(file: name).importModel(bytes: try Fixtures.bytes(name))
        let net = imported.network
        #expect(net.inputShape == Shape(channels: 1, height: 8, width: 8) && !net.inputSigned)
        #expect(net.layers.map(\.name) == ["/Conv", "/Conv_1", "/Conv_2", "/Conv_3", "/Add", "/AveragePool", "/Gemm"])
        #expect(imported.layers.map(\.kind) == ["conv", "conv", "conv", "conv", "add", "pool", "dense"])
        #expect(net.layers[1].inputs[0].stride == [2, 2] && net.layers[1].inputs[0].padding == [1, 1])
        #expect(net.layers[4].inputs.map(\.kind) == [.identity, .identity])
        #expect(net.layers[4].inputs.map(\.source) == [4, 2])
        #expect(net.layers.allSatisfy { $0.biasMode == .accumulator })
        // The first conv's weights: conv1.weight quantized per output channel with the scale of
        // the Constant that feeds its QuantizeLinear, half to even, in float32 as ONNX Runtime.
        func constant(feeding node: String, input: Int) throws -> ONNXTensorValue {
            let quantize = try #require(model.graph.node.first { $0.name == node })
            let producer = try #require(model.graph.node.first { $0.output.first == quantize.input[input] })
            return try ONNXTensorValue(try #require(producer.attribute.first).t)
        }
        let scales = try constant(feeding: "/QuantizeLinear_1", input: 1).values
        let floats = try Fixtures.initializer(model, "conv1.weight").values
        let weights = net.layers[0].inputs[0].weights.flatMap { $0 }
        #expect(scales.count == 8 && weights.count == floats.count)
        #expect(weights.enumerated().allSatisfy { i, q in
            q == Int64(max(-128, min(127, (Float(floats[i]) / Float(scales[i / 9])).rounded(.toNearestOrEven))))
        })
        // The float bias at the accumulator's scale s_in * s_w[c].
        let inputScale = try constant(feeding: "/QuantizeLinear", input: 1).values[0]
        let biases = try Fixtures.initializer(model, "conv1.bias").values
        for c in 0..<8 {
            #expect(abs(Double(net.layers[0].bias[c]) - biases[c] / (Double(Float(inputScale)) * scales[c])) <= 0.5 + 1e-3)
        }
        // The quantized network classifies the test samples as ONNX Runtime does (96.67%).
        let inputs = try imported.input.inputSet(samples: try NPYArray.load(from: Fixtures.path("digits-cnn-x.npy")), file: "x",
                                                 labels: try NPYArray.load(from: Fixtures.path("digits-cnn-y.npy")),
                                                 labelsFile: "y", outputs: 10)
        let outputs = QuantizedANN(network: net).outputs(for: inputs.samples)
        let correct = zip(outputs, try #require(inputs.labels)).filter { row, label in
            row.firstIndex(of: row.max()!) == label
        }.count
        #expect(correct == 348, "\(correct) of 360")
    }

    @Test func batchNormIsFoldedIntoTheConv() throws {
        let model = try Fixtures.model("digits-cnn.onnx")
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("digits-cnn.onnx"))
        func values(_ name: String) throws -> [Double] { try Fixtures.initializer(model, name).values }
        let (gamma, beta, mean, variance) = (try values("bn_gamma"), try values("bn_beta"), try values("bn_mean"), try values("bn_var"))
        let sw = try values("conv2_wscale")
        let row = imported.layers[1]
        let layer = imported.network.layers[1]
        let sIn = row.inputScales[0]
        for c in 0..<16 {
            let factor = gamma[c] / (variance[c] + 1e-5).squareRoot()
            let scale = sIn * sw[c] * abs(factor)
            let m = Double(layer.multiplier(channel: c)) / pow(2, Double(layer.postShift(channel: c)))
            #expect(abs(m / (scale / row.outputScale) - 1) < 1.0 / 32768)
            let bias = (-mean[c] * factor + beta[c]) / scale
            #expect(abs(Double(layer.bias[c]) - bias) <= 0.5 + 1e-6)
        }
    }

    @Test func globalPoolAndReshape() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("tiny-gap.onnx"))
        let net = imported.network
        #expect(net.layers.map(\.shape) == [Shape(channels: 4, height: 3, width: 3), Shape(flat: 4), Shape(flat: 3)])
        #expect(net.layers[0].inputs[0].stride == [2, 2] && net.layers[0].inputs[0].padding == [0, 0])
        #expect(net.layers[1].inputs[0].kind == .pool && net.layers[1].inputs[0].kernel == [3, 3])
        #expect(net.layers[2].inputs[0].kind == .dense && net.layers[2].inputs[0].weights[0].count == 4)
    }

    @Test func tableNamesEveryLayer() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("digits-cnn.onnx"))
        let lines = imported.tableText.split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines[0].hasPrefix("layer"))
        #expect(lines[5].hasPrefix("residual  add"))
    }

    @Test func importedNetworkRoundTripsThroughItsFile() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("digits-cnn.onnx"))
        let reread = try Network(parsing: Array(imported.network.jsonText.utf8), file: "n.json")
        #expect(reread == imported.network)
    }
}
