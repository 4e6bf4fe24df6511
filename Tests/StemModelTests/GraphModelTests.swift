import Testing
@testable import StemModel

/// A one-layer graph network on an input of shape `input`: `B = 8`, wide accumulator.
private func network(input: Shape, signed: Bool = false, _ layers: [Layer]) -> Network {
    Network(timeSteps: 8, weightBits: 8, accumulatorBits: 48, inputShape: input, inputSigned: signed, layers: layers)
}

/// The golden model's and the QANN's outputs for one sample; they must agree.
private func outputs(_ network: Network, _ sample: [Int64]) throws -> [Int64] {
    try network.validate()
    let golden = try GoldenModel(network: network).run(samples: [sample])[0]
    let qann = QuantizedANN(network: network).outputs(for: sample)
    #expect(golden == qann, "golden \(golden) != QANN \(qann)")
    return golden
}

/// Hand-computed results for every connection kind, on the golden model and the QANN.
@Suite struct GraphModelTests {
    @Test func convolutionWithZeroPaddingAtTheBorders() throws {
        let ones = [[Array(repeating: Array(repeating: Int64(1), count: 3), count: 3)]]
        let net = network(input: Shape(channels: 1, height: 3, width: 3), [
            Layer(name: "c", shape: Shape(channels: 1, height: 3, width: 3),
                  inputs: [.conv(ones, from: 0, padding: [1, 1])])])
        #expect(try outputs(net, [1, 2, 3, 4, 5, 6, 7, 8, 9]) == [12, 21, 16, 27, 45, 33, 24, 39, 28])
    }

    @Test func convolutionWithStrideAndUnevenPadding() throws {
        let strided = network(input: Shape(channels: 1, height: 4, width: 4), [
            Layer(name: "c", shape: Shape(channels: 1, height: 2, width: 2),
                  inputs: [.conv([[[[1, 2], [3, 4]]]], from: 0, stride: [2, 2])])])
        #expect(try outputs(strided, (0..<16).map { Int64($0) }) == [34, 54, 114, 134])
        // Kernel [1,3], stride [1,2], padding [0,1] on a row of 5: oW = (5+2-3)/2+1 = 3.
        let row = network(input: Shape(channels: 1, height: 1, width: 5), [
            Layer(name: "c", shape: Shape(channels: 1, height: 1, width: 3),
                  inputs: [.conv([[[[1, 1, 1]]]], from: 0, stride: [1, 2], padding: [0, 1])])])
        #expect(try outputs(row, [1, 2, 3, 4, 5]) == [3, 9, 9])
        // Two input and two output channels: co 0 = ci 0 - ci 1, co 1 = 2 * ci 1.
        let mixed = network(input: Shape(channels: 2, height: 1, width: 2), [
            Layer(name: "c", shape: Shape(channels: 2, height: 1, width: 2),
                  inputs: [.conv([[[[1]], [[-1]]], [[[0]], [[2]]]], from: 0)], bias: [50, 0])])
        #expect(try outputs(mixed, [10, 20, 3, 4]) == [57, 66, 6, 8])
    }

    @Test func sumAndAveragePoolingWindows() throws {
        let average = network(input: Shape(channels: 1, height: 4, width: 4), [
            Layer(name: "p", shape: Shape(channels: 1, height: 2, width: 2),
                  inputs: [.pool(kernel: [2, 2], from: 0)], postShift: 2)])
        // Sums 10, 18, 42, 50, divided by 4 rounding half up.
        #expect(try outputs(average, (0..<16).map { Int64($0) }) == [3, 5, 11, 13])
        // Overlapping windows (kernel [2,1], stride 1), per channel.
        let overlapping = network(input: Shape(channels: 2, height: 2, width: 2), [
            Layer(name: "p", shape: Shape(channels: 2, height: 1, width: 2),
                  inputs: [.pool(kernel: [2, 1], stride: [1, 1], from: 0)])])
        #expect(try outputs(overlapping, [1, 2, 3, 4, 10, 20, 30, 40]) == [4, 6, 40, 60])
    }

    @Test func identityWeighsEachChannelAndBiasBroadcasts() throws {
        let net = network(input: Shape(channels: 2, height: 1, width: 2), [
            Layer(name: "r", shape: Shape(channels: 2, height: 1, width: 2),
                  inputs: [.identity([2, -1], from: 0)], bias: [10, 20])])
        #expect(try outputs(net, [1, 2, 3, 4]) == [12, 14, 17, 16])
    }

