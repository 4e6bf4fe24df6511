import Testing
@testable import StemModel

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(FormatError) -> JSONValue { try JSONParser.parse(text, file: "t.json") }

    private func syntaxError(_ text: String) -> FormatError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func integersStayExact() throws {
        #expect(try parse("9007199254740993") == .integer(9_007_199_254_740_993))  // not a Double
        #expect(try parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try parse("9223372036854775807") == .integer(Int64.max))
        #expect(try parse("9223372036854775808") == .number("9223372036854775808"))
        #expect(try parse("-0") == .integer(0))
        #expect(try parse("1.0") == .number("1.0"))
        #expect(try parse("1e3") == .number("1e3"))
        #expect(try parse("-2.5E-3") == .number("-2.5E-3"))
    }

    @Test func booleansAreNotNumbers() throws {
        #expect(try parse("[true, false, null, 1, 0]")
            == .array([.bool(true), .bool(false), .null, .integer(1), .integer(0)]))
    }

    @Test func objectsKeepOrderAndStrings() throws {
        let value = try parse(#" { "b" : [ ] , "a" : { } , "s" : "x\"\\\/\n\u00e9\ud83d\ude00" } "#)
        guard case .object(let object) = value else {
            Issue.record("not an object")
            return
        }
        #expect(object.keys == ["b", "a", "s"])
        #expect(object["s"] == .string("x\"\\/\né😀"))
        #expect(object["b"] == .array([]))
        #expect(object["a"] == .object(JSONObject()))
        #expect(try parse("\"h\u{e9}llo\"") == .string("héllo"))
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        let text = "{\n  \"a\": 1,\n  \"b\" 2\n}"
        #expect(syntaxError(text)?.description == "t.json:3:7: unexpected '2', expected ':' after an object key")
        #expect(syntaxError("[1, 2,]")?.description == "t.json:1:7: unexpected ']', expected a value")
        #expect(syntaxError("[1 2]")?.description == "t.json:1:4: unexpected '2', expected ',' or ']' after an array element")
        #expect(syntaxError("{\"a\": 1, \"a\": 2}")?.description == "t.json:1:10: duplicate key \"a\"")
        #expect(syntaxError("[1] x")?.description == "t.json:1:5: unexpected 'x' after the JSON value")
        #expect(syntaxError("\"abc")?.description == "t.json:1:1: unterminated string")
        #expect(syntaxError("[01]")?.description == "t.json:1:3: leading zeros are not allowed in numbers")
        #expect(syntaxError("[1.]")?.description == "t.json:1:4: expected a digit after '.'")
        #expect(syntaxError("[tru]")?.description == "t.json:1:2: unexpected 'tru', expected a value")
        #expect(syntaxError("[True]")?.description == "t.json:1:2: unexpected 'True', expected a value")
        #expect(syntaxError("\"a\\qb\"")?.description == "t.json:1:3: invalid escape '\\q' in a string")
        #expect(syntaxError("\"\\ud800\"")?.description == "t.json:1:2: unpaired surrogate \\ud800")
        #expect(syntaxError("")?.description == "t.json:1:1: unexpected end of file, expected a value")
        #expect(syntaxError("[\"é\", ?]")?.description == "t.json:1:7: unexpected '?', expected a value")
        #expect(syntaxError("\"a\tb\"")?.description == "t.json:1:3: control character 0x09 in a string (escape it)")
        #expect(syntaxError("{\"a\": 1")?.description == "t.json:1:8: unexpected end of file, expected ',' or '}' after an object member")
        #expect(syntaxError(String(repeating: "[", count: 600))?.message == "nesting deeper than 512 levels")
        #expect(throws: FormatError.self) { try JSONParser.parse([0x22, 0xFF, 0x22], file: "t.json") }
    }

    @Test func serializerRoundTrips() throws {
        let text = #"{"a":[1,-2,3],"b":{"c":"x\ny","d":[[1,2],[3]],"e":true,"f":null,"g":1.5}}"#
        let value = try parse(text)
        #expect(try parse(JSONSerializer.text(of: value)) == value)
        #expect(JSONSerializer.compactText(of: value) == text)
        #expect(JSONSerializer.text(of: .object(JSONObject([("a", .array([.integer(1), .integer(2)]))])))
            == "{\"a\":[1,2]}\n")
        #expect(JSONValue.double(0.5) == .number("0.5"))
        #expect(JSONValue.double(1) == .number("1.0"))
    }
}
