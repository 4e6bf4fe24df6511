import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport

/// What a sweep needs from the hardware side: model builds, RTL engines and core sizes.
/// ``verilated(builder:options:)`` is the real thing; the parts are separate so that a caller
/// can wrap one (to log, or to make one build fail in a test of the failure path).
public struct SweepHardware: Sendable {
    /// The model parameters the RTL run of a network needs (the network mapped onto the mesh).
    public var modelParameters: @Sendable (Network) throws -> ModelParameters
    /// Builds the model library of the parameters, or finds it in the cache. Returns the
    /// seconds the build took, or nil when it was cached.
    public var build: @Sendable (ModelParameters) throws -> Double?
    /// An RTL engine for a network whose model has been built.
    public var makeEngine: @Sendable (Network) throws -> any SpikingEngine
    /// The size of one core.
    public var coreArea: @Sendable (CoreAreaParameters) throws -> CoreAreaEstimator.Result
    /// SHA-256 over the hardware sources: RTL points of a sweep are reused only with the same.
    public var sourcesDigest: String
    /// The mesh, in words (part of the sweep key).
    public var meshDescription: String
    /// The core parameters of a core-size measurement for a network (its widths and the
    /// core's capacity).
    public var coreParameters: @Sendable (Network) -> CoreAreaParameters

    public init(modelParameters: @escaping @Sendable (Network) throws -> ModelParameters,
                build: @escaping @Sendable (ModelParameters) throws -> Double?,
                makeEngine: @escaping @Sendable (Network) throws -> any SpikingEngine,
                coreArea: @escaping @Sendable (CoreAreaParameters) throws -> CoreAreaEstimator.Result,
                sourcesDigest: String, meshDescription: String,
                coreParameters: @escaping @Sendable (Network) -> CoreAreaParameters) {
        self.modelParameters = modelParameters
        self.build = build
        self.makeEngine = makeEngine
        self.coreArea = coreArea
        self.sourcesDigest = sourcesDigest
        self.meshDescription = meshDescription
        self.coreParameters = coreParameters
    }

    /// The Verilated mesh: `builder` builds and caches the models, `options` is the mesh the
    /// networks are mapped onto (the core size and fan-out table grow, as ``MeshChooser``
    /// chooses, for a network that does not fit the default core), and core sizes come from
    /// ``CoreAreaEstimator`` on the builder's sources and cache.
    public static func verilated(builder: ModelBuilder, options: MeshOptions = MeshOptions()) -> SweepHardware {
        let defaults = MeshOptions()
        let chooser = MeshChooser(
            numNeurons: options.numNeurons == defaults.numNeurons ? nil : options.numNeurons,
            numAxons: options.numAxons == defaults.numAxons ? nil : options.numAxons,
            maxFanout: options.maxFanout == defaults.maxFanout ? nil : options.maxFanout,
            fifoDepth: options.fifoDepth, meshSize: options.meshSize)
        let estimator = CoreAreaEstimator(builder: builder)
        var digest = SHA256()
        for file in builder.sources.files {
            let bytes = Array(file.text.utf8)
            digest.update("file \(file.path) \(bytes.count)\n")
            digest.update(bytes)
        }
        let mesh = "NumNeurons \(options.numNeurons), NumAxons \(options.numAxons), MaxFanout \(options.maxFanout), "
            + "FifoDepth \(options.fifoDepth), mesh " + (options.meshSize.map { "\($0.x)x\($0.y)" } ?? "smallest square")
        return SweepHardware(
            modelParameters: { network in try chooser.map(network).modelParameters(trace: .none) },
            build: { parameters in try builder.build(parameters).buildSeconds },
            makeEngine: { network in try RTLEngine.make(mapping: try chooser.map(network), builder: builder) },
            coreArea: { parameters in try estimator.area(for: parameters) },
            sourcesDigest: digest.finalize().hexString,
            meshDescription: mesh,
            coreParameters: { network in
                let options = (try? chooser.map(network))?.options ?? options
                return CoreAreaParameters(timeSteps: network.timeSteps, weightBits: network.weightBits,
                                   accBits: network.accumulatorBits, saturate: network.overflow == .saturate,
                                   numNeurons: options.numNeurons, numAxons: options.numAxons,
                                   biasBits: network.biasBits)
            })
    }
}
