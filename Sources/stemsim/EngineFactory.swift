import ArgumentParser
import Foundation
import StemCheck
import StemModel
import StemRTL

/// The `--engine` choices of `stemsim run`.
enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
    /// The golden model alone.
    case golden
    /// The Verilated RTL alone.
    case rtl
    /// The golden model as reference and the RTL as device under test, in lockstep.
    case both
    /// The golden model as reference and the SystemC testbench of the RTL as device under test.
    case systemc

    /// Whether the golden model runs.
    var runsGolden: Bool { self != .rtl }
    /// Whether the RTL runs through the C shim.
    var runsRTL: Bool { self == .rtl || self == .both }
    /// Whether a device under test is checked against the golden model.
    var isCrossCheck: Bool { self == .both || self == .systemc }
}

/// The engines of a run: the reference, whose spike record is written, and with `both` the
/// device under test compared against it.
struct EngineSet {
    var reference: any SpikingEngine
    var device: (any SpikingEngine)?

    /// The golden model, if it runs.
    var golden: GoldenModel? { reference as? GoldenModel }
    /// The RTL engine, if it runs (with `--rtl-layers`, the one inside the mixed engine).
    var rtl: RTLEngine? { (device ?? reference) as? RTLEngine ?? mixed?.device as? RTLEngine }
    /// The mixed engine of `--rtl-layers`, if it runs.
    var mixed: MixedEngine? { (device ?? reference) as? MixedEngine }
    /// The SystemC engine, if it runs.
    var systemC: SystemCEngine? { device as? SystemCEngine }
}

/// Makes the engines for `--engine`. The one place that knows the concrete engine types.
enum EngineFactory {
    static func makeEngines(_ choice: EngineChoice, network: Network, mesh: MeshArguments = MeshArguments(),
                            trace: ModelParameters.Trace = .none, assertions: Bool = false, samples: [[Int64]] = [],
                            systemC: SystemCArguments = SystemCArguments(), cut: RTLLayerChoice? = nil,
                            announce: Bool = true) throws -> EngineSet {
        if let cut {
            // --rtl-layers: the chosen layers on the RTL inside a golden model of the rest.
            let rtl = try cut.mapped { try makeRTLEngine(network: network, onMesh: cut.cut.layers, mesh: mesh, trace: trace,
                                                         assertions: assertions, announce: announce) }
            let mixed = try MixedEngine(cut: cut.cut, device: rtl)
            switch choice {
            case .rtl: return EngineSet(reference: mixed, device: nil)
            case .both: return EngineSet(reference: try GoldenModel(network: network), device: mixed)
            case .golden, .systemc: throw CommandFailure(.badInput, "--rtl-layers needs --engine both or rtl, got --engine \(choice.rawValue)")
            }
        }
        switch choice {
        case .golden:
            return EngineSet(reference: try GoldenModel(network: network), device: nil)
        case .rtl:
            return EngineSet(reference: try makeRTLEngine(network: network, mesh: mesh, trace: trace, assertions: assertions,
                                                          announce: announce),
                             device: nil)
        case .both:
            let golden = try GoldenModel(network: network)
            return EngineSet(reference: golden,
                             device: try makeRTLEngine(network: network, mesh: mesh, trace: trace, assertions: assertions,
                                                       announce: announce))
        case .systemc:
            let golden = try GoldenModel(network: network)
            let mapping = try map(network, mesh: mesh, announce: announce)
            let device = try SystemCEngine.make(
                mapping: mapping, samples: samples, configurationPath: mesh.configPath,
                initiator: systemC.initiator, clockMHz: systemC.clockMhz, keepFolder: systemC.systemcFiles,
                progress: { printToStandardError("stemsim: \($0)\n") })
            return EngineSet(reference: golden, device: device)
        }
    }

    /// The RTL engine: the network (its layers `layers`, when given) mapped onto the Verilated
    /// mesh, its model library built (or taken from the cache) for this parameter set; build
    /// progress goes to stderr.
    static func makeRTLEngine(network: Network, onMesh layers: [Int]? = nil, mesh: MeshArguments,
                              trace: ModelParameters.Trace, assertions: Bool = false, announce: Bool = true) throws -> RTLEngine {
        let mapping = try map(network, onMesh: layers, mesh: mesh, announce: announce)
        return try RTLEngine.make(mapping: mapping, configurationPath: mesh.configPath,
                                  trace: trace, assertions: assertions, progress: { printToStandardError("stemsim: \($0)\n") })
    }

    /// Maps `network` onto the mesh the options name; when the mapper chose the core size for
    /// a graph network, says which on stderr (once per run: `announce` is false for the
    /// second and later shards of `--jobs`).
    static func map(_ network: Network, onMesh layers: [Int]? = nil, mesh: MeshArguments, announce: Bool) throws -> MeshMapping {
        let mapping = try mesh.map(network, onMesh: layers)
        if announce && mesh.chooser.choosesSomething && !network.isDenseChain {
            printToStandardError("stemsim: \(MeshArguments.summary(of: mapping, chosen: true))\n")
        }
        return mapping
    }
}
