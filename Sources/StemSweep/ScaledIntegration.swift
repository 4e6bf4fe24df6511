/// How a sweep point sets each layer's scaled-integration shift (SDANN Eq. 16-19,
/// docs/stem-spec.md section 3).
public enum ScaledIntegration: String, Sendable, CaseIterable, Comparable {
    /// The layers as the network file has them (shift 0 for a network converted without
    /// scaled integration).
    case none
    /// Per layer the smallest shift that keeps `V` inside the accumulator on the sweep's
    /// inputs, with the requantization corrected to keep the overall scale
    /// (``ScaledIntegrationPlanner``).
    case auto

    public static func < (a: ScaledIntegration, b: ScaledIntegration) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
