import Foundation
import Testing
@testable import StemRTL

/// The one table of the hardware interface (`rtl/stem_interface.json`) and the files generated
/// from it: the committed SystemVerilog and C files must be what `stem-interface` writes now,
/// and the Swift constants (generated at build time) must keep the encoding.
@Suite struct HardwareInterfaceTests {
    /// The repository checkout these tests were built from.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The `stem-interface` tool built beside this test bundle.
    static let tool: String = {
        #if os(Linux)
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        #else
        var folder = Bundle.main.bundleURL.deletingLastPathComponent()
        #endif
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("stem-interface").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("stem-interface").path
    }()

    static func check(_ root: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["check", root.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func committedGeneratedFilesAreCurrent() throws {
        let (status, output) = try Self.check(Self.root)
        #expect(status == 0, "\(output)")
    }

    @Test func aStaleGeneratedFileIsReportedWithTheCommand() throws {
        let copy = ToyModel.temporaryFolder("interface")
        for path in ["rtl/stem_interface.json", "rtl/stem_interface.svh", "Sources/CStemShim/include/stem_hw_interface.h"] {
            let url = copy.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(path), to: url)
        }
        #expect(try Self.check(copy).status == 0)
        let header = copy.appendingPathComponent("Sources/CStemShim/include/stem_hw_interface.h")
        let text = try String(contentsOf: header, encoding: .utf8)
        try text.replacingOccurrences(of: "#define STEM_FLIT_DST_X_LSB 58u", with: "#define STEM_FLIT_DST_X_LSB 57u")
            .write(to: header, atomically: true, encoding: .utf8)
        let (status, output) = try Self.check(copy)
        #expect(status == 1)
        #expect(output.contains("stem_hw_interface.h") && output.contains("swift run stem-interface write"))
    }

    /// A changed build-parameter default in the table makes both committed files stale (the
    /// RTL's Def* localparams and the C header's STEM_DEF_*).
    @Test func aChangedDefaultMakesTheGeneratedFilesStale() throws {
        let copy = ToyModel.temporaryFolder("interface-default")
        for path in ["rtl/stem_interface.json", "rtl/stem_interface.svh", "Sources/CStemShim/include/stem_hw_interface.h"] {
            let url = copy.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Self.root.appendingPathComponent(path), to: url)
        }
        let table = copy.appendingPathComponent("rtl/stem_interface.json")
        let text = try String(contentsOf: table, encoding: .utf8)
        let old = "{\"name\": \"FifoDepth\", \"default\": 4,"
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: "{\"name\": \"FifoDepth\", \"default\": 8,")
            .write(to: table, atomically: true, encoding: .utf8)
        let (status, output) = try Self.check(copy)
        #expect(status == 1)
        #expect(output.contains("stem_interface.svh") && output.contains("stem_hw_interface.h"), "\(output)")
        // A default outside its range is refused.
        try text.replacingOccurrences(of: old, with: "{\"name\": \"FifoDepth\", \"default\": 65,")
            .write(to: table, atomically: true, encoding: .utf8)
        let refused = try Self.check(copy)
        #expect(refused.status == 2 && refused.output.contains("parameter FifoDepth"), "\(refused.output)")
    }

    /// The build-parameter defaults and ranges reach Swift from the table.
    @Test func theBuildParametersComeFromTheTable() {
        let defaults = ModelParameters()
        #expect(defaults.allVerilatorParameters.map(\.value) == [8, 8, 16, 0, 64, 64, 32, 4, 2, 2, 4])
        #expect(ModelParameters.ranges["AccBits"] == 2...48 && ModelParameters.ranges["FifoDepth"] == 2...64)
        #expect(ModelParameters.rtlRanges["FifoDepth"] == 1...64 && ModelParameters.rtlRanges["MeshX"] == 1...16)
        #expect(Set(ModelParameters.ranges.keys) == Set(defaults.allVerilatorParameters.map(\.name)))
    }

    @Test func anIllegalTableIsRefused() throws {
        let copy = ToyModel.temporaryFolder("interface-bad")
        let url = copy.appendingPathComponent("rtl/stem_interface.json")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = try String(contentsOf: Self.root.appendingPathComponent("rtl/stem_interface.json"), encoding: .utf8)
        // The destination x overlapping the to_host bit.
        try text.replacingOccurrences(of: "\"lsb\": 58", with: "\"lsb\": 59").write(to: url, atomically: true, encoding: .utf8)
        let (status, output) = try Self.check(copy)
        #expect(status == 2)
        #expect(output.contains("DstX") && output.contains("bit 62"))
    }

    @Test func theEncodingIsUnchanged() {
        // The layout of docs/hardware-interface.md, written out by hand.
        #expect(Flit.spike(toX: 3, y: 2, axon: 5).bits == 3 << 58 | 2 << 54 | 0xF << 20 | 0xF << 16 | 5)
        let address: UInt64 = 7 << 18 | 4
        let config: UInt64 = 1 << 63 | 1 << 58 | 4 << 54 | address << 32 | 0xDEAD_BEEF
        #expect(Flit.configWrite(toX: 1, y: 4, address: .status(.window), data: 0xDEAD_BEEF).bits == config)
        #expect(TileAddress.fanoutEntry(toHost: true, x: 2, y: 3, axon: 0x1234) == 1 << 31 | 1 << 30 | 2 << 24 | 3 << 20 | 0x1234)
        let flit = Flit(bits: 1 << 62 | 0xAB << 24 | 6 << 20 | 9 << 16 | 77)
        #expect(flit.isToHost && !flit.isConfig && flit.stamp == 0xAB && flit.sourceY == 6 && flit.sourceX == 9 && flit.axon == 77)
        #expect(TileAddress.Status.tileBusy.rawValue == 12)
        #expect(TileAddress.Status.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12])
        #expect(TileAddress.Region.allCases.count == 10 && TileAddress.Register.allCases.count == 10)
        #expect(TileAddress.Region.neuronMultiplier.rawValue == 8 && TileAddress.Region.neuronPostShift.rawValue == 9)
        #expect(TileAddress.Register.signedAxons.rawValue == 9 && HardwareInterface.flagsWidth == 3)
        #expect(HardwareInterface.Flags.perNeuronRequantization.placing(1) == 4 && HardwareInterface.Flags.signedInputs.placing(1) == 2)
        #expect(TileAddress(rawValue: 0x1C_000C).region == .status && TileAddress(rawValue: 0x1C_000C).index == 12)
    }
}
