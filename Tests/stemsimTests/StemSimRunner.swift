import Foundation
import StemModel

/// Runs the built `stemsim` binary (the one beside this test bundle, or `$STEMSIM`).
struct StemSimRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let executable: String = {
        if let path = ProcessInfo.processInfo.environment["STEMSIM"] { return path }
        #if os(Linux)
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        #else
        var folder = Bundle.main.bundleURL.deletingLastPathComponent()
        #endif
        // Inside an .xctest bundle on macOS the binary sits beside the bundle.
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: folder.appendingPathComponent("stemsim").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("stemsim").path
    }()

    /// Runs `stemsim arguments...` in `folder`, with `environment` changes (nil removes a
    /// variable) over this process's environment.
    static func run(_ arguments: [String], in folder: String, environment: [String: String?] = [:]) throws -> Outcome {
        let process = makeProcess(arguments, in: folder, environment: environment)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts `stemsim arguments...` in `folder` without waiting; standard output and error
    /// go to `stdout.txt` and `stderr.txt` in `logFolder`.
    static func start(_ arguments: [String], in folder: String, logFolder: String,
                      environment: [String: String?] = [:]) throws -> Process {
        let process = makeProcess(arguments, in: folder, environment: environment)
        _ = FileManager.default.createFile(atPath: logFolder + "/stdout.txt", contents: nil)
        _ = FileManager.default.createFile(atPath: logFolder + "/stderr.txt", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: logFolder + "/stdout.txt")
        process.standardError = FileHandle(forWritingAtPath: logFolder + "/stderr.txt")
        try process.run()
        return process
    }

    /// A `stemsim` process for `arguments`, in `folder`, with `environment` changes.
    private static func makeProcess(_ arguments: [String], in folder: String, environment: [String: String?]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        return process
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stemsim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Removes a folder and everything in it.
    static func remove(_ folder: String) {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The names in a folder, sorted.
    static func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }
}
