import StemSupport

extension Network {
    static let topLevelKeys = ["format", "version", "timeSteps", "weightBits", "accumulatorBits", "biasBits",
                               "overflow", "inputSize", "inputSigned", "layers"]
    static let layerKeys = ["weights", "bias", "biasMode", "shift", "multiplier", "postShift", "rot", "drlo"]

    /// Reads and validates a network file.
    /// - Throws: ``FormatError`` naming `path`, the JSON path, the value and the allowed range.
    public static func load(from path: String) throws(FormatError) -> Network {
        try Network(parsing: try FileIO.read(path), file: path)
    }

    /// Parses and validates the text of a network file; `file` names it in errors.
    public init(parsing bytes: [UInt8], file: String) throws(FormatError) {
        try self.init(json: try JSONParser.parse(bytes, file: file), file: file)
    }

    /// Decodes and validates a parsed network file; `file` names it in errors.
    public init(json: JSONValue, file: String) throws(FormatError) {
        let reader = JSONReader(file: file)
        let root = try reader.object(json, at: "")
        if case .integer(let v) = root["version"] ?? .null, v == Int64(Self.graphFormatVersion) {
            try reader.checkKeys(root, allowed: Self.graphTopLevelKeys, at: "")
        } else {
            try reader.checkKeys(root, allowed: Self.topLevelKeys, at: "")
        }
        _ = try reader.string(try reader.required(root, "format", at: ""), at: "format", oneOf: [Self.formatName])
        let version = try reader.integer(try reader.required(root, "version", at: ""), at: "version",
                                         in: Self.formatVersion...Self.graphFormatVersion,
                                         note: "the versions this stemsim reads")
        if version == Self.graphFormatVersion {
            self = try Self.decodeGraph(root, reader: reader)
            try validate(file: file)
            return
        }
        let timeSteps = try reader.integer(try reader.required(root, "timeSteps", at: ""), at: "timeSteps",
                                           in: Limits.timeSteps)
        let weightBits = try reader.integer(try reader.required(root, "weightBits", at: ""), at: "weightBits",
                                            in: Limits.weightBits)
        let accumulatorBits = try reader.integer(try reader.required(root, "accumulatorBits", at: ""),
                                                 at: "accumulatorBits", in: Limits.accumulatorBits)
        let biasBits = try Self.decodeBiasBits(root, reader: reader)
        let biasRange = Limits.bias(bits: biasBits)
        var overflow = OverflowMode.wrap
        if let value = root["overflow"] {
            overflow = OverflowMode(rawValue: try reader.string(value, at: "overflow",
                                                                oneOf: OverflowMode.allCases.map(\.rawValue)))!
        }
        let inputSize = try reader.integer(try reader.required(root, "inputSize", at: ""), at: "inputSize",
                                           in: Limits.width)
        var inputSigned = false
        if let value = root["inputSigned"] { inputSigned = try reader.bool(value, at: "inputSigned") }

        let layerValues = try reader.array(try reader.required(root, "layers", at: ""), at: "layers", of: "layers")
        if layerValues.isEmpty { throw reader.fail("layers", "is empty; a network needs at least 1 layer") }
        let weightRange = Limits.weight(bits: weightBits)
        let weightNote = "weightBits \(weightBits)"
        var layers: [Layer] = []
        var previousWidth = inputSize
        for (index, layerValue) in layerValues.enumerated() {
            let path = JSONReader.element("layers", index)
            let object = try reader.object(layerValue, at: path)
            try reader.checkKeys(object, allowed: Self.layerKeys, at: path)
            let weightsPath = JSONReader.member(path, "weights")
            let rows = try reader.array(try reader.required(object, "weights", at: path), at: weightsPath,
                                        of: "rows (one per neuron)")
            if !Limits.width.contains(rows.count) {
                throw reader.fail(weightsPath, "has \(rows.count) rows; a layer has \(Limits.width) neurons")
            }
            var weights: [[Int64]] = []
            weights.reserveCapacity(rows.count)
            for (j, rowValue) in rows.enumerated() {
                let rowPath = JSONReader.element(weightsPath, j)
                let items = try reader.array(rowValue, at: rowPath, of: "weights")
                if items.count != previousWidth {
                    throw reader.fail(rowPath, "has \(items.count) weights, expected \(previousWidth) "
                        + Self.previousLayerNote(index))
                }
                var row: [Int64] = []
                row.reserveCapacity(items.count)
                for (i, item) in items.enumerated() {
                    row.append(try reader.integer(item, at: JSONReader.element(rowPath, i), in: weightRange,
                                                  note: weightNote))
                }
                weights.append(row)
            }
            var layer = Layer(weights: weights)
            if let value = object["bias"] {
                let biasPath = JSONReader.member(path, "bias")
                let items = try reader.array(value, at: biasPath, of: "integers (one per neuron)")
                if items.count != rows.count {
                    throw reader.fail(biasPath, "has \(items.count) values, expected \(rows.count) (one per neuron)")
                }
                var bias: [Int64] = []
                bias.reserveCapacity(items.count)
                for (j, item) in items.enumerated() {
                    bias.append(try reader.integer(item, at: JSONReader.element(biasPath, j), in: biasRange,
                                                   note: Self.biasNote(biasBits)))
                }
                layer.bias = bias
            }
            if let value = object["biasMode"] {
                layer.biasMode = BiasMode(rawValue: try reader.string(
                    value, at: JSONReader.member(path, "biasMode"), oneOf: BiasMode.allCases.map(\.rawValue)))!
            }
            func field(_ key: String, _ range: ClosedRange<Int>, _ note: String? = nil) throws(FormatError) -> Int? {
                guard let value = object[key] else { return nil }
                return try reader.integer(value, at: JSONReader.member(path, key), in: range, note: note)
            }
            layer.shift = try field("shift", Limits.shift) ?? 0
            layer.multiplier = try field("multiplier", Limits.multiplier) ?? 1
            layer.postShift = try field("postShift", Limits.postShift) ?? 0
            layer.rot = try field("rot", Limits.rot(timeSteps: timeSteps), "timeSteps \(timeSteps)") ?? 0
            layer.drlo = try field("drlo", Limits.drlo(timeSteps: timeSteps), "timeSteps \(timeSteps)") ?? 0
            layers.append(layer)
            previousWidth = rows.count
        }
        self.init(timeSteps: timeSteps, weightBits: weightBits, accumulatorBits: accumulatorBits,
                  overflow: overflow, inputSize: inputSize, inputSigned: inputSigned, layers: layers)
        self.biasBits = biasBits
        try validate(file: file)
    }

