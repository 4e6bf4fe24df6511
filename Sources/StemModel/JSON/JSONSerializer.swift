/// Writes ``JSONValue``s as text.
///
/// The layout is compact where it can be and indented where it helps: an array of scalars
/// and an object holding only scalars and arrays of scalars are written on one line; other
/// containers put one element per line, indented by two spaces. So a weight matrix is one
/// row per line and a report holds one sample per line.
public enum JSONSerializer {
    /// The text of `value`, ending in a newline when `trailingNewline` is true.
    public static func text(of value: JSONValue, trailingNewline: Bool = true) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        if trailingNewline { out += "\n" }
        return out
    }

    /// The text of `value` on one line (no newline), as in a JSON Lines record.
    public static func compactText(of value: JSONValue) -> String {
        var out = ""
        writeInline(value, into: &out)
        return out
    }

    /// `string` as a JSON string literal, with quotes and escapes.
    public static func quoted(_ string: String) -> String {
        var out = "\""
        appendEscaped(string, into: &out)
        out += "\""
        return out
    }

    private static func appendEscaped(_ string: String, into out: inout String) {
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
    }

    private static func isScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .array, .object: return false
        default: return true
        }
    }

    private static func isFlat(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let items): return items.allSatisfy(isScalar)
        case .object(let object):
            return object.members.allSatisfy { member in
                if case .array(let items) = member.value { return items.allSatisfy(isScalar) }
                return isScalar(member.value)
            }
        default: return true
        }
    }

    private static func writeInline(_ value: JSONValue, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let text): out += text
        case .string(let s):
            out += "\""
            appendEscaped(s, into: &out)
            out += "\""
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                writeInline(item, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, member) in object.members.enumerated() {
                if i > 0 { out += "," }
                out += "\""
                appendEscaped(member.key, into: &out)
                out += "\":"
                writeInline(member.value, into: &out)
            }
            out += "}"
        }
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        if isFlat(value) {
            writeInline(value, into: &out)
            return
        }
        let inner = String(repeating: " ", count: indent + 2)
        switch value {
        case .array(let items):
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                write(item, indent: indent + 2, into: &out)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let object):
            out += "{\n"
            for (i, member) in object.members.enumerated() {
                out += inner + "\""
                appendEscaped(member.key, into: &out)
                out += "\": "
                write(member.value, indent: indent + 2, into: &out)
                out += i + 1 < object.count ? ",\n" : "\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            writeInline(value, into: &out)
        }
    }
}
