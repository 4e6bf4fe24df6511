import Foundation
import Testing
@testable import StemSupport

@Suite struct AtomicFileWriterTests {
    @Test func writesAppearOnlyWhenCommitted() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.file("out.json")
        let writer = try AtomicFileWriter(path: path)
        try writer.write("hello ")
        try writer.write(decimal: -42)
        try writer.write(byte: UInt8(ascii: "!"))
        try writer.write(Array(" bytes".utf8))
        #expect(folder.contents().count == 1)
        #expect(folder.contents() != ["out.json"])
        #expect(!FileIO.exists(path))
        try writer.commit()
        #expect(folder.contents() == ["out.json"])
        #expect(try folder.text("out.json") == "hello -42! bytes")

        let discarded = try AtomicFileWriter(path: folder.file("never.json"))
        try discarded.write(String(repeating: "x", count: 200_000))  // flushed to the temporary file
        #expect(folder.contents().count == 2)
        discarded.discard()
        discarded.discard()
        #expect(folder.contents() == ["out.json"])

        do {
            let dropped = try AtomicFileWriter(path: folder.file("dropped.json"))
            try dropped.write("y")
        }
        #expect(folder.contents() == ["out.json"])
    }

    /// Replacing keeps the old content, complete, until the rename, and a large new content
    /// arrives complete.
    @Test func replacesAnExistingFileAtomically() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let path = folder.file("data.txt")
        try FileIO.writeAtomically(Array("old".utf8), to: path)
        let large = String(repeating: "0123456789", count: 50_000)
        let replacement = try AtomicFileWriter(path: path)
        try replacement.write(large)
        try replacement.close()
        #expect(try folder.text("data.txt") == "old")
        #expect(FileIO.exists(replacement.temporaryPath))
        try replacement.commit()
        #expect(try folder.text("data.txt") == large)
        #expect(folder.contents() == ["data.txt"])
    }

    /// The data is synced before the rename: committing counts one `fsync`, and so does every
    /// file of a group commit.
    @Test func commitSyncsTheFile() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let writer = try AtomicFileWriter(path: folder.file("synced"))
        try writer.write("x")
        let before = AtomicFileWriter.syncCount.withLock { $0 }
        try writer.commit()
        #expect(AtomicFileWriter.syncCount.withLock { $0 } > before)
        let discarded = try AtomicFileWriter(path: folder.file("never"))
        try discarded.write("y")
        discarded.discard()
        #expect(folder.contents() == ["synced"])
    }

    /// A file handed over to another program (a Verilated model writing its waveform) is
    /// synced too before it is renamed into place.
    @Test func aHandedOverFileIsSyncedBeforeTheRename() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let writer = try AtomicFileWriter(path: folder.file("trace.vcd"))
        let temporary = try #require(writer.handOverTemporaryFile())
        try Data("$date written by the model $end\n".utf8).write(to: URL(fileURLWithPath: temporary))
        let before = AtomicFileWriter.syncCount.withLock { $0 }
        try AtomicFileWriter.commitAll([writer])
        #expect(AtomicFileWriter.syncCount.withLock { $0 } > before)
        #expect(try folder.text("trace.vcd") == "$date written by the model $end\n")
        #expect(folder.contents() == ["trace.vcd"])
    }

    @Test func aFailedRenameLeavesNoTemporaryFileAndTheTargetAsItWas() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        // A folder where the file goes is refused when the writer is made; one that appears
        // later (a non-empty folder cannot be replaced by a file) fails the rename.
        #expect(throws: OutputFileError.self) {
            try FileManager.default.createDirectory(atPath: folder.file("early/inside"), withIntermediateDirectories: true)
            _ = try AtomicFileWriter(path: folder.file("early"))
        }
        try FileManager.default.removeItem(atPath: folder.file("early"))
        let writer = try AtomicFileWriter(path: folder.file("taken"))
        try writer.write("data")
        try FileManager.default.createDirectory(atPath: folder.file("taken/inside"), withIntermediateDirectories: true)
        #expect(TemporaryFiles.shared.tracked.contains(writer.temporaryPath))
        let error = try #require(throws: OutputFileError.self) { try writer.commit() }
        #expect(error.operation == .rename && error.path == folder.file("taken"))
        #expect(error.description.hasPrefix(folder.file("taken") + ": cannot move into place: "))
        #expect(folder.contents() == ["taken"])
        #expect(FileManager.default.fileExists(atPath: folder.file("taken/inside")))
        #expect(!TemporaryFiles.shared.tracked.contains(writer.temporaryPath))
    }

    @Test func aMissingFolderIsACreateError() {
        #expect(throws: OutputFileError(path: "/nonexistent-stem/x.json", operation: .create,
                                        reason: "No such file or directory (the folder /nonexistent-stem does not exist)")) {
            try AtomicFileWriter(path: "/nonexistent-stem/x.json")
        }
        #expect(throws: OutputFileError(path: "out/", operation: .create, reason: "the path names a folder")) {
            try AtomicFileWriter(path: "out/")
        }
    }

    /// An open writer's temporary file is tracked for the interrupt handler, and forgotten
    /// once it is committed or discarded.
    @Test func openTemporaryFilesAreTrackedUntilCommittedOrDiscarded() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let kept = try AtomicFileWriter(path: folder.file("kept.json"))
        let dropped = try AtomicFileWriter(path: folder.file("dropped.json"))
        #expect(kept.temporaryPath.hasPrefix(folder.file(".kept.json.tmp-")))
        #expect(TemporaryFiles.shared.tracked.contains(kept.temporaryPath))
        #expect(TemporaryFiles.shared.tracked.contains(dropped.temporaryPath))
        try kept.commit()
        dropped.discard()
        #expect(!TemporaryFiles.shared.tracked.contains(kept.temporaryPath))
        #expect(!TemporaryFiles.shared.tracked.contains(dropped.temporaryPath))
    }

    @Test func aGroupAppearsWhole() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let a = try AtomicFileWriter(path: folder.file("a"))
        let b = try AtomicFileWriter(path: folder.file("b"))
        try a.write("A")
        try b.write("B")
        try AtomicFileWriter.commitAll([a, b])
        #expect(folder.contents() == ["a", "b"])
        #expect(try folder.text("a") == "A" && folder.text("b") == "B")
    }

    /// When the second file of a group cannot be renamed, the first is removed again and no
    /// temporary file stays.
    @Test func aGroupWithAFailedRenameAppearsNotAtAll() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let first = try AtomicFileWriter(path: folder.file("first"))
        let second = try AtomicFileWriter(path: folder.file("second"))
        try first.write("1")
        try second.write("2")
        try FileManager.default.createDirectory(atPath: folder.file("second/inside"), withIntermediateDirectories: true)
        #expect(throws: OutputFileError.self) { try AtomicFileWriter.commitAll([first, second]) }
        #expect(folder.contents() == ["second"])
        #expect(!TemporaryFiles.shared.tracked.contains(first.temporaryPath))
        #expect(!TemporaryFiles.shared.tracked.contains(second.temporaryPath))
    }
}
