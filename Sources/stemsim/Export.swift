import ArgumentParser
import Foundation
import StemModel
import StemRTL
import StemSupport

/// `stemsim export`: writes what a run on the mesh needs as files that tools without Swift
/// can run: the SystemC testbench (`testbenches/systemc`) and the C++ driver.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a run on the mesh as files for the SystemC testbench and the C++ driver.",
        discussion: """
            Writes into the folder --out: stimulus.txt (the mesh's parameters, the configuration \
            as configuration flits or debug-port writes, start, and the host's flits of every \
            step: "stem-stimulus 1"), mesh.json (the build parameters and which tile holds which \
            neurons of which layer) and golden.jsonl (the golden model's spike record), and the \
            marker .stemsim-export. The folder appears only when complete. --force replaces only \
            a folder holding that marker (an earlier export), never the working folder, one \
            holding it or an input, the home folder or /. docs/systemc.md describes the files \
            and how to run them. Exit codes: 0 success, 2 bad input or usage, 3 tool or \
            environment failure.
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

    @Flag(help: "Replace the folder if it exists and is not empty (only an earlier export: a folder holding .stemsim-export).")
    var force = false

    @OptionGroup(title: "Mesh")
    var mesh: MeshArguments

    func validate() throws {
    }

    /// The file inside every folder `stemsim export` writes; `--force` replaces only a folder
    /// holding it.
    static let markerFileName = ".stemsim-export"
    static let markerText = "stem-export 1: written by stemsim export; stemsim export --force may replace this folder\n"

    func run() throws {
        let networkPath = try Run.inputPath(network, default: Run.defaultNetwork, option: "--network")
        let inputsPath = try Run.inputPath(inputs, default: Run.defaultInputs, option: "--inputs")
        var plan = FilePlan()
        plan.input("--network", networkPath)
        plan.input("--inputs", inputsPath)
        plan.ownedFolder("--out", out)
        let target = try checkTarget(plan)
        let net = try Network.load(from: networkPath)
        var inputSet = try InputSet.load(from: inputsPath, for: net)
        if let limit { inputSet = inputSet.prefix(limit) }
        let mapping = try mesh.map(net)
        let export = MeshExport(mapping: mapping, samples: inputSet.samples, configurationPath: mesh.configPath)
        let golden = try write(export, to: target)

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

    /// The folder --out names, resolved, once it is known to be safe to write or replace:
    /// exit 2 for the root, the home folder or a folder holding it, the working folder or a
    /// folder holding it, a symbolic link, a file, a non-empty folder without --force, or with
    /// --force one that no export wrote (no marker inside); and, checked by `plan` after the
    /// first four, a folder holding an input.
    private func checkTarget(_ plan: FilePlan) throws -> String {
        func refuse(_ reason: String) -> CommandFailure {
            CommandFailure(.badInput, "--out \(out): \(reason)")
        }
        guard !out.isEmpty else { throw refuse("not a folder name") }
        let fm = FileManager.default
        if let type = try? fm.attributesOfItem(atPath: out)[.type] as? FileAttributeType, type == .typeSymbolicLink {
            throw refuse("it is a symbolic link; name the folder itself")
        }
        let target = OutputPath.resolvedPath(out)
        if target == "/" { throw refuse("it is the root folder /, which is never replaced") }
        if let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty, OutputPath.contains(target, home) {
            throw refuse(OutputPath.resolvedPath(home) == target ? "it is the home folder, which is never replaced"
                : "it holds the home folder \(home), which is never replaced")
        }
        if OutputPath.contains(target, ".") {
            throw refuse(target == OutputPath.resolvedPath(".") ? "it is the working folder, which is never replaced"
                : "it holds the working folder \(OutputPath.resolvedPath(".")), which is never replaced")
        }
        try plan.validate()
        let parent = OutputPath.folderOf(target)
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: parent, isDirectory: &isFolder), isFolder.boolValue else {
            throw refuse("cannot create: No such file or directory (the folder \(parent) does not exist)")
        }
        guard fm.isWritableFile(atPath: parent) else {
            throw refuse("cannot create: Permission denied (the folder \(parent) is not writable)")
        }
        if fm.fileExists(atPath: target, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw refuse("cannot create: a file of that name exists") }
            let contents = (try? fm.contentsOfDirectory(atPath: target)) ?? []
            if !contents.isEmpty {
                guard force else { throw refuse("cannot create: the folder exists and is not empty (replace it with --force)") }
                guard contents.contains(Self.markerFileName) else {
                    throw refuse("not replaced: stemsim export did not write this folder (it holds no \(Self.markerFileName)); "
                        + "remove it yourself or choose another folder")
                }
            }
        }
        return target
    }

    /// Writes the export into a new folder beside `target` (registered for an interrupt before
    /// it exists), adds the marker, and renames it onto `target`; an earlier export there is
    /// moved aside first and removed only after the rename.
    private func write(_ export: MeshExport, to target: String) throws -> MeshExport.Golden? {
        let parent = OutputPath.folderOf(target)
        let name = OutputPath.nameOf(target)
        StaleTemporaries.removeStale(besideTarget: target)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent + "/" + FileIO.temporaryName(for: name, tag: "\(pid)-\(UInt32.random(in: 0...UInt32.max))")
        TemporaryFiles.shared.track(staging)
        var committed = false
        defer {
            if !committed { try? FileManager.default.removeItem(atPath: staging) }
            TemporaryFiles.shared.forget(staging)
        }
        let golden = try export.write(to: staging)
        try FileIO.writeAtomically(Array(Self.markerText.utf8), to: staging + "/" + Self.markerFileName)
        // rename(2) replaces a missing or empty folder; an earlier export is moved aside first.
        if rename(staging, target) != 0 {
            let aside = parent + "/" + FileIO.temporaryName(for: name, tag: "\(pid)-old-\(UInt32.random(in: 0...UInt32.max))")
            // Not tracked: an interrupt leaves the earlier export there, and the next export
            // to this target removes it as a stale temporary.
            guard rename(target, aside) == 0 else {
                throw OutputFileError(path: out, operation: .rename, reason: String(cString: strerror(errno)))
            }
            guard rename(staging, target) == 0 else {
                let reason = String(cString: strerror(errno))
                _ = rename(aside, target)
                throw OutputFileError(path: out, operation: .rename, reason: reason)
            }
            try? FileManager.default.removeItem(atPath: aside)
        }
        committed = true
        return golden
    }
}
