/// A strict JSON (RFC 8259) parser that keeps integers exact and reports syntax errors as
/// `file:line:column: message`.
///
/// ```swift
/// let value = try JSONParser.parse(bytes, file: "network.json")
/// ```
public struct JSONParser {
    /// Nesting deeper than this is rejected (protects the stack).
    public static let maximumDepth = 512

    private let bytes: [UInt8]
    private let file: String
    private var position = 0
    private var depth = 0

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Parses one JSON document (surrounding whitespace allowed, nothing else after it).
    /// - Parameters:
    ///   - bytes: UTF-8 text (a leading byte-order mark is skipped).
    ///   - file: the name used in error messages.
    public static func parse(_ bytes: [UInt8], file: String) throws(FormatError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, file: file)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected \(parser.describeByte()) after the JSON value")
        }
        return value
    }

    /// Parses a JSON document held in a string.
    public static func parse(_ text: String, file: String) throws(FormatError) -> JSONValue {
        try parse(Array(text.utf8), file: file)
    }

    // MARK: - Values

    private mutating func parseValue() throws(FormatError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of file, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        default: throw error("unexpected \(describeWord()), expected a value")
        }
    }

    private mutating func enter() throws(FormatError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(FormatError) -> JSONValue {
        try enter()
        position += 1  // {
        var object = JSONObject()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeByte()), expected a string key")
            }
            let keyStart = position
            let key = try parseString()
            if object.contains(key) {
                throw error("duplicate key \(JSONSerializer.quoted(JSONValue.abbreviated(key)))", at: keyStart)
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw error("unexpected \(describeByte()), expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            object[key] = try parseValue()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                depth -= 1
                return .object(object)
            default: throw error("unexpected \(describeByte()), expected ',' or '}' after an object member")
            }
        }
    }

    private mutating func parseArray() throws(FormatError) -> JSONValue {
        try enter()
        position += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                depth -= 1
                return .array(items)
            default: throw error("unexpected \(describeByte()), expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func parseNumber() throws(FormatError) -> JSONValue {
        let start = position
        var isInteger = true
        if peek() == UInt8(ascii: "-") { position += 1 }
        guard let first = peek(), isDigit(first) else {
            throw error("expected a digit after '-'")
        }
        if first == UInt8(ascii: "0") {
            position += 1
            if let next = peek(), isDigit(next) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while let c = peek(), isDigit(c) { position += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard let c = peek(), isDigit(c) else { throw error("expected a digit after '.'") }
            while let c = peek(), isDigit(c) { position += 1 }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            guard let c = peek(), isDigit(c) else { throw error("expected a digit in the exponent") }
            while let c = peek(), isDigit(c) { position += 1 }
        }
        if isInteger {
            // Accumulate negatively so that Int64.min parses.
            let negative = bytes[start] == UInt8(ascii: "-")
            var value: Int64 = 0
            var fits = true
            for i in (negative ? start + 1 : start)..<position {
                let digit = Int64(bytes[i] &- UInt8(ascii: "0"))
                let (times10, o1) = value.multipliedReportingOverflow(by: 10)
                let (next, o2) = times10.subtractingReportingOverflow(digit)
                if o1 || o2 { fits = false; break }
                value = next
            }
            if fits {
                if !negative {
                    if value == Int64.min { fits = false } else { value = -value }
                }
                if fits { return .integer(value) }
            }
        }
        return .number(String(decoding: bytes[start..<position], as: UTF8.self))
    }

    private mutating func parseString() throws(FormatError) -> String {
        let openQuote = position
        position += 1  // "
        var buffer: [UInt8] = []
        var runStart = position
        while true {
            guard position < bytes.count else {
                throw error("unterminated string", at: openQuote)
            }
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                let text: String
                if buffer.isEmpty {
                    text = try decodeUTF8(bytes[runStart..<position], at: runStart)
                } else {
                    buffer.append(contentsOf: bytes[runStart..<position])
                    text = try decodeUTF8(buffer[...], at: openQuote + 1)
                }
                position += 1
                return text
            }
            if c < 0x20 {
                throw error("control character \(hex(c)) in a string (escape it)")
            }
            if c == UInt8(ascii: "\\") {
                buffer.append(contentsOf: bytes[runStart..<position])
                position += 1
                guard position < bytes.count else { throw error("unterminated string", at: openQuote) }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = position - 2
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard peek() == UInt8(ascii: "\\"), position + 1 < bytes.count,
                              bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: escapeStart)
                        }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: escapeStart)
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw error("unpaired surrogate \\u\(String(code, radix: 16))", at: escapeStart)
                    }
                    buffer.append(contentsOf: String(Unicode.Scalar(code)!).utf8)
                default:
                    position -= 2
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))' in a string")
                }
                runStart = position
                continue
            }
            position += 1
        }
    }

    /// Decodes UTF-8, rejecting invalid sequences (String(decoding:) would repair them).
    private func decodeUTF8(_ raw: ArraySlice<UInt8>, at offset: Int) throws(FormatError) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.utf8.elementsEqual(raw) else { throw error("invalid UTF-8 in a string", at: offset) }
        return text
    }

    private mutating func parseHex4() throws(FormatError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let c = peek() else { throw error("unexpected end of file in a \\u escape") }
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit \(describeByte()) in a \\u escape")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    private mutating func expectWord(_ word: StaticString) throws(FormatError) {
        let start = position
        let text = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard position < bytes.count, bytes[position] == expected else {
                position = start
                throw error("unexpected \(describeWord()), expected a value")
            }
            position += 1
        }
        if let c = peek(), isWordByte(c) {
            position = start
            throw error("unexpected \(describeWord()), expected a value")
        }
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }
    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private func isWordByte(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c == UInt8(ascii: "_")
    }
    private func hex(_ c: UInt8) -> String {
        "0x" + (c < 16 ? "0" : "") + String(c, radix: 16, uppercase: true)
    }

    private func describeByte() -> String {
        guard position < bytes.count else { return "end of file" }
        let c = bytes[position]
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte \(hex(c))"
    }

    private func describeWord() -> String {
        var end = position
        while end < bytes.count, end - position < 20, isWordByte(bytes[end]) { end += 1 }
        if end == position { return describeByte() }
        return "'" + String(decoding: bytes[position..<end], as: UTF8.self) + "'"
    }

    private func error(_ message: String, at offset: Int? = nil) -> FormatError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<offset where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        // Columns count characters (UTF-8 continuation bytes do not start one).
        var column = 1
        for i in lineStart..<offset where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return FormatError(file: file, location: .position(line: line, column: column), message: message)
    }
}
