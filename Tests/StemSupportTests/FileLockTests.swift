import Foundation
import Testing
import StemSupport

@Suite struct FileLockTests {
    @Test func aHeldLockExcludesOthersUntilReleased() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.file("entry.lock")
        let held = try #require(try FileLock.acquire(path: path))
        #expect(FileIO.exists(path))
        #expect(try FileLock.acquire(path: path, blocking: false) == nil)
        held.release()
        let again = try #require(try FileLock.acquire(path: path, blocking: false))
        again.releaseRemovingFile()
        #expect(!FileIO.exists(path))
    }

    /// A waiter reports the contention once, then gets the lock when the holder lets go.
    @Test func aBlockingWaiterGetsTheLockAfterTheHolder() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.file("entry.lock")
        let held = try #require(try FileLock.acquire(path: path))
        let contention = LockedValue(0)
        let acquired = LockedValue(false)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let lock = try? FileLock.acquire(path: path) { contention.withLock { $0 += 1 } }
            acquired.withLock { $0 = lock != nil }
            lock?.release()
            done.signal()
        }
        // Wait (on a loaded machine, long) until the waiter has met the held lock.
        let deadline = Date().addingTimeInterval(30)
        while contention.withLock({ $0 }) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(contention.withLock { $0 } == 1)
        #expect(acquired.withLock { $0 } == false)
        held.releaseRemovingFile()
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(acquired.withLock { $0 } && contention.withLock { $0 } == 1)
    }

    @Test func aLockFileThatCannotBeOpenedIsAnError() {
        let error = #expect(throws: FileSystemError.self) {
            try FileLock.acquire(path: "/nonexistent-stem/x.lock")
        }
        #expect(error?.path == "/nonexistent-stem/x.lock")
        #expect(error?.reason == "cannot open the lock file: No such file or directory")
    }
}
