import Foundation

/// Removes what a killed writer left beside an output: temporary files and folders named by
/// ``FileIO/temporaryName(for:tag:)`` (`.name.tmp-<pid>-...`) whose process is gone, or that
/// have not changed for ``maximumAge`` seconds (a process ended by `kill -9` or a power cut
/// cannot remove its own).
///
/// Every output writer calls ``removeStale(besideTarget:)`` before it creates its own
/// temporary file, so the next run that writes the same target cleans up.
public enum StaleTemporaries {
    /// Seconds after which a temporary file is stale whatever its process (its number may
    /// have been reused): a week.
    public static let maximumAge = 7 * 24 * 3600

    /// Removes the stale temporaries of `target` (a file or folder path) in its folder;
    /// returns the paths removed. This process's own temporaries are never removed.
    @discardableResult
    public static func removeStale(besideTarget target: String) -> [String] {
        let folder = OutputPath.folderOf(target)
        let name = OutputPath.nameOf(target)
        guard !name.isEmpty, let entries = system_folderEntries(folder) else { return [] }
        let me = system_getpid()
        let now = system_now()
        var removed: [String] = []
        for entry in entries {
            guard let pid = owner(ofTemporary: entry, for: name), pid != me else { continue }
            let path = folder + "/" + entry
            guard let status = system_lstat(path) else { continue }
            let old = now - status.modified > maximumAge
            if old || !system_processExists(pid) {
                if TemporaryFiles.removeTree(path) { removed.append(path) }
            }
        }
        return removed
    }

    /// The process number in `entry` if it is a temporary of `name` (`.name.tmp-<pid>...`,
    /// with `name` possibly shortened to fit the name limit); nil otherwise.
    static func owner(ofTemporary entry: String, for name: String) -> Int32? {
        guard entry.hasPrefix("."), let marker = entry.range(of: ".tmp-", options: .backwards),
              marker.lowerBound > entry.startIndex else { return nil }  // `.tmp-...` names no target
        let base = entry[entry.index(after: entry.startIndex)..<marker.lowerBound]
        let shortened = base.utf8.count < name.utf8.count && name.hasPrefix(base)
            && entry.utf8.count > FileIO.nameLimit - 4
        guard base == name || shortened else { return nil }
        let digits = entry[marker.upperBound...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9, let pid = Int32(digits) else { return nil }
        return pid
    }
}
