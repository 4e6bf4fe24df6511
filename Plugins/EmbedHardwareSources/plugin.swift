import Foundation
import PackagePlugin

/// Embeds the hardware sources (rtl/, the C shim, the C++/SystemC testbenches) into the
/// target as `EmbeddedHardwareSources.swift`, so an installed `stemsim` can build models
/// wherever it is copied, and the cache key is the text that was compiled.
@main
struct EmbedHardwareSources: BuildToolPlugin {
    /// Folders (relative to the package) whose files are embedded, and the endings kept.
    static let folders = ["rtl", "Sources/CStemShim", "testbenches"]
    static let endings = [".sv", ".svh", ".v", ".h", ".hpp", ".cpp", ".c", ".vlt", ".modulemap", ".sh", ".mk"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        var inputs: [URL] = []
        let fm = FileManager.default
        for folder in Self.folders {
            let base = root.appendingPathComponent(folder)
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker {
                let name = url.lastPathComponent
                guard Self.endings.contains(where: { name.hasSuffix($0) }) else { continue }
                let isFile = (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false
                if isFile { inputs.append(url) }
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedHardwareSources.swift")
        let tool = try context.tool(named: "embed-sources")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) hardware source files",
                executable: tool.url,
                arguments: [root.path, output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
