import Foundation
import Testing
@testable import StemTrace

@Suite struct VCDWriterTests {
    @Test func writesHeaderDumpvarsAndOnlyChanges() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("small.vcd")
        let writer = try VCDWriter(path: path, date: "today", version: "test")
        let step = try writer.declare(scope: ["top"], name: "step", width: 32)
        let v = try writer.declare(scope: ["top", "n0"], name: "V", width: 8, isSigned: true)
        let spike = try writer.declare(scope: ["top", "n0"], name: "spike", width: 1)
        let y = try writer.declare(scope: ["top", "n1"], name: "Y", width: 4)
        try writer.set(step, to: 0)
        try writer.set(v, to: -2)
        try writer.set(spike, bit: false)
        try writer.commit(at: 0)            // y never set: x in $dumpvars
        try writer.set(step, to: 1)
        try writer.set(v, to: -2)            // unchanged: not written
        try writer.set(spike, bit: true)
        try writer.set(y, to: 5)
        try writer.commit(at: 1)
        try writer.set(v, to: -2)
        try writer.commit(at: 2)            // nothing changed: no "#2"
        try writer.set(v, to: 127)
        writer.setUnknown(spike)
        try writer.commit(at: 3)
        try writer.finish(endTime: 4)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == """
        $date
        \ttoday
        $end
        $version
        \ttest
        $end
        $timescale 1ns $end
        $scope module top $end
        $var wire 32 ! step [31:0] $end
        $scope module n0 $end
        $var wire 8 " V [7:0] $end
        $var wire 1 # spike $end
        $upscope $end
        $scope module n1 $end
        $var wire 4 $ Y [3:0] $end
        $upscope $end
        $upscope $end
        $enddefinitions $end
        #0
        $dumpvars
        b0 !
        b11111110 "
        0#
        bx $
        $end
        #1
        b1 !
        1#
        b101 $
        #3
        b1111111 "
        x#
        #4

        """)
        #expect(folder.contents() == ["small.vcd"])
    }

    @Test func identifierCodesAreShortUniqueAndPrintable() {
        #expect(VCDNames.identifier(for: 0) == "!")
        #expect(VCDNames.identifier(for: 93) == "~")
        #expect(VCDNames.identifier(for: 94) == "!!")
        #expect(VCDNames.identifier(for: 95) == "\"!")
        #expect(VCDNames.identifier(for: 94 + 94 * 94) == "!!!")
        var seen = Set<String>()
        for index in 0..<20_000 {
            let code = VCDNames.identifier(for: index)
            #expect(code.utf8.allSatisfy { (33...126).contains($0) })
            seen.insert(code)
        }
        #expect(seen.count == 20_000)
    }

    @Test func namesAreEscapedForViewers() {
        #expect(VCDNames.escaped("neuron3") == "neuron3")
        #expect(VCDNames.escaped("gen(2)") == "gen(2)")
        #expect(VCDNames.escaped("a.b") == "a_b")
        #expect(VCDNames.escaped("x[3]") == "x_3_")
        #expect(VCDNames.escaped("two words") == "two_words")
        #expect(VCDNames.escaped("") == "_")
        #expect(VCDNames.escaped("3rd") == "_3rd")
        #expect(VCDNames.escaped("µ") == "_")
    }

    @Test func rejectsCollidingWideAndLateDeclarations() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try VCDWriter(path: folder.file("bad.vcd"))
        try writer.declare(scope: ["top"], name: "a.b", width: 1)
        #expect(throws: TraceError.self) { try writer.declare(scope: ["top"], name: "a b", width: 1) }
        #expect(throws: TraceError.self) { try writer.declare(scope: ["top"], name: "w", width: 0) }
        #expect(throws: TraceError.self) { try writer.declare(scope: ["top"], name: "w", width: 65) }
        #expect(throws: TraceError.self) { try writer.declare(scope: [], name: "w", width: 1) }
        try writer.commit(at: 0)
        #expect(throws: TraceError.self) { try writer.declare(scope: ["top"], name: "late", width: 1) }
        #expect(throws: TraceError.self) { try writer.commit(at: 0) }
        writer.cancel()
        #expect(folder.contents().isEmpty)
    }

    @Test func rejectsValuesOutsideTheDeclaredWidthNamingTheSignal() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let writer = try VCDWriter(path: folder.file("range.vcd"))
        let signed = try writer.declare(scope: ["top"], name: "V", width: 8, isSigned: true)
        let unsigned = try writer.declare(scope: ["top"], name: "Y", width: 4)
        let wide = try writer.declare(scope: ["top"], name: "W", width: 64, isSigned: true)
        try writer.set(signed, to: -128)
        try writer.set(signed, to: 127)
        try writer.set(unsigned, to: 15)
        try writer.set(wide, to: Int64.min)
        #expect(throws: TraceError.invalidArgument(what: "value of signal top.V", value: "128",
                                                   allowed: "-128...127 (8-bit signed)")) {
            try writer.set(signed, to: 128)
        }
        #expect(throws: TraceError.invalidArgument(what: "value of signal top.Y", value: "-1",
                                                   allowed: "0...15 (4-bit unsigned)")) {
            try writer.set(unsigned, to: -1)
        }
        #expect(throws: TraceError.self) { try writer.set(unsigned, to: 16) }
        try writer.commit(at: 0)
        try writer.finish()
        let reader = try VCDReader(contentsOf: folder.file("range.vcd"))
        #expect(reader.value(of: "top.V", at: 0)?.signedValue == 127)
        #expect(reader.value(of: "top.W", at: 0)?.signedValue == Int64.min)
    }

    @Test func leavesNothingBehindWhenDroppedOrCancelled() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        do {
            let writer = try VCDWriter(path: folder.file("dropped.vcd"))
            let s = try writer.declare(scope: ["top"], name: "s", width: 1)
            try writer.set(s, bit: true)
            try writer.commit(at: 0)
            // dropped without finish
        }
        #expect(folder.contents().isEmpty)
        let writer = try VCDWriter(path: folder.file("cancelled.vcd"))
        try writer.declare(scope: ["top"], name: "s", width: 1)
        try writer.commit(at: 0)
        writer.cancel()
        #expect(folder.contents().isEmpty)
    }

    @Test func reportsAFolderThatDoesNotExist() throws {
        #expect {
            _ = try VCDWriter(path: "/nonexistent-folder-for-stemtrace/x.vcd")
        } throws: { error in
            guard case let TraceError.io(path, _, reason) = error else { return false }
            return path == "/nonexistent-folder-for-stemtrace/x.vcd" && reason.contains("No such file")
        }
    }

    @Test func keepsAnExistingFileUntilTheNewOneIsComplete() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("kept.vcd")
        try "old contents\n".write(toFile: path, atomically: true, encoding: .utf8)
        let writer = try VCDWriter(path: path)
        try writer.declare(scope: ["top"], name: "s", width: 1)
        try writer.commit(at: 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents\n")
        writer.cancel()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents\n")
        #expect(folder.contents() == ["kept.vcd"])
    }
}
