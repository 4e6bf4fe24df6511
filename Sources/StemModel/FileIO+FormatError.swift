import StemSupport

extension FileIO {
    /// The bytes of the input file at `path`.
    /// - Throws: ``FormatError`` (`path: cannot read: reason`).
    public static func read(_ path: String) throws(FormatError) -> [UInt8] {
        do {
            return try bytes(atPath: path)
        } catch {
            throw FormatError(file: error.path, location: .file, message: error.reason)
        }
    }
}
