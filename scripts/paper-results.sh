#!/usr/bin/env bash
# Regenerates docs/paper/ (docs/paper.md): stemsim analyze on the digits MLP and CNN, and the
# CNN's accumulator sweep (golden model). Table II and the MLP's sweep are in docs/paper.md and
# docs/sweep.md (they run the RTL). Uses the release build; about 4 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --product stemsim
stemsim=.build/release/stemsim
cnn=(--network examples/digits-cnn/network.json --inputs examples/digits-cnn/test.json)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$stemsim" analyze --out docs/paper/mlp
"$stemsim" analyze "${cnn[@]}" --out docs/paper/cnn
"$stemsim" sweep "${cnn[@]}" --acc-bits 12,16,18,19,20,24 --scaled none,auto --overflow wrap,saturate \
    --engine golden --no-area --out "$scratch/cnn-sweep" | tee "$scratch/summary.txt"
cp "$scratch/cnn-sweep/sweep.csv" docs/paper/cnn-sweep.csv
cp "$scratch/cnn-sweep/sweep.svg" docs/paper/cnn-sweep.svg
sed -n '/^sweep /,/^scaled integration saves.*saturate/p' "$scratch/summary.txt" > docs/paper/cnn-sweep-summary.txt
