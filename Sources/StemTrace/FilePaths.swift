import Foundation

/// Path helpers for the files written beside a trace.
public enum FilePaths {
    /// `path` made absolute against the current directory (`.` and `..` components removed).
    public static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `path` with its extension (after the last `.` of the last component) replaced by
    /// `newExtension`, or with `newExtension` appended when it has none:
    /// `out/run.vcd` -> `out/run.gtkw`.
    public static func replacingExtension(of path: String, with newExtension: String) -> String {
        let slash = path.lastIndex(of: "/")
        let nameStart = slash.map { path.index(after: $0) } ?? path.startIndex
        if let dot = path[nameStart...].lastIndex(of: "."), dot > nameStart {
            return String(path[..<dot]) + "." + newExtension
        }
        return path + "." + newExtension
    }
}
