import ArgumentParser

@main
struct StemSim: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stemsim", abstract: "STEM co-simulation", subcommands: [CacheCommand.self])
}
