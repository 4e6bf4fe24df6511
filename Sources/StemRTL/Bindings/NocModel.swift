import CStemShim

/// One instance of a Verilated bare network-on-chip (`stem_noc_api`): routers only, their local
/// ports driven by traffic generators and sinks inside the shim.
///
/// ```swift
/// let library = try builder.load(ModelParameters(top: .noc, meshX: 4, meshY: 4))
/// let noc = try NocModel(library: library)
/// let result = try noc.run(NocModel.Run(pattern: .uniform, rate: 0.1))
/// ```
public final class NocModel {
    /// A synthetic traffic pattern (`stem_noc_pattern`).
    public enum Pattern: UInt32, Hashable, Sendable, CaseIterable {
        /// Destinations uniform over all other tiles.
        case uniform = 0
        /// (x, y) sends to (y, x); tiles on the diagonal do not send.
        case transpose = 1
        /// Half the flits to tile (MeshX/2, MeshY/2), the rest uniform.
        case hotspot = 2
    }

    /// One traffic experiment (`stem_noc_run`).
    public struct Run: Hashable, Sendable {
        /// The traffic pattern.
        public var pattern: Pattern
        /// Offered load: flits per node per cycle, 0...1.
        public var rate: Double
        /// Cycles run before measuring.
        public var warmupCycles: UInt64
        /// Flits generated in this interval are measured.
        public var measureCycles: UInt64
        /// At most this long to deliver the measured flits.
        public var drainCycles: UInt64
        /// Local sinks are not ready with this probability (per mille).
        public var sinkBackpressurePermille: UInt32
        /// The seed of the traffic and backpressure sequences.
        public var seed: UInt64

        /// An experiment; the defaults measure 10 000 cycles after 1 000 of warm-up.
        public init(pattern: Pattern, rate: Double, warmupCycles: UInt64 = 1_000,
                    measureCycles: UInt64 = 10_000, drainCycles: UInt64 = 100_000,
                    sinkBackpressurePermille: UInt32 = 0, seed: UInt64 = 1) {
            self.pattern = pattern
            self.rate = rate
            self.warmupCycles = warmupCycles
            self.measureCycles = measureCycles
            self.drainCycles = drainCycles
            self.sinkBackpressurePermille = sinkBackpressurePermille
            self.seed = seed
        }
    }

    /// What an experiment measured (`stem_noc_result`).
    public struct Result: Hashable, Sendable {
        /// Flits the sources created in the measured interval (the measured flits).
        public var generated: UInt64
        /// Flits that entered the network in the measured interval (fewer than `generated`
        /// past saturation, when the source queues grow).
        public var offered: UInt64
        /// Measured flits delivered by the end of the drain.
        public var delivered: UInt64
        /// Flits that left the network in the measured interval per node per cycle: the
        /// steady-state throughput.
        public var acceptedRate: Double
        /// Mean cycles from generation to delivery (source queueing included).
        public var meanLatency: Double
        /// Mean cycles from entering the router to leaving it.
        public var meanNetworkLatency: Double
        /// The largest latency.
        public var maxLatency: UInt64
        /// Scoreboard: flits delivered at a tile other than their destination.
        public var misrouted: UInt64
        /// Scoreboard: flits delivered more than once.
        public var duplicated: UInt64
        /// Scoreboard: flits out of order within a source/destination pair.
        public var reordered: UInt64
        /// Scoreboard: flits never delivered within the drain time.
        public var lost: UInt64

        /// True when the scoreboard found nothing wrong.
        public var isClean: Bool { misrouted == 0 && duplicated == 0 && reordered == 0 && lost == 0 }
    }

    /// The library this model lives in (kept open while the model exists).
    public let library: ModelLibrary
    private let functions: NocFunctions
    private let handle: OpaquePointer

    /// Creates a NoC model.
    ///
    /// - Parameter randomSeed: if given, every variable of the RTL starts with a random value
    ///   from this seed instead of zero (Verilator's `randReset(2)`, the shim's
    ///   `create_randomized`), so state the reset does not clear shows up in the scoreboard.
    ///   For tests.
    /// - Throws: ``ModelLoadError/wrongTop(path:expected:actual:)`` for a mesh library, or
    ///   ``ShimError`` with the shim's `create_error` message.
    public init(library: ModelLibrary, randomSeed: UInt64? = nil) throws {
        guard let functions = library.nocTable else {
            throw ModelLoadError.wrongTop(path: library.url.path, expected: .noc, actual: library.top)
        }
        let handle = try makeShimHandle(libraryPath: library.url.path, randomSeed: randomSeed, create: functions.create,
                                        createRandomized: functions.createRandomized, createError: functions.createError)
        self.library = library
        self.functions = functions
        self.handle = handle
    }

    deinit {
        _ = functions.destroy(handle)
    }

    private func check(_ status: Int32, _ function: StaticString) throws(ShimError) {
        guard status != 0 else { return }
        let message = functions.lastError(handle).map { String(cString: $0) } ?? ""
        throw ShimError(status: ShimStatus(code: status), function: "\(function)", message: message)
    }

    /// The build-time parameters as the library reports them (`get_params`).
    public func rawParameters() throws(ShimError) -> stem_params {
        var params = stem_params()
        try check(functions.getParams(handle, &params), "get_params")
        return params
    }

    /// Resets the NoC and runs one traffic experiment.
    public func run(_ run: Run) throws(ShimError) -> Result {
        var spec = stem_noc_run(
            pattern: run.pattern.rawValue, rate: run.rate, warmup_cycles: run.warmupCycles,
            measure_cycles: run.measureCycles, drain_cycles: run.drainCycles,
            sink_backpressure_permille: run.sinkBackpressurePermille, seed: run.seed)
        var out = stem_noc_result()
        try check(functions.run(handle, &spec, &out), "run")
        return Result(
            generated: out.generated, offered: out.offered, delivered: out.delivered,
            acceptedRate: out.accepted_rate, meanLatency: out.mean_latency,
            meanNetworkLatency: out.mean_network_latency, maxLatency: out.max_latency,
            misrouted: out.misrouted, duplicated: out.duplicated, reordered: out.reordered, lost: out.lost)
    }
}
