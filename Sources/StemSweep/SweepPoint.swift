import StemModel

/// What one sweep point measured: one row of `sweep.csv`, one entry of `sweep.json`.
///
/// Counts are over the whole run of the point's samples. A figure is nil when the point did not
/// measure it (a failed or infeasible point, no labels, no RTL, no core size).
public struct SweepPoint: Sendable, Equatable {
    /// How the point ended.
    public enum Status: String, Sendable, CaseIterable {
        /// It ran; its figures are complete.
        case ok
        /// Something failed (a build, an engine, a file); ``SweepPoint/reason`` says what.
        /// A resumed sweep runs it again.
        case failed
        /// Scaled integration cannot fit this width (``SweepPoint/reason`` says why); not an
        /// error, and not run again.
        case infeasible
    }

    /// One layer's parameters and what its accumulator saw.
    public struct LayerFigures: Sendable, Equatable {
        /// The scaled-integration shift, multiplier and post-shift the point ran with.
        public var shift: Int
        public var multiplier: Int
        public var postShift: Int
        /// The largest `|V|` (before `fit`) the golden model saw in this layer.
        public var peakMagnitude: Int64?
        /// The accumulator width that holds every such value.
        public var bitsNeeded: Int?
        /// Overflow events in this layer (golden model).
        public var overflows: Int?

        public init(shift: Int, multiplier: Int, postShift: Int, peakMagnitude: Int64? = nil,
                    bitsNeeded: Int? = nil, overflows: Int? = nil) {
            self.shift = shift
            self.multiplier = multiplier
            self.postShift = postShift
            self.peakMagnitude = peakMagnitude
            self.bitsNeeded = bitsNeeded
            self.overflows = overflows
        }
    }

    /// The point's identity.
    public var parameters: SweepPointParameters
    public var status: Status
    /// Why the point failed or is infeasible.
    public var reason: String?
    /// The samples run.
    public var samples: Int
    /// Samples the spiking run (golden model, or the RTL with `--engine rtl`) classified
    /// correctly (nil without labels).
    public var correct: Int?
    /// Samples the RTL classified correctly from its own spike record (with `--engine both`).
    public var rtlCorrect: Int?
    /// Samples the quantized ANN (full width, this point's sparsification) classified correctly.
    public var qannCorrect: Int?
    /// Samples whose spiking prediction equals the quantized ANN's.
    public var qannAgreement: Int?
    /// Samples whose spiking outputs equal the quantized ANN's exactly.
    public var qannMatches: Int?
    /// Steps whose spikes differed between the RTL and the golden model, and the spikes present
    /// on one side only (with `--engine both`; must be 0).
    public var mismatchSteps: Int?
    public var mismatchSpikes: Int?
    /// Overflow events counted by the golden model and by the RTL.
    public var goldenOverflows: Int?
    public var rtlOverflows: Int?
    /// Per layer `1...L`.
    public var layers: [LayerFigures]
    /// Synaptic operations of the run (from its spike record).
    public var sops: Int?
    /// Multiply-accumulates the quantized ANN does for the same samples (``EnergyModel``).
    public var macs: Int?
    /// Clock cycles of the RTL run.
    public var rtlCycles: Int?
    /// The size of one core at this width.
    public var area: CoreArea?
    /// Why the core size is missing, if it is.
    public var areaNote: String?
    /// Wall-clock seconds the point took (its runs, not the builds).
    public var seconds: Double
    /// The network the point ran, relative to the sweep folder.
    public var networkFile: String?

    public init(parameters: SweepPointParameters, status: Status, reason: String? = nil, samples: Int) {
        self.parameters = parameters
        self.status = status
        self.reason = reason
        self.samples = samples
        layers = []
        seconds = 0
    }

    // MARK: Derived figures

    /// `correct / samples`.
    public var accuracy: Double? { correct.map { Double($0) / Double(samples) } }
    /// `qannCorrect / samples`.
    public var qannAccuracy: Double? { qannCorrect.map { Double($0) / Double(samples) } }

    /// The overflow events of the run (the golden model's, or the RTL's without it).
    public var overflows: Int? { goldenOverflows ?? rtlOverflows }

    /// The widest ``LayerFigures/bitsNeeded`` over the layers.
    public var bitsNeeded: Int? {
        let values = layers.compactMap(\.bitsNeeded)
        return values.count == layers.count && !values.isEmpty ? values.max() : nil
    }

    /// Whether the RTL and the golden model disagreed on a spike or on the overflow count.
    public var hasMismatch: Bool {
        (mismatchSteps ?? 0) > 0 || (mismatchSpikes ?? 0) > 0
            || (goldenOverflows != nil && rtlOverflows != nil && goldenOverflows != rtlOverflows)
    }

    /// The spiking run's energy in microjoules at `energy`'s ``EnergyModel/sopPicojoules`` per SOP.
    public func snnEnergyMicrojoules(_ energy: EnergyModel) -> Double? { sops.map { energy.energyMicrojoules(sops: $0) } }
    /// The quantized ANN's energy in microjoules at `energy`'s ``EnergyModel/macPicojoules`` per MAC.
    public func qannEnergyMicrojoules(_ energy: EnergyModel) -> Double? { macs.map { energy.energyMicrojoules(macs: $0) } }
}
