import Foundation
import StemModel

/// The content of `sweep.json`: what was swept (the key a resumed sweep must match), the
/// quantized-ANN reference, and one entry per point.
public struct SweepDocument: Sendable, Equatable {
    /// The `format` field.
    public static let formatName = "stem-sweep"
    /// The `version` field.
    public static let formatVersion = 1

    /// What the figures of every point depend on besides the point's own parameters. Points
    /// are reused only when the key of the folder's sweep equals the new one.
    public struct Key: Sendable, Equatable {
        /// SHA-256 of the network as stemsim writes it (so formatting does not matter).
        public var network: String
        /// SHA-256 of the samples and labels run (after `--limit`), as stemsim writes them.
        public var inputs: String
        /// The number of samples.
        public var samples: Int
        public var engine: SweepEngine
        public var sparsifiedLayers: SparsifiedLayers
        /// The mesh the network is mapped onto (with the RTL).
        public var mesh: String
        /// SHA-256 over the hardware sources (when the RTL runs or the core size is measured).
        public var hardware: String?
        /// SHA-256 of the calibration set `--scaled auto` chose its shifts on, as stemsim writes
        /// it (``SweepCalibration/sha256``), and its number of samples; nil without `auto`.
        public var calibration: String?
        public var calibrationSamples: Int?

        public init(network: String, inputs: String, samples: Int, engine: SweepEngine,
                    sparsifiedLayers: SparsifiedLayers, mesh: String, hardware: String?,
                    calibration: String? = nil, calibrationSamples: Int? = nil) {
            self.network = network
            self.inputs = inputs
            self.samples = samples
            self.engine = engine
            self.sparsifiedLayers = sparsifiedLayers
            self.mesh = mesh
            self.hardware = hardware
            self.calibration = calibration
            self.calibrationSamples = calibrationSamples
        }

        /// What differs from `other`, in words ("network", "inputs", ...).
        public func differences(from other: Key) -> [String] {
            var result: [String] = []
            if network != other.network { result.append("network") }
            if inputs != other.inputs || samples != other.samples { result.append("inputs (or --limit)") }
            if engine != other.engine { result.append("--engine (\(other.engine.rawValue), now \(engine.rawValue))") }
            if sparsifiedLayers != other.sparsifiedLayers { result.append("--sparsify-output setting") }
            if mesh != other.mesh { result.append("mesh") }
            if hardware != other.hardware { result.append("hardware sources (the RTL changed)") }
            if calibration != other.calibration || calibrationSamples != other.calibrationSamples {
                result.append("calibration set of --scaled auto")
            }
            return result
        }
    }

    /// The quantized ANN at full width, and the base network's accumulator needs.
    public struct Reference: Sendable, Equatable {
        /// Samples the QANN of the network as given classifies correctly (nil without labels).
        public var qannCorrect: Int?
        /// Per layer: the largest `|V|` of the network as given in a 48-bit accumulator, and the
        /// width it needs.
        public var peakMagnitudes: [Int64]
        public var bitsNeeded: [Int]
        /// Multiply-accumulates per sample of the QANN.
        public var macsPerSample: Int
        /// The energy per operation the energies are computed with (`--sop-pj`, `--mac-pj`);
        /// recorded as `sopPicojoules`, `macPicojoules` and `energySource`. Not part of the
        /// key: energies are derived from the SOP and MAC counts when the document is written.
        public var energy: EnergyModel

        public init(qannCorrect: Int?, peakMagnitudes: [Int64], bitsNeeded: [Int], macsPerSample: Int,
                    energy: EnergyModel = .paper) {
            self.qannCorrect = qannCorrect
            self.peakMagnitudes = peakMagnitudes
            self.bitsNeeded = bitsNeeded
            self.macsPerSample = macsPerSample
            self.energy = energy
        }
    }

    public var key: Key
    /// The files as the user named them (for messages; not part of the key).
    public var networkFile: String
    public var inputsFile: String
    /// The calibration file as the user named it (nil without `--scaled auto`).
    public var calibrationFile: String?
    public var reference: Reference
    /// The points, in ``SweepPointParameters`` order.
    public var points: [SweepPoint]

    public init(key: Key, networkFile: String, inputsFile: String, calibrationFile: String? = nil,
                reference: Reference, points: [SweepPoint]) {
        self.key = key
        self.networkFile = networkFile
        self.inputsFile = inputsFile
        self.calibrationFile = calibrationFile
        self.reference = reference
        self.points = points
    }

    /// `qannCorrect / samples`.
    public var qannAccuracy: Double? { reference.qannCorrect.map { Double($0) / Double(key.samples) } }

    // MARK: Writing

