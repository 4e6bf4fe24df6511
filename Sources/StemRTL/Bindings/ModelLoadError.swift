/// Why a model library could not be loaded.
public enum ModelLoadError: Error, CustomStringConvertible, Equatable {
    /// `dlopen` failed (the file is missing, not a shared library, or lacks a dependency).
    case cannotOpen(path: String, reason: String)
    /// The library does not export the entry point of the requested top.
    case missingSymbol(path: String, symbol: String, reason: String)
    /// The entry point returned no table.
    case nullTable(path: String, symbol: String)
    /// The library speaks another version of the C ABI.
    case abiVersionMismatch(path: String, found: UInt32, expected: UInt32)
    /// The table's size differs from the header's (built from another stem_shim.h).
    case structSizeMismatch(path: String, found: UInt32, expected: UInt32)
    /// A function pointer in the table is NULL.
    case missingFunction(path: String, name: String)
    /// A model of one top was asked of a library of the other.
    case wrongTop(path: String, expected: ModelParameters.Top, actual: ModelParameters.Top)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot load the model library \(path): \(reason)"
        case .missingSymbol(let path, let symbol, let reason):
            "the model library \(path) does not export \(symbol) (\(reason)); was it built for the other top?"
        case .nullTable(let path, let symbol):
            "the model library \(path): \(symbol)() returned NULL"
        case .abiVersionMismatch(let path, let found, let expected):
            "the model library \(path) implements shim ABI version \(found), but this stemsim needs version \(expected); rebuild it from matching sources (stemsim cache clear)"
        case .structSizeMismatch(let path, let found, let expected):
            "the model library \(path) has a function table of \(found) bytes, but stem_shim.h here says \(expected); it was built from a different stem_shim.h (stemsim cache clear)"
        case .missingFunction(let path, let name):
            "the model library \(path) leaves the shim function \(name) NULL"
        case .wrongTop(let path, let expected, let actual):
            "the model library \(path) was loaded as a \(actual.rawValue) model, not a \(expected.rawValue) model"
        }
    }
}
