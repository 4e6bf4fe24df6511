import StemModel
import StemSupport

/// Reads a spike record (JSON Lines, as `stemsim run --spikes` and the SystemC testbench write
/// it; docs/formats.md) back into per-step, per-layer spikes, checking every line against the
/// network: consecutive steps from 0, layers `0...L`, neurons inside their layer, sorted by
/// layer then neuron, no duplicates.
public enum SpikeRecordReader {
    /// The record of `path`: `result[t][l]` holds the neurons of layer `l` spiking in step `t`.
    /// - Parameter steps: the number of lines the record must have.
    /// - Throws: ``FormatError`` naming the file, the line and what is wrong.
    public static func read(_ path: String, network: Network, steps: Int) throws(FormatError) -> [[[Int32]]] {
        let bytes = try FileIO.read(path)
        var result: [[[Int32]]] = []
        result.reserveCapacity(steps)
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            lineNumber += 1
            let line = Array(bytes[lineStart..<end])
            lineStart = end + 1
            let place = "\(path):\(lineNumber)"
            guard result.count < steps else {
                throw FormatError(file: path, location: .position(line: lineNumber, column: 1),
                                  message: "more than the \(steps) steps of the run")
            }
            result.append(try parseLine(line, file: place, network: network, step: result.count))
        }
        guard result.count == steps else {
            throw FormatError(file: path, location: .file, message: "\(result.count) steps, expected \(steps)")
        }
        return result
    }

    /// One line: `{"t":step,"spikes":[[l,n],...]}`.
    static func parseLine(_ line: [UInt8], file: String, network: Network, step: Int) throws(FormatError) -> [[Int32]] {
        let json = try JSONParser.parse(line, file: file)
        guard case .object(let object) = json, object.count == 2 else {
            throw FormatError(file: file, path: "", "expected an object with \"t\" and \"spikes\"")
        }
        guard case .integer(let t)? = object["t"], t == Int64(step) else {
            throw FormatError(file: file, path: "t", "expected step \(step)")
        }
        guard case .array(let pairs)? = object["spikes"] else {
            throw FormatError(file: file, path: "spikes", "expected an array of [layer, neuron] pairs")
        }
        var layers = [[Int32]](repeating: [], count: network.depth + 1)
        var previous: (Int64, Int64) = (-1, -1)
        for (k, pair) in pairs.enumerated() {
            guard case .array(let items) = pair, items.count == 2,
                  case .integer(let layer) = items[0], case .integer(let neuron) = items[1] else {
                throw FormatError(file: file, path: "spikes[\(k)]", "expected [layer, neuron]")
            }
            guard (0...Int64(network.depth)).contains(layer),
                  (0..<Int64(network.width(ofLayer: Int(layer)))).contains(neuron) else {
                throw FormatError(file: file, path: "spikes[\(k)]", "[\(layer), \(neuron)] is not a neuron of the network")
            }
            guard (layer, neuron) > previous else {
                throw FormatError(file: file, path: "spikes[\(k)]", "[\(layer), \(neuron)] is out of order or repeated")
            }
            previous = (layer, neuron)
            layers[Int(layer)].append(Int32(neuron))
        }
        return layers
    }
}