    /// The text of `sweep.json` (pretty-printed, keys sorted, so equal documents give equal
    /// files).
    public var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Every value of a document is encodable; finite doubles only (energies, accuracies,
        // seconds), so encoding cannot fail.
        guard let data = try? encoder.encode(self) else { preconditionFailure("sweep document not encodable") }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Reading

    /// Reads a `sweep.json` written by ``jsonText`` (or by earlier versions of stemsim with the
    /// same format version).
    /// - Throws: ``SweepError/unreadableSweep(path:message:)`` naming the JSON path.
    public init(parsing bytes: [UInt8], file: String) throws(SweepError) {
        do {
            self = try JSONDecoder().decode(SweepDocument.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .unreadableSweep(path: file, message: Self.message(for: error))
        } catch {
            throw .unreadableSweep(path: file, message: "\(error)")
        }
    }

    /// A decoding error in the words of the hand-written readers: `points[3].layers[0]: missing "shift"`.
    static func message(for error: DecodingError) -> String {
        func located(_ path: [any CodingKey], _ message: String) -> String {
            var text = ""
            for key in path {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? message : text + ": " + message
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is String.Type: return "a string"
            case is Int.Type, is Int64.Type: return "an integer"
            case is Double.Type: return "a number"
            case is [Any].Type: return "an array"
            default: return "an object"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return located(context.codingPath, "missing \"\(key.stringValue)\"")
        case .typeMismatch(let type, let context):
            return located(context.codingPath, "expected \(kind(type))")
        case .valueNotFound(let type, let context):
            return located(context.codingPath, "expected \(kind(type)), found null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty, context.debugDescription.contains("not valid JSON") {
                let detail = context.underlyingError.map { ($0 as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\($0)" }
                return "not valid JSON: " + (detail ?? "a syntax error")
            }
            return located(context.codingPath, context.debugDescription)
        @unknown default:
            return "\(error)"
        }
    }
}

// MARK: - Codable

extension SweepDocument: Codable {
    private enum Keys: String, CodingKey {
        case format, version, key, networkFile, inputsFile, calibrationFile, reference, points
    }

    private enum ReferenceKeys: String, CodingKey {
        case qannCorrect, qannAccuracy, peakMagnitudes, bitsNeeded, macsPerSample, sopPicojoules, macPicojoules
        case energySource
    }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encode(Self.formatName, forKey: .format)
        try root.encode(Self.formatVersion, forKey: .version)
        try root.encode(key, forKey: .key)
        try root.encode(networkFile, forKey: .networkFile)
        try root.encode(inputsFile, forKey: .inputsFile)
        try root.encode(calibrationFile, forKey: .calibrationFile)
        var r = root.nestedContainer(keyedBy: ReferenceKeys.self, forKey: .reference)
        try r.encode(reference.qannCorrect, forKey: .qannCorrect)
        try r.encode(qannAccuracy, forKey: .qannAccuracy)
        try r.encode(reference.peakMagnitudes, forKey: .peakMagnitudes)
        try r.encode(reference.bitsNeeded, forKey: .bitsNeeded)
        try r.encode(reference.macsPerSample, forKey: .macsPerSample)
        try r.encode(reference.energy.sopPicojoules, forKey: .sopPicojoules)
        try r.encode(reference.energy.macPicojoules, forKey: .macPicojoules)
        try r.encode(reference.energy.source, forKey: .energySource)
        try root.encode(points.map { PointCoding($0, energy: reference.energy) }, forKey: .points)
    }

    public init(from decoder: any Decoder) throws {
        let root = try decoder.container(keyedBy: Keys.self)
        guard (try? root.decode(String.self, forKey: .format)) == Self.formatName else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "not a sweep file (format is not \"\(Self.formatName)\")"))
        }
        guard (try? root.decode(Int.self, forKey: .version)) == Self.formatVersion else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [],
                debugDescription: "written by another version of stemsim (version is not \(Self.formatVersion))"))
        }
        key = try root.decode(Key.self, forKey: .key)
        networkFile = try root.decode(String.self, forKey: .networkFile)
        inputsFile = try root.decode(String.self, forKey: .inputsFile)
        calibrationFile = try root.decodeIfPresent(String.self, forKey: .calibrationFile)
        let r = try root.nestedContainer(keyedBy: ReferenceKeys.self, forKey: .reference)
        reference = Reference(
            qannCorrect: try r.decodeIfPresent(Int.self, forKey: .qannCorrect),
            peakMagnitudes: try r.decode([Int64].self, forKey: .peakMagnitudes),
            bitsNeeded: try r.decode([Int].self, forKey: .bitsNeeded),
            macsPerSample: try r.decode(Int.self, forKey: .macsPerSample),
            energy: EnergyModel(sopPicojoules: try r.decodeIfPresent(Double.self, forKey: .sopPicojoules)
                                    ?? EnergyModel.paper.sopPicojoules,
                                macPicojoules: try r.decodeIfPresent(Double.self, forKey: .macPicojoules)
                                    ?? EnergyModel.paper.macPicojoules))
        points = try root.decode([PointCoding].self, forKey: .points).map(\.point)
    }
}

