import Foundation
import StemSupport
import Testing
@testable import StemRTL

/// The toy hardware of Fixtures/toy (a stand-in for stem_mesh with a working shim), and
/// helpers shared by the bridge tests.
enum ToyModel {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/toy")

    static let header = "Sources/CStemShim/include/stem_shim.h"
    /// Every library is compiled with `-include stem_verilator_output.h` (ModelBuilder).
    static let outputHeader = "Sources/CStemShim/include/stem_verilator_output.h"
    static let shim = "Sources/CStemShim/shim/toy_shim.cpp"
    static let rtl = "rtl/toy_mesh.sv"

    /// The toy's sources with the real stem_shim.h; `edit` may change any file's text.
    static func sources(edit: (inout [String: String]) -> Void = { _ in }) -> HardwareSources {
        var texts: [String: String] = [
            "rtl/toy_pkg.sv": read("rtl/toy_pkg.sv"),
            rtl: read("rtl/toy_mesh.sv"),
            shim: read("shim/toy_shim.cpp"),
        ]
        texts[header] = HardwareSources.embedded.file(atPath: header)?.text ?? ""
        texts[outputHeader] = HardwareSources.embedded.file(atPath: outputHeader)?.text ?? ""
        edit(&texts)
        return HardwareSources(files: texts.map { HardwareSources.File(path: $0.key, text: $0.value) })
    }

    static func read(_ relative: String) -> String {
        (try? String(contentsOf: fixtures.appendingPathComponent(relative), encoding: .utf8)) ?? ""
    }

    /// The standard layout with the toy's top module and shim in place of the real ones.
    static let layout: HardwareLayout = {
        var layout = HardwareLayout.standard
        layout.leadingRTLFiles = ["rtl/toy_pkg.sv"]
        layout.topModules = [.mesh: "toy_mesh", .noc: "toy_mesh"]
        layout.shimFiles = [.mesh: [shim], .noc: [shim]]
        return layout
    }()

    static func builder(cache: URL, sources: HardwareSources = ToyModel.sources(),
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> ModelBuilder {
        ModelBuilder(sources: sources, layout: layout, cache: ModelCache(directory: cache),
                     environment: environment, jobs: 2)
    }

    /// This process's folder for test files; folders of test processes that are gone are
    /// removed when it is first used.
    static let scratch: URL = {
        let fm = FileManager.default
        let base = fm.temporaryDirectory
        for name in (try? fm.contentsOfDirectory(atPath: base.path)) ?? [] where name.hasPrefix("stemrtl-tests-") {
            if let pid = Int32(name.dropFirst("stemrtl-tests-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? fm.removeItem(at: base.appendingPathComponent(name))
            }
        }
        return base.appendingPathComponent("stemrtl-tests-\(ProcessInfo.processInfo.processIdentifier)")
    }()

    /// A fresh, empty folder under this process's test folder.
    static func temporaryFolder(_ name: String) -> URL {
        let url = scratch.appendingPathComponent(name + "-" + UUID().uuidString.prefix(8))
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let verilatorAvailable =
        ProcessRunner.findExecutable(named: "verilator", searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil

    static let verilatorMissingMessage: Comment =
        "verilator is not on PATH, so the tests that build models cannot run (apt-get install verilator)"

    /// The shared cache of the toy builds most tests load (built on first use).
    static let sharedCache = temporaryFolder("shared-cache")
}
