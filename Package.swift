// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "stem-cosim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "stemsim", targets: ["stemsim"]),
        .library(name: "StemSupport", targets: ["StemSupport"]),
        .library(name: "StemModel", targets: ["StemModel"]),
        .library(name: "StemRTL", targets: ["StemRTL"]),
        .library(name: "StemCheck", targets: ["StemCheck"]),
        .library(name: "StemONNX", targets: ["StemONNX"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The SwiftProtobuf runtime only: the ONNX schema code is generated once and committed
        // (scripts/generate-onnx-proto.sh); no protoc or plugin in the build.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // What every module shares and nothing STEM-specific: the atomic file writer, the
        // process runner, SHA-256, locks, decimal text, the POSIX calls (Syscalls.swift).
        .target(name: "StemSupport"),
        // The STEM semantics, the network/input formats and the golden model.
        .target(name: "StemModel", dependencies: ["StemSupport"]),
        // The C ABI between Swift and a Verilated model (header only; the C++ behind it
        // is compiled by ModelBuilder together with the Verilated RTL, never by SwiftPM).
        .systemLibrary(name: "CStemShim", path: "Sources/CStemShim"),
        // Building, caching and loading Verilated models; mapping networks onto the mesh.
        .target(name: "StemRTL", dependencies: ["StemSupport", "StemModel", "StemCheck", "CStemShim"],
                plugins: ["EmbedHardwareSources"]),
        // The engine protocol and the lockstep cross-check.
        .target(name: "StemCheck", dependencies: ["StemModel"]),
        // Waveform writers (golden VCD, comparison trace, viewer save files).
        .target(name: "StemTrace", dependencies: ["StemSupport", "StemModel"]),
        // Design-space sweeps.
        .target(name: "StemSweep", dependencies: ["StemSupport", "StemModel", "StemRTL", "StemCheck"]),
        // Importing quantized (QDQ) ONNX models as version-2 networks (docs/import.md).
        .target(name: "StemONNX",
                dependencies: ["StemSupport", "StemModel", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["onnx-subset.proto"]),
        // The plain C loop `stemsim bench` compares the golden model with.
        .target(name: "CStemBench"),
        .executableTarget(
            name: "stemsim",
            dependencies: [
                "StemSupport", "StemModel", "StemRTL", "StemCheck", "StemTrace", "StemSweep", "StemONNX", "CStemBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Embeds rtl/, the shim and the SystemC testbench into StemRTL at build time, and
        // generates StemRTL's HardwareInterface constants.
        .executableTarget(name: "embed-sources", path: "Plugins/EmbedSourcesTool"),
        // Generates the hardware interface files from rtl/stem_interface.json
        // (`swift run stem-interface write` rewrites the committed ones).
        .executableTarget(name: "stem-interface", path: "Plugins/InterfaceTool"),
        .plugin(name: "EmbedHardwareSources", capability: .buildTool(),
                dependencies: ["embed-sources", "stem-interface"], path: "Plugins/EmbedHardwareSources"),

        .testTarget(name: "StemSupportTests", dependencies: ["StemSupport"]),
        .testTarget(name: "StemModelTests", dependencies: ["StemModel", "StemSupport"]),
        .testTarget(name: "StemRTLTests", dependencies: ["StemRTL", "StemModel", "StemCheck", "StemSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "StemCheckTests", dependencies: ["StemCheck", "StemModel", "StemRTL", "StemSupport", "StemONNX"]),
        .testTarget(name: "StemTraceTests", dependencies: ["StemTrace", "StemModel"]),
        .testTarget(name: "StemSweepTests", dependencies: ["StemSweep", "StemModel", "StemRTL", "StemCheck", "StemSupport"]),
        .testTarget(name: "StemONNXTests", dependencies: ["StemONNX", "StemModel", "StemSupport"]),
        .testTarget(name: "stemsimTests", dependencies: ["StemModel", "StemRTL", "StemTrace", "StemSupport"]),
    ]
)
