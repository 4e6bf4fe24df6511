#!/usr/bin/env bash
# The job-array sweep on a real Slurm cluster of one node (docs/cluster.md), no mock:
#   1. installs Debian's slurm-wlm and munge if missing (scripts/install-deps.sh --slurm);
#   2. starts munged, slurmctld and slurmd on this machine, as root, from a private folder
#      (its own munge key and socket, slurm.conf with proctrack/linuxproc, task/none,
#      select/cons_tres and no cgroups; nothing in /etc is changed);
#   3. writes the plan of a small golden-model sweep, runs it as `sbatch --wait --array=...` of
#      scripts/slurm/sweep.sbatch (one point per task) and merges; runs it again with
#      scripts/slurm/submit-sweep.sh --shards 2 (2 tasks of 4 points, --shard i/2, and the merge
#      as a job depending on the array); and runs the same sweep locally;
#   4. checks both merged sweep.json, sweep.csv, sweep.svg and networks/ equal the local run's
#      byte for byte, except each point's wall time ("seconds" in the JSON, the seconds column
#      in the CSV), and that --merge refuses a folder missing a task's result (exit 2, naming it);
#   5. stops the daemons it started (by their process ids) and removes the folder.
# About 2 to 2.5 minutes on 2 busy cores with a debug stemsim (the install, when needed, takes
# another minute). Prints the times of the cluster run and of the local runs.
#
#   scripts/slurm/test-cluster.sh [--stemsim PATH] [--limit N]
#
# --stemsim: the binary (default .build/debug/stemsim); --limit: samples per point (1...360,
# default 40; docs/cluster.md's timings use 360).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

stemsim="$root/.build/debug/stemsim"
limit=40
while [ $# -gt 0 ]; do
    case "$1" in
        --stemsim) stemsim="$(cd "$(dirname "${2:?--stemsim needs a path}")" && pwd)/$(basename "$2")"; shift 2 ;;
        --limit)
            limit="${2:-}"
            if ! [[ "$limit" =~ ^[0-9]+$ ]] || [ "$limit" -lt 1 ] || [ "$limit" -gt 360 ]; then
                echo "test-cluster.sh: --limit: '$limit' is out of range 1...360 (samples of examples/digits/test.json)" >&2
                exit 2
            fi
            shift 2 ;;
        *) echo "usage: scripts/slurm/test-cluster.sh [--stemsim PATH] [--limit 1...360]" >&2; exit 2 ;;
    esac
done
[ -x "$stemsim" ] || { echo "test-cluster.sh: $stemsim is not built (swift build)" >&2; exit 3; }
if [ "$(id -u)" != 0 ]; then
    echo "test-cluster.sh: needs root (it starts munged, slurmctld and slurmd on this machine)" >&2
    exit 3
fi
bash scripts/install-deps.sh --slurm

