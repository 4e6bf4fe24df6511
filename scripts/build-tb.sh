#!/usr/bin/env bash
# Builds the model libraries the C++ testbenches use (scripts/build-model.sh: the Verilator
# command ModelBuilder runs, from `stemsim cache path --command`), and the testbenches and the
# driver.
#
#   scripts/build-tb.sh [DIR]      (default: .build-rtl-tb)
#
# Libraries (DIR/<name>/libstem_model.so), all with the RTL's simulation assertions compiled in
# (build-model.sh --assertions):
#   tiny      1x1 mesh, TimeSteps 4, WeightBits 8, AccBits 8, wrap, 4 neurons, 4 axons, fan-out 2
#   tiny-sat  the same, saturate
#   mesh      2x2 mesh, TimeSteps 4, WeightBits 6, AccBits 12, wrap, 8 neurons, 8 axons, fan-out 2
#   big       2x2 mesh, the default parameters (TimeSteps 8, AccBits 16, 64 neurons, 64 axons)
#   huge      2x1 mesh, 256 neurons, 1,024 axons (the weight region's 2^18 words), AccBits 32,
#             fan-out 2, other parameters default
#   vcd, fst  the tiny parameters with --trace / --trace-fst
#   noc4      stem_noc 4x4, FIFO depth 4;  noc-odd  stem_noc 3x5, FIFO depth 1;
#   noc8      stem_noc 8x8, FIFO depth 4
# Programs: DIR/tb_stem, DIR/tb_noc, DIR/stem_driver.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$root/.build-rtl-tb}"
mkdir -p "$dir"
b="$root/scripts/build-model.sh"
# build-model.sh asks stemsim for the Verilator command; make sure it is the current one.
if [ -z "${STEMSIM:-}" ]; then
    (cd "$root" && swift build --product stemsim > /dev/null)
fi
tiny=(MeshX=1 MeshY=1 TimeSteps=4 WeightBits=8 AccBits=8 NumNeurons=4 NumAxons=4 MaxFanout=2)
build() {
    local name="$1"; shift
    local start=$SECONDS
    "$b" --assertions "$dir/$name" "$@" > /dev/null
    echo "built $name in $((SECONDS - start)) s"
}
build tiny stem_mesh none "${tiny[@]}" Saturate=0
build tiny-sat stem_mesh none "${tiny[@]}" Saturate=1
build mesh stem_mesh none MeshX=2 MeshY=2 TimeSteps=4 WeightBits=6 AccBits=12 NumNeurons=8 NumAxons=8 MaxFanout=2
build big stem_mesh none
build huge stem_mesh none MeshX=2 MeshY=1 NumNeurons=256 NumAxons=1024 AccBits=32 MaxFanout=2
build vcd stem_mesh vcd "${tiny[@]}"
build fst stem_mesh fst "${tiny[@]}"
build noc4 stem_noc none MeshX=4 MeshY=4 FifoDepth=4
build noc-odd stem_noc none MeshX=3 MeshY=5 FifoDepth=1
build noc8 stem_noc none MeshX=8 MeshY=8 FifoDepth=4

cxx="${CXX:-g++}"
flags=(-O2 -std=c++17 -Wall -Wextra -I"$root/Sources/CStemShim/include" -I"$root/testbenches")
for prog in tb_stem tb_noc stem_driver; do
    "$cxx" "${flags[@]}" "$root/testbenches/$prog.cpp" -o "$dir/$prog" -ldl
done
echo "testbenches in $dir"
