/// Where a layer adds its bias (docs/stem-spec.md, step 4).
public enum BiasMode: String, Sendable, CaseIterable {
    /// The bias is in output scale and added after requantization (the SDANN paper's
    /// *bias calibration*); `V` starts each window at 0.
    case output
    /// `V` starts each window at `fit(roundShift(bias, shift))`.
    case accumulator
}
