import Foundation

/// One result file of the core-area cache, `<model cache>/area/<key>.json` (format
/// `stem-core-area`, version 1), read and written with `Codable`.
///
/// ```json
/// {"cells": 1234, "flops": 210, "format": "stem-core-area", "memories": 3, "memoryBits": 9216,
///  "parameters": "stem_core TimeSteps=8 ...", "seconds": 4.2, "sources": "built into stemsim",
///  "version": 1, "yosys": "Yosys 0.23 ..."}
/// ```
struct CoreAreaCacheEntry: Codable, Equatable {
    static let formatName = "stem-core-area"
    static let formatVersion = 1

    var format = Self.formatName
    var version = Self.formatVersion
    /// The synthesized parameters (``CoreAreaParameters/description``), for people reading the file.
    var parameters: String
    /// `yosys -V`.
    var yosys: String
    /// Where the RTL came from.
    var sources: String
    var cells: Int
    var flops: Int
    var memoryBits: Int
    var memories: Int
    var seconds: Double

    init(area: CoreArea, parameters: CoreAreaParameters, yosys: String, sources: String) {
        self.parameters = parameters.description
        self.yosys = yosys
        self.sources = sources
        cells = area.cells
        flops = area.flops
        memoryBits = area.memoryBits
        memories = area.memories
        seconds = area.seconds
    }

    /// The figures.
    var area: CoreArea {
        CoreArea(cells: cells, flops: flops, memoryBits: memoryBits, memories: memories, seconds: seconds)
    }

    /// The file's text: sorted keys, so equal entries give equal files.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [UInt8(ascii: "\n")]
    }

    /// The entry in `bytes`, or nil if they are not a version-1 entry (then the area is
    /// synthesized again and the file replaced).
    static func decoded(from bytes: [UInt8]) -> CoreAreaCacheEntry? {
        guard let entry = try? JSONDecoder().decode(CoreAreaCacheEntry.self, from: Data(bytes)),
              entry.format == formatName, entry.version == formatVersion else { return nil }
        return entry
    }
}
