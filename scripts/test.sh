#!/usr/bin/env bash
# Runs every test of stem-cosim:
#   1. the RTL's own checks: lint (verilator --lint-only -Wall), the C++ testbenches with
#      hand-computed directed tests and the NoC scoreboard runs (scripts/test-rtl.sh);
#   1b. formal proofs of the FIFO, the mesh router and the core's control (scripts/formal.sh,
#      80 s of CPU); three RTL mutants the random cross-check must kill (scripts/mutate.py);
#   2. version-2 (graph) networks on the golden engine against an independent Python reference
#      (scripts/graph_reference.py); the example ONNX models imported and checked against ONNX
#      Runtime (scripts/check_onnx.py);
#   3. the Swift test suite: golden model and formats, model builder and cache, the RTL
#      cross-checked against the golden model (random networks, the digits test set), traces,
#      the command line, sweeps, SystemC;
#   3b. a sweep as a Slurm job array on a one-node cluster started here (slurm-wlm and munge
#      from Debian; scripts/slurm/test-cluster.sh, about 2 to 2.5 minutes), checked against a local run;
#   4. 30 s of libFuzzer on the JSON reader and network/inputs validation (scripts/fuzz.sh) and
#      20 s on the ONNX importer and the .npy reader (scripts/fuzz-onnx.sh).
# Installs missing dependencies first (scripts/install-deps.sh; --onnx: numpy, onnx and
# onnxruntime with pip for scripts/check_onnx.py).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --onnx

# Model libraries the tests build are cached here, keyed by content: a second run builds
# nothing. A fresh clone (CI) starts empty.
export STEM_CACHE_DIR="${STEM_CACHE_DIR:-$PWD/.stem-cache}"
# Every model build compiles through ccache (docs/model-cache.md, "Compiler cache"): one cache
# for the testbench libraries, the mutants and the Swift tests' builds, so Verilator's runtime
# and the modules a build shares with an earlier one are compiled once (CCACHE_DIR set here
# also keeps scripts/mutate.py from using a cache of its own).
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.build-ccache}"

echo "== RTL: lint and C++ testbenches (scripts/test-rtl.sh)"
bash scripts/test-rtl.sh

echo "== RTL: formal proofs (scripts/formal.sh)"
bash scripts/formal.sh

# Three mutants of rtl/ (scripts/mutate.py; the benchmark is docs/verification.md, "Mutation
# score"): the random cross-check must kill each, so that the benchmark cannot rot. The seed
# draws mutants of stem_tile, stem_sparsify and stem_mesh_router; --only adds the step-counter
# mutant of stem_mesh that only the shim's step_o check kills. About 3 minutes on 2 cores
# (the unmutated reference and four model builds; ccache keeps the shared C++).
echo "== RTL: mutation sample (scripts/mutate.py --sample 3 --seed 2264 --only 3487848c582a)"
python3 scripts/mutate.py --sample 3 --seed 2264 --only 3487848c582a --out .build-mutation-ci

echo "== swift build"
swift build --build-tests

# The cost-against-mesh-size benchmark (docs/performance.md, "Cost against mesh size") on a CI
# slice: 1x1 and 2x1 meshes of 8-neuron cores, 8 samples, one bench-rtl round, the model cache of
# this script (two small builds, about 20 s each, on a fresh clone; 68 s in all with them cached
# on the shared 2-core machine at load 8, most of it compiling the C++ driver (once by the script, once per point by bench-rtl) and starting
# stemsim). --check reads the CSV, JSON and SVG back (columns, types, JSON against CSV, rates
# against cycles per step, plotted points); a copy with a broken CSV column must fail it.
echo "== bench-scale: CI slice (scripts/bench-scale.py --meshes 1x1,2x1)"
scale_out=$(mktemp -d)
python3 scripts/bench-scale.py --out "$scale_out/run" --meshes 1x1,2x1 --fills 1 --neurons 8 --samples 8 \
    --rounds 1 --budget 600 --cache "$STEM_CACHE_DIR" --stemsim .build/debug/stemsim
