#!/usr/bin/env bash
# Regenerates Sources/StemONNX/ONNXSubset.pb.swift from Sources/StemONNX/onnx-subset.proto.
#
# A manual step (the normal build and CI never run protoc): run it after editing the schema
# and commit both files. Needs `protoc` (Debian: apt-get install protobuf-compiler) and
# swift-protobuf's `protoc-gen-swift` of the version Package.swift depends on (1.39.0). By
# default the plugin is built in a scratch package under $TMPDIR; set PROTOC_GEN_SWIFT to an
# existing plugin to skip that.
set -euo pipefail
cd "$(dirname "$0")/.."

PROTOBUF_VERSION=1.39.0
command -v protoc >/dev/null || { echo "generate-onnx-proto.sh: protoc not found (Debian: apt-get install protobuf-compiler)" >&2; exit 3; }

plugin="${PROTOC_GEN_SWIFT:-}"
if [ -z "$plugin" ]; then
    scratch="${TMPDIR:-/tmp}/stem-protoc-gen-swift-$PROTOBUF_VERSION"
    mkdir -p "$scratch/Sources/Placeholder"
    cat > "$scratch/Package.swift" <<PKG
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "protoc-gen-swift-build",
    dependencies: [.package(url: "https://github.com/apple/swift-protobuf", exact: "$PROTOBUF_VERSION")],
    targets: [.target(name: "Placeholder")])
PKG
    echo "public let placeholder = 0" > "$scratch/Sources/Placeholder/Placeholder.swift"
    (cd "$scratch" && swift build --product protoc-gen-swift >&2)
    plugin="$(cd "$scratch" && swift build --show-bin-path)/protoc-gen-swift"
fi
[ -x "$plugin" ] || { echo "generate-onnx-proto.sh: $plugin is not an executable" >&2; exit 3; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" --swift_out="$out" --swift_opt=Visibility=Internal \
    --proto_path=Sources/StemONNX Sources/StemONNX/onnx-subset.proto
mv "$out/onnx-subset.pb.swift" Sources/StemONNX/ONNXSubset.pb.swift
echo "wrote Sources/StemONNX/ONNXSubset.pb.swift (protoc $(protoc --version | cut -d' ' -f2), protoc-gen-swift $PROTOBUF_VERSION)"
