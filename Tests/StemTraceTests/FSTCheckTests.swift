import Foundation
import Testing
@testable import StemTrace

/// Whether GTKWave's converters are installed (Debian: `apt-get install gtkwave`).
let vcd2fstPath = FSTCheck.executable(named: "vcd2fst")
let fst2vcdPath = FSTCheck.fst2vcdPath()

@Suite struct FSTCheckTests {
    /// An FST-shaped byte string: a header block with the given fields, then blocks of the
    /// given types (each with a few payload bytes). Enough for the header and block checks,
    /// which do not decode block contents.
    static func synthetic(start: UInt64 = 3, end: UInt64 = 40, variables: UInt64 = 4, maxHandle: UInt64 = 3,
                          sections: UInt64 = 1, blocks: [UInt8] = [1, 3, 4], length: UInt64 = 329,
                          endian: Double = 2.7182818284590452354, timescale: Int8 = -9) -> [UInt8] {
        func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * (7 - UInt64($0)))) } }
        var bytes: [UInt8] = [0] + u64(length) + u64(start) + u64(end)
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: endian.bitPattern >> (8 * UInt64($0))) }   // little-endian double
        bytes += u64(1 << 27) + u64(2) + u64(variables) + u64(maxHandle) + u64(sections)
        bytes.append(UInt8(bitPattern: timescale))
        var version = [UInt8](repeating: 0, count: 128)
        version.replaceSubrange(0..<9, with: Array("synthetic".utf8))
        bytes += version
        var date = [UInt8](repeating: 0, count: 119)
        date.replaceSubrange(0..<5, with: Array("today".utf8))
        bytes += date
        bytes.append(0)          // file type: Verilog
        bytes += u64(0)          // time zero
        for type in blocks { bytes += [type] + u64(8 + 5) + [1, 2, 3, 4, 5] }
        return bytes
    }

    @Test func acceptsAWellFormedHeader() throws {
        let header = try FSTHeader(bytes: Self.synthetic(), path: "ok.fst")
        #expect(header.startTime == 3 && header.endTime == 40)
        #expect(header.timescaleExponent == -9)
        #expect(header.scopeCount == 2 && header.variableCount == 4 && header.maxHandle == 3)
        #expect(header.valueChangeSectionCount == 1)
        #expect(header.version == "synthetic" && header.date == "today")
        #expect(header.blockTypes == [1, 3, 4])
    }

    /// A damaged FST file and the reason it must be rejected for.
    struct Damaged: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var reason: String
        var testDescription: String { name }
    }

    static let damaged: [Damaged] = [
        Damaged(name: "empty", bytes: [], reason: "the file is empty"),
        Damaged(name: "not a header block", bytes: [1, 0, 0, 0], reason: "the first block has type 1"),
        Damaged(name: "short header", bytes: Array(synthetic().prefix(100)), reason: "fewer than the 330 of the header block"),
        Damaged(name: "header length", bytes: synthetic(length: 330), reason: "the header block's length is 330"),
        Damaged(name: "start after end", bytes: synthetic(start: 50, end: 40), reason: "the start time 50 is after the end time 40"),
        Damaged(name: "endian test", bytes: synthetic(endian: 3.0), reason: "endian test value"),
        Damaged(name: "time scale", bytes: synthetic(timescale: 9), reason: "time scale exponent 9"),
        Damaged(name: "unfinished", bytes: synthetic(blocks: [1, 3, 4, 255]), reason: "FST_BL_SKIP"),
        Damaged(name: "unknown block", bytes: synthetic(blocks: [1, 3, 4, 99]), reason: "unknown block type 99"),
        Damaged(name: "section count", bytes: synthetic(sections: 2), reason: "counts 2 value change sections, the file has 1"),
        Damaged(name: "no geometry", bytes: synthetic(blocks: [1, 4]), reason: "no geometry block"),
        Damaged(name: "no hierarchy", bytes: synthetic(blocks: [1, 3]), reason: "no hierarchy block"),
        Damaged(name: "no variables", bytes: synthetic(variables: 0, maxHandle: 0), reason: "declares no variables"),
        Damaged(name: "max handle", bytes: synthetic(maxHandle: 5), reason: "maximum handle 5"),
        Damaged(name: "gzip wrapped", bytes: [254] + synthetic().dropFirst(), reason: "FST_BL_ZWRAPPER"),
        Damaged(name: "block too long", bytes: synthetic() + [1, 0, 0, 0, 0, 0, 0, 0, 200], reason: "does not fit"),
        Damaged(name: "cut length field", bytes: synthetic() + [1, 0, 0], reason: "cut off before its length field"),
    ]

    @Test(arguments: damaged)
    func rejectsDamagedFiles(_ damaged: Damaged) {
        do {
            _ = try FSTHeader(bytes: damaged.bytes, path: "bad.fst")
            Issue.record("accepted (expected: \(damaged.reason))")
        } catch let TraceError.malformedFST(path, _, found) {
            #expect(path == "bad.fst")
            #expect(found.contains(damaged.reason), "\(found)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test(.enabled(if: vcd2fstPath != nil && fst2vcdPath != nil,
                   "vcd2fst/fst2vcd (Debian package gtkwave) are not on PATH: the real-FST check is skipped"))
    func checksARealFSTMadeFromAGoldenTrace() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let network = smallNetwork()
        let states = randomStates(for: network, steps: 25, seed: 31)
        let trace = try GoldenTraceWriter(path: folder.file("golden.vcd"), network: network,
                                          options: TraceOptions(window: 5...20))
        for (step, state) in states.enumerated() { try trace.record(step: UInt64(step), neurons: state) }
        let files = try trace.finish()
        let fstPath = folder.file("golden.fst")
        try run(try #require(vcd2fstPath), [files.vcdPath, fstPath])

        let check = try FSTCheck(contentsOf: fstPath)
        #expect(check.header.startTime == 5)
        #expect(check.header.endTime == 21)
        #expect(check.header.timescaleExponent == -9)
        #expect(check.header.variableCount == 1 + 4 * 8)
        #expect(check.header.scopeCount == 11)
        let contents = try #require(check.contents)
        let original = try VCDReader(contentsOf: files.vcdPath)
        #expect(contents.variables.map(\.fullName) == original.variables.map(\.fullName))
        for variable in original.variables {
            for time in UInt64(5)...21 {
                #expect(contents.value(of: variable.fullName, at: time) == original.value(of: variable.fullName, at: time),
                        "\(variable.fullName) at \(time)")
            }
        }
        try GoldenTraceWriterTests.expectTrace(contents, network: network, states: states, steps: 5...20)

        // Without the converter only the header is checked.
        let headerOnly = try FSTCheck(contentsOf: fstPath, fst2vcd: nil)
        #expect(headerOnly.contents == nil)
        #expect(headerOnly.header == check.header)

        // A damaged copy is rejected: cut off in the middle of its blocks.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fstPath)))
        let cut = folder.file("cut.fst")
        try Data(bytes.prefix(bytes.count - 7)).write(to: URL(fileURLWithPath: cut))
        #expect(throws: TraceError.self) { _ = try FSTCheck(contentsOf: cut) }
    }

    /// A real FST from Verilator 5.006's writer (`--trace-fst`): an 8-bit counter with
    /// asynchronous reset, clocked every 5000 ps for 40 half periods, reset released at the
    /// third edge (19 rising edges count).
    static let verilatorFST = """
        AAAAAAAAAAFJAAAAAAAAAAAAAAAAAAMNQGlXFIsKvwVAAAAAAAgAAAAAAAAAAAAAAgAAAAAAAAAHAAAAAAAAAAQAAAAAAAAAAfRm
        c3RXcml0ZXIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE1vbiBOb3YgMjMgMDk6MTU6NTQgMjAy
        NgoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAAAAAAACbAAAAAAAAAAAAAAAAAAMNQAAAAAAAAAB7EgsEeF6rqEAHAFA6
        CHEENCk/AAYEAgAOUAQGBAYEAAAOAAAABgEEAgQDBAQEBQQGBAcECAQJBAoECwQMBA0EDgQPBBAEEQQSBBMDHQd7AAAAAAAAAAR4
        2mPoUKcuBABbjRtZAAAAAAAAAFEAAAAAAAAADQAAAAAAAAApAwAAAAAAAAAcAAAAAAAAAAQAAAAAAAAABAEBCAgGAAAAAAAAAGMA
        AAAAAAAAdPEJ/gBUT1AAABABY2xrX2kAAQAQAXJzdF9uCwDxBAJjb3VudF9vIFs3OjBdAAgA/gASACdlcjIAFgEyAB0CMgAiAxcy
        ANBfcSBbNzowXQAIAP//
        """

    @Test func acceptsVerilatorsFSTWriter() throws {
        let bytes = try #require(Data(base64Encoded: Self.verilatorFST, options: .ignoreUnknownCharacters))
        let header = try FSTHeader(bytes: [UInt8](bytes), path: "counter.fst")
        #expect(header.startTime == 0 && header.endTime == 200_000)
        #expect(header.timescaleExponent == -12)
        #expect(header.scopeCount == 2 && header.variableCount == 7 && header.maxHandle == 4)
        #expect(header.valueChangeSectionCount == 1)
        #expect(header.blockTypes == [8, 3, 6])   // value changes with aliases, geometry, LZ4 hierarchy
        #expect(header.version == "fstWriter")

        guard let fst2vcd = fst2vcdPath else { return }   // the contents need fst2vcd
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("counter.fst")
        try bytes.write(to: URL(fileURLWithPath: path))
        let check = try FSTCheck(contentsOf: path, fst2vcd: fst2vcd)
        let contents = try #require(check.contents)
        #expect(contents.variables.map(\.fullName) == ["TOP.clk_i", "TOP.rst_ni", "TOP.count_o", "TOP.counter.clk_i",
                                                       "TOP.counter.rst_ni", "TOP.counter.count_o", "TOP.counter.count_q"])
        #expect(contents.times == (0...40).map { UInt64($0) * 5000 })
        #expect(contents.value(of: "TOP.counter.count_q", at: 10_000)?.unsignedValue == 0)
        #expect(contents.value(of: "TOP.counter.count_q", at: 15_000)?.unsignedValue == 1)
        #expect(contents.value(of: "TOP.count_o", at: 200_000)?.unsignedValue == 19)
    }

    @Test func reportsAMissingFile() {
        #expect(throws: TraceError.io(path: "/nonexistent/x.fst", operation: "read", reason: "no such file")) {
            _ = try FSTCheck(contentsOf: "/nonexistent/x.fst", fst2vcd: nil)
        }
    }

    func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
    }
}
