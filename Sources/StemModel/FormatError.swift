/// An error in an input file: a JSON syntax error, a wrong type or shape, a value out of its
/// range, or a file that cannot be read.
///
/// The description names the file and the place in it, in one of these forms:
/// ```
/// examples/x/network.json:3:17: expected ',' or '}' after an object member
/// examples/x/network.json: layers[1].weights[3][7]: 300 is out of range -128...127 (weightBits 8)
/// examples/x/network.json: cannot read: No such file or directory
/// ```
public struct FormatError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where in the file the problem is.
    public enum Location: Sendable, Equatable {
        /// A line and column (both 1-based), for syntax errors.
        case position(line: Int, column: Int)
        /// A JSON path such as `layers[1].weights[3][7]` (empty for the whole document).
        case path(String)
        /// The file as a whole.
        case file
    }

    /// The file the error is in, as the user named it.
    public var file: String
    /// Where in the file.
    public var location: Location
    /// What is wrong, without the file or location.
    public var message: String

    public init(file: String, location: Location, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    /// An error at a JSON path.
    public init(file: String, path: String, _ message: String) {
        self.init(file: file, location: .path(path), message: message)
    }

    public var description: String {
        switch location {
        case .position(let line, let column):
            return "\(file):\(line):\(column): \(message)"
        case .path(let path):
            return path.isEmpty ? "\(file): \(message)" : "\(file): \(path): \(message)"
        case .file:
            return "\(file): \(message)"
        }
    }
}
