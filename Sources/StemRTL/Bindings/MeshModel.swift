import CStemShim

/// One instance of a Verilated STEM mesh (`stem_shim_api`), created on init and destroyed on
/// deinit.
///
/// A thin, allocation-light wrapper: every call is one call into the shim, and
/// ``step(hostFlits:into:)`` reuses the caller's buffers. A model is used by one thread at a
/// time; separate models (also of separate libraries) are independent.
///
/// ```swift
/// let model = try MeshModel(library: library)
/// try model.configureBackdoor(writes: writes)
/// try model.start()
/// var result = MeshModel.StepResult()
/// for flits in stimulus { try model.step(hostFlits: flits, into: &result) }
/// ```
public final class MeshModel {
    /// A spike event seen on the spike monitor: a core sent a spike.
    public struct Spike: Hashable, Sendable {
        /// The tile, `y * MeshX + x`.
        public var tile: Int
        /// The neuron's index inside its core.
        public var neuron: Int

        /// A spike of `neuron` on `tile`.
        public init(tile: Int, neuron: Int) {
            self.tile = tile
            self.neuron = neuron
        }
    }

    /// What one time step produced (copied out of the model).
    public struct StepResult: Hashable, Sendable {
        /// Every spike sent by a core, in the order sent.
        public var spikes: [Spike] = []
        /// Every flit that reached the host.
        public var hostFlits: [UInt64] = []
        /// The mesh cycle counter when each host flit arrived.
        public var hostCycles: [UInt64] = []
        /// Clock cycles of this step (pulse to quiescence).
        public var cycles: UInt64 = 0
        /// The global step tau this result belongs to.
        public var step: UInt64 = 0

        /// An empty result, to pass to ``MeshModel/step(hostFlits:into:)``.
        public init() {}
    }

    /// One configuration write through the debug port.
    public struct BackdoorWrite: Hashable, Sendable {
        /// The tile, `y * MeshX + x`.
        public var tile: UInt32
        /// The 22-bit word address in the tile's map.
        public var address: UInt32
        /// The data written.
        public var data: UInt32

        /// A write of `data` to `address` of `tile`.
        public init(tile: UInt32, address: UInt32, data: UInt32) {
            self.tile = tile
            self.address = address
            self.data = data
        }
    }

    /// Running totals since the model was created (`stem_counters`).
    public struct Counters: Hashable, Sendable {
        /// All clock cycles, configuration included.
        public var cycles: UInt64
        /// Cycles inside step() since the last start().
        public var runCycles: UInt64
        /// Steps since the last start().
        public var steps: UInt64
        /// Flits the host injected since the last start().
        public var hostFlitsIn: UInt64
        /// Flits that reached the host since the last start().
        public var hostFlitsOut: UInt64
        /// Spike events on the monitor since the last start().
        public var spikes: UInt64
        /// Configuration writes since create() (both paths).
        public var configWrites: UInt64
    }

    /// The library this model lives in (kept open while the model exists).
    public let library: ModelLibrary
    private let functions: MeshFunctions
    private let handle: OpaquePointer
    /// The shim's result of the last step (a fixed allocation, so no per-step access checks).
    private let raw: UnsafeMutablePointer<stem_step_result>

    /// Creates a model (reset released, unconfigured).
    ///
    /// - Parameter randomSeed: if given, every variable of the RTL starts with a random value
    ///   from this seed instead of zero (Verilator's `randReset(2)`, the shim's
    ///   `create_randomized`), so state the reset does not clear shows up as a mismatch. For
    ///   tests.
    /// - Throws: ``ModelLoadError/wrongTop(path:expected:actual:)`` for a NoC library, or
    ///   ``ShimError`` with the shim's `create_error` message (`STEM_E_STATE` if a seed is
    ///   given and the library's shim cannot randomize).
    public init(library: ModelLibrary, randomSeed: UInt64? = nil) throws {
        guard let functions = library.meshTable else {
            throw ModelLoadError.wrongTop(path: library.url.path, expected: .mesh, actual: library.top)
        }
        let handle = try makeShimHandle(libraryPath: library.url.path, randomSeed: randomSeed, create: functions.create,
                                        createRandomized: functions.createRandomized, createError: functions.createError)
        self.library = library
        self.functions = functions
        self.handle = handle
        raw = .allocate(capacity: 1)
        raw.initialize(to: stem_step_result())
    }

    deinit {
        _ = functions.destroy(handle)
        raw.deallocate()
    }

