#!/usr/bin/env bash
# build.sh: builds stem_systemc, the SystemC testbench of the Verilated stem_mesh, for one
# parameter set, into a cache keyed by content (docs/systemc.md).
#
#   testbenches/systemc/build.sh [--cache DIR] [--jobs N] [--quiet] [--key] [Name=Value ...]
#   testbenches/systemc/build.sh [options] --export DIR      (the parameters of DIR/mesh.json)
#
# Name=Value: the RTL parameters (TimeSteps WeightBits AccBits Saturate NumNeurons NumAxons BiasBits
# MaxFanout MeshX MeshY FifoDepth); the others keep their defaults (rtl/stem_interface.json).
# --export DIR takes them from the "parameters" object of an export folder's mesh.json.
# Prints the path of the binary (the last line of stdout); progress goes to stderr.
#   --cache DIR   the cache root (default $STEM_CACHE_DIR, else $XDG_CACHE_HOME/stem-cosim,
#                 else ~/.cache/stem-cosim); binaries go to DIR/systemc/<key>/stem_systemc
#   --jobs N      parallel compile jobs (default: the number of processors)
#   --key         print the cache key and exit (builds nothing)
#   --quiet       no progress messages
#
# The key is the SHA-256 of the sources (the RTL of rtl/stem.f, rtl/*.svh, the generated
# Sources/CStemShim/include/stem_hw_interface.h, testbenches/systemc/*), the
# parameters, and the versions of Verilator, the C++ compiler and SystemC: a second call with
# the same inputs builds nothing. Concurrent calls are safe: a lock file per key, the build in
# a temporary folder, and a rename into place.
#
# SystemC: $SYSTEMC_INCLUDE and $SYSTEMC_LIBDIR (or $SYSTEMC_HOME) if set, else pkg-config,
# else the Debian paths (libsystemc-dev).
#
# Exit codes: 0 built or cached, 1 the build failed (the log's tail on stderr, the log kept in
# DIR/systemc/failed/<key>/build.log), 2 bad usage, 3 a tool or library is missing.

# Tools first, with shell builtins only (a missing tool must not end the script obscurely).
missing=()
for tool in verilator make sha256sum flock; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
cxx="${CXX:-g++}"
command -v "$cxx" >/dev/null 2>&1 || missing+=("$cxx")
if [ ${#missing[@]} -gt 0 ]; then
    {
        echo "build.sh: cannot build the SystemC testbench: not found on PATH: ${missing[*]}"
        echo "  PATH=${PATH}"
        for tool in "${missing[@]}"; do
            case "$tool" in
                verilator) echo "  verilator (5.x) compiles the RTL to SystemC: sudo apt-get install verilator" ;;
                make) echo "  make runs Verilator's build: sudo apt-get install make" ;;
                sha256sum) echo "  sha256sum (coreutils) computes the cache key: sudo apt-get install coreutils" ;;
                flock) echo "  flock (util-linux) locks the cache entry: sudo apt-get install util-linux" ;;
                *) echo "  $tool, the C++ compiler (set CXX to another): sudo apt-get install g++" ;;
            esac
        done
        echo "  (or run scripts/install-deps.sh, which installs everything stem-cosim needs)"
    } >&2
    exit 3
fi

set -euo pipefail

usage() {
    sed -n '5,16p' "$0" | sed -E 's/^# ?//' >&2
    exit "${1:-2}"
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cache=""
jobs=""
quiet=0
only_key=0
order=(TimeSteps WeightBits AccBits Saturate NumNeurons NumAxons BiasBits MaxFanout MeshX MeshY FifoDepth)
# The defaults and ranges: STEM_DEF_*, STEM_MIN_*, STEM_MAX_* of the generated header (from the
# "parameters" section of rtl/stem_interface.json, as ModelParameters and the RTL's Def*).
interface_h="Sources/CStemShim/include/stem_hw_interface.h"
[ -f "$root/$interface_h" ] || { echo "build.sh: $root/$interface_h is missing (run from a stem-cosim checkout)" >&2; exit 2; }
declare -A param=() lo=() hi=()
for name in "${order[@]}"; do
    macro="$(echo "$name" | sed -E 's/([a-z0-9])([A-Z])/\1_\2/g' | tr '[:lower:]' '[:upper:]')"
    for kind in DEF MIN MAX; do
        value="$(sed -n "s/^#define STEM_${kind}_${macro} \([0-9][0-9]*\)u.*/\1/p" "$root/$interface_h")"
        [ -n "$value" ] || { echo "build.sh: $interface_h has no STEM_${kind}_${macro} (run swift run stem-interface write)" >&2; exit 2; }
        case $kind in DEF) param[$name]=$value ;; MIN) lo[$name]=$value ;; MAX) hi[$name]=$value ;; esac
    done
