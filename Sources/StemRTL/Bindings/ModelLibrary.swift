import CStemShim
import Foundation

/// A loaded model library: the `dlopen` handle and the checked function table of its top.
///
/// Opened with `RTLD_NOW | RTLD_LOCAL`, so libraries of several parameter sets (which export
/// the same symbols) live side by side in one process. Models keep their library open.
public final class ModelLibrary: @unchecked Sendable {
    /// The shared library file.
    public let url: URL
    /// The top it was built from (which entry point it exports).
    public let top: ModelParameters.Top

    private let handle: UnsafeMutableRawPointer
    let meshTable: MeshFunctions?
    let nocTable: NocFunctions?

    /// Loads the library at `url` and checks the entry point of `top`.
    ///
    /// - Throws: ``ModelLoadError`` naming the file and what is wrong.
    public init(url: URL, top: ModelParameters.Top) throws(ModelLoadError) {
        let path = url.path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .cannotOpen(path: path, reason: Self.dlerrorMessage())
        }
        let symbol = HardwareLayout.entrySymbol(for: top)
        _ = dlerror()
        guard let address = dlsym(handle, symbol) else {
            let reason = Self.dlerrorMessage()
            dlclose(handle)
            throw .missingSymbol(path: path, symbol: symbol, reason: reason)
        }
        do {
            switch top {
            case .mesh:
                typealias Entry = @convention(c) () -> UnsafePointer<stem_shim_api>?
                guard let table = unsafeBitCast(address, to: Entry.self)() else {
                    throw ModelLoadError.nullTable(path: path, symbol: symbol)
                }
                try Self.check(version: table.pointee.abi_version, size: table.pointee.struct_size,
                               expectedSize: MemoryLayout<stem_shim_api>.size, path: path)
                meshTable = try MeshFunctions(table.pointee, path: path)
                nocTable = nil
            case .noc:
                typealias Entry = @convention(c) () -> UnsafePointer<stem_noc_api>?
                guard let table = unsafeBitCast(address, to: Entry.self)() else {
                    throw ModelLoadError.nullTable(path: path, symbol: symbol)
                }
                try Self.check(version: table.pointee.abi_version, size: table.pointee.struct_size,
                               expectedSize: MemoryLayout<stem_noc_api>.size, path: path)
                nocTable = try NocFunctions(table.pointee, path: path)
                meshTable = nil
            }
        } catch let error as ModelLoadError {
            dlclose(handle)
            throw error
        } catch {
            dlclose(handle)
            throw .cannotOpen(path: path, reason: "\(error)")
        }
        self.url = url
        self.top = top
        self.handle = handle
    }

    deinit {
        dlclose(handle)
    }

    private static func check(version: UInt32, size: UInt32, expectedSize: Int,
                              path: String) throws(ModelLoadError) {
        if version != STEM_SHIM_ABI_VERSION {
            throw .abiVersionMismatch(path: path, found: version, expected: STEM_SHIM_ABI_VERSION)
        }
        if Int(size) != expectedSize {
            throw .structSizeMismatch(path: path, found: size, expected: UInt32(expectedSize))
        }
    }

    private static func dlerrorMessage() -> String {
        guard let message = dlerror() else { return "unknown error" }
        return String(cString: message)
    }
}

