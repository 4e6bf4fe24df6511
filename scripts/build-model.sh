#!/usr/bin/env bash
# Builds one model library (the RTL plus the C shim) with Verilator, the way ModelBuilder does.
#
#   scripts/build-model.sh OUTDIR TOP [none|vcd|fst] [Name=Value ...]
#
# TOP is stem_mesh (shim: stem_shim.cpp, entry stem_shim_v1) or stem_noc (stem_noc_shim.cpp,
# entry stem_noc_v1). Name=Value are RTL parameters (TimeSteps, AccBits, MeshX, ...).
# Prints the path of the library: OUTDIR/libstem_model.so. The Verilator log is OUTDIR/build.log.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 OUTDIR stem_mesh|stem_noc [none|vcd|fst] [Name=Value ...]" >&2
    exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"; top="$2"; shift 2
trace="none"
if [ $# -gt 0 ]; then trace="$1"; shift; fi

case "$top" in
    stem_mesh) shim="$root/Sources/CStemShim/shim/stem_shim.cpp" ;;
    stem_noc)  shim="$root/Sources/CStemShim/shim/stem_noc_shim.cpp" ;;
    *) echo "$0: top '$top' is not stem_mesh or stem_noc" >&2; exit 2 ;;
esac
case "$trace" in
    none) tflag=(); tdef=0 ;;
    vcd)  tflag=(--trace --trace-max-array 65536); tdef=1 ;;
    fst)  tflag=(--trace-fst --trace-max-array 65536); tdef=2 ;;
    *) echo "$0: trace '$trace' is not none, vcd or fst" >&2; exit 2 ;;
esac
gflags=()
for kv in "$@"; do
    case "$kv" in
        [A-Z]*=[0-9]*) gflags+=("-G$kv") ;;
        *) echo "$0: parameter '$kv' is not Name=Number" >&2; exit 2 ;;
    esac
done

# The package first: Verilator (and Yosys) need stem_pkg declared before its users.
rtl=("$root/rtl/stem_pkg.sv")
for f in "$root"/rtl/*.sv; do
    [ "$f" = "$root/rtl/stem_pkg.sv" ] || rtl+=("$f")
done

mkdir -p "$out"
out="$(cd "$out" && pwd)"
if ! verilator --cc --build --exe -j 2 -O3 --top-module "$top" -I"$root/rtl" "${tflag[@]}" "${gflags[@]}" \
        -CFLAGS "-fPIC -fvisibility=hidden -std=c++17 -I$root/Sources/CStemShim/include -DSTEM_TRACE=$tdef" \
        -LDFLAGS "-shared -Wl,-Bsymbolic" -o libstem_model.so \
        "${rtl[@]}" "$shim" -Mdir "$out" > "$out/build.log" 2>&1; then
    echo "$0: verilator failed; the last lines of $out/build.log:" >&2
    tail -n 30 "$out/build.log" >&2
    exit 1
fi
echo "$out/libstem_model.so"
