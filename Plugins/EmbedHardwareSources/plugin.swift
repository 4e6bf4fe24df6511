import Foundation
import PackagePlugin

/// Embeds the hardware sources (rtl/, the C shim, the C++/SystemC testbenches) into the
/// target as `EmbeddedHardwareSources.swift`, so an installed `stemsim` can build models
/// wherever it is copied, and the cache key is the text that was compiled; and generates the
/// Swift constants of the hardware interface (`HardwareInterface.swift`) from
/// `rtl/stem_interface.json`.
@main
struct EmbedHardwareSources: BuildToolPlugin {
    /// Folders (relative to the package) whose files are embedded, and the endings kept.
    static let folders = ["rtl", "Sources/CStemShim", "testbenches"]
    static let endings = [".sv", ".svh", ".v", ".h", ".hpp", ".cpp", ".c", ".vlt", ".f", ".modulemap", ".sh", ".mk"]

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        // The tool lists the folders itself when it runs, so a file added to rtl/ is embedded
        // too; the folders are inputs beside the files so that adding or removing a file
        // (which changes its folder) reruns the command on an incremental build.
        var inputs: [URL] = []
        let fm = FileManager.default
        for folder in Self.folders {
            let base = root.appendingPathComponent(folder)
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: base.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey, .isDirectoryKey]) else { continue }
            inputs.append(base)
            for case let url as URL in walker {
                let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
                if values?.isDirectory == true { inputs.append(url); continue }
                let name = url.lastPathComponent
                guard Self.endings.contains(where: { name.hasSuffix($0) }), values?.isRegularFile == true else { continue }
                inputs.append(url)
            }
        }
        inputs.sort { $0.path < $1.path }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedHardwareSources.swift")
        let tool = try context.tool(named: "embed-sources")
        let table = root.appendingPathComponent("rtl/stem_interface.json")
        let interface = context.pluginWorkDirectoryURL.appendingPathComponent("HardwareInterface.swift")
        let generator = try context.tool(named: "stem-interface")
        return [
            .buildCommand(
                displayName: "Generating the hardware interface constants",
                executable: generator.url,
                arguments: ["swift", table.path, interface.path],
                inputFiles: [table],
                outputFiles: [interface]),
            .buildCommand(
                displayName: "Embedding the hardware sources",
                executable: tool.url,
                arguments: [root.path, output.path, Self.endings.joined(separator: ",")] + Self.folders,
                inputFiles: inputs,
                outputFiles: [output])
        ]
    }
}
