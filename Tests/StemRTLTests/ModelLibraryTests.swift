import Foundation
import Testing
@testable import StemRTL

@Suite struct ModelLibraryTests {
    @Test func missingFileIsRejected() {
        #expect {
            try ModelLibrary(url: URL(fileURLWithPath: "/nonexistent/libstem_model.so"), top: .mesh)
        } throws: { error in
            guard case ModelLoadError.cannotOpen(let path, _) = error else { return false }
            return path == "/nonexistent/libstem_model.so" && "\(error)".contains("cannot load the model library")
        }
    }

    @Test func nonLibraryIsRejected() throws {
        let file = ToyModel.temporaryFolder("not-a-library").appendingPathComponent("libstem_model.so")
        try "not ELF".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: ModelLoadError.self) { try ModelLibrary(url: file, top: .mesh) }
    }
}

extension ToyBuildTests {
/// Several toy libraries loaded at once.
@Suite struct ToyLibraryTests {
    /// Two parameter sets of the same toy (identical exported symbols) live side by side.
    @Test func twoLibrariesLoadedAtOnceAreIndependent() throws {
        let builder = ToyModel.builder(cache: ToyModel.sharedCache)
        let narrow = try builder.load(ModelParameters())
        let wide = try builder.load(ModelParameters(accBits: 24))
        #expect(narrow.url != wide.url)
        let a = try MeshModel(library: narrow)
        let b = try MeshModel(library: wide)
        #expect(try a.parameters().accBits == 16)
        #expect(try b.parameters().accBits == 24)
        try a.start()
        try b.start()
        // The toy accumulates the flits' low AccBits bits, wrapping.
        _ = try a.step(hostFlits: [0xFFFF, 2])
        _ = try b.step(hostFlits: [0xFFFF, 2])
        _ = try b.step(hostFlits: [0x100])
        #expect(try a.peek(tile: 0, address: 0) == [1])
        #expect(try b.peek(tile: 0, address: 0) == [0x10101])
        #expect(try a.counters().steps == 1)
        #expect(try b.counters().steps == 2)
    }
}
}
