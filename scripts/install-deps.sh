#!/usr/bin/env bash
# Installs what stem-cosim needs beyond Swift, when it is missing:
#   verilator, yosys, libsystemc-dev (SystemC 2.3 + TLM-2.0), g++, make, zlib (FST traces),
#   pkg-config, gtkwave (fst2vcd for FST checks; a viewer), z3 (scripts/formal.sh), lcov
#   (genhtml, the HTML report of scripts/coverage.sh), ccache (model builds, scripts/mutate.py); with --onnx
#   numpy, onnx and onnxruntime for scripts/check_onnx.py (scripts/requirements-onnx.txt;
#   scripts/test.sh passes it); with --python those and numpy + scikit-learn for
#   scripts/train_digits.py (scripts/requirements.txt); with --slurm also Debian's slurm-wlm and
#   munge (scripts/slurm/test-cluster.sh starts a one-node cluster with them).
# Installs with apt-get when run as root or with sudo; otherwise prints what to install.
set -euo pipefail

want_python=0
want_onnx=0
want_slurm=0
for option in "$@"; do
    case "$option" in
        --python) want_python=1; want_onnx=1 ;;
        --onnx) want_onnx=1 ;;
        --slurm) want_slurm=1 ;;
        *) echo "usage: scripts/install-deps.sh [--python | --onnx] [--slurm]" >&2; exit 2 ;;
    esac
done

missing=()
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
[ -f /usr/include/systemc.h ] || [ -f /usr/include/systemc ] || missing+=(libsystemc-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
# fst2vcd/vcd2fst, used by the tests that read FST traces back (and a viewer for people).
command -v fst2vcd >/dev/null 2>&1 || missing+=(gtkwave)
# z3, the SMT solver yosys-smtbmc drives in scripts/formal.sh (yosys-smtbmc and yosys-abc come
# with yosys). Debian's boolector (1.5) is too old for yosys-smtbmc.
command -v z3 >/dev/null 2>&1 || missing+=(z3)
# genhtml (Debian's lcov): the HTML coverage report of scripts/coverage.sh.
command -v genhtml >/dev/null 2>&1 || missing+=(lcov)
# ccache: every model build compiles through it when installed (docs/model-cache.md), and
# scripts/mutate.py builds one model per RTL mutant; most of each build's C++ (Verilator's
# runtime, the modules a width or a mutant leaves alone) is the same every time.
command -v ccache >/dev/null 2>&1 || missing+=(ccache)
if [ $want_slurm = 1 ]; then
    # slurmctld, slurmd and the client commands (sbatch, sinfo, scancel); munged authenticates them.
    command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 \
        || missing+=(slurm-wlm)
    command -v munged >/dev/null 2>&1 || missing+=(munge)
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
    if [ "$sudo" = none ]; then
        echo "stem-cosim needs: ${missing[*]}" >&2
        echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing ${missing[*]} with apt-get ..." >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ $want_python = 1 ]; then
    if ! python3 -c 'import numpy, sklearn' >/dev/null 2>&1; then
        echo "Installing numpy and scikit-learn with pip ..." >&2
        python3 -m pip install -q -r "$(dirname "$0")/requirements.txt"
    fi
fi
if [ $want_onnx = 1 ]; then
    if ! python3 -c 'import numpy, onnx, onnxruntime' >/dev/null 2>&1; then
        echo "Installing numpy, onnx and onnxruntime with pip ..." >&2
        python3 -m pip install -q -r "$(dirname "$0")/requirements-onnx.txt"
    fi
fi
echo "dependencies: ok (verilator $(verilator --version | cut -d' ' -f2), yosys $(yosys -V | cut -d' ' -f2), systemc $(pkg-config --modversion systemc 2>/dev/null || echo '?'))" >&2
