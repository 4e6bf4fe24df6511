import Foundation
import Testing
@testable import StemSupport

/// What an output path names decides how it is written (issue 13, items 6, 7 and 10): links
/// are followed, devices and FIFOs written through, folders refused; a group of outputs
/// appears together or not at all; stale temporaries of a killed writer are removed.
@Suite struct OutputPathTests {
    static func isSymbolicLink(_ path: String) -> Bool {
        system_lstat(path)?.isSymbolicLink == true
    }

    @Test func aSymbolicLinkIsFollowedAndKept() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("real"), withIntermediateDirectories: false)
        try "old".write(toFile: folder.file("real/a.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: "real/a.txt")
        try FileManager.default.createSymbolicLink(atPath: folder.file("chain"), withDestinationPath: "link")
        #expect(try OutputPath.destination(of: folder.file("chain")) == .replace(target: folder.file("real/a.txt")))

        let writer = try AtomicFileWriter(path: folder.file("chain"))
        #expect(writer.temporaryPath.hasPrefix(folder.file("real/.a.txt.tmp-")), "the temporary goes beside the target")
        try writer.write("new")
        try writer.commit()
        #expect(Self.isSymbolicLink(folder.file("link")) && Self.isSymbolicLink(folder.file("chain")))
        #expect(try folder.text("real/a.txt") == "new")
        #expect(folder.contents() == ["chain", "link", "real"])
    }

    @Test func aFIFOIsWrittenThroughAndStays() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let fifo = folder.file("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = LockedValue(Data())
        let done = DispatchSemaphore(value: 0)
        Thread {
            let handle = FileHandle(forReadingAtPath: fifo)
            let data = handle?.readDataToEndOfFile() ?? Data()
            received.withLock { $0 = data }
            done.signal()
        }.start()
        let writer = try AtomicFileWriter(path: fifo)
        #expect(writer.isStreaming && writer.temporaryPath.isEmpty)
        try writer.write("line 1\n")
        try writer.flush()
        try writer.write("line 2\n")
        try writer.commit()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(String(decoding: received.withLock { $0 }, as: UTF8.self) == "line 1\nline 2\n")
        #expect(system_lstat(fifo)?.isFIFO == true)
        #expect(folder.contents() == ["pipe"])
    }

    @Test func theNullDeviceIsNotReplaced() throws {
        let before = try #require(system_stat("/dev/null"))
        let writer = try AtomicFileWriter(path: "/dev/null")
        #expect(writer.isStreaming)
        try writer.write("discarded")
        try AtomicFileWriter.commitAll([writer])
        let after = try #require(system_stat("/dev/null"))
        #expect(after.isCharacterDevice && after.inode == before.inode)
        #expect(try OutputPath.destination(of: "/dev/stdout") == .stream(path: "/dev/stdout"))
    }

    @Test func aFolderIsRefused() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.file("d"), withIntermediateDirectories: false)
        #expect(throws: OutputFileError(path: folder.file("d"), operation: .create, reason: "it is a folder")) {
            try AtomicFileWriter(path: folder.file("d"))
        }
        #expect(throws: OutputFileError.self) { try OutputPath.validate(folder.file("missing/x")) }
        #expect(folder.contents() == ["d"])
        #expect(TemporaryFiles.shared.tracked.allSatisfy { !$0.hasPrefix(folder.path) }, "nothing tracked after a failure")
    }

    @Test func identitiesCompareWhatPathsResolveTo() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try "x".write(toFile: folder.file("a"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("l"), withDestinationPath: "a")
        try FileManager.default.linkItem(atPath: folder.file("a"), toPath: folder.file("h"))
        try FileManager.default.createDirectory(atPath: folder.file("sub"), withIntermediateDirectories: false)
        let a = OutputPath.identity(of: folder.file("a"))
        #expect(OutputPath.identity(of: folder.file("l")) == a)
        #expect(OutputPath.identity(of: folder.file("h")) == a)
        #expect(OutputPath.identity(of: folder.file("sub/../a")) == a)
        #expect(OutputPath.identity(of: folder.file("new")) == OutputPath.identity(of: folder.file("sub/../new")))
        #expect(OutputPath.identity(of: folder.file("new")) != OutputPath.identity(of: folder.file("sub/new")))
        #expect(OutputPath.contains(folder.file("sub/.."), folder.file("a")))
        #expect(!OutputPath.contains(folder.file("sub"), folder.file("a")))
    }

    /// A rename that fails in the middle of a group takes back the files already renamed: the
    /// one that replaced a file gives the old content back, a new one is removed.
    @Test func commitAllTakesBackWhatWasRenamed() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        try "old a".write(toFile: folder.file("a"), atomically: false, encoding: .utf8)
        let a = try AtomicFileWriter(path: folder.file("a"))
        let b = try AtomicFileWriter(path: folder.file("b"))
        let c = try AtomicFileWriter(path: folder.file("c"))
        try a.write("new a")
        try b.write("new b")
        try c.write("new c")
        // c's name becomes a folder with something in it: its rename fails.
        try FileManager.default.createDirectory(atPath: folder.file("c/x"), withIntermediateDirectories: true)
        #expect(throws: OutputFileError.self) { try AtomicFileWriter.commitAll([a, b, c]) }
        #expect(try folder.text("a") == "old a")
        #expect(folder.contents() == ["a", "c"], "no new file, no temporary, no backup")
        #expect(TemporaryFiles.shared.tracked.allSatisfy { !$0.hasPrefix(folder.path) })
    }

    @Test func staleTemporariesAreRecognisedAndRemoved() throws {
        let folder = try TestFolder()
        defer { folder.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = process.processIdentifier
        let me = getpid()
        let long = String(repeating: "n", count: 250)
        let shortened = "." + String(long.prefix(255 - 1 - ".tmp-\(dead)-1".utf8.count)) + ".tmp-\(dead)-1"
        #expect(StaleTemporaries.owner(ofTemporary: ".out.json.tmp-\(dead)-7", for: "out.json") == dead)
        #expect(StaleTemporaries.owner(ofTemporary: shortened, for: long) == dead)
        #expect(StaleTemporaries.owner(ofTemporary: ".out.json.tmp-x", for: "out.json") == nil)
        #expect(StaleTemporaries.owner(ofTemporary: ".out.jso.tmp-\(dead)-7", for: "out.json") == nil)
        // A scratch name that starts with the marker (the area cache's `.tmp-<key>-<uuid>`)
        // names no target; it once crashed the parser.
        #expect(StaleTemporaries.owner(ofTemporary: ".tmp-\(dead)-7", for: "out.json") == nil)
        #expect(StaleTemporaries.owner(ofTemporary: ".tmp-abc", for: "tmp-abc") == nil)
        let stale = [".out.json.tmp-\(dead)-7", ".out.json.tmp-\(dead)-old-3"]
        let kept = [".out.json.tmp-\(me)-1", ".other.tmp-\(dead)-1", "out.json"]
        for name in stale + kept {
            try "x".write(toFile: folder.file(name), atomically: false, encoding: .utf8)
        }
        let removed = StaleTemporaries.removeStale(besideTarget: folder.file("out.json"))
        #expect(Set(removed) == Set(stale.map { folder.file($0) }))
        #expect(folder.contents() == kept.sorted())
        // A writer of the same target removes them too.
        try "x".write(toFile: folder.file(".out.json.tmp-\(dead)-8"), atomically: false, encoding: .utf8)
        try FileIO.writeAtomically(Array("y".utf8), to: folder.file("out.json"))
        #expect(folder.contents() == kept.sorted())
    }
}