extension SweepDocument.Key: Codable {
    private enum Keys: String, CodingKey {
        case network, inputs, samples, engine, sparsifiedLayers, mesh, hardware, calibration, calibrationSamples
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(network, forKey: .network)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(samples, forKey: .samples)
        try c.encode(engine.rawValue, forKey: .engine)
        try c.encode(sparsifiedLayers.rawValue, forKey: .sparsifiedLayers)
        try c.encode(mesh, forKey: .mesh)
        try c.encode(hardware, forKey: .hardware)
        try c.encode(calibration, forKey: .calibration)
        try c.encode(calibrationSamples, forKey: .calibrationSamples)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(network: try c.decode(String.self, forKey: .network),
                  inputs: try c.decode(String.self, forKey: .inputs),
                  samples: try c.decode(Int.self, forKey: .samples),
                  engine: try c.decodeRawValue(SweepEngine.self, forKey: .engine),
                  sparsifiedLayers: try c.decodeRawValue(SparsifiedLayers.self, forKey: .sparsifiedLayers),
                  mesh: try c.decode(String.self, forKey: .mesh),
                  hardware: try c.decodeIfPresent(String.self, forKey: .hardware),
                  calibration: try c.decodeIfPresent(String.self, forKey: .calibration),
                  calibrationSamples: try c.decodeIfPresent(Int.self, forKey: .calibrationSamples))
    }
}

/// One entry of `points`: the point's parameters, its figures and the figures derived from
/// them (accuracies, energies), flat, `null` for what the point did not measure.
private struct PointCoding: Codable {
    var point: SweepPoint
    /// The energy per operation the point's energies are written at.
    var energy: EnergyModel = .paper

    init(_ point: SweepPoint, energy: EnergyModel) {
        self.point = point
        self.energy = energy
    }

    private enum Keys: String, CodingKey {
        case accBits, scaled, overflow, rot, drlo, biasBits, status, reason, samples, correct, accuracy, rtlCorrect
        case qannCorrect, qannAccuracy, qannAgreement, qannMatches, mismatchSteps, mismatchSpikes
        case goldenOverflows, rtlOverflows, bitsNeeded, layers, sops, macs, snnEnergyMicrojoules
        case qannEnergyMicrojoules, rtlCycles, coreCells, coreFlops, coreMemoryBits, coreMemories
        case coreSynthesisSeconds, areaNote, seconds, networkFile
    }

