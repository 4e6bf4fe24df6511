import Foundation
import Testing
@testable import StemRTL
import StemSupport

extension ToyBuildTests {
/// A damaged cache entry (a truncated or altered library, a `meta.json` without the recorded
/// checksum) is rebuilt before anything loads it, instead of crashing `dlopen`.
@Suite struct ModelCacheDamageTests {
    /// A private copy of the shared toy entry (so the shared one stays intact).
    static func copiedEntry(_ name: String) throws -> (ModelBuilder, ModelBuilder.Product) {
        let shared = try ToyModel.builder(cache: ToyModel.sharedCache).build(ModelParameters())
        let folder = ToyModel.temporaryFolder(name)
        try FileManager.default.copyItem(at: shared.directory, to: folder.appendingPathComponent(shared.key))
        let builder = ToyModel.builder(cache: folder)
        let product = try builder.build(ModelParameters())
        #expect(!product.wasBuilt, "the copy is found in the cache")
        return (builder, product)
    }

    @Test func theBuildRecordsTheLibrarySizeAndChecksum() throws {
        let (builder, product) = try Self.copiedEntry("recorded")
        let entry = try #require(builder.cache.entry(forKey: product.key))
        let meta = try #require(entry.metadata)
        let bytes = try Data(contentsOf: product.libraryURL)
        #expect(meta.librarySize == Int64(bytes.count))
        #expect(meta.librarySHA256 == SHA256.hash(Array(bytes)).hexString)
        #expect(builder.cache.damage(of: entry) == nil)
    }

    @Test(arguments: ["truncated", "altered", "unrecorded"])
    func aDamagedLibraryIsRebuiltAndLoads(_ damage: String) throws {
        let (builder, product) = try Self.copiedEntry(damage)
        let library = product.libraryURL
        switch damage {
        case "truncated":
            // What `truncate -s 10000` does; loading this crashed dlopen with SIGBUS.
            let handle = try FileHandle(forWritingTo: library)
            try handle.truncate(atOffset: 10_000)
            try handle.close()
        case "altered":
            var bytes = try Data(contentsOf: library)
            bytes[bytes.count / 2] ^= 0xFF
            try bytes.write(to: library)
        default:
            // An entry written before checksums were recorded.
            let metaURL = product.directory.appendingPathComponent(ModelCache.metadataName)
            var meta = try ModelCache.decoder.decode(ModelCache.Metadata.self, from: Data(contentsOf: metaURL))
            meta.librarySize = nil
            meta.librarySHA256 = nil
            try ModelCache.encoder.encode(meta).write(to: metaURL)
        }
        let entry = try #require(builder.cache.entry(forKey: product.key))
        let reason = try #require(builder.cache.damage(of: entry))
        if damage == "truncated" { #expect(reason.contains("is 10000 bytes"), "\(reason)") }

        var events: [String] = []
        let loaded = try builder.load(ModelParameters()) { events.append("\($0)") }
        #expect(events.first?.contains("is damaged") == true, "\(events)")
        #expect(events.contains { $0.hasPrefix("built ") }, "\(events)")
        _ = try MeshModel(library: loaded)
        let rebuilt = try #require(builder.cache.entry(forKey: product.key))
        #expect(builder.cache.damage(of: rebuilt) == nil)
    }
}
}
