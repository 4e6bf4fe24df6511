import Testing
@testable import StemModel

/// A valid network file: inputSize 4, layers of 8 and 4 neurons.
private func baseNetwork() -> JSONObject {
    func layer(_ rows: Int, _ columns: Int) -> JSONValue {
        var object = JSONObject()
        object["weights"] = .array((0..<rows).map { j in .array((0..<columns).map { i in .integer(Int64((i + j) % 5 - 2)) }) })
        object["bias"] = .array((0..<rows).map { .integer(Int64($0)) })
        object["biasMode"] = .string("output")
        object["shift"] = .integer(0)
        return .object(object)
    }
    return JSONObject([
        ("format", .string("stem-network")), ("version", .integer(1)), ("timeSteps", .integer(8)),
        ("weightBits", .integer(8)), ("accumulatorBits", .integer(16)), ("overflow", .string("wrap")),
        ("inputSize", .integer(4)), ("inputSigned", .bool(false)), ("layers", .array([layer(8, 4), layer(4, 8)])),
    ])
}

private let file = "examples/x/network.json"

private func decodeError(_ root: JSONObject) -> String? {
    do {
        _ = try Network(parsing: Array(JSONSerializer.text(of: .object(root)).utf8), file: file)
        return nil
    } catch {
        return error.description
    }
}

/// `root` with `layers[index][key]` set (or removed).
private func withLayer(_ index: Int, _ key: String, _ value: JSONValue?, in root: JSONObject = baseNetwork()) -> JSONObject {
    var root = root
    guard case .array(var layers) = root["layers"]!, case .object(var layer) = layers[index] else { fatalError() }
    layer[key] = value
    layers[index] = .object(layer)
    root["layers"] = .array(layers)
    return root
}

/// `root` with `layers[index].weights[j][i]` set.
private func withWeight(_ index: Int, _ j: Int, _ i: Int, _ value: JSONValue) -> JSONObject {
    let root = baseNetwork()
    guard case .array(let layers) = root["layers"]!, case .object(let layer) = layers[index],
          case .array(var rows) = layer["weights"]!, case .array(var row) = rows[j] else { fatalError() }
    row[i] = value
    rows[j] = .array(row)
    return withLayer(index, "weights", .array(rows), in: root)
}

private func with(_ key: String, _ value: JSONValue?) -> JSONObject {
    var root = baseNetwork()
    root[key] = value
    return root
}

