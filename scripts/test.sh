#!/usr/bin/env bash
# Runs every test of stem-cosim:
#   1. the RTL's own checks: lint (verilator --lint-only -Wall), the C++ testbenches with
#      hand-computed directed tests and the NoC scoreboard runs (scripts/test-rtl.sh);
#   1b. formal proofs of the FIFO, the mesh router and the core's control (scripts/formal.sh,
#      80 s of CPU);
#   2. version-2 (graph) networks on the golden engine against an independent Python reference
#      (scripts/graph_reference.py);
#   3. the Swift test suite: golden model and formats, model builder and cache, the RTL
#      cross-checked against the golden model (random networks, the digits test set), traces,
#      the command line, sweeps, SystemC;
#   4. 30 s of libFuzzer on the JSON reader and network/inputs validation (scripts/fuzz.sh).
# Installs missing dependencies first (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Model libraries the tests build are cached here, keyed by content: a second run builds
# nothing. A fresh clone (CI) starts empty.
export STEM_CACHE_DIR="${STEM_CACHE_DIR:-$PWD/.stem-cache}"

echo "== RTL: lint and C++ testbenches (scripts/test-rtl.sh)"
bash scripts/test-rtl.sh

echo "== RTL: formal proofs (scripts/formal.sh)"
bash scripts/formal.sh

echo "== swift build"
swift build --build-tests

# Version-2 (graph) networks: the golden engine against an independent Python reference
# written from docs/stem-spec.md (random networks; every spike, outputs, SOPs, overflows).
echo "== graph networks: golden engine against scripts/graph_reference.py"
python3 scripts/graph_reference.py --stemsim .build/debug/stemsim --networks 150 --seed 1

echo "== swift test"
swift test --skip-build

# A short, fixed fuzzing budget for the JSON reader and network/inputs validation
# (docs/fuzzing.md says how to run longer).
echo "== fuzz: JSON reader and network/inputs validation (scripts/fuzz.sh 30)"
bash scripts/fuzz.sh 30
