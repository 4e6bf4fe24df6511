/// A reason, thrown by helpers that do not know the node; the importer adds file and node.
struct ReasonError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
