import StemModel

/// The RoT factor and DRLO limit of one layer (docs/stem-spec.md section 6; 0 = off).
public struct LayerSparsity: Sendable, Hashable, CustomStringConvertible {
    public var rot: Int
    public var drlo: Int

    public init(rot: Int = 0, drlo: Int = 0) {
        self.rot = rot
        self.drlo = drlo
    }

    /// Neither RoT nor DRLO.
    public static let off = LayerSparsity()

    /// `-` (off), `r2`, `k3` or `r2k3`.
    public var description: String {
        if rot == 0 && drlo == 0 { return "-" }
        return (rot > 0 ? "r\(rot)" : "") + (drlo > 0 ? "k\(drlo)" : "")
    }

    /// Whether `self` cuts at least as much as `other` in both respects (a larger RoT factor, a
    /// smaller nonzero DRLO limit).
    func isStronger(than other: LayerSparsity, timeSteps: Int) -> Bool {
        let mine = drlo == 0 ? timeSteps : drlo, theirs = other.drlo == 0 ? timeSteps : other.drlo
        return rot >= other.rot && mine <= theirs
    }
}

extension Network {
    /// This network with `settings[i]` on layer `layers[i]` (numbers `1...L`).
    func sparsified(_ settings: [LayerSparsity], layers: [Int]) -> Network {
        var network = self
        for (setting, l) in zip(settings, layers) {
            network.layers[l - 1].rot = setting.rot
            network.layers[l - 1].drlo = setting.drlo
        }
        return network
    }
}
