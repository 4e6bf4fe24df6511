import Foundation
import StemModel
import StemRTL
@testable import StemSweep
import StemSupport

/// What the sweep tests share: the digits example, temporary folders and small configurations.
enum SweepTestSupport {
    /// The repository root (three folders above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static let networkFile = root + "/examples/digits/network.json"
    static let inputsFile = root + "/examples/digits/test.json"
    static let calibrationFile = root + "/examples/digits/calibration.json"

    static let digits: Network = try! Network.load(from: networkFile)
    static let digitsInputs: InputSet = try! InputSet.load(from: inputsFile, for: digits)
    /// The first 60 samples of the digits training split (`--scaled auto` calibrates on them).
    static let digitsCalibration = SweepCalibration(
        file: "calibration.json", inputs: try! InputSet.load(from: calibrationFile, for: digits).prefix(60))

    static var pathContainsVerilator: Bool {
        ProcessRunner.findExecutable(named: "verilator", searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil
    }

    static var pathContainsYosys: Bool {
        ProcessRunner.findExecutable(named: "yosys", searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/stemsweep-tests-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A sweep of the first `samples` digits on the golden model, without core sizes (`auto`
    /// calibrated on ``digitsCalibration``).
    static func configuration(accBits: [Int], samples: Int = 30, scaled: [ScaledIntegration] = [.none, .auto],
                              overflow: [OverflowMode] = [.wrap], engine: SweepEngine = .golden,
                              measureArea: Bool = false, folder: String) -> SweepConfiguration {
        SweepConfiguration(network: digits, networkFile: "digits.json", inputs: digitsInputs.prefix(samples),
                           inputsFile: "test.json", calibration: scaled.contains(.auto) ? digitsCalibration : nil,
                           accBits: accBits, scaled: scaled, overflow: overflow,
                           engine: engine, jobs: 2, measureArea: measureArea, outputDirectory: folder)
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try FileIO.read(path), as: UTF8.self)
    }

    /// The CSV's rows as dictionaries by header field (no quoted commas in the figures read).
    static func csvRows(_ path: String) throws -> [[String: String]] {
        let lines = try read(path).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
