import Foundation
import Testing
@testable import StemModel

/// A valid version-2 network: conv (padding), pool (average), residual block, dense head.
private let validGraph = """
    {"format":"stem-network","version":2,"timeSteps":4,"weightBits":4,"accumulatorBits":32,"overflow":"wrap",
     "input":{"shape":[1,4,4],"signed":false},
     "layers":[
      {"name":"c1","shape":[2,4,4],
       "inputs":[{"from":"input","kind":"conv","kernel":[3,3],"padding":[1,1],
                  "weights":[[[[1,0,1],[0,1,0],[1,0,1]]],[[[0,1,0],[1,-1,1],[0,1,0]]]]}],
       "bias":[1,2],"biasMode":"output","shift":0,"multiplier":[1,3],"postShift":[1,2],"rot":0,"drlo":0},
      {"name":"p1","shape":[2,2,2],"inputs":[{"from":"c1","kind":"pool","kernel":[2,2]}],"multiplier":1,"postShift":2},
      {"name":"c2","shape":[2,2,2],"inputs":[{"from":"p1","kind":"conv","kernel":[1,1],"weights":[[[[1]],[[1]]],[[[2]],[[-1]]]]}]},
      {"name":"r1","shape":[2,2,2],"inputs":[{"from":"c2","kind":"conv","kernel":[1,1],"stride":[1,1],"weights":[[[[1]],[[0]]],[[[0]],[[1]]]]},
                                          {"from":"p1","kind":"identity","weights":[1,2]}]},
      {"name":"fc","shape":[3],"inputs":[{"from":"r1","kind":"dense","weights":[[1,0,0,0,0,0,0,1],[0,1,0,0,0,0,1,0],[1,1,1,1,1,1,1,1]]}]}]}
    """

private func decodeError(_ text: String) -> String? {
    do {
        _ = try Network(parsing: Array(text.utf8), file: "g.json")
        return nil
    } catch {
        return error.description
    }
}

/// `validGraph` with `old` replaced by `new` (which must occur).
private func variant(_ old: String, _ new: String) -> String {
    precondition(validGraph.contains(old), "no \(old) in the valid graph")
    return validGraph.replacingOccurrences(of: old, with: new)
}

@Suite struct GraphFormatTests {
    @Test func aVersionTwoFileDecodes() throws {
        let network = try Network(parsing: Array(validGraph.utf8), file: "g.json")
        #expect(network.inputShape == Shape(channels: 1, height: 4, width: 4) && network.inputSize == 16)
        #expect(network.layers.map(\.name) == ["c1", "p1", "c2", "r1", "fc"])
        #expect(network.stages == [0, 1, 2, 3, 4, 5] && network.stageCount == 5)
        #expect(network.stepCount(samples: 2) == (2 + 5) * 4)
        #expect(network.layers[0].channelMultipliers == [1, 3] && network.layers[0].channelPostShifts == [1, 2])
        #expect(network.layers[1].inputs[0].stride == [2, 2])   // the pool stride defaults to the kernel
        #expect(network.layers[2].inputs[0].padding == [0, 0])  // conv padding and stride default
        #expect(network.layers[3].inputs[1] == .identity([1, 2], from: 2))
        #expect(!network.isDenseChain && network.isGraph)
        let reread = try Network(parsing: Array(network.jsonText.utf8), file: "again.json")
        #expect(reread == network)
    }

    @Test func aVersionOneFileIsAChainOfDenseConnections() throws {
        let network = Network.random(RandomNetworkOptions(layerSizes: [5, 4, 3]), seed: 3)
        #expect(network.isDenseChain && !network.isGraph && network.stages == [0, 1, 2])
        #expect(network.layers[1].inputs == [.dense(network.layers[1].weights)])
        #expect(network.jsonText.contains("\"version\": 1") || network.jsonText.contains("\"version\":1"))
    }

