#!/usr/bin/env bash
# A stemsim sweep on a Slurm cluster in one command (docs/cluster.md): writes the plan, submits
# the points as a job array of scripts/slurm/sweep.sbatch and the merge as a job that runs after
# the whole array (whatever its tasks' exit codes: the merge names the points that have no
# result). Prints the two job ids and returns; the merged files appear in --out.
#
#   scripts/slurm/submit-sweep.sh [--sbatch "SBATCH OPTIONS"] [--shards N] -- SWEEP OPTIONS --out /shared/sweep
#
# SWEEP OPTIONS are `stemsim sweep`'s and must include --out, a folder every node sees.
# --sbatch passes options to both submissions (e.g. "--partition=short --time=00:20:00");
# --shards N submits N tasks of every N-th point (--shard i/N) instead of one task per point;
# STEMSIM names the stemsim binary (default: stemsim on PATH), also for the tasks.
set -euo pipefail

sbatch_options=""
shards=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sbatch) sbatch_options="${2:?--sbatch needs a value}"; shift 2 ;;
        --shards)
            shards="${2:-}"
            if ! [[ "$shards" =~ ^[0-9]+$ ]] || [ "$shards" -lt 1 ]; then
                echo "submit-sweep.sh: --shards: '$shards' is not a shard count (1 up to the number of points)" >&2
                exit 2
            fi
            shift 2 ;;
        --) shift; break ;;
        *) echo "usage: scripts/slurm/submit-sweep.sh [--sbatch \"OPTIONS\"] [--shards N] -- SWEEP OPTIONS --out FOLDER" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || { echo "submit-sweep.sh: no sweep options after --" >&2; exit 2; }
case " $* " in *" --out "*|*" --out="*) ;; *) echo "submit-sweep.sh: the sweep options must name --out (a shared folder)" >&2; exit 2 ;; esac

here="$(cd "$(dirname "$0")" && pwd)"
stemsim="${STEMSIM:-stemsim}"
plan_output=$("$stemsim" sweep "$@" --plan)
echo "$plan_output"
count=$(awk '$1 == "points" { print $2 }' <<<"$plan_output")
[ -n "$count" ] && [ "$count" -gt 0 ] || { echo "submit-sweep.sh: cannot read the point count from --plan" >&2; exit 3; }
tasks=$count
if [ -n "$shards" ]; then
    if [ "$shards" -gt "$count" ]; then
        echo "submit-sweep.sh: --shards: $shards is out of range 1...$count (the plan has $count points)" >&2
        exit 2
    fi
    tasks=$shards
    export STEM_SHARDS=$shards
fi

# shellcheck disable=SC2086  # sbatch_options is a list of options
array=$(sbatch --parsable $sbatch_options --array="0-$((tasks - 1))" "$here/sweep.sbatch" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable $sbatch_options --job-name=stem-sweep-merge --dependency="afterany:$array" \
    --output=stem-sweep-merge-%j.out --wrap="$(printf '%q ' "$stemsim" sweep "$@" --merge)")
merge=${merge%%;*}
echo "array job $array ($tasks tasks, $count points), merge job $merge (after the array)"
