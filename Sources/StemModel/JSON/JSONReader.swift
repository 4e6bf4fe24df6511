/// Typed, path-aware access to a parsed JSON document, for decoders: each accessor checks the
/// type (and the range) of one value and throws a ``FormatError`` naming the file, the JSON
/// path, the value and what was allowed.
struct JSONReader {
    /// The file name used in errors.
    let file: String

    func fail(_ path: String, _ message: String) -> FormatError {
        FormatError(file: file, path: path, message)
    }

    /// `path.key`; a long key is abbreviated (``JSONValue/abbreviated(_:limit:)``).
    static func member(_ path: String, _ key: String) -> String {
        let key = JSONValue.abbreviated(key)
        return path.isEmpty ? key : path + "." + key
    }

    static func element(_ path: String, _ index: Int) -> String {
        path + "[" + String(index) + "]"
    }

    func object(_ value: JSONValue, at path: String) throws(FormatError) -> JSONObject {
        guard case .object(let object) = value else {
            throw fail(path, "expected an object, got \(value.brief)")
        }
        return object
    }

    func array(_ value: JSONValue, at path: String, of what: String) throws(FormatError) -> [JSONValue] {
        guard case .array(let items) = value else {
            throw fail(path, "expected an array of \(what), got \(value.brief)")
        }
        return items
    }

    /// Rejects keys outside `allowed`.
    func checkKeys(_ object: JSONObject, allowed: [String], at path: String) throws(FormatError) {
        for key in object.keys where !allowed.contains(key) {
            throw fail(Self.member(path, key), "unknown key (allowed here: \(allowed.joined(separator: ", ")))")
        }
    }

    func required(_ object: JSONObject, _ key: String, at path: String) throws(FormatError) -> JSONValue {
        guard let value = object[key] else {
            throw fail(path, "missing required key \"\(key)\"")
        }
        return value
    }

    /// An integer in `range`; `note` explains where the range comes from.
    func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int64>,
                 note: String? = nil) throws(FormatError) -> Int64 {
        switch value {
        case .integer(let i):
            try checkRange(i, in: range, at: path, note: note)
            return i
        case .number(let text):
            let shown = JSONValue.abbreviated(text)
            if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                throw fail(path, "\(shown) is not an integer; expected \(Self.describe(range, note: note))")
            }
            throw fail(path, "\(shown) is out of range \(Self.describe(range, note: note))")
        default:
            throw fail(path, "expected an integer in \(Self.describe(range, note: note)), got \(value.brief)")
        }
    }

    func integer(_ value: JSONValue, at path: String, in range: ClosedRange<Int>,
                 note: String? = nil) throws(FormatError) -> Int {
        Int(try integer(value, at: path, in: Int64(range.lowerBound)...Int64(range.upperBound), note: note))
    }

    func checkRange(_ value: Int64, in range: ClosedRange<Int64>, at path: String,
                    note: String? = nil) throws(FormatError) {
        if !range.contains(value) {
            throw fail(path, "\(value) is out of range \(Self.describe(range, note: note))")
        }
    }

    func bool(_ value: JSONValue, at path: String) throws(FormatError) -> Bool {
        guard case .bool(let b) = value else {
            throw fail(path, "expected true or false, got \(value.brief)")
        }
        return b
    }

    func string(_ value: JSONValue, at path: String, oneOf choices: [String]) throws(FormatError) -> String {
        let list = choices.map { "\"\($0)\"" }.joined(separator: " or ")
        guard case .string(let s) = value else {
            throw fail(path, "expected \(list), got \(value.brief)")
        }
        guard choices.contains(s) else {
            throw fail(path, "\(value.brief) is not allowed (expected \(list))")
        }
        return s
    }

    static func describe(_ range: ClosedRange<Int64>, note: String?) -> String {
        let text = "\(range.lowerBound)...\(range.upperBound)"
        return note.map { text + " (" + $0 + ")" } ?? text
    }
}
