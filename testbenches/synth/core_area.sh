#!/usr/bin/env bash
# Synthesizes one stem_core with Yosys and prints its size. The one copy of the recipe:
# scripts/yosys-area.sh runs this file from the checkout, and `stemsim sweep` runs the copy
# built into stemsim (testbenches/ is embedded) on the same sources it builds models from.
#
#   testbenches/synth/core_area.sh [Name=Value ...]      e.g. ... AccBits=24 Saturate=1
#
# Parameters: TimeSteps WeightBits AccBits NumNeurons NumAxons MultBits Saturate BiasBits
# (unset ones keep the defaults of rtl/stem_interface.svh, generated from the interface table:
# 8 8 16 64 64 16 0 32).
# Sources: the files of rtl/stem.f in its order (stem_pkg.sv first), two folders above this file;
# `hierarchy -top stem_core` keeps only the core and what it instantiates.
#
# Flow (generic, technology independent): proc, flatten, opt, fsm, wreduce, alumacc, share,
# memory -nomap, techmap, abc -fast, to Yosys' internal gate library ($_AND_, $_MUX_, $_DFF*_,
# ...). The memories (weights NumAxons x NumNeurons*WeightBits, biases NumNeurons x BiasBits,
# potentials NumNeurons x AccBits) stay memory cells (`memory -nomap`) and are reported as
# memory bits: not bit-blasting 32K weight bits keeps a run to seconds and separates storage
# from logic. The run fails if a latch is inferred.
#
# The count is deterministic: the same sources and parameter values give the same cells however
# the values are given (every parameter is always set) and wherever the checkout is.
#
# Output: Yosys' cell statistics, then the machine-readable last line
#   cells=<N> flops=<N> memory_bits=<N> memories=<N> seconds=<S>
# cells: all gates and flip-flops (memory cells excluded); flops: flip-flop bits among them;
# memory_bits: sum of WIDTH * SIZE over the memories.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
names="TimeSteps WeightBits AccBits NumNeurons NumAxons MultBits Saturate BiasBits"
declare -A value
for kv in "$@"; do
    name="${kv%%=*}"
    case " $names " in
        *" $name "*)
            v="${kv#*=}"
            if [ "$name" = "$kv" ] || ! [[ "$v" =~ ^[0-9]+$ ]]; then
                echo "$0: $kv: the value must be a non-negative integer" >&2; exit 2
            fi
            value[$name]="$v" ;;
        *)
            echo "$0: unknown parameter '$kv' (allowed: $names)" >&2
            exit 2 ;;
    esac
done
if [ ! -f "$root/rtl/stem_pkg.sv" ]; then
    echo "$0: $root/rtl/stem_pkg.sv is missing (this script must sit in testbenches/synth/ of a checkout)" >&2
    exit 2
fi
# Every parameter is set, in a fixed order, the unset ones to their defaults from stem_interface.svh:
# which parameters `chparam` touches changes the names Yosys derives, and ABC's result depends
# on their order, so `AccBits=16` alone and the full list must be the same run.
chparams=""
for name in $names; do
    if [ -z "${value[$name]:-}" ]; then
        value[$name]="$(sed -n "s/^ *localparam int unsigned Def$name *= *\([0-9][0-9]*\);.*/\1/p" "$root/rtl/stem_interface.svh")"
        if [ -z "${value[$name]}" ]; then
            echo "$0: $root/rtl/stem_interface.svh has no 'localparam int unsigned Def$name = <number>;'" >&2; exit 2
        fi
    fi
    chparams+="chparam -set $name ${value[$name]} stem_core; "
done
# Yosys runs inside rtl/ and reads the files by their bare names, so no path of the checkout
# enters the names of the cells it creates.
# The files and their order are those of rtl/stem.f, the list every build reads.
if [ ! -f "$root/rtl/stem.f" ]; then
    echo "$0: $root/rtl/stem.f (the list of the RTL files) is missing" >&2; exit 2
fi
files="$(sed -e 's://.*$::' "$root/rtl/stem.f" | awk 'NF && $1 !~ /^\+/ { printf "%s%s", sep, $1; sep = " " }')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
script="read_verilog -sv $files; $chparams
hierarchy -check -top stem_core; proc;
select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr;
flatten; opt_expr; opt_clean; opt -nodffe -nosdff; fsm; opt; wreduce; peepopt; opt_clean;
alumacc; share; opt; memory -nomap; opt_clean;
tee -q -o $work/mem.txt dump t:\$mem_v2;
techmap; abc -fast; opt_clean;
select -assert-none t:\$_DLATCH*;
tee -o $work/stat.txt stat"
start=$(date +%s.%N)
if ! (cd "$root/rtl" && yosys -q -l "$work/yosys.log" -p "$script") > /dev/null 2>&1; then
    echo "$0: yosys failed; the last lines of its log:" >&2
    tail -n 20 "$work/yosys.log" >&2
    exit 1
fi
end=$(date +%s.%N)
sed -n '/===/,$p' "$work/stat.txt"
read -r memories membits < <(awk '
    /cell \$mem_v2/ { n++ }
    /parameter \\WIDTH / { w = $3 }
    /parameter \\SIZE / { s = $3 }
    /^  end/ { if (w != "" && s != "") { bits += w * s }; w = ""; s = "" }
    END { printf "%d %d\n", n, bits }' "$work/mem.txt")
awk -v mems="$memories" -v membits="$membits" -v secs="$(echo "$end - $start" | bc)" '
    /Number of cells:/ { total = $4 }
    /\$mem_v2/ { m += $2 }
    /\$_.*DFF/ { flops += $2 }
    END { printf "cells=%d flops=%d memory_bits=%d memories=%d seconds=%.1f\n", total - m, flops, membits, mems, secs }
    ' "$work/stat.txt"
