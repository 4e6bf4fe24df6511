import Foundation
import Testing
@testable import StemRTL

/// The real stem_mesh and stem_noc built from the current hardware sources (embedded, or
/// `STEM_RTL_DIR`) into the standard cache, so every later run finds them there.
@Suite(.serialized,
       .enabled(if: ToyModel.verilatorAvailable, ToyModel.verilatorMissingMessage),
       .enabled(if: RealHardware.has(.mesh), "the hardware sources have no stem_mesh shim yet"))
struct RealHardwareTests {
    @Test func meshBuildsLoadsAndReportsItsParameters() throws {
        let parameters = ModelParameters()
        let library = try ModelBuilder().load(parameters)
        let model = try MeshModel(library: library)
        #expect(try model.parameters() == parameters)
        try model.start()
        let result = try model.step()
        #expect(result.step == 0 && result.spikes.isEmpty)
        #expect(try model.counters().steps == 1)
    }

    @Test(.enabled(if: RealHardware.has(.noc), "the hardware sources have no stem_noc shim yet"))
    func nocBuildsAndLoads() throws {
        let library = try ModelBuilder().load(ModelParameters(top: .noc))
        let noc = try NocModel(library: library)
        let p = try noc.rawParameters()
        #expect(p.mesh_x == 2 && p.mesh_y == 2 && p.fifo_depth == 4)
    }
}

enum RealHardware {
    /// Whether the current hardware sources hold the shim of `top`.
    static func has(_ top: ModelParameters.Top) -> Bool {
        guard let sources = try? HardwareSources.current() else { return false }
        return (HardwareLayout.standard.shimFiles[top] ?? []).allSatisfy { sources.file(atPath: $0) != nil }
    }
}