/// The functions of a `stem_shim_api` table, checked non-NULL once at load time.
struct MeshFunctions {
    typealias Model = OpaquePointer
    let lastError: @convention(c) (Model?) -> UnsafePointer<CChar>?
    let createError: @convention(c) () -> UnsafePointer<CChar>?
    let create: @convention(c) (UnsafeMutablePointer<Model?>?) -> Int32
    let destroy: @convention(c) (Model?) -> Int32
    let getParams: @convention(c) (Model?, UnsafeMutablePointer<stem_params>?) -> Int32
    let reset: @convention(c) (Model?) -> Int32
    let configure: @convention(c) (Model?, UnsafePointer<UInt64>?, Int) -> Int32
    let configureBackdoor: @convention(c) (Model?, UnsafePointer<UInt32>?, UnsafePointer<UInt32>?,
                                           UnsafePointer<UInt32>?, Int) -> Int32
    let start: @convention(c) (Model?) -> Int32
    let step: @convention(c) (Model?, UnsafePointer<UInt64>?, Int, UnsafeMutablePointer<stem_step_result>?) -> Int32
    let peek: @convention(c) (Model?, UInt32, UInt32, UInt32, UnsafeMutablePointer<Int64>?) -> Int32
    let counters: @convention(c) (Model?, UnsafeMutablePointer<stem_counters>?) -> Int32
    let setCycleLimit: @convention(c) (Model?, UInt64) -> Int32
    let setHostBackpressure: @convention(c) (Model?, UInt32, UInt64) -> Int32
    let traceOpen: @convention(c) (Model?, UnsafePointer<CChar>?, UInt32, UInt64, UInt64) -> Int32
    let traceClose: @convention(c) (Model?) -> Int32
    /// Creating with random initial values (nil in a library whose shim lacks it).
    let createRandomized: (@convention(c) (UnsafeMutablePointer<Model?>?, UInt64) -> Int32)?

    init(_ t: stem_shim_api, path: String) throws(ModelLoadError) {
        func need<F>(_ f: F?, _ name: String) throws(ModelLoadError) -> F {
            guard let f else { throw .missingFunction(path: path, name: name) }
            return f
        }
        lastError = try need(t.last_error, "last_error")
        createError = try need(t.create_error, "create_error")
        create = try need(t.create, "create")
        destroy = try need(t.destroy, "destroy")
        getParams = try need(t.get_params, "get_params")
        reset = try need(t.reset, "reset")
        configure = try need(t.configure, "configure")
        configureBackdoor = try need(t.configure_backdoor, "configure_backdoor")
        start = try need(t.start, "start")
        step = try need(t.step, "step")
        peek = try need(t.peek, "peek")
        counters = try need(t.counters, "counters")
        setCycleLimit = try need(t.set_cycle_limit, "set_cycle_limit")
        setHostBackpressure = try need(t.set_host_backpressure, "set_host_backpressure")
        traceOpen = try need(t.trace_open, "trace_open")
        traceClose = try need(t.trace_close, "trace_close")
        createRandomized = t.create_randomized
    }
}

/// The functions of a `stem_noc_api` table, checked non-NULL once at load time.
struct NocFunctions {
    typealias Noc = OpaquePointer
    let lastError: @convention(c) (Noc?) -> UnsafePointer<CChar>?
    let createError: @convention(c) () -> UnsafePointer<CChar>?
    let create: @convention(c) (UnsafeMutablePointer<Noc?>?) -> Int32
    let destroy: @convention(c) (Noc?) -> Int32
    let getParams: @convention(c) (Noc?, UnsafeMutablePointer<stem_params>?) -> Int32
    let run: @convention(c) (Noc?, UnsafePointer<stem_noc_run>?, UnsafeMutablePointer<stem_noc_result>?) -> Int32
    /// Creating with random initial values.
    let createRandomized: (@convention(c) (UnsafeMutablePointer<Noc?>?, UInt64) -> Int32)?

    init(_ t: stem_noc_api, path: String) throws(ModelLoadError) {
        func need<F>(_ f: F?, _ name: String) throws(ModelLoadError) -> F {
            guard let f else { throw .missingFunction(path: path, name: name) }
            return f
        }
        lastError = try need(t.last_error, "last_error")
        createError = try need(t.create_error, "create_error")
        create = try need(t.create, "create")
        destroy = try need(t.destroy, "destroy")
        getParams = try need(t.get_params, "get_params")
        run = try need(t.run, "run")
        createRandomized = t.create_randomized  // optional: for tests (a toy library may leave it out)
    }
}
