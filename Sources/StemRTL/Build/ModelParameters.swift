/// The build-time parameters of one Verilated model library (docs/hardware-interface.md,
/// "Build parameters").
///
/// Every distinct value is a separate build and a separate cache entry. The defaults are the
/// documented ones: an 8-step, 8-bit-weight, 16-bit-accumulator, wrapping 2x2 mesh of
/// 64-neuron, 64-axon cores without tracing.
public struct ModelParameters: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The RTL top module a library is built from.
    public enum Top: String, Hashable, Codable, Sendable, CaseIterable {
        /// `stem_mesh`: the cores on the network-on-chip (exports `stem_shim_v1`).
        case mesh
        /// `stem_noc`: the bare network-on-chip (exports `stem_noc_v1`).
        case noc
    }

    /// The waveform format a library can write (a traced model is a separate build).
    public enum Trace: String, Hashable, Codable, Sendable, CaseIterable {
        /// No tracing compiled in (fastest).
        case none
        /// Value change dump (Verilator `--trace`).
        case vcd
        /// GTKWave's fast signal trace (Verilator `--trace-fst`).
        case fst

        /// The value of the shim's `STEM_TRACE` define (`stem_trace_kind`).
        public var shimValue: Int {
            switch self {
            case .none: 0
            case .vcd: 1
            case .fst: 2
            }
        }
    }

    /// The top module.
    public var top: Top
    /// `TimeSteps`: bits per activation, time steps per window (B).
    public var timeSteps: Int
    /// `WeightBits`: the signed weight width.
    public var weightBits: Int
    /// `AccBits`: the width of the membrane potential V.
    public var accBits: Int
    /// `Saturate`: saturate on overflow (true) or wrap (false).
    public var saturate: Bool
    /// `NumNeurons`: neurons per core.
    public var numNeurons: Int
    /// `NumAxons`: inputs per core.
    public var numAxons: Int
    /// `BiasBits`: the signed bias width (the network's `biasBits`).
    public var biasBits: Int
    /// `MaxFanout`: fan-out table entries per neuron.
    public var maxFanout: Int
    /// `MeshX`: tiles along x.
    public var meshX: Int
    /// `MeshY`: tiles along y.
    public var meshY: Int
    /// `FifoDepth`: router input FIFO depth.
    public var fifoDepth: Int
    /// The waveform format compiled in.
    public var trace: Trace
    /// Whether the RTL's simulation assertions are compiled in (Verilator `--assert`): a
    /// failing one stops the run with ``ShimStatus/assertion``, naming the instance, the time
    /// and the message. The tests build with them; runs leave them out unless asked
    /// (`--assertions`).
    public var assertions: Bool = false
    /// A coverage build (Verilator `--coverage-line --coverage-toggle --coverage-user`): the
    /// library counts line, toggle and functional (`cover property`) coverage and writes it
    /// with the shim's `coverage_write` (scripts/coverage.sh, docs/verification.md). Slower;
    /// a separate build and cache entry.
    public var coverage: Bool = false

    /// Parameters with the defaults of `rtl/stem_interface.json` for everything not given.
    public init(
        top: Top = .mesh, timeSteps: Int = Defaults.timeSteps.defaultValue,
        weightBits: Int = Defaults.weightBits.defaultValue, accBits: Int = Defaults.accBits.defaultValue,
        saturate: Bool = Defaults.saturate.defaultValue != 0, numNeurons: Int = Defaults.numNeurons.defaultValue,
        numAxons: Int = Defaults.numAxons.defaultValue, biasBits: Int = Defaults.biasBits.defaultValue,
        maxFanout: Int = Defaults.maxFanout.defaultValue,
        meshX: Int = Defaults.meshX.defaultValue, meshY: Int = Defaults.meshY.defaultValue,
        fifoDepth: Int = Defaults.fifoDepth.defaultValue, trace: Trace = .none, assertions: Bool = false,
        coverage: Bool = false
    ) {
        self.top = top
        self.timeSteps = timeSteps
        self.weightBits = weightBits
        self.accBits = accBits
        self.saturate = saturate
        self.numNeurons = numNeurons
        self.numAxons = numAxons
        self.biasBits = biasBits
        self.maxFanout = maxFanout
        self.meshX = meshX
        self.meshY = meshY
        self.fifoDepth = fifoDepth
        self.trace = trace
        self.assertions = assertions
        self.coverage = coverage
    }

    /// Decodes, taking the default for every field the JSON leaves out.
    public init(from decoder: any Decoder) throws {
        let defaults = ModelParameters()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        top = try c.decodeIfPresent(Top.self, forKey: .top) ?? defaults.top
        timeSteps = try c.decodeIfPresent(Int.self, forKey: .timeSteps) ?? defaults.timeSteps
        weightBits = try c.decodeIfPresent(Int.self, forKey: .weightBits) ?? defaults.weightBits
        accBits = try c.decodeIfPresent(Int.self, forKey: .accBits) ?? defaults.accBits
        saturate = try c.decodeIfPresent(Bool.self, forKey: .saturate) ?? defaults.saturate
        numNeurons = try c.decodeIfPresent(Int.self, forKey: .numNeurons) ?? defaults.numNeurons
        numAxons = try c.decodeIfPresent(Int.self, forKey: .numAxons) ?? defaults.numAxons
        biasBits = try c.decodeIfPresent(Int.self, forKey: .biasBits) ?? defaults.biasBits
        maxFanout = try c.decodeIfPresent(Int.self, forKey: .maxFanout) ?? defaults.maxFanout
        meshX = try c.decodeIfPresent(Int.self, forKey: .meshX) ?? defaults.meshX
        meshY = try c.decodeIfPresent(Int.self, forKey: .meshY) ?? defaults.meshY
        fifoDepth = try c.decodeIfPresent(Int.self, forKey: .fifoDepth) ?? defaults.fifoDepth
        trace = try c.decodeIfPresent(Trace.self, forKey: .trace) ?? defaults.trace
        assertions = try c.decodeIfPresent(Bool.self, forKey: .assertions) ?? defaults.assertions
        coverage = try c.decodeIfPresent(Bool.self, forKey: .coverage) ?? defaults.coverage
    }

    // MARK: Ranges

    /// The build parameters' defaults and ranges, generated from the "parameters" section of
    /// `rtl/stem_interface.json` (the RTL's `Def*` localparams and the C header come from it too).
    public typealias Defaults = HardwareInterface.BuildParameters

    /// The allowed range of every RTL parameter, by its Verilator name (from
    /// `rtl/stem_interface.json`).
    public static let ranges: [String: ClosedRange<Int>] =
        Dictionary(uniqueKeysWithValues: Defaults.all.map { ($0.name, $0.range) })

    /// The ranges the RTL itself accepts (its elaboration-time checks): ``ranges`` but for a
    /// FIFO depth of 1, which the RTL supports (the C++ NoC testbench checks it) and stemsim's
    /// runs leave out. `stemsim cache path --command` prints commands for these.
    public static let rtlRanges: [String: ClosedRange<Int>] =
        Dictionary(uniqueKeysWithValues: Defaults.all.map { ($0.name, $0.rtlRange) })

    /// Index capacity of one address-map region (`addr[17:0]`).
    public static let regionCapacity = 1 << HardwareInterface.indexWidth

    /// Every RTL parameter of the mesh top, by Verilator name, in declaration order.
    public var allVerilatorParameters: [(name: String, value: Int)] {
        [
            ("TimeSteps", timeSteps), ("WeightBits", weightBits), ("AccBits", accBits),
            ("Saturate", saturate ? 1 : 0), ("NumNeurons", numNeurons), ("NumAxons", numAxons),
            ("BiasBits", biasBits), ("MaxFanout", maxFanout), ("MeshX", meshX), ("MeshY", meshY), ("FifoDepth", fifoDepth),
        ]
    }

    /// The `-G` parameters of this build's top: all of them for `stem_mesh`; only `MeshX`,
    /// `MeshY` and `FifoDepth` for `stem_noc`.
    public var verilatorParameters: [(name: String, value: Int)] {
        switch top {
        case .mesh: allVerilatorParameters
        case .noc: allVerilatorParameters.filter { ["MeshX", "MeshY", "FifoDepth"].contains($0.name) }
        }
    }

    /// The parameters with every field the top does not use reset to its default, so that
    /// two values that build the same library compare equal.
    public var normalized: ModelParameters {
        guard top == .noc else { return self }
        return ModelParameters(top: .noc, meshX: meshX, meshY: meshY, fifoDepth: fifoDepth, trace: trace,
                               assertions: assertions, coverage: coverage)
    }

    /// Checks every parameter against its range and the address map's limits.
    ///
    /// - Throws: ``ModelBuildError/invalidParameter(name:value:allowed:)`` naming the first
    ///   parameter out of range.
    public func validate() throws(ModelBuildError) {
        try validate(ranges: Self.ranges)
    }

    /// Checks every parameter against `ranges` (``ranges`` or ``rtlRanges``) and the address
    /// map's limits.
    public func validate(ranges: [String: ClosedRange<Int>]) throws(ModelBuildError) {
        for (name, value) in verilatorParameters {
            guard let range = ranges[name] else { continue }
            if !range.contains(value) {
                throw .invalidParameter(name: name, value: String(value),
                                        allowed: "\(range.lowerBound)...\(range.upperBound)")
            }
        }
        guard top == .mesh else { return }
        if numAxons * numNeurons > Self.regionCapacity {
            throw .invalidParameter(
                name: "NumAxons * NumNeurons", value: "\(numAxons) * \(numNeurons) = \(numAxons * numNeurons)",
                allowed: "at most \(Self.regionCapacity) (the weight region's index space)")
        }
        if numNeurons * maxFanout > Self.regionCapacity {
            throw .invalidParameter(
                name: "NumNeurons * MaxFanout", value: "\(numNeurons) * \(maxFanout) = \(numNeurons * maxFanout)",
                allowed: "at most \(Self.regionCapacity) (the fan-out region's index space)")
        }
    }

    /// `stem_mesh TimeSteps=8 WeightBits=8 ... trace=none`: the top and every parameter the
    /// build uses.
    /// Sets the RTL parameter `name` (its Verilator name, e.g. `AccBits`) to `value`.
    ///
    /// - Throws: ``ModelBuildError/invalidParameter(name:value:allowed:)`` for an unknown name
    ///   (the range is checked by ``validate()``).
    public mutating func set(_ name: String, to value: Int) throws(ModelBuildError) {
        switch name {
        case "TimeSteps": timeSteps = value
        case "WeightBits": weightBits = value
        case "AccBits": accBits = value
        case "Saturate":
            guard value == 0 || value == 1 else {
                throw .invalidParameter(name: name, value: String(value), allowed: "0...1")
            }
            saturate = value == 1
        case "NumNeurons": numNeurons = value
        case "NumAxons": numAxons = value
        case "BiasBits": biasBits = value
        case "MaxFanout": maxFanout = value
        case "MeshX": meshX = value
        case "MeshY": meshY = value
        case "FifoDepth": fifoDepth = value
        default:
            throw .invalidParameter(name: name, value: String(value),
                                    allowed: "one of " + allVerilatorParameters.map(\.name).joined(separator: ", "))
        }
    }

    /// Sets the parameters of `Name=Value` assignments (e.g. `AccBits=24`) and validates them
    /// against `ranges`.
    ///
    /// - Throws: ``ModelBuildError/invalidParameter(name:value:allowed:)`` naming the
    ///   assignment that is malformed, unknown or out of range.
    public mutating func apply(_ assignments: [String], ranges: [String: ClosedRange<Int>] = Self.ranges) throws(ModelBuildError) {
        for assignment in assignments {
            let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let value = Int(parts[1]), !parts[1].hasPrefix("+") else {
                throw .invalidParameter(name: String(parts[0]), value: assignment,
                                        allowed: "Name=Value with a decimal integer value")
            }
            try set(String(parts[0]), to: value)
        }
        try validate(ranges: ranges)
    }

    public var description: String {
        let name = top == .mesh ? "stem_mesh" : "stem_noc"
        let values = verilatorParameters.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        return "\(name) \(values)" + (trace == .none ? "" : " trace=\(trace.rawValue)")
            + (assertions ? " assertions" : "") + (coverage ? " coverage" : "")
    }

    /// The top and the parameters that differ from the defaults, e.g.
    /// `stem_mesh AccBits=24 Saturate=1`, or `stem_mesh (defaults)`.
    public var summary: String {
        let defaults = ModelParameters(top: top).allVerilatorParameters
        var parts: [String] = []
        for (name, value) in verilatorParameters where defaults.first(where: { $0.name == name })?.value != value {
            parts.append("\(name)=\(value)")
        }
        if trace != .none { parts.append("trace=\(trace.rawValue)") }
        if assertions { parts.append("assertions") }
        if coverage { parts.append("coverage") }
        if parts.isEmpty { parts.append("(defaults)") }
        return ([top == .mesh ? "stem_mesh" : "stem_noc"] + parts).joined(separator: " ")
    }
}
