import StemModel

/// The energy estimate of a sweep and of `stemsim analyze`: synaptic operations of the spiking
/// network against the multiply-accumulates of the quantized ANN, each at a fixed energy per
/// operation.
///
/// The defaults (``paper``) are the SDANN paper's 45 nm figures, which it takes from its
/// reference [33] (M. Horowitz, "Computing's energy problem", ISSCC 2014): **0.03 pJ per 8-bit
/// integer add** (one synaptic operation, an accumulate) and **0.23 pJ per 8-bit integer
/// multiply-accumulate** (0.2 pJ multiply + 0.03 pJ add). Both are set on the command line with
/// `--sop-pj` and `--mac-pj` and recorded in every output.
///
/// MACs are counted the way a dense ANN accelerator works: every synapse of every connection,
/// zero weight or not, is one multiply-accumulate per sample (``macsPerSample(_:)``: `inputs *
/// neurons` of a dense layer, 6464 per sample for the 64-64-32-10 digits network; the kernel taps
/// that lie inside the source for a conv or pool connection; one per neuron for an identity
/// shortcut), the same synapses the spiking side counts SOPs on; bias additions, requantization
/// and activation functions are not counted on either side. SOPs are docs/stem-spec.md section
/// 9: one per nonzero synapse a spike reaches.
public struct EnergyModel: Sendable, Equatable {
    /// Picojoules per synaptic operation (an accumulate; the paper: an 8-bit integer add).
    public var sopPicojoules: Double
    /// Picojoules per multiply-accumulate of the quantized ANN (the paper: an 8-bit integer MAC).
    public var macPicojoules: Double

    public init(sopPicojoules: Double, macPicojoules: Double) {
        self.sopPicojoules = sopPicojoules
        self.macPicojoules = macPicojoules
    }

    /// The SDANN paper's figures: 0.03 pJ per 8-bit add, 0.23 pJ per 8-bit MAC.
    public static let paper = EnergyModel(sopPicojoules: 0.03, macPicojoules: 0.23)

    /// Where ``paper``'s figures come from, for the outputs.
    public static let paperSource = "SDANN paper, after Horowitz (ISSCC 2014), 45 nm: 0.03 pJ per 8-bit integer add "
        + "(one SOP), 0.23 pJ per 8-bit integer MAC (0.2 pJ multiply + 0.03 pJ add)"

    /// Where this model's figures come from: ``paperSource``, or that they were set on the
    /// command line.
    public var source: String {
        self == .paper ? Self.paperSource : "set on the command line (--sop-pj \(sopPicojoules), --mac-pj \(macPicojoules))"
    }

    /// The allowed values of `--sop-pj` and `--mac-pj`: finite and greater than 0 (at most
    /// 1e6 pJ, a sanity bound that keeps every product finite).
    public static func isValidPicojoules(_ value: Double) -> Bool { value.isFinite && value > 0 && value <= 1e6 }

    /// The multiply-accumulates of one sample through `network`'s quantized ANN: every synapse
    /// of every connection (``Connection/synapseCount(from:to:)``).
    public static func macsPerSample(_ network: Network) -> Int {
        var total = 0
        for (index, layer) in network.layers.enumerated() {
            for connection in layer.inputs {
                let source = network.source(of: connection, inLayer: index + 1)
                total += connection.synapseCount(from: network.shape(ofLayer: source), to: layer.shape)
            }
        }
        return total
    }

    /// `sops` at ``sopPicojoules``, in microjoules.
    public func energyMicrojoules(sops: Int) -> Double { Double(sops) * sopPicojoules * 1e-6 }

    /// `macs` at ``macPicojoules``, in microjoules.
    public func energyMicrojoules(macs: Int) -> Double { Double(macs) * macPicojoules * 1e-6 }
}
