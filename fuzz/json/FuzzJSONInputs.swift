// libFuzzer target: the JSON reader and the validation of network and inputs files.
//
// Compiled together with the sources of StemModel into one module by scripts/fuzz.sh
// (`swiftc -sanitize=fuzzer,address -parse-as-library`), so it calls the same code that
// `stemsim` runs on `--network` and `--inputs`. Any input may be rejected with a FormatError;
// none may crash, trap or hang. The first byte chooses what the rest is read as.

/// A small network to read inputs files against (2 inputs of 8 steps, unsigned).
private let inputsNetwork: Network? = try? Network(parsing: Array("""
    {"format": "stem-network", "version": 1, "timeSteps": 8, "weightBits": 8,
     "accumulatorBits": 16, "inputSize": 2, "layers": [{"weights": [[1, -1], [2, 3]]}]}
    """.utf8), file: "fuzz-network.json")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONInputs(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let mode = data[0] % 4
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch mode {
    case 0:
        // The parser alone, then its writer: what it accepts must print and parse again.
        if let value = try? JSONParser.parse(bytes, file: "fuzz.json") {
            let text = JSONSerializer.text(of: value)
            guard let again = try? JSONParser.parse(text, file: "fuzz-again.json"), again == value else {
                fatalError("JSON written from a parsed value does not parse back to it: \(text.prefix(200))")
            }
        }
    case 1:
        // A network file: parsed and validated; a valid one writes and reads back equal.
        if let network = try? Network(parsing: bytes, file: "fuzz-network.json") {
            guard let again = try? Network(parsing: Array(network.jsonText.utf8), file: "fuzz-again.json"),
                  again == network else {
                fatalError("a valid network does not read back from its own text")
            }
        }
    case 2:
        // An inputs file against a fixed small network.
        if let network = inputsNetwork {
            _ = try? InputSet(parsing: bytes, file: "fuzz-inputs.json", for: network)
        }
    default:
        // An inputs file against a network read from the start of the input (split at the
        // first NUL byte), so both shapes vary.
        if let split = bytes.firstIndex(of: 0),
           let network = try? Network(parsing: Array(bytes[..<split]), file: "fuzz-network.json") {
            _ = try? InputSet(parsing: Array(bytes[(split + 1)...]), file: "fuzz-inputs.json", for: network)
        }
    }
    return 0
}
