import Foundation
@testable import StemTrace

/// A fresh temporary folder, removed when the value is dropped... explicitly by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/stemtrace-tests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The names of the files in the folder (hidden ones included), sorted.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A small deterministic generator (SplitMix64), so test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RandomValues {
    /// A signed value of `width` bits; one in eight draws is an extreme (min or max).
    static func signedValue(width: Int, using random: inout SplitMix64) -> Int64 {
        let low = width == 64 ? Int64.min : -(Int64(1) << (width - 1))
        let high = width == 64 ? Int64.max : (Int64(1) << (width - 1)) - 1
        switch random.next() % 8 {
        case 0: return low
        case 1: return high
        case 2: return 0
        default: return Int64.random(in: low...high, using: &random)
        }
    }

    static func unsignedValue(width: Int, using random: inout SplitMix64) -> Int64 {
        let high = width >= 63 ? Int64.max : (Int64(1) << width) - 1
        return random.next() % 8 == 0 ? high : Int64.random(in: 0...high, using: &random)
    }
}

/// Random states for every neuron of `network` in each of `steps` steps; values keep their
/// previous value with probability 1/3, so "only changes are written" is exercised.
func randomStates(for network: TracedNetwork, steps: Int, seed: UInt64) -> [[[NeuronSample]]] {
    var random = SplitMix64(seed: seed)
    var result: [[[NeuronSample]]] = []
    var previous: [[NeuronSample]]?
    for _ in 0..<steps {
        var step: [[NeuronSample]] = []
        for (k, layer) in network.layers.enumerated() {
            var states: [NeuronSample] = []
            for j in 0..<layer.neuronCount {
                if let previous, random.next() % 3 == 0 {
                    states.append(previous[k][j])
                    continue
                }
                states.append(NeuronSample(
                    current: RandomValues.signedValue(width: network.widths.current, using: &random),
                    potential: RandomValues.signedValue(width: network.widths.potential, using: &random),
                    output: RandomValues.unsignedValue(width: network.widths.output, using: &random),
                    spike: random.next() % 2 == 0))
            }
            step.append(states)
        }
        result.append(step)
        previous = step
    }
    return result
}

/// A two-layer network with narrow widths so negative values and extremes are frequent.
func smallNetwork() -> TracedNetwork {
    TracedNetwork(neuronsPerLayer: [5, 3], widths: .init(current: 20, potential: 12, output: 4))
}

/// The lines of a text file.
func lines(of path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
}
