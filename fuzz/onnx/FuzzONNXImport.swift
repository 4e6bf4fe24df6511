// libFuzzer target: the ONNX importer (protobuf parsing with the generated schema code, the
// graph walk) and the .npy reader.
//
// Compiled together with the sources of StemONNX into one module by scripts/fuzz-onnx.sh
// (`swiftc -sanitize=fuzzer,address -parse-as-library`), linked against the objects
// `swift build` made of StemSupport, StemModel and SwiftProtobuf, so it calls the same code that
// `stemsim import` and `stemsim import-inputs` run. Any input may be rejected with an error;
// none may crash, trap or hang. The first byte chooses what the rest is read as.
import StemModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNXImport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 2 {
    case 0:
        // A model: imported; an imported network is valid and reads back from its own text.
        if let imported = try? ONNXImporter(file: "fuzz.onnx").importModel(bytes: bytes) {
            guard (try? imported.network.validate(file: "fuzz-network.json")) != nil,
                  let again = try? Network(parsing: Array(imported.network.jsonText.utf8), file: "fuzz-again.json"),
                  again == imported.network else {
                fatalError("an imported network is not valid or does not read back from its own text")
            }
        }
    default:
        // A .npy file.
        if let array = try? NPYArray(bytes: bytes, file: "fuzz.npy") {
            guard array.values.count == array.shape.reduce(1, *) else {
                fatalError(".npy array with \(array.values.count) values for shape \(array.shape)")
            }
        }
    }
    return 0
}
