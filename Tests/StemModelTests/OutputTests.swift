import Foundation
import Testing
@testable import StemModel
import StemSupport

/// A fresh empty folder under /tmp.
func makeTemporaryFolder() -> String {
    var template = Array("/tmp/stem-test-XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
    precondition(path != nil)
    return String(cString: path!)
}

/// Removes a folder made by `makeTemporaryFolder()` and everything in it.
func removeFolder(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// The names in a folder, sorted (without . and ..).
func folderContents(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

func readText(_ path: String) throws -> String {
    String(decoding: try FileIO.read(path), as: UTF8.self)
}

@Suite struct OutputTests {
    @Test func readingAMissingFileNamesIt() {
        #expect(throws: FormatError(file: "/nonexistent-stem/n.json", location: .file,
                                    message: "cannot read: No such file or directory")) {
            try FileIO.read("/nonexistent-stem/n.json")
        }
        #expect((try? FileIO.read("/tmp")) == nil)
    }

    @Test func spikeRecordLinesAreSortedPairsPerStep() throws {
        #expect(SpikeRecordWriter.line(step: 7, spikes: [[0, 3], [], [2]]) == "{\"t\":7,\"spikes\":[[0,0],[0,3],[2,2]]}\n")
        #expect(SpikeRecordWriter.line(step: 0, spikes: [[], []]) == "{\"t\":0,\"spikes\":[]}\n")
        let folder = makeTemporaryFolder()
        defer { removeFolder(folder) }
        let writer = try SpikeRecordWriter(path: folder + "/s.jsonl")
        try writer.append(step: 0, spikes: [[1], []])
        try writer.append(step: 1, spikes: [[], [0, 2]])
        try writer.commit()
        let lines = try readText(folder + "/s.jsonl").split(separator: "\n")
        #expect(lines == ["{\"t\":0,\"spikes\":[[0,1]]}", "{\"t\":1,\"spikes\":[[1,0],[1,2]]}"])
        for line in lines { _ = try JSONParser.parse(String(line), file: "s.jsonl") }
    }

    @Test func reportHoldsOutputsPredictionsCountersAndAccuracy() throws {
        let report = RunReport(outputs: [[1, 5, 5], [0, 0, 0], [9, 2, 3]],
                               qannOutputs: [[1, 5, 5], [0, 0, 1], [9, 2, 3]],
                               labels: [1, 2, 1], timeSteps: 40, sops: 1234, overflows: 3)
        #expect(report.samples.map(\.prediction) == [1, 0, 0])  // ties: lowest index
        #expect(report.samples.map(\.qannPrediction) == [1, 2, 0])
        #expect(report.correct == 1 && report.qannCorrect == 2)
        #expect(report.qannMatches == 2)
        let json = try JSONParser.parse(report.jsonText, file: "r.json")
        guard case .object(let root) = json, case .array(let samples) = root["samples"]! else {
            Issue.record("bad report")
            return
        }
        #expect(root.keys == ["format", "version", "samples", "timeSteps", "sops", "overflows", "accuracy", "correct",
                              "qannAccuracy", "qannCorrect", "qannMatches"])
        #expect(samples[1] == .object(JSONObject([
            ("outputs", .array([.integer(0), .integer(0), .integer(0)])), ("prediction", .integer(0)),
            ("label", .integer(2)), ("qannOutputs", .array([.integer(0), .integer(0), .integer(1)])),
            ("qannPrediction", .integer(2))])))
        #expect(root["sops"] == .integer(1234) && root["overflows"] == .integer(3) && root["timeSteps"] == .integer(40))
        #expect(root["accuracy"] == .number(String(1.0 / 3.0)))
        let unlabeled = RunReport(outputs: [[1]], qannOutputs: [[1]], labels: nil, timeSteps: 16, sops: 0, overflows: 0)
        guard case .object(let plain) = try JSONParser.parse(unlabeled.jsonText, file: "r.json") else { return }
        #expect(!plain.contains("accuracy") && !plain.contains("divergentSteps"))
    }

    @Test func networksAndInputsWriteAndLoadBack() throws {
        let folder = makeTemporaryFolder()
        defer { removeFolder(folder) }
        var options = RandomNetworkOptions(layerSizes: [6, 5, 3])
        options.biasMode = nil
        options.rot = 0...3
        let network = Network.random(options, seed: 3)
        try network.write(to: folder + "/n.json")
        #expect(try Network.load(from: folder + "/n.json") == network)
        let inputs = InputSet.random(for: network, count: 3, labeled: true, seed: 4)
        try inputs.write(to: folder + "/i.json")
        #expect(try InputSet.load(from: folder + "/i.json", for: network) == inputs)
        #expect(folderContents(folder) == ["i.json", "n.json"])
    }
}
