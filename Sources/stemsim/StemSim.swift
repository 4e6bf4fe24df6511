import ArgumentParser

@main
struct StemSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stemsim",
        abstract: "Co-simulate STEM neuromorphic RTL against a bit-exact golden model.",
        subcommands: [Run.self, MapCommand.self, NocBench.self, SweepCommand.self, AnalyzeCommand.self, Export.self, Bench.self,
                      RTLBench.self, CacheCommand.self, Import.self, ImportInputs.self])

    /// Runs the command line with stemsim's exit codes (0 ok, 1 mismatch, 2 bad input or
    /// usage, 3 tool or environment failure; see CommandFailure.swift).
    static func main() {
        mainWithStemExitCodes()
    }
}
