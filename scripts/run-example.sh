#!/usr/bin/env bash
# The main job on the bundled example: the quantized digits classifier (examples/digits) on
# the Verilated STEM mesh, cross-checked spike for spike against the golden model, with the
# accuracy of the quantized ANN, the golden model and the RTL side by side.
# Installs missing dependencies first (scripts/install-deps.sh), builds stemsim (release), and
# passes any arguments on to `stemsim run` (e.g. --limit 50, --trace run.vcd).
# `scripts/run-example.sh --cnn ...` runs the digits CNN (examples/digits-cnn: conv layers, a
# residual block, average pooling) instead, on the core and mesh the mapper chooses.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
echo "== building stemsim (swift build -c release)" >&2
swift build -c release --product stemsim >&2
example=examples/digits
if [ "${1:-}" = "--cnn" ]; then
    example=examples/digits-cnn
    shift
fi
exec .build/release/stemsim run --network "$example/network.json" --inputs "$example/test.json" \
    --engine both "$@"
