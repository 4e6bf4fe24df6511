#!/usr/bin/env bash
# Coverage of the RTL (docs/verification.md, "Coverage"): builds coverage libraries of the
# model (ModelParameters.coverage: Verilator --coverage-line --coverage-toggle --coverage-user,
# through `stemsim cache build --coverage`, so they are cached by content like every build),
# runs on them
#   - the C++ testbench tb_stem: the directed tests and the random cross-check against the
#     C++ reference (tiny wrap and saturate libraries, the 2x2 mesh library), and the random
#     cross-check alone on the digits library below,
#   - the NoC scoreboard runs (tb_noc --quick: rates 0.005 and 0.5) on a 3x5 stem_noc,
#   - the digits example (examples/digits, `stemsim export`, driven by stem_driver) on cores
#     of 72 neurons and 64 axons (more neurons than axons: the core's clearing pass runs past
#     its axons, a case the other libraries do not have),
# merges what every model counted with verilator_coverage, writes an lcov file and an HTML
# report (genhtml), and prints line and toggle coverage per module and every functional cover
# point with its hit count (scripts/coverage_report.py).
#
#   scripts/coverage.sh [--quick] [--out DIR]
#
#   --quick    fewer random seeds (8 instead of 40), 5 digits samples instead of 40
#   --out DIR  where the results go (default .build-coverage): merged.dat, coverage.info,
#              html/index.html, summary.txt, uncovered.txt (every line point and toggle bit
#              never hit)
#
# Exit status 1 if a test fails or a functional cover point is never hit; 2 on bad arguments.
# stemsim: $STEMSIM, else .build/debug/stemsim (built with `swift build --product stemsim`).
# Time: the five coverage builds took 5-16 minutes of wall time each on the shared 2-core
# machine (cached by content after that); the --quick runs about 3 minutes (tb_stem with the
# digits library's random networks 83 s, tb_noc 91 s, digits 6 s); the full mode runs five
# times as many networks and samples.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-coverage"
seeds=40
samples=40
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) seeds=8; samples=5; shift ;;
        --out)
            if [ $# -lt 2 ] || [ -z "$2" ]; then echo "$0: --out needs a folder" >&2; exit 2; fi
            out="$2"; shift 2 ;;
        *) echo "$0: unknown argument '$1' (allowed: --quick, --out DIR)" >&2; exit 2 ;;
    esac
done

bash "$root/scripts/install-deps.sh"
export STEM_RTL_DIR="$root"   # build this checkout's rtl/ and shim
stemsim="${STEMSIM:-$root/.build/debug/stemsim}"
if [ -z "${STEMSIM:-}" ]; then
    (cd "$root" && swift build --product stemsim > /dev/null)
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
dat="$out/dat"
rm -rf "$dat" "$out/html" "$out/export"
mkdir -p "$dat"

# The coverage libraries (the parameters of scripts/build-tb.sh's tiny, tiny-sat and mesh).
tiny=(MeshX=1 MeshY=1 TimeSteps=4 WeightBits=8 AccBits=8 NumNeurons=4 NumAxons=4 MaxFanout=2)
lib() {  # name, stemsim cache build arguments
    local name="$1" start=$SECONDS path
    shift
    path="$("$stemsim" cache build --coverage "$@" 2>"$out/build-$name.log")" || {
        echo "$0: the coverage build of $name failed:" >&2; tail -n 30 "$out/build-$name.log" >&2; exit 1; }
    echo "library $name: $path ($((SECONDS - start)) s)" >&2
    echo "$path"
}
lib_tiny="$(lib tiny "${tiny[@]}" Saturate=0)"
lib_sat="$(lib tiny-sat "${tiny[@]}" Saturate=1)"
lib_mesh="$(lib mesh MeshX=2 MeshY=2 TimeSteps=4 WeightBits=6 AccBits=12 NumNeurons=8 NumAxons=8 MaxFanout=2)"
lib_noc="$(lib noc --top noc MeshX=3 MeshY=5 FifoDepth=2)"

# The digits example: its mapping's build parameters come from the export (mesh.json).
"$stemsim" export --network "$root/examples/digits/network.json" --inputs "$root/examples/digits/test.json" \
    --limit "$samples" --neurons 72 --axons 64 --out "$out/export" > "$out/export.log"
mapfile -t digits_params < <(python3 -c '
import json, sys
for k, v in json.load(open(sys.argv[1]))["parameters"].items(): print(f"{k}={v}")' "$out/export/mesh.json")
lib_digits="$(lib digits "${digits_params[@]}")"

# The programs (as scripts/build-tb.sh builds them).
cxx="${CXX:-g++}"
flags=(-O2 -std=c++17 -Wall -Wextra -I"$root/Sources/CStemShim/include" -I"$root/testbenches")
for prog in tb_stem tb_noc stem_driver; do
    "$cxx" "${flags[@]}" "$root/testbenches/$prog.cpp" -o "$out/$prog" -ldl
done

start=$SECONDS
"$out/tb_stem" --tiny "$lib_tiny" --tiny-sat "$lib_sat" --mesh "$lib_mesh" --seeds "$seeds" \
    --out "$out" --coverage "$dat" | tail -n 1
# The random cross-check on the digits library too (2x2 mesh of 72-neuron, 64-axon cores,
# fan-out 4, TimeSteps 8, AccBits 32): the last layer wider than a core's axons reaches neurons
# 64 to 71, and the fan-out entries 2 and 3, the 32-bit biases and 8-bit spike counts move.
"$out/tb_stem" --random-only --big "$lib_digits" --seeds "$seeds" --coverage "$dat" | tail -n 1
echo "tb_stem: $((SECONDS - start)) s" >&2
start=$SECONDS
"$out/tb_noc" "$lib_noc" --quick --coverage "$dat" | tail -n 1
echo "tb_noc: $((SECONDS - start)) s" >&2
start=$SECONDS
"$out/stem_driver" "$lib_digits" "$out/export/stimulus.txt" --coverage "$dat" > /dev/null
echo "digits example ($samples samples): $((SECONDS - start)) s" >&2

# Merge, lcov, HTML, the summary.
verilator_coverage --write "$out/merged.dat" "$dat"/*.dat
rm -rf "$dat"
verilator_coverage --write-info "$out/coverage.info" "$out/merged.dat"
(cd "$root" && genhtml --output-directory "$out/html" --title "stem-cosim rtl/" \
    "$out/coverage.info" > "$out/genhtml.log" 2>&1) || {
    echo "$0: genhtml failed:" >&2; tail -n 20 "$out/genhtml.log" >&2; exit 1; }
status=0
# The waivers (scripts/coverage-waivers.json) give the second toggle figure; a constant waiver
# whose bit toggled, or a stale one, fails the run.
python3 "$root/scripts/coverage_report.py" "$out/merged.dat" --uncovered "$out/uncovered.txt" \
    --waivers "$root/scripts/coverage-waivers.json" --require-covers > "$out/summary.txt" || status=$?
cat "$out/summary.txt"
grep -E "^ *(lines|functions)\.\." "$out/genhtml.log" | sed "s/^ */genhtml /" || true
echo "report: $out/html/index.html; uncovered points: $out/uncovered.txt"
exit $status
