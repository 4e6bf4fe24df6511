import StemModel

/// The energy estimate of a sweep: synaptic operations of the spiking network against the
/// multiply-accumulates of the quantized ANN, at the 45 nm figures the SDANN paper uses
/// (0.03 pJ per accumulate, 0.23 pJ per multiply-accumulate, both 32-bit integer operations).
///
/// MACs are counted the way a dense ANN accelerator works: every weight of every layer, zero or
/// not, is one multiply-accumulate per sample, `sum over layers of inputs * neurons` (6464 per
/// sample for the 64-64-32-10 digits network); bias additions, requantization and activation
/// functions are not counted on either side. SOPs are docs/stem-spec.md section 9: one per
/// nonzero synapse a spike reaches.
public enum EnergyModel {
    /// Picojoules per synaptic operation (an accumulate).
    public static let sopPicojoules = 0.03
    /// Picojoules per multiply-accumulate.
    public static let macPicojoules = 0.23

    /// The multiply-accumulates of one sample through `network`'s quantized ANN.
    public static func macsPerSample(_ network: Network) -> Int {
        network.layers.reduce(0) { $0 + $1.width * $1.inputCount }
    }

    /// `sops` at ``sopPicojoules``, in microjoules.
    public static func energyMicrojoules(sops: Int) -> Double { Double(sops) * sopPicojoules * 1e-6 }

    /// `macs` at ``macPicojoules``, in microjoules.
    public static func energyMicrojoules(macs: Int) -> Double { Double(macs) * macPicojoules * 1e-6 }
}
