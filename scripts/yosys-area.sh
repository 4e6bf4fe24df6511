#!/usr/bin/env bash
# Synthesizes one stem_core with Yosys and prints its size.
#
#   scripts/yosys-area.sh [Name=Value ...]        e.g. scripts/yosys-area.sh AccBits=24
#
# The recipe lives in testbenches/synth/core_area.sh (its header documents the parameters,
# the flow and the output), so that `stemsim sweep`, which embeds testbenches/, runs exactly
# the same synthesis. The last line of the output is machine-readable:
#   cells=<N> flops=<N> memory_bits=<N> memories=<N> seconds=<S>
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/testbenches/synth/core_area.sh" "$@"
