/// The hardware a network is mapped onto: the core's capacity and the mesh's size.
public struct MeshOptions: Hashable, Sendable {
    /// Neurons per core (`NumNeurons`).
    public var numNeurons: Int
    /// Inputs per core (`NumAxons`): a layer's fan-in must not exceed it.
    public var numAxons: Int
    /// Fan-out table entries per neuron (`MaxFanout`): a layer may be split over at most
    /// this many cores, since every neuron of the layer before sends one flit to each.
    public var maxFanout: Int
    /// Router input FIFO depth (`FifoDepth`).
    public var fifoDepth: Int
    /// The mesh size; nil picks the smallest square mesh that holds every core.
    public var meshSize: (x: Int, y: Int)?

    /// The default core of docs/hardware-interface.md: 64 neurons, 64 axons, 4 fan-out
    /// entries, FIFOs of 4, and a mesh just large enough.
    public init(numNeurons: Int = 64, numAxons: Int = 64, maxFanout: Int = 4, fifoDepth: Int = 4,
                meshSize: (x: Int, y: Int)? = nil) {
        self.numNeurons = numNeurons
        self.numAxons = numAxons
        self.maxFanout = maxFanout
        self.fifoDepth = fifoDepth
        self.meshSize = meshSize
    }

    /// Checks each value against its RTL parameter's range (``ModelParameters/ranges``) and
    /// the core against the tile address map, before anything multiplies them: products are
    /// computed with overflow checks.
    ///
    /// The mesh size is checked by ``Mapper/map(_:)`` (``MappingError/meshSizeOutOfRange(meshX:meshY:)``).
    /// - Throws: ``MappingError/parameterOutOfRange(name:value:allowed:)`` or
    ///   ``MappingError/coreTooLarge(numNeurons:numAxons:maxFanout:)``.
    public func validate() throws(MappingError) {
        for (name, value) in [("NumNeurons", numNeurons), ("NumAxons", numAxons), ("MaxFanout", maxFanout),
                              ("FifoDepth", fifoDepth)] {
            if let range = ModelParameters.ranges[name], !range.contains(value) {
                throw .parameterOutOfRange(name: name, value: value, allowed: range)
            }
        }
        let capacity = ModelParameters.regionCapacity
        let (weights, o1) = numNeurons.multipliedReportingOverflow(by: numAxons)
        let (fanouts, o2) = numNeurons.multipliedReportingOverflow(by: maxFanout)
        if o1 || o2 || weights > capacity || fanouts > capacity || numAxons > 1 << HardwareInterface.axonWidth {
            throw .coreTooLarge(numNeurons: numNeurons, numAxons: numAxons, maxFanout: maxFanout)
        }
    }

    public static func == (a: MeshOptions, b: MeshOptions) -> Bool {
        a.numNeurons == b.numNeurons && a.numAxons == b.numAxons && a.maxFanout == b.maxFanout
            && a.fifoDepth == b.fifoDepth && a.meshSize?.x == b.meshSize?.x && a.meshSize?.y == b.meshSize?.y
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(numNeurons); hasher.combine(numAxons); hasher.combine(maxFanout)
        hasher.combine(fifoDepth); hasher.combine(meshSize?.x); hasher.combine(meshSize?.y)
    }
}
