import Foundation
import StemSupport

/// The on-disk cache of built model libraries (docs/model-cache.md).
///
/// Layout of ``directory``:
/// ```
/// <key>/libstem_model.so   a complete entry: the library,
/// <key>/meta.json          what it was built from (``Metadata``), with the library's size and SHA-256,
/// <key>/build.log          and the build's log
/// <key>.lock               the entry's lock file (flock)
/// .tmp-<key>-<id>/         a build in progress (never an entry until renamed to <key>/)
/// failed/<key>/            the sources, objects and build.log of the last failed build
/// ```
/// An entry only ever appears by an atomic rename of a finished folder, so a half-built entry
/// is never visible. Builders, loaders and ``clear()`` take the entry's lock. Before a library is
/// loaded, ``damage(of:)`` compares it with the size and SHA-256 its `meta.json` recorded, so a
/// truncated or altered file is rebuilt instead of crashing `dlopen`.
public struct ModelCache: Hashable, Sendable {
    /// What a cache entry was built from (its `meta.json`).
    public struct Metadata: Codable, Hashable, Sendable {
        /// The cache key (SHA-256, hex).
        public var key: String
        /// The parameters of the build.
        public var parameters: ModelParameters
        /// When the build finished.
        public var date: Date
        /// How long Verilator and the compiler took.
        public var buildSeconds: Double
        /// `verilator --version`.
        public var verilatorVersion: String
        /// The C++ compiler's version line.
        public var compilerVersion: String
        /// The Verilog top module.
        public var topModule: String
        /// Where the sources came from.
        public var sources: String
        /// The Verilator command line (run in the build folder).
        public var command: [String]
        /// The library's size in bytes when it was built (nil in entries of older versions).
        public var librarySize: Int64?
        /// The library's SHA-256 (hex) when it was built (nil in entries of older versions).
        public var librarySHA256: String?
    }

    /// One complete cache entry.
    public struct Entry: Hashable, Sendable {
        /// The cache key.
        public let key: String
        /// The entry's folder.
        public let directory: URL
        /// The model library in it.
        public let libraryURL: URL
        /// Its `meta.json` (nil if unreadable).
        public let metadata: Metadata?
        /// Bytes used by the entry's files.
        public let sizeBytes: Int64
    }

    /// What ``clear()`` removed.
    public struct ClearSummary: Hashable, Sendable {
        /// Complete entries removed.
        public var entries = 0
        /// Failed builds, stale temporary folders and leftovers removed.
        public var leftovers = 0
        /// Bytes freed.
        public var bytes: Int64 = 0
        /// Builds in progress that were left alone.
        public var busy = 0
    }

    /// The environment variable overriding the cache folder.
    public static let directoryVariable = "STEM_CACHE_DIR"
    /// The file name of an entry's metadata.
    public static let metadataName = "meta.json"
    /// The file name of a build's log.
    public static let logName = "build.log"

    /// The cache folder.
    public let directory: URL
    /// The file name of the library in an entry.
    public let libraryName: String

    /// A cache in `directory` (created when first written).
    public init(directory: URL, libraryName: String = HardwareLayout.standard.libraryName) {
        self.directory = directory.standardizedFileURL
        self.libraryName = libraryName
    }

