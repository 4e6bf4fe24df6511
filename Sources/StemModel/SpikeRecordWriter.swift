import StemSupport

/// Writes a spike record: JSON Lines, one object per time step, every step of the run in order:
/// ```
/// {"t":0,"spikes":[[0,3],[0,17],[1,2]]}
/// ```
/// `spikes` lists `[layer, neuron]` pairs sorted by layer then neuron; layer 0 is the inputs.
/// The file appears under its name only after ``commit()``.
public final class SpikeRecordWriter {
    private let file: AtomicFileWriter
    /// The step the next line must have.
    public private(set) var nextStep = 0

    /// Creates the (temporary) output file.
    public init(path: String) throws(OutputFileError) {
        file = try AtomicFileWriter(path: path)
    }

    /// The final path.
    public var path: String { file.path }

    /// Appends step `step`'s line. `spikes[l]` holds layer `l`'s spiking neurons, ascending.
    /// - Precondition: `step` is the step after the previous one (0 first).
    public func append(step: Int, spikes: [[Int32]]) throws(OutputFileError) {
        precondition(step == nextStep, "spike record steps must be consecutive: got \(step), expected \(nextStep)")
        try file.write(Self.line(step: step, spikes: spikes))
        nextStep += 1
    }

    /// Puts the file in place.
    public func commit() throws(OutputFileError) { try file.commit() }

    /// Removes the temporary file; nothing appears under ``path``.
    public func discard() { file.discard() }

    /// One line of the record, newline included.
    public static func line(step: Int, spikes: [[Int32]]) -> String {
        var text = "{\"t\":" + String(step) + ",\"spikes\":["
        var first = true
        for (layer, neurons) in spikes.enumerated() {
            let prefix = "[" + String(layer) + ","
            for neuron in neurons {
                if !first { text += "," }
                first = false
                text += prefix
                text += String(neuron)
                text += "]"
            }
        }
        text += "]}\n"
        return text
    }
}