    @inline(__always)
    private func check(_ status: Int32, _ function: StaticString) throws(ShimError) {
        if status != 0 { throw error(status, function) }
    }

    private func error(_ status: Int32, _ function: StaticString) -> ShimError {
        let message = functions.lastError(handle).map { String(cString: $0) } ?? ""
        return ShimError(status: ShimStatus(code: status), function: "\(function)", message: message)
    }

    // MARK: Parameters

    /// The build-time parameters as the library reports them (`get_params`).
    public func rawParameters() throws(ShimError) -> stem_params {
        var params = stem_params()
        try check(functions.getParams(handle, &params), "get_params")
        return params
    }

    /// The build-time parameters as the library reports them, as ``ModelParameters``.
    public func parameters() throws(ShimError) -> ModelParameters {
        let p = try rawParameters()
        return ModelParameters(
            top: .mesh, timeSteps: Int(p.time_steps), weightBits: Int(p.weight_bits),
            accBits: Int(p.acc_bits), saturate: p.saturate != 0, numNeurons: Int(p.num_neurons),
            numAxons: Int(p.num_axons), biasBits: Int(p.bias_bits), maxFanout: Int(p.max_fanout), meshX: Int(p.mesh_x),
            meshY: Int(p.mesh_y), fifoDepth: Int(p.fifo_depth),
            trace: p.trace_kind == 2 ? .fst : p.trace_kind == 1 ? .vcd : .none)
    }

    // MARK: Configuration

    /// Asserts reset for a few cycles: clears configuration and run state.
    public func reset() throws(ShimError) {
        try check(functions.reset(handle), "reset")
    }

    /// Sends configuration flits through the host port and clocks until the mesh is idle.
    public func configure(flits: [UInt64]) throws(ShimError) {
        let status = flits.withUnsafeBufferPointer { buffer in
            withBase(buffer) { functions.configure(handle, $0, buffer.count) }
        }
        try check(status, "configure")
    }

    /// Writes configuration through the debug port (the backdoor), in order.
    public func configureBackdoor(writes: [BackdoorWrite]) throws(ShimError) {
        try configureBackdoor(tiles: writes.map(\.tile), addresses: writes.map(\.address),
                              data: writes.map(\.data))
    }

    /// Writes configuration through the debug port: `tiles[i]`, `addresses[i]` <- `data[i]`.
    /// The three arrays must have the same length.
    public func configureBackdoor(tiles: [UInt32], addresses: [UInt32], data: [UInt32]) throws(ShimError) {
        guard tiles.count == addresses.count, tiles.count == data.count else {
            throw ShimError(status: .badArgument, function: "configure_backdoor",
                            message: "tiles (\(tiles.count)), addresses (\(addresses.count)) and data (\(data.count)) differ in length")
        }
        let status = tiles.withUnsafeBufferPointer { t in
            addresses.withUnsafeBufferPointer { a in
                data.withUnsafeBufferPointer { d in
                    withBase(t) { tp in
                        withBase(a) { ap in
                            withBase(d) { dp in functions.configureBackdoor(handle, tp, ap, dp, t.count) }
                        }
                    }
                }
            }
        }
        try check(status, "configure_backdoor")
    }

    // MARK: Running

    /// Pulses start and clocks until idle: every core is at window 0, step 0.
    public func start() throws(ShimError) {
        try check(functions.start(handle), "start")
    }

    /// Runs one time step with the host's flits for it and returns what it produced.
    public func step(hostFlits: [UInt64] = []) throws(ShimError) -> StepResult {
        var result = StepResult()
        try step(hostFlits: hostFlits, into: &result)
        return result
    }

    /// Runs one time step, replacing `result`'s contents (its arrays keep their capacity, so a
    /// loop that reuses one result allocates nothing once the arrays have grown).
    public func step(hostFlits: [UInt64], into result: inout StepResult) throws(ShimError) {
        let status = hostFlits.withUnsafeBufferPointer { buffer in
            withBase(buffer) { functions.step(handle, $0, buffer.count, raw) }
        }
        try check(status, "step")
        copyResult(into: &result)
    }

    /// Runs one time step with flits from a buffer (see ``step(hostFlits:into:)``).
    public func step(hostFlits: UnsafeBufferPointer<UInt64>, into result: inout StepResult) throws(ShimError) {
        let status = withBase(hostFlits) { functions.step(handle, $0, hostFlits.count, raw) }
        try check(status, "step")
        copyResult(into: &result)
    }

