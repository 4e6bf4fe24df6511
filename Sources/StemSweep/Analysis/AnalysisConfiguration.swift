import StemModel

/// What `stemsim analyze` is asked to do: the network and inputs, the accuracy loss the hybrid
/// search may spend, the energy per operation and the parallelism.
public struct AnalysisConfiguration: Sendable {
    public var network: Network
    /// The files as the user named them (for the outputs).
    public var networkFile: String
    public var inputs: InputSet
    public var inputsFile: String
    /// Percentage points of accuracy the hybrid RoT/DRLO search may lose (`--max-loss`).
    public var maxLoss: Double
    /// `--sop-pj`, `--mac-pj`.
    public var energy: EnergyModel
    /// Golden runs at once (`--jobs`).
    public var jobs: Int
    /// The accumulator width Fig. 7(a) marks (the paper's 16 bits).
    public var markedBits: Int

    public init(network: Network, networkFile: String, inputs: InputSet, inputsFile: String, maxLoss: Double = 0.5,
                energy: EnergyModel = .paper, jobs: Int = 2, markedBits: Int = 16) {
        self.network = network
        self.networkFile = networkFile
        self.inputs = inputs
        self.inputsFile = inputsFile
        self.maxLoss = maxLoss
        self.energy = energy
        self.jobs = jobs
        self.markedBits = markedBits
    }

    /// The allowed `--max-loss`: 0 to 100 percentage points.
    public static let maxLossRange = 0.0...100.0

    /// Checks the options.
    /// - Throws: ``SweepError/invalidOption(option:message:)`` naming the option, the value and
    ///   what is allowed.
    public func validate() throws(SweepError) {
        if !maxLoss.isFinite || !Self.maxLossRange.contains(maxLoss) {
            throw .invalidOption(option: "--max-loss", message: "\(maxLoss) is out of range 0...100 (percentage points)")
        }
        for (option, value) in [("--sop-pj", energy.sopPicojoules), ("--mac-pj", energy.macPicojoules)]
        where !EnergyModel.isValidPicojoules(value) {
            throw .invalidOption(option: option, message: "\(value) is out of range: picojoules per operation must be "
                + "finite, greater than 0 and at most 1e6")
        }
        if !(1...64).contains(jobs) { throw .invalidOption(option: "--jobs", message: "\(jobs) is out of range 1...64") }
        if inputs.count == 0 { throw .invalidOption(option: "--inputs", message: "\(inputsFile) holds no samples") }
    }
}
