#!/usr/bin/env bash
# Lints the RTL, builds the test libraries and the C++ testbenches (scripts/build-tb.sh), and
# runs them: the directed and randomized stem_mesh tests (tb_stem) and the NoC scoreboard runs
# (tb_noc). Exits non-zero on any failure.
#
#   scripts/test-rtl.sh [--long]     (--long adds 10^6-cycle NoC runs; DIR: .build-rtl-tb)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.build-rtl-tb"
long=()
if [ "${1:-}" = "--long" ]; then long=(--long); fi
"$root/scripts/lint-rtl.sh"
"$root/scripts/build-tb.sh" "$dir"
cd "$dir"
./tb_stem --tiny tiny/libstem_model.so --tiny-sat tiny-sat/libstem_model.so \
          --mesh mesh/libstem_model.so --big big/libstem_model.so --huge huge/libstem_model.so \
          --vcd vcd/libstem_model.so --fst fst/libstem_model.so --seeds 40 --out "$dir"
./tb_noc noc4/libstem_model.so noc-odd/libstem_model.so noc8/libstem_model.so "${long[@]}"
echo "all RTL tests passed"