    @Test(arguments: [
        (variant(#""name":"p1""#, #""name":"c1""#), #"layers[1].name: "c1" is already the name of layers[0]; names are unique"#),
        (variant(#""name":"p1""#, #""name":"input""#), #"layers[1].name: "input" is reserved for the input layer"#),
        (variant(#"{"from":"c1","kind":"pool""#, #"{"from":"cx","kind":"pool""#),
         #"layers[1].inputs[0].from: "cx" names no layer (expected one of "input", "c1")"#),
        (variant(#"{"from":"c1","kind":"pool""#, #"{"from":"r1","kind":"pool""#),
         #"layers[1].inputs[0].from: "r1" is a later layer (layers[3]); a layer takes inputs only from "input" or earlier layers (the graph has no cycles)"#),
        (variant(#"{"from":"c1","kind":"pool""#, #"{"from":"p1","kind":"pool""#), #""p1" is the layer itself"#),
        (variant(#""shape":[2,2,2],"inputs":[{"from":"c1""#, #""shape":[2,3,3],"inputs":[{"from":"c1""#),
         #"layers[1].inputs[0]: a pool connection makes shape [2,2,2] from "c1" of shape [2,4,4], but the layer "p1" of shape [2,3,3]"#),
        (variant(#""kernel":[3,3],"padding":[1,1]"#, #""kernel":[3,3],"padding":[0,1]"#),
         #"layers[0].inputs[0]: a conv connection makes shape [2,2,4] from "input" of shape [1,4,4], but the layer "c1" of shape [2,4,4]"#),
        (variant(#"{"from":"p1","kind":"identity","weights":[1,2]}"#, #"{"from":"c1","kind":"identity","weights":[1,2]}"#),
         #"layers[3].inputs[1]: an identity connection makes shape [2,4,4] from "c1" of shape [2,4,4], but the layer "r1" of shape [2,2,2] differs"#),
        (variant(#""kind":"identity","weights":[1,2]"#, #""kind":"identity","weights":[1,2,3]"#),
         #"layers[3].inputs[1].weights: has 3 weights, expected 2 (one per channel of layer "r1" of shape [2,2,2])"#),
        (variant(#""kind":"identity","weights":[1,2]"#, #""kind":"identity","weights":[1,8]"#),
         "layers[3].inputs[1].weights[1]: 8 is out of range -8...7 (weightBits 4)"),
        (variant("[[[[1,0,1],[0,1,0],[1,0,1]]],", "[[[[1,0,1],[0,1,0],[1,0,1,1]]],"),
         "layers[0].inputs[0].weights[0][0][2]: has 4 weights, expected 3 (kernel [3, 3])"),
        (variant(#""bias":[1,2]"#, #""bias":[1,2,3]"#),
         "layers[0].bias: has 3 values, expected 32 (one per neuron) or 2 (one per channel) for shape [2,4,4]"),
        (variant(#""multiplier":[1,3]"#, #""multiplier":[1,3,4]"#),
         "layers[0].multiplier: has 3 values, expected 2 (one per channel of shape [2,4,4]) or one integer"),
        (variant(#""postShift":[1,2]"#, #""postShift":[1,63]"#), "layers[0].postShift[1]: 63 is out of range 0...62"),
        (variant(#""multiplier":[1,3]"#, #""multiplier":0"#), "layers[0].multiplier: 0 is out of range 1...65535"),
        (variant(#""kind":"pool","kernel":[2,2]"#, #""kind":"pool","kernel":[2,2],"padding":[1,1]"#),
         "layers[1].inputs[0].padding: unknown key (allowed here: from, kind, kernel, stride)"),
        (variant(#""kind":"pool","kernel":[2,2]"#, #""kind":"pool""#),
         #"layers[1].inputs[0]: missing required key "kernel" (a pool connection)"#),
        (variant(#""kind":"pool""#, #""kind":"max""#), #"layers[1].inputs[0].kind: "max" is not allowed"#),
        (variant(#""input":{"shape":[1,4,4]"#, #""input":{"shape":[1,4]"#),
         "input.shape: has 2 values, expected 3 ([C,H,W]) or 1 ([N])"),
        (variant(#""input":{"shape":[1,4,4]"#, #""input":{"shape":[1,0,4]"#), "input.shape[1]: 0 is out of range 1...4194304"),
        (variant(#""name":"fc","shape":[3]"#, #""name":"fc","shape":[4194305]"#), "layers[4].shape[0]: 4194305 is out of range 1...4194304"),
        (variant(#""name":"fc","shape":[3]"#, #""name":"fc","shape":[4096,1024,2]"#),
         "layers[4].shape: [4096,1024,2] has more than 4194304 neurons"),
        (variant(#""inputs":[{"from":"c1","kind":"pool","kernel":[2,2]}]"#, #""inputs":[]"#),
         "layers[1].inputs: is empty; a layer needs at least 1 connection"),
        (variant(#""layers":["#, #""inputSize":3,"layers":["#), "inputSize: unknown key (allowed here: format, version"),
        (variant("[1,1,1,1,1,1,1,1]]}]}]}", "[1,1,1,1,1,1,1,1],[0,0,0,0,0,0,0,0]]}]}]}"),
         #"layers[4].inputs[0].weights: has 4 rows, so the dense connection makes shape [4], but the layer "fc" of shape [3] has 3 neurons"#),
        (variant("[1,1,1,1,1,1,1,1]]}]}]}", "[1,1,1,1,1,1,1]]}]}]}"),
         #"layers[4].inputs[0].weights[2]: has 7 weights, expected 8 (one per neuron of "r1" of shape [2,2,2])"#),
    ])
    func invalidGraphsAreRejectedWithPathAndRange(_ text: String, _ expected: String) {
        let message = decodeError(text)
        #expect(message?.hasPrefix("g.json: ") == true && message?.contains(expected) == true, "\(message ?? "accepted")")
    }

    @Test func fanInAboveTheLimitIsRejected() {
        // A 3x3 conv over 7282 channels reaches 65538 inputs per neuron.
        let network = Network(timeSteps: 4, weightBits: 4, accumulatorBits: 32,
                              inputShape: Shape(channels: 7282, height: 3, width: 3), layers: [
            Layer(name: "c", shape: Shape(channels: 1, height: 1, width: 1), inputs: [
                Connection(kind: .conv, source: 0, weights: [Array(repeating: 0, count: 7282 * 9)], kernel: [3, 3])]),
        ])
        #expect(throws: FormatError.self) { try network.validate(file: "n.json") }
        do {
            try network.validate(file: "n.json")
        } catch {
            #expect(error.description == "n.json: layers[0].inputs: feed each neuron up to 65538 inputs; at most 65536 are allowed per neuron")
        }
    }

    @Test func inputsHaveCTimesHTimesWValues() throws {
        let network = try Network(parsing: Array(validGraph.utf8), file: "g.json")
        let good = "{\"samples\":[[" + (0..<16).map(String.init).joined(separator: ",") + "]]}"
        #expect(try InputSet(parsing: Array(good.utf8), file: "in.json", for: network).samples[0].count == 16)
        do {
            _ = try InputSet(parsing: Array(#"{"samples":[[1,2,3]]}"#.utf8), file: "in.json", for: network)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "in.json: samples[0]: has 3 values, expected 16 (C*H*W of the input shape [1,4,4])")
        }
    }
}
