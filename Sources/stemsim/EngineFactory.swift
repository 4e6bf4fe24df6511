import ArgumentParser
import StemCheck
import StemModel

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

    /// The RTL engine (issue 4: the Verilated STEM core behind the C shim).
    static func makeRTLEngine(network: Network) throws -> any SpikingEngine {
        throw CommandFailure(.environment,
                             "the RTL engine is not available yet (it arrives with the STEM core RTL, issue 4); "
                                + "use --engine golden")
    }
}
