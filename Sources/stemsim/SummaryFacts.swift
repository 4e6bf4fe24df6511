import StemRTL

/// What `stemsim run`'s summary says of the engines of a run: taken from the engines after a
/// run here, or from the shard results of `--merge`.
struct SummaryFacts {
    var referenceName: String
    var deviceName: String?
    /// `4 jobs`, `4 shards`: how the samples were split (nil: not split).
    var shardNote: String?
    /// With the RTL: the mesh line and the network statistics of all shards added up.
    var meshLine: String?
    var rtlStatistics: RTLEngine.NetworkStatistics?
    /// The SystemC testbench's summary lines.
    var systemCLines: [String] = []
    /// Wall time of the run; with `timesAdded`, the shards' times added.
    var seconds: Double
    var timesAdded = false

    /// The facts of a run here on `engines`, one set per shard (one without --jobs).
    init(engines shards: [EngineSet], seconds: Double) throws {
        let engines = shards[0]
        referenceName = engines.reference.name
        deviceName = engines.device?.name
        if let rtl = engines.rtl {
            meshLine = Self.meshLine(of: rtl.mapping)
            rtlStatistics = RTLEngine.NetworkStatistics.combined(try shards.compactMap(\.rtl).map { try $0.networkStatistics() })
        }
        if let summary = engines.systemC?.summary { systemCLines = summary.lines }
        self.seconds = seconds
    }

    /// The facts of a run merged from its shards' results.
    init(shards: [RunShardFile]) {
        referenceName = shards[0].referenceName
        deviceName = shards[0].deviceName
        shardNote = "\(shards.count) shard\(shards.count == 1 ? "" : "s") merged"
        meshLine = shards[0].meshLine
        let statistics = shards.compactMap(\.rtlStatistics)
        rtlStatistics = statistics.count == shards.count ? RTLEngine.NetworkStatistics.combined(statistics) : nil
        seconds = shards.reduce(0) { $0 + $1.seconds }
        timesAdded = true
    }

    /// `mesh       2x2 tiles, 4 cores of 64 neurons x 256 axons`.
    static func meshLine(of mapping: MeshMapping) -> String {
        let relays = mapping.relayCount == 0 ? "" : " (\(mapping.relayCount) relay\(mapping.relayCount == 1 ? "" : "s"))"
        return "mesh       \(mapping.meshX)x\(mapping.meshY) tiles, \(mapping.cores.count) cores\(relays) of "
            + "\(mapping.options.numNeurons) neurons x \(mapping.options.numAxons) axons"
    }
}