done

while [ $# -gt 0 ]; do
    case "$1" in
        --cache) [ $# -ge 2 ] || usage; cache="$2"; shift 2 ;;
        --jobs) [ $# -ge 2 ] || usage; jobs="$2"; shift 2 ;;
        --quiet) quiet=1; shift ;;
        --key) only_key=1; shift ;;
        --export)
            [ $# -ge 2 ] || usage
            mesh_json="$2/mesh.json"
            [ -f "$mesh_json" ] || { echo "build.sh: --export $2: $mesh_json does not exist (write it with stemsim export)" >&2; exit 2; }
            # The "parameters" object: {"TimeSteps":8,"WeightBits":8,...} (integers only).
            object="$(tr -d ' \t\r\n' < "$mesh_json" | grep -o '"parameters":{[^}]*}' || true)"
            [ -n "$object" ] || { echo "build.sh: $mesh_json has no \"parameters\" object" >&2; exit 2; }
            exported=()
            for pair in $(echo "${object#\"parameters\":}" | tr -d '{}"' | tr ',' ' '); do
                exported+=("${pair%%:*}=${pair#*:}")
            done
            shift 2
            set -- "${exported[@]}" "$@" ;;
        -h|--help) usage 0 ;;
        *=*)
            name="${1%%=*}"; value="${1#*=}"
            if [ -z "${param[$name]+x}" ]; then
                echo "build.sh: unknown parameter '$name' (allowed: ${order[*]})" >&2; exit 2
            fi
            if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt "${lo[$name]}" ] || [ "$value" -gt "${hi[$name]}" ]; then
                echo "build.sh: parameter $name=$value is out of range ${lo[$name]}...${hi[$name]}" >&2; exit 2
            fi
            param[$name]=$((10#$value)); shift ;;
        *) echo "build.sh: unknown argument '$1'" >&2; usage ;;
    esac
done
# A region holds 2^IndexW words (the address map of the generated header).
region=$((1 << $(sed -n 's/^#define STEM_INDEX_W \([0-9][0-9]*\)u.*/\1/p' "$root/$interface_h")))
if [ $((param[NumNeurons] * param[NumAxons])) -gt $region ]; then
    echo "build.sh: NumNeurons * NumAxons = $((param[NumNeurons] * param[NumAxons])) exceeds $region (the weight region)" >&2; exit 2
fi
if [ $((param[NumNeurons] * param[MaxFanout])) -gt $region ]; then
    echo "build.sh: NumNeurons * MaxFanout = $((param[NumNeurons] * param[MaxFanout])) exceeds $region (the fan-out region)" >&2; exit 2
fi
if [ -z "$jobs" ]; then jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"; fi
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "build.sh: --jobs $jobs is not a positive number" >&2; exit 2; }

if [ -z "$cache" ]; then
    if [ -n "${STEM_CACHE_DIR:-}" ]; then cache="$STEM_CACHE_DIR"
    elif [ -n "${XDG_CACHE_HOME:-}" ] && [ "${XDG_CACHE_HOME:0:1}" = / ]; then cache="$XDG_CACHE_HOME/stem-cosim"
    else cache="$HOME/.cache/stem-cosim"; fi
fi

# ---- SystemC -------------------------------------------------------------------------------
sc_include=""; sc_libdir=""; sc_how=""
if [ -n "${SYSTEMC_INCLUDE:-}${SYSTEMC_LIBDIR:-}${SYSTEMC_HOME:-}" ]; then
    sc_include="${SYSTEMC_INCLUDE:-${SYSTEMC_HOME:-}/include}"
    sc_libdir="${SYSTEMC_LIBDIR:-}"
    if [ -z "$sc_libdir" ] && [ -n "${SYSTEMC_HOME:-}" ]; then
        for d in "$SYSTEMC_HOME/lib" "$SYSTEMC_HOME/lib-linux64" "$SYSTEMC_HOME/lib64"; do
            if [ -e "$d/libsystemc.so" ] || [ -e "$d/libsystemc.a" ]; then sc_libdir="$d"; break; fi
        done
    fi
    sc_how="SYSTEMC_INCLUDE=${SYSTEMC_INCLUDE:-} SYSTEMC_LIBDIR=${SYSTEMC_LIBDIR:-} SYSTEMC_HOME=${SYSTEMC_HOME:-}"
