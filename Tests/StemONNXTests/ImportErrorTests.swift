import Foundation
import StemModel
import Testing
@testable import StemONNX

/// Every model the importer cannot express is an error naming the node, its operator and why.
@Suite struct ImportErrorTests {
    func node(_ model: inout ONNXModelProto, _ name: String) -> Int {
        model.graph.node.firstIndex { $0.name == name }!
    }

    @Test func unsupportedOperator() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            model.graph.node[node(&model, "relu1")].opType = "Sigmoid"
        })
        #expect(error.node == "relu1" && error.opType == "Sigmoid")
        #expect(error.reason.contains("unsupported operator Sigmoid"))
        #expect(error.description.hasPrefix("digits-cnn.onnx: node \"relu1\" (Sigmoid): unsupported operator"))
    }

    @Test func maxPoolIsUnsupported() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            model.graph.node[node(&model, "pool")].opType = "MaxPool"
        })
        #expect(error.opType == "MaxPool" && error.reason.contains("unsupported operator"))
    }

    @Test func activationZeroPointStemCannotExpress() throws {
        // c1 quantized at zero point 3 after a Relu: the layer's values would not start at 0.
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            Fixtures.replace(&model, "c1_zero", with: Fixtures.integerTensor([3], type: .uint8))
        })
        #expect(error.node == "conv1" && error.opType == "Conv")
        #expect(error.reason.contains("zero point 3"))
        // Dequantized at zero point 3: the consumer, conv2, cannot use it.
        let consumer = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            var zero = Fixtures.integerTensor([3], type: .uint8)
            zero.name = "c1_dq_zero"
            model.graph.initializer.append(zero)
            model.graph.node[node(&model, "c1_dequant")].input[2] = "c1_dq_zero"
        })
        #expect(consumer.node == "conv2" && consumer.opType == "Conv")
        #expect(consumer.reason.contains("zero point 3"))
    }

    @Test func inputZeroPointStemCannotExpress() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            Fixtures.replace(&model, "input_zero", with: Fixtures.integerTensor([5], type: .int8))
        })
        #expect(error.node == "input_quant" && error.opType == "QuantizeLinear")
        #expect(error.reason.contains("input zero point 5"))
    }

    @Test func weightZeroPoint() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            Fixtures.replace(&model, "fc1_wzero", with: Fixtures.integerTensor([2], type: .int8))
        })
        #expect(error.node == "fc1" && error.opType == "Gemm" && error.reason.contains("weight zero point 2"))
    }

    @Test func scaleRatioTooLarge() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            Fixtures.replace(&model, "c1_scale", with: Fixtures.floatTensor([1e-12]))
        })
        #expect(error.node == "conv1" && error.opType == "Conv")
        #expect(error.reason.contains("scale ratio") && error.reason.contains("larger than the multiplier"))
    }

    @Test func scaleRatioTooSmall() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            Fixtures.replace(&model, "fc1_scale", with: Fixtures.floatTensor([1e30]))
        })
        #expect(error.node == "fc1" && error.reason.contains("smaller than the smallest m/2^n"))
    }

    @Test func weightOutsideWeightBits() throws {
        let error = try #require(try Fixtures.error("tiny-gap.onnx") { model in
            let dims: [Int64] = [3, 4]
            Fixtures.replace(&model, "fc_q", with: Fixtures.integerTensor(Array(repeating: 200, count: 12), type: .int16, dims: dims))
            Fixtures.replace(&model, "fc_wzero", with: Fixtures.integerTensor([0], type: .int16))
        })
        #expect(error.node == "fc" && error.opType == "Gemm")
        #expect(error.reason.contains("weight 200 is outside weightBits 8 (-128...127)"))
    }

    @Test func groupedConvolution() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            var attribute = ONNXAttributeProto()
            attribute.name = "group"
            attribute.type = .int
            attribute.i = 2
            model.graph.node[node(&model, "conv3")].attribute.append(attribute)
        })
        #expect(error.node == "conv3" && error.reason.contains("group 2"))
    }

    @Test func asymmetricPadding() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            let index = node(&model, "conv1")
            let pads = model.graph.node[index].attribute.firstIndex { $0.name == "pads" }!
            model.graph.node[index].attribute[pads].ints = [1, 1, 0, 0]
        })
        #expect(error.node == "conv1" && error.reason.contains("not symmetric"))
    }

    @Test func residualScalesThatNoWeightsAlign() throws {
        // c2 at a scale 1000 times c4's: the shortcut's weight would be above 127.
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            let c4 = try Fixtures.initializer(model, "c4_scale").values[0]
            Fixtures.replace(&model, "c2_scale", with: Fixtures.floatTensor([Float(c4 * 1000)]))
        })
        #expect(error.node == "residual" && error.opType == "Add" && error.reason.contains("cannot be aligned"))
    }

    @Test func reshapeToAnotherShape() throws {
        var shape = ONNXTensorProto()
        shape.dataType = Int32(ONNXTensorProto.DataType.int64.rawValue)
        shape.dims = [2]
        shape.int64Data = [1, 5]
        let error = try #require(try Fixtures.error("tiny-gap.onnx") { model in
            Fixtures.replace(&model, "shape", with: shape)
        })
        #expect(error.node == "reshape" && error.opType == "Reshape" && error.reason.contains("reshapes to [1, 5]"))
    }

    @Test func floatFinalLayer() throws {
        // Without the final QuantizeLinear/DequantizeLinear the output is fc's float result.
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            let add = node(&model, "fc_bias_add")
            model.graph.output[0].name = model.graph.node[add].output[0]
        })
        #expect(error.node == "fc" && error.reason.contains("float final layer"))
    }

    @Test func floatModel() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            model.graph.node.removeAll { $0.opType == "QuantizeLinear" }
        })
        #expect(error.node == nil && error.reason.contains("a float (non-quantized) model"))
    }

    @Test func twoOutputs() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            model.graph.output.append(model.graph.output[0])
        })
        #expect(error.reason.contains("2 outputs"))
    }

    @Test func unknownOpset() throws {
        let error = try #require(try Fixtures.error("digits-mlp.onnx") { model in
            model.opsetImport[0].version = 7
        })
        #expect(error.reason.contains("opset 7"))
    }

    @Test func dynamicShape() throws {
        let error = try #require(try Fixtures.error("digits-cnn.onnx") { model in
            guard case .tensorType(var tensor)? = model.graph.input[0].type.value else { return }
            tensor.shape.dim[2].dimParam = "height"
            model.graph.input[0].type.value = .tensorType(tensor)
        })
        #expect(error.reason.contains("dynamic dimension 2"))
    }

    @Test func truncatedAndForeignFiles() throws {
        let bytes = try Fixtures.bytes("digits-cnn.onnx")
        for broken in [Array(bytes.prefix(bytes.count / 2)), Array("{\"format\":\"stem-network\"}".utf8), []] {
            #expect(throws: ONNXImportError.self) { try ONNXImporter(file: "x").importModel(bytes: broken) }
        }
        do {
            _ = try ONNXImporter(file: "half.onnx").importModel(bytes: Array(bytes.prefix(bytes.count / 2)))
        } catch {
            #expect(error.description.hasPrefix("half.onnx: not an ONNX model"))
        }
    }

    @Test func unknownFieldsAreSkipped() throws {
        // Field 99 (varint) appended to the model: protobuf skips it.
        let bytes = try Fixtures.bytes("tiny-gap.onnx") + [0x98, 0x06, 0x01]
        let imported = try ONNXImporter(file: "m").importModel(bytes: bytes)
        #expect(imported.network.layers.count == 3)
    }
}
