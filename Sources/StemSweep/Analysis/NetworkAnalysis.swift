import StemModel

/// `stemsim analyze`: the SDANN paper's figures and tables that do not need the RTL, computed on
/// the golden model for one network and one set of inputs (docs/paper.md):
///
/// - Fig. 7(a): the potentials of the first dense layer (the first layer when there is none) at
///   the end of each window, without scaled integration, against the range of a `markedBits`
///   accumulator;
/// - Fig. 8: how the 1-bits of each layer's values spread over the bit positions (the plot
///   shows the first conv layer, else the first layer);
/// - Fig. 12: spikes and SOPs per layer, with totals with and without the input layer;
/// - Tables IV-VII: the same RoT factor, or the same DRLO limit, on every sparsified layer;
/// - Table VIII: a hybrid per-layer setting found by ``HybridSearch``;
/// - Table IX: the SOP energy against the quantized ANN's MAC energy (``EnergyModel``).
///
/// The sparsified layers are `1...L-1` (the output layer's spikes go to the host and cost no
/// SOP). The baseline is the network with RoT and DRLO off on them. Without labels, "accuracy"
/// is agreement with the baseline's predictions.
public struct NetworkAnalysis: Sendable {
    public var configuration: AnalysisConfiguration
    /// Layer names for `0...L` (`input`, then each layer's name, or `l<n>` when it has none).
    public var layerNames: [String]
    /// The layers RoT and DRLO are applied to (`1...L-1`).
    public var sparsifiedLayers: [Int]
    /// The baseline run (RoT and DRLO off on the sparsified layers).
    public var profile: SpikeProfile
    public var baseline: SparsityOutcome
    /// Fig. 7(a): the layer, and its window-end potentials without scaled integration (every
    /// shift 0, a 48-bit accumulator).
    public var sumsLayer: Int
    public var sums: [Int64]
    /// The width that layer's accumulator needed in that run (the largest `|V|` over all steps).
    public var sumsBitsNeeded: Int
    /// Fig. 8: the layer the plot shows.
    public var bitsLayer: Int
    /// Tables IV and V: RoT factor `r` on every sparsified layer, `r = 1...B-1`.
    public var rot: [SparsityOutcome]
    /// Tables VI and VII: DRLO limit `K` on every sparsified layer, `K = B-1...1`.
    public var drlo: [SparsityOutcome]
    /// Table VIII: the hybrid search's accepted steps (the last is the result).
    public var hybrid: [HybridSearch.Step]

    /// The samples.
    public var samples: Int { configuration.inputs.count }
    public var hasLabels: Bool { configuration.inputs.labels != nil }
    public var network: Network { configuration.network }
    /// Multiply-accumulates per sample of the quantized ANN.
    public var macsPerSample: Int { EnergyModel.macsPerSample(configuration.network) }
    /// The hybrid result (the baseline when the search found no move).
    public var hybridResult: SparsityOutcome { hybrid.last?.outcome ?? baseline }

    /// The first layer with a dense connection, else layer 1.
    public static func firstDenseLayer(of network: Network) -> Int {
        (network.layers.firstIndex { $0.inputs.contains { $0.kind == .dense } } ?? 0) + 1
    }

    /// The first layer with a conv connection, else layer 1.
    public static func firstConvLayer(of network: Network) -> Int {
        (network.layers.firstIndex { $0.inputs.contains { $0.kind == .conv } } ?? 0) + 1
    }

    /// Runs every part. `progress` receives a line per golden run or search round.
    /// - Throws: ``SweepError`` for bad options, ``FormatError``/``EngineError`` if the golden
    ///   model cannot run the network.
    public static func run(_ configuration: AnalysisConfiguration, progress: @escaping (String) -> Void = { _ in })
    throws -> NetworkAnalysis {
        try configuration.validate()
        let network = configuration.network
        let depth = network.depth
        let B = network.timeSteps
        let layers = depth >= 2 ? Array(1..<depth) : []
        let samples = configuration.inputs.samples
        let names = ["input"] + network.layers.enumerated().map { $1.name.isEmpty ? "l\($0 + 1)" : $1.name }

        progress("baseline run (\(samples.count) samples)")
        let plain = network.sparsified(layers.map { _ in .off }, layers: layers)
        let profile = try SpikeProfile.run(plain, samples: samples)
        let labels = configuration.inputs.labels ?? profile.predictions
        func outcome(_ settings: [LayerSparsity], _ p: SpikeProfile) -> SparsityOutcome {
            SparsityOutcome(settings: settings, correct: p.correct(labels), samples: samples.count,
                            totalSOPs: p.totalSOPs, hiddenSOPs: p.hiddenSOPs)
        }
        let baseline = outcome(layers.map { _ in .off }, profile)

        let sumsLayer = firstDenseLayer(of: network)
        progress("potentials of \(names[sumsLayer]) without scaled integration")
        var unscaled = plain
        unscaled.accumulatorBits = Network.Limits.accumulatorBits.upperBound
        for l in unscaled.layers.indices { unscaled.layers[l].shift = 0 }
        let sumsProfile = try SpikeProfile.run(unscaled, samples: samples, potentialsOfLayer: sumsLayer)

        let evaluate: @Sendable ([LayerSparsity]) throws -> SparsityOutcome = { settings in
            let p = try SpikeProfile.run(network.sparsified(settings, layers: layers), samples: samples)
            return SparsityOutcome(settings: settings, correct: p.correct(labels), samples: samples.count,
                                   totalSOPs: p.totalSOPs, hiddenSOPs: p.hiddenSOPs)
        }
        var rot: [SparsityOutcome] = [], drlo: [SparsityOutcome] = []
        var hybrid: [HybridSearch.Step] = []
        if !layers.isEmpty {
            progress("RoT 1...\(B - 1) and DRLO \(B - 1)...1 on every hidden layer (\(2 * (B - 1)) runs)")
            let uniform = (1..<B).map { r in layers.map { _ in LayerSparsity(rot: r) } }
                + (1..<B).reversed().map { k in layers.map { _ in LayerSparsity(drlo: k) } }
            let outcomes = try HybridSearch.parallelMap(uniform, jobs: configuration.jobs, evaluate)
            rot = Array(outcomes.prefix(B - 1))
            drlo = Array(outcomes.suffix(B - 1))
            let search = HybridSearch(timeSteps: B, layerCount: layers.count, maxLoss: configuration.maxLoss,
                                      jobs: configuration.jobs)
            hybrid = try search.run(baseline: baseline, evaluate: evaluate) { round, lines in
                progress("hybrid search round \(round): \(lines) lines of stronger settings")
            }
        }
        return NetworkAnalysis(
            configuration: configuration, layerNames: names, sparsifiedLayers: layers, profile: profile,
            baseline: baseline, sumsLayer: sumsLayer, sums: sumsProfile.windowEndPotentials ?? [],
            sumsBitsNeeded: sumsProfile.layerStatistics[sumsLayer - 1].bitsNeeded,
            bitsLayer: firstConvLayer(of: network), rot: rot, drlo: drlo, hybrid: hybrid)
    }
}
