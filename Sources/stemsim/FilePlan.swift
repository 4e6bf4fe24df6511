import StemSupport
import StemTrace

/// Every file a command reads and writes, checked together before any work starts:
///
/// - each output can be written (``OutputPath/validate(_:)``: its folder exists and is
///   writable, it is not a folder; a symbolic link is followed, a device or FIFO streamed);
/// - no two of them name the same file: inputs, outputs and the files written beside them
///   (the `.gtkw`/`.sucl` of a waveform, the files of the divergence folder) are compared by
///   what they resolve to (device and inode of an existing file, the real path of a new one),
///   not by their text;
/// - no input lies inside a folder that the command replaces.
///
/// A problem is a usage error (exit 2) naming the options and the path.
struct FilePlan {
    /// How the command uses a path.
    enum Use {
        /// Read.
        case input
        /// Written by stemsim (checked up front).
        case output
        /// Written by another program, which needs a regular file (the RTL model's waveform).
        case outputOfAnotherProgram
        /// Written only in some outcomes, into a folder made then (the divergence waveforms):
        /// compared with the others, not checked for existence.
        case laterOutput
    }

    struct Entry {
        /// The option, with what the file is when it is not the option's own path
        /// (`--trace (its GTKWave file)`).
        var option: String
        var path: String
        var use: Use
    }

    /// A folder the command replaces or fills with files of its own, which must not hold an
    /// input.
    struct OwnedFolder {
        var option: String
        var path: String
    }

    private(set) var entries: [Entry] = []
    private(set) var ownedFolders: [OwnedFolder] = []

    mutating func input(_ option: String, _ path: String) {
        entries.append(Entry(option: option, path: path, use: .input))
    }

    mutating func output(_ option: String, _ path: String?, use: Use = .output) {
        guard let path else { return }
        entries.append(Entry(option: option, path: path, use: use))
    }

    /// A waveform and the GTKWave and Surfer files written beside it.
    mutating func waveform(_ option: String, _ path: String?, use: Use = .output) {
        guard let path else { return }
        output(option, path, use: use)
        let sidecarUse: Use = use == .laterOutput ? .laterOutput : .output
        output("\(option) (its GTKWave file)", FilePaths.replacingExtension(of: path, with: "gtkw"), use: sidecarUse)
        output("\(option) (its Surfer file)", FilePaths.replacingExtension(of: path, with: "sucl"), use: sidecarUse)
    }

    mutating func ownedFolder(_ option: String, _ path: String) {
        ownedFolders.append(OwnedFolder(option: option, path: path))
    }

    /// Checks every output, then every pair of paths, then the owned folders.
    /// - Throws: ``CommandFailure`` (bad input, exit 2).
    func validate() throws {
        for entry in entries {
            switch entry.use {
            case .input, .laterOutput:
                continue
            case .output, .outputOfAnotherProgram:
                let destination: OutputPath.Destination
                do {
                    destination = try OutputPath.validate(entry.path)
                } catch {
                    throw CommandFailure(.badInput, "\(entry.option) \(error.description)")
                }
                if entry.use == .outputOfAnotherProgram, case .stream = destination {
                    throw CommandFailure(.badInput, "\(entry.option) \(entry.path): the RTL model writes this file itself "
                        + "and needs a regular file, not a device or FIFO")
                }
            }
        }
        let identities = entries.map { OutputPath.identity(of: $0.path) }
        for i in entries.indices {
            for j in entries.indices where j > i && identities[i] == identities[j] {
                let (a, b) = (entries[i], entries[j])
                // Reading two inputs from one file, or using one terminal or /dev/null twice,
                // overwrites nothing.
                if a.use == .input && b.use == .input { continue }
                if identities[i].isCharacterDevice { continue }
                throw CommandFailure(.badInput, "\(a.option) \(a.path) and \(b.option) \(b.path) name the same file "
                    + "(\(identities[i].resolvedPath)); give each output a file of its own")
            }
        }
        for folder in ownedFolders {
            for entry in entries where entry.use == .input && OutputPath.contains(folder.path, entry.path) {
                throw CommandFailure(.badInput, "\(folder.option) \(folder.path) holds \(entry.option) \(entry.path) "
                    + "(\(OutputPath.resolvedPath(entry.path))), which the command would replace; choose another folder")
            }
        }
    }
}
