/// One neuron of a traced network: its layer number (1...L as in `docs/stem-spec.md`) and its
/// index within the layer.
public struct NeuronID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var layer: Int
    public var neuron: Int

    public init(layer: Int, neuron: Int) {
        self.layer = layer
        self.neuron = neuron
    }

    public static func < (lhs: NeuronID, rhs: NeuronID) -> Bool {
        (lhs.layer, lhs.neuron) < (rhs.layer, rhs.neuron)
    }

    /// `layer 1 neuron 3`.
    public var description: String { "layer \(layer) neuron \(neuron)" }
}

/// What a trace needs to know about the network it traces: which layers (and how many neurons
/// each), the widths of `I`, `V` and `Y`, and where each neuron's signals go in the scope
/// hierarchy.
///
/// The per-step state passed to the trace writers is indexed like `layers`: `state[k][j]` is
/// neuron `j` of layer `layers[k].number`.
public struct TracedNetwork: Sendable {
    /// A traced layer.
    public struct Layer: Hashable, Sendable {
        /// The layer's number, 1...L (layer 0, the input, has no state to trace).
        public var number: Int
        /// Its neurons.
        public var neuronCount: Int

        public init(number: Int, neuronCount: Int) {
            self.number = number
            self.neuronCount = neuronCount
        }
    }

    /// The widths of the per-neuron vectors.
    public struct Widths: Hashable, Sendable {
        /// `I`, signed (the synaptic current of the step).
        public var current: Int
        /// `V`, signed (the membrane potential; the network's `accumulatorBits`).
        public var potential: Int
        /// `Y`, unsigned (the value being sent; the network's `timeSteps`).
        public var output: Int

        public init(current: Int, potential: Int, output: Int) {
            self.current = current
            self.potential = potential
            self.output = output
        }
    }

    /// Maps a neuron to the scope path holding its signals, outermost first.
    public typealias ScopeMapping = @Sendable (_ neuron: NeuronID) -> [String]

    public var layers: [Layer]
    public var widths: Widths
    /// Where each neuron's `I`, `V`, `Y` and `spike` go. Mirror the RTL hierarchy here so the
    /// golden and RTL traces line up in a viewer.
    public var scopePath: ScopeMapping
    /// Scope path and name of the 32-bit step counter (the global step `tau`).
    public var stepCounterScope: [String]
    public var stepCounterName: String

    /// Describes a network. By default neuron `j` of layer `l` lives in scope
    /// `stem.layer<l>.neuron<j>` and the step counter is `stem.step`.
    public init(layers: [Layer], widths: Widths,
                stepCounterScope: [String] = ["stem"], stepCounterName: String = "step",
                scopePath: @escaping ScopeMapping = TracedNetwork.defaultScopePath) {
        self.layers = layers
        self.widths = widths
        self.scopePath = scopePath
        self.stepCounterScope = stepCounterScope
        self.stepCounterName = stepCounterName
    }

    /// Layers `1...neuronsPerLayer.count` with the given neuron counts.
    public init(neuronsPerLayer: [Int], widths: Widths,
                scopePath: @escaping ScopeMapping = TracedNetwork.defaultScopePath) {
        self.init(layers: neuronsPerLayer.enumerated().map { Layer(number: $0.offset + 1, neuronCount: $0.element) },
                  widths: widths, scopePath: scopePath)
    }

    /// A mapping from a table: `table[k][j]` is the scope path of neuron `j` of `layers[k]`.
    /// Neurons outside the table fall back to `defaultScopePath`.
    public static func scopeMapping(table: [[[String]]], layers: [Layer]) -> ScopeMapping {
        let index = Dictionary(uniqueKeysWithValues: layers.enumerated().map { ($0.element.number, $0.offset) })
        return { neuron in
            if let k = index[neuron.layer], k < table.count, neuron.neuron >= 0, neuron.neuron < table[k].count {
                return table[k][neuron.neuron]
            }
            return defaultScopePath(neuron)
        }
    }

    /// `stem.layer<l>.neuron<j>`.
    public static let defaultScopePath: ScopeMapping = { neuron in
        ["stem", "layer\(neuron.layer)", "neuron\(neuron.neuron)"]
    }

    /// Every neuron in order (layers in `layers` order, neurons ascending).
    public var neurons: [NeuronID] {
        layers.flatMap { layer in (0..<layer.neuronCount).map { NeuronID(layer: layer.number, neuron: $0) } }
    }

    /// Checks the description: layer numbers distinct and >= 1, counts >= 0, widths 1...64.
    func validate() throws {
        var seen = Set<Int>()
        for layer in layers {
            guard layer.number >= 1 else {
                throw TraceError.invalidArgument(what: "traced layer number", value: "\(layer.number)",
                                                 allowed: "1... (layer 0, the input, has no state)")
            }
            guard seen.insert(layer.number).inserted else {
                throw TraceError.invalidArgument(what: "traced layer number", value: "\(layer.number)",
                                                 allowed: "each layer once")
            }
            guard layer.neuronCount >= 0 else {
                throw TraceError.invalidArgument(what: "neuron count of layer \(layer.number)",
                                                 value: "\(layer.neuronCount)", allowed: "0...")
            }
        }
        for (name, width) in [("width of I", widths.current), ("width of V", widths.potential),
                              ("width of Y", widths.output)] {
            guard (1...64).contains(width) else {
                throw TraceError.invalidArgument(what: name, value: "\(width)", allowed: "1...64 bits")
            }
        }
    }

    /// Checks that `state` has one array per traced layer with one entry per neuron.
    func checkShape<T>(_ state: [[T]], side: String, step: UInt64) throws {
        guard state.count == layers.count else {
            throw TraceError.invalidArgument(what: "\(side) state of step \(step)", value: "\(state.count) layers",
                                             allowed: "\(layers.count) (one per traced layer)")
        }
        for (k, layer) in layers.enumerated() where state[k].count != layer.neuronCount {
            throw TraceError.invalidArgument(what: "\(side) state of step \(step), layer \(layer.number)",
                                             value: "\(state[k].count) neurons",
                                             allowed: "\(layer.neuronCount)")
        }
    }
}
