/// The process's standard error: unbuffered writes, and whether (and how wide) a terminal
/// shows it, for progress lines.
public enum StandardError {
    /// Writes `text` as is, all of it, unbuffered (a closed stream is ignored).
    public static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                system_write(system_standardError, raw.baseAddress! + offset, raw.count - offset)
            }
            if n <= 0 {
                if n < 0 && system_errno == system_EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// Whether standard error is a terminal.
    public static var isTerminal: Bool {
        system_isatty(system_standardError)
    }

    /// The width of the terminal standard error is, in columns; nil if it is not a terminal or
    /// does not say.
    public static var terminalColumns: Int? {
        system_terminalColumns(system_standardError)
    }
}
