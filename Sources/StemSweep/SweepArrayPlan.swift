import Foundation
import StemModel

/// The content of `plan.json`, written by `stemsim sweep --plan`: the points of a sweep in a
/// fixed order, so that task `i` of a job array (`--point i`) runs point `i`, and the frame
/// of the `sweep.json` the merge writes (the key, the files as named, the QANN reference).
///
/// ```json
/// {"format": "stem-sweep-plan", "version": 1,
///  "points": [{"index": 0, "name": "acc12-none-wrap", "accBits": 12, "scaled": "none", ...}, ...],
///  "sweep": {... sweep.json with "points": [] ...}}
/// ```
///
/// A plan belongs to the options it was written for: ``differences(from:)`` compares it with
/// the plan the options of a `--point` or `--merge` run give.
public struct SweepArrayPlan: Sendable, Equatable {
    /// The `format` field.
    public static let formatName = "stem-sweep-plan"
    /// The `version` field.
    public static let formatVersion = 1

    /// The points, in ``SweepPointParameters`` order; a task's index is a position here.
    public var points: [SweepPointParameters]
    /// The sweep's key, files and reference, with no points.
    public var frame: SweepDocument

    public init(points: [SweepPointParameters], frame: SweepDocument) {
        self.points = points
        self.frame = frame
        self.frame.points = []
    }

    /// What differs from `other` (the plan in the folder), in words: the key's differences, then
    /// the points, then the reference's energy figures.
    public func differences(from other: SweepArrayPlan) -> [String] {
        var result = frame.key.differences(from: other.frame.key)
        if points != other.points {
            let mine = Set(points), theirs = Set(other.points)
            let added = points.filter { !theirs.contains($0) }.count
            let dropped = other.points.filter { !mine.contains($0) }.count
            result.append("the points (\(other.points.count) planned, \(points.count) now; \(added) new, \(dropped) not asked "
                + "for; --acc-bits, --scaled, --overflow, --rot, --drlo, --bias-bits)")
        }
        if frame.reference.energy != other.frame.reference.energy { result.append("--sop-pj/--mac-pj") }
        return result
    }

    // MARK: Writing and reading

    /// The text of `plan.json` (pretty-printed, keys sorted).
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { preconditionFailure("sweep plan not encodable") }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a `plan.json` written by ``jsonText``.
    /// - Throws: ``SweepError/unreadableSweep(path:message:)`` naming the JSON path.
    public init(parsing bytes: [UInt8], file: String) throws(SweepError) {
        do {
            self = try JSONDecoder().decode(SweepArrayPlan.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .unreadableSweep(path: file, message: SweepDocument.message(for: error))
        } catch {
            throw .unreadableSweep(path: file, message: "\(error)")
        }
    }
}

extension SweepArrayPlan: Codable {
    private enum Keys: String, CodingKey {
        case format, version, points, sweep
    }

    private enum PointKeys: String, CodingKey {
        case index, name, accBits, scaled, overflow, rot, drlo, biasBits
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(Self.formatName, forKey: .format)
        try root.encode(Self.formatVersion, forKey: .version)
        var list = root.nestedUnkeyedContainer(forKey: .points)
        for (index, point) in points.enumerated() {
            var c = list.nestedContainer(keyedBy: PointKeys.self)
            try c.encode(index, forKey: .index)
            try c.encode(point.name, forKey: .name)
            try c.encode(point.accBits, forKey: .accBits)
            try c.encode(point.setting.scaled.rawValue, forKey: .scaled)
            try c.encode(point.setting.overflow.rawValue, forKey: .overflow)
            try c.encode(point.setting.rot, forKey: .rot)
            try c.encode(point.setting.drlo, forKey: .drlo)
            try c.encode(point.setting.biasBits, forKey: .biasBits)
        }
        try root.encode(frame, forKey: .sweep)
    }

    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Keys.self)
        guard (try? root.decode(String.self, forKey: .format)) == Self.formatName else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "not a sweep plan (format is not \"\(Self.formatName)\")"))
        }
        guard (try? root.decode(Int.self, forKey: .version)) == Self.formatVersion else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "written by another version of stemsim (version is not \(Self.formatVersion))"))
        }
        var list = try root.nestedUnkeyedContainer(forKey: .points)
        var points: [SweepPointParameters] = []
        while !list.isAtEnd {
            let c = try list.nestedContainer(keyedBy: PointKeys.self)
            let index = try c.decode(Int.self, forKey: .index)
            guard index == points.count else {
                throw DecodingError.dataCorruptedError(forKey: .index, in: c,
                                                       debugDescription: "is \(index), expected \(points.count)")
            }
            func choice<T: RawRepresentable & CaseIterable>(_ key: PointKeys, _ type: T.Type) throws -> T
            where T.RawValue == String {
                let text = try c.decode(String.self, forKey: key)
                guard let value = T(rawValue: text) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "unknown value \"\(text)\"")
                }
                return value
            }
            points.append(SweepPointParameters(
                accBits: try c.decode(Int.self, forKey: .accBits), scaled: try choice(.scaled, ScaledIntegration.self),
                overflow: try choice(.overflow, OverflowMode.self), rot: try c.decodeIfPresent(Int.self, forKey: .rot),
                drlo: try c.decodeIfPresent(Int.self, forKey: .drlo),
                biasBits: try c.decodeIfPresent(Int.self, forKey: .biasBits)))
        }
        self.init(points: points, frame: try root.decode(SweepDocument.self, forKey: .sweep))
    }
}
