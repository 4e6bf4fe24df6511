import ArgumentParser
import StemModel
import StemRTL

/// `stemsim export`: writes what a run on the mesh needs as files that tools without Swift
/// can run: the SystemC testbench (`testbenches/systemc`) and the C++ driver.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run on the mesh as files for the SystemC testbench and the C++ driver.",
        discussion: """
            Writes into the folder --out: stimulus.txt (the mesh's parameters, the configuration \
            as configuration flits or debug-port writes, start, and the host's flits of every \
            step: "stem-stimulus 1"), mesh.json (the build parameters and which tile holds which \
            neurons of which layer) and golden.jsonl (the golden model's spike record). The \
            folder appears only when complete. docs/systemc.md describes the files and how to \
            run them. Exit codes: 0 success, 2 bad input or usage, 3 tool or environment failure.
            """)

    @Option(help: ArgumentHelp("The network file.", valueName: "file"))
    var network: String?

    @Option(help: ArgumentHelp("The inputs file (samples and optional labels).", valueName: "file"))
    var inputs: String?

    @Option(help: ArgumentHelp("The folder to write (created; it must not exist or be empty unless --force).",
                               valueName: "folder"))
    var out: String

    @Option(help: ArgumentHelp("Export only the first N samples.", valueName: "N"), transform: OptionBounds.limit.parse)
    var limit: Int?

    @Flag(help: "Replace the folder if it exists and is not empty.")
    var force = false

    @OptionGroup(title: "Mesh")
    var mesh: MeshArguments

    func validate() throws {
    }

    func run() throws {
        let networkPath = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let inputsPath = try Run.inputPath(inputs, default: Run.defaultInputs, option: "--inputs")
        let net = try Network.load(from: networkPath)
        var inputSet = try InputSet.load(from: inputsPath, for: net)
        if let limit { inputSet = inputSet.prefix(limit) }
        if let refusal = net.hardwareRefusal { throw CommandFailure(.badInput, refusal) }
        let mapping = try mesh.map(net)
        let export = MeshExport(mapping: mapping, samples: inputSet.samples, configurationPath: mesh.configPath)
        let golden = try export.write(to: out, replacing: force)

        let parameters = mapping.modelParameters()
        let writes = mapping.configuration(sampleCount: inputSet.samples.count).writes.count
        let buildArguments = parameters.allVerilatorParameters.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        print("""
            wrote      \(out)/
            stimulus   \(MeshExport.stimulusFileName): \(writes) configuration writes (\(mesh.configPath.rawValue)), \
            \(export.stepCount) steps of \(inputSet.samples.count) samples
            mesh       \(MeshExport.meshFileName): \(mapping.meshX)x\(mapping.meshY) tiles, \(mapping.cores.count) cores \
            (\(parameters.summary))
            golden     \(MeshExport.goldenFileName): \(golden?.overflows ?? 0) overflows, \(golden?.sops ?? 0) sops
            build      stem_systemc=$(scripts/build-systemc.sh --export \(out))
                       (the same as testbenches/systemc/build.sh \(buildArguments))
            run        "$stem_systemc" \(out) --events events.txt [--tlm] [--clock-mhz 100]
            check      stemsim run --engine systemc (maps the events to layers, checks them against the golden model)
            """)
    }
}
