import Foundation
import Testing
@testable import StemRTL

@Suite struct HardwareSourcesTests {
    @Test func embeddedSourcesHoldTheShimHeader() throws {
        let header = try #require(HardwareSources.embedded.file(atPath: "Sources/CStemShim/include/stem_shim.h"))
        #expect(header.text.contains("STEM_SHIM_ABI_VERSION"))
        #expect(HardwareSources.embedded.origin == .embedded)
    }

    @Test func currentUsesEmbeddedSourcesWithoutTheVariable() throws {
        let sources = try HardwareSources.current(environment: [:])
        #expect(sources == HardwareSources.embedded)
    }

    @Test func directoryWithoutRTLIsRejectedClearly() throws {
        let folder = ToyModel.temporaryFolder("no-rtl")
        #expect {
            try HardwareSources.current(environment: ["STEM_RTL_DIR": folder.path])
        } throws: { error in
            let text = "\(error)"
            return text.contains(folder.path) && text.contains("no rtl/ folder") && text.contains("STEM_RTL_DIR")
        }
    }

    @Test func directoryIsReadLikeThePluginReadsIt() throws {
        let root = ToyModel.temporaryFolder("checkout")
        let files = [
            "rtl/a.sv": "module a; endmodule\n",
            "rtl/sub/b.svh": "`define B 1\n",
            "rtl/notes.txt": "not a source\n",
            "Sources/CStemShim/include/stem_shim.h": "/* header */\n",
            "Sources/CStemShim/shim/stem_shim.cpp": "int x;\n",
            "testbenches/driver.cpp": "int main() {}\n",
            "docs/ignored.sv": "module ignored; endmodule\n",
        ]
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let sources = try HardwareSources.current(environment: ["STEM_RTL_DIR": root.path])
        #expect(sources.files.map(\.path) == [
            "Sources/CStemShim/include/stem_shim.h", "Sources/CStemShim/shim/stem_shim.cpp",
            "rtl/a.sv", "rtl/sub/b.svh", "testbenches/driver.cpp",
        ])
        #expect(sources.file(atPath: "rtl/a.sv")?.text == "module a; endmodule\n")
        #expect(sources.origin == .directory(root.standardizedFileURL.path))
    }

    /// The package's own checkout read through STEM_RTL_DIR gives exactly the embedded sources
    /// (so both produce the same cache keys).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: HardwareSourcesTests.packageRoot.appendingPathComponent("rtl").path),
                   "this checkout has no rtl/ folder yet"))
    func checkoutMatchesEmbeddedSources() throws {
        let sources = try HardwareSources(directory: Self.packageRoot)
        #expect(sources.files == HardwareSources.embedded.files)
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func compileOrderPutsConfigAndPackagesFirst() {
        let sources = HardwareSources(files: [
            .init(path: "rtl/stem_mesh.sv", text: ""), .init(path: "rtl/stem_pkg.sv", text: ""),
            .init(path: "rtl/a_core.sv", text: ""), .init(path: "rtl/waivers.vlt", text: ""),
            .init(path: "rtl/defs.svh", text: ""), .init(path: "rtl/sub/x.sv", text: ""),
        ])
        #expect(HardwareLayout.standard.rtlFiles(in: sources) == [
            "rtl/waivers.vlt", "rtl/stem_pkg.sv", "rtl/a_core.sv", "rtl/stem_mesh.sv",
        ])
    }
}