    /// The cache in the folder ``folder(environment:)`` names.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ModelCache {
        ModelCache(directory: folder(environment: environment))
    }

    /// `$STEM_CACHE_DIR`, else `$XDG_CACHE_HOME/stem-cosim`, else `~/.cache/stem-cosim`.
    public static func folder(environment: [String: String]) -> URL {
        if let path = environment[directoryVariable], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("stem-cosim", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.path
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache/stem-cosim", isDirectory: true)
    }

    // MARK: Paths

    func entryDirectory(key: String) -> URL { directory.appendingPathComponent(key, isDirectory: true) }
    func lockPath(key: String) -> String { directory.appendingPathComponent(key + ".lock").path }
    func failedDirectory(key: String) -> URL {
        directory.appendingPathComponent("failed", isDirectory: true).appendingPathComponent(key, isDirectory: true)
    }

    /// Creates the cache folder if needed.
    func create() throws(ModelBuildError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .cacheUnusable(path: directory.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    /// Takes the lock of `key`'s entry.
    func lock(key: String, blocking: Bool = true,
              onContention: () -> Void = {}) throws(ModelBuildError) -> FileLock? {
        try create()
        do {
            return try FileLock.acquire(path: lockPath(key: key), blocking: blocking, onContention: onContention)
        } catch {
            throw .cacheUnusable(path: error.path, reason: error.reason)
        }
    }

    static func isKey(_ name: String) -> Bool {
        name.count == 64 && name.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    // MARK: Reading

    /// The complete entry for `key`, if there is one.
    public func entry(forKey key: String) -> Entry? {
        let folder = entryDirectory(key: key)
        let library = folder.appendingPathComponent(libraryName)
        guard FileManager.default.fileExists(atPath: library.path) else { return nil }
        var metadata: Metadata?
        if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.metadataName).path) {
            metadata = try? Self.decoder.decode(Metadata.self, from: data)
        }
        return Entry(key: key, directory: folder, libraryURL: library, metadata: metadata,
                     sizeBytes: Self.size(of: folder))
    }

    /// Every complete entry, newest first.
    public func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter(Self.isKey).compactMap { entry(forKey: $0) }.sorted {
            ($0.metadata?.date ?? .distantPast, $0.key) > ($1.metadata?.date ?? .distantPast, $1.key)
        }
    }

    // MARK: Checking

    /// Why `entry`'s library cannot be trusted, or nil when its size and SHA-256 equal what its
    /// `meta.json` recorded at build time. An entry without a readable `meta.json` or without
    /// the recorded checksum (built by an older version) counts as damaged, so it is rebuilt once.
    ///
    /// Cost: the size is compared first, so a truncated file costs one `stat`; otherwise one
    /// read and SHA-256 of the library (about 0.5 MB for the default mesh, 1 MB traced): some
    /// 40-80 ms in a release build (seconds in a debug build). A file that passed is not
    /// hashed again in the same process while its size, modification time and inode stay.
    public func damage(of entry: Entry) -> String? {
        guard let metadata = entry.metadata else { return "its \(Self.metadataName) is missing or unreadable" }
        guard let size = metadata.librarySize, let digest = metadata.librarySHA256 else {
            return "its \(Self.metadataName) records no size and SHA-256 of the library (an older entry)"
        }
        let path = entry.libraryURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let actualSize = attributes[.size] as? NSNumber else {
            return "\(path) cannot be read"
        }
        if actualSize.int64Value != size {
            return "\(path) is \(actualSize.int64Value) bytes, but \(size) were built"
        }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        let identity = "\(path) \(size) \(modified) \(inode) \(digest)"
        if Self.verifiedFiles.withLock({ $0.contains(identity) }) { return nil }
        guard let fingerprint = Self.fingerprint(of: entry.libraryURL) else { return "\(path) cannot be read" }
        if fingerprint.sha256 != digest {
            return "\(path) has SHA-256 \(fingerprint.sha256.prefix(12))..., but \(digest.prefix(12))... was built"
        }
        Self.verifiedFiles.withLock { _ = $0.insert(identity) }
        return nil
    }

    /// Libraries this process has verified: path, size, modification time, inode, digest.
    private static let verifiedFiles = LockedValue<Set<String>>([])

    /// The size and SHA-256 (hex) of the file at `url`, read in 1 MiB chunks; nil if unreadable.
    static func fingerprint(of url: URL) -> (size: Int64, sha256: String)? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var hash = SHA256()
        var size: Int64 = 0
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                return nil
            }
            // nil or empty: the end of the file.
            guard let chunk, !chunk.isEmpty else { break }
            hash.update(chunk)
            size += Int64(chunk.count)
        }
        return (size, hash.finalize().hexString)
    }

    // MARK: Clearing

    /// Removes every entry, failed build and stale temporary folder. Each entry is removed
    /// under its lock, so a concurrent build or load of it finishes first; builds in progress
    /// are left alone (counted in ``ClearSummary/busy``).
    public func clear() throws(ModelBuildError) -> ClearSummary {
        var summary = ClearSummary()
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else { return summary }
        let names = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []

        for name in names where Self.isKey(name) {
            guard let lock = try lock(key: name) else { continue }
            let folder = entryDirectory(key: name)
            if fm.fileExists(atPath: folder.path) {
                let bytes = Self.size(of: folder)
                try discard(folder)
                summary.entries += 1
                summary.bytes += bytes
            }
            lock.releaseRemovingFile()
        }

        let failedRoot = directory.appendingPathComponent("failed", isDirectory: true)
        for name in (try? fm.contentsOfDirectory(atPath: failedRoot.path)) ?? [] where Self.isKey(name) {
            guard let lock = try lock(key: name) else { continue }
            let folder = failedDirectory(key: name)
            let bytes = Self.size(of: folder)
            try discard(folder)
            summary.leftovers += 1
            summary.bytes += bytes
            release(lock, key: name)
        }
        if ((try? fm.contentsOfDirectory(atPath: failedRoot.path)) ?? ["?"]).isEmpty {
            try? fm.removeItem(at: failedRoot)
        }

        for name in (try? fm.contentsOfDirectory(atPath: directory.path)) ?? [] {
            if name.hasPrefix(".tmp-") {
                // .tmp-<key>-<id>: stale unless someone holds the key's lock (building now).
                let key = String(name.dropFirst(5).prefix(64))
                guard Self.isKey(key), let lock = try lock(key: key, blocking: false) else {
                    summary.busy += 1
                    continue
                }
                let folder = directory.appendingPathComponent(name, isDirectory: true)
                summary.bytes += Self.size(of: folder)
                try? fm.removeItem(at: folder)
                summary.leftovers += 1
                release(lock, key: key)
            } else if name.hasPrefix(".trash-") {
                let folder = directory.appendingPathComponent(name, isDirectory: true)
                summary.bytes += Self.size(of: folder)
                try? fm.removeItem(at: folder)
                summary.leftovers += 1
            } else if name.hasSuffix(".lock"), Self.isKey(String(name.dropLast(5))) {
                // A lock file without an entry: remove it if nobody holds it.
                let key = String(name.dropLast(5))
                if !fm.fileExists(atPath: entryDirectory(key: key).path),
                   let lock = try lock(key: key, blocking: false) {
                    lock.releaseRemovingFile()
                }
            }
        }
        return summary
    }

    /// Releases the lock of `key`, removing its lock file unless the key has an entry.
    private func release(_ lock: FileLock, key: String) {
        if FileManager.default.fileExists(atPath: entryDirectory(key: key).path) {
            lock.release()
        } else {
            lock.releaseRemovingFile()
        }
    }

    /// Moves `folder` out of sight (atomically), then deletes it.
    func discard(_ folder: URL) throws(ModelBuildError) {
        let trash = directory.appendingPathComponent(".trash-" + UUID().uuidString, isDirectory: true)
        do {
            try FileManager.default.moveItem(at: folder, to: trash)
        } catch {
            throw .cacheUnusable(path: folder.path, reason: "cannot remove: \(error.localizedDescription)")
        }
        try? FileManager.default.removeItem(at: trash)
    }

    // MARK: Helpers

    /// Bytes used by the regular files under `url`.
    static func size(of url: URL) -> Int64 {
        let fm = FileManager.default
        guard let walker = fm.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) else {
            return 0
        }
        var total: Int64 = 0
        for case let file as URL in walker {
            let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            if values?.isRegularFile == true { total += Int64(values?.fileSize ?? 0) }
        }
        return total
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
