import Foundation
import Testing
@testable import StemTrace

@Suite struct VCDReaderTests {
    static let header = """
    $timescale 1ps $end
    $scope module top $end
    $var wire 8 ! bus [7:0] $end
    $var wire 1 " bit $end
    $upscope $end
    $enddefinitions $end

    """

    @Test func readsScopesVariablesTimesAndValues() throws {
        let reader = try VCDReader(text: """
        $date Mon Nov 23 $end
        $version Verilator 5.006 $end
        $timescale 10 ns $end
        $scope module TOP $end
        $var wire 1 ! clk $end
        $scope module core $end
        $var wire 4 " count [3:0] $end
        $var reg 4 " alias [3:0] $end
        $var integer 32 # i $end
        $var real 64 $ r $end
        $var wire 1 % flag [2] $end
        $upscope $end
        $upscope $end
        $enddefinitions $end
        #0
        $dumpvars
        0!
        bx "
        b0 #
        r0.5 $
        z%
        $end
        #10
        1!
        b1 "
        b11111111111111111111111111111110 #
        #10
        b10 "
        #25
        0!
        $comment a comment in the body $end
        X%
        #40
        """)
        #expect(reader.date == "Mon Nov 23")
        #expect(reader.version == "Verilator 5.006")
        #expect(reader.timescale?.description == "10ns")
        #expect(reader.scopes == ["TOP", "TOP.core"])
        #expect(reader.variables.map(\.fullName) == ["TOP.clk", "TOP.core.count", "TOP.core.alias", "TOP.core.i",
                                                     "TOP.core.r", "TOP.core.flag"])
        #expect(reader.variable(named: "TOP.core.count")?.width == 4)
        #expect(reader.variable(named: "TOP.core.count[3:0]")?.range == "[3:0]")
        #expect(reader.variable(named: "TOP.core.count[7:0]") == nil)
        #expect(reader.variable(named: "TOP.core.flag")?.range == "[2]")
        #expect(reader.times == [0, 10, 25, 40])
        #expect(reader.firstTime == 0 && reader.lastTime == 40)
        #expect(reader.value(of: "TOP.core.count", at: 0) == .bits("xxxx"))
        #expect(reader.value(of: "TOP.core.count", at: 9)?.isKnown == false)
        #expect(reader.value(of: "TOP.core.count", at: 10)?.unsignedValue == 2)   // the last change at #10 wins
        #expect(reader.value(of: "TOP.core.alias", at: 30)?.unsignedValue == 2)   // aliases share the code
        #expect(reader.value(of: "TOP.core.i", at: 10)?.signedValue == -2)
        #expect(reader.value(of: "TOP.core.r", at: 10) == .real(0.5))
        #expect(reader.value(of: "TOP.clk", at: 24)?.bit == true)
        #expect(reader.value(of: "TOP.clk", at: 25)?.bit == false)
        #expect(reader.value(of: "TOP.core.flag", at: 30) == .bits("x"))
        #expect(reader.changes(of: "TOP.clk")?.map(\.time) == [0, 10, 25])
        #expect(reader.value(of: "TOP.nothing", at: 0) == nil)
    }

    @Test func extendsShortValuesAsIEEE1364Says() throws {
        let reader = try VCDReader(text: Self.header + "#0\nb101 !\n#1\nb1 !\n#2\nbx1 !\n#3\nbz !\n")
        #expect(reader.value(of: "top.bus", at: 0) == .bits("00000101"))
        #expect(reader.value(of: "top.bus", at: 1) == .bits("00000001"))
        #expect(reader.value(of: "top.bus", at: 2) == .bits("xxxxxxx1"))
        #expect(reader.value(of: "top.bus", at: 3) == .bits("zzzzzzzz"))
    }

    /// Each malformed file must be rejected, on the right line, with a reason naming the problem.
    @Test(arguments: [
        ("", 1, "no VCD header"),
        ("#0\n1!\n", 1, "unexpected \"#0\" in the header"),
        ("$scope module top $end\n$var wire 1 ! a $end\n", 2, "$enddefinitions missing"),
        ("$timescale 3ns $end\n$enddefinitions $end\n", 1, "$timescale \"3ns\""),
        ("$date never closed\n$enddefinitions\n", 1, "$date (line 1) is not closed by $end"),
        ("$scope module $end\n", 1, "$scope needs a type and a name"),
        ("$upscope $end\n$enddefinitions $end\n", 1, "$upscope without an open $scope"),
        ("$scope module top $end\n$enddefinitions $end\n", 2, "1 scope(s) still open (top)"),
        ("$scope module top $end\n$var wire x ! a $end\n", 2, "width \"x\" of a is not a positive integer"),
        ("$scope module top $end\n$var wire 0 ! a $end\n", 2, "width \"0\" of a is not a positive integer"),
        ("$scope module top $end\n$var wire 8 ! a [3:0] $end\n", 2, "declares width 8 but its range [3:0] spans 4 bits"),
        ("$scope module top $end\n$var wire 8 ! $end\n", 2, "$var needs type, width, identifier code and name"),
        ("$scope module top $end\n$var wire 8 ! a $end\n$var wire 4 ! b $end\n", 3, "declared with width 4 and, earlier, 8"),
        ("$bogus $end\n", 1, "unknown header section $bogus"),
    ])
    func rejectsMalformedHeaders(text: String, line: Int, reason: String) throws {
        expectMalformed(text, line: line, reason: reason)
    }

    @Test(arguments: [
        ("#5\n1\"\n#4\n0\"\n", 9, "time 4 is before the previous time stamp 5"),
        ("#0\n1?\n", 8, "undeclared identifier code ?"),
        ("#0\nb101 ?\n", 8, "undeclared identifier code ?"),
        ("#0\nb101010101 !\n", 8, "has 9 bits, more than the variable's width 8"),
        ("#0\nb102 !\n", 8, "a character other than 0, 1, x, z"),
        ("#0\nb101\n", 8, "\"b101\" has no identifier code"),
        ("#0\n1\n", 8, "\"1\" has no identifier code"),
        ("#x1\n", 7, "time stamp \"#x1\" is not a decimal number"),
        ("#99999999999999999999\n", 7, "does not fit 64 bits"),
        ("#0\n$dumpvars\n1\"\n", 8, "$dumpvars (line 8) is not closed by $end"),
        ("#0\n$end\n", 8, "$end without an open $dumpvars"),
        ("#0\n$scope module x $end\n", 8, "unexpected $scope after $enddefinitions"),
        ("#0\nhello\n", 8, "unexpected \"hello\" in the value changes"),
        ("#0\nrabc !\n", 8, "real value \"abc\" is not a number"),
    ])
    func rejectsMalformedBodies(body: String, line: Int, reason: String) throws {
        expectMalformed(Self.header + body, line: line, reason: reason)
    }

    func expectMalformed(_ text: String, line: Int, reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try VCDReader(text: text, path: "bad.vcd")
            Issue.record("accepted a malformed VCD (expected: \(reason))", sourceLocation: sourceLocation)
        } catch let TraceError.malformedVCD(path, foundLine, foundReason) {
            #expect(path == "bad.vcd", sourceLocation: sourceLocation)
            #expect(foundLine == line, "reason: \(foundReason)", sourceLocation: sourceLocation)
            #expect(foundReason.contains(reason), "\(foundReason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func reportsAMissingFile() {
        #expect(throws: TraceError.io(path: "/nonexistent/x.vcd", operation: "read", reason: "no such file")) {
            _ = try VCDReader(contentsOf: "/nonexistent/x.vcd")
        }
    }

    @Test func errorMessagesNameFileAndLine() {
        let error = TraceError.malformedVCD(path: "run.vcd", line: 12, reason: "time 4 is before the previous time stamp 5")
        #expect(error.description == "run.vcd:12: malformed VCD: time 4 is before the previous time stamp 5")
    }
}
