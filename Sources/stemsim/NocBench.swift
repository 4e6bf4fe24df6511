import ArgumentParser
import StemRTL

/// `stemsim noc-bench`: latency and accepted throughput of the bare mesh NoC against offered
/// load, beside the textbook bounds for XY routing.
struct NocBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noc-bench",
        abstract: "Measure the mesh NoC: latency and accepted throughput against offered load.",
        discussion: """
            Every node is a Bernoulli source at the offered rate (flits per node per cycle) with an \
            unbounded source queue; every local port is a sink. Latency counts from the flit's \
            creation (source queueing included); network latency from entering the first router to \
            leaving the last. A scoreboard checks that every flit arrives exactly once, at its \
            destination, in order per source/destination pair. The model is the Verilated \
            rtl/stem_noc.sv (built once per mesh size, cached).
            """)

    @Option(help: ArgumentHelp("Mesh size, each side \(OptionBounds.meshSide.range), at least 2 nodes (default: \(Self.defaultMesh)).",
                               valueName: "XxY"),
            transform: MeshSize.parse)
    var mesh = Self.defaultMesh

    static let defaultMesh = MeshSize(x: 4, y: 4)

    @Option(help: ArgumentHelp("Offered loads to measure, comma-separated, each in (0, 1] (default: 12 points up to 1.2x the saturation bound).",
                               valueName: "R,R,..."))
    var rate: String?

    @Option(help: "Traffic pattern: uniform (destinations uniform over the other tiles), transpose ((x, y) sends to (y, x)) or hotspot (half the flits to the middle tile).")
    var pattern: TrafficPattern = .uniform

    @Option(help: OptionBounds.fifoDepth.help("Router input FIFO depth (FifoDepth)"), transform: OptionBounds.fifoDepth.parse)
    var fifoDepth = OptionBounds.fifoDepth.defaultValue

    @Option(help: OptionBounds.warmup.help("Cycles before measuring"), transform: OptionBounds.warmup.parse)
    var warmup = OptionBounds.warmup.defaultValue

    @Option(help: OptionBounds.measure.help("Cycles whose flits are measured"), transform: OptionBounds.measure.parse)
    var measure = OptionBounds.measure.defaultValue

    @Option(help: OptionBounds.backpressure.help("Probability (per mille) that a sink is not ready in a cycle", valueName: "permille"),
            transform: OptionBounds.backpressure.parse)
    var backpressure = OptionBounds.backpressure.defaultValue

    @Option(help: "Seed of the traffic and backpressure.")
    var seed: UInt64 = 1

    func validate() throws {
        // Each side is already in 1...16 (MeshSize.parse), so the product cannot overflow.
        guard mesh.x * mesh.y >= 2 else {
            throw ValidationError("--mesh \(mesh): a NoC needs at least 2 nodes")
        }
        _ = try rates()
    }

    /// The offered loads to run.
    func rates() throws -> [Double] {
        guard let rate else {
            let bound = Self.saturationBound(x: mesh.x, y: mesh.y)
            return (1...12).map { min(1.0, bound * Double($0) / 10) }.reduce(into: [Double]()) { list, r in
                if list.last != r { list.append(r) }
            }
        }
        let items = rate.split(separator: ",", omittingEmptySubsequences: false)
        try OptionBounds.rates.check(items.count)
        return try items.map { text in
            guard let r = Double(text.trimmingCharacters(in: .whitespaces)), r > 0, r <= 1 else {
                throw ValidationError("--rate: '\(text)' is not a load in (0, 1] flits per node per cycle")
            }
            return r
        }
    }

    func run() throws {
        let parameters = ModelParameters(top: .noc, meshX: mesh.x, meshY: mesh.y, fifoDepth: fifoDepth)
        let library = try ModelBuilder().load(parameters, progress: { printToStandardError("stemsim: \($0)\n") })
        let noc = try NocModel(library: library)
        let k = Double(mesh.x)
        let hops = Self.meanHops(x: mesh.x, y: mesh.y)
        print("mesh \(mesh.x)x\(mesh.y), XY routing, FIFO depth \(fifoDepth), pattern \(pattern), "
            + "\(warmup) warm-up + \(measure) measured cycles, sink backpressure \(backpressure)/1000")
        if pattern == .uniform {
            let bound = Self.saturationBound(x: mesh.x, y: mesh.y)
            let textbook = mesh.x == mesh.y && mesh.x % 2 == 0 ? "4/K = \(Self.format(4 / k, 3)), " : ""
            print("theory   saturation (uniform, XY): the busiest channel's load bounds it at \(textbook)"
                + "\(Self.format(Self.channelBound(x: mesh.x, y: mesh.y), 3)) when no node sends to itself, "
                + "capped by the ejection port at 1: \(Self.format(bound, 3)) flits/node/cycle")
            print("theory   zero-load network latency = (H + 1) x 1 cycle per router, H = mean hops = "
                + "\(Self.format(hops, 3)) (2K/3 on a KxK mesh): \(Self.format(hops + 1, 2)) cycles")
        }
        print("")
        print("offered  accepted  latency  network  max   scoreboard")
        var results: [(Double, NocModel.Result)] = []
        for r in try rates() {
            let result = try noc.run(NocModel.Run(
                pattern: pattern.model, rate: r, warmupCycles: UInt64(warmup), measureCycles: UInt64(measure),
                drainCycles: UInt64(max(20 * measure, 50_000)), sinkBackpressurePermille: UInt32(backpressure), seed: seed))
            results.append((r, result))
            let board = result.isClean ? "clean"
                : "misrouted \(result.misrouted) duplicated \(result.duplicated) reordered \(result.reordered) lost \(result.lost)"
            print(Self.pad(Self.format(r, 3), 9) + Self.pad(Self.format(result.acceptedRate, 3), 10)
                + Self.pad(Self.format(result.meanLatency, 1), 9) + Self.pad(Self.format(result.meanNetworkLatency, 1), 9)
                + Self.pad("\(result.maxLatency)", 6) + board)
        }
        print("")
        if let (_, first) = results.first {
            print("measured zero-load network latency (lowest load): \(Self.format(first.meanNetworkLatency, 2)) cycles")
        }
        let peak = results.map { $0.1.acceptedRate }.max() ?? 0
        if let knee = results.first(where: { $0.1.acceptedRate < 0.95 * $0.0 }) {
            print("measured saturation: accepted throughput peaks at \(Self.format(peak, 3)) flits/node/cycle; "
                + "the network stops keeping up (accepted < 95% of offered) at an offered load of \(Self.format(knee.0, 3))")
        } else {
            print("measured saturation: not reached up to an offered load of \(Self.format(results.last?.0 ?? 0, 3)) "
                + "(accepted \(Self.format(peak, 3)))")
        }
        if results.contains(where: { !$0.1.isClean }) {
            throw CommandFailure(.mismatch, "the NoC scoreboard found misrouted, duplicated, reordered or lost flits")
        }
    }

    /// Uniform random traffic under XY routing: the busiest channel crosses the bisection; its
    /// load per unit of injection rate bounds throughput (4/K for an even KxK mesh), and no node
    /// can eject more than one flit per cycle.
    static func saturationBound(x: Int, y: Int) -> Double {
        min(1.0, channelBound(x: x, y: y))
    }

    /// The injection rate at which the busiest channel of an X x Y mesh under uniform traffic
    /// (destinations uniform over the other nodes) carries one flit per cycle: for an even KxK
    /// mesh the links crossing the middle carry K^3 / (4 (K^2 - 1)) flits per unit rate (K/4
    /// when nodes may send to themselves, the textbook's 4/K bound).
    static func channelBound(x: Int, y: Int) -> Double {
        // Load on the x link between columns c and c+1 in one row, per unit rate: each of the
        // Y*(c+1) nodes left of it sends (X-c-1)*Y / (N-1) of its flits across, spread over the
        // Y rows' links; the same right to left. The largest over c and the y links bounds.
        let n = Double(x * y)
        func xLoad(_ c: Int) -> Double { Double(c + 1) * Double(x - c - 1) * Double(y) / (n - 1) }
        func yLoad(_ c: Int) -> Double { Double(c + 1) * Double(y - c - 1) * Double(x) / (n - 1) }
        let worst = max((0..<max(1, x - 1)).map(xLoad).max() ?? 0, (0..<max(1, y - 1)).map(yLoad).max() ?? 0)
        return worst > 0 ? 1 / worst : 1
    }

    /// The mean Manhattan distance between two distinct nodes of an X x Y mesh.
    static func meanHops(x: Int, y: Int) -> Double {
        func meanDistance(_ k: Int) -> Double { Double(k * k - 1) / Double(3 * k) }  // over all pairs, self included
        let n = Double(x * y)
        return (meanDistance(x) + meanDistance(y)) * n / (n - 1)
    }

    static func format(_ value: Double, _ digits: Int) -> String { Run.fixed(value, digits) }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}

/// The traffic patterns `--pattern` names (``NocModel/Pattern`` by name, not by its C value).
enum TrafficPattern: String, CaseIterable, ExpressibleByArgument {
    case uniform, transpose, hotspot

    /// The pattern of the NoC model.
    var model: NocModel.Pattern {
        switch self {
        case .uniform: .uniform
        case .transpose: .transpose
        case .hotspot: .hotspot
        }
    }
}