work=$(mktemp -d /tmp/stem-slurm.XXXXXX)
chmod 700 "$work"
pids=()
cleanup() {
    local status=$?
    # Cancel what may still be queued, then stop our daemons: slurmd, slurmctld, munged.
    if [ -f "$work/slurm.conf" ] && [ ${#pids[@]} -gt 0 ]; then
        SLURM_CONF="$work/slurm.conf" scancel --quiet --user=root >/dev/null 2>&1 || true
    fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
    exit $status
}
trap cleanup EXIT
fail() {
    echo "test-cluster.sh: FAIL: $*" >&2
    for log in "$work"/*.log "$work"/shared/logs/*; do
        [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
    exit 1
}

# --- munge: a private key and socket.
mkdir -p "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --foreground --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
    --pid-file="$work/munge/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge/munged.seed" \
    >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/munge/munge.socket" ] && break; sleep 0.1; done
[ -S "$work/munge/munge.socket" ] || fail "munged did not start"

# --- slurm.conf for this host: one node, one partition, no cgroups, no accounting.
host=$(hostname -s)
cpus=$(nproc)
memory=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/state" "$work/spool" "$work/shared/logs"
cat > "$work/slurm.conf" <<CONF
ClusterName=stemtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out.log" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out.log" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 120); do
    state=$(sinfo -h -N -o %t 2>/dev/null | head -n 1 || true)
    [ "$state" = idle ] && break
    sleep 0.5
done
[ "$state" = idle ] || fail "the node did not become idle (state '$state')"
echo "slurm: slurmctld and slurmd up on $host ($cpus CPUs), $(sinfo -V)"

# --- the sweep: 4 widths x scaled none/auto on 40 digits samples, golden model = 8 points.
options=(--network "$root/examples/digits/network.json" --inputs "$root/examples/digits/test.json"
         --acc-bits 10,14,18,22 --scaled none,auto --limit "$limit" --engine golden --no-area)
cd "$work/shared"
export STEMSIM="$stemsim"
# The tasks' model cache (sweep.sbatch), inside the folder removed at the end.
export STEM_NODE_CACHE="$work/node-cache"
plan=$("$stemsim" sweep "${options[@]}" --out cluster --plan) || fail "--plan failed"
count=$(awk '$1 == "points" { print $2 }' <<<"$plan")
[ "$count" = 8 ] || fail "the plan has '$count' points, expected 8"

start=$(date +%s%N)
submitted=$start
sbatch --wait --quiet --array="0-$((count - 1))" --output="$work/shared/logs/%A_%a.out" \
    "$root/scripts/slurm/sweep.sbatch" "${options[@]}" --out cluster || fail "the array job failed"
cluster_ms=$((($(date +%s%N) - start) / 1000000))
tasks=$(find cluster/tasks -name '*.json' | wc -l)
[ "$tasks" = "$count" ] || fail "$tasks task results in cluster/tasks, expected $count"
"$stemsim" sweep "${options[@]}" --out cluster --merge >"$work/merge.log" || fail "--merge failed"

# The same sweep in 2 shards of 4 points (--shard i/2), through scripts/slurm/submit-sweep.sh:
# plan, array, and the merge as a job after the array; polled with squeue every second.
start=$(date +%s%N)
sharded_submitted=$start
submitted_jobs=$(bash "$root/scripts/slurm/submit-sweep.sh" --shards 2 -- "${options[@]}" --out sharded) \
    || fail "submit-sweep.sh failed: $submitted_jobs"
jobs=$(sed -n 's/^array job \([0-9]*\) .*merge job \([0-9]*\) .*/\1,\2/p' <<<"$submitted_jobs")
[ -n "$jobs" ] || fail "submit-sweep.sh printed no job ids: $submitted_jobs"
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$jobs" 2>/dev/null)" ] && break
    sleep 1
done
[ -z "$(squeue -h -j "$jobs" 2>/dev/null)" ] || fail "the sharded jobs $jobs did not finish in 10 minutes"
sharded_ms=$((($(date +%s%N) - start) / 1000000))
grep -q "^points     8: 8 ok" "stem-sweep-merge-${jobs#*,}.out" 2>/dev/null \
    || fail "the merge job of submit-sweep.sh did not merge the 8 points: $(cat "stem-sweep-merge-${jobs#*,}.out" 2>&1)"

for jobs in 1 2; do
    start=$(date +%s%N)
    "$stemsim" sweep "${options[@]}" --out "local-$jobs" --jobs "$jobs" >"$work/local-$jobs.log" 2>&1 \
        || fail "the local sweep (--jobs $jobs) failed"
    declare "local_ms_$jobs=$((($(date +%s%N) - start) / 1000000))"
done

# --- merged = local, except the points' wall times.
for merged in cluster sharded; do
[ "$merged" = cluster ] && since=$submitted || since=$sharded_submitted
python3 - "$merged" local-1 "$since" <<'PY' || fail "the merged results in $merged differ from the local run's"
import csv, io, json, sys
merged, local = sys.argv[1], sys.argv[2]
def read(path):
    with open(path, "rb") as f:
        return f.read()
def json_without_times(path):
    document = json.loads(read(path))
    times = [point.pop("seconds") for point in document["points"]]
    assert all(isinstance(t, (int, float)) and t >= 0 for t in times), times
    return document
def csv_without_times(path):
    rows = list(csv.reader(io.StringIO(read(path).decode())))
    column = rows[0].index("seconds")
    return [row[:column] + row[column + 1:] for row in rows]
problems = []
# Byte for byte once the times are out: the JSON's lines other than "seconds", the CSV's other columns.
strip = lambda path: [l for l in read(path).decode().splitlines() if not l.strip().startswith('"seconds"')]
if strip(merged + "/sweep.json") != strip(local + "/sweep.json"): problems.append("sweep.json")
if json_without_times(merged + "/sweep.json") != json_without_times(local + "/sweep.json"): problems.append("sweep.json (parsed)")
if csv_without_times(merged + "/sweep.csv") != csv_without_times(local + "/sweep.csv"): problems.append("sweep.csv")
if read(merged + "/sweep.svg") != read(local + "/sweep.svg"): problems.append("sweep.svg")
points = len(json_without_times(merged + "/sweep.json")["points"])
if problems:
    print("differ: " + ", ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"compare: {merged}: merged = local in sweep.json, sweep.csv ({points} points, all but the seconds field) and sweep.svg")
import glob, os
last = max(os.path.getmtime(f) for f in glob.glob(merged + "/tasks/*.json")) - int(sys.argv[3]) / 1e9
print(f"tasks: {merged}: the last task result was written {last:.1f} s after the submission")
mean = lambda path: sum(p["seconds"] for p in json.loads(read(path))["points"]) / points
print(f"points: mean {mean(merged + '/sweep.json'):.2f} s in a task, {mean(local + '/sweep.json'):.2f} s in the local run "
      "(--jobs 1; the point's runs only)")
PY
diff -r "$merged/networks" local-1/networks >/dev/null || fail "$merged/networks/ differ"
done

# --- --merge refuses a folder missing a task's result, naming the point.
cp -r cluster missing
rm missing/tasks/acc14-auto-wrap.json
set +e
"$stemsim" sweep "${options[@]}" --out missing --merge >/dev/null 2>"$work/missing.log"
status=$?
set -e
[ $status = 2 ] || fail "--merge with a task result missing exited $status, expected 2"
grep -q -- "--merge: 1 of the 8 planned points have no result in missing/tasks: 5 (14 bits" "$work/missing.log" \
    || fail "--merge with a missing task: unexpected message: $(cat "$work/missing.log")"

echo "times: $count points; array job $((cluster_ms / 1000)).$((cluster_ms % 1000 / 100)) s (sbatch --wait: submission to" \
    "the end of the last task, $cpus CPUs); submit-sweep.sh --shards 2 until its merge job ended" \
    "$((sharded_ms / 1000)).$((sharded_ms % 1000 / 100)) s; local --jobs 1 $((local_ms_1 / 1000)).$((local_ms_1 % 1000 / 100)) s," \
    "--jobs 2 $((local_ms_2 / 1000)).$((local_ms_2 % 1000 / 100)) s"
echo "test-cluster.sh: ok"
