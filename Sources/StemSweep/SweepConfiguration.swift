import StemModel

/// Everything a sweep is asked to do: the network and inputs, the values of each swept option
/// (the points are their cross product), the engines, the parallelism and the output folder.
public struct SweepConfiguration: Sendable {
    /// The network as loaded (its `accumulatorBits` and `overflow` are replaced per point).
    public var network: Network
    /// The network file as the user named it (for messages and the files).
    public var networkFile: String
    /// The samples (after any limit) and their labels.
    public var inputs: InputSet
    public var inputsFile: String
    /// The calibration set `--scaled auto` chooses its shifts on (required with `auto`; never
    /// the scored samples).
    public var calibration: SweepCalibration?
    /// The accumulator widths (`AccBits`).
    public var accBits: [Int]
    public var scaled: [ScaledIntegration]
    public var overflow: [OverflowMode]
    /// RoT factors for the sparsified layers; nil keeps the network's own.
    public var rot: [Int?]
    /// DRLO limits for the sparsified layers; nil keeps the network's own.
    public var drlo: [Int?]
    /// Bias widths (`biasBits`, the RTL's `BiasBits`); nil keeps the network's own.
    public var biasBits: [Int?]
    public var sparsifiedLayers: SparsifiedLayers
    public var engine: SweepEngine
    /// Points, builds and syntheses run at once.
    public var jobs: Int
    /// Whether to measure the core size of each width with Yosys.
    public var measureArea: Bool
    /// The output folder.
    public var outputDirectory: String
    /// Discard the points of an earlier sweep in the folder instead of reusing them.
    public var restart: Bool
    /// The energy per SOP and per MAC (`--sop-pj`, `--mac-pj`).
    public var energy: EnergyModel

    public init(network: Network, networkFile: String, inputs: InputSet, inputsFile: String,
                calibration: SweepCalibration? = nil, accBits: [Int], scaled: [ScaledIntegration] = [.none, .auto], overflow: [OverflowMode] = [.wrap],
                rot: [Int?] = [nil], drlo: [Int?] = [nil], biasBits: [Int?] = [nil], sparsifiedLayers: SparsifiedLayers = .hidden,
                engine: SweepEngine = .both, jobs: Int = 2, measureArea: Bool = true,
                outputDirectory: String, restart: Bool = false, energy: EnergyModel = .paper) {
        self.network = network
        self.networkFile = networkFile
        self.inputs = inputs
        self.inputsFile = inputsFile
        self.calibration = calibration
        self.accBits = accBits
        self.scaled = scaled
        self.overflow = overflow
        self.rot = rot
        self.drlo = drlo
        self.biasBits = biasBits
        self.sparsifiedLayers = sparsifiedLayers
        self.engine = engine
        self.jobs = jobs
        self.measureArea = measureArea
        self.outputDirectory = outputDirectory
        self.restart = restart
        self.energy = energy
    }

    /// The points, in ``SweepPointParameters`` order.
    public var points: [SweepPointParameters] {
        var result: [SweepPointParameters] = []
        for bits in accBits {
            for s in scaled {
                for o in overflow {
                    for r in rot {
                        for d in drlo {
                            for b in biasBits {
                                result.append(SweepPointParameters(accBits: bits, scaled: s, overflow: o, rot: r, drlo: d,
                                                                   biasBits: b))
                            }
                        }
                    }
                }
            }
        }
        return result.sorted()
    }

    /// Checks the options against their ranges and the network.
    /// - Throws: ``SweepError/invalidOption(option:message:)`` naming the option (as on the
    ///   command line), the value and what is allowed.
    public func validate() throws(SweepError) {
        func unique<T: Hashable>(_ values: [T], _ option: String, _ show: (T) -> String) throws(SweepError) {
            if values.isEmpty { throw .invalidOption(option: option, message: "needs at least one value") }
            var seen = Set<T>()
            for v in values where !seen.insert(v).inserted {
                throw .invalidOption(option: option, message: "\(show(v)) is listed twice")
            }
        }
        try unique(accBits, "--acc-bits") { String($0) }
        try unique(scaled, "--scaled") { $0.rawValue }
        try unique(overflow, "--overflow") { $0.rawValue }
        try unique(rot, "--rot") { $0.map(String.init) ?? "(the network's)" }
        try unique(drlo, "--drlo") { $0.map(String.init) ?? "(the network's)" }
        try unique(biasBits, "--bias-bits") { $0.map(String.init) ?? "(the network's)" }
        let biasRange = Network.Limits.biasBits
        for case let b? in biasBits where !biasRange.contains(b) {
            throw .invalidOption(option: "--bias-bits", message: "\(b) is out of range \(biasRange.lowerBound)...\(biasRange.upperBound)")
        }
        let limits = Network.Limits.accumulatorBits
        for bits in accBits where !limits.contains(bits) {
            throw .invalidOption(option: "--acc-bits", message: "\(bits) is out of range \(limits.lowerBound)...\(limits.upperBound)")
        }
        let B = network.timeSteps
        let rotRange = Network.Limits.rot(timeSteps: B)
        for case let r? in rot where !rotRange.contains(r) {
            throw .invalidOption(option: "--rot", message: "\(r) is out of range \(rotRange.lowerBound)...\(rotRange.upperBound) "
                + "(timeSteps \(B) of \(networkFile))")
        }
        let drloRange = Network.Limits.drlo(timeSteps: B)
        for case let d? in drlo where !drloRange.contains(d) {
            throw .invalidOption(option: "--drlo", message: "\(d) is out of range \(drloRange.lowerBound)...\(drloRange.upperBound) "
                + "(timeSteps \(B) of \(networkFile))")
        }
        if rot.contains(where: { $0 != nil }) || drlo.contains(where: { $0 != nil }),
           sparsifiedLayers.layers(depth: network.depth) == nil {
            throw .invalidOption(option: "--rot/--drlo", message: "\(networkFile) has a single layer, which is its output "
                + "layer; add --sparsify-output to sparsify it")
        }
        if !(1...64).contains(jobs) {
            throw .invalidOption(option: "--jobs", message: "\(jobs) is out of range 1...64")
        }
        if scaled.contains(.auto), let index = network.layers.firstIndex(where: { $0.shift != 0 }) {
            throw .invalidOption(option: "--scaled auto", message: "scaled integration starts from shift 0, but "
                + "\(networkFile) has layers[\(index)].shift \(network.layers[index].shift)")
        }
        if scaled.contains(.auto) {
            guard let calibration else {
                throw .invalidOption(option: "--calibration", message: "--scaled auto chooses its shifts on a calibration "
                    + "set, never on the scored samples (\(inputsFile)); name one with --calibration FILE")
            }
            let shared = calibration.sharedSamples(with: inputs.samples)
            if shared > 0 {
                throw .invalidOption(option: "--calibration", message: "\(calibration.file): \(shared) of the "
                    + "\(inputs.count) scored samples of \(inputsFile) are also in the calibration set; scaled "
                    + "integration must not be calibrated on the samples it is scored on")
            }
        } else if let calibration {
            throw .invalidOption(option: "--calibration", message: "\(calibration.file) is used only with --scaled auto")
        }
        for (option, value) in [("--sop-pj", energy.sopPicojoules), ("--mac-pj", energy.macPicojoules)]
        where !EnergyModel.isValidPicojoules(value) {
            throw .invalidOption(option: option, message: "\(value) is out of range: picojoules per operation must be "
                + "finite, greater than 0 and at most 1e6")
        }
        if outputDirectory.isEmpty {
            throw .invalidOption(option: "--out", message: "the folder name is empty")
        }
    }
}
