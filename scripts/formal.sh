#!/usr/bin/env bash
# Formal verification of the RTL (docs/verification.md): the properties in the `ifdef FORMAL
# blocks of rtl/stem_fifo.sv, rtl/stem_mesh_router.sv and rtl/stem_core.sv, on the harnesses in
# formal/. Prints one line per property set and exits non-zero if any set fails.
#
#   scripts/formal.sh            prove every set
#   scripts/formal.sh --planted  plant each known bug in a copy of rtl/ and check that the set
#                                it targets fails (exits non-zero if a planted bug is missed)
#   scripts/formal.sh SET...     only these sets (fifo-d3 fifo-d1 router-d1 router-d2 core)
#   scripts/formal.sh --planted NAME...  only these planted bugs
#   STEM_FORMAL_RTL=DIR scripts/formal.sh [SET...]  prove the RTL in DIR (a copy of rtl/; the
#                                harnesses stay formal/'s): scripts/mutate.py's formal stage
#
# Engines (all from Debian's yosys and z3 packages):
#   fifo:   yosys-smtbmc with z3 (--unroll): BMC of depth 12, then k-induction (depth 8).
#   router, core: yosys' ABC (yosys-abc) on an AIGER model: bmc3 (BMC) and pdr (an unbounded
#           proof, IC3). yosys-smtbmc with z3 did not finish step 0 of the router in 5 minutes.
# In the router proof the FIFOs' own properties (proved by the fifo sets) are assumptions.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
for tool in yosys yosys-smtbmc yosys-abc z3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "formal: $tool is missing (scripts/install-deps.sh installs yosys and z3)" >&2
        exit 3
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/stem-formal.XXXXXX")"
# STEM_FORMAL_KEEP=1 keeps the models, logs and yosys scripts (the folder is printed).
if [ "${STEM_FORMAL_KEEP:-0}" = 1 ]; then
    echo "formal: keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# The files of each harness (relative to rtl/, then the harness).
core_files="stem_round_shift.sv stem_fit.sv stem_ffs.sv stem_index_split.sv stem_integrate.sv
            stem_bias_init.sv stem_sparsify.sv stem_finish.sv stem_core.sv"

# read RTLDIR TOP FILES... HARNESS: the yosys read/prep lines of one harness.
read_lines() {
    local rtl="$1" top="$2" harness="$3"; shift 3
    local files=""
    for f in "$@"; do files="$files $rtl/$f"; done
    # SYNTHESIS: the simulation-only assertions (with action blocks) stay out.
    echo "read_verilog -formal -sv -DSYNTHESIS -I$rtl $files $root/formal/$harness"
}

# smtbmc RTLDIR OUT NAME PARAMS: fifo set; prints the result line, returns 1 on failure.
run_fifo() {
    local rtl="$1" out="$2" name="$3" depth="$4"
    local start=$SECONDS
    {
        read_lines "$rtl" stem_fifo_fv stem_fifo_fv.sv stem_fifo.sv
        echo "chparam -set Depth $depth stem_fifo_fv"
        echo "prep -top stem_fifo_fv"
        echo "memory_nordff"
        echo "memory_map"
        echo "async2sync"
        echo "dffunmap"
        echo "write_smt2 -wires $out/$name.smt2"
    } > "$out/$name.ys"
    yosys -q -l "$out/$name.yosys.log" "$out/$name.ys" > /dev/null
    local log="$out/$name.log" status=0
    yosys-smtbmc -s z3 --unroll -t 12 "$out/$name.smt2" > "$log" 2>&1 || status=1
    if [ $status = 0 ]; then
        yosys-smtbmc -s z3 --unroll -i -t 8 "$out/$name.smt2" >> "$log" 2>&1 || status=1
    fi
    if [ $status = 0 ] && [ "$(grep -c 'Status: PASSED' "$log")" = 2 ]; then
        echo "formal $name: PASS (BMC 12 cycles, k-induction proved, z3, $((SECONDS - start)) s)"
        return 0
    fi
    echo "formal $name: FAIL ($((SECONDS - start)) s)"
    grep -E 'Assert failed|BMC failed|Induction failed' "$log" | sed 's/^/    /' | sort -u | sed -n '1,12p'
    return 1
}

# name_failed OUTPREFIX: the failure ABC reports (its output index, in the order write_aiger
# emits the $assert cells, and the cycle).
name_failed() {
    sed -n 's/^Output \([0-9]*\) of miter.*asserted in frame \([0-9]*\).*/    assertion \1 failed in cycle \2/p' "$1.log" | sed -n '1,3p'
}

