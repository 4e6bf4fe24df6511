import Foundation
import StemCheck
import StemModel
import StemRTL
import StemSupport
import Testing

/// What the RTL tests share: whether Verilator is here, and the model builder (the
/// hardware sources of this build or `STEM_RTL_DIR`, the standard or `STEM_CACHE_DIR` cache).
enum RTLTestSupport {
    static let verilatorAvailable =
        ProcessRunner.findExecutable(named: "verilator", searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "") != nil

    static let verilatorMissingMessage: Comment =
        "verilator is not on PATH, so the RTL cross-checks cannot run (apt-get install verilator)"

    static func builder() throws -> ModelBuilder { try ModelBuilder() }
}

extension RTLTestSupport {
    /// Runs `inputs` of `network` on the mesh the chooser picks, in lockstep with the golden
    /// model (every spike and every neuron's state of every step), and checks that the run
    /// completes without a divergence, that golden and RTL outputs equal the quantized ANN's
    /// and that the RTL ran `(S + D) * B` steps. Returns the mapping and the number of
    /// correctly classified samples.
    @discardableResult
    static func expectLockstepOnTheChosenMesh(_ network: Network, _ inputs: InputSet,
                                              sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (mapping: MeshMapping, correct: Int) {
        let mapping = try MeshChooser().map(network)
        let rtl = try RTLEngine.make(mapping: mapping, assertions: true, builder: try builder())
        var lockstep = Lockstep(network: network, samples: inputs.samples, reference: try GoldenModel(network: network),
                                device: rtl)
        lockstep.checksState = true
        let result = try lockstep.run()
        #expect(result.firstDivergence == nil, "\(String(describing: result.firstDivergence))", sourceLocation: sourceLocation)
        #expect(result.completed && result.agrees && result.deviceOutputs == result.outputs, sourceLocation: sourceLocation)
        let qann = QuantizedANN(network: network).outputs(for: inputs.samples)
        #expect(result.outputs == qann, "golden/RTL outputs equal the quantized ANN's for every sample",
                sourceLocation: sourceLocation)
        #expect(try rtl.networkStatistics().steps == (inputs.samples.count + network.stageCount) * network.timeSteps,
                sourceLocation: sourceLocation)
        let correct = zip(result.predictions, inputs.labels ?? []).filter { $0 == $1 }.count
        return (mapping, correct)
    }
}
