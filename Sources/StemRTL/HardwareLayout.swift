/// Where the hardware sources live and which of them a model build compiles.
///
/// This is the one place that names the real RTL and shim files; everything else in
/// ``ModelBuilder`` derives from it. Tests build toy models by substituting their own layout.
public struct HardwareLayout: Hashable, Sendable {
    /// Folders (relative to the repository root) that make up the hardware sources. Keep in
    /// step with `Plugins/EmbedHardwareSources/plugin.swift`.
    public var sourceFolders: [String]
    /// File name endings kept from those folders (same list as the plugin).
    public var sourceEndings: [String]
    /// The folder whose `.sv`/`.v` files are compiled (not its subfolders); it is also the
    /// Verilog include path (`-I`).
    public var rtlFolder: String
    /// RTL files compiled before the others, in this order (packages); the rest follow sorted
    /// by path. Verilator configuration files (`.vlt`) in ``rtlFolder`` come first of all.
    public var leadingRTLFiles: [String]
    /// The C include folder holding `stem_shim.h` (passed to the C++ compiler).
    public var shimIncludeFolder: String
    /// The folders whose files a model build compiles or includes (the RTL and the shim):
    /// only these are in a model's cache key, so editing a testbench rebuilds no model.
    public var compiledFolders: [String]
    /// The Verilog top module of each top.
    public var topModules: [ModelParameters.Top: String]
    /// The shim C++ files compiled with each top.
    public var shimFiles: [ModelParameters.Top: [String]]
    /// The base name of the shared library a build produces.
    public var libraryName: String

    /// A layout with every field given.
    public init(
        sourceFolders: [String], sourceEndings: [String], rtlFolder: String,
        leadingRTLFiles: [String], shimIncludeFolder: String, compiledFolders: [String],
        topModules: [ModelParameters.Top: String], shimFiles: [ModelParameters.Top: [String]],
        libraryName: String = "libstem_model.so"
    ) {
        self.compiledFolders = compiledFolders
        self.sourceFolders = sourceFolders
        self.sourceEndings = sourceEndings
        self.rtlFolder = rtlFolder
        self.leadingRTLFiles = leadingRTLFiles
        self.shimIncludeFolder = shimIncludeFolder
        self.topModules = topModules
        self.shimFiles = shimFiles
        self.libraryName = libraryName
    }

    /// The repository's layout: `rtl/` with `stem_pkg.sv` first, the shims in
    /// `Sources/CStemShim/shim/`.
    public static let standard = HardwareLayout(
        sourceFolders: ["rtl", "Sources/CStemShim", "testbenches"],
        sourceEndings: [".sv", ".svh", ".v", ".h", ".hpp", ".cpp", ".c", ".vlt", ".f", ".modulemap", ".sh", ".mk"],
        rtlFolder: "rtl",
        leadingRTLFiles: ["rtl/stem_pkg.sv"],
        shimIncludeFolder: "Sources/CStemShim/include",
        compiledFolders: ["rtl", "Sources/CStemShim"],
        topModules: [.mesh: "stem_mesh", .noc: "stem_noc"],
        shimFiles: [
            .mesh: ["Sources/CStemShim/shim/stem_shim.cpp"],
            .noc: ["Sources/CStemShim/shim/stem_noc_shim.cpp"],
        ])

    /// Whether a build compiles or includes the file at `path`.
    public func isCompiled(_ path: String) -> Bool {
        compiledFolders.contains { path.hasPrefix($0 + "/") }
    }

    /// The entry-point symbol a library of `top` exports.
    public static func entrySymbol(for top: ModelParameters.Top) -> String {
        switch top {
        case .mesh: "stem_shim_v1"
        case .noc: "stem_noc_v1"
        }
    }

    /// The RTL files to compile from `sources`, in compile order.
    public func rtlFiles(in sources: HardwareSources) -> [String] {
        let prefix = rtlFolder + "/"
        let direct = sources.files.map(\.path).filter {
            $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/")
        }
        let configs = direct.filter { $0.hasSuffix(".vlt") }.sorted()
        let leading = leadingRTLFiles.filter { direct.contains($0) }
        let rest = direct.filter {
            ($0.hasSuffix(".sv") || $0.hasSuffix(".v")) && !leading.contains($0)
        }.sorted()
        return configs + leading + rest
    }
}
