#!/usr/bin/env bash
# Lints the RTL with `verilator --lint-only -Wall` for each top (stem_core, stem_noc,
# stem_mesh), at the default parameters and at a few corner cases (one neuron, sizes that are
# not powers of two, FIFO depth 1, the widest datapath), and checks that the RTL refuses
# illegal parameters at elaboration. The files come from rtl/stem.f. Exits non-zero on any
# warning.
#
#   scripts/lint-rtl.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# The RTL files and include folder: rtl/stem.f, the file list ModelBuilder compiles.
filelist=(-F "$root/rtl/stem.f")
# Every .sv file of rtl/ is in the list (else it would be neither linted nor built).
for f in "$root"/rtl/*.sv; do
    name="$(basename "$f")"
    if ! sed 's://.*$::' "$root/rtl/stem.f" | grep -x "[[:space:]]*$name[[:space:]]*" >/dev/null; then
        echo "lint FAILED: rtl/$name is not listed in rtl/stem.f"
        exit 1
    fi
done

core_sets=(
    ""
    "-GNumNeurons=1 -GNumAxons=1 -GTimeSteps=2 -GWeightBits=2 -GAccBits=2"
    "-GNumNeurons=10 -GNumAxons=3 -GTimeSteps=5"
    "-GTimeSteps=16 -GWeightBits=16 -GAccBits=48 -GSaturate=1 -GNumNeurons=256 -GNumAxons=512"
    "-GNumNeurons=256 -GNumAxons=1024"
    "-GNumNeurons=1024 -GNumAxons=256 -GTimeSteps=16 -GWeightBits=16 -GAccBits=48"
    "-GNumNeurons=4 -GNumAxons=65536 -GMultBits=32 -GBiasBits=2"
)
noc_sets=(
    ""
    "-GMeshX=1 -GMeshY=1 -GFifoDepth=1"
    "-GMeshX=3 -GMeshY=5 -GFifoDepth=3"
    "-GMeshX=16 -GMeshY=16"
)
mesh_sets=(
    ""
    "-GMeshX=1 -GMeshY=1 -GNumNeurons=4 -GNumAxons=4 -GMaxFanout=2 -GTimeSteps=4 -GAccBits=8"
    "-GMeshX=3 -GMeshY=2 -GNumNeurons=10 -GNumAxons=12 -GMaxFanout=3 -GFifoDepth=1 -GSaturate=1"
    "-GMeshX=2 -GMeshY=1 -GNumNeurons=1 -GNumAxons=1 -GMaxFanout=1"
    "-GMeshX=2 -GMeshY=2 -GNumNeurons=256 -GNumAxons=1024"
)
status=0
lint() {
    local top="$1"; shift
    if out=$(verilator --lint-only -Wall --assert +define+STEM_ASSERTIONS --top-module "$top" "$@" "${filelist[@]}" 2>&1); then
        echo "lint ok: $top $*"
    else
        echo "lint FAILED: $top $*"
        echo "$out"
        status=1
    fi
}
for p in "${core_sets[@]}"; do lint stem_core $p; done
for p in "${noc_sets[@]}"; do lint stem_noc $p; done
for p in "${mesh_sets[@]}"; do lint stem_mesh $p; done
# Illegal parameters stop the build with the RTL's own message (elaboration-time checks).
refuse() {
    local top="$1" expect="$2"; shift 2
    if out=$(verilator --lint-only -Wall --top-module "$top" "$@" "${filelist[@]}" 2>&1); then
        echo "lint FAILED: $top $* was accepted"; status=1
    elif ! grep -q -- "$expect" <<< "$out"; then
        echo "lint FAILED: $top $* failed without '$expect':"; echo "$out"; status=1
    else
        echo "refused ok: $top $*"
    fi
}
refuse stem_core "exceeds the weight region" -GNumNeurons=1024 -GNumAxons=1024
refuse stem_core "TimeSteps = 17 is outside" -GTimeSteps=17
refuse stem_mesh "MaxFanout = 17 is outside" -GMaxFanout=17
refuse stem_noc "MeshX = 17 is outside" -GMeshX=17
exit $status
