import StemModel

/// The first time step in which two engines differ (their spikes, or with state checks their
/// neurons' I, V or Y), with the state of the differing neurons on both sides.
public struct Divergence: Error, CustomStringConvertible, Sendable, Equatable, Codable {
    /// What differs.
    public enum Kind: String, Sendable, Codable {
        /// Some neuron spiked on one side only.
        case spikes
        /// The spikes agree, but some neuron's I, V or Y differs (``Lockstep/checksState``).
        case state
        /// The device stopped on a failed hardware assertion in this step
        /// (``HardwareAssertionFailure``); ``assertion`` holds its message.
        case assertion
    }

    /// One neuron that spiked on one side only.
    public struct Neuron: Sendable, Equatable, Codable {
        public var index: Int
        /// Whether the reference engine spiked.
        public var expectedSpike: Bool
        /// Whether the device under test spiked.
        public var actualSpike: Bool
        /// The reference engine's state of the neuron (nil if it cannot observe it).
        public var expected: NeuronState?
        /// The device's state of the neuron (nil if it cannot observe it).
        public var actual: NeuronState?

        public init(index: Int, expectedSpike: Bool, actualSpike: Bool, expected: NeuronState?, actual: NeuronState?) {
            self.index = index
            self.expectedSpike = expectedSpike
            self.actualSpike = actualSpike
            self.expected = expected
            self.actual = actual
        }
    }

    /// What differs.
    public var kind: Kind = .spikes
    /// The reference engine's name.
    public var referenceName: String
    /// The device under test's name.
    public var deviceName: String
    /// Global step `tau`.
    public var step: Int
    /// `B`.
    public var timeSteps: Int
    /// The lowest layer whose spikes differ (`1...L`).
    public var layer: Int
    /// The differing neurons of ``layer``, ascending (at most the runner's limit).
    public var neurons: [Neuron]
    /// How many neurons of ``layer`` differ (can exceed `neurons.count`).
    public var differingNeuronCount: Int
    /// Other layers whose spikes differ in the same step.
    public var otherLayers: [Int]
    /// `S`, to name the sample involved.
    public var sampleCount: Int
    /// The layer's name (empty: none), shape (nil: flat) and stage (nil: the layer number, as
    /// in a chain), to name the neurons `(c, y, x)` and the sample in graph networks.
    public var layerName = ""
    public var layerShape: Shape?
    public var layerStage: Int?
    /// With kind ``Kind/assertion``: the failed assertion's message (instance, time, text).
    public var assertion = ""

    public init(referenceName: String, deviceName: String, step: Int, timeSteps: Int, layer: Int,
                neurons: [Neuron], differingNeuronCount: Int, otherLayers: [Int], sampleCount: Int) {
        self.referenceName = referenceName
        self.deviceName = deviceName
        self.step = step
        self.timeSteps = timeSteps
        self.layer = layer
        self.neurons = neurons
        self.differingNeuronCount = differingNeuronCount
        self.otherLayers = otherLayers
        self.sampleCount = sampleCount
    }

    /// The window `w` of the step.
    public var window: Int { step / timeSteps }
    /// The step `t` within the window.
    public var stepInWindow: Int { step % timeSteps }
    /// The sample ``layer`` sends in this window, if any (`window - stage`).
    public var sample: Int? {
        let k = window - (layerStage ?? layer)
        return (0..<sampleCount).contains(k) ? k : nil
    }

    public var description: String {
        if kind == .assertion {
            return "\(deviceName) stopped on a failed RTL assertion at step \(step) "
                + "(window \(window), step \(stepInWindow) of \(timeSteps)): \(assertion)"
        }
        var text = "\(kind == .spikes ? "spikes" : "neuron states") differ at step \(step) "
            + "(window \(window), step \(stepInWindow) of \(timeSteps)), layer \(layer)"
            + (layerName.isEmpty ? "" : " \"\(layerName)\"") + (layerShape.map { " \($0)" } ?? "")
        if kind == .state {
            let k = window - (layerStage ?? layer) + 1
            if (0..<sampleCount).contains(k) { text += " (accumulating sample \(k))" }
        } else if let sample {
            text += " (sending sample \(sample))"
        } else {
            text += " (a window without a sample)"
        }
        text += ": \(differingNeuronCount) neuron\(differingNeuronCount == 1 ? "" : "s")"
        if !otherLayers.isEmpty {
            text += "; layer\(otherLayers.count == 1 ? "" : "s") "
                + otherLayers.map(String.init).joined(separator: ", ") + " also differ"
        }
        for neuron in neurons {
            if kind == .state {
                text += "\n  neuron \(name(neuron.index)): " + (neuron.expectedSpike ? "both spike" : "neither spikes")
            } else {
                let who = neuron.expectedSpike ? referenceName : deviceName
                let whoNot = neuron.expectedSpike ? deviceName : referenceName
                text += "\n  neuron \(name(neuron.index)): \(who) spikes, \(whoNot) does not"
            }
            text += "\n    \(referenceName.padded(to: 8)) \(neuron.expected.map(\.description) ?? "state not observable")"
            text += "\n    \(deviceName.padded(to: 8)) \(neuron.actual.map(\.description) ?? "state not observable")"
        }
        if differingNeuronCount > neurons.count {
            text += "\n  ... and \(differingNeuronCount - neurons.count) more"
        }
        return text
    }

    /// `37`, or `37 (c 2, y 1, x 1)` in a layer with rows and columns.
    private func name(_ index: Int) -> String {
        guard let shape = layerShape, !shape.isFlat else { return "\(index)" }
        return "\(index) (c \(index / shape.plane), y \((index % shape.plane) / shape.width), x \(index % shape.width))"
    }

    /// Fills in the layer's name, shape and stage from `network`.
    public mutating func describeLayer(of network: Network) {
        guard (1...network.depth).contains(layer) else { return }
        layerName = network.layers[layer - 1].name
        layerShape = network.shape(ofLayer: layer).isFlat ? nil : network.shape(ofLayer: layer)
        layerStage = network.stages[layer]
    }
}

extension String {
    fileprivate func padded(to width: Int) -> String {
        count >= width ? self + ":" : self + ":" + String(repeating: " ", count: width - count)
    }
}
