import Foundation
import StemCheck
import StemRTL
import StemSupport

/// The result of one task of a sharded run, `<shard-dir>/shard-<i>-of-<n>.json`
/// (`stemsim run --shard i/n`; docs/cluster.md, "Sharded runs"). `stemsim run --merge` reads
/// all `n` and checks that they belong to one run: the same network and inputs (SHA-256 of the
/// files as stemsim reads them, after `--limit`) and the same run options.
struct RunShardFile: Codable, Equatable {
    static let formatName = "stemsim-run-shard"
    static let currentVersion = 1

    var format = Self.formatName
    var version = Self.currentVersion
    /// `i` and `n` of `--shard i/n`.
    var shard: Int
    var shards: Int
    /// SHA-256 of the network's and the inputs' JSON text.
    var network: String
    var inputs: String
    /// The options that decide what the run computes (engine, --keep-going, --check-state,
    /// --assertions, --rtl-layers, the mesh), by option name.
    var options: [String: String]
    /// The engines' names, as the summary prints them.
    var referenceName: String
    var deviceName: String?
    /// With the RTL: the summary's mesh line and the shard's network statistics.
    var meshLine: String?
    var rtlStatistics: RTLEngine.NetworkStatistics?
    /// Wall time of the shard's run.
    var seconds: Double
    var outcome: ShardOutcome

    /// `shard-3-of-8.json`.
    static func name(shard: Int, of count: Int) -> String { "shard-\(shard)-of-\(count).json" }

    /// `(3, 8)` for `shard-3-of-8.json`, nil for other names.
    static func index(ofName name: String) -> (shard: Int, count: Int)? {
        guard name.hasPrefix("shard-"), name.hasSuffix(".json") else { return nil }
        let parts = name.dropFirst("shard-".count).dropLast(".json".count).components(separatedBy: "-of-")
        guard parts.count == 2, let shard = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(shard),
              name == Self.name(shard: shard, of: count) else { return nil }
        return (shard, count)
    }

    var jsonData: Data {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(self)
        }
    }

    /// Reads `path`; nil with the reason when it is not a shard result of this version.
    static func read(_ path: String) -> Result<RunShardFile, CommandFailure> {
        let bytes: [UInt8]
        do {
            bytes = try FileIO.bytes(atPath: path, limit: 1 << 32)
        } catch {
            return .failure(CommandFailure(.badInput, "--merge: \(path): \(error)"))
        }
        do {
            let file = try JSONDecoder().decode(RunShardFile.self, from: Data(bytes))
            guard file.format == formatName, file.version == currentVersion else {
                return .failure(CommandFailure(.badInput, "--merge: \(path): format \(file.format) version \(file.version), "
                    + "expected \(formatName) version \(currentVersion)"))
            }
            return .success(file)
        } catch {
            return .failure(CommandFailure(.badInput, "--merge: \(path) is not a shard result of stemsim run --shard "
                + "(\(describe(error)))"))
        }
    }
}
