/// Which layers a sweep's `--rot`/`--drlo` values are applied to.
public enum SparsifiedLayers: String, Sendable, CaseIterable {
    /// Layers `1...L-1`: the layers whose spikes cost synaptic operations. The output layer's
    /// spikes go to the host (no SOP, docs/stem-spec.md section 9), so sparsifying it saves
    /// nothing and only coarsens the values the prediction is read from.
    case hidden
    /// Every layer `1...L`, the output layer too.
    case all

    /// The layer numbers (`1...L`) of a network of `depth` layers this choice covers.
    public func layers(depth: Int) -> ClosedRange<Int>? {
        switch self {
        case .hidden: depth >= 2 ? 1...(depth - 1) : nil
        case .all: 1...depth
        }
    }
}