    @inline(__always)
    private func copyResult(into result: inout StepResult) {
        result.spikes.removeAll(keepingCapacity: true)
        result.hostFlits.removeAll(keepingCapacity: true)
        result.hostCycles.removeAll(keepingCapacity: true)
        let raw = self.raw.pointee
        if raw.num_spikes > 0, let spikes = raw.spikes {
            let buffer = UnsafeBufferPointer(start: spikes, count: raw.num_spikes)
            result.spikes.reserveCapacity(buffer.count)
            for spike in buffer {
                result.spikes.append(Spike(tile: Int(spike.tile), neuron: Int(spike.neuron)))
            }
        }
        if raw.num_host_flits > 0, let flits = raw.host_flits {
            result.hostFlits.append(contentsOf: UnsafeBufferPointer(start: flits, count: raw.num_host_flits))
            if let cycles = raw.host_cycles {
                result.hostCycles.append(contentsOf: UnsafeBufferPointer(start: cycles, count: raw.num_host_flits))
            }
        }
        result.cycles = raw.cycles
        result.step = raw.step
    }

    // MARK: Observing

    /// Reads `count` consecutive debug addresses of one tile (costs no cycle).
    public func peek(tile: Int, address: UInt32, count: Int = 1) throws(ShimError) -> [Int64] {
        guard count >= 0, let tileIndex = UInt32(exactly: tile) else {
            throw ShimError(status: .badArgument, function: "peek", message: "tile \(tile), count \(count): must not be negative")
        }
        if count == 0 { return [] }
        var values = [Int64](repeating: 0, count: count)
        let status = values.withUnsafeMutableBufferPointer { buffer in
            functions.peek(handle, tileIndex, address, UInt32(truncatingIfNeeded: count), buffer.baseAddress)
        }
        try check(status, "peek")
        return values
    }

    /// Reads `values.count` consecutive debug addresses of one tile into `values`.
    public func peek(tile: UInt32, address: UInt32, into values: UnsafeMutableBufferPointer<Int64>) throws(ShimError) {
        try check(functions.peek(handle, tile, address, UInt32(truncatingIfNeeded: values.count), values.baseAddress),
                  "peek")
    }

    /// Running totals.
    public func counters() throws(ShimError) -> Counters {
        var c = stem_counters()
        try check(functions.counters(handle, &c), "counters")
        return Counters(cycles: c.cycles, runCycles: c.run_cycles, steps: c.steps,
                        hostFlitsIn: c.host_flits_in, hostFlitsOut: c.host_flits_out,
                        spikes: c.spikes, configWrites: c.config_writes)
    }

    // MARK: Settings

    /// Cycles a step (or configure/start) may take before failing with
    /// ``ShimStatus/timeout``; 0 restores the default.
    public func setCycleLimit(_ cycles: UInt64) throws(ShimError) {
        try check(functions.setCycleLimit(handle, cycles), "set_cycle_limit")
    }

    /// Holds the host's output ready low with probability `permille`/1000 (a deterministic
    /// sequence from `seed`); 0 turns it off.
    public func setHostBackpressure(permille: UInt32, seed: UInt64 = 1) throws(ShimError) {
        try check(functions.setHostBackpressure(handle, permille, seed), "set_host_backpressure")
    }

    // MARK: Waveforms

    /// Opens a waveform (VCD or FST, as the library was built) recording steps
    /// `fromStep...toStep` (`UInt64.max`: to the end), `depth` hierarchy levels (0 = all).
    /// Fails with ``ShimStatus/badState`` on an untraced build.
    public func openTrace(path: String, depth: UInt32 = 0, fromStep: UInt64 = 0,
                          toStep: UInt64 = .max) throws(ShimError) {
        let status = path.withCString { functions.traceOpen(handle, $0, depth, fromStep, toStep) }
        try check(status, "trace_open")
    }

    /// Flushes and closes the waveform.
    public func closeTrace() throws(ShimError) {
        try check(functions.traceClose(handle), "trace_close")
    }
}

/// Calls `body` with the buffer's base address, or with a valid pointer to a dummy element
/// when the buffer is empty (so the shim never sees NULL for a zero-length array).
@inline(__always)
func withBase<T, R>(_ buffer: UnsafeBufferPointer<T>, _ body: (UnsafePointer<T>) -> R) -> R where T: FixedWidthInteger {
    if let base = buffer.baseAddress { return body(base) }
    var dummy: T = 0
    return withUnsafePointer(to: &dummy) { body($0) }
}
