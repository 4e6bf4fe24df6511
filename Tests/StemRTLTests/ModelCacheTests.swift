import Foundation
import StemSupport
import Testing
@testable import StemRTL

@Suite struct ModelCacheLockTests {
    /// A holder removes the lock file while another thread waits on it; the waiter and a
    /// newcomer (who creates a new file) must still never hold the lock at the same time.
    ///
    /// No sleeps order the threads: the waiter has the old file open once it reports
    /// contention, and the test then waits for one of two definite states, both holding
    /// (the failure) or one holding and the other blocked on the new file in the kernel
    /// (`/proc/locks`), before anyone lets go.
    @Test(.enabled(if: FlockWaiters.areVisible, "needs /proc/locks (Linux)"))
    func lockExcludesOtherHoldersAndSurvivesRemoval() throws {
        let cache = ModelCache(directory: ToyModel.temporaryFolder("locks"))
        let key = String(repeating: "ab", count: 32)
        let path = cache.lockPath(key: key)
        let first = try #require(try cache.lock(key: key))
        #expect(try cache.lock(key: key, blocking: false) == nil, "a second holder is refused")

        let holders = LockedValue<(now: Int, most: Int, total: Int)>((0, 0, 0))
        let mayRelease = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        @Sendable func holdUntilAllowed(_ lock: FileLock?) {
            guard let lock else { return }
            holders.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.total += 1 }
            mayRelease.wait()
            holders.withLock { $0.now -= 1 }
            lock.release()
        }
        let contended = DispatchSemaphore(value: 0)
        done.enter()
        Thread {
            holdUntilAllowed(try? cache.lock(key: key, onContention: { contended.signal() }))
            done.leave()
        }.start()
        // The waiter has opened the file and found it locked.
        #expect(contended.wait(timeout: .now() + 30) == .success, "the waiter met the held lock")
        first.releaseRemovingFile()
        done.enter()
        Thread {
            holdUntilAllowed(try? cache.lock(key: key))
            done.leave()
        }.start()

        // One holds the new file and the other waits on it, or (the failure) both hold.
        let deadline = Date().addingTimeInterval(30)
        var settled = false
        while !settled && Date() < deadline {
            let holding = holders.withLock { $0.now }
            settled = holding == 2 || (holding == 1 && FlockWaiters.count(onFileAt: path) == 1)
            if !settled { usleep(1000) }
        }
        #expect(settled, "one holder and one waiter on \(path)")
        mayRelease.signal()
        mayRelease.signal()
        #expect(done.wait(timeout: .now() + 30) == .success)
        let counts = holders.withLock { $0 }
        #expect(counts.total == 2 && counts.most == 1, "both got the lock, never at once (\(counts))")
    }
}

/// Threads (of any process) blocked in `flock` on a file, from the kernel's table of locks.
enum FlockWaiters {
    static let table = "/proc/locks"

    static var areVisible: Bool { FileManager.default.isReadableFile(atPath: table) }

    /// Blocked `flock` requests on the file `path` names now (`N: -> FLOCK ... dev:inode ...`).
    static func count(onFileAt path: String) -> Int {
        var status = stat()
        guard stat(path, &status) == 0, let text = try? String(contentsOfFile: table, encoding: .utf8) else { return 0 }
        let inode = String(status.st_ino)
        return text.split(separator: "\n").filter { line in
            let fields = line.split(separator: " ")
            guard fields.count > 6, fields[1] == "->", fields[2] == "FLOCK" else { return false }
            return fields[6].split(separator: ":").last.map(String.init) == inode
        }.count
    }
}

extension ToyBuildTests {
/// Listing and clearing a cache holding a real toy entry.
@Suite struct ModelCacheTests {
    /// A cache holding a copy of the shared toy entry, a stale temporary folder and a failed build.
    static func populatedCache() throws -> (ModelCache, ModelBuilder.Product) {
        let product = try ToyModel.builder(cache: ToyModel.sharedCache).build(ModelParameters())
        let cache = ModelCache(directory: ToyModel.temporaryFolder("populated"))
        let fm = FileManager.default
        try fm.copyItem(at: product.directory, to: cache.directory.appendingPathComponent(product.key))
        let stale = String(repeating: "0", count: 64)
        try fm.createDirectory(at: cache.directory.appendingPathComponent(".tmp-\(stale)-dead/src"),
                               withIntermediateDirectories: true)
        try fm.createDirectory(at: cache.failedDirectory(key: stale), withIntermediateDirectories: true)
        try "log".write(to: cache.failedDirectory(key: stale).appendingPathComponent("build.log"),
                        atomically: true, encoding: .utf8)
        return (cache, product)
    }

    @Test func listsEntriesWithTheirMetadata() throws {
        let (cache, product) = try Self.populatedCache()
        let entries = cache.entries()
        #expect(entries.map(\.key) == [product.key])
        let entry = try #require(entries.first)
        #expect(entry.metadata?.parameters == ModelParameters())
        #expect(entry.sizeBytes > 10_000)
        #expect(entry.libraryURL.lastPathComponent == "libstem_model.so")
    }

    @Test func clearRemovesEverythingAndLoadedModelsKeepWorking() throws {
        let (cache, product) = try Self.populatedCache()
        let library = try ModelLibrary(url: cache.entryDirectory(key: product.key).appendingPathComponent("libstem_model.so"),
                                       top: .mesh)
        let model = try MeshModel(library: library)
        let summary = try cache.clear()
        #expect(summary.entries == 1 && summary.leftovers == 2 && summary.busy == 0 && summary.bytes > 10_000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.directory.path).isEmpty)
        try model.start()
        #expect(try model.step(hostFlits: [3]).spikes == [.init(tile: 0, neuron: 3)])
    }

    @Test(.enabled(if: FlockWaiters.areVisible, "needs /proc/locks (Linux)"))
    func clearWaitsForTheEntrysLockAndSparesBuildsInProgress() throws {
        let (cache, product) = try Self.populatedCache()
        let building = String(repeating: "1", count: 64)
        let busyFolder = cache.directory.appendingPathComponent(".tmp-\(building)-live")
        try FileManager.default.createDirectory(at: busyFolder, withIntermediateDirectories: true)
        let buildLock = try #require(try cache.lock(key: building))
        let entryLock = try #require(try cache.lock(key: product.key))

        let result = LockedValue<ModelCache.ClearSummary?>(nil)
        let done = DispatchGroup()
        done.enter()
        Thread {
            let summary = try? cache.clear()
            result.withLock { $0 = summary }
            done.leave()
        }.start()
        // Wait until clear is blocked on the entry's lock (or, the failure, has finished).
        let deadline = Date().addingTimeInterval(30)
        var blocked = false
        while !blocked && done.wait(timeout: .now()) == .timedOut && Date() < deadline {
            blocked = FlockWaiters.count(onFileAt: cache.lockPath(key: product.key)) == 1
            if !blocked { usleep(1000) }
        }
        #expect(blocked, "clear waits for the entry's lock")
        #expect(cache.entry(forKey: product.key) != nil)
        entryLock.release()
        #expect(done.wait(timeout: .now() + 30) == .success)
        let summary = try #require(result.withLock { $0 })
        #expect(summary.entries == 1 && summary.busy == 1)
        #expect(cache.entry(forKey: product.key) == nil)
        #expect(FileManager.default.fileExists(atPath: busyFolder.path), "a build in progress is left alone")
        buildLock.release()
    }
}
}
