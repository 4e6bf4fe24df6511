import Foundation
import StemCheck
import StemModel
import Testing
@testable import StemRTL

/// The RTL's simulation assertions (Verilator --assert builds, ModelParameters.assertions): a
/// configuration the RTL forbids (a post shift n of 63; the mapper writes 0...62) is planted
/// through the debug port, and a model built with assertions stops at the first cycle that
/// uses it, naming the instance, the time and the assertion; one built without them runs on.
@Suite(.serialized) struct RTLAssertionTests {
    static let options = MeshOptions(numNeurons: 3, numAxons: 12, maxFanout: 3, meshSize: (3, 2))

    static func mapping() throws -> MeshMapping {
        var options = RandomNetworkOptions(layerSizes: [12, 7, 5, 3])
        options.timeSteps = 4
        options.biasMode = nil
        return try Mapper(options: Self.options).map(Network.random(options, seed: 7))
    }

    /// Configures `model` through the debug port, with post shift 63 written to the first core
    /// when `planted`, starts it and runs every step of one sample; returns the first error.
    static func run(_ model: MeshModel, _ mapping: MeshMapping, planted: Bool) throws -> ShimError? {
        try model.reset()
        let image = mapping.configuration(sampleCount: 1)
        var tiles = image.writes.map { UInt32($0.tile) }
        var addresses = image.writes.map(\.address.rawValue)
        var data = image.writes.map(\.data)
        if planted {
            tiles.append(UInt32(mapping.cores[0].tile))
            addresses.append(TileAddress.register(.postShift).rawValue)
            data.append(63)
        }
        try model.configureBackdoor(tiles: tiles, addresses: addresses, data: data)
        try model.start()
        let network = mapping.network
        let sample = InputSet.random(for: network, count: 1, seed: 8).samples
        let stimulus = InputStimulus(network: network, samples: sample)
        var input: [Int32] = []
        for tau in 0..<network.stepCount(samples: 1) {
            stimulus.spikes(atStep: tau, into: &input)
            let flits = input.flatMap { mapping.inputFlits(input: Int($0)).map(\.bits) }
            do {
                _ = try model.step(hostFlits: flits)
            } catch {
                return error
            }
        }
        return nil
    }

    @Test(.enabled(if: ToyModel.verilatorAvailable, ToyModel.verilatorMissingMessage))
    func aFailedAssertionStopsTheModelWithInstanceTimeAndMessage() throws {
        let mapping = try Self.mapping()
        let library = try ModelBuilder().load(mapping.modelParameters(assertions: true))
        let model = try MeshModel(library: library)
        #expect(try Self.run(model, mapping, planted: false) == nil, "the mapper's own configuration passes every assertion")

        let error = try #require(try Self.run(model, mapping, planted: true))
        #expect(error.status == .assertion, "\(error)")
        let message = error.message
        #expect(message.hasPrefix("step "), "\(message)")
        #expect(message.contains("RTL assertion failed in mesh cycle "), "\(message)")
        #expect(message.contains("%Error: stem_core.sv:"), "the file and line: \(message)")
        #expect(message.contains("Assertion failed in TOP.stem_mesh."), "the instance: \(message)")
        #expect(message.contains("stem_core: post shift n = 63 of neuron"), "the assertion's text: \(message)")
        #expect(message.range(of: #"\[[0-9]+\] %Error"#, options: .regularExpression) != nil, "the time: \(message)")
        #expect(!message.contains("Verilog $stop"), "\(message)")

        // The model refuses to go on until reset; after reset it runs again.
        #expect(throws: ShimError.self) { _ = try model.step(hostFlits: []) }
        do {
            _ = try model.step(hostFlits: [])
        } catch {
            #expect(error.status == .assertion && error.message.contains("reset() it"), "\(error)")
        }
        #expect(try Self.run(model, mapping, planted: false) == nil, "reset clears the failure")
    }

    /// The same planted configuration on a library built without assertions runs to the end:
    /// the checks are compiled in by the option, and only by it.
    @Test(.enabled(if: ToyModel.verilatorAvailable, ToyModel.verilatorMissingMessage))
    func withoutAssertionsThePlantedConfigurationRunsOn() throws {
        let mapping = try Self.mapping()
        let model = try MeshModel(library: try ModelBuilder().load(mapping.modelParameters()))
        #expect(try Self.run(model, mapping, planted: true) == nil)
    }

    @Test func theOptionIsPartOfTheBuildAndItsKey() throws {
        let mapping = try Self.mapping()
        let plain = mapping.modelParameters(), checked = mapping.modelParameters(assertions: true)
        #expect(plain != checked)
        #expect(checked.description.hasSuffix(" assertions") && checked.summary.hasSuffix(" assertions"))
        let builder = try ModelBuilder()
        #expect(try builder.verilatorArguments(for: checked, jobs: 1).contains("--assert"))
        #expect(try !builder.verilatorArguments(for: plain, jobs: 1).contains("--assert"))
        let toolchain = Toolchain(verilatorPath: "/usr/bin/verilator", verilatorVersion: "v", compilerVersion: "c")
        #expect(try builder.cacheKey(for: plain, toolchain: toolchain) != builder.cacheKey(for: checked, toolchain: toolchain))
    }
}