python3 scripts/bench-scale.py --check "$scale_out/run"
cp -R "$scale_out/run" "$scale_out/broken"
sed -i '2s/^\([^,]*\),\([^,]*\),/\1,\2,,/' "$scale_out/broken/bench-scale.csv"
if python3 scripts/bench-scale.py --check "$scale_out/broken" 2>/dev/null; then
    echo "bench-scale.py --check accepted a CSV row with a column too many" >&2
    exit 1
fi
rm -rf "$scale_out"

# Version-2 (graph) networks: the golden engine against an independent Python reference
# written from docs/stem-spec.md (random networks; every spike, outputs, SOPs, overflows).
echo "== graph networks: golden engine against scripts/graph_reference.py"
python3 scripts/graph_reference.py --stemsim .build/debug/stemsim --networks 150 --seed 1

# The example ONNX models (examples/onnx) imported with `stemsim import`/`import-inputs` and run
# on the golden engine, against ONNX Runtime on the same samples (docs/import.md). The
# thresholds sit just below the figures docs/import.md gives, so a worse import fails.
echo "== ONNX import: golden engine against ONNX Runtime (scripts/check_onnx.py)"
onnx_out=$(mktemp -d)
trap 'rm -rf "$onnx_out"' EXIT
check_onnx() {  # model name, samples name (examples/onnx/<samples>-x.npy, -y.npy), check_onnx.py's thresholds
    local name=$1 data=$2
    shift 2
    .build/debug/stemsim import "examples/onnx/$name.onnx" --out "$onnx_out/$name.json" >/dev/null
    .build/debug/stemsim import-inputs --model "examples/onnx/$name.onnx" --npy "examples/onnx/$data-x.npy" \
        --labels "examples/onnx/$data-y.npy" --out "$onnx_out/$name-inputs.json" >/dev/null
    python3 scripts/check_onnx.py "examples/onnx/$name.onnx" "$onnx_out/$name-inputs.json" "$onnx_out/$name.json" \
        --stemsim .build/debug/stemsim "$@"
}
check_onnx digits-mlp digits-mlp --min-top1 100 --min-equal 100 --min-within-one 100
check_onnx digits-cnn digits-cnn --min-top1 100 --min-equal 93 --min-within-one 100
check_onnx digits-cnn-torch digits-cnn --min-top1 100 --min-equal 96.5 --min-within-one 100
check_onnx tiny-gap tiny-gap --min-top1 100 --min-equal 100 --min-within-one 100
check_onnx tiny-gap-4bit tiny-gap --min-top1 100 --min-equal 100 --min-within-one 100

echo "== swift test"
swift test --skip-build

# The job-array sweep (--plan, --point, --merge) on a real one-node Slurm cluster: munged,
# slurmctld and slurmd started from a private folder, an 8-point golden sweep submitted with
# sbatch --wait --array (one point per task) and again as 2 shards through
# scripts/slurm/submit-sweep.sh, each merged and compared with a local run (docs/cluster.md).
# 131 s on the shared 2-core machine at load 13, plus about a minute to install slurm-wlm and
# munge on a fresh machine. Needs root, as the rest of CI.
echo "== cluster: a sweep as a Slurm job array (scripts/slurm/test-cluster.sh)"
bash scripts/slurm/test-cluster.sh --stemsim .build/debug/stemsim

# A short, fixed fuzzing budget for the JSON reader and network/inputs validation
# (docs/fuzzing.md says how to run longer).
echo "== fuzz: JSON reader and network/inputs validation (scripts/fuzz.sh 30)"
bash scripts/fuzz.sh 30

# The same for the ONNX importer (protobuf decoding, the graph walk) and the .npy reader; it
# links the objects `swift build` made above, so it builds in about a minute.
echo "== fuzz: ONNX importer and .npy reader (scripts/fuzz-onnx.sh 20)"
bash scripts/fuzz-onnx.sh 20
