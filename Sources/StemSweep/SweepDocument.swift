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

        public init(network: String, inputs: String, samples: Int, engine: SweepEngine,
                    sparsifiedLayers: SparsifiedLayers, mesh: String, hardware: String?) {
            self.network = network
            self.inputs = inputs
            self.samples = samples
            self.engine = engine
            self.sparsifiedLayers = sparsifiedLayers
            self.mesh = mesh
            self.hardware = hardware
        }

        var jsonValue: JSONValue {
            .object(JSONObject([
                ("network", .string(network)), ("inputs", .string(inputs)), ("samples", .integer(Int64(samples))),
                ("engine", .string(engine.rawValue)), ("sparsifiedLayers", .string(sparsifiedLayers.rawValue)),
                ("mesh", .string(mesh)), ("hardware", hardware.map { .string($0) } ?? .null),
            ]))
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

        public init(qannCorrect: Int?, peakMagnitudes: [Int64], bitsNeeded: [Int], macsPerSample: Int) {
            self.qannCorrect = qannCorrect
            self.peakMagnitudes = peakMagnitudes
            self.bitsNeeded = bitsNeeded
            self.macsPerSample = macsPerSample
        }
    }

    public var key: Key
    /// The files as the user named them (for messages; not part of the key).
    public var networkFile: String
    public var inputsFile: String
    public var reference: Reference
    /// The points, in ``SweepPointParameters`` order.
    public var points: [SweepPoint]

    public init(key: Key, networkFile: String, inputsFile: String, reference: Reference, points: [SweepPoint]) {
        self.key = key
        self.networkFile = networkFile
        self.inputsFile = inputsFile
        self.reference = reference
        self.points = points
    }

    /// `qannCorrect / samples`.
    public var qannAccuracy: Double? { reference.qannCorrect.map { Double($0) / Double(key.samples) } }

    // MARK: Writing

    /// The document as JSON.
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .integer(Int64(Self.formatVersion))
        root["key"] = key.jsonValue
        root["networkFile"] = .string(networkFile)
        root["inputsFile"] = .string(inputsFile)
        root["reference"] = .object(JSONObject([
            ("qannCorrect", Self.integer(reference.qannCorrect)),
            ("qannAccuracy", qannAccuracy.map { .double($0) } ?? .null),
            ("peakMagnitudes", .array(reference.peakMagnitudes.map { .integer($0) })),
            ("bitsNeeded", .array(reference.bitsNeeded.map { .integer(Int64($0)) })),
            ("macsPerSample", .integer(Int64(reference.macsPerSample))),
            ("sopPicojoules", .double(EnergyModel.sopPicojoules)),
            ("macPicojoules", .double(EnergyModel.macPicojoules)),
        ]))
        root["points"] = .array(points.map(Self.jsonValue(of:)))
        return .object(root)
    }

    /// The text of `sweep.json`.
    public var jsonText: String { JSONSerializer.text(of: jsonValue) }

    static func integer(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }

    static func jsonValue(of point: SweepPoint) -> JSONValue {
        var o = JSONObject()
        let p = point.parameters
        o["accBits"] = .integer(Int64(p.accBits))
        o["scaled"] = .string(p.setting.scaled.rawValue)
        o["overflow"] = .string(p.setting.overflow.rawValue)
        o["rot"] = integer(p.setting.rot)
        o["drlo"] = integer(p.setting.drlo)
        o["status"] = .string(point.status.rawValue)
        o["reason"] = point.reason.map { .string($0) } ?? .null
        o["samples"] = .integer(Int64(point.samples))
        o["correct"] = integer(point.correct)
        o["accuracy"] = point.accuracy.map { .double($0) } ?? .null
        o["rtlCorrect"] = integer(point.rtlCorrect)
        o["qannCorrect"] = integer(point.qannCorrect)
        o["qannAccuracy"] = point.qannAccuracy.map { .double($0) } ?? .null
        o["qannAgreement"] = integer(point.qannAgreement)
        o["qannMatches"] = integer(point.qannMatches)
        o["mismatchSteps"] = integer(point.mismatchSteps)
        o["mismatchSpikes"] = integer(point.mismatchSpikes)
        o["goldenOverflows"] = integer(point.goldenOverflows)
        o["rtlOverflows"] = integer(point.rtlOverflows)
        o["bitsNeeded"] = integer(point.bitsNeeded)
        o["layers"] = .array(point.layers.map { layer in
            .object(JSONObject([
                ("shift", .integer(Int64(layer.shift))), ("multiplier", .integer(Int64(layer.multiplier))),
                ("postShift", .integer(Int64(layer.postShift))),
                ("peakMagnitude", layer.peakMagnitude.map { .integer($0) } ?? .null),
                ("bitsNeeded", integer(layer.bitsNeeded)), ("overflows", integer(layer.overflows)),
            ]))
        })
        o["sops"] = integer(point.sops)
        o["macs"] = integer(point.macs)
        o["snnEnergyMicrojoules"] = point.snnEnergyMicrojoules.map { .double($0) } ?? .null
        o["qannEnergyMicrojoules"] = point.qannEnergyMicrojoules.map { .double($0) } ?? .null
        o["rtlCycles"] = integer(point.rtlCycles)
        o["coreCells"] = integer(point.area?.cells)
        o["coreFlops"] = integer(point.area?.flops)
        o["coreMemoryBits"] = integer(point.area?.memoryBits)
        o["coreMemories"] = integer(point.area?.memories)
        o["coreSynthesisSeconds"] = point.area.map { .double($0.seconds) } ?? .null
        o["areaNote"] = point.areaNote.map { .string($0) } ?? .null
        o["seconds"] = .double(point.seconds)
        o["networkFile"] = point.networkFile.map { .string($0) } ?? .null
        return .object(o)
    }

    // MARK: Reading

    /// Reads a `sweep.json` written by ``jsonText``.
    /// - Throws: ``SweepError/unreadableSweep(path:message:)`` naming the JSON path.
    public init(parsing bytes: [UInt8], file: String) throws(SweepError) {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, file: file)
        } catch {
            throw .unreadableSweep(path: file, message: "not valid JSON: \(error.message)")
        }
        let r = Reader(file: file)
        let object = try r.object(root, "")
        guard case .string(Self.formatName)? = object["format"] else {
            throw .unreadableSweep(path: file, message: "not a sweep file (format is not \"\(Self.formatName)\")")
        }
        guard case .integer(Int64(Self.formatVersion))? = object["version"] else {
            throw .unreadableSweep(path: file, message: "written by another version of stemsim (version is not \(Self.formatVersion))")
        }
        let k = try r.object(try r.member(object, "key", ""), "key")
        guard let engine = SweepEngine(rawValue: try r.string(k, "engine", "key")),
              let sparsified = SparsifiedLayers(rawValue: try r.string(k, "sparsifiedLayers", "key")) else {
            throw .unreadableSweep(path: file, message: "key: unknown engine or sparsifiedLayers")
        }
        key = Key(network: try r.string(k, "network", "key"), inputs: try r.string(k, "inputs", "key"),
                  samples: try r.int(k, "samples", "key"), engine: engine, sparsifiedLayers: sparsified,
                  mesh: try r.string(k, "mesh", "key"), hardware: try r.optionalString(k, "hardware", "key"))
        networkFile = try r.string(object, "networkFile", "")
        inputsFile = try r.string(object, "inputsFile", "")
        let ref = try r.object(try r.member(object, "reference", ""), "reference")
        reference = Reference(
            qannCorrect: try r.optionalInt(ref, "qannCorrect", "reference"),
            peakMagnitudes: try r.array(ref, "peakMagnitudes", "reference").enumerated().map { i, v throws(SweepError) in
                Int64(try r.int(v, "reference.peakMagnitudes[\(i)]")) },
            bitsNeeded: try r.array(ref, "bitsNeeded", "reference").enumerated().map { i, v throws(SweepError) in
                try r.int(v, "reference.bitsNeeded[\(i)]") },
            macsPerSample: try r.int(ref, "macsPerSample", "reference"))
        var points: [SweepPoint] = []
        for (i, value) in try r.array(object, "points", "").enumerated() {
            points.append(try Self.point(value, at: "points[\(i)]", reader: r))
        }
        self.points = points
    }

    private static func point(_ value: JSONValue, at path: String, reader r: Reader) throws(SweepError) -> SweepPoint {
        let o = try r.object(value, path)
        guard let scaled = ScaledIntegration(rawValue: try r.string(o, "scaled", path)),
              let overflow = OverflowMode(rawValue: try r.string(o, "overflow", path)),
              let status = SweepPoint.Status(rawValue: try r.string(o, "status", path)) else {
            throw .unreadableSweep(path: r.file, message: "\(path): unknown scaled, overflow or status value")
        }
        let parameters = SweepPointParameters(
            accBits: try r.int(o, "accBits", path), scaled: scaled, overflow: overflow,
            rot: try r.optionalInt(o, "rot", path), drlo: try r.optionalInt(o, "drlo", path))
        var point = SweepPoint(parameters: parameters, status: status, reason: try r.optionalString(o, "reason", path),
                               samples: try r.int(o, "samples", path))
        point.correct = try r.optionalInt(o, "correct", path)
        point.rtlCorrect = try r.optionalInt(o, "rtlCorrect", path)
        point.qannCorrect = try r.optionalInt(o, "qannCorrect", path)
        point.qannAgreement = try r.optionalInt(o, "qannAgreement", path)
        point.qannMatches = try r.optionalInt(o, "qannMatches", path)
        point.mismatchSteps = try r.optionalInt(o, "mismatchSteps", path)
        point.mismatchSpikes = try r.optionalInt(o, "mismatchSpikes", path)
        point.goldenOverflows = try r.optionalInt(o, "goldenOverflows", path)
        point.rtlOverflows = try r.optionalInt(o, "rtlOverflows", path)
        for (i, layerValue) in try r.array(o, "layers", path).enumerated() {
            let lp = "\(path).layers[\(i)]"
            let l = try r.object(layerValue, lp)
            point.layers.append(SweepPoint.LayerFigures(
                shift: try r.int(l, "shift", lp), multiplier: try r.int(l, "multiplier", lp),
                postShift: try r.int(l, "postShift", lp),
                peakMagnitude: try r.optionalInt(l, "peakMagnitude", lp).map(Int64.init),
                bitsNeeded: try r.optionalInt(l, "bitsNeeded", lp), overflows: try r.optionalInt(l, "overflows", lp)))
        }
        point.sops = try r.optionalInt(o, "sops", path)
        point.macs = try r.optionalInt(o, "macs", path)
        point.rtlCycles = try r.optionalInt(o, "rtlCycles", path)
        if let cells = try r.optionalInt(o, "coreCells", path) {
            point.area = CoreArea(cells: cells, flops: try r.optionalInt(o, "coreFlops", path) ?? 0,
                                  memoryBits: try r.optionalInt(o, "coreMemoryBits", path) ?? 0,
                                  memories: try r.optionalInt(o, "coreMemories", path) ?? 0,
                                  seconds: try r.optionalDouble(o, "coreSynthesisSeconds", path) ?? 0)
        }
        point.areaNote = try r.optionalString(o, "areaNote", path)
        point.seconds = try r.optionalDouble(o, "seconds", path) ?? 0
        point.networkFile = try r.optionalString(o, "networkFile", path)
        return point
    }

    /// Typed access with errors naming the JSON path.
    struct Reader {
        let file: String

        func fail(_ path: String, _ message: String) -> SweepError {
            .unreadableSweep(path: file, message: path.isEmpty ? message : "\(path): \(message)")
        }

        func object(_ value: JSONValue, _ path: String) throws(SweepError) -> JSONObject {
            guard case .object(let object) = value else { throw fail(path, "expected an object") }
            return object
        }

        func member(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> JSONValue {
            guard let value = object[key] else { throw fail(path, "missing \"\(key)\"") }
            return value
        }

        func string(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> String {
            guard case .string(let s) = try member(object, key, path) else {
                throw fail(Self.join(path, key), "expected a string")
            }
            return s
        }

        func optionalString(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw fail(Self.join(path, key), "expected a string or null")
            }
        }

        func int(_ value: JSONValue, _ path: String) throws(SweepError) -> Int {
            guard case .integer(let i) = value else { throw fail(path, "expected an integer") }
            return Int(i)
        }

        func int(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> Int {
            try int(try member(object, key, path), Self.join(path, key))
        }

        func optionalInt(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> Int? {
            switch object[key] {
            case nil, .null?: return nil
            case .integer(let i)?: return Int(i)
            default: throw fail(Self.join(path, key), "expected an integer or null")
            }
        }

        func optionalDouble(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> Double? {
            switch object[key] {
            case nil, .null?: return nil
            case .integer(let i)?: return Double(i)
            case .number(let text)?:
                guard let d = Double(text) else { throw fail(Self.join(path, key), "\(text) is not a number") }
                return d
            default: throw fail(Self.join(path, key), "expected a number or null")
            }
        }

        func array(_ object: JSONObject, _ key: String, _ path: String) throws(SweepError) -> [JSONValue] {
            guard case .array(let items) = try member(object, key, path) else {
                throw fail(Self.join(path, key), "expected an array")
            }
            return items
        }

        static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }
    }
}
