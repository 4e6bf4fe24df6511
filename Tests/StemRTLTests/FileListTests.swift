import Foundation
import Testing
@testable import StemRTL

/// `rtl/stem.f`, the one list of the RTL files every build reads.
@Suite struct FileListTests {
    static func sources(list: String, files: [String]) -> HardwareSources {
        HardwareSources(files: [.init(path: "rtl/stem.f", text: list)]
            + files.map { .init(path: $0, text: "") }
            + [.init(path: "Sources/CStemShim/shim/stem_shim.cpp", text: "")])
    }

    @Test func theRealListNamesEveryRTLFileInItsOrder() throws {
        let sources = HardwareSources.embedded
        let (files, includes) = try HardwareLayout.standard.rtlCompilation(in: sources)
        #expect(files.first == "rtl/stem_pkg.sv")
        #expect(includes == ["rtl"])
        let verilog = sources.files.map(\.path).filter {
            $0.hasPrefix("rtl/") && $0.hasSuffix(".sv") && !$0.dropFirst(4).contains("/")
        }
        #expect(Set(files) == Set(verilog), "every rtl/*.sv is in rtl/stem.f and nothing else")
        #expect(files.count == verilog.count, "no file is listed twice")
        #expect(files.contains("rtl/stem_mesh_router.sv") && !files.contains("rtl/mesh_router.sv"))
        // The command compiles them in this order, right before the shim.
        let arguments = try ModelBuilder(sources: sources, cache: ModelCache(directory: URL(fileURLWithPath: "/tmp")),
                                         environment: [:]).verilatorArguments(for: ModelParameters(), jobs: 1)
        let first = try #require(arguments.firstIndex(of: "rtl/stem_pkg.sv"))
        #expect(Array(arguments[first..<(first + files.count)]) == files)
        #expect(arguments.contains("-Irtl"))
    }

    @Test func theListDecidesTheOrderAndTheIncludeFolders() throws {
        let sources = Self.sources(
            list: "// comment\n+incdir+.+inc\nz_pkg.sv   // the package\n\na.sv\nsub/../b.sv\n",
            files: ["rtl/z_pkg.sv", "rtl/a.sv", "rtl/b.sv", "rtl/unlisted.sv"])
        let (files, includes) = try HardwareLayout.standard.rtlCompilation(in: sources)
        #expect(files == ["rtl/z_pkg.sv", "rtl/a.sv", "rtl/b.sv"])
        #expect(includes == ["rtl", "rtl/inc"])
    }

    @Test func aMissingListedFileIsNamedWithItsLine() {
        let sources = Self.sources(list: "stem_pkg.sv\nstem_gone.sv\n", files: ["rtl/stem_pkg.sv"])
        #expect {
            try HardwareLayout.standard.rtlCompilation(in: sources)
        } throws: { error in
            "\(error)".contains("rtl/stem_gone.sv (listed in rtl/stem.f line 2) is missing")
        }
    }

    @Test func optionsOtherThanIncdirAreRefused() {
        let sources = Self.sources(list: "stem_pkg.sv\n-Wno-fatal\n", files: ["rtl/stem_pkg.sv"])
        #expect {
            try HardwareLayout.standard.rtlCompilation(in: sources)
        } throws: { error in
            "\(error)".contains("rtl/stem.f:2: '-Wno-fatal' is neither a file name nor +incdir+<folder>")
        }
    }
}
