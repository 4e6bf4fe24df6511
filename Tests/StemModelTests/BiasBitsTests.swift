import Foundation
import Testing
@testable import StemModel
import StemSupport

/// The optional `biasBits` field: every bias must fit it (in version 1 and 2 files and in
/// networks built in code), it is written only when not the default 32, and it changes no
/// arithmetic.
@Suite struct BiasBitsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func small(biasBits: Int, bias: [Int64]) -> Network {
        var network = Network(timeSteps: 8, weightBits: 8, accumulatorBits: 32, inputSize: 2,
                              layers: [Layer(weights: [[3, -2], [1, 4], [-5, 2]], bias: bias, biasMode: .accumulator)])
        network.biasBits = biasBits
        return network
    }

    @Test func aNetworkBuiltInCodeIsCheckedAgainstItsBiasBits() throws {
        try Self.small(biasBits: 16, bias: [-32768, 32767, 0]).validate()
        #expect(throws: FormatError.self) { try Self.small(biasBits: 16, bias: [0, 32768, 0]).validate(file: "n.json") }
        do {
            try Self.small(biasBits: 16, bias: [0, 0, -32769]).validate(file: "n.json")
        } catch {
            #expect(error.description.contains("layers[0].bias[2]: -32769 is out of range -32768...32767 (biasBits 16)"),
                    "\(error.description)")
        }
        #expect(throws: FormatError.self) { try Self.small(biasBits: 33, bias: [0, 0, 0]).validate() }
        #expect(throws: FormatError.self) { try Self.small(biasBits: 1, bias: [0, 0, 0]).validate() }
    }

    /// Written only when it is not 32 (files without it keep their text), and read back.
    @Test func itIsWrittenOnlyWhenNotTheDefaultAndReadsBack() throws {
        let plain = Self.small(biasBits: 32, bias: [1, 2, 3])
        #expect(!plain.jsonText.contains("biasBits"))
        let narrow = Self.small(biasBits: 12, bias: [1, 2, 3])
        #expect(narrow.jsonText.contains("\"biasBits\""))
        let read = try Network(parsing: Array(narrow.jsonText.utf8), file: "n.json")
        #expect(read == narrow && read.biasBits == 12)
        let digits = try String(contentsOfFile: Self.root + "/examples/digits/network.json", encoding: .utf8)
        #expect(try Network(parsing: Array(digits.utf8), file: "digits").biasBits == 32)
    }

    /// A version-2 file: the same field, the same check on per-channel biases.
    @Test func aGraphFileIsCheckedAgainstItsBiasBits() throws {
        let path = Self.root + "/examples/graph-small/network.json"
        let network = try Network.load(from: path)
        #expect(network.isGraph && network.biasBits == 32)
        let largest = network.layers.flatMap(\.bias).map { $0.magnitude }.max() ?? 0
        #expect(largest > 1, "the example needs a bias outside -2...1 for this test")
        guard case .object(var root) = try JSONParser.parse(try FileIO.read(path), file: path) else {
            Issue.record("not an object")
            return
        }
        // The first bias outside 2 bits, found independently of the validator.
        var expected = ""
        search: for (l, layer) in network.layers.enumerated() {
            for (j, b) in layer.bias.enumerated() where b < -2 || b > 1 {
                expected = "layers[\(l)].bias[\(j)]: \(b) is out of range -2...1 (biasBits 2)"
                break search
            }
        }
        root["biasBits"] = .integer(2)
        #expect(throws: FormatError.self) { try Network(json: .object(root), file: path) }
        do {
            _ = try Network(json: .object(root), file: path)
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
        }
        // Wide enough for every bias: accepted, and the golden model computes the same.
        let bits = 64 - Int((largest).leadingZeroBitCount) + 1
        root["biasBits"] = .integer(Int64(bits))
        let narrow = try Network(json: .object(root), file: path)
        #expect(narrow.biasBits == bits && narrow.jsonText.contains("\"biasBits\""))
        #expect(try Network(parsing: Array(narrow.jsonText.utf8), file: "again").biasBits == bits)
        let samples = InputSet.random(for: network, count: 3, seed: 5).samples
        let wide = try GoldenModel(network: network)
        let reduced = try GoldenModel(network: narrow)
        #expect(try wide.run(samples: samples) == reduced.run(samples: samples))
        #expect(wide.sops == reduced.sops)
    }
}
