/// The `$timescale` of a VCD file: one time unit is `magnitude` × `unit` (1, 10 or 100 of
/// s, ms, us, ns, ps or fs, as IEEE 1364 allows).
public struct VCDTimescale: Hashable, Sendable, CustomStringConvertible {
    /// The unit of a time scale.
    public enum Unit: String, CaseIterable, Sendable {
        case s, ms, us, ns, ps, fs

        /// The power of ten of one unit in seconds (s = 0, ms = -3, ... fs = -15).
        public var exponent: Int {
            switch self {
            case .s: 0
            case .ms: -3
            case .us: -6
            case .ns: -9
            case .ps: -12
            case .fs: -15
            }
        }
    }

    /// 1, 10 or 100.
    public let magnitude: Int
    public let unit: Unit

    /// A time scale; `magnitude` must be 1, 10 or 100.
    public init(magnitude: Int = 1, unit: Unit) throws {
        guard [1, 10, 100].contains(magnitude) else {
            throw TraceError.invalidArgument(what: "timescale magnitude", value: "\(magnitude)",
                                             allowed: "1, 10 or 100")
        }
        self.magnitude = magnitude
        self.unit = unit
    }

    private init(unchecked magnitude: Int, _ unit: Unit) {
        self.magnitude = magnitude
        self.unit = unit
    }

    /// 1 ns: the golden trace's default (one unit per time step).
    public static let oneNanosecond = VCDTimescale(unchecked: 1, .ns)
    /// 1 ps: what Verilator writes by default.
    public static let onePicosecond = VCDTimescale(unchecked: 1, .ps)

    /// The power of ten of one time unit in seconds, as FST stores it (1 ns = -9, 10 ns = -8).
    public var exponent: Int {
        unit.exponent + (magnitude == 100 ? 2 : magnitude == 10 ? 1 : 0)
    }

    /// `1ns`, `10ps`, ...
    public var description: String { "\(magnitude)\(unit.rawValue)" }

    /// Parses `1ns`, `10 ps`, `100us` (the text of a `$timescale` section).
    public init?(parsing text: String) {
        let compact = text.filter { !$0.isWhitespace }
        let digits = compact.prefix { $0.isNumber }
        guard let magnitude = Int(digits), [1, 10, 100].contains(magnitude),
              let unit = Unit(rawValue: String(compact.dropFirst(digits.count))) else { return nil }
        self.init(unchecked: magnitude, unit)
    }
}
