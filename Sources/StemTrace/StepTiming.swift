/// Where the time steps of a golden or comparison trace sit on the VCD time axis.
///
/// The values of step `tau` (the state at the end of the step, the spike emitted in it) are
/// written at the time the step starts and hold until the next step starts; the file ends with
/// a time stamp at the start of the step after the last one written, so the last step has a
/// visible width.
public struct StepTiming: Sendable {
    /// The `$timescale` of the file.
    public let timescale: VCDTimescale
    private let kind: Kind

    private enum Kind: Sendable {
        case uniform(unitsPerStep: UInt64, offset: UInt64)
        case table(firstStep: UInt64, starts: [UInt64])
    }

    /// Step `tau` at time `tau`, with a time scale of 1 ns (so a viewer's time axis reads as
    /// the step number). The default.
    public static let oneUnitPerStep = StepTiming(timescale: .oneNanosecond, kind: .uniform(unitsPerStep: 1, offset: 0))

    /// Step `tau` at time `offset + tau * unitsPerStep`.
    public static func uniform(unitsPerStep: UInt64, offset: UInt64 = 0, timescale: VCDTimescale) throws -> StepTiming {
        guard unitsPerStep >= 1 else {
            throw TraceError.invalidArgument(what: "time units per step", value: "\(unitsPerStep)", allowed: "1...")
        }
        return StepTiming(timescale: timescale, kind: .uniform(unitsPerStep: unitsPerStep, offset: offset))
    }

    /// Step `firstStep + k` at time `starts[k]`: for placing golden values at the RTL's step
    /// boundaries (the RTL trace's time of each step pulse, in the RTL trace's time scale).
    /// `starts` must be strictly increasing. A step past the end of the table is an error,
    /// except that the end time after the last listed step is extrapolated from the last two
    /// starts.
    public static func stepStarts(firstStep: UInt64, times starts: [UInt64], timescale: VCDTimescale) throws -> StepTiming {
        guard !starts.isEmpty else {
            throw TraceError.invalidArgument(what: "step start times", value: "[]", allowed: "at least one time")
        }
        for k in 1..<max(starts.count, 1) where starts[k] <= starts[k - 1] {
            throw TraceError.invalidArgument(what: "start time of step \(firstStep + UInt64(k))",
                                             value: "\(starts[k])",
                                             allowed: "after the previous step's \(starts[k - 1])")
        }
        return StepTiming(timescale: timescale, kind: .table(firstStep: firstStep, starts: starts))
    }

    /// The time at which step `step` starts.
    public func time(ofStep step: UInt64) throws -> UInt64 {
        switch kind {
        case let .uniform(unitsPerStep, offset):
            let (product, overflow1) = step.multipliedReportingOverflow(by: unitsPerStep)
            let (sum, overflow2) = product.addingReportingOverflow(offset)
            guard !overflow1, !overflow2 else {
                throw TraceError.invalidArgument(what: "time of step \(step)", value: "beyond 2^64",
                                                 allowed: "a time that fits 64 bits")
            }
            return sum
        case let .table(firstStep, starts):
            guard step >= firstStep, step - firstStep < UInt64(starts.count) else {
                throw TraceError.invalidArgument(
                    what: "step \(step)", value: "not in the step start table",
                    allowed: "steps \(firstStep)...\(firstStep + UInt64(starts.count) - 1)")
            }
            return starts[Int(step - firstStep)]
        }
    }

    /// The time at which the step after `step` starts (the end of the trace when `step` is the
    /// last one written).
    public func endTime(afterStep step: UInt64) throws -> UInt64 {
        switch kind {
        case .uniform:
            return try time(ofStep: step + 1)
        case let .table(firstStep, starts):
            let start = try time(ofStep: step)
            let next = Int(step - firstStep) + 1
            if next < starts.count { return starts[next] }
            let width = starts.count >= 2 ? starts[starts.count - 1] - starts[starts.count - 2] : 1
            return start + width
        }
    }
}
