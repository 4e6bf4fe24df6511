import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// `sweep.json` is read and written with `Codable`; files of the same format version written
/// by earlier stemsim versions (the committed results in docs/sweep) must keep resuming.
@Suite struct SweepDocumentTests {
    static let committed = ["docs/sweep/digits.json", "docs/sweep/digits-sparsity.json"]

    static func committedDocument(_ path: String) throws -> SweepDocument {
        let file = SweepTestSupport.root + "/" + path
        return try SweepDocument(parsing: try FileIO.bytes(atPath: file), file: path)
    }

    @Test(arguments: committed) func readsFilesOfEarlierVersions(_ path: String) throws {
        let document = try Self.committedDocument(path)
        let csv = try String(contentsOfFile: SweepTestSupport.root + "/" + path.replacingOccurrences(of: ".json", with: ".csv"),
                             encoding: .utf8)
        #expect(document.points.count == csv.split(separator: "\n").count - 1)
        #expect(document.key.samples == 360 && document.key.engine == .both && document.key.hardware != nil)
        #expect(document.reference.macsPerSample == 6464 && document.reference.bitsNeeded.count == 3)
        #expect(document.points.allSatisfy { $0.samples == 360 && $0.layers.count == 3 && $0.area != nil })
        #expect(SweepTable.csv(of: document) == csv)
    }

    @Test(arguments: committed) func writesWhatItReadsBackAndTheSameTextTwice(_ path: String) throws {
        let document = try Self.committedDocument(path)
        let text = document.jsonText
        let again = try SweepDocument(parsing: Array(text.utf8), file: "again.json")
        #expect(again == document)
        #expect(again.jsonText == text)
        // Unmeasured figures are written as null, not left out.
        guard case .object(let root) = try JSONParser.parse(text, file: "again.json"),
              case .array(let points)? = root["points"], case .object(let point)? = points.first else {
            Issue.record("sweep.json is not an object with points")
            return
        }
        #expect(point["reason"] == .null && point.keys.count == 35)
        #expect(root["format"] == .string("stem-sweep") && root["version"] == .integer(1))
    }

    @Test func errorsNameTheJSONPath() throws {
        let base = try Self.committedDocument(Self.committed[1]).jsonText
        func message(_ text: String) -> String? {
            do {
                _ = try SweepDocument(parsing: Array(text.utf8), file: "s.json")
                return nil
            } catch {
                guard case .unreadableSweep(let path, let message) = error, path == "s.json" else { return "\(error)" }
                return message
            }
        }
        #expect(message(base.replacingOccurrences(of: "\"accBits\" : 12", with: "\"accBits\" : \"12\""))
                == "points[0].accBits: expected an integer")
        #expect(message(base.replacingOccurrences(of: "\"engine\" : \"both\"", with: "\"engine\" : \"fpga\""))
                == "key.engine: unknown value \"fpga\" (allowed: golden, rtl, both)")
        #expect(message(base.replacingOccurrences(of: "\"multiplier\" : 33652,", with: ""))
                == "points[0].layers[0]: missing \"multiplier\"")
        #expect(message(#"{"format": "stem-network", "version": 1}"#) == "not a sweep file (format is not \"stem-sweep\")")
        #expect(message(#"{"format": "stem-sweep", "version": 2}"#)
                == "written by another version of stemsim (version is not 1)")
        #expect(message(#"{"format": "stem-sweep", "version": 1}"#) == "missing \"key\"")
        #expect(message("[1, 2]") == "expected an object")
        let truncated = message("{\"format\": ") ?? ""
        #expect(truncated.hasPrefix("not valid JSON: ") && truncated.count > 16, "\(truncated)")
    }
}
