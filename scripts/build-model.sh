#!/usr/bin/env bash
# Builds one model library (the RTL plus the C shim) with Verilator exactly the way ModelBuilder
# does: it asks stemsim for the command (`stemsim cache path --command`, the sources of this
# checkout via STEM_RTL_DIR), copies the sources it compiles (rtl/, Sources/CStemShim/) into
# OUTDIR/src as ModelBuilder does into its build folder, and runs the command there.
#
#   scripts/build-model.sh [--assertions] [--coverage] OUTDIR TOP [none|vcd|fst] [Name=Value ...]
#
# --coverage: a coverage build (ModelParameters.coverage: line, toggle and cover points; the
# library's coverage_write records them; scripts/coverage.sh).
# TOP is stem_mesh (shim: stem_shim.cpp, entry stem_shim_v1) or stem_noc (stem_noc_shim.cpp,
# entry stem_noc_v1). Name=Value are RTL parameters (TimeSteps, AccBits, MeshX, ...).
# --assertions compiles the RTL's simulation assertions in (Verilator --assert); a failing one
# makes the shim's call return STEM_E_ASSERTION with the instance, time and message.
# Prints the path of the library: OUTDIR/libstem_model.so. The Verilator log is OUTDIR/build.log.
# stemsim: $STEMSIM, else .build/debug/stemsim (built with `swift build --product stemsim` if
# missing). Jobs: $JOBS, else 2. Sources: $STEM_RTL_DIR (a checkout root or a copy of its rtl/
# and Sources/CStemShim/, as stemsim takes it), else this checkout; scripts/mutate.py builds
# its mutants that way. $VERILATOR_EXTRA (whitespace-separated arguments, default none) is appended
# to the command, for trying a flag before it goes into ModelBuilder's command (docs/performance.md,
# "Model speed"); a library built with it is not what ModelBuilder builds.
set -euo pipefail

options=()
while [ "${1:-}" = "--assertions" ] || [ "${1:-}" = "--coverage" ]; do options+=("$1"); shift; done
if [ $# -lt 2 ]; then
    echo "usage: $0 [--assertions] [--coverage] OUTDIR stem_mesh|stem_noc [none|vcd|fst] [Name=Value ...]" >&2
    exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1"; top="$2"; shift 2
trace="none"
if [ $# -gt 0 ]; then trace="$1"; shift; fi

case "$top" in
    stem_mesh) top_name=mesh ;;
    stem_noc)  top_name=noc ;;
    *) echo "$0: top '$top' is not stem_mesh or stem_noc" >&2; exit 2 ;;
esac
case "$trace" in
    none|vcd|fst) ;;
    *) echo "$0: trace '$trace' is not none, vcd or fst" >&2; exit 2 ;;
esac

stemsim="${STEMSIM:-$root/.build/debug/stemsim}"
if [ ! -x "$stemsim" ]; then
    echo "$0: building stemsim (swift build --product stemsim) for the Verilator command" >&2
    (cd "$root" && swift build --product stemsim >&2)
fi
# The command line, shell-quoted by stemsim; parameters are checked there (exit 2 names them).
src_root="${STEM_RTL_DIR:-$root}"
line="$(STEM_RTL_DIR="$src_root" "$stemsim" cache path --command --top "$top_name" --trace "$trace" \
        ${options[@]+"${options[@]}"} --jobs "${JOBS:-2}" "$@")"
eval "cmd=($line)"
if [ -n "${VERILATOR_EXTRA:-}" ]; then
    read -r -a extra <<< "$VERILATOR_EXTRA"
    cmd+=("${extra[@]}")
fi

# The compiler cache by ModelBuilder.compileEnvironment's rule: ccache when it is installed, its
# cache folder can be made and written (else every compile would fail), and OBJCACHE is not set
# at all; set OBJCACHE (even to nothing) to choose.
if [ -z "${OBJCACHE+set}" ] && command -v ccache >/dev/null 2>&1; then
    ccache_dir="$(ccache -k cache_dir 2>/dev/null || true)"
    if [ "${ccache_dir#/}" != "$ccache_dir" ] && mkdir -p "$ccache_dir" 2>/dev/null && [ -w "$ccache_dir" ]; then
        export OBJCACHE=ccache
    fi
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/src"
mkdir -p "$out/src/Sources"
cp -R "$src_root/rtl" "$out/src/rtl"
cp -R "$src_root/Sources/CStemShim" "$out/src/Sources/CStemShim"
{
    echo "# scripts/build-model.sh, the command of stemsim cache path --command"
    echo "# cd $out/src"
    if [ -n "${OBJCACHE:-}" ]; then echo "# OBJCACHE=$OBJCACHE"; fi
    echo "# $line"
    echo
} > "$out/build.log"
if ! (cd "$out/src" && "${cmd[@]}") >> "$out/build.log" 2>&1; then
    echo "$0: verilator failed; the last lines of $out/build.log:" >&2
    tail -n 30 "$out/build.log" >&2
    exit 1
fi
mv "$out/src/obj/libstem_model.so" "$out/libstem_model.so"
rm -rf "$out/src"
echo "$out/libstem_model.so"
