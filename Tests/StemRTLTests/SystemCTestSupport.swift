import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemRTL

/// What the SystemC tests share: whether Verilator and SystemC are here, the two parameter
/// sets they build (each build costs tens of seconds, so every test uses one of these), and
/// random networks that fit the second.
enum SystemCTestSupport {
    static let environment = ProcessInfo.processInfo.environment

    static let verilatorAvailable =
        ProcessRunner.findExecutable(named: "verilator", searchPath: environment["PATH"] ?? "") != nil

    /// SystemC's headers where build.sh looks for them.
    static let systemCAvailable: Bool = {
        let fm = FileManager.default
        if let include = environment["SYSTEMC_INCLUDE"] { return fm.fileExists(atPath: include + "/systemc.h") }
        if let home = environment["SYSTEMC_HOME"] { return fm.fileExists(atPath: home + "/include/systemc.h") }
        return fm.fileExists(atPath: "/usr/include/systemc.h")
    }()

    static let available = verilatorAvailable && systemCAvailable
    static let missingMessage: Comment =
        "Verilator or SystemC is missing, so the SystemC testbench cannot be built (scripts/install-deps.sh installs verilator and libsystemc-dev)"

    /// The repository root (for examples/digits).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The digits network's mesh: the default cores, mesh chosen by the mapper.
    static let digitsOptions = MeshOptions()

    /// The mesh of the random networks: small cores so layers split over several tiles, an odd
    /// B, narrow saturating accumulators (overflow events happen). The same parameters as one of
    /// the RTL cross-check builds, so the C shim model is shared with those tests.
    static let randomOptions = MeshOptions(numNeurons: 16, numAxons: 32, maxFanout: 4, fifoDepth: 4, meshSize: (3, 3))
    static let randomTimeSteps = 5, randomWeightBits = 6, randomAccBits = 11

    static func digits(limit: Int) throws -> (Network, [[Int64]]) {
        let network = try Network.load(from: packageRoot.appendingPathComponent("examples/digits/network.json").path)
        let inputs = try InputSet.load(from: packageRoot.appendingPathComponent("examples/digits/test.json").path, for: network)
        return (network, inputs.prefix(limit).samples)
    }

    /// A random network of 1 to 3 layers that fits ``randomOptions``, and 1 to 4 samples.
    static func randomNetwork(seed: UInt64) -> (Network, [[Int64]]) {
        var generator = SplitMix64(seed: seed &* 0x9E37_79B9 &+ 11)
        let n = randomOptions.numNeurons, axons = randomOptions.numAxons
        while true {
            let depth = Int.random(in: 1...3, using: &generator)
            var sizes = [Int.random(in: 1...axons, using: &generator)]
            for _ in 0..<depth { sizes.append(Int.random(in: 1...min(axons, 3 * n), using: &generator)) }
            let cores = sizes.dropFirst().reduce(0) { $0 + ($1 + n - 1) / n }
            guard cores <= 9 else { continue }
            var options = RandomNetworkOptions(layerSizes: sizes)
            options.timeSteps = randomTimeSteps
            options.weightBits = randomWeightBits
            options.accumulatorBits = randomAccBits
            options.overflow = .saturate
            options.inputSigned = Bool.random(using: &generator)
            options.biasMode = nil
            options.shift = 0...Int.random(in: 0...3, using: &generator)
            options.rot = 0...2
            options.drlo = 0...2
            options.zeroWeightProbability = Double.random(in: 0...0.5, using: &generator)
            let network = Network.random(options, using: &generator)
            let samples = InputSet.random(for: network, count: Int.random(in: 1...4, using: &generator),
                                          using: &generator).samples
            return (network, samples)
        }
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stem-systemc-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try FileIO.read(path), as: UTF8.self)
    }
}
