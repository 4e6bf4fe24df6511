import Foundation
import Testing
@testable import StemRTL
import StemModel

@Suite struct ModelParametersTests {
    @Test func defaultsFollowTheHardwareInterface() throws {
        let p = ModelParameters()
        #expect(p.verilatorParameters.map { "\($0.name)=\($0.value)" } == [
            "TimeSteps=8", "WeightBits=8", "AccBits=16", "Saturate=0", "NumNeurons=64",
            "NumAxons=64", "BiasBits=32", "MaxFanout=4", "MeshX=2", "MeshY=2", "FifoDepth=4",
        ])
        #expect(p.top == .mesh && p.trace == .none)
        try p.validate()
        #expect(p.summary == "stem_mesh (defaults)")
        #expect(ModelParameters(accBits: 24, saturate: true, trace: .vcd).summary == "stem_mesh AccBits=24 Saturate=1 trace=vcd")
    }

    @Test func nocTopTakesOnlyMeshAndFifoParameters() {
        let p = ModelParameters(top: .noc, accBits: 30, meshX: 4, meshY: 3, fifoDepth: 8)
        #expect(p.verilatorParameters.map(\.name) == ["MeshX", "MeshY", "FifoDepth"])
        #expect(p.normalized == ModelParameters(top: .noc, meshX: 4, meshY: 3, fifoDepth: 8))
        #expect(p.description == "stem_noc MeshX=4 MeshY=3 FifoDepth=8")
        #expect(p.summary == "stem_noc MeshX=4 MeshY=3 FifoDepth=8")
    }

    @Test(arguments: [
        (ModelParameters(accBits: 49), "AccBits = 49", "2...48"),
        (ModelParameters(accBits: 1), "AccBits = 1", "2...48"),
        (ModelParameters(timeSteps: 17), "TimeSteps = 17", "2...16"),
        (ModelParameters(weightBits: 0), "WeightBits = 0", "2...16"),
        (ModelParameters(numNeurons: 0), "NumNeurons = 0", "1...65536"),
        (ModelParameters(meshX: 17), "MeshX = 17", "1...16"),
        (ModelParameters(top: .noc, meshY: 0), "MeshY = 0", "1...16"),
        (ModelParameters(fifoDepth: 1), "FifoDepth = 1", "2...64"),
        (ModelParameters(biasBits: 33), "BiasBits = 33", "2...32"),
        (ModelParameters(biasBits: 1), "BiasBits = 1", "2...32"),
        (ModelParameters(numNeurons: 1024, numAxons: 1024), "NumAxons * NumNeurons", "262144"),
    ])
    func outOfRangeIsRejected(parameters: ModelParameters, named: String, allowed: String) {
        #expect {
            try parameters.validate()
        } throws: { error in
            let text = "\(error)"
            return text.contains(named) && text.contains(allowed)
        }
    }

    /// A network's `biasBits` is the `BiasBits` of the model it runs on (a separate build).
    @Test func theMappedModelCarriesTheNetworksBiasBits() throws {
        var network = Network(timeSteps: 8, weightBits: 8, accumulatorBits: 16, inputSize: 3,
                              layers: [Layer(weights: [[1, 2, 3], [4, 5, 6]], bias: [-32768, 32767])])
        network.biasBits = 16
        let narrow = try Mapper().map(network).modelParameters()
        #expect(narrow.biasBits == 16 && narrow.summary.contains(" BiasBits=16"))
        network.biasBits = 32
        let wide = try Mapper().map(network).modelParameters()
        #expect(wide.biasBits == 32 && wide != narrow)
        var parameters = ModelParameters()
        try parameters.apply(["BiasBits=12"])
        #expect(parameters.biasBits == 12)
    }

    @Test func nocIgnoresMeshOnlyParameters() throws {
        try ModelParameters(top: .noc, accBits: 99).validate()
    }

    @Test func decodesWithDefaultsAndRoundTrips() throws {
        let json = #"{"top": "mesh", "accBits": 20, "saturate": true, "trace": "fst"}"#
        let p = try JSONDecoder().decode(ModelParameters.self, from: Data(json.utf8))
        #expect(p == ModelParameters(accBits: 20, saturate: true, trace: .fst))
        let again = try JSONDecoder().decode(ModelParameters.self, from: JSONEncoder().encode(p))
        #expect(again == p)
    }
}
