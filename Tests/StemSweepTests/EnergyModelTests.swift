import Foundation
import StemModel
import StemSupport
import Testing
@testable import StemSweep

/// The energy model: the MAC count (every synapse of every connection) against a naive count,
/// the paper's constants, and constants of the caller's choosing in the sweep's outputs.
@Suite struct EnergyModelTests {
    static let cnnFile = SweepTestSupport.root + "/examples/digits-cnn/network.json"

    /// Every (output neuron, source neuron) pair a connection joins, enumerated output neuron
    /// by output neuron and tap by tap.
    static func naiveMACs(_ network: Network) -> Int {
        var total = 0
        for (index, layer) in network.layers.enumerated() {
            let out = layer.shape
            for connection in layer.inputs {
                let input = network.shape(ofLayer: connection.source ?? index)
                switch connection.kind {
                case .dense: total += connection.weights.reduce(0) { $0 + $1.count }
                case .identity: total += out.count
                case .conv, .pool:
                    let isConv = connection.kind == .conv
                    for _ in 0..<out.channels {
                        for oy in 0..<out.height {
                            for ox in 0..<out.width {
                                for ky in 0..<connection.kernel[0] {
                                    for kx in 0..<connection.kernel[1] {
                                        let iy = oy * connection.stride[0] - (isConv ? connection.padding[0] : 0) + ky
                                        let ix = ox * connection.stride[1] - (isConv ? connection.padding[1] : 0) + kx
                                        if iy >= 0 && iy < input.height && ix >= 0 && ix < input.width {
                                            total += isConv ? input.channels : 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return total
    }

    @Test func macsCountEverySynapseOfEveryConnection() throws {
        #expect(EnergyModel.macsPerSample(SweepTestSupport.digits) == 6464)
        let cnn = try Network.load(from: Self.cnnFile)
        let macs = EnergyModel.macsPerSample(cnn)
        #expect(macs == Self.naiveMACs(cnn))
        // The conv layers dominate: far more than the dense layer's 64 x 10.
        #expect(macs > 100 * 640)
    }

    @Test func thePaperConstantsAre8BitOperations() {
        #expect(EnergyModel.paper.sopPicojoules == 0.03 && EnergyModel.paper.macPicojoules == 0.23)
        #expect(EnergyModel.paper.source.contains("8-bit integer add") && EnergyModel.paper.source.contains("8-bit integer MAC"))
        #expect(EnergyModel.paper.energyMicrojoules(sops: 1_000_000) == 0.03)
        for bad in [0, -1, .infinity, .nan, 2e6] { #expect(!EnergyModel.isValidPicojoules(bad)) }
        #expect(EnergyModel.isValidPicojoules(1e-9))
    }

    @Test func aSweepUsesAndRecordsTheConstantsItIsGiven() throws {
        let folder = try SweepTestSupport.temporaryFolder()
        defer { SweepTestSupport.remove(folder) }
        var configuration = SweepTestSupport.configuration(accBits: [20], samples: 10, scaled: [.none], folder: folder)
        configuration.energy = EnergyModel(sopPicojoules: 0.5, macPicojoules: 4)
        _ = try Sweep(configuration: configuration, hardware: nil).run()
        let row = try SweepTestSupport.csvRows(folder + "/sweep.csv")[0]
        let sops = Double(row["sops"]!)!
        #expect(abs(Double(row["snn_energy_uj"]!)! - sops * 0.5e-6) < 1e-6)
        #expect(abs(Double(row["qann_energy_uj"]!)! - Double(6464 * 10) * 4e-6) < 1e-6)
        let text = try SweepTestSupport.read(folder + "/sweep.json")
        #expect(text.contains("\"sopPicojoules\" : 0.5") && text.contains("\"macPicojoules\" : 4"))
        #expect(text.contains("--sop-pj 0.5"))
        let document = try SweepDocument(parsing: try FileIO.read(folder + "/sweep.json"), file: "sweep.json")
        #expect(document.reference.energy == configuration.energy)

        configuration.energy = EnergyModel(sopPicojoules: .nan, macPicojoules: 0.23)
        #expect(throws: SweepError.self) { try configuration.validate() }
    }
}
