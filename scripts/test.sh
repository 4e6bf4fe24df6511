#!/usr/bin/env bash
# Runs every test of stem-cosim: RTL lint, the Swift test suite (golden model, formats,
# model builder, RTL-vs-golden cross-checks on the Verilated mesh, traces, sweeps, SystemC).
# Installs missing dependencies first (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Model libraries built by the tests are cached here (content-keyed), so a second run
# builds nothing; CI starts empty.
export STEM_CACHE_DIR="${STEM_CACHE_DIR:-$PWD/.stem-cache}"

echo "== RTL lint (verilator --lint-only -Wall)"
bash scripts/lint-rtl.sh

echo "== swift build"
swift build --build-tests

echo "== swift test"
swift test --skip-build --parallel --num-workers 2
