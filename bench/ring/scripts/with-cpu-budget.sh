#!/bin/sh
# Runs a command with a CPU budget (cgroup v1 CFS quota), to reproduce a machine whose other
# work leaves the benchmark only a fraction of a core. Needs root and the cgroup v1 cpu
# controller at /sys/fs/cgroup/cpu. The command is stopped and the cgroup removed when this
# script ends or is stopped.
#   with-cpu-budget.sh 0.5 java -cp ... RingBench real --real-sizes=1000 --preformed
set -eu
cores=$1
shift
group=/sys/fs/cgroup/cpu/ringbench-budget-$$
mkdir "$group"
period=100000
quota=$(awk -v c="$cores" -v p="$period" 'BEGIN { printf "%d", c * p }')
echo "$period" > "$group/cpu.cfs_period_us"
echo "$quota" > "$group/cpu.cfs_quota_us"
echo "CPU budget: $cores cores ($quota us per $period us)" >&2
# A child shell joins the group and becomes the command.
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' sh "$group" "$@" &
child=$!
cleanup() {
    kill "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
    rmdir "$group" 2>/dev/null || true
}
trap 'cleanup; exit 143' TERM INT
status=0
wait "$child" || status=$?
rmdir "$group" 2>/dev/null || true
exit "$status"