# run_abc RTLDIR OUT NAME TOP HARNESS BMCDEPTH EXTRA FILES...: an ABC set (bmc3, then pdr).
run_abc() {
    local rtl="$1" out="$2" name="$3" top="$4" harness="$5" bmc="$6" extra="$7"; shift 7
    local start=$SECONDS
    {
        read_lines "$rtl" "$top" "$harness" "$@"
        echo "$extra"
        echo "prep -top $top"
        # The FIFO's properties are proved by the fifo sets; here they are assumptions.
        echo "chformal -remove */p_track_in */p_track_mem */p_order */p_hold_data */p_hold_valid"
        echo "chformal -assert2assume *stem_fifo*"
        echo "flatten"
        echo "memory_nordff"
        echo "memory_map"
        echo "opt -fast"
        echo "async2sync"
        echo "chformal -assume -early"
        echo "opt_clean"
        echo "setundef -undriven -anyseq"
        echo "opt -fast"
        echo "techmap"
        echo "opt -fast"
        echo "dffunmap"
        echo "setundef -zero"
        echo "aigmap"
        echo "opt_clean"
        echo "write_aiger -zinit $out/$name.aig"
    } > "$out/$name.ys"
    yosys -q -l "$out/$name.yosys.log" "$out/$name.ys" > /dev/null 2>&1 || {
        echo "formal $name: FAIL (yosys, see the log below)"; tail -n 5 "$out/$name.yosys.log"; return 1; }
    local log="$out/$name.log"
    yosys-abc -c "read_aiger $out/$name.aig; fold; strash; bmc3 -F $bmc" > "$log" 2>&1 || true
    if grep -q 'asserted in frame' "$log"; then
        echo "formal $name: FAIL (BMC, $((SECONDS - start)) s)"
        name_failed "$out/$name"
        return 1
    fi
    yosys-abc -c "read_aiger $out/$name.aig; fold; strash; pdr -T 600" >> "$log" 2>&1 || true
    if grep -q 'Property proved' "$log"; then
        echo "formal $name: PASS (BMC $bmc cycles, PDR proved, $((SECONDS - start)) s)"
        return 0
    fi
    echo "formal $name: FAIL ($((SECONDS - start)) s)"
    if grep -q 'asserted in frame' "$log"; then
        name_failed "$out/$name"
    else
        grep -E 'Property|Timeout|UNDECIDED' "$log" | sed -n -e 's/^/    /' -e '1,3p'
    fi
    return 1
}

# run_set RTLDIR OUT SET
run_set() {
    local rtl="$1" out="$2" set="$3"
    case "$set" in
        fifo-d3) run_fifo "$rtl" "$out" fifo-d3 3 ;;
        fifo-d1) run_fifo "$rtl" "$out" fifo-d1 1 ;;
        router-d1) run_abc "$rtl" "$out" router-d1 stem_mesh_router_fv stem_mesh_router_fv.sv 12 \
                       "chparam -set FifoDepth 1 stem_mesh_router_fv" stem_fifo.sv stem_mesh_router.sv ;;
        router-d2) run_abc "$rtl" "$out" router-d2 stem_mesh_router_fv stem_mesh_router_fv.sv 12 \
                       "chparam -set FifoDepth 2 stem_mesh_router_fv" stem_fifo.sv stem_mesh_router.sv ;;
        # shellcheck disable=SC2086
        core) run_abc "$rtl" "$out" core stem_core_fv stem_core_fv.sv 40 "" $core_files ;;
        *) echo "formal: unknown set '$set' (fifo-d3 fifo-d1 router-d1 router-d2 core)" >&2; return 2 ;;
    esac
}

all_sets=(fifo-d3 fifo-d1 router-d1 router-d2 core)

# The planted bugs: NAME | SET | FILE | perl substitution (on the whole file) | what must fail.
planted=(
    "fifo-full|fifo-d3|stem_fifo.sv|s/assign in_ready_o  = \(count_q != CntW'\(Depth\)\);/assign in_ready_o  = 1'b1;/|writes when full: p_no_overflow"
    "fifo-order|fifo-d3|stem_fifo.sv|s/assign out_data_o  = mem_q\[rptr_q\];/assign out_data_o  = mem_q[wptr_q];/|the head read from the write slot: p_order"
    "fifo-count|fifo-d1|stem_fifo.sv|s/count_q <= count_q - CntW'\(1\);/count_q <= count_q;/|a pop not counted: p_fill_count"
    "router-xy|router-d1|stem_pkg.sv|s/xy_route = 3'\(PortEast\);/xy_route = 3'(PortWest);/|east and west swapped: p_xy_port"
    "router-lose|router-d1|stem_mesh_router.sv|s/assign grant\[o\*NumPorts \+ i\] = found && out_ready_i\[o\] &&/assign grant[o*NumPorts + i] = found \&\&/|popped without the output ready (a lost flit): p_count"
    "router-unfair|router-d2|stem_mesh_router.sv|s/rr_q <= \(sel == 3'\(NumPorts - 1\)\) \? 3'd0 : sel \+ 3'd1;/rr_q <= rr_q;/|round-robin pointer stuck: p_fair"
    "core-accept|core|stem_core.sv|s/assign in_ready_o   = \(state_q == StIdle\) && !step_req_q;/assign in_ready_o   = (state_q == StIdle);/|a spike accepted while a step waits: p_no_spike_closing"
    "core-stuck|core|stem_core.sv|s/(StLoad: begin\n\s*state_d = )StIdle;/\$1StLoad;/|StLoad never left: p_returns_idle"
)

if [ "${1:-}" = "--planted" ]; then
    missed=0
    shift
    for entry in "${planted[@]}"; do
        IFS='|' read -r name set file subst what <<< "$entry"
        if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
        rtl="$work/rtl-$name"
        out="$work/out-$name"
        mkdir -p "$out"
        cp -R "$root/rtl" "$rtl"
        perl -0pi -e "$subst" "$rtl/$file"
        if cmp -s "$root/rtl/$file" "$rtl/$file"; then
            echo "planted $name: the substitution did not apply to rtl/$file (update scripts/formal.sh)"
            missed=1
            continue
        fi
        if result="$(run_set "$rtl" "$out" "$set")"; then
            echo "planted $name ($what): MISSED, $set passes"
            missed=1
        else
            echo "planted $name ($what): caught by $set"
            echo "$result" | sed -n '2,5p'
        fi
    done
    exit $missed
fi

sets=("$@")
[ ${#sets[@]} = 0 ] && sets=("${all_sets[@]}")
failed=0
for set in "${sets[@]}"; do
    out="$work/out"
    mkdir -p "$out"
    run_set "${STEM_FORMAL_RTL:-$root/rtl}" "$out" "$set" || failed=1
done
exit $failed
