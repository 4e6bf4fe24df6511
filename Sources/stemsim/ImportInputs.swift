import ArgumentParser
import StemModel
import StemONNX

/// `stemsim import-inputs`: quantizes float samples (`.npy`) with an ONNX model's own input
/// quantization into an inputs file.
struct ImportInputs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-inputs",
        abstract: "Quantize float samples (.npy) with an ONNX model's input quantization into an inputs file.",
        discussion: """
            --npy holds the samples as [S, ...] (float32, float64, uint8 or int64, C order), the \
            trailing dimensions holding the model input's values; --labels holds [S] integer \
            labels. Each value x becomes clamp(round_half_even(x / scale) + zero_point) of the \
            model's first QuantizeLinear, as ONNX Runtime computes it (docs/import.md). Exit codes: \
            0 success, 2 bad input or usage.
            """)

    @Option(help: ArgumentHelp("The ONNX model.", valueName: "model.onnx"))
    var model: String

    @Option(help: ArgumentHelp("The samples (.npy).", valueName: "x.npy"))
    var npy: String

    @Option(help: ArgumentHelp("The labels (.npy).", valueName: "y.npy"))
    var labels: String?

    @Option(help: ArgumentHelp("The inputs file to write.", valueName: "file"))
    var out: String

    func run() throws {
        let imported = try Import.load(model)
        let samples = try NPYArray.load(from: npy)
        let labelArray = try labels.map { path throws(FormatError) in try NPYArray.load(from: path) }
        let inputs = try imported.input.inputSet(samples: samples, file: npy, labels: labelArray, labelsFile: labels ?? "",
                                                 outputs: imported.network.outputSize)
        try inputs.validate(for: imported.network, file: out)
        try inputs.write(to: out)
        print("wrote \(out): \(inputs.count) samples of \(imported.network.inputSize) \(imported.input.signed ? "signed" : "unsigned") values"
              + (inputs.labels == nil ? "" : " with labels"))
    }
}
