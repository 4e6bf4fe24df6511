import Foundation
import StemModel
import StemSupport

/// `sweep.csv`: one row per point with every figure of ``SweepPoint`` and the parameters that
/// produced it (RFC 4180: comma-separated, text with commas or quotes quoted; an empty field
/// is a figure the point did not measure).
///
/// Columns: the parameters (`acc_bits, scaled, overflow, rot, drlo, bias_bits`; an empty
/// rot/drlo/bias_bits keeps the network's own), the outcome (`status, reason`), accuracy and the QANN reference,
/// RTL-vs-golden mismatches, overflows, SOPs against the QANN's MACs with the energy estimate
/// (at the document's ``SweepDocument/Reference/energy``; `snn_energy_uj` = SOPs x pJ per 8-bit
/// add, `qann_energy_uj` = MACs x pJ per 8-bit MAC, in microjoules),
/// the SOP reduction against the point with rot 0 and drlo 0 of the same width and setting
/// (when the sweep has one), RTL cycles, the core size, and per layer `l` its shift,
/// multiplier, post-shift, largest `|V|`, the bits that needs and its overflow events. A point
/// with scaled integration `auto` names the calibration set its shifts were chosen on (file,
/// samples, SHA-256 as in the key); the others leave those fields empty.
public enum SweepTable {
    /// The header fields for a network of `depth` layers.
    public static func header(depth: Int) -> [String] {
        var fields = [
            "acc_bits", "scaled", "overflow", "rot", "drlo", "bias_bits", "status", "reason", "samples",
            "correct", "accuracy", "rtl_correct", "qann_correct", "qann_accuracy", "qann_agreement", "qann_matches",
            "mismatch_steps", "mismatch_spikes", "golden_overflows", "rtl_overflows", "bits_needed",
            "sops", "macs", "snn_energy_uj", "qann_energy_uj", "energy_ratio", "sop_reduction",
            "rtl_cycles", "core_cells", "core_flops", "core_memory_bits", "seconds", "network_file",
            "calibration", "calibration_samples", "calibration_sha256",
        ]
        for l in 1...max(1, depth) {
            fields += ["shift_l\(l)", "multiplier_l\(l)", "post_shift_l\(l)", "max_abs_v_l\(l)", "bits_l\(l)",
                       "overflows_l\(l)"]
        }
        return fields
    }

    /// The CSV text of `document`.
    public static func csv(of document: SweepDocument) -> String {
        let depth = document.reference.bitsNeeded.count
        var lines = [header(depth: depth).joined(separator: ",")]
        let reductions = SweepAnalysis(document: document).sopReductions
        for point in document.points {
            lines.append(row(point, depth: depth, sopReduction: reductions[point.parameters],
                             calibration: point.parameters.setting.scaled == .auto ? document.calibrationColumns : ["", "", ""],
                             energy: document.reference.energy)
                .map(quoted)
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func row(_ point: SweepPoint, depth: Int, sopReduction: Double?, calibration: [String],
                    energy: EnergyModel) -> [String] {
        let p = point.parameters
        func int(_ v: Int?) -> String { v.map(String.init) ?? "" }
        func number(_ v: Double?, _ digits: Int) -> String { v.map { fixed($0, digits) } ?? "" }
        var ratio: Double?
        let snnEnergy = point.snnEnergyMicrojoules(energy), qannEnergy = point.qannEnergyMicrojoules(energy)
        if let snn = snnEnergy, let qann = qannEnergy, qann > 0 { ratio = snn / qann }
        var fields = [
            String(p.accBits), p.setting.scaled.rawValue, p.setting.overflow.rawValue, int(p.setting.rot),
            int(p.setting.drlo), int(p.setting.biasBits), point.status.rawValue, point.reason ?? "", String(point.samples),
            int(point.correct), number(point.accuracy, 6), int(point.rtlCorrect), int(point.qannCorrect),
            number(point.qannAccuracy, 6), int(point.qannAgreement), int(point.qannMatches),
            int(point.mismatchSteps), int(point.mismatchSpikes), int(point.goldenOverflows), int(point.rtlOverflows),
            int(point.bitsNeeded), int(point.sops), int(point.macs), number(snnEnergy, 6),
            number(qannEnergy, 6), number(ratio, 6), number(sopReduction, 6),
            int(point.rtlCycles), int(point.area?.cells), int(point.area?.flops), int(point.area?.memoryBits),
            fixed(point.seconds, 3), point.networkFile ?? "",
        ] + calibration
        for l in 0..<max(1, depth) {
            if l < point.layers.count {
                let layer = point.layers[l]
                fields += [String(layer.shift), String(layer.multiplier), String(layer.postShift),
                           layer.peakMagnitude.map(String.init) ?? "", int(layer.bitsNeeded), int(layer.overflows)]
            } else {
                fields += Array(repeating: "", count: 6)
            }
        }
        return fields
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `value` with exactly `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String { decimalText(value, places: digits) }
}

extension SweepDocument {
    /// `calibration, calibration_samples, calibration_sha256` of an `auto` point.
    var calibrationColumns: [String] {
        [calibrationFile ?? "", key.calibrationSamples.map(String.init) ?? "", key.calibration ?? ""]
    }
}
