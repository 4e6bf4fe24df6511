// Network format version 2 (a layer graph): decoding, validation and writing
// (docs/formats.md, docs/stem-spec.md "The network").

extension Network {
    static let graphTopLevelKeys = ["format", "version", "timeSteps", "weightBits", "accumulatorBits", "biasBits",
                                    "overflow", "input", "layers"]
    static let graphInputKeys = ["shape", "signed"]
    static let graphLayerKeys = ["name", "shape", "inputs", "bias", "biasMode", "shift", "multiplier", "postShift",
                                 "rot", "drlo"]
    /// The name `from` uses for the input layer (reserved).
    public static let inputLayerName = "input"

    static func connectionKeys(_ kind: Connection.Kind) -> [String] {
        switch kind {
        case .dense, .identity: return ["from", "kind", "weights"]
        case .conv: return ["from", "kind", "weights", "kernel", "stride", "padding"]
        case .pool: return ["from", "kind", "kernel", "stride"]
        }
    }

    /// Whether the network needs version 2 to be written: it has layer names or shapes, or is
    /// not a chain of dense layers with one `m` and `n` each (``isDenseChain``).
    public var isGraph: Bool {
        !inputShape.isFlat || layers.contains { !$0.name.isEmpty || !$0.shape.isFlat } || !isDenseChain
    }

    /// The name of layer `l` in errors and files: `input` for 0.
    func layerName(_ l: Int) -> String {
        if l == 0 { return Self.inputLayerName }
        let name = layers[l - 1].name
        return name.isEmpty ? "layers[\(l - 1)]" : name
    }

    // MARK: - Decoding