/// Broken network files and the errors they must give (after the file name).
private let badNetworkCases: [(JSONObject, String)] = [
    (withWeight(1, 3, 7, .integer(300)), "layers[1].weights[3][7]: 300 is out of range -128...127 (weightBits 8)"),
    (withWeight(1, 3, 7, .integer(-129)), "layers[1].weights[3][7]: -129 is out of range -128...127 (weightBits 8)"),
    (withWeight(0, 0, 1, .number("1.5")), "layers[0].weights[0][1]: 1.5 is not an integer; expected -128...127 (weightBits 8)"),
    (withWeight(0, 0, 1, .number("1e2")), "layers[0].weights[0][1]: 1e2 is not an integer; expected -128...127 (weightBits 8)"),
    (withWeight(0, 0, 1, .number("99999999999999999999")),
     "layers[0].weights[0][1]: 99999999999999999999 is out of range -128...127 (weightBits 8)"),
    (withWeight(0, 2, 3, .bool(true)), "layers[0].weights[2][3]: expected an integer in -128...127 (weightBits 8), got true"),
    (withWeight(0, 2, 3, .string("3")), "layers[0].weights[2][3]: expected an integer in -128...127 (weightBits 8), got \"3\""),
    (withWeight(0, 2, 3, .null), "layers[0].weights[2][3]: expected an integer in -128...127 (weightBits 8), got null"),
    (withLayer(1, "weights", .array(Array(repeating: .array(Array(repeating: .integer(1), count: 7)), count: 4))),
     "layers[1].weights[0]: has 7 weights, expected 8 (the neurons of layers[0])"),
    (withLayer(0, "weights", .array(Array(repeating: .array(Array(repeating: .integer(1), count: 5)), count: 8))),
     "layers[0].weights[0]: has 5 weights, expected 4 (inputSize)"),
    (withLayer(0, "weights", .array([])), "layers[0].weights: has 0 rows; a layer has 1...65536 neurons"),
    (withLayer(0, "weights", .integer(1)), "layers[0].weights: expected an array of rows (one per neuron), got 1"),
    (withLayer(0, "weights", nil), "layers[0]: missing required key \"weights\""),
    (withLayer(0, "bias", .array([.integer(1), .integer(2), .integer(3)])),
     "layers[0].bias: has 3 values, expected 8 (one per neuron)"),
    (withLayer(1, "bias", .array([.integer(0), .integer(0), .integer(2_147_483_648), .integer(0)])),
     "layers[1].bias[2]: 2147483648 is out of range -2147483648...2147483647 (biasBits 32)"),
    (with("biasBits", .integer(33)), "biasBits: 33 is out of range 2...32"),
    (with("biasBits", .integer(1)), "biasBits: 1 is out of range 2...32"),
    (with("biasBits", .string("16")), "biasBits: expected an integer in 2...32, got \"16\""),
    (with("biasBits", .integer(3)), "layers[0].bias[4]: 4 is out of range -4...3 (biasBits 3)"),
    (withLayer(0, "biasMode", .string("input")), "layers[0].biasMode: \"input\" is not allowed (expected \"output\" or \"accumulator\")"),
    (withLayer(0, "shift", .integer(32)), "layers[0].shift: 32 is out of range 0...31"),
    (withLayer(0, "shift", .integer(-1)), "layers[0].shift: -1 is out of range 0...31"),
    (withLayer(0, "multiplier", .integer(0)), "layers[0].multiplier: 0 is out of range 1...65535"),
    (withLayer(0, "multiplier", .integer(65536)), "layers[0].multiplier: 65536 is out of range 1...65535"),
    (withLayer(1, "postShift", .integer(63)), "layers[1].postShift: 63 is out of range 0...62"),
    (withLayer(1, "rot", .integer(8)), "layers[1].rot: 8 is out of range 0...7 (timeSteps 8)"),
    (withLayer(1, "drlo", .integer(9)), "layers[1].drlo: 9 is out of range 0...8 (timeSteps 8)"),
    (withLayer(0, "bais", .array([])), "layers[0].bais: unknown key (allowed here: weights, bias, biasMode, shift, multiplier, postShift, rot, drlo)"),
    (with("timeSteps", .integer(17)), "timeSteps: 17 is out of range 2...16"),
    (with("timeSteps", .integer(1)), "timeSteps: 1 is out of range 2...16"),
    (with("weightBits", .integer(17)), "weightBits: 17 is out of range 2...16"),
    (with("accumulatorBits", .integer(49)), "accumulatorBits: 49 is out of range 2...48"),
    (with("accumulatorBits", .integer(1)), "accumulatorBits: 1 is out of range 2...48"),
    (with("inputSize", .integer(0)), "inputSize: 0 is out of range 1...65536"),
    (with("inputSize", .integer(65537)), "inputSize: 65537 is out of range 1...65536"),
    (with("overflow", .string("clamp")), "overflow: \"clamp\" is not allowed (expected \"wrap\" or \"saturate\")"),
    (with("inputSigned", .string("yes")), "inputSigned: expected true or false, got \"yes\""),
    (with("inputSigned", .integer(1)), "inputSigned: expected true or false, got 1"),
    (with("format", .string("stem-net")), "format: \"stem-net\" is not allowed (expected \"stem-network\")"),
    (with("format", nil), "missing required key \"format\""),
    (with("version", .integer(3)), "version: 3 is out of range 1...2 (the versions this stemsim reads)"),
    (with("layers", nil), "missing required key \"layers\""),
    (with("layers", .array([])), "layers: is empty; a network needs at least 1 layer"),
    (with("layers", .array([.integer(5)])), "layers[0]: expected an object, got 5"),
    (with("extra", .integer(1)),
     "extra: unknown key (allowed here: format, version, timeSteps, weightBits, accumulatorBits, biasBits, overflow, inputSize, inputSigned, layers)"),
]

/// A broken network file and the error it must give (described by the message).
struct BadNetwork: Sendable, CustomTestStringConvertible {
    var root: JSONObject
    var message: String
    init(_ pair: (JSONObject, String)) { (root, message) = pair }
    var testDescription: String { message }
}

@Suite struct NetworkFormatTests {
    @Test func aValidFileDecodesAndRoundTrips() throws {
        let network = try Network(parsing: Array(JSONSerializer.text(of: .object(baseNetwork())).utf8), file: file)
        #expect(network.layerWidths == [4, 8, 4])
        #expect(network.layers[1].weights[3][7] == Int64((7 + 3) % 5 - 2))
        #expect(network.layers[0].multiplier == 1 && network.layers[0].postShift == 0 && network.layers[0].rot == 0)
        let again = try Network(parsing: Array(network.jsonText.utf8), file: "again.json")
        #expect(again == network)
        // Optional fields default.
        var minimal = withLayer(0, "bias", nil)
        minimal = withLayer(0, "biasMode", nil, in: minimal)
        minimal["overflow"] = nil
        minimal["inputSigned"] = nil
        let defaults = try Network(json: .object(minimal), file: file)
        #expect(defaults.layers[0].bias == Array(repeating: 0, count: 8))
        #expect(defaults.layers[0].biasMode == .output && defaults.overflow == .wrap && !defaults.inputSigned)
    }

    @Test(arguments: badNetworkCases.map(BadNetwork.init))
    func badFieldsAreNamedWithValueAndRange(_ bad: BadNetwork) {
        #expect(decodeError(bad.root) == "\(file): \(bad.message)")
    }

    @Test func aWeightOutsideAWiderOrNarrowerWeightBitsIsChecked() {
        var root = withWeight(0, 0, 0, .integer(2))
        root["weightBits"] = .integer(2)
        #expect(decodeError(root) == "\(file): layers[0].weights[0][0]: 2 is out of range -2...1 (weightBits 2)")
        root = withWeight(0, 0, 0, .integer(32767))
        root["weightBits"] = .integer(16)
        #expect(decodeError(root) == nil)
    }

