/// Names and identifier codes as they appear in a VCD file.
///
/// Scope and signal names are written with only the characters every viewer (GTKWave, Surfer,
/// fst2vcd, our reader) takes literally: ASCII letters, digits, `_`, `$`, `(` and `)`. Every
/// other character (spaces, the hierarchy separator `.`, the bit-range brackets `[` `]`,
/// non-ASCII) becomes `_`, an empty name becomes `_`, and a name starting with a digit gets a
/// leading `_`. The mapping is not one-to-one, so the writer refuses two signals whose escaped
/// full names collide.
///
/// Scope names may also hold `[` and `]`: Verilator names generate-loop scopes `g_tile[0]`, and
/// GTKWave and Surfer show such scopes as they are, so a golden trace can mirror the RTL's.
public enum VCDNames {
    /// The name as written into the VCD file.
    public static func escaped(_ name: String) -> String {
        escaped(name, allowingBrackets: false)
    }

    /// A scope name as written into the VCD file (`[`, `]` kept).
    public static func escapedScope(_ name: String) -> String {
        escaped(name, allowingBrackets: true)
    }

    private static func escaped(_ name: String, allowingBrackets: Bool) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count + 1)
        for scalar in name.unicodeScalars {
            if isLegal(scalar) || (allowingBrackets && (scalar == "[" || scalar == "]")) {
                result.unicodeScalars.append(scalar)
            } else {
                result.append("_")
            }
        }
        if result.isEmpty { return "_" }
        if let first = result.unicodeScalars.first, ("0"..."9").contains(first) {
            result = "_" + result
        }
        return result
    }

    /// Whether `name` is written unchanged.
    public static func isLegal(_ name: String) -> Bool {
        escaped(name) == name
    }

    private static func isLegal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "$", "(", ")": true
        default: false
        }
    }

    /// The identifier code of the `index`-th declared signal: base 94 over the printable
    /// characters `!` ... `~`, shortest first (`!`, `"`, ..., `~`, `!!`, `"!`, ...).
    public static func identifier(for index: Int) -> String {
        precondition(index >= 0)
        var rest = index
        var scalars: [UInt8] = []
        repeat {
            scalars.append(UInt8(33 + rest % 94))
            rest = rest / 94 - 1
        } while rest >= 0
        return String(decoding: scalars, as: UTF8.self)
    }
}
