#!/usr/bin/env bash
# Fuzzes the JSON reader and the validation of network and inputs files with libFuzzer
# (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer options...]
#
# Builds fuzz/json/FuzzJSONInputs.swift together with the sources of StemModel (and StemSupport)
# (swiftc -sanitize=fuzzer,address) into .build/fuzz/, seeds a working corpus from
# fuzz/json/corpus (the test fixtures and the digits example) and runs for SECONDS
# (default 30) on one core. A crash leaves crash-<sha1> in .build/fuzz/ and ends with exit
# status 1; turn it into a test (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
out=.build/fuzz
mkdir -p "$out/corpus"

support=(Sources/StemSupport/*.swift)
sources=(Sources/StemModel/*.swift Sources/StemModel/JSON/*.swift fuzz/json/FuzzJSONInputs.swift)
binary="$out/fuzz-json-inputs"
# Rebuilt when missing or older than any of its inputs (a loop, not `ls -t | head`: under
# pipefail, head closing the pipe early kills ls with SIGPIPE and the script with status 141).
stale=0
[ -x "$binary" ] || stale=1
for input in "${support[@]}" "${sources[@]}" "$0"; do
    if [ "$input" -nt "$binary" ]; then stale=1; break; fi
done
if [ $stale = 1 ]; then
    echo "== building $binary (swiftc -sanitize=fuzzer,address)"
    # StemModel imports StemSupport: build that first as a static library with its module.
    # ld.gold warns about ASan's local symbols; those warnings are harmless.
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name StemSupport \
        -emit-module -emit-module-path "$out/StemSupport.swiftmodule" -emit-library -static \
        -o "$out/libStemSupport.a" "${support[@]}"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name StemModel \
        -I "$out" "${sources[@]}" "$out/libStemSupport.a" -o "$binary" \
        2> >(grep -v "Cannot export local symbol" >&2)
fi

# The seeds: mode byte (see the target) + a fixture.
seed() {  # seed MODE NAME FILE
    { printf "\\x$(printf '%02x' "$1")"; cat "$3"; } > "$out/corpus/seed-$2"
}
for file in fuzz/json/corpus/*.json; do
    name=$(basename "$file" .json)
    case "$name" in
        network*) seed 1 "$name" "$file"; seed 0 "json-$name" "$file" ;;
        inputs*) seed 2 "$name" "$file" ;;
        *) seed 0 "$name" "$file" ;;
    esac
done
{ printf '\x03'; cat fuzz/json/corpus/network-small.json; printf '\x00'; cat fuzz/json/corpus/inputs-small.json; } \
    > "$out/corpus/seed-both-small"

echo "== fuzzing the JSON reader and network/inputs validation for ${seconds} s"
cd "$out"
./fuzz-json-inputs -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$@" corpus
