import Foundation

/// What a golden or comparison trace writer left on disk.
public struct TraceFiles: Hashable, Sendable {
    /// The VCD file.
    public var vcdPath: String
    /// The GTKWave save file beside it (`nil` when viewer files were turned off).
    public var gtkwavePath: String?
    /// The Surfer command file beside it (`nil` when viewer files were turned off).
    public var surferPath: String?
    /// The first and last step written.
    public var recordedSteps: ClosedRange<UInt64>
    /// Comparison trace only: the first step in the window where some neuron mismatched.
    public var firstMismatchStep: UInt64?
    /// Comparison trace only: the neurons that mismatched in the window, in order of their
    /// first mismatch (then layer, neuron).
    public var mismatchedNeurons: [NeuronID]

    /// Shell commands that open the trace (for printing to the user).
    public var openCommands: [String] {
        var commands: [String] = []
        if let gtkwavePath { commands.append("gtkwave \(Self.quoted(vcdPath)) \(Self.quoted(gtkwavePath))") }
        if let surferPath { commands.append("surfer -c \(Self.quoted(surferPath))") }
        if commands.isEmpty { commands.append("gtkwave \(Self.quoted(vcdPath))") }
        return commands
    }

    /// `path` quoted for a POSIX shell (as is when it needs no quoting).
    public static func quoted(_ path: String) -> String {
        let plain = path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-+,:@".contains($0)) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
