#!/bin/sh
# The Slurm test: a one-node Slurm on loopback (munge, slurmctld, slurmd with
# their own configuration, ports and state in a temporary folder) runs
# scripts/slurm/thinkbench-array.sbatch with 4 tasks against `thinkbench sim`
# and the merge job after them. The merged store must hold the samples,
# outcomes and extracted answers of an unsharded run of the same plan, every
# sample asked once. Then one task is requeued mid-way (Slurm kills it); it
# resumes, and the merge is still exact, with no stored sample asked again.
# Also checks deploy/k8s/indexed-job.yaml's shape. Every daemon it starts is
# stopped on the way out, failure or not.
#   sh tests/slurm_cluster.sh THINKBENCH_BINARY SOURCE_DIR
# Exit 77 (skipped) without the Slurm and munge packages or without root.
set -eu
tb=$1
src=$2
skip() {
	echo "skipped: $*"
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# the Kubernetes Job: kubectl cannot validate offline (it asks a server even
# with --dry-run=client), so its shape is checked here
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$src/deploy/k8s/indexed-job.yaml" <<'PY' || fail "deploy/k8s/indexed-job.yaml"
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
spec = job["spec"]
assert spec["completionMode"] == "Indexed"
c = spec["template"]["spec"]["containers"][0]
env = {e["name"]: e.get("value") for e in c["env"]}
assert int(env["SHARDS"]) == spec["completions"], "SHARDS must equal completions"
assert "JOB_COMPLETION_INDEX" in c["args"][0] and "--shard" in c["args"][0]
PY
else
	echo "deploy/k8s/indexed-job.yaml not checked: python3-yaml is missing"
fi
PATH=$PATH:/usr/sbin:/sbin
for b in munged munge slurmctld slurmd sbatch squeue scontrol sqlite3 python3 curl; do
	command -v "$b" >/dev/null 2>&1 ||
		skip "$b is missing (sudo sh scripts/install-deps.sh test installs slurmctld, slurmd, slurm-client, munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root (CI runs the tests as root)"

D=$(mktemp -d /tmp/tbtest.slurm.XXXXXX)
stop_pidfile() {
	[ -f "$1" ] || return 0
	p=$(cat "$1")
	kill "$p" 2>/dev/null || return 0
	for _ in $(seq 1 50); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$p" 2>/dev/null || true
}
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -f "$D/slurmctld.pid" ]; then
		scancel --user=root >/dev/null 2>&1 || true
		sleep 1
	fi
	stop_pidfile "$D/slurmd.pid"
	stop_pidfile "$D/slurmctld.pid"
	stop_pidfile "$D/munge/munged.pid"
	for f in "$D"/sim-*.pid; do stop_pidfile "$f"; done
	if [ "$rc" -ne 0 ]; then
		for f in "$D"/slurmctld.log "$D"/slurmd.log "$D"/work/*.log; do
			[ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }
		done
	fi
	[ -n "${TB_KEEP:-}" ] && echo "kept $D" || rm -rf "$D"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$(now) - $1:.1f}')"; }

# munge, with its own key and socket
mkdir -p "$D/munge" "$D/state" "$D/spool" "$D/work" "$D/shared"
chmod 700 "$D/munge"
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$D/munge/munge.key"
munged --force --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" \
	--pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/munged.seed"

# one node, four CPUs (more than the machine's: config_overrides), on loopback
host=$(hostname -s)
ctld_port=$(free_port)
slurmd_port=$(free_port)
cat >"$D/slurm.conf" <<CONF
ClusterName=tbtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
SlurmUser=root
SlurmdUser=root
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=4 RealMemory=1000 State=UNKNOWN
PartitionName=tb Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
for _ in $(seq 1 100); do
	sinfo -h -o %t 2>/dev/null | grep -q idle && break
	sleep 0.2
done
sinfo -h -o %t | grep -q idle || fail "the Slurm node never became idle"

# the plan: 24 sums, qwen3-14b in both modes, 2 samples: 96 samples
python3 - "$D/sums.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"suite": {"name": "sums", "template": "{prompt} Put the answer in \\boxed{}.",
                                  "grader": {"type": "regex", "pattern": "\\\\boxed\\{([^{}]*)\\}",
                                             "normalize": ["trim", "number"]}}}) + "\n")
    for i in range(24):
        f.write(json.dumps({"id": "s%03d" % i, "prompt": "What is %d + %d?" % (i, i + 7), "answer": 2 * i + 7}) + "\n")
PY
planned=96
export TB_TEST_NO_KEY=none THINKBENCH="$tb"
unset OPENROUTER_API_KEY || true

# A simulator as a process: its request count is what the shards asked.
start_sim() { # name time-scale
	port=$(free_port)
	"$tb" sim --port "$port" --suite "$D/sums.jsonl" --seed 3 --time-scale "$2" --quiet >"$D/$1.log" 2>&1 &
	echo $! >"$D/sim-$1.pid"
	printf '{"models": [{"id": "qwen/qwen3-14b", "base_url": "http://127.0.0.1:%s/v1", "dialect": "sim", "api_key_env": "TB_TEST_NO_KEY"}]}\n' \
		"$port" >"$D/$1.models.json"
	for _ in $(seq 1 100); do
		curl -fsS "http://127.0.0.1:$port/sim/stats" >/dev/null 2>&1 && break
		sleep 0.1
	done
	echo "$port" >"$D/$1.port"
}
requests() { curl -fsS "http://127.0.0.1:$(cat "$D/$1.port")/sim/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }
samples() { # run folder: one line per sample
	sqlite3 "$1/store.sqlite" "SELECT suite, item_id, model, mode, budget, sample, outcome, extracted, answer, seed FROM samples ORDER BY 1, 2, 3, 4, 5, 6"
}
run_opts() { # sim name
	echo "--suite $D/sums.jsonl --models $D/$1.models.json --mode both --samples 2 -j 2"
}
wait_gone() { # job ids, seconds
	t=0
	while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
		[ "$t" -lt "$(($2 * 5))" ] || fail "jobs $1 still queued after $2 s: $(squeue -h -j "$1")"
		! squeue -h -j "$1" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied ||
			fail "a task failed, so the merge job will never run: $(squeue -h -j "$1")"
		sleep 0.2
		t=$((t + 1))
	done
}
state_of() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' '; }

# the unsharded reference
start_sim sim 0.02
# shellcheck disable=SC2046
"$tb" run $(run_opts sim) --out "$D" --run-id reference --quiet --no-summary >"$D/reference.log" 2>&1 ||
	fail "the unsharded run: $(cat "$D/reference.log")"
[ "$(requests sim)" -eq "$planned" ] || fail "the unsharded run asked $(requests sim) times for $planned samples"
samples "$D/reference" >"$D/reference.txt"

# 1. four tasks and the merge
cd "$D/work"
t0=$(now)
# shellcheck disable=SC2046
set -- $(sh "$src/scripts/slurm/submit.sh" 4 "$D/shared" $(run_opts sim))
array=$1 merge=$2
wait_gone "$array,$merge" 300
t_array=$(elapsed "$t0")
[ "$(state_of "$merge")" = "COMPLETED " ] || fail "the merge job ended $(state_of "$merge")"
samples "$D/shared/merged" >"$D/merged.txt"
cmp -s "$D/reference.txt" "$D/merged.txt" || fail "the merged run differs from the unsharded one"
asked=$(($(requests sim) - planned))
[ "$asked" -eq "$planned" ] || fail "the shards asked $asked times for $planned samples"
counts=""
for i in 0 1 2 3; do
	s="$D/shared/shard-$i-of-4"
	n=$(sqlite3 "$s/store.sqlite" "SELECT sum(attempts) || ' requests for ' || count(*) || ' of ' || (SELECT planned FROM shard) FROM samples")
	counts="$counts shard $i: $n;"
done
echo "4 tasks and the merge: ${t_array} s; $asked requests for $planned samples;$counts"

# 2. a task requeued mid-way: Slurm kills it, it resumes its own shard
start_sim slow 0.1
t0=$(now)
# shellcheck disable=SC2046
set -- $(sh "$src/scripts/slurm/submit.sh" 4 "$D/shared2" $(run_opts slow))
array=$1 merge=$2
s1="$D/shared2/shard-1-of-4"
t=0
until [ -f "$s1/store.sqlite" ] && [ "$(sqlite3 "$s1/store.sqlite" 'SELECT count(*) FROM samples' 2>/dev/null || echo 0)" -ge 4 ]; do
	[ "$t" -lt 1500 ] || fail "shard 1 stored nothing in 300 s"
	sleep 0.2
	t=$((t + 1))
done
scontrol requeue "${array}_1"
# A requeued job waits two minutes before it may start again: once it is
# pending (its killed task gone), let it start now.
t=0
until [ "$(squeue -h -j "${array}_1" -o %T 2>/dev/null)" = PENDING ]; do
	[ "$t" -lt 600 ] || fail "task 1 was not pending again 120 s after its requeue"
	sleep 0.2
	t=$((t + 1))
done
scontrol update jobid="${array}_1" StartTime=now >/dev/null
before=$(sqlite3 "$s1/store.sqlite" 'SELECT count(*) FROM samples')
wait_gone "$array,$merge" 600
t_requeue=$(elapsed "$t0")
restarts=$(scontrol show job "${array}_1" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || fail "task 1 restarted ${restarts:-?} times, not once"
[ "$(state_of "$merge")" = "COMPLETED " ] || fail "the merge job after the requeue ended $(state_of "$merge")"
grep -q "DUE TO JOB REQUEUE" "$D"/work/thinkbench-"${array}"_1.log || fail "task 1 was not killed by the requeue"
samples "$D/shared2/merged" >"$D/merged2.txt"
cmp -s "$D/reference.txt" "$D/merged2.txt" || fail "the merge after the requeue differs from the unsharded run"
asked=$(requests slow)
stored_once=$(sqlite3 "$D/shared2/merged/store.sqlite" "SELECT count(*) FROM samples WHERE attempts = 1")
[ "$stored_once" -eq "$planned" ] || fail "$((planned - stored_once)) samples took more than one request"
# the task was killed with requests in flight (-j 2): those, and only
# those, were asked again by the resumed task
lost=$((asked - planned))
[ "$lost" -ge 0 ] && [ "$lost" -le 2 ] || fail "$asked requests for $planned samples: $lost beyond one each (at most 2 were in flight)"
counts=""
for i in 0 1 2 3; do
	s="$D/shared2/shard-$i-of-4"
	n=$(sqlite3 "$s/store.sqlite" "SELECT sum(attempts) || ' requests for ' || count(*) || ' of ' || (SELECT planned FROM shard) FROM samples")
	counts="$counts shard $i: $n;"
done
echo "with task 1 requeued mid-way ($before samples stored when it was killed): ${t_requeue} s; $asked requests for $planned samples ($lost in flight at the kill, asked again);$counts"
