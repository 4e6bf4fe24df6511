import Foundation
import StemSupport

/// The files `stemsim analyze` writes into its folder, all together: each atomically, and all
/// committed at once (``AtomicFileWriter/commitAll(_:)``), so the folder never mixes the files
/// of two runs.
///
/// ```
/// summary.csv                      the inputs and the headline figures
/// fig7a-potentials.csv / .svg      Fig. 7(a): first dense layer's potentials, no scaled integration
/// fig8-bits.csv / .svg             Fig. 8: 1-bits per bit position (every layer / the first conv layer)
/// fig12-sops.csv / .svg            Fig. 12: spikes and SOPs per layer, totals
/// sparsity.csv / .svg              Tables IV-VIII: RoT, DRLO, hybrid
/// hybrid-search.csv                Table VIII: the search's steps
/// energy.csv / .svg                Table IX: SOP energy against the QANN's MAC energy
/// ```
public enum AnalysisFiles {
    /// Every file name, in the order above.
    public static let names = [
        "summary.csv", "fig7a-potentials.csv", "fig7a-potentials.svg", "fig8-bits.csv", "fig8-bits.svg",
        "fig12-sops.csv", "fig12-sops.svg", "sparsity.csv", "sparsity.svg", "hybrid-search.csv", "energy.csv", "energy.svg",
    ]

    /// The text of each file.
    public static func contents(_ a: NetworkAnalysis) -> [(name: String, text: String)] {
        let texts = [
            AnalysisTables.summary(a), AnalysisTables.potentials(a), AnalysisPlots.potentials(a),
            AnalysisTables.bits(a), AnalysisPlots.bits(a), AnalysisTables.sops(a), AnalysisPlots.sops(a),
            AnalysisTables.sparsity(a), AnalysisPlots.sparsity(a), AnalysisTables.hybridSearch(a),
            AnalysisTables.energy(a), AnalysisPlots.energy(a),
        ]
        return Array(zip(names, texts))
    }

    /// Creates `directory` if needed and writes every file into it.
    /// - Throws: ``SweepError/outputUnusable(path:reason:)`` if the folder cannot be made,
    ///   ``OutputFileError`` if a file cannot be written (then none is).
    public static func write(_ a: NetworkAnalysis, to directory: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), !isFolder.boolValue {
            throw SweepError.outputUnusable(path: directory, reason: "exists and is not a folder")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SweepError.outputUnusable(path: directory, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        var writers: [AtomicFileWriter] = []
        do {
            for (name, text) in contents(a) {
                let writer = try AtomicFileWriter(path: directory + "/" + name)
                writers.append(writer)
                try writer.write(text)
            }
        } catch {
            for writer in writers { writer.discard() }
            throw error
        }
        try AtomicFileWriter.commitAll(writers)
    }
}
