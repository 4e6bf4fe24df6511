@testable import StemModel

/// The STEM semantics written out literally from docs/stem-spec.md, as a test oracle with a
/// structure unlike the golden model's: per sample and per layer, dense (every synapse every
/// step), no pipeline; the pipelined spike record is assembled afterwards from section 7.
struct NaiveSTEM {
    let network: Network

    struct Result {
        /// `record[tau]` = sorted `(layer, neuron)` pairs.
        var record: [[[Int]]]
        var outputs: [[Int64]]
        var overflows: Int
        var sops: Int
        /// Per layer 1...L: smallest and largest value before fit.
        var smallest: [Int64]
        var largest: [Int64]
    }

    func run(_ samples: [[Int64]]) -> Result {
        let B = network.timeSteps
        let L = network.depth
        let S = samples.count
        let steps = (S + L) * B
        var record = Array(repeating: [[Int]](), count: steps)
        var outputs: [[Int64]] = []
        var overflows = 0
        var sops = 0
        var smallest = Array(repeating: Int64(0), count: L)
        var largest = Array(repeating: Int64(0), count: L)
        let fanOut = network.nonzeroFanOut()

        func fitCounting(_ v: Int64) -> Int64 {
            let A = network.accumulatorBits
            let low = -(Int64(1) << (A - 1))
            let high = (Int64(1) << (A - 1)) - 1
            var result = v
            if v < low || v > high {
                overflows += 1
                switch network.overflow {
                case .saturate: result = v < low ? low : high
                case .wrap:
                    let modulus = Int64(1) << A
                    var m = (v - low) % modulus
                    if m < 0 { m += modulus }
                    result = m + low
                }
            }
            return result
        }

        /// Bit `B-1-t` of `x` as sent (two's complement for signed layer-0 values).
        func spikes(_ x: Int64, _ t: Int) -> Bool {
            let pattern = x < 0 ? x + (Int64(1) << B) : x
            return (pattern >> (B - 1 - t)) & 1 == 1
        }

        for (k, sample) in samples.enumerated() {
            var x = sample
            // Layer 0 spikes of sample k in window k.
            for t in 0..<B {
                for (i, xi) in x.enumerated() where spikes(xi, t) {
                    record[k * B + t].append([0, i])
                    sops += fanOut[0][i]
                }
            }
            for (index, layer) in network.layers.enumerated() {
                let l = index + 1
                var y: [Int64] = []
                for j in 0..<layer.width {
                    var V: Int64 = 0
                    if layer.biasMode == .accumulator {
                        let raw = floorRoundShift(layer.bias[j], layer.shift)
                        smallest[index] = min(smallest[index], raw)
                        largest[index] = max(largest[index], raw)
                        V = fitCounting(raw)
                    }
                    for t in 0..<B {
                        var I: Int64 = 0
                        for i in 0..<layer.inputCount where spikes(x[i], t) { I += layer.weights[j][i] }
                        let sigma: Int64 = (l == 1 && network.inputSigned && t == 0) ? -1 : 1
                        let term = floorRoundShift(sigma * I * (Int64(1) << (B - 1 - t)), layer.shift)
                        let raw = V + term
                        if term != 0 {
                            smallest[index] = min(smallest[index], raw)
                            largest[index] = max(largest[index], raw)
                        }
                        V = fitCounting(raw)
                    }
                    var v = floorRoundShift(V * Int64(layer.multiplier), layer.postShift)
                    if layer.biasMode == .output { v += layer.bias[j] }
                    v = max(0, min((Int64(1) << B) - 1, v))
                    if layer.rot > 0 {
                        let r = layer.rot
                        v = min(floorRoundShift(v, r) * (Int64(1) << r), (((Int64(1) << B) - 1) >> r) << r)
                    }
                    if layer.drlo > 0 {
                        // Keep the K most significant ones, scanning from the top.
                        var kept: Int64 = 0
                        var count = 0
                        for bit in stride(from: B - 1, through: 0, by: -1) where (v >> bit) & 1 == 1 {
                            if count < layer.drlo { kept |= Int64(1) << bit }
                            count += 1
                        }
                        v = kept
                    }
                    y.append(v)
                }
                // Layer l sends sample k in window k + l.
                for t in 0..<B {
                    for (j, yj) in y.enumerated() where spikes(yj, t) {
                        record[(k + l) * B + t].append([l, j])
                        if l < L { sops += fanOut[l][j] }
                    }
                }
                x = y
            }
            outputs.append(x)
        }
        for tau in 0..<steps {
            record[tau].sort { ($0[0], $0[1]) < ($1[0], $1[1]) }
        }
        return Result(record: record, outputs: outputs, overflows: overflows, sops: sops,
                      smallest: smallest, largest: largest)
    }
}

/// `floor((a + 2^(s-1)) / 2^s)` with true floor division: the spec's definition of
/// round_shift, computed without shifts.
func floorRoundShift(_ a: Int64, _ s: Int) -> Int64 {
    if s == 0 { return a }
    let d = Int64(1) << s
    let n = a + (Int64(1) << (s - 1))
    let q = n / d
    return (n % d != 0 && n < 0) ? q - 1 : q
}

/// Runs the golden model and returns its record in the oracle's form.
func goldenRecord(_ model: GoldenModel, _ samples: [[Int64]]) throws -> [[[Int]]] {
    var record: [[[Int]]] = []
    try model.run(samples: samples) { _, spikes in
        var step: [[Int]] = []
        for (l, neurons) in spikes.enumerated() {
            for j in neurons { step.append([l, Int(j)]) }
        }
        record.append(step)
    }
    return record
}
