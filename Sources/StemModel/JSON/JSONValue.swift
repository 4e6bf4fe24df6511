/// A parsed JSON value that keeps integers exact.
///
/// Integer literals (no fraction, no exponent) that fit `Int64` become ``integer(_:)``;
/// every other number keeps its literal text in ``number(_:)``, so a reader can say
/// "`1.5` is not an integer" instead of silently rounding. Booleans are never numbers.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer literal that fits `Int64`.
    case integer(Int64)
    /// Any other number, as its literal text (a fraction, an exponent, or an integer
    /// outside `Int64`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number value for a `Double` (for writing; JSON has no NaN or infinity).
    public static func double(_ value: Double) -> JSONValue {
        precondition(value.isFinite, "JSON has no NaN or infinity")
        if value == value.rounded(), abs(value) < 1e15 {
            return .number(String(Int64(value)) + ".0")
        }
        return .number(value.description)
    }

    /// A short rendering of the value for error messages (long containers are elided).
    public var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let text): return Self.abbreviated(text)
        case .string(let s):
            let shown = s.count > 40 ? String(s.prefix(40)) + "..." : s
            return JSONSerializer.quoted(shown)
        case .array(let items): return items.isEmpty ? "[]" : "an array"
        case .object(let object): return object.isEmpty ? "{}" : "an object"
        }
    }

    /// `text` for an error message: whole up to `limit` characters, else its start and how
    /// long it is (a million-digit number or a 5 KB key is not echoed whole).
    public static func abbreviated(_ text: String, limit: Int = 40) -> String {
        let count = text.count
        return count > limit ? String(text.prefix(limit)) + "... (\(count) characters)" : text
    }

    /// The kind of value, as a noun for error messages ("a string", "an array").
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON object: its members in file order, with lookup by key. Keys are unique
/// (the parser rejects duplicates).
public struct JSONObject: Sendable, Equatable {
    /// The members in the order they were written.
    public private(set) var members: [(key: String, value: JSONValue)]
    private var index: [String: Int]

    /// An empty object.
    public init() {
        members = []
        index = [:]
    }

    /// An object with the given members in order; a later duplicate key replaces the
    /// earlier value.
    public init(_ members: [(String, JSONValue)]) {
        self.init()
        for (key, value) in members { self[key] = value }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// The value for `key`; setting appends a new key at the end or replaces in place.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { members[$0].value } }
        set {
            if let position = index[key] {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    index = [:]
                    for (i, member) in members.enumerated() { index[member.key] = i }
                }
            } else if let newValue {
                index[key] = members.count
                members.append((key, newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
