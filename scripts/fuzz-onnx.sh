#!/usr/bin/env bash
# Fuzzes the ONNX importer (protobuf parsing, the graph walk) and the .npy reader with
# libFuzzer (docs/import.md, docs/fuzzing.md).
#
#   scripts/fuzz-onnx.sh [SECONDS] [libFuzzer options...]
#
# Builds fuzz/onnx/FuzzONNXImport.swift together with the sources of StemONNX (swiftc
# -sanitize=fuzzer,address: the importer is instrumented) into .build/fuzz-onnx/, linked
# against the objects `swift build` already made of StemSupport, StemModel and SwiftProtobuf
# (.build/debug; built first when missing, not instrumented: their own fuzzing is
# scripts/fuzz.sh's and swift-protobuf's). That keeps the build to a minute, so CI can run it.
# Seeds a corpus from examples/onnx (mode byte 0: the models, 1: the .npy files) and runs for
# SECONDS (default 30) on one core. A crash leaves crash-<sha1> in .build/fuzz-onnx/ and ends
# with exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
out=.build/fuzz-onnx
mkdir -p "$out/corpus"
[ -d .build/checkouts/swift-protobuf ] || swift package resolve

debug=.build/debug
dependencies=(StemSupport StemModel SwiftProtobuf)
for module in "${dependencies[@]}"; do
    if [ ! -f "$debug/Modules/$module.swiftmodule" ] || ! ls "$debug/$module.build/"*.o >/dev/null 2>&1; then
        echo "== swift build --target $module"
        swift build --target "$module"
    fi
done
sources=(Sources/StemONNX/*.swift fuzz/onnx/FuzzONNXImport.swift)
binary="$out/fuzz-onnx-import"
objects=()
for module in "${dependencies[@]}"; do objects+=("$debug/$module.build/"*.o); done
# Rebuilt when missing or older than any of its inputs (a loop, not `ls -t | head`: under
# pipefail, head closing the pipe early kills ls with SIGPIPE and the script with status 141).
stale=0
[ -x "$binary" ] || stale=1
for input in "${sources[@]}" "${objects[@]}" "$0"; do
    if [ "$input" -nt "$binary" ]; then stale=1; break; fi
done
if [ $stale = 1 ]; then
    echo "== building $binary (swiftc -sanitize=fuzzer,address)"
    # ld.gold warns about ASan's local symbols; those warnings are harmless.
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -I "$debug/Modules" -module-name StemONNX \
        "${sources[@]}" "${objects[@]}" -o "$binary" 2> >(grep -v "Cannot export local symbol" >&2)
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
