#!/usr/bin/env bash
# Builds the SystemC testbench of the mesh (stem_systemc) for one parameter set into the cache
# and prints the binary's path; a second call with the same inputs builds nothing.
#
#   scripts/build-systemc.sh [--cache DIR] [--jobs N] [--quiet] [--key] [Name=Value ...]
#   scripts/build-systemc.sh [options] --export DIR     (the parameters of an export folder)
#
# Example:
#   stemsim export --limit 10 --out out/digits
#   stem_systemc=$(scripts/build-systemc.sh --export out/digits)
#   "$stem_systemc" out/digits --events events.txt --clock-mhz 200   (pin-level testbench)
#   "$stem_systemc" out/digits --events events.txt --tlm             (CPU model via TLM-2.0)
# (the raw events; `stemsim run --engine systemc` maps them to layers and checks them)
#
# The build logic is testbenches/systemc/build.sh (stemsim embeds it and runs it for
# `stemsim run --engine systemc`); this is a thin wrapper. docs/systemc.md has the details.
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/testbenches/systemc/build.sh" "$@"
