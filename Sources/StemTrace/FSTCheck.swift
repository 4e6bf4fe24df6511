import Foundation
import StemSupport

/// Checks an FST waveform: its header and block structure (`FSTHeader`), and, when GTKWave's
/// `fst2vcd` is on `PATH` (Debian: `apt-get install gtkwave`), its full contents by converting
/// it to VCD and reading that with `VCDReader`, then comparing the two: the VCD's first and
/// last time stamps must equal the header's start and end times, and its scope and variable
/// counts the header's.
public struct FSTCheck: Sendable {
    /// The header.
    public var header: FSTHeader
    /// The converted contents, or `nil` when `fst2vcd` is not on `PATH`.
    public var contents: VCDReader?

    /// Checks the FST file at `path`. `fst2vcd`: the converter to use (`nil`: look it up on
    /// `PATH`; none found: only the header is checked and `contents` is `nil`).
    public init(contentsOf path: String, fst2vcd: String? = FSTCheck.fst2vcdPath()) throws {
        header = try FSTHeader(contentsOf: path)
        guard let fst2vcd else {
            contents = nil
            return
        }
        let reader = try FSTCheck.convert(path, using: fst2vcd)
        if let first = reader.firstTime, first != header.startTime {
            throw TraceError.malformedFST(path: path, offset: 9,
                                          reason: "the header's start time is \(header.startTime), the first time stamp \(first)")
        }
        if let last = reader.lastTime, last != header.endTime {
            throw TraceError.malformedFST(path: path, offset: 17,
                                          reason: "the header's end time is \(header.endTime), the last time stamp \(last)")
        }
        if UInt64(reader.variables.count) != header.variableCount {
            throw TraceError.malformedFST(path: path, offset: 49,
                                          reason: "the header counts \(header.variableCount) variables, the contents hold \(reader.variables.count)")
        }
        if UInt64(reader.scopes.count) != header.scopeCount {
            throw TraceError.malformedFST(path: path, offset: 41,
                                          reason: "the header counts \(header.scopeCount) scopes, the contents hold \(reader.scopes.count)")
        }
        contents = reader
    }

    /// The first executable `fst2vcd` on `PATH`, if any.
    public static func fst2vcdPath() -> String? {
        executable(named: "fst2vcd")
    }

    /// The first executable `name` on `PATH`, if any.
    public static func executable(named name: String) -> String? {
        ProcessRunner.findExecutable(named: name, searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }

    /// Converts an FST file to VCD with `fst2vcd` (into a temporary file that is removed
    /// afterwards) and reads the result.
    public static func convert(_ path: String, using fst2vcd: String) throws -> VCDReader {
        let folder = FileManager.default.temporaryDirectory.path
        let output = folder + "/stemtrace-fst2vcd-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).vcd"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let run = ProcessRunner.run(fst2vcd, ["-f", path, "-o", output],
                                    environment: ProcessInfo.processInfo.environment)
        guard run.status == 0, FileManager.default.fileExists(atPath: output) else {
            let tail = run.errors.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw TraceError.toolFailed(tool: "\(fst2vcd) -f \(path)", status: run.status, output: tail)
        }
        do {
            return try VCDReader(contentsOf: output)
        } catch let TraceError.malformedVCD(_, line, reason) {
            // Name the FST file, not the temporary VCD.
            throw TraceError.malformedVCD(path: "\(path) (as converted by fst2vcd)", line: line, reason: reason)
        }
    }
}