elif command -v pkg-config >/dev/null 2>&1 && pkg-config --exists systemc 2>/dev/null; then
    sc_include="$(pkg-config --variable=includedir systemc)"
    sc_libdir="$(pkg-config --variable=libarchdir systemc)"
    [ -n "$sc_libdir" ] || sc_libdir="$(pkg-config --variable=libdir systemc)"
    sc_how="pkg-config systemc"
else
    sc_include="/usr/include"
    for d in /usr/lib/*-linux-gnu /usr/lib /usr/lib64 /usr/local/lib; do
        if [ -e "$d/libsystemc.so" ] || [ -e "$d/libsystemc.a" ]; then sc_libdir="$d"; break; fi
    done
    sc_how="the Debian paths (/usr/include, /usr/lib/<arch>)"
fi
sc_missing=""
[ -f "$sc_include/systemc.h" ] && [ -f "$sc_include/tlm.h" ] || sc_missing="the headers (systemc.h, tlm.h) are not in '${sc_include}'"
if [ -z "$sc_missing" ] && ! { [ -n "$sc_libdir" ] && { [ -e "$sc_libdir/libsystemc.so" ] || [ -e "$sc_libdir/libsystemc.a" ]; }; }; then
    sc_missing="the library (libsystemc.so or .a) is not in '${sc_libdir:-(no library folder found)}'"
fi
if [ -n "$sc_missing" ]; then
    {
        echo "build.sh: cannot build the SystemC testbench: SystemC 2.3 (with TLM-2.0) was not found:"
        echo "  $sc_missing (looked through $sc_how)."
        echo "  Install it with: sudo apt-get install libsystemc-dev   (Debian/Ubuntu; or scripts/install-deps.sh)"
        echo "  or point SYSTEMC_INCLUDE and SYSTEMC_LIBDIR (or SYSTEMC_HOME) at a SystemC installation."
    } >&2
    exit 3
fi
sc_version="$(sed -n 's/^#define SC_VERSION_\(MAJOR\|MINOR\|PATCH\)[[:space:]]*\([0-9]*\).*/\2/p' \
    "$sc_include/sysc/kernel/sc_ver.h" 2>/dev/null | paste -sd. -)"
[ -n "$sc_version" ] || sc_version="unknown"

