import CStemShim

/// The shim's C function types for making a handle (`create`, `create_randomized`,
/// `create_error`), the same for the mesh and the bare NoC.
typealias ShimCreate = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?) -> Int32
typealias ShimCreateRandomized = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UInt64) -> Int32
typealias ShimCreateError = @convention(c) () -> UnsafePointer<CChar>?

/// Makes a model handle with `create`, or with `createRandomized` from `randomSeed` (random
/// initial values); a failure is a ``ShimError`` with the shim's `create_error` message, and a
/// library without `create_randomized` says so.
func makeShimHandle(libraryPath: String, randomSeed: UInt64?, create: ShimCreate,
                    createRandomized: ShimCreateRandomized?, createError: ShimCreateError) throws -> OpaquePointer {
    var handle: OpaquePointer?
    let function = randomSeed == nil ? "create" : "create_randomized"
    let status: Int32
    if let randomSeed {
        guard let createRandomized else {
            throw ShimError(status: ShimStatus(code: Int32(STEM_E_STATE.rawValue)), function: function,
                            message: "\(libraryPath) has no create_randomized (an older shim)")
        }
        status = createRandomized(&handle, randomSeed)
    } else {
        status = create(&handle)
    }
    guard status == 0, let handle else {
        let message = createError().map { String(cString: $0) } ?? ""
        throw ShimError(status: ShimStatus(code: status == 0 ? Int32(STEM_E_INTERNAL.rawValue) : status),
                        function: function, message: status == 0 ? "\(function) returned no model" : message)
    }
    return handle
}
