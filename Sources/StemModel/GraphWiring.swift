/// The connections of a graph network in the golden model: per connection the weights laid out
/// for event-driven delivery, its delay, and the spike history of sources that feed delayed
/// shortcuts (docs/stem-spec.md sections 2, 7 and 9).
final class GraphWiring {
    private let timeSteps: Int
    /// SOPs of one spike, per layer `0...L-1` and neuron.
    private let fanOut: [[Int]]
    private let links: [Link]
    /// Per source layer, the spikes it sent in the last `historyWindows[l] * B` steps (a ring
    /// indexed by step modulo its length); empty for sources without delayed connections.
    private var history: [[[Int32]]]
    private let historyLength: [Int]

    init(network: Network, stages: [Int]) {
        timeSteps = network.timeSteps
        fanOut = network.nonzeroFanOut()
        var links: [Link] = []
        var longest = Array(repeating: 0, count: network.depth + 1)
        for (index, layer) in network.layers.enumerated() {
            for connection in layer.inputs {
                let source = network.source(of: connection, inLayer: index + 1)
                let delay = stages[index + 1] - 1 - stages[source]
                longest[source] = max(longest[source], delay)
                links.append(Link(connection: connection, source: source, target: index,
                                  sourceShape: network.shape(ofLayer: source), targetShape: layer.shape,
                                  delay: delay, signed: source == 0 && network.inputSigned))
            }
        }
        self.links = links
        historyLength = longest.map { $0 * network.timeSteps }
        history = historyLength.map { Array(repeating: [], count: $0) }
    }

    /// Forgets every sent spike (a new run).
    func reset() {
        history = historyLength.map { Array(repeating: [], count: $0) }
    }

    /// Delivers step `step`'s spikes: `sent[l]` are layer `l`'s spikes of this step (`0...L`).
    /// Each connection adds the spikes of its source `d*B` steps ago to its target's currents
    /// (negated in the first step of a window from a signed input). Returns the SOPs of the
    /// spikes sent in this step.
    func deliver(step: Int, sent: [[Int32]], signedStep: Bool, cores: [LayerCore]) -> Int {
        var operations = 0
        for l in 0..<fanOut.count {
            let counts = fanOut[l]
            for i in sent[l] { operations &+= counts[Int(i)] }
        }
        for link in links {
            let spikes: [Int32]
            if link.delay == 0 {
                spikes = sent[link.source]
            } else {
                let earlier = step - link.delay * timeSteps
                spikes = earlier >= 0 ? history[link.source][earlier % historyLength[link.source]] : []
            }
            guard !spikes.isEmpty else { continue }
            let core = cores[link.target]
            core.markCurrents()
            link.add(spikes, sign: link.signed && signedStep ? -1 : 1, into: core.wideCurrents!.baseAddress!)
        }
        for link in links { link.flush(into: cores[link.target].wideCurrents!.baseAddress!) }
        for l in 0..<historyLength.count where historyLength[l] > 0 {
            history[l][step % historyLength[l]] = sent[l]
        }
        return operations
    }
}

/// One connection, ready for delivery.
private final class Link {
    let source: Int
    let target: Int
    let delay: Int
    let signed: Bool
    private let kind: Connection.Kind
    private let sourceShape: Shape
    private let targetShape: Shape
    /// dense: `[i * N + o]`; conv: `[((ci*KH + ky)*KW + kx) * Cout + co]`; identity: `[c]`.
    private let weights: [Int64]
    /// Per source row `y`, the `(ky, oy)` pairs with `oy*SH - PH + ky = y` inside the output;
    /// likewise per source column.
    private let rowTaps: [[(tap: Int, output: Int)]]
    private let columnTaps: [[(tap: Int, output: Int)]]
    private let kernelHeight: Int
    private let kernelWidth: Int
    /// conv: the step's sums in channel-last order (`[position * Cout + co]`), so that one tap
    /// adds `Cout` contiguous weights to `Cout` contiguous sums; folded into the layer's currents
    /// by ``flush(into:)``.
    private let channelLast: UnsafeMutableBufferPointer<Int64>
    private var channelLastDirty = false

