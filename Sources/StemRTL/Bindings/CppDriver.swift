import Foundation
import StemSupport

/// The C++ driver (`testbenches/stem_driver.cpp`): runs a model library on an exported
/// stimulus through the same C ABI as Swift, with nothing else around it. It is the yardstick
/// of the Swift side's speed and an independent runner of exports.
public struct CppDriver: Sendable {
    /// What one driver run measured (its last output line).
    public struct Measurement: Sendable, Equatable {
        /// Steps run (all passes).
        public var steps: Int
        /// Clock cycles of those steps.
        public var cycles: Int
        /// Seconds spent in the step loop (configuration and start excluded).
        public var seconds: Double

        public init(steps: Int, cycles: Int, seconds: Double) {
            self.steps = steps
            self.cycles = cycles
            self.seconds = seconds
        }

        public var stepsPerSecond: Double { seconds > 0 ? Double(steps) / seconds : 0 }
        public var cyclesPerSecond: Double { seconds > 0 ? Double(cycles) / seconds : 0 }
    }

    /// The compiled driver.
    public let executable: URL

    /// Compiles the driver from `sources` (`-O2`) into `folder`.
    public static func compile(from sources: HardwareSources = .embedded, into folder: URL,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> CppDriver {
        let needed = HardwareSources(files: sources.files.filter {
            $0.path.hasPrefix("testbenches/") || $0.path.hasPrefix("Sources/CStemShim/include/")
        })
        let root = folder.appendingPathComponent("driver-src")
        try needed.materialize(into: root)
        let output = folder.appendingPathComponent("stem_driver")
        guard let cxx = ProcessRunner.findExecutable(named: "g++", searchPath: environment["PATH"] ?? "")
            ?? ProcessRunner.findExecutable(named: "c++", searchPath: environment["PATH"] ?? "") else {
            throw ModelBuildError.toolFailed(command: "g++", status: 127, output: "no C++ compiler on PATH (apt-get install g++)")
        }
        let result = ProcessRunner.run(
            cxx,
            ["-O2", "-std=c++17", "-I" + root.appendingPathComponent("Sources/CStemShim/include").path,
             "-I" + root.appendingPathComponent("testbenches").path,
             root.appendingPathComponent("testbenches/stem_driver.cpp").path, "-o", output.path, "-ldl"],
            environment: environment)
        guard result.status == 0 else {
            throw ModelBuildError.toolFailed(command: "\(cxx) testbenches/stem_driver.cpp", status: result.status,
                                             output: result.errors)
        }
        return CppDriver(executable: output)
    }

    /// Runs the driver on `library` with the stimulus file `stimulus`, `passes` times.
    public func run(library: URL, stimulus: URL, passes: Int = 1, spikes: URL? = nil,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Measurement {
        var arguments = [library.path, stimulus.path, "--repeat", String(passes)]
        if let spikes { arguments += ["--spikes", spikes.path] }
        let result = ProcessRunner.run(executable.path, arguments, environment: environment)
        guard result.status == 0 else {
            throw ModelBuildError.toolFailed(command: "stem_driver " + arguments.joined(separator: " "),
                                             status: result.status, output: result.errors)
        }
        let last = result.output.split(separator: "\n").last.map(String.init) ?? ""
        var fields: [String: String] = [:]
        for pair in last.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let steps = fields["steps"].flatMap(Int.init), let cycles = fields["cycles"].flatMap(Int.init),
              let seconds = fields["seconds"].flatMap(Double.init) else {
            throw ModelBuildError.toolFailed(command: "stem_driver " + arguments.joined(separator: " "),
                                             status: 0, output: "no measurement line in its output: \(last)")
        }
        return Measurement(steps: steps, cycles: cycles, seconds: seconds)
    }
}

