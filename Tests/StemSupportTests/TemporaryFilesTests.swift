import Foundation
import Testing
@testable import StemSupport

@Suite struct TemporaryFilesTests {
    @Test func pathsAreTrackedOnceForEveryTrack() {
        let path = "/nonexistent-stem/tracked-\(UUID().uuidString)"
        TemporaryFiles.shared.track(path)
        TemporaryFiles.shared.track(path)
        TemporaryFiles.shared.forget(path)
        #expect(TemporaryFiles.shared.tracked.contains(path))
        TemporaryFiles.shared.forget(path)
        #expect(!TemporaryFiles.shared.tracked.contains(path))
        TemporaryFiles.shared.forget(path)
        #expect(!TemporaryFiles.shared.tracked.contains(path))
    }

    /// What the interrupt handler does to a tracked path: a file or a whole folder goes.
    @Test func removingATreeRemovesFilesAndNestedFolders() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("export/deep"), withIntermediateDirectories: true)
        try "a".write(toFile: folder.file("export/a.json"), atomically: false, encoding: .utf8)
        try "b".write(toFile: folder.file("export/deep/b.json"), atomically: false, encoding: .utf8)
        try "c".write(toFile: folder.file("single.json"), atomically: false, encoding: .utf8)
        #expect(TemporaryFiles.removeTree(folder.file("export")))
        #expect(TemporaryFiles.removeTree(folder.file("single.json")))
        #expect(!TemporaryFiles.removeTree(folder.file("missing")))
        #expect(folder.contents().isEmpty)
    }
}
