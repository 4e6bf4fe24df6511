import Foundation
import StemModel
import Testing
@testable import StemONNX

@Suite struct NPYArrayTests {
    /// A version-1.0 file with `descr`, `shape` and little-endian `data`.
    func npy(_ descr: String, _ shape: String, _ data: [UInt8], fortran: Bool = false) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + data
    }

    @Test func readsTheCommittedSamples() throws {
        let x = try NPYArray.load(from: Fixtures.path("digits-cnn-x.npy"))
        #expect(x.shape == [360, 1, 8, 8] && x.elementType == .float32 && x.values.count == 360 * 64)
        #expect(x.values.allSatisfy { (0...1).contains($0) })
        let y = try NPYArray.load(from: Fixtures.path("digits-cnn-y.npy"))
        #expect(y.shape == [360] && y.elementType == .int64 && y.integers?.allSatisfy { (0...9).contains($0) } == true)
    }

    @Test func elementTypes() throws {
        let f8 = try NPYArray(bytes: npy("<f8", "(2,)", Array(withUnsafeBytes(of: 1.5.bitPattern.littleEndian, Array.init))
                                         + Array(withUnsafeBytes(of: (-2.0).bitPattern.littleEndian, Array.init))), file: "a")
        #expect(f8.values == [1.5, -2])
        let u1 = try NPYArray(bytes: npy("|u1", "(1, 3)", [0, 7, 255]), file: "a")
        #expect(u1.shape == [1, 3] && u1.integers == [0, 7, 255])
        let i8 = try NPYArray(bytes: npy("<i8", "(1,)", Array(withUnsafeBytes(of: Int64(-3).littleEndian, Array.init))), file: "a")
        #expect(i8.integers == [-3])
    }

    @Test func refusesWhatItDoesNotRead() {
        func message(_ bytes: [UInt8]) -> String? {
            do { _ = try NPYArray(bytes: bytes, file: "x.npy"); return nil } catch { return error.description }
        }
        #expect(message(Array("not numpy at all".utf8))?.contains("not a .npy file") == true)
        #expect(message(npy("<i4", "(1,)", [1, 0, 0, 0]))?.contains("'<i4' is not supported") == true)
        #expect(message(npy(">f4", "(1,)", [0, 0, 0, 0]))?.contains("not supported") == true)
        #expect(message(npy("<f4", "(2,)", [0, 0, 0, 0]))?.contains("holds 4 bytes of data, expected 8") == true)
        #expect(message(npy("|u1", "(2, 2)", [1, 2, 3, 4], fortran: true))?.contains("Fortran-order") == true)
        let truncated = npy("|u1", "(1,)", [1])
        #expect(message(Array(truncated.prefix(20)))?.contains("truncated") == true)
    }

    @Test func quantizesAsTheModelsInput() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("digits-mlp.onnx"))
        let q = imported.input
        #expect(q.signed && q.range == -128...127)
        #expect(q.value(of: 0.5) == 127)
        #expect(q.value(of: -2) == -128)
        #expect(q.value(of: 2) == 127)
        #expect(q.value(of: 1.5 * q.scale) == 2)   // half to even
        #expect(q.value(of: 2.5 * q.scale) == 2)
        #expect(q.value(of: -0.5 * q.scale) == 0)
        let x = try NPYArray(bytes: npy("<f4", "(1, 3)", Array(repeating: 0, count: 12)), file: "x.npy")
        #expect(throws: FormatError.self) {
            try q.inputSet(samples: x, file: "x.npy", labels: nil, labelsFile: "", outputs: 10)
        }
    }

    @Test func labelsAreChecked() throws {
        let imported = try ONNXImporter(file: "m").importModel(bytes: try Fixtures.bytes("tiny-gap.onnx"))
        let x = try NPYArray.load(from: Fixtures.path("tiny-gap-x.npy"))
        let y = try NPYArray.load(from: Fixtures.path("tiny-gap-y.npy"))
        let set = try imported.input.inputSet(samples: x, file: "x", labels: y, labelsFile: "y", outputs: 3)
        #expect(set.count == 64 && set.labels?.count == 64)
        var bad = y
        bad.integers![5] = 3
        #expect(throws: FormatError.self) {
            try imported.input.inputSet(samples: x, file: "x", labels: bad, labelsFile: "y", outputs: 3)
        }
    }
}
