import Testing
import StemSupport

@Suite struct FileIOTests {
    @Test func readsWhatWasWritten() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try FileIO.writeAtomically(bytes, to: folder.file("data"))
        #expect(try FileIO.bytes(atPath: folder.file("data")) == bytes)
        #expect(FileIO.exists(folder.file("data")))
        #expect(!FileIO.exists(folder.file("other")))
    }

    @Test func readErrorsNameTheFileAndTheReason() throws {
        #expect(throws: FileSystemError(path: "/nonexistent-stem/n.json", reason: "cannot read: No such file or directory")) {
            try FileIO.bytes(atPath: "/nonexistent-stem/n.json")
        }
        let folder = try TestFolder()
        defer { folder.remove() }
        #expect(throws: FileSystemError(path: folder.path, reason: "cannot read: it is a directory")) {
            try FileIO.bytes(atPath: folder.path)
        }
        #expect(FileSystemError(path: "x", reason: "cannot read: it is a directory").description
                == "x: cannot read: it is a directory")
    }
}