    private enum LayerKeys: String, CodingKey {
        case shift, multiplier, postShift, peakMagnitude, bitsNeeded, overflows
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        let p = point.parameters
        try c.encode(p.accBits, forKey: .accBits)
        try c.encode(p.setting.scaled.rawValue, forKey: .scaled)
        try c.encode(p.setting.overflow.rawValue, forKey: .overflow)
        try c.encode(p.setting.rot, forKey: .rot)
        try c.encode(p.setting.drlo, forKey: .drlo)
        try c.encode(p.setting.biasBits, forKey: .biasBits)
        try c.encode(point.status.rawValue, forKey: .status)
        try c.encode(point.reason, forKey: .reason)
        try c.encode(point.samples, forKey: .samples)
        try c.encode(point.correct, forKey: .correct)
        try c.encode(point.accuracy, forKey: .accuracy)
        try c.encode(point.rtlCorrect, forKey: .rtlCorrect)
        try c.encode(point.qannCorrect, forKey: .qannCorrect)
        try c.encode(point.qannAccuracy, forKey: .qannAccuracy)
        try c.encode(point.qannAgreement, forKey: .qannAgreement)
        try c.encode(point.qannMatches, forKey: .qannMatches)
        try c.encode(point.mismatchSteps, forKey: .mismatchSteps)
        try c.encode(point.mismatchSpikes, forKey: .mismatchSpikes)
        try c.encode(point.goldenOverflows, forKey: .goldenOverflows)
        try c.encode(point.rtlOverflows, forKey: .rtlOverflows)
        try c.encode(point.bitsNeeded, forKey: .bitsNeeded)
        var layers = c.nestedUnkeyedContainer(forKey: .layers)
        for layer in point.layers {
            var l = layers.nestedContainer(keyedBy: LayerKeys.self)
            try l.encode(layer.shift, forKey: .shift)
            try l.encode(layer.multiplier, forKey: .multiplier)
            try l.encode(layer.postShift, forKey: .postShift)
            try l.encode(layer.peakMagnitude, forKey: .peakMagnitude)
            try l.encode(layer.bitsNeeded, forKey: .bitsNeeded)
            try l.encode(layer.overflows, forKey: .overflows)
        }
        try c.encode(point.sops, forKey: .sops)
        try c.encode(point.macs, forKey: .macs)
        try c.encode(point.snnEnergyMicrojoules(energy), forKey: .snnEnergyMicrojoules)
        try c.encode(point.qannEnergyMicrojoules(energy), forKey: .qannEnergyMicrojoules)
        try c.encode(point.rtlCycles, forKey: .rtlCycles)
        try c.encode(point.area?.cells, forKey: .coreCells)
        try c.encode(point.area?.flops, forKey: .coreFlops)
        try c.encode(point.area?.memoryBits, forKey: .coreMemoryBits)
        try c.encode(point.area?.memories, forKey: .coreMemories)
        try c.encode(point.area?.seconds, forKey: .coreSynthesisSeconds)
        try c.encode(point.areaNote, forKey: .areaNote)
        try c.encode(point.seconds, forKey: .seconds)
        try c.encode(point.networkFile, forKey: .networkFile)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let parameters = SweepPointParameters(
            accBits: try c.decode(Int.self, forKey: .accBits),
            scaled: try c.decodeRawValue(ScaledIntegration.self, forKey: .scaled),
            overflow: try c.decodeRawValue(OverflowMode.self, forKey: .overflow),
            rot: try c.decodeIfPresent(Int.self, forKey: .rot), drlo: try c.decodeIfPresent(Int.self, forKey: .drlo),
            biasBits: try c.decodeIfPresent(Int.self, forKey: .biasBits))
        point = SweepPoint(parameters: parameters, status: try c.decodeRawValue(SweepPoint.Status.self, forKey: .status),
                           reason: try c.decodeIfPresent(String.self, forKey: .reason),
                           samples: try c.decode(Int.self, forKey: .samples))
        point.correct = try c.decodeIfPresent(Int.self, forKey: .correct)
        point.rtlCorrect = try c.decodeIfPresent(Int.self, forKey: .rtlCorrect)
        point.qannCorrect = try c.decodeIfPresent(Int.self, forKey: .qannCorrect)
        point.qannAgreement = try c.decodeIfPresent(Int.self, forKey: .qannAgreement)
        point.qannMatches = try c.decodeIfPresent(Int.self, forKey: .qannMatches)
        point.mismatchSteps = try c.decodeIfPresent(Int.self, forKey: .mismatchSteps)
        point.mismatchSpikes = try c.decodeIfPresent(Int.self, forKey: .mismatchSpikes)
        point.goldenOverflows = try c.decodeIfPresent(Int.self, forKey: .goldenOverflows)
        point.rtlOverflows = try c.decodeIfPresent(Int.self, forKey: .rtlOverflows)
        var layers = try c.nestedUnkeyedContainer(forKey: .layers)
        while !layers.isAtEnd {
            let l = try layers.nestedContainer(keyedBy: LayerKeys.self)
            point.layers.append(SweepPoint.LayerFigures(
                shift: try l.decode(Int.self, forKey: .shift), multiplier: try l.decode(Int.self, forKey: .multiplier),
                postShift: try l.decode(Int.self, forKey: .postShift),
                peakMagnitude: try l.decodeIfPresent(Int64.self, forKey: .peakMagnitude),
                bitsNeeded: try l.decodeIfPresent(Int.self, forKey: .bitsNeeded),
                overflows: try l.decodeIfPresent(Int.self, forKey: .overflows)))
        }
        point.sops = try c.decodeIfPresent(Int.self, forKey: .sops)
        point.macs = try c.decodeIfPresent(Int.self, forKey: .macs)
        point.rtlCycles = try c.decodeIfPresent(Int.self, forKey: .rtlCycles)
        if let cells = try c.decodeIfPresent(Int.self, forKey: .coreCells) {
            point.area = CoreArea(cells: cells, flops: try c.decodeIfPresent(Int.self, forKey: .coreFlops) ?? 0,
                                  memoryBits: try c.decodeIfPresent(Int.self, forKey: .coreMemoryBits) ?? 0,
                                  memories: try c.decodeIfPresent(Int.self, forKey: .coreMemories) ?? 0,
                                  seconds: try c.decodeIfPresent(Double.self, forKey: .coreSynthesisSeconds) ?? 0)
        }
        point.areaNote = try c.decodeIfPresent(String.self, forKey: .areaNote)
        point.seconds = try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0
        point.networkFile = try c.decodeIfPresent(String.self, forKey: .networkFile)
    }
}

extension KeyedDecodingContainer {
    /// A `String`-backed enumeration, with an error listing the allowed values.
    fileprivate func decodeRawValue<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T
    where T.RawValue == String {
        let text = try decode(String.self, forKey: key)
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "unknown value \"\(text)\" (allowed: \(allowed))")
        }
        return value
    }
}
