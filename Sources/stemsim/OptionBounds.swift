import ArgumentParser
import StemModel
import StemRTL

/// The allowed range of every integer option of `stemsim`, in one place.
///
/// Each option parses its text through ``IntegerOption/parse(_:)`` (ArgumentParser's
/// `transform:`), so a value outside its range is a usage error (exit 2) before any
/// arithmetic or allocation uses it, and the message names the option, the value as the user
/// wrote it and the range:
/// ```
/// Error: The value '-0' is invalid for '--neurons <neurons>': --neurons must be in 1...65536 (NumNeurons), got -0
/// ```
/// The hardware options take their ranges from ``ModelParameters/ranges``; products of them
/// are checked by ``Mapper``.
enum OptionBounds {
    /// An integer option and its allowed range.
    struct IntegerOption: Sendable {
        /// The option as written on the command line (`--neurons`).
        var name: String
        /// The allowed values.
        var range: ClosedRange<Int>
        /// Where the range comes from, for the message (`NumNeurons`).
        var note: String?
        /// The value when the option is not given (nil: none, or given elsewhere).
        var defaultValue: Int

        init(_ name: String, _ range: ClosedRange<Int>, _ note: String? = nil, default defaultValue: Int? = nil) {
            self.name = name
            self.range = range
            self.note = note
            self.defaultValue = defaultValue ?? range.lowerBound
            self.hasDefault = defaultValue != nil
        }

        private var hasDefault: Bool

        /// `text (1...65536, default: 64).`: the help with the range and the default, which
        /// ArgumentParser does not show for options parsed by a transform.
        func help(_ text: String, valueName: String? = nil, defaultNote: String? = nil) -> ArgumentHelp {
            let suffix = hasDefault ? ", default: \(defaultValue)" + (defaultNote.map { ", \($0)" } ?? "") : ""
            return ArgumentHelp("\(text) (\(range.lowerBound)...\(range.upperBound)\(suffix)).", valueName: valueName)
        }

        /// `1...65536 (NumNeurons)`.
        var rangeText: String {
            "\(range.lowerBound)...\(range.upperBound)" + (note.map { " (\($0))" } ?? "")
        }

        /// `must be in 1...64` or, when the top is only a sanity bound, `must be at least 1`.
        var requirement: String {
            let note = self.note.map { " (\($0))" } ?? ""
            if range.upperBound >= Int(Int32.max) { return "must be at least \(range.lowerBound)\(note)" }
            return "must be in \(rangeText)"
        }

        /// The value of `text`, or a ``ValidationError`` naming the option, the value as
        /// written and the range (`--jobs must be in 1...64, got 0`).
        func parse(_ text: String) throws -> Int {
            guard let value = Int(text) else {
                throw ValidationError("\(name) must be an integer in \(rangeText), got \(text)")
            }
            try check(value, text: text)
            return value
        }

        /// Checks a value that was parsed elsewhere (a list item, a product); `text` is how it
        /// was written.
        func check(_ value: Int, text: String? = nil) throws {
            if !range.contains(value) {
                throw ValidationError("\(name) \(requirement), got \(text ?? String(value))")
            }
        }
    }

    private static func hardware(_ parameter: String) -> ClosedRange<Int> {
        ModelParameters.ranges[parameter] ?? 1...1
    }

    // MARK: The mesh (run, map, export, bench-rtl, noc-bench)

    static let neurons = IntegerOption("--neurons", hardware("NumNeurons"), "NumNeurons", default: 64)
    static let axons = IntegerOption("--axons", hardware("NumAxons"), "NumAxons", default: 64)
    static let maxFanout = IntegerOption("--max-fanout", hardware("MaxFanout"), "MaxFanout", default: 4)
    static let fifoDepth = IntegerOption("--fifo-depth", hardware("FifoDepth"), "FifoDepth", default: 4)
    /// Each side of `--mesh XxY`.
    static let meshSide = IntegerOption("--mesh", hardware("MeshX"), "tiles per side; the flit has 4-bit coordinates")

    // MARK: Counts

    /// `--limit` of run, export, sweep and bench-rtl: more than the inputs hold is the same as all.
    static let limit = IntegerOption("--limit", 1...Int(Int32.max))
    /// `stemsim bench --samples`.
    static let benchSamples = IntegerOption("--samples", 1...100_000, default: 200)
    /// `stemsim bench --repeat`.
    static let benchRepeat = IntegerOption("--repeat", 1...1_000, default: 5)
    /// `stemsim bench --time-steps`.
    static let benchTimeSteps = IntegerOption("--time-steps", Network.Limits.timeSteps, "timeSteps", default: 8)
    /// Layers of `stemsim bench --shape`, inputs included.
    static let benchLayers = IntegerOption("--shape", 2...32, "widths, input first")
    /// Weights of the network `stemsim bench --shape` builds, and input values of its samples.
    static let benchWeights = IntegerOption("--shape", 1...(1 << 24), "weights in all layers")
    static let benchInputValues = IntegerOption("--samples", 1...(1 << 26), "samples times the input width")
    /// `stemsim bench-rtl --rounds` and `--passes`.
    static let rounds = IntegerOption("--rounds", 1...1_000, default: 5)
    static let passes = IntegerOption("--passes", 1...1_000, default: 3)
    /// `stemsim run --jobs`: shards of the samples run side by side (clamped to the sample
    /// count).
    static let runJobs = IntegerOption("--jobs", 1...64, "shards, one thread each", default: 1)
    /// `stemsim sweep --jobs`.
    static let jobs = IntegerOption("--jobs", 1...64, default: 2)
    /// `stemsim sweep --acc-bits` items.
    static let accBits = IntegerOption("--acc-bits", Network.Limits.accumulatorBits, "accumulatorBits")
    /// `stemsim sweep --rot` and `--drlo` items (the network's timeSteps narrows them further).
    static let rot = IntegerOption("--rot", Network.Limits.rot(timeSteps: Network.Limits.timeSteps.upperBound),
                                   "at most timeSteps-1")
    static let drlo = IntegerOption("--drlo", Network.Limits.drlo(timeSteps: Network.Limits.timeSteps.upperBound),
                                    "at most timeSteps")
    /// `stemsim sweep --bias-bits` items.
    static let biasBits = IntegerOption("--bias-bits", Network.Limits.biasBits, "biasBits")
    /// `stemsim noc-bench` cycle counts and sink backpressure.
    static let warmup = IntegerOption("--warmup", 0...10_000_000, "cycles", default: 2000)
    static let measure = IntegerOption("--measure", 100...10_000_000, "cycles", default: 10000)
    static let backpressure = IntegerOption("--backpressure", 0...1_000, "per mille", default: 0)
    /// Offered loads in one `stemsim noc-bench --rate` list.
    static let rates = IntegerOption("--rate", 1...100, "loads in the list")

    // MARK: Waveforms

    static let traceFrom = IntegerOption("--trace-from", 0...Int(Int64.max))
    static let traceTo = IntegerOption("--trace-to", 0...Int(Int64.max))
    static let traceDepth = IntegerOption("--trace-depth", 0...1_000, "hierarchy levels, 0 = all", default: 0)
}