    @Test func perChannelRequantization() throws {
        let shape = Shape(channels: 2, height: 1, width: 1)
        var layer = Layer(name: "q", shape: shape, inputs: [.identity([1, 1], from: 0)],
                          channelMultipliers: [3, 1], channelPostShifts: [2, 0])
        #expect(try outputs(network(input: shape, [layer]), [100, 100]) == [75, 100])
        layer.biasMode = .accumulator
        layer.bias = [2, 5]
        // round_shift((100 + 2) * 3, 2) = 77 (306/4 = 76.5 rounds up); 100 + 5.
        #expect(try outputs(network(input: shape, [layer]), [100, 100]) == [77, 105])
    }

    /// c = b + 2*input + 3*a: the input's spikes arrive 2 windows late, a's 1 window late, each
    /// in the window in which c accumulates the same sample.
    @Test func delayedShortcutsOverOneAndTwoWindows() throws {
        let one = Shape(flat: 1)
        let net = network(input: one, [
            Layer(name: "a", shape: one, inputs: [.dense([[1]], from: 0)]),
            Layer(name: "b", shape: one, inputs: [.dense([[1]], from: 1)]),
            Layer(name: "c", shape: one, inputs: [.dense([[1]], from: 2), .dense([[2]], from: 0), .dense([[3]], from: 1)]),
        ])
        #expect(net.stages == [0, 1, 2, 3])
        #expect(try outputs(net, [5]) == [30])
        // 5 = 0b00000101: the sample's spikes are in steps 5 and 7 of its window.
        let model = try GoldenModel(network: net)
        try model.start(sampleCount: 1)
        #expect(model.stepCount == 4 * 8)
        let stimulus = InputStimulus(network: net, samples: [[5]])
        var currents: [Int64] = []
        for tau in 0..<model.stepCount {
            _ = try model.step(inputSpikes: stimulus.spikes(atStep: tau))
            currents.append(model.neuronState(layer: 3, neuron: 0).current)
        }
        let window2 = Array(currents[16..<24])
        #expect(window2 == [0, 0, 0, 0, 0, 6, 0, 6])
        #expect(currents.enumerated().allSatisfy { (16..<24).contains($0.offset) || $0.element == 0 })
        #expect(model.outputs == [[30]])
        // SOPs: each of the 2 input spikes reaches a and c, a's reach b and c, b's reach c.
        #expect(model.sops == 2 * 2 + 2 * 2 + 2 * 1)
    }

    @Test func signedInputThroughAConvolution() throws {
        let net = network(input: Shape(channels: 1, height: 1, width: 3), signed: true, [
            Layer(name: "c", shape: Shape(channels: 1, height: 1, width: 2),
                  inputs: [.conv([[[[2, -1]]]], from: 0)], bias: [10])])
        // -3*2 + 2*-1 = -8, 2*2 + -1*-1 = 5; plus the bias 10.
        #expect(try outputs(net, [-3, 2, -1]) == [2, 15])
        // The sign only applies to the connection from the input: d = -x0 from the input plus
        // e (= x0 + 8, unsigned) from an earlier layer.
        let mixed = network(input: Shape(flat: 1), signed: true, [
            Layer(name: "e", shape: Shape(flat: 1), inputs: [.dense([[1]], from: 0)], bias: [8]),
            Layer(name: "d", shape: Shape(flat: 1), inputs: [.dense([[-1]], from: 0), .dense([[1]], from: 1)]),
        ])
        #expect(try outputs(mixed, [-5]) == [5 + 3])
    }

    @Test func nonzeroFanOutCountsTapsPerConnection() throws {
        // 3x3 conv, padding 1, on 3x3: the centre is covered by all 9 taps, a corner by 4.
        var weights = [[Array(repeating: Array(repeating: Int64(1), count: 3), count: 3)]]
        weights[0][0][1][1] = 0
        let net = network(input: Shape(channels: 1, height: 3, width: 3), [
            Layer(name: "c", shape: Shape(channels: 1, height: 3, width: 3),
                  inputs: [.conv(weights, from: 0, padding: [1, 1])]),
            Layer(name: "p", shape: Shape(channels: 1, height: 1, width: 1), inputs: [.pool(kernel: [2, 2], from: 1)]),
        ])
        let fanOut = net.nonzeroFanOut()
        #expect(fanOut[0] == [3, 5, 3, 5, 8, 5, 3, 5, 3])
        #expect(fanOut[1] == [1, 1, 0, 1, 1, 0, 0, 0, 0])
        #expect(fanOut == Array(GraphRun.naiveFanOut(net)))
    }
}
