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
    /// The file list (`rtl/stem.f`) naming the RTL files in compile order, relative to its
    /// folder; nil: compile ``leadingRTLFiles`` and then every `.sv`/`.v` file of ``rtlFolder``.
    public var fileList: String?
    /// Without a ``fileList``: RTL files compiled before the others, in this order (packages);
    /// the rest follow sorted by path. Verilator configuration files (`.vlt`) in ``rtlFolder``
    /// come first of all.
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
        libraryName: String = "libstem_model.so", fileList: String? = nil
    ) {
        self.fileList = fileList
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

    /// The repository's layout: `rtl/` compiled in the order of `rtl/stem.f`, the shims in
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
        ],
        fileList: "rtl/stem.f")

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

    /// The RTL files to compile from `sources`, in compile order, and the Verilog include
    /// folders: those of ``fileList`` if the layout has one and the sources hold it; else
    /// (sources put together without a list, e.g. an older checkout) ``leadingRTLFiles`` and
    /// the other files of ``rtlFolder`` sorted, with ``rtlFolder`` as the include folder.
    ///
    /// - Throws: ``ModelBuildError/sourcesIncomplete(origin:missing:)`` if a file the list
    ///   names is missing, or the list holds an option other than `+incdir+`.
    public func rtlCompilation(in sources: HardwareSources) throws(ModelBuildError) -> (files: [String], includeFolders: [String]) {
        guard let fileList, let list = sources.file(atPath: fileList) else {
            return (rtlFiles(in: sources), [rtlFolder])
        }
        let folder = fileList.split(separator: "/").dropLast().joined(separator: "/")
        func resolve(_ name: String) -> String {
            var parts = folder.isEmpty ? [] : folder.split(separator: "/").map(String.init)
            for part in name.split(separator: "/").map(String.init) where part != "." {
                if part == "..", !parts.isEmpty { parts.removeLast() } else { parts.append(part) }
            }
            return parts.isEmpty ? "." : parts.joined(separator: "/")
        }
        var files: [String] = []
        var includes: [String] = []
        for (number, raw) in list.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let comment = line.range(of: "//") { line = line[..<comment.lowerBound] }
            let entry = line.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            if entry.hasPrefix("+incdir+") {
                includes += entry.dropFirst("+incdir+".count).split(separator: "+").map { resolve(String($0)) }
            } else if entry.hasPrefix("+") || entry.hasPrefix("-") || entry.contains(" ") {
                throw .sourcesIncomplete(origin: sources.origin.description,
                                         missing: "\(fileList):\(number + 1): '\(entry)' is neither a file name nor +incdir+<folder>")
            } else {
                let path = resolve(entry)
                guard sources.file(atPath: path) != nil else {
                    throw .sourcesIncomplete(origin: sources.origin.description,
                                             missing: "\(path) (listed in \(fileList) line \(number + 1)) is missing")
                }
                files.append(path)
            }
        }
        return (files, includes.isEmpty ? [folder.isEmpty ? "." : folder] : includes)
    }

    /// The RTL files of ``rtlFolder`` in compile order without a file list: the ``.vlt``
    /// files, ``leadingRTLFiles``, then the other `.sv`/`.v` files sorted by path.
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
