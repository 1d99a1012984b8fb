#!/usr/bin/env bash
# The real Slurm test (run by .ci/run; `make slurm-test`): on a one-node
# Slurm started here (scripts/slurm-cluster.sh), submit the job scripts
# that `dropsim slurm` writes for a small sweep in 4 shards, exactly as its
# printed line says, wait for the array and the merge, and check that the
# merged runs.csv and summary.csv are byte for byte those of the same sweep
# played by `dropsim sweep` on this machine. Then lose one shard's output,
# play that shard again through Slurm with the printed rerun line, merge
# again and check again; then make one task fail, see the merge cancelled,
# play the task again alone and check again. The daemons started are
# stopped by their PIDs at the end, also on failure. Needs root (apt-get,
# the daemons).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/slurm-cluster.sh

step() { printf 'slurm-test: %s (%d s)\n' "$1" "$SECONDS"; }
fail() {
	echo "slurm-test: FAIL: $*" >&2
	for f in "$work"/cl/slurm/logs/*.out; do
		[ -f "$f" ] && { echo "==> $f <==" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}

work=$(mktemp -d /tmp/dropsim-slurm-test.XXXXXX)
trap 'slurm_down; rm -rf "$work"' EXIT

slurm_install
step "slurm-wlm and munge installed"
go build -o "$work/dropsim" ./cmd/dropsim
mkdir "$work/cluster"
slurm_up "$work/cluster"
step "one-node cluster up"

# 2 arms x 2 design points x 4 replicates = 16 runs of 40 days; the
# no-police arm repeats at the second design point (copied or replayed).
scen=$(pwd)/scenarios/crackdown.toml
common='"days=40", "police.group[1].start_day=20", "police.group[1].end_day=40", "police.group[2].end_day=40"'
cat >"$work/t.toml" <<EOF
name = "slurm-test"
seed = 5
replicates = 4
baseline = "none"

[[arm]]
name = "none"
scenario = "$scen"
set = [$common, "police.group[1].count=0"]

[[arm]]
name = "crackdown"
scenario = "$scen"
set = [$common]

[[parameter]]
key = "police.group[1].count"
values = [10, 30]
arms = ["crackdown"]
EOF
"$work/dropsim" sweep "$work/t.toml" -out "$work/local" -q -no-plots >/dev/null
step "the sweep played on this machine"

"$work/dropsim" slurm "$work/t.toml" -shards 4 -out "$work/cl" -time 0:10:00 -cpus 1 >"$work/slurm.txt"
submit=$(grep -F 'jid=$(sbatch --parsable ' "$work/slurm.txt" | grep -v -- '--array=' || true)
rerun=$(grep -F 'jid=$(sbatch --parsable --array=3 ' "$work/slurm.txt" || true)
[ -n "$submit" ] && [ -n "$rerun" ] || fail "dropsim slurm printed no submit or rerun line: $(cat "$work/slurm.txt")"
grep -q -- '--array=0-3' "$work/cl/slurm/shards.sbatch" || fail "shards.sbatch is no array of 4 tasks"

# The merge job's id: the last sbatch of the line prints "Submitted batch job N".
submitted() {
	local out
	out=$(cd "$work" && bash -c "$1" 2>&1) || fail "the submit line failed: $1: $out"
	sed -n 's/^Submitted batch job \([0-9]*\).*/\1/p' <<<"$out" | tail -n 1
}

# Wait until job $1 has ended (bounded) and print how: its state, or
# GONE when it left squeue (MinJobAge, 5 s, after its end) between two
# looks; the merge's log then says how it went.
wait_job() {
	local id=$1 st="" seen=0 i
	for ((i = 0; i < 240; i++)); do
		st=$(timeout 5 squeue -h -j "$id" -t all -o %T 2>/dev/null | head -n 1 || true)
		case $st in
		PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) seen=1 ;;
		"") if [ "$seen" = 1 ]; then echo GONE && return 0; fi ;;
		*) echo "$st" && return 0 ;;
		esac
		sleep 0.5
	done
	fail "job $id did not end within 120 s (state ${st:-gone})"
}

# The merge job $1 completed, merging 4 shards.
merged() {
	local st
	st=$(wait_job "$1")
	case $st in COMPLETED | GONE) ;; *) fail "merge job $1 ended $st" ;; esac
	grep -q "merged 4 shards" "$work/cl/slurm/logs/merge-$1.out" 2>/dev/null || fail "the log of merge job $1 says no merge of 4 shards"
}

same() {
	local f
	for f in runs.csv summary.csv; do
		cmp -s "$work/local/$f" "$work/cl/$f" || fail "$1: the merged $f differs from the one-machine sweep's"
	done
}

job=$(submitted "$submit")
[ -n "$job" ] || fail "no job id from: $submit"
merged "$job"
same "after the array and the merge"
step "4-task array and merge done; runs.csv and summary.csv equal the local sweep's"

# A lost shard: the merge refuses, the shard is played again alone through
# Slurm with the printed rerun line, and the merge then succeeds.
rm -rf "$work/cl/shards/2-of-4"
if "$work/dropsim" merge "$work/cl" -no-plots 2>"$work/refused.txt"; then fail "merge did not refuse a missing shard"; fi
grep -q "shard 2 of 4 is missing" "$work/refused.txt" || fail "merge's refusal does not name shard 2: $(cat "$work/refused.txt")"
merged "$(submitted "${rerun/--array=3/--array=2}")"
same "after shard 2 was lost and played again"
step "shard 2 lost, played again through Slurm and merged; the files still equal"

# A failed task: shard 3's folder cannot be made (a file is in the way),
# so its task exits non-zero, and the merge waiting on the array is
# cancelled, not left pending. The printed rerun line then plays shard 3
# alone and merges.
rm -rf "$work/cl/shards/3-of-4" && : >"$work/cl/shards/3-of-4"
job=$(submitted "$submit")
st=$(wait_job "$job")
case $st in CANCELLED* | GONE) ;; *) fail "the merge after a failed task ended $st, not cancelled" ;; esac
[ ! -e "$work/cl/slurm/logs/merge-$job.out" ] || fail "the merge ran although a task failed"
rm "$work/cl/shards/3-of-4"
merged "$(submitted "$rerun")"
same "after a failed task was played again"
step "a failed task cancelled the merge; played again alone, the merge succeeded and the files still equal"
echo "slurm-test: ok in $SECONDS s"
