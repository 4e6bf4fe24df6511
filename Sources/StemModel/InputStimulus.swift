/// The layer-0 spikes of a run: sample `k` is sent during window `k`, MSB first
/// (docs/stem-spec.md sections 1 and 7); windows `S...S+D-1` carry no input.
public struct InputStimulus: Sendable {
    /// `B`.
    public let timeSteps: Int
    /// The samples, as the bit patterns that are sent (signed values in `B`-bit two's
    /// complement).
    private let patterns: [[UInt32]]

    /// The stimulus for `samples` on `network` (the samples must be valid for it).
    public init(network: Network, samples: [[Int64]]) {
        timeSteps = network.timeSteps
        let mask = (Int64(1) << network.timeSteps) - 1
        patterns = samples.map { sample in sample.map { UInt32(truncatingIfNeeded: $0 & mask) } }
    }

    /// The number of samples `S`.
    public var sampleCount: Int { patterns.count }

    /// The input neurons that spike in global step `tau`, ascending.
    public func spikes(atStep tau: Int) -> [Int32] {
        var result: [Int32] = []
        spikes(atStep: tau, into: &result)
        return result
    }

    /// Replaces `result` with the input neurons that spike in global step `tau`, ascending.
    public func spikes(atStep tau: Int, into result: inout [Int32]) {
        result.removeAll(keepingCapacity: true)
        let window = tau / timeSteps
        guard tau >= 0, window < patterns.count else { return }
        let bit = UInt32(timeSteps - 1 - tau % timeSteps)
        patterns[window].withUnsafeBufferPointer { pattern in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: pattern.count) { found in
                // Branch-free compaction: write every index, advance past the spiking ones.
                var count = 0
                for i in 0..<pattern.count {
                    found[count] = Int32(truncatingIfNeeded: i)
                    count &+= Int(truncatingIfNeeded: (pattern[i] &>> bit) & 1)
                }
                result.append(contentsOf: UnsafeBufferPointer(rebasing: found[0..<count]))
            }
        }
    }
}
