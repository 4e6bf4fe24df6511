import ArgumentParser
import StemCheck
import StemModel
import StemRTL
import Foundation

/// The `--engine` choices of `stemsim run`.
enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
    /// The golden model alone.
    case golden
    /// The Verilated RTL alone.
    case rtl
    /// The golden model as reference and the RTL as device under test, in lockstep.
    case both
}

/// The engines of a run: the reference, whose spike record is written, and with `both` the
/// device under test compared against it.
struct EngineSet {
    var reference: any SpikingEngine
    var device: (any SpikingEngine)?
}

/// Makes the engines for `--engine`. The one place that knows the concrete engine types.
enum EngineFactory {
    static func makeEngines(_ choice: EngineChoice, network: Network) throws -> EngineSet {
        switch choice {
        case .golden:
            return EngineSet(reference: try GoldenModel(network: network), device: nil)
        case .rtl:
            return EngineSet(reference: try makeRTLEngine(network: network), device: nil)
        case .both:
            let golden = try GoldenModel(network: network)
            return EngineSet(reference: golden, device: try makeRTLEngine(network: network))
        }
    }

    /// The RTL engine: the network mapped onto the Verilated mesh, its model library built
    /// (or taken from the cache) for this parameter set.
    static func makeRTLEngine(network: Network) throws -> any SpikingEngine {
        try RTLEngine.make(network: network, progress: { event in
            FileHandle.standardError.write(Data("stemsim: \(event)\n".utf8))
        })
    }
}