    /// The optional `biasBits` field (default 32).
    static func decodeBiasBits(_ root: JSONObject, reader: JSONReader) throws(FormatError) -> Int {
        guard let value = root["biasBits"] else { return Limits.defaultBiasBits }
        return try reader.integer(value, at: "biasBits", in: Limits.biasBits)
    }

    /// How a bias range is explained in errors: `biasBits 16`.
    static func biasNote(_ biasBits: Int) -> String { "biasBits \(biasBits)" }

    /// Checks `biasBits` and that every bias fits it.
    func validateBiases(reader: JSONReader) throws(FormatError) {
        try reader.checkRange(Int64(biasBits), in: Int64(Limits.biasBits.lowerBound)...Int64(Limits.biasBits.upperBound),
                              at: "biasBits")
        let range = Limits.bias(bits: biasBits)
        for (index, layer) in layers.enumerated() {
            for (j, b) in layer.bias.enumerated() where !range.contains(b) {
                try reader.checkRange(b, in: range, at: JSONReader.element(JSONReader.member(JSONReader.element("layers", index),
                                                                                             "bias"), j),
                                      note: Self.biasNote(biasBits))
            }
        }
    }

    static func previousLayerNote(_ layerIndex: Int) -> String {
        layerIndex == 0 ? "(inputSize)" : "(the neurons of layers[\(layerIndex - 1)])"
    }