    static func decodeGraph(_ root: JSONObject, reader: JSONReader) throws(FormatError) -> Network {
        let timeSteps = try reader.integer(try reader.required(root, "timeSteps", at: ""), at: "timeSteps",
                                           in: Limits.timeSteps)
        let weightBits = try reader.integer(try reader.required(root, "weightBits", at: ""), at: "weightBits",
                                            in: Limits.weightBits)
        let accumulatorBits = try reader.integer(try reader.required(root, "accumulatorBits", at: ""),
                                                 at: "accumulatorBits", in: Limits.accumulatorBits)
        let biasBits = try decodeBiasBits(root, reader: reader)
        var overflow = OverflowMode.wrap
        if let value = root["overflow"] {
            overflow = OverflowMode(rawValue: try reader.string(value, at: "overflow",
                                                                oneOf: OverflowMode.allCases.map(\.rawValue)))!
        }
        let inputObject = try reader.object(try reader.required(root, "input", at: ""), at: "input")
        try reader.checkKeys(inputObject, allowed: graphInputKeys, at: "input")
        let inputShape = try decodeShape(try reader.required(inputObject, "shape", at: "input"), at: "input.shape",
                                         reader: reader)
        var inputSigned = false
        if let value = inputObject["signed"] { inputSigned = try reader.bool(value, at: "input.signed") }

        let layerValues = try reader.array(try reader.required(root, "layers", at: ""), at: "layers", of: "layers")
        if layerValues.isEmpty { throw reader.fail("layers", "is empty; a network needs at least 1 layer") }
        // All names first, so that `from` can tell a later layer from an unknown name.
        var names: [String] = []
        var indexOfName: [String: Int] = [:]
        for (index, layerValue) in layerValues.enumerated() {
            let path = JSONReader.element("layers", index)
            let object = try reader.object(layerValue, at: path)
            let namePath = JSONReader.member(path, "name")
            guard case .string(let name) = try reader.required(object, "name", at: path) else {
                throw reader.fail(namePath, "expected a string (the layer's name), got \(object["name"]!.brief)")
            }
            if name.isEmpty { throw reader.fail(namePath, "is empty; a layer needs a name") }
            if name == inputLayerName {
                throw reader.fail(namePath, "\"\(name)\" is reserved for the input layer; choose another name")
            }
            if let earlier = indexOfName[name] {
                throw reader.fail(namePath, "\"\(name)\" is already the name of layers[\(earlier)]; names are unique")
            }
            indexOfName[name] = index
            names.append(name)
        }

        let weightRange = Limits.weight(bits: weightBits)
        let weightNote = "weightBits \(weightBits)"
        var shapes = [inputShape]
        var layers: [Layer] = []
        for (index, layerValue) in layerValues.enumerated() {
            let path = JSONReader.element("layers", index)
            let object = try reader.object(layerValue, at: path)
            try reader.checkKeys(object, allowed: graphLayerKeys, at: path)
            let shape = try decodeShape(try reader.required(object, "shape", at: path),
                                        at: JSONReader.member(path, "shape"), reader: reader)
            let inputsPath = JSONReader.member(path, "inputs")
            let connectionValues = try reader.array(try reader.required(object, "inputs", at: path), at: inputsPath,
                                                    of: "connections")
            if connectionValues.isEmpty { throw reader.fail(inputsPath, "is empty; a layer needs at least 1 connection") }
            var connections: [Connection] = []
            for (c, connectionValue) in connectionValues.enumerated() {
                let connectionPath = JSONReader.element(inputsPath, c)
                let connectionObject = try reader.object(connectionValue, at: connectionPath)
                let kindText = try reader.string(try reader.required(connectionObject, "kind", at: connectionPath),
                                                 at: JSONReader.member(connectionPath, "kind"),
                                                 oneOf: Connection.Kind.allCases.map(\.rawValue))
                let kind = Connection.Kind(rawValue: kindText)!
                try reader.checkKeys(connectionObject, allowed: connectionKeys(kind), at: connectionPath)
                let fromPath = JSONReader.member(connectionPath, "from")
                let fromValue = try reader.required(connectionObject, "from", at: connectionPath)
                guard case .string(let from) = fromValue else {
                    throw reader.fail(fromPath, "expected a string (\"input\" or the name of an earlier layer), "
                        + "got \(fromValue.brief)")
                }
                let source: Int
                if from == inputLayerName {
                    source = 0
                } else if let other = indexOfName[from] {
                    guard other < index else {
                        let which = other == index ? "the layer itself" : "a later layer (layers[\(other)])"
                        throw reader.fail(fromPath, "\"\(from)\" is \(which); a layer takes inputs only from "
                            + "\"input\" or earlier layers (the graph has no cycles)")
                    }
                    source = other + 1
                } else {
                    let known = ([inputLayerName] + names.prefix(index)).map { "\"\($0)\"" }.joined(separator: ", ")
                    throw reader.fail(fromPath, "\"\(from)\" names no layer (expected one of \(known))")
                }
                let sourceShape = shapes[source]
                var connection = Connection(kind: kind, source: source)
                func pair(_ key: String, _ range: ClosedRange<Int>, default value: [Int]?) throws(FormatError) -> [Int] {
                    let pairPath = JSONReader.member(connectionPath, key)
                    guard let pairValue = connectionObject[key] else {
                        if let value { return value }
                        throw reader.fail(connectionPath, "missing required key \"\(key)\" (a \(kind.rawValue) connection)")
                    }
                    let items = try reader.array(pairValue, at: pairPath, of: "2 integers")
                    if items.count != 2 { throw reader.fail(pairPath, "has \(items.count) values, expected 2 ([rows, columns])") }
                    return [try reader.integer(items[0], at: JSONReader.element(pairPath, 0), in: range),
                            try reader.integer(items[1], at: JSONReader.element(pairPath, 1), in: range)]
                }
                let weightsPath = JSONReader.member(connectionPath, "weights")
                func weightArray(_ value: JSONValue, at itemPath: String, count: Int, of what: String,
                                 _ note: String) throws(FormatError) -> [JSONValue] {
                    let items = try reader.array(value, at: itemPath, of: what)
                    if items.count != count {
                        throw reader.fail(itemPath, "has \(items.count) \(what), expected \(count) \(note)")
                    }
                    return items
                }
                func weight(_ value: JSONValue, at itemPath: String) throws(FormatError) -> Int64 {
                    try reader.integer(value, at: itemPath, in: weightRange, note: weightNote)
                }
                let layerLabel = "layer \"\(names[index])\" of shape \(shape)"
                let sourceLabel = "\"\(from)\" of shape \(sourceShape)"
                switch kind {
                case .dense:
                    let rows = try reader.array(try reader.required(connectionObject, "weights", at: connectionPath),
                                                at: weightsPath, of: "rows (one per neuron)")
                    if rows.count != shape.count {
                        throw reader.fail(weightsPath, "has \(rows.count) rows, so the dense connection makes shape "
                            + "[\(rows.count)], but the \(layerLabel) has \(shape.count) neurons")
                    }
                    connection.weights.reserveCapacity(rows.count)
                    for (o, rowValue) in rows.enumerated() {
                        let rowPath = JSONReader.element(weightsPath, o)
                        let items = try weightArray(rowValue, at: rowPath, count: sourceShape.count, of: "weights",
                                                    "(one per neuron of \(sourceLabel))")
                        var row: [Int64] = []
                        row.reserveCapacity(items.count)
                        for (i, item) in items.enumerated() { row.append(try weight(item, at: JSONReader.element(rowPath, i))) }
                        connection.weights.append(row)
                    }
                case .identity:
                    if sourceShape != shape {
                        throw reader.fail(connectionPath, "an identity connection makes shape \(sourceShape) from "
                            + "\(sourceLabel), but the \(layerLabel) differs")
                    }
                    let items = try weightArray(try reader.required(connectionObject, "weights", at: connectionPath),
                                                at: weightsPath, count: shape.channels, of: "weights",
                                                "(one per channel of \(layerLabel))")
                    var row: [Int64] = []
                    for (ch, item) in items.enumerated() { row.append(try weight(item, at: JSONReader.element(weightsPath, ch))) }
                    connection.weights = [row]
                case .conv, .pool:
                    connection.kernel = try pair("kernel", Limits.kernel, default: nil)
                    connection.stride = try pair("stride", Limits.stride, default: kind == .conv ? [1, 1] : connection.kernel)
                    connection.padding = kind == .conv ? try pair("padding", Limits.padding, default: [0, 0]) : [0, 0]
                    if kind == .pool && sourceShape.channels != shape.channels {
                        throw reader.fail(connectionPath, "a pool connection keeps the channels, but \(sourceLabel) "
                            + "has \(sourceShape.channels) and the \(layerLabel) has \(shape.channels)")
                    }
                    let probe = Connection(kind: .pool, source: source, kernel: connection.kernel,
                                           stride: connection.stride, padding: connection.padding)
                    guard var produced = probe.outputShape(from: sourceShape) else {
                        throw reader.fail(connectionPath, "a \(kind.rawValue) connection with kernel \(connection.kernel) "
                            + "and padding \(connection.padding) makes no output from \(sourceLabel) "
                            + "(the kernel is larger than the padded source); the \(layerLabel)")
                    }
                    produced.channels = shape.channels
                    if produced != shape {
                        throw reader.fail(connectionPath, "a \(kind.rawValue) connection makes shape \(produced) from "
                            + "\(sourceLabel), but the \(layerLabel)")
                    }
                    if kind == .conv {
                        let (kh, kw) = (connection.kernel[0], connection.kernel[1])
                        let outputs = try weightArray(try reader.required(connectionObject, "weights", at: connectionPath),
                                                      at: weightsPath, count: shape.channels, of: "output channels",
                                                      "(the channels of \(layerLabel))")
                        for (co, outputValue) in outputs.enumerated() {
                            let coPath = JSONReader.element(weightsPath, co)
                            let inputs = try weightArray(outputValue, at: coPath, count: sourceShape.channels,
                                                         of: "input channels", "(the channels of \(sourceLabel))")
                            var row: [Int64] = []
                            row.reserveCapacity(sourceShape.channels * kh * kw)
                            for (ci, inputValue) in inputs.enumerated() {
                                let ciPath = JSONReader.element(coPath, ci)
                                let kernelRows = try weightArray(inputValue, at: ciPath, count: kh, of: "kernel rows",
                                                                 "(kernel \(connection.kernel))")
                                for (ky, kernelRow) in kernelRows.enumerated() {
                                    let kyPath = JSONReader.element(ciPath, ky)
                                    let taps = try weightArray(kernelRow, at: kyPath, count: kw, of: "weights",
                                                               "(kernel \(connection.kernel))")
                                    for (kx, tap) in taps.enumerated() {
                                        row.append(try weight(tap, at: JSONReader.element(kyPath, kx)))
                                    }
                                }
                            }
                            connection.weights.append(row)
                        }
                    }
                }
                connections.append(connection)
            }
            var layer = Layer(name: names[index], shape: shape, inputs: connections)
            if let value = object["bias"] {
                let biasPath = JSONReader.member(path, "bias")
                let items = try reader.array(value, at: biasPath, of: "integers (one per neuron or per channel)")
                if items.count != shape.count && items.count != shape.channels {
                    throw reader.fail(biasPath, "has \(items.count) values, expected \(shape.count) (one per neuron) "
                        + "or \(shape.channels) (one per channel) for shape \(shape)")
                }
                var bias: [Int64] = []
                bias.reserveCapacity(items.count)
                for (j, item) in items.enumerated() {
                    bias.append(try reader.integer(item, at: JSONReader.element(biasPath, j), in: Limits.bias(bits: biasBits),
                                                   note: biasNote(biasBits)))
                }
                layer.bias = bias
            }
            if let value = object["biasMode"] {
                layer.biasMode = BiasMode(rawValue: try reader.string(
                    value, at: JSONReader.member(path, "biasMode"), oneOf: BiasMode.allCases.map(\.rawValue)))!
            }
            func field(_ key: String, _ range: ClosedRange<Int>, _ note: String? = nil) throws(FormatError) -> Int? {
                guard let value = object[key] else { return nil }
                return try reader.integer(value, at: JSONReader.member(path, key), in: range, note: note)
            }
            /// An integer, or an array of one integer per channel.
            func channelField(_ key: String, _ range: ClosedRange<Int>) throws(FormatError) -> (Int?, [Int]?) {
                guard let value = object[key] else { return (nil, nil) }
                let fieldPath = JSONReader.member(path, key)
                guard case .array(let items) = value else {
                    return (try reader.integer(value, at: fieldPath, in: range), nil)
                }
                if items.count != shape.channels {
                    throw reader.fail(fieldPath, "has \(items.count) values, expected \(shape.channels) "
                        + "(one per channel of shape \(shape)) or one integer")
                }
                var list: [Int] = []
                for (ch, item) in items.enumerated() {
                    list.append(try reader.integer(item, at: JSONReader.element(fieldPath, ch), in: range))
                }
                return (list.first, list)
            }
            layer.shift = try field("shift", Limits.shift) ?? 0
            let (multiplier, multipliers) = try channelField("multiplier", Limits.multiplier)
            let (postShift, postShifts) = try channelField("postShift", Limits.postShift)
            layer.multiplier = multiplier ?? 1
            layer.channelMultipliers = multipliers
            layer.postShift = postShift ?? 0
            layer.channelPostShifts = postShifts
            layer.rot = try field("rot", Limits.rot(timeSteps: timeSteps), "timeSteps \(timeSteps)") ?? 0
            layer.drlo = try field("drlo", Limits.drlo(timeSteps: timeSteps), "timeSteps \(timeSteps)") ?? 0
            layers.append(layer)
            shapes.append(shape)
        }
        var network = Network(timeSteps: timeSteps, weightBits: weightBits, accumulatorBits: accumulatorBits,
                              overflow: overflow, inputShape: inputShape, inputSigned: inputSigned, layers: layers)
        network.biasBits = biasBits
        return network
    }

