import StemSupport

/// The samples of a run and, optionally, their labels (the inputs file of docs/formats.md).
public struct InputSet: Sendable, Equatable {
    /// The `format` field of an inputs file (optional in the file).
    public static let formatName = "stem-inputs"
    /// The `version` field this reader understands (optional in the file).
    public static let formatVersion = 1

    /// One array of `inputSize` values per sample.
    public var samples: [[Int64]]
    /// The class of each sample, if known.
    public var labels: [Int]?

    public init(samples: [[Int64]], labels: [Int]? = nil) {
        self.samples = samples
        self.labels = labels
    }

    /// The number of samples.
    public var count: Int { samples.count }

    /// The first `n` samples (and their labels).
    public func prefix(_ n: Int) -> InputSet {
        InputSet(samples: Array(samples.prefix(n)), labels: labels.map { Array($0.prefix(n)) })
    }

    /// Reads an inputs file and validates it against `network`.
    /// - Throws: ``FormatError`` naming `path`, the JSON path, the value and the allowed range.
    public static func load(from path: String, for network: Network) throws(FormatError) -> InputSet {
        try InputSet(parsing: try FileIO.read(path), file: path, for: network)
    }

    /// Parses and validates the text of an inputs file; `file` names it in errors.
    public init(parsing bytes: [UInt8], file: String, for network: Network) throws(FormatError) {
        try self.init(json: try JSONParser.parse(bytes, file: file), file: file, for: network)
    }

    /// Decodes and validates a parsed inputs file against `network`.
    public init(json: JSONValue, file: String, for network: Network) throws(FormatError) {
        let reader = JSONReader(file: file)
        let root = try reader.object(json, at: "")
        try reader.checkKeys(root, allowed: ["format", "version", "samples", "labels"], at: "")
        if let value = root["format"] { _ = try reader.string(value, at: "format", oneOf: [Self.formatName]) }
        if let value = root["version"] {
            _ = try reader.integer(value, at: "version", in: Self.formatVersion...Self.formatVersion,
                                   note: "the version this stemsim reads")
        }
        let range = Network.Limits.input(timeSteps: network.timeSteps, signed: network.inputSigned)
        let note = Self.inputNote(network)
        let sampleValues = try reader.array(try reader.required(root, "samples", at: ""), at: "samples",
                                            of: "samples")
        var samples: [[Int64]] = []
        samples.reserveCapacity(sampleValues.count)
        for (k, sampleValue) in sampleValues.enumerated() {
            let path = JSONReader.element("samples", k)
            let items = try reader.array(sampleValue, at: path, of: "input values")
            if items.count != network.inputSize {
                throw reader.fail(path, "has \(items.count) values, expected \(network.inputSize) \(Self.sizeNote(network))")
            }
            var sample: [Int64] = []
            sample.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                sample.append(try reader.integer(item, at: JSONReader.element(path, i), in: range, note: note))
            }
            samples.append(sample)
        }
        var labels: [Int]?
        if let value = root["labels"] {
            let items = try reader.array(value, at: "labels", of: "class indices (one per sample)")
            let classes = 0...(network.outputSize - 1)
            var list: [Int] = []
            list.reserveCapacity(items.count)
            for (k, item) in items.enumerated() {
                list.append(try reader.integer(item, at: JSONReader.element("labels", k), in: classes,
                                               note: "the output layer has \(network.outputSize) neurons"))
            }
            labels = list
        }
        self.init(samples: samples, labels: labels)
        try validate(for: network, file: file)
    }

    /// Where the sample length comes from: `inputSize`, or `C*H*W` of a version-2 input shape.
    static func sizeNote(_ network: Network) -> String {
        network.isGraph ? "(C*H*W of the input shape \(network.inputShape))" : "(inputSize)"
    }

    static func inputNote(_ network: Network) -> String {
        "timeSteps \(network.timeSteps), \(network.inputSigned ? "signed" : "unsigned") inputs"
    }

    /// Checks the samples against `network`: at least one sample, `inputSize` values each, every
    /// value fits `timeSteps` bits (signed or unsigned), one label per sample, each a class of
    /// the output layer.
    public func validate(for network: Network, file: String = "<inputs>") throws(FormatError) {
        let reader = JSONReader(file: file)
        if samples.isEmpty { throw reader.fail("samples", "is empty; a run needs at least 1 sample") }
        let range = Network.Limits.input(timeSteps: network.timeSteps, signed: network.inputSigned)
        for (k, sample) in samples.enumerated() {
            let path = JSONReader.element("samples", k)
            if sample.count != network.inputSize {
                throw reader.fail(path, "has \(sample.count) values, expected \(network.inputSize) \(Self.sizeNote(network))")
            }
            for (i, x) in sample.enumerated() where !range.contains(x) {
                try reader.checkRange(x, in: range, at: JSONReader.element(path, i), note: Self.inputNote(network))
            }
        }
        if let labels {
            if labels.count != samples.count {
                throw reader.fail("labels", "has \(labels.count) labels, expected \(samples.count) (one per sample)")
            }
            let classes = Int64(0)...Int64(network.outputSize - 1)
            for (k, label) in labels.enumerated() {
                try reader.checkRange(Int64(label), in: classes, at: JSONReader.element("labels", k),
                                      note: "the output layer has \(network.outputSize) neurons")
            }
        }
    }

    /// The inputs file as JSON.
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .integer(Int64(Self.formatVersion))
        root["samples"] = .array(samples.map { .array($0.map { .integer($0) }) })
        if let labels { root["labels"] = .array(labels.map { .integer(Int64($0)) }) }
        return .object(root)
    }

    /// The inputs file's text.
    public var jsonText: String { JSONSerializer.text(of: jsonValue) }

    /// Writes the inputs file atomically.
    public func write(to path: String) throws(OutputFileError) {
        try FileIO.writeAtomically(Array(jsonText.utf8), to: path)
    }
}
