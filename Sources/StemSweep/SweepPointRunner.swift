import StemCheck
import StemModel
import StemRTL
import StemSupport

/// Runs one point of a sweep: chooses the shifts of a scaled point, writes the point's network,
/// runs the engines in lockstep and fills in every figure of the point. Safe to use from many
/// threads at once; the QANN outputs and the scaled-integration plans are computed once per
/// sparsification (and width) and shared.
struct SweepPointRunner: Sendable {
    let configuration: SweepConfiguration
    /// The RTL side; needed when the engine runs the RTL.
    let hardware: SweepHardware?
    let files: SweepFiles

    private struct PlanKey: Hashable {
        var accBits: Int
        var biasBits: Int?
        var sparsification: Sparsification
    }

    private let plans = OnceMap<PlanKey, Result<ScaledIntegrationPlanner.Plan, PlanProblem>>()
    private let qannOutputs = OnceMap<Sparsification, [[Int64]]>()

    private struct PlanProblem: Error {
        var message: String
    }

    init(configuration: SweepConfiguration, hardware: SweepHardware?, files: SweepFiles) {
        self.configuration = configuration
        self.hardware = hardware
        self.files = files
    }

    /// The reference of the sweep: the QANN of the network as given, and its accumulator needs.
    /// - Throws: ``EngineError`` if the golden model cannot run the network.
    func referenceFigures() throws -> SweepDocument.Reference {
        let config = configuration
        let outputs = qann(for: Sparsification())
        var correct: Int?
        if let labels = config.inputs.labels {
            correct = zip(outputs, labels).filter { argmax($0.0) == $0.1 }.count
        }
        var wide = config.network
        wide.accumulatorBits = Network.Limits.accumulatorBits.upperBound
        let model = try GoldenModel(network: wide)
        try model.run(samples: config.inputs.samples)
        let statistics = model.layerStatistics
        return SweepDocument.Reference(
            qannCorrect: correct, peakMagnitudes: statistics.map(\.peakMagnitude),
            bitsNeeded: statistics.map(\.bitsNeeded), macsPerSample: EnergyModel.macsPerSample(config.network),
            energy: config.energy)
    }

    /// The QANN outputs of the network with `sparsification`.
    func qann(for sparsification: Sparsification) -> [[Int64]] {
        qannOutputs.value(for: sparsification) {
            let network = sparsification.apply(to: configuration.network, layers: configuration.sparsifiedLayers)
            return QuantizedANN(network: network).outputs(for: configuration.inputs.samples)
        }
    }

    /// Runs one point; every problem ends up in the point's status and reason.
    func run(_ parameters: SweepPointParameters) -> SweepPoint {
        let config = configuration
        var point = SweepPoint(parameters: parameters, status: .ok, samples: config.inputs.count)
        var network = SweepPlan.network(for: parameters, in: config)
        if let biasBits = parameters.setting.biasBits {
            do {
                try network.validate(file: config.networkFile)
            } catch {
                point.status = .infeasible
                point.reason = "the biases do not fit --bias-bits \(biasBits): \(error)"
                return point
            }
        }
        if parameters.setting.scaled == .auto {
            let key = PlanKey(accBits: parameters.accBits, biasBits: parameters.setting.biasBits,
                              sparsification: parameters.setting.sparsification)
            let base = network
            let plan = plans.value(for: key) {
                do {
                    // validate() guarantees a calibration set with `auto`, disjoint from the scored samples.
                    guard let calibration = config.calibration else {
                        return .failure(PlanProblem(message: "scaled integration needs a calibration set (none given)"))
                    }
                    return .success(try ScaledIntegrationPlanner(samples: calibration.samples).plan(base))
                } catch {
                    return .failure(PlanProblem(message: "choosing the shifts failed: \(error)"))
                }
            }
            switch plan {
            case .failure(let problem):
                point.status = .failed
                point.reason = problem.message
                return point
            case .success(.infeasible(let reason)):
                point.status = .infeasible
                point.reason = reason
                return point
            case .success(.feasible(let planned)):
                network = planned
                network.overflow = parameters.setting.overflow
            }
        }
        point.layers = network.layers.map {
            SweepPoint.LayerFigures(shift: $0.shift, multiplier: $0.multiplier, postShift: $0.postShift)
        }
        do {
            point.networkFile = try files.write(network, for: parameters)
            try measure(network, into: &point)
        } catch {
            point.status = .failed
            point.reason = "\(error)"
        }
        return point
    }

    /// The RTL engine of `network`.
    private func rtlEngine(_ network: Network) throws -> any SpikingEngine {
        guard let hardware else {
            throw EngineError(engine: "rtl", message: "the sweep was given no hardware to run the RTL on")
        }
        return try hardware.makeEngine(network)
    }

    /// Runs the engines on `network` and fills in the point's figures.
    private func measure(_ network: Network, into point: inout SweepPoint) throws {
        let config = configuration
        let samples = config.inputs.samples
        let golden = try GoldenModel(network: network)
        let reference: any SpikingEngine
        let device: (any SpikingEngine)?
        switch config.engine {
        case .golden:
            reference = golden
            device = nil
        case .rtl:
            reference = try rtlEngine(network)
            device = nil
        case .both:
            reference = golden
            device = try rtlEngine(network)
        }
        var lockstep = Lockstep(network: network, samples: samples, reference: reference, device: device)
        lockstep.keepGoing = true
        let result = try lockstep.run()
        guard result.completed else {
            throw EngineError(engine: reference.name, message: "the run stopped after \(result.stepsRun) of \(result.totalSteps) steps")
        }
        if config.engine == .rtl {
            // The per-layer |V| figures are the golden model's.
            try golden.run(samples: samples)
        }
        let qann = qann(for: point.parameters.setting.sparsification)
        let predictions = result.outputs.map(argmax)
        let qannPredictions = qann.map(argmax)
        if let labels = config.inputs.labels {
            point.correct = zip(predictions, labels).filter { $0 == $1 }.count
            point.qannCorrect = zip(qannPredictions, labels).filter { $0 == $1 }.count
            if let deviceOutputs = result.deviceOutputs {
                point.rtlCorrect = zip(deviceOutputs.map(argmax), labels).filter { $0 == $1 }.count
            } else if config.engine == .rtl {
                point.rtlCorrect = point.correct
            }
        }
        point.qannAgreement = zip(predictions, qannPredictions).filter { $0 == $1 }.count
        point.qannMatches = zip(result.outputs, qann).filter { $0 == $1 }.count
        switch config.engine {
        case .golden:
            point.goldenOverflows = result.referenceCounters.overflows
        case .rtl:
            point.goldenOverflows = golden.overflows
            point.rtlOverflows = result.referenceCounters.overflows
            point.rtlCycles = result.referenceCounters.cycles
        case .both:
            point.goldenOverflows = result.referenceCounters.overflows
            point.rtlOverflows = result.deviceCounters?.overflows
            point.rtlCycles = result.deviceCounters?.cycles
            point.mismatchSteps = result.divergentSteps
            point.mismatchSpikes = result.differingSpikes
        }
        let statistics = golden.layerStatistics
        for (index, layer) in statistics.enumerated() where index < point.layers.count {
            point.layers[index].peakMagnitude = layer.peakMagnitude
            point.layers[index].bitsNeeded = layer.bitsNeeded
            point.layers[index].overflows = layer.overflows
        }
        point.sops = result.sops
        point.macs = EnergyModel.macsPerSample(network) * samples.count
    }
}