    /// `[C,H,W]` or `[N]`, each at least 1, at most 2^22 neurons in all.
    static func decodeShape(_ value: JSONValue, at path: String, reader: JSONReader) throws(FormatError) -> Shape {
        let items = try reader.array(value, at: path, of: "integers ([C,H,W] or [N])")
        if items.count != 1 && items.count != 3 {
            throw reader.fail(path, "has \(items.count) values, expected 3 ([C,H,W]) or 1 ([N])")
        }
        var sizes: [Int] = []
        for (k, item) in items.enumerated() {
            sizes.append(try reader.integer(item, at: JSONReader.element(path, k), in: Limits.neurons))
        }
        let shape = sizes.count == 1 ? Shape(flat: sizes[0])
            : Shape(channels: sizes[0], height: sizes[1], width: sizes[2])
        // Each size is at most 2^22, so a running product that stays at most 2^22 cannot overflow.
        var product = 1
        for size in sizes where product <= Limits.neurons.upperBound { product *= size }
        if product > Limits.neurons.upperBound {
            throw reader.fail(path, "\(shape) has more than \(Limits.neurons.upperBound) neurons (2^22, the most a layer has)")
        }
        return shape
    }
}

extension Network {
    // MARK: - Validation

    /// Checks a graph network (version 2) against docs/formats.md: names, sources (no cycles),
    /// shapes, weight dimensions and ranges, bias and per-channel lengths, fan-in and sizes.
    func validateGraph(file: String) throws(FormatError) {
        let reader = JSONReader(file: file)
        func check(_ value: Int, _ range: ClosedRange<Int>, _ path: String, _ note: String? = nil) throws(FormatError) {
            try reader.checkRange(Int64(value), in: Int64(range.lowerBound)...Int64(range.upperBound),
                                  at: path, note: note)
        }
        func checkShape(_ shape: Shape, _ path: String) throws(FormatError) {
            try check(shape.channels, Limits.neurons, JSONReader.element(path, 0))
            try check(shape.height, Limits.neurons, JSONReader.element(path, 1))
            try check(shape.width, Limits.neurons, JSONReader.element(path, 2))
            let product = shape.channels.multipliedFullWidth(by: shape.height * shape.width)
            if product.high != 0 || product.low > UInt(Limits.neurons.upperBound) {
                throw reader.fail(path, "\(shape) has more than \(Limits.neurons.upperBound) neurons (2^22, the most a layer has)")
            }
        }
        try check(timeSteps, Limits.timeSteps, "timeSteps")
        try check(weightBits, Limits.weightBits, "weightBits")
        try check(accumulatorBits, Limits.accumulatorBits, "accumulatorBits")
        try checkShape(inputShape, "input.shape")
        if layers.isEmpty { throw reader.fail("layers", "is empty; a network needs at least 1 layer") }
        let weightRange = Limits.weight(bits: weightBits)
        let weightNote = "weightBits \(weightBits)"
        var seen: [String: Int] = [:]
        for (index, layer) in layers.enumerated() {
            let path = JSONReader.element("layers", index)
            let namePath = JSONReader.member(path, "name")
            if layer.name.isEmpty { throw reader.fail(namePath, "is empty; a layer needs a name") }
            if layer.name == Self.inputLayerName {
                throw reader.fail(namePath, "\"input\" is reserved for the input layer; choose another name")
            }
            if let earlier = seen[layer.name] {
                throw reader.fail(namePath, "\"\(layer.name)\" is already the name of layers[\(earlier)]; names are unique")
            }
            seen[layer.name] = index
            let shape = layer.shape
            try checkShape(shape, JSONReader.member(path, "shape"))
            let inputsPath = JSONReader.member(path, "inputs")
            if layer.inputs.isEmpty { throw reader.fail(inputsPath, "is empty; a layer needs at least 1 connection") }
            var fanIn = 0
            for (c, connection) in layer.inputs.enumerated() {
                let connectionPath = JSONReader.element(inputsPath, c)
                let source = self.source(of: connection, inLayer: index + 1)
                guard (0...index).contains(source) else {
                    throw reader.fail(JSONReader.member(connectionPath, "from"), "layer \(source) is not \"input\" or an "
                        + "earlier layer (0...\(index)); a layer takes inputs only from earlier layers (the graph has no cycles)")
                }
                let sourceShape = self.shape(ofLayer: source)
                let weightsPath = JSONReader.member(connectionPath, "weights")
                let label = "layer \"\(layer.name)\" of shape \(shape)"
                let sourceLabel = "\"\(layerName(source))\" of shape \(sourceShape)"
                func checkRows(_ count: Int, _ length: Int, _ what: String) throws(FormatError) {
                    if connection.weights.count != count {
                        throw reader.fail(weightsPath, "has \(connection.weights.count) rows, expected \(count) \(what)")
                    }
                    for (o, row) in connection.weights.enumerated() {
                        let rowPath = JSONReader.element(weightsPath, o)
                        if row.count != length {
                            throw reader.fail(rowPath, "has \(row.count) weights, expected \(length)")
                        }
                        for (i, w) in row.enumerated() where !weightRange.contains(w) {
                            try reader.checkRange(w, in: weightRange, at: JSONReader.element(rowPath, i), note: weightNote)
                        }
                    }
                }
                switch connection.kind {
                case .dense:
                    if shape.count != connection.weights.count {
                        throw reader.fail(connectionPath, "a dense connection with \(connection.weights.count) rows makes "
                            + "shape [\(connection.weights.count)] from \(sourceLabel), but the \(label)")
                    }
                    try checkRows(shape.count, sourceShape.count, "(one per neuron)")
                case .identity:
                    if sourceShape != shape {
                        throw reader.fail(connectionPath, "an identity connection makes shape \(sourceShape) from "
                            + "\(sourceLabel), but the \(label) differs")
                    }
                    try checkRows(1, shape.channels, "(one row of per-channel weights)")
                case .conv, .pool:
                    for (key, values, range) in [("kernel", connection.kernel, Limits.kernel),
                                                 ("stride", connection.stride, Limits.stride),
                                                 ("padding", connection.padding, Limits.padding)] {
                        let pairPath = JSONReader.member(connectionPath, key)
                        if values.count != 2 { throw reader.fail(pairPath, "has \(values.count) values, expected 2") }
                        try check(values[0], range, JSONReader.element(pairPath, 0))
                        try check(values[1], range, JSONReader.element(pairPath, 1))
                    }
                    if connection.kind == .pool {
                        if connection.padding != [0, 0] {
                            throw reader.fail(JSONReader.member(connectionPath, "padding"), "a pool connection has no padding")
                        }
                        if sourceShape.channels != shape.channels {
                            throw reader.fail(connectionPath, "a pool connection keeps the channels, but \(sourceLabel) "
                                + "has \(sourceShape.channels) and the \(label) has \(shape.channels)")
                        }
                        if !connection.weights.isEmpty {
                            throw reader.fail(weightsPath, "a pool connection has no weights (each is +1)")
                        }
                    }
                    var probe = connection
                    probe.kind = .pool
                    guard var produced = probe.outputShape(from: sourceShape) else {
                        throw reader.fail(connectionPath, "a \(connection.kind.rawValue) connection with kernel "
                            + "\(connection.kernel) and padding \(connection.padding) makes no output from \(sourceLabel)")
                    }
                    produced.channels = shape.channels
                    if produced != shape {
                        throw reader.fail(connectionPath, "a \(connection.kind.rawValue) connection makes shape \(produced) "
                            + "from \(sourceLabel), but the \(label)")
                    }
                    if connection.kind == .conv {
                        try checkRows(shape.channels, sourceShape.channels * connection.kernel[0] * connection.kernel[1],
                                      "(one per output channel)")
                    }
                }
                fanIn += connection.fanIn(from: sourceShape)
            }
            if fanIn > Limits.fanIn.upperBound {
                throw reader.fail(inputsPath, "feed each neuron up to \(fanIn) inputs; at most \(Limits.fanIn.upperBound) "
                    + "are allowed per neuron")
            }
            let biasPath = JSONReader.member(path, "bias")
            if layer.bias.count != shape.count && layer.bias.count != shape.channels {
                throw reader.fail(biasPath, "has \(layer.bias.count) values, expected \(shape.count) (one per neuron) "
                    + "or \(shape.channels) (one per channel) for shape \(shape)")
            }
            try check(layer.shift, Limits.shift, JSONReader.member(path, "shift"))
            for (key, scalar, list, range) in [("multiplier", layer.multiplier, layer.channelMultipliers, Limits.multiplier),
                                               ("postShift", layer.postShift, layer.channelPostShifts, Limits.postShift)] {
                let fieldPath = JSONReader.member(path, key)
                if let list {
                    if list.count != shape.channels {
                        throw reader.fail(fieldPath, "has \(list.count) values, expected \(shape.channels) "
                            + "(one per channel of shape \(shape)) or one integer")
                    }
                    for (ch, value) in list.enumerated() { try check(value, range, JSONReader.element(fieldPath, ch)) }
                } else {
                    try check(scalar, range, fieldPath)
                }
            }
            try check(layer.rot, Limits.rot(timeSteps: timeSteps), JSONReader.member(path, "rot"), "timeSteps \(timeSteps)")
            try check(layer.drlo, Limits.drlo(timeSteps: timeSteps), JSONReader.member(path, "drlo"), "timeSteps \(timeSteps)")
        }
        try validateBiases(reader: reader)
    }

