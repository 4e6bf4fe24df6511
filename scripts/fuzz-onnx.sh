#!/usr/bin/env bash
# Fuzzes the ONNX importer (protobuf parsing, the graph walk) and the .npy reader with
# libFuzzer (docs/import.md, docs/fuzzing.md).
#
#   scripts/fuzz-onnx.sh [SECONDS] [libFuzzer options...]
#
# Builds StemSupport, StemModel and SwiftProtobuf (from the resolved checkout in
# .build/checkouts) as static libraries, then fuzz/onnx/FuzzONNXImport.swift together with the
# sources of StemONNX (swiftc -sanitize=fuzzer,address) into .build/fuzz-onnx/, seeds a corpus
# from examples/onnx (mode byte 0: the models, 1: the .npy files) and runs for SECONDS
# (default 30) on one core. A crash leaves crash-<sha1> in .build/fuzz-onnx/ and ends with
# exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
out=.build/fuzz-onnx
mkdir -p "$out/corpus"
[ -d .build/checkouts/swift-protobuf ] || swift package resolve

flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I "$out")
library() {  # library MODULE SOURCES...
    local module=$1
    shift
    echo "== building $out/lib$module.a"
    # SwiftProtobuf uses the `package` access level: one package name for all its files.
    swiftc "${flags[@]}" -package-name "$module" -module-name "$module" -emit-module -emit-module-path "$out/$module.swiftmodule" \
        -emit-library -static -o "$out/lib$module.a" "$@"
}
support=(Sources/StemSupport/*.swift)
model=(Sources/StemModel/*.swift Sources/StemModel/JSON/*.swift)
protobuf=(.build/checkouts/swift-protobuf/Sources/SwiftProtobuf/*.swift)
sources=(Sources/StemONNX/*.swift fuzz/onnx/FuzzONNXImport.swift)
binary="$out/fuzz-onnx-import"
newest=$(ls -t "${support[@]}" "${model[@]}" "${sources[@]}" "$0" | head -1)
if [ ! -x "$binary" ] || [ "$newest" -nt "$binary" ]; then
    [ -f "$out/libSwiftProtobuf.a" ] || library SwiftProtobuf "${protobuf[@]}"
    library StemSupport "${support[@]}"
    library StemModel "${model[@]}" "$out/libStemSupport.a"
    echo "== building $binary"
    # ld.gold warns about ASan's local symbols; those warnings are harmless.
    swiftc "${flags[@]}" -module-name StemONNX "${sources[@]}" \
        "$out/libStemModel.a" "$out/libStemSupport.a" "$out/libSwiftProtobuf.a" -o "$binary" \
        2> >(grep -v "Cannot export local symbol" >&2)
fi

for file in examples/onnx/*.onnx; do
    { printf '\x00'; cat "$file"; } > "$out/corpus/seed-$(basename "$file")"
done
for file in examples/onnx/tiny-gap-*.npy examples/onnx/digits-*-y.npy; do
    { printf '\x01'; cat "$file"; } > "$out/corpus/seed-$(basename "$file")"
done

echo "== fuzzing the ONNX importer and the .npy reader for ${seconds} s"
cd "$out"
./fuzz-onnx-import -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$@" corpus
