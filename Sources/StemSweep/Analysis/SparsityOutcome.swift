/// One sparsification setting of `stemsim analyze` and what it does: the per-layer RoT/DRLO
/// settings, the accuracy and the SOPs, counted with and without the input layer's spikes.
public struct SparsityOutcome: Sendable, Equatable {
    /// The setting of each sparsified layer, in ``NetworkAnalysis/sparsifiedLayers`` order.
    public var settings: [LayerSparsity]
    /// Samples classified correctly (against the labels, or without labels: predictions equal
    /// to those of the unsparsified network).
    public var correct: Int
    public var samples: Int
    /// SOPs of all layers' spikes, the input layer's included.
    public var totalSOPs: Int
    /// SOPs of the spikes of layers `1...L` (the input layer's excluded; the output layer's cost
    /// none): the count the paper's Fig. 12 uses.
    public var hiddenSOPs: Int

    public init(settings: [LayerSparsity], correct: Int, samples: Int, totalSOPs: Int, hiddenSOPs: Int) {
        self.settings = settings
        self.correct = correct
        self.samples = samples
        self.totalSOPs = totalSOPs
        self.hiddenSOPs = hiddenSOPs
    }

    /// Accuracy in percent.
    public var accuracyPercent: Double { 100 * Double(correct) / Double(samples) }

    /// The settings as `c1=r2 c2=- ...`, with the layers' names.
    public func settingsText(names: [String]) -> String {
        zip(names, settings).map { "\($0)=\($1)" }.joined(separator: " ")
    }

    /// Accuracy lost against `baseline`, in percentage points (negative: gained).
    public func lossPoints(against baseline: SparsityOutcome) -> Double {
        baseline.accuracyPercent - accuracyPercent
    }

    /// `1 - totalSOPs / baseline's`, in percent.
    public func totalReductionPercent(against baseline: SparsityOutcome) -> Double {
        baseline.totalSOPs == 0 ? 0 : 100 * (1 - Double(totalSOPs) / Double(baseline.totalSOPs))
    }

    /// `1 - hiddenSOPs / baseline's`, in percent.
    public func hiddenReductionPercent(against baseline: SparsityOutcome) -> Double {
        baseline.hiddenSOPs == 0 ? 0 : 100 * (1 - Double(hiddenSOPs) / Double(baseline.hiddenSOPs))
    }
}
