import StemModel
import StemRTL
import StemSupport

/// What one run of a sweep does, derived from the configuration, the hardware and the points
/// an earlier sweep left in the folder: the points to run and to reuse, the model builds
/// (one per distinct `AccBits`/overflow pair the RTL points need) and the core syntheses (one
/// per distinct core).
struct SweepPlan {
    /// Every point the configuration asks for.
    var requested: [SweepPointParameters]
    /// The points to run now, in (`AccBits`, setting) order.
    var toRun: [SweepPointParameters]
    /// Points of the earlier sweep reused as they are.
    var reused: Int
    /// The points of the folder to start from (the earlier sweep's, each once).
    var startingPoints: [SweepPoint]
    /// The model each RTL point to run needs.
    var pointModels: [SweepPointParameters: ModelParameters] = [:]
    /// Points that cannot run, with the reason (their network does not map onto the mesh).
    var pointProblems: [SweepPointParameters: String] = [:]
    /// The model builds, in width order (wrap before saturate).
    var builds: [ModelParameters] = []
    /// The core syntheses, in order.
    var areas: [CoreAreaParameters] = []

    /// Plans `configuration` on `hardware`, reusing `previous` (the points of an earlier sweep
    /// with the same key) where they ran and `reusable` keeps them (it returns the point as
    /// reused, or nil to run it again).
    init(configuration: SweepConfiguration, hardware: SweepHardware?, previous: [SweepPoint],
         reusable: (SweepPoint) throws(OutputFileError) -> SweepPoint?) throws(OutputFileError) {
        requested = configuration.points
        var points: [SweepPointParameters: SweepPoint] = [:]
        for point in previous { points[point.parameters] = point }
        var toRun: [SweepPointParameters] = []
        var reused = 0
        for parameters in requested {
            if let old = points[parameters], old.status != .failed, let kept = try reusable(old) {
                points[parameters] = kept
                reused += 1
            } else {
                toRun.append(parameters)
            }
        }
        startingPoints = points.values.sorted { $0.parameters < $1.parameters }
        self.reused = reused
        self.toRun = toRun.sorted { ($0.accBits, $0.setting) < ($1.accBits, $1.setting) }

        if configuration.engine.runsRTL, let hardware {
            var seen = Set<ModelParameters>()
            for parameters in self.toRun {
                let network = Self.network(for: parameters, in: configuration)
                // A point whose biases do not fit its --bias-bits is infeasible and needs no model.
                if parameters.setting.biasBits != nil, (try? network.validate()) == nil { continue }
                do {
                    let model = try hardware.modelParameters(network)
                    pointModels[parameters] = model
                    if seen.insert(model).inserted { builds.append(model) }
                } catch {
                    pointProblems[parameters] = "the network does not map onto the mesh: \(error)"
                }
            }
        }
        builds.sort { ($0.accBits, $0.saturate ? 1 : 0) < ($1.accBits, $1.saturate ? 1 : 0) }
        if configuration.measureArea, let hardware {
            var seen = Set<CoreAreaParameters>()
            for parameters in requested {
                let core = hardware.coreParameters(Self.network(for: parameters, in: configuration))
                if seen.insert(core).inserted { areas.append(core) }
            }
            areas.sort()
        }
    }

    /// The key of a sweep of `configuration` on `hardware`.
    static func key(of configuration: SweepConfiguration, hardware: SweepHardware?) -> SweepDocument.Key {
        let runsRTL = configuration.engine.runsRTL
        return SweepDocument.Key(
            network: SHA256.hash(configuration.network.jsonText).hexString,
            inputs: SHA256.hash(configuration.inputs.jsonText).hexString,
            samples: configuration.inputs.count, engine: configuration.engine,
            sparsifiedLayers: configuration.sparsifiedLayers,
            mesh: runsRTL ? hardware?.meshDescription ?? "" : "",
            hardware: runsRTL || configuration.measureArea ? hardware?.sourcesDigest : nil,
            calibration: configuration.calibration?.sha256, calibrationSamples: configuration.calibration?.samples.count)
    }

    /// The base network with a point's width, overflow mode, bias width and sparsification
    /// (before scaling). With a bias width its biases may not fit; ``SweepPointRunner`` records
    /// such a point as infeasible.
    static func network(for parameters: SweepPointParameters, in configuration: SweepConfiguration) -> Network {
        var network = configuration.network
        network.accumulatorBits = parameters.accBits
        network.overflow = parameters.setting.overflow
        if let biasBits = parameters.setting.biasBits { network.biasBits = biasBits }
        return parameters.setting.sparsification.apply(to: network, layers: configuration.sparsifiedLayers)
    }

    /// The reason recorded in the points whose model build failed.
    static func buildFailure(_ model: ModelParameters, _ error: any Error) -> String {
        "building \(model) failed: \(error)"
    }

    /// `AccBits=16`, `AccBits=16 Saturate=1`: what differs between the builds of a sweep.
    static func label(_ model: ModelParameters) -> String {
        "AccBits=\(model.accBits)" + (model.saturate ? " Saturate=1" : "")
    }
}
