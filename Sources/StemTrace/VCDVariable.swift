/// A variable declared in a VCD file.
public struct VCDVariable: Hashable, Sendable {
    /// Scope names, outermost first.
    public var scope: [String]
    /// The reference name, without a bit range.
    public var name: String
    /// The bit range as written (`[15:0]`, `[3]`), if any.
    public var range: String?
    public var width: Int
    /// The var type (`wire`, `reg`, `integer`, `real`, ...).
    public var type: String
    /// The identifier code.
    public var identifier: String

    /// `scope.scope.name`.
    public var fullName: String { (scope + [name]).joined(separator: ".") }
}
