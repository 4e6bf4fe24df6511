import StemSupport

/// The result of a run as written by `stemsim run --report` (docs/formats.md): per sample the
/// output values and prediction of the spiking run and of the quantized-ANN reference, the
/// counters, and accuracies when labels are known. Its content depends only on the spike
/// record and the counters, never on which engine produced them or how fast.
public struct RunReport: Sendable, Equatable {
    /// The `format` field of a report.
    public static let formatName = "stem-report"
    public static let formatVersion = 1

    /// One sample's results.
    public struct Sample: Sendable, Equatable {
        /// The output layer's values from the spiking run.
        public var outputs: [Int64]
        /// `argmax(outputs)`, the lowest index on ties.
        public var prediction: Int
        /// The label, if known.
        public var label: Int?
        /// The quantized ANN's output values.
        public var qannOutputs: [Int64]
        /// `argmax(qannOutputs)`.
        public var qannPrediction: Int

        public init(outputs: [Int64], label: Int?, qannOutputs: [Int64]) {
            self.outputs = outputs
            prediction = argmax(outputs)
            self.label = label
            self.qannOutputs = qannOutputs
            qannPrediction = argmax(qannOutputs)
        }
    }

    public var samples: [Sample]
    /// Time steps of the run, `(S + D) * B` (`D` the largest stage, `L` in a chain).
    public var timeSteps: Int
    /// Synaptic operations.
    public var sops: Int
    /// Overflow events.
    public var overflows: Int
    /// Steps whose spikes differed between two engines (only written when nonzero).
    public var divergentSteps: Int

    /// Builds a report. `labels`, if given, has one entry per sample.
    public init(outputs: [[Int64]], qannOutputs: [[Int64]], labels: [Int]?, timeSteps: Int, sops: Int,
                overflows: Int, divergentSteps: Int = 0) {
        precondition(outputs.count == qannOutputs.count && (labels?.count ?? outputs.count) == outputs.count)
        samples = outputs.indices.map { k in
            Sample(outputs: outputs[k], label: labels?[k], qannOutputs: qannOutputs[k])
        }
        self.timeSteps = timeSteps
        self.sops = sops
        self.overflows = overflows
        self.divergentSteps = divergentSteps
    }

    /// Whether every sample has a label.
    public var hasLabels: Bool { !samples.isEmpty && samples.allSatisfy { $0.label != nil } }

    /// Samples whose spiking prediction equals the label (nil without labels).
    public var correct: Int? {
        hasLabels ? samples.filter { $0.prediction == $0.label }.count : nil
    }

    /// Samples whose quantized-ANN prediction equals the label (nil without labels).
    public var qannCorrect: Int? {
        hasLabels ? samples.filter { $0.qannPrediction == $0.label }.count : nil
    }

    /// `correct / samples` (nil without labels).
    public var accuracy: Double? { correct.map { Double($0) / Double(samples.count) } }

    /// `qannCorrect / samples` (nil without labels).
    public var qannAccuracy: Double? { qannCorrect.map { Double($0) / Double(samples.count) } }

    /// Samples whose spiking outputs equal the quantized ANN's exactly.
    public var qannMatches: Int { samples.filter { $0.outputs == $0.qannOutputs }.count }

    /// The report as JSON.
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .integer(Int64(Self.formatVersion))
        root["samples"] = .array(samples.map { sample in
            var object = JSONObject()
            object["outputs"] = .array(sample.outputs.map { .integer($0) })
            object["prediction"] = .integer(Int64(sample.prediction))
            if let label = sample.label { object["label"] = .integer(Int64(label)) }
            object["qannOutputs"] = .array(sample.qannOutputs.map { .integer($0) })
            object["qannPrediction"] = .integer(Int64(sample.qannPrediction))
            return .object(object)
        })
        root["timeSteps"] = .integer(Int64(timeSteps))
        root["sops"] = .integer(Int64(sops))
        root["overflows"] = .integer(Int64(overflows))
        if let accuracy, let correct, let qannAccuracy, let qannCorrect {
            root["accuracy"] = .double(accuracy)
            root["correct"] = .integer(Int64(correct))
            root["qannAccuracy"] = .double(qannAccuracy)
            root["qannCorrect"] = .integer(Int64(qannCorrect))
        }
        root["qannMatches"] = .integer(Int64(qannMatches))
        if divergentSteps > 0 { root["divergentSteps"] = .integer(Int64(divergentSteps)) }
        return .object(root)
    }

    /// The report's text.
    public var jsonText: String { JSONSerializer.text(of: jsonValue) }

    /// Writes the report atomically.
    public func write(to path: String) throws(OutputFileError) {
        try FileIO.writeAtomically(Array(jsonText.utf8), to: path)
    }
}