    init(connection: Connection, source: Int, target: Int, sourceShape: Shape, targetShape: Shape,
         delay: Int, signed: Bool) {
        self.source = source
        self.target = target
        self.delay = delay
        self.signed = signed
        kind = connection.kind
        self.sourceShape = sourceShape
        self.targetShape = targetShape
        kernelHeight = connection.kernel[0]
        kernelWidth = connection.kernel[1]
        channelLast = .allocate(capacity: connection.kind == .conv ? max(1, targetShape.count) : 1)
        channelLast.initialize(repeating: 0)
        func taps(_ size: Int, _ k: Int, _ s: Int, _ p: Int, _ outputs: Int) -> [[(tap: Int, output: Int)]] {
            (0..<size).map { y in
                (0..<k).compactMap { ky in
                    let numerator = y + p - ky
                    guard numerator >= 0, numerator % s == 0, numerator / s < outputs else { return nil }
                    return (ky, numerator / s)
                }
            }
        }
        switch connection.kind {
        case .dense:
            let n = targetShape.count
            var transposed = Array(repeating: Int64(0), count: n * sourceShape.count)
            for (o, row) in connection.weights.enumerated() {
                for (i, w) in row.enumerated() { transposed[i * n + o] = w }
            }
            weights = transposed
            rowTaps = []
            columnTaps = []
        case .identity:
            weights = connection.weights[0]
            rowTaps = []
            columnTaps = []
        case .conv, .pool:
            let (kh, kw) = (connection.kernel[0], connection.kernel[1])
            let padding = connection.kind == .conv ? connection.padding : [0, 0]
            rowTaps = taps(sourceShape.height, kh, connection.stride[0], padding[0], targetShape.height)
            columnTaps = taps(sourceShape.width, kw, connection.stride[1], padding[1], targetShape.width)
            if connection.kind == .conv {
                let cout = targetShape.channels
                var laid = Array(repeating: Int64(0), count: sourceShape.channels * kh * kw * cout)
                for (co, row) in connection.weights.enumerated() {
                    for (t, w) in row.enumerated() { laid[t * cout + co] = w }
                }
                weights = laid
            } else {
                weights = []
            }
        }
    }

    deinit { channelLast.deallocate() }

    /// Adds the channel-last sums of a conv connection to `currents` (neuron order) and clears
    /// them.
    func flush(into currents: UnsafeMutablePointer<Int64>) {
        guard channelLastDirty else { return }
        channelLastDirty = false
        let cout = targetShape.channels
        let plane = targetShape.plane
        let sums = channelLast.baseAddress!
        for position in 0..<plane {
            let row = sums + position * cout
            for co in 0..<cout {
                currents[co * plane + position] &+= row[co]
                row[co] = 0
            }
        }
    }

    /// Adds `sign` times the weights each spike of `spikes` reaches to `currents` (a conv
    /// connection to its channel-last sums, see ``flush(into:)``).
    func add(_ spikes: [Int32], sign: Int64, into currents: UnsafeMutablePointer<Int64>) {
        weights.withUnsafeBufferPointer { weights in
            switch kind {
            case .dense:
                let n = targetShape.count
                for spike in spikes {
                    let row = weights.baseAddress! + Int(spike) * n
                    for o in 0..<n { currents[o] &+= sign &* row[o] }
                }
            case .identity:
                let plane = sourceShape.plane
                for spike in spikes {
                    let i = Int(spike)
                    currents[i] &+= sign &* weights[i / plane]
                }
            case .conv, .pool:
                let plane = sourceShape.plane
                let sourceWidth = sourceShape.width
                let outputPlane = targetShape.plane
                let outputWidth = targetShape.width
                let cout = targetShape.channels
                let kernelHeight = self.kernelHeight
                let sums = channelLast.baseAddress!
                if kind == .conv { channelLastDirty = true }
                for spike in spikes {
                    let i = Int(spike)
                    let c = i / plane
                    let y = (i % plane) / sourceWidth
                    let x = i % sourceWidth
                    for (ky, oy) in rowTaps[y] {
                        for (kx, ox) in columnTaps[x] {
                            let position = oy * outputWidth + ox
                            if kind == .pool {
                                currents[c * outputPlane + position] &+= sign
                            } else {
                                let tap = weights.baseAddress! + ((c * kernelHeight + ky) * kernelWidth + kx) * cout
                                let target = sums + position * cout
                                if sign > 0 {
                                    for co in 0..<cout { target[co] &+= tap[co] }
                                } else {
                                    for co in 0..<cout { target[co] &-= tap[co] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