    @Test func theDocumentMustBeAnObject() {
        #expect(throws: FormatError(file: file, path: "", "expected an object, got an array")) {
            try Network(parsing: Array("[1]".utf8), file: file)
        }
    }

    @Test func validateChecksNetworksBuiltInCode() throws {
        var network = try Network(json: .object(baseNetwork()), file: file)
        network.layers[1].weights[3][7] = 300
        #expect(throws: FormatError(file: "<network>", path: "layers[1].weights[3][7]",
                                    "300 is out of range -128...127 (weightBits 8)")) { try network.validate() }
        network.layers[1].weights[3][7] = 0
        network.layers[1].weights[2].removeLast()
        #expect(throws: FormatError(file: "x", path: "layers[1].weights[2]",
                                    "has 7 weights, expected 8 (the neurons of layers[0])")) { try network.validate(file: "x") }
        network.layers[1].weights[2].append(0)
        network.layers[0].rot = 8
        #expect(throws: FormatError(file: "x", path: "layers[0].rot", "8 is out of range 0...7 (timeSteps 8)")) {
            try network.validate(file: "x")
        }
        network.layers[0].rot = 0
        network.layers[0].bias.append(1)
        #expect(throws: FormatError.self) { try network.validate() }
    }
}

@Suite struct InputFormatTests {
    private let network = try! Network(json: .object(baseNetwork()), file: "n.json")

    private func decodeError(_ text: String, signed: Bool = false) -> String? {
        var network = self.network
        network.inputSigned = signed
        do {
            _ = try InputSet(parsing: Array(text.utf8), file: "in.json", for: network)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aValidFileDecodesAndRoundTrips() throws {
        let inputs = try InputSet(parsing: Array(#"{"samples":[[0,1,2,255],[3,4,5,6]],"labels":[3,0]}"#.utf8),
                                  file: "in.json", for: network)
        #expect(inputs.samples == [[0, 1, 2, 255], [3, 4, 5, 6]])
        #expect(inputs.labels == [3, 0])
        #expect(try InputSet(parsing: Array(inputs.jsonText.utf8), file: "x", for: network) == inputs)
        #expect(inputs.prefix(1) == InputSet(samples: [[0, 1, 2, 255]], labels: [3]))
        let unlabeled = try InputSet(parsing: Array(#"{"format":"stem-inputs","version":1,"samples":[[0,0,0,0]]}"#.utf8),
                                     file: "in.json", for: network)
        #expect(unlabeled.labels == nil)
    }

    @Test func badInputsAreNamedWithValueAndRange() {
        #expect(decodeError(#"{"samples":[[0,1,2,3],[0,0,256,0]]}"#)
            == "in.json: samples[1][2]: 256 is out of range 0...255 (timeSteps 8, unsigned inputs)")
        #expect(decodeError(#"{"samples":[[0,-1,2,3]]}"#)
            == "in.json: samples[0][1]: -1 is out of range 0...255 (timeSteps 8, unsigned inputs)")
        #expect(decodeError(#"{"samples":[[0,-129,2,3]]}"#, signed: true)
            == "in.json: samples[0][1]: -129 is out of range -128...127 (timeSteps 8, signed inputs)")
        #expect(decodeError(#"{"samples":[[0,128,2,3]]}"#, signed: true)
            == "in.json: samples[0][1]: 128 is out of range -128...127 (timeSteps 8, signed inputs)")
        #expect(decodeError(#"{"samples":[[0,-128,2,127]]}"#, signed: true) == nil)
        #expect(decodeError(#"{"samples":[[0,1,2]]}"#) == "in.json: samples[0]: has 3 values, expected 4 (inputSize)")
        #expect(decodeError(#"{"samples":[[0,1,2,false]]}"#)
            == "in.json: samples[0][3]: expected an integer in 0...255 (timeSteps 8, unsigned inputs), got false")
        #expect(decodeError(#"{"samples":[[0,1,2,3]],"labels":[1,2]}"#)
            == "in.json: labels: has 2 labels, expected 1 (one per sample)")
        #expect(decodeError(#"{"samples":[[0,1,2,3],[0,1,2,3]],"labels":[1,4]}"#)
            == "in.json: labels[1]: 4 is out of range 0...3 (the output layer has 4 neurons)")
        #expect(decodeError(#"{"samples":[]}"#) == "in.json: samples: is empty; a run needs at least 1 sample")
        #expect(decodeError(#"{"labels":[]}"#) == "in.json: missing required key \"samples\"")
        #expect(decodeError(#"{"samples":[[0,1,2,3]],"lables":[0]}"#)
            == "in.json: lables: unknown key (allowed here: format, version, samples, labels)")
        #expect(decodeError(#"{"format":"stem-network","samples":[[0,1,2,3]]}"#)
            == "in.json: format: \"stem-network\" is not allowed (expected \"stem-inputs\")")
        #expect(decodeError("{\"samples\":[[0,1,2,3]]\n,}")?.hasPrefix("in.json:2:2: ") == true)
    }
}
