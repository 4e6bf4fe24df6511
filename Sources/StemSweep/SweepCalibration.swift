import StemModel
import StemSupport

/// The samples scaled integration (`--scaled auto`) chooses its shifts on: a calibration set,
/// never the samples the sweep scores (``SweepConfiguration/validate()`` refuses a set that
/// shares a sample with them). For the bundled examples it is the training split,
/// `calibration.json` beside the network.
public struct SweepCalibration: Sendable, Equatable {
    /// The file as the user named it (for messages and `sweep.json`; not part of the key).
    public var file: String
    /// The samples the shifts are chosen on.
    public var samples: [[Int64]]
    /// SHA-256 of the set as stemsim writes it (samples and labels): what the sweep's key holds.
    public var sha256: String

    /// The calibration set `inputs`, read from `file`.
    public init(file: String, inputs: InputSet) {
        self.file = file
        self.samples = inputs.samples
        self.sha256 = SHA256.hash(inputs.jsonText).hexString
    }

    /// The name of the calibration file looked for beside the network when none is given.
    public static let defaultFileName = "calibration.json"

    /// How many of `scored` are also samples of this set.
    public func sharedSamples(with scored: [[Int64]]) -> Int {
        let own = Set(samples)
        return scored.filter { own.contains($0) }.count
    }
}