    // MARK: - Writing

    /// The network as a version-2 document (every field written; `biasBits` only when it is not
    /// the default 32, so that files of networks without it keep their text and digests).
    var graphJSONValue: JSONValue {
        func shapeValue(_ shape: Shape) -> JSONValue {
            .array((shape.isFlat ? [shape.channels] : [shape.channels, shape.height, shape.width])
                .map { .integer(Int64($0)) })
        }
        func integers(_ values: [Int]) -> JSONValue { .array(values.map { .integer(Int64($0)) }) }
        var root = JSONObject()
        root["format"] = .string(Self.formatName)
        root["version"] = .integer(Int64(Self.graphFormatVersion))
        root["timeSteps"] = .integer(Int64(timeSteps))
        root["weightBits"] = .integer(Int64(weightBits))
        root["accumulatorBits"] = .integer(Int64(accumulatorBits))
        if biasBits != Limits.defaultBiasBits { root["biasBits"] = .integer(Int64(biasBits)) }
        root["overflow"] = .string(overflow.rawValue)
        var input = JSONObject()
        input["shape"] = shapeValue(inputShape)
        input["signed"] = .bool(inputSigned)
        root["input"] = .object(input)
        root["layers"] = .array(layers.enumerated().map { index, layer in
            var object = JSONObject()
            object["name"] = .string(layerName(index + 1))
            object["shape"] = shapeValue(layer.shape)
            object["inputs"] = .array(layer.inputs.map { connection in
                var item = JSONObject()
                item["from"] = .string(layerName(source(of: connection, inLayer: index + 1)))
                item["kind"] = .string(connection.kind.rawValue)
                switch connection.kind {
                case .dense:
                    item["weights"] = .array(connection.weights.map { .array($0.map { .integer($0) }) })
                case .identity:
                    item["weights"] = .array((connection.weights.first ?? []).map { .integer($0) })
                case .conv:
                    let (kh, kw) = (connection.kernel[0], connection.kernel[1])
                    item["kernel"] = integers(connection.kernel)
                    item["stride"] = integers(connection.stride)
                    item["padding"] = integers(connection.padding)
                    item["weights"] = .array(connection.weights.map { row in
                        .array(stride(from: 0, to: row.count, by: kh * kw).map { start in
                            .array((0..<kh).map { ky in
                                .array((0..<kw).map { kx in .integer(row[start + ky * kw + kx]) })
                            })
                        })
                    })
                case .pool:
                    item["kernel"] = integers(connection.kernel)
                    item["stride"] = integers(connection.stride)
                }
                return .object(item)
            })
            object["bias"] = .array(layer.bias.map { .integer($0) })
            object["biasMode"] = .string(layer.biasMode.rawValue)
            object["shift"] = .integer(Int64(layer.shift))
            object["multiplier"] = layer.channelMultipliers.map(integers) ?? .integer(Int64(layer.multiplier))
            object["postShift"] = layer.channelPostShifts.map(integers) ?? .integer(Int64(layer.postShift))
            object["rot"] = .integer(Int64(layer.rot))
            object["drlo"] = .integer(Int64(layer.drlo))
            return .object(object)
        })
        return .object(root)
    }
}
