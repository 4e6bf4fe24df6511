import ArgumentParser
import StemModel
import StemONNX

/// `stemsim import`: turns a quantized (QDQ) ONNX model into a network file.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a quantized (QDQ) ONNX model as a network file (format version 2).",
        discussion: """
            Reads the model, maps every quantized operator to a STEM layer and writes the \
            network file. Prints a table per layer: kind, shape, scales, multiplier/postShift \
            and the worst relative error of the integer requantization. docs/import.md lists the \
            supported operators and the mapping rules. Exit codes: 0 success, 2 a model the \
            importer cannot express (naming the node, its operator and why) or bad usage.
            """)

    @Argument(help: ArgumentHelp("The ONNX model.", valueName: "model.onnx"))
    var model: String

    @Option(help: ArgumentHelp("The network file to write.", valueName: "file"))
    var out: String

    @Option(help: OptionBounds.importTimeSteps.help("Time steps B (default: the model's activation bits)", valueName: "B"),
            transform: OptionBounds.importTimeSteps.parse)
    var timeSteps: Int?

    @Option(help: OptionBounds.importAccumulatorBits.help("Accumulator width A", valueName: "A"),
            transform: OptionBounds.importAccumulatorBits.parse)
    var accumulatorBits: Int = OptionBounds.importAccumulatorBits.defaultValue

    func run() throws {
        let imported = try Import.load(model, options: ONNXImportOptions(timeSteps: timeSteps, accumulatorBits: accumulatorBits))
        try imported.network.write(to: out)
        print(imported.tableText, terminator: "")
        for note in imported.notes { print("note: \(note)") }
        let net = imported.network
        print("wrote \(out): \(net.layers.count) layers, input \(net.inputShape) \(net.inputSigned ? "signed" : "unsigned"), "
              + "B \(net.timeSteps), weightBits \(net.weightBits), A \(net.accumulatorBits)")
    }

    /// Imports `path`, an ONNX import error becoming exit 2.
    static func load(_ path: String, options: ONNXImportOptions = ONNXImportOptions()) throws -> ONNXImport {
        do {
            return try ONNXImporter.importModel(at: path, options: options)
        } catch let error as ONNXImportError {
            throw CommandFailure(.badInput, error.description)
        }
    }
}

extension OptionBounds {
    // MARK: import (kept beside the command; the ranges are the network format's)
    static let importTimeSteps = IntegerOption("--time-steps", Network.Limits.timeSteps, "timeSteps")
    static let importAccumulatorBits = IntegerOption("--accumulator-bits", Network.Limits.accumulatorBits, "accumulatorBits",
                                                     default: 32)
}