    /// Checks every field against docs/stem-spec.md: ranges, shapes, and per-neuron values.
    /// Networks built in code (random ones, sweep variants) are checked with this; a decoded
    /// network already was.
    /// - Parameter file: the name used in errors.
    public func validate(file: String = "<network>") throws(FormatError) {
        if isGraph {
            try validateGraph(file: file)
            return
        }
        let reader = JSONReader(file: file)
        func check(_ value: Int, _ range: ClosedRange<Int>, _ path: String, _ note: String? = nil) throws(FormatError) {
            try reader.checkRange(Int64(value), in: Int64(range.lowerBound)...Int64(range.upperBound),
                                  at: path, note: note)
        }
        try check(timeSteps, Limits.timeSteps, "timeSteps")
        try check(weightBits, Limits.weightBits, "weightBits")
        try check(accumulatorBits, Limits.accumulatorBits, "accumulatorBits")
        try check(biasBits, Limits.biasBits, "biasBits")
        try check(inputSize, Limits.width, "inputSize")
        if layers.isEmpty { throw reader.fail("layers", "is empty; a network needs at least 1 layer") }
        let weightRange = Limits.weight(bits: weightBits)
        var previousWidth = inputSize
        for (index, layer) in layers.enumerated() {
            let path = JSONReader.element("layers", index)
            let weightsPath = JSONReader.member(path, "weights")
            if !Limits.width.contains(layer.weights.count) {
                throw reader.fail(weightsPath, "has \(layer.weights.count) rows; a layer has \(Limits.width) neurons")
            }
            for (j, row) in layer.weights.enumerated() {
                let rowPath = JSONReader.element(weightsPath, j)
                if row.count != previousWidth {
                    throw reader.fail(rowPath, "has \(row.count) weights, expected \(previousWidth) "
                        + Self.previousLayerNote(index))
                }
                for (i, w) in row.enumerated() where !weightRange.contains(w) {
                    try reader.checkRange(w, in: weightRange, at: JSONReader.element(rowPath, i),
                                          note: "weightBits \(weightBits)")
                }
            }
            let biasPath = JSONReader.member(path, "bias")
            if layer.bias.count != layer.weights.count {
                throw reader.fail(biasPath, "has \(layer.bias.count) values, expected \(layer.weights.count) (one per neuron)")
            }
            try check(layer.shift, Limits.shift, JSONReader.member(path, "shift"))
            try check(layer.multiplier, Limits.multiplier, JSONReader.member(path, "multiplier"))
            try check(layer.postShift, Limits.postShift, JSONReader.member(path, "postShift"))
            try check(layer.rot, Limits.rot(timeSteps: timeSteps), JSONReader.member(path, "rot"), "timeSteps \(timeSteps)")
            try check(layer.drlo, Limits.drlo(timeSteps: timeSteps), JSONReader.member(path, "drlo"), "timeSteps \(timeSteps)")
            previousWidth = layer.weights.count
        }
        try validateBiases(reader: reader)
    }

    /// The network as a JSON document in the network file format (every field written; `biasBits`
    /// only when it is not the default 32, so that existing files keep their text): version
    /// 1 for a chain of dense layers without names, else version 2.
    public var jsonValue: JSONValue {
        if isGraph { return graphJSONValue }
        var root = JSONObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .integer(Int64(Self.formatVersion))
        root["timeSteps"] = .integer(Int64(timeSteps))
        root["weightBits"] = .integer(Int64(weightBits))
        root["accumulatorBits"] = .integer(Int64(accumulatorBits))
        if biasBits != Limits.defaultBiasBits { root["biasBits"] = .integer(Int64(biasBits)) }
        root["overflow"] = .string(overflow.rawValue)
        root["inputSize"] = .integer(Int64(inputSize))
        root["inputSigned"] = .bool(inputSigned)
        root["layers"] = .array(layers.map { layer in
            var object = JSONObject()
            object["weights"] = .array(layer.weights.map { row in .array(row.map { .integer($0) }) })
            object["bias"] = .array(layer.bias.map { .integer($0) })
            object["biasMode"] = .string(layer.biasMode.rawValue)
            object["shift"] = .integer(Int64(layer.shift))
            object["multiplier"] = .integer(Int64(layer.multiplier))
            object["postShift"] = .integer(Int64(layer.postShift))
            object["rot"] = .integer(Int64(layer.rot))
            object["drlo"] = .integer(Int64(layer.drlo))
            return .object(object)
        })
        return .object(root)
    }

    /// The network file's text.
    public var jsonText: String { JSONSerializer.text(of: jsonValue) }

    /// Writes the network file atomically (a temporary file renamed into place).
    public func write(to path: String) throws(OutputFileError) {
        try FileIO.writeAtomically(Array(jsonText.utf8), to: path)
    }
}
