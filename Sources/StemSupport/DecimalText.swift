/// `value` written with exactly `places` decimals, rounded half away from zero, with no locale
/// and no exponent ("97.50", "-0.125"); values too large for that are written as Swift prints
/// them. For tables, summaries and files that must read the same everywhere.
public func decimalText(_ value: Double, places: Int) -> String {
    precondition(places >= 0 && places <= 18, "0...18 decimal places")
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded()
    guard scaled.isFinite, scaled.magnitude < 9e18 else { return String(value) }
    let integer = Int64(scaled)
    let sign = integer < 0 ? "-" : ""
    let magnitude = integer.magnitude
    let whole = magnitude / UInt64(scale)
    if places == 0 { return sign + String(whole) }
    let fraction = String(magnitude % UInt64(scale))
    return sign + String(whole) + "." + String(repeating: "0", count: places - fraction.count) + fraction
}
