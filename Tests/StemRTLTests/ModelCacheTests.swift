import Foundation
import StemSupport
import Testing
@testable import StemRTL

@Suite struct ModelCacheLockTests {
    /// A holder removes the lock file while another thread waits on it; the waiter and a
    /// newcomer (who creates a new file) must still never hold the lock at the same time.
    @Test func lockExcludesOtherHoldersAndSurvivesRemoval() throws {
        let cache = ModelCache(directory: ToyModel.temporaryFolder("locks"))
        let key = String(repeating: "ab", count: 32)
        let first = try #require(try cache.lock(key: key))
        #expect(try cache.lock(key: key, blocking: false) == nil, "a second holder is refused")

        let inside = LockedValue<(now: Int, most: Int, holders: Int)>((0, 0, 0))
        @Sendable func hold() {
            inside.withLock { $0.now += 1; $0.most = max($0.most, $0.now); $0.holders += 1 }
            Thread.sleep(forTimeInterval: 0.2)
            inside.withLock { $0.now -= 1 }
        }
        let done = DispatchGroup()
        done.enter()
        Thread {
            if let lock = try? cache.lock(key: key) {
                hold()
                lock.release()
            }
            done.leave()
        }.start()
        Thread.sleep(forTimeInterval: 0.2)
        first.releaseRemovingFile()
        let newcomer = try #require(try cache.lock(key: key))
        hold()
        newcomer.release()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let counts = inside.withLock { $0 }
        #expect(counts.holders == 2 && counts.most == 1, "both got the lock, never at once")
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

    @Test func clearWaitsForTheEntrysLockAndSparesBuildsInProgress() throws {
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
        #expect(done.wait(timeout: .now() + 0.5) == .timedOut, "clear waits while the entry is locked")
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
