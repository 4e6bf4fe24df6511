/// What a sweep's points show, computed from its document: per setting the narrowest width
/// without accuracy loss, the bits scaled integration saves, and the SOP reductions of the
/// sparsification settings. The summary, the table and the plots all read it from here.
public struct SweepAnalysis: Sendable {
    /// One setting's findings.
    public struct SettingFindings: Sendable, Equatable {
        public var setting: SweepSetting
        /// The points of the setting, narrowest first.
        public var points: [SweepPoint]
        /// The narrowest width whose point has no accuracy loss against the QANN (with labels:
        /// at least as many correct samples; without: every prediction equal to the QANN's).
        public var narrowestLossless: Int?
        /// The narrowest width from which on every point that ran has no accuracy loss. Nil if
        /// the widest point loses accuracy.
        public var losslessFrom: Int?
        /// The narrowest width from which on every point's outputs equal the QANN's exactly.
        public var exactFrom: Int?
        /// The narrowest width from which on no point has an overflow event.
        public var overflowFreeFrom: Int?
    }

    public let document: SweepDocument
    /// Per setting, in ``SweepSetting`` order.
    public let settings: [SettingFindings]
    /// For each point that ran with a rot or drlo and whose width and setting also ran with
    /// rot 0 and drlo 0: `1 - sops / sops(rot 0, drlo 0)`.
    public let sopReductions: [SweepPointParameters: Double]

    public init(document: SweepDocument) {
        self.document = document
        var bySetting: [SweepSetting: [SweepPoint]] = [:]
        for point in document.points { bySetting[point.parameters.setting, default: []].append(point) }
        settings = bySetting.keys.sorted().map { setting in
            let points = bySetting[setting]!.sorted { $0.parameters.accBits < $1.parameters.accBits }
            return SettingFindings(
                setting: setting, points: points,
                narrowestLossless: points.first { $0.status == .ok && Self.isLossless($0) }?.parameters.accBits,
                losslessFrom: Self.narrowest(points, where: Self.isLossless),
                exactFrom: Self.narrowest(points) { $0.qannMatches == $0.samples },
                overflowFreeFrom: Self.narrowest(points) { $0.overflows == 0 })
        }
        var baselines: [SweepPointParameters: Int] = [:]
        for point in document.points where point.status == .ok && point.parameters.setting.rot == 0
            && point.parameters.setting.drlo == 0 {
            if let sops = point.sops { baselines[point.parameters] = sops }
        }
        var reductions: [SweepPointParameters: Double] = [:]
        for point in document.points where point.status == .ok && !point.parameters.setting.sparsification.isUnchanged {
            var base = point.parameters
            base.setting.rot = 0
            base.setting.drlo = 0
            if let sops = point.sops, let baseSops = baselines[base], baseSops > 0 {
                reductions[point.parameters] = 1 - Double(sops) / Double(baseSops)
            }
        }
        sopReductions = reductions
    }

    /// No accuracy loss against the point's QANN.
    public static func isLossless(_ point: SweepPoint) -> Bool {
        if let correct = point.correct, let qann = point.qannCorrect { return correct >= qann }
        return point.qannAgreement == point.samples
    }

    /// The narrowest width from which on every point that ran satisfies `condition` (points
    /// that failed or are infeasible are skipped).
    static func narrowest(_ points: [SweepPoint], where condition: (SweepPoint) -> Bool) -> Int? {
        var result: Int?
        for point in points.reversed() where point.status == .ok {
            guard condition(point) else { break }
            result = point.parameters.accBits
        }
        return result
    }

    /// The findings of `setting`, if the sweep has it.
    public func findings(_ setting: SweepSetting) -> SettingFindings? {
        settings.first { $0.setting == setting }
    }

    /// What scaled integration saves in one setting.
    public struct Saving: Sendable, Equatable {
        /// The `auto` setting.
        public var setting: SweepSetting
        /// The findings without and with scaled integration.
        public var none: SettingFindings
        public var auto: SettingFindings

        /// `narrowestLossless(none) - narrowestLossless(auto)`, nil when either has none.
        public var bits: Int? {
            guard let n = none.narrowestLossless, let a = auto.narrowestLossless else { return nil }
            return n - a
        }

        /// `losslessFrom(none) - losslessFrom(auto)`, nil when either has none.
        public var bitsEveryWidth: Int? {
            guard let n = none.losslessFrom, let a = auto.losslessFrom else { return nil }
            return n - a
        }
    }

    /// For each setting swept both with `none` and `auto`: what scaled integration saves.
    public var savings: [Saving] {
        settings.filter { $0.setting.scaled == .auto }.compactMap { auto in
            var plain = auto.setting
            plain.scaled = .none
            return findings(plain).map { Saving(setting: auto.setting, none: $0, auto: auto) }
        }
    }

    /// Whether the sweep varies the sparsification (more than one rot/drlo combination).
    public var sweepsSparsification: Bool {
        Set(document.points.map(\.parameters.setting.sparsification)).count > 1
    }

    /// Points where the RTL and the golden model disagreed.
    public var mismatchedPoints: [SweepPoint] { document.points.filter(\.hasMismatch) }
}
