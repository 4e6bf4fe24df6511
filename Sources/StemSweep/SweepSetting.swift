import StemModel

/// Everything that identifies a sweep point except the accumulator width: one line of the
/// accuracy plot.
public struct SweepSetting: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Scaled integration off or automatic.
    public var scaled: ScaledIntegration
    /// What the accumulator does on overflow.
    public var overflow: OverflowMode
    /// The RoT factor given to the sparsified layers, or nil to keep the network's own.
    public var rot: Int?
    /// The DRLO limit given to the sparsified layers, or nil to keep the network's own.
    public var drlo: Int?
    /// The network's `biasBits` (the RTL's `BiasBits`), or nil to keep the network's own.
    public var biasBits: Int?

    public init(scaled: ScaledIntegration, overflow: OverflowMode, rot: Int? = nil, drlo: Int? = nil,
                biasBits: Int? = nil) {
        self.scaled = scaled
        self.overflow = overflow
        self.rot = rot
        self.drlo = drlo
        self.biasBits = biasBits
    }

    /// The sparsification part alone (what the QANN reference depends on).
    public var sparsification: Sparsification { Sparsification(rot: rot, drlo: drlo) }

    /// `scaled auto, wrap` (plus `, rot 1, drlo 2` and `, bias 16 bits` when they are set).
    public var description: String {
        "scaled \(scaled.rawValue), \(overflow.rawValue)" + sparsification.suffix + (biasBits.map { ", bias \($0) bits" } ?? "")
    }

    public static func < (a: SweepSetting, b: SweepSetting) -> Bool {
        let oa = OverflowMode.allCases.firstIndex(of: a.overflow)!
        let ob = OverflowMode.allCases.firstIndex(of: b.overflow)!
        if a.biasBits != b.biasBits { return (a.biasBits ?? -1) < (b.biasBits ?? -1) }
        if a.sparsification != b.sparsification { return a.sparsification < b.sparsification }
        if a.overflow != b.overflow { return oa < ob }
        return a.scaled < b.scaled
    }
}

/// The RoT factor and DRLO limit a sweep point gives the sparsified layers (nil: the
/// network's own values).
public struct Sparsification: Hashable, Sendable, Comparable {
    public var rot: Int?
    public var drlo: Int?

    public init(rot: Int? = nil, drlo: Int? = nil) {
        self.rot = rot
        self.drlo = drlo
    }

    /// Whether the network's own values are kept.
    public var isUnchanged: Bool { rot == nil && drlo == nil }

    /// `, rot 1, drlo 2`, or empty when unchanged.
    public var suffix: String {
        (rot.map { ", rot \($0)" } ?? "") + (drlo.map { ", drlo \($0)" } ?? "")
    }

    /// `rot 1, drlo 2`, `rot 1`, or `as in the network`.
    public var label: String {
        isUnchanged ? "as in the network" : String(suffix.dropFirst(2))
    }

    /// `network` with `rot`/`drlo` set on `layers` (other layers and nil values untouched).
    public func apply(to network: Network, layers: SparsifiedLayers) -> Network {
        guard !isUnchanged, let range = layers.layers(depth: network.depth) else { return network }
        var result = network
        for l in range {
            if let rot { result.layers[l - 1].rot = rot }
            if let drlo { result.layers[l - 1].drlo = drlo }
        }
        return result
    }

    public static func < (a: Sparsification, b: Sparsification) -> Bool {
        ((a.rot ?? -1), (a.drlo ?? -1)) < ((b.rot ?? -1), (b.drlo ?? -1))
    }
}

/// The parameters of one sweep point: an accumulator width and a setting. The point's
/// identity when a sweep is resumed.
public struct SweepPointParameters: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `AccBits`.
    public var accBits: Int
    public var setting: SweepSetting

    public init(accBits: Int, setting: SweepSetting) {
        self.accBits = accBits
        self.setting = setting
    }

    public init(accBits: Int, scaled: ScaledIntegration, overflow: OverflowMode, rot: Int? = nil, drlo: Int? = nil,
                biasBits: Int? = nil) {
        self.init(accBits: accBits, setting: SweepSetting(scaled: scaled, overflow: overflow, rot: rot, drlo: drlo,
                                                          biasBits: biasBits))
    }

    /// A file-name stem: `acc16-auto-wrap`, `acc16-none-saturate-rot1-drlo2`, `acc16-auto-wrap-bias16`.
    public var name: String {
        "acc\(accBits)-\(setting.scaled.rawValue)-\(setting.overflow.rawValue)"
            + (setting.rot.map { "-rot\($0)" } ?? "") + (setting.drlo.map { "-drlo\($0)" } ?? "")
            + (setting.biasBits.map { "-bias\($0)" } ?? "")
    }

    /// `16 bits, scaled auto, wrap` (plus the sparsification).
    public var description: String { "\(accBits) bits, \(setting)" }

    public static func < (a: SweepPointParameters, b: SweepPointParameters) -> Bool {
        if a.setting != b.setting { return a.setting < b.setting }
        return a.accBits < b.accBits
    }
}