# ---- The sources, copied so the build sees exactly what the key covers ----------------------
src="$(mktemp -d "${TMPDIR:-/tmp}/stem-systemc-src.XXXXXX")"
trap 'rm -rf "$src"' EXIT
mkdir -p "$src/rtl" "$src/testbenches/systemc" "$src/$(dirname "$interface_h")"
[ -f "$root/rtl/stem.f" ] || { echo "build.sh: $root/rtl/stem.f is missing (run from a stem-cosim checkout)" >&2; exit 2; }
shopt -s nullglob
for f in "$root"/rtl/*.sv "$root"/rtl/*.svh "$root"/rtl/*.vlt "$root"/rtl/stem.f; do cp "$f" "$src/rtl/"; done
for f in "$here"/*.h "$here"/*.cpp "$here"/*.sh; do cp "$f" "$src/testbenches/systemc/"; done
shopt -u nullglob
cp "$root/$interface_h" "$src/$interface_h"
# The RTL in the order of rtl/stem.f, the list ModelBuilder compiles.
rtl=()
for f in $(sed -e 's://.*$::' "$src/rtl/stem.f" | awk 'NF && $1 !~ /^\+/ { print $1 }'); do
    [ -f "$src/rtl/$f" ] || { echo "build.sh: rtl/$f (listed in rtl/stem.f) is missing" >&2; exit 2; }
    rtl+=("$src/rtl/$f")
done
tb=()
for f in $(cd "$src/testbenches/systemc" && ls *.cpp | LC_ALL=C sort); do tb+=("$src/testbenches/systemc/$f"); done

gflags=()
params_line=""
for name in "${order[@]}"; do
    gflags+=("-G$name=${param[$name]}")
    params_line+="$name=${param[$name]} "
done
params_line="${params_line% }"

verilator_version="$(verilator --version 2>&1 | sed -n 1p)"
compiler_version="$("$cxx" --version 2>&1 | sed -n 1p)"
cflags="-std=c++17 -O2 -I$src/testbenches/systemc -I$src/$(dirname "$interface_h")"
ldflags=""
case "$sc_libdir" in
    /usr/lib|/usr/lib/*-linux-gnu|/usr/lib64|/lib|/lib64) ;;
    *) ldflags="-Wl,-rpath,$sc_libdir" ;;
esac

key="$(
    {
        echo "stem-cosim systemc cache v1"
        for f in "${rtl[@]}" $(cd "$src/rtl" && ls stem.f *.svh 2>/dev/null | LC_ALL=C sort | sed "s|^|$src/rtl/|") \
                 "$src/$interface_h" \
                 "${tb[@]}" $(cd "$src/testbenches/systemc" && ls *.h *.sh | LC_ALL=C sort | sed "s|^|$src/testbenches/systemc/|"); do
            rel="${f#$src/}"
            echo "file $rel $(wc -c < "$f")"
            cat "$f"
            echo
        done
        echo "parameters $params_line"
        echo "verilator $verilator_version"
        echo "compiler $compiler_version CXX=$cxx"
        echo "systemc $sc_version include=$sc_include libdir=$sc_libdir"
        echo "flags ${cflags//$src/<src>} | $ldflags"
    } | sha256sum | cut -c1-64
)"
if [ $only_key = 1 ]; then echo "$key"; exit 0; fi

say() { [ $quiet = 1 ] || echo "build.sh: $*" >&2; }

store="$cache/systemc"
mkdir -p "$store" || { echo "build.sh: cannot create the cache folder $store (set STEM_CACHE_DIR to a writable folder)" >&2; exit 3; }
entry="$store/$key"
binary="$entry/stem_systemc"

exec 9>"$store/$key.lock" || { echo "build.sh: cannot open the lock file $store/$key.lock" >&2; exit 3; }
if ! flock -n 9; then
    say "waiting for another build of $params_line (${key:0:12})"
    flock 9
fi
if [ -x "$binary" ]; then
    say "using cached stem_systemc $params_line (${key:0:12})"
    echo "$binary"
    exit 0
fi

say "building stem_systemc $params_line ... (cached as ${key:0:12})"
rm -rf "$store/.tmp-$key-"*
work="$(mktemp -d "$store/.tmp-$key-XXXXXX")"
trap 'rm -rf "$src" "$work"' EXIT
log="$work/build.log"
cmd=(verilator --sc --build --exe -j "$jobs" -O3 --top-module stem_mesh -I"$src/rtl" "${gflags[@]}"
     -CFLAGS "$cflags" -o stem_systemc "${rtl[@]}" "${tb[@]}" -Mdir "$work/obj")
[ -z "$ldflags" ] || cmd+=(-LDFLAGS "$ldflags")
{
    echo "# stem-cosim SystemC testbench build ($params_line)"
    echo "# SYSTEMC_INCLUDE=$sc_include SYSTEMC_LIBDIR=$sc_libdir"
    printf '#'; printf ' %q' "${cmd[@]}"; echo; echo
} > "$log"
started=$SECONDS
if ! SYSTEMC_INCLUDE="$sc_include" SYSTEMC_LIBDIR="$sc_libdir" "${cmd[@]}" >> "$log" 2>&1 || [ ! -x "$work/obj/stem_systemc" ]; then
    failed="$store/failed/$key"
    rm -rf "$failed"
    mkdir -p "$failed"
    cp "$log" "$failed/build.log"
    {
        echo "build.sh: building stem_systemc $params_line failed. Last lines of the log:"
        tail -n 25 "$log" | sed 's/^/  /'
        echo "Full log: $failed/build.log"
    } >&2
    exit 1
fi
seconds=$((SECONDS - started))
mkdir "$work/entry"
mv "$work/obj/stem_systemc" "$work/entry/stem_systemc"
mv "$log" "$work/entry/build.log"
{
    echo "key $key"
    echo "parameters $params_line"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $seconds s"
    echo "verilator $verilator_version"
    echo "compiler $compiler_version"
    echo "systemc $sc_version ($sc_how: include $sc_include, library $sc_libdir)"
    echo "sources $root"
} > "$work/entry/meta.txt"
rm -rf "$entry"
mv "$work/entry" "$entry"
say "built stem_systemc $params_line in $seconds s"
echo "$binary"
