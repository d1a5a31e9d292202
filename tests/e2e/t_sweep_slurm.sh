# zsim sweep --emit slurm, run for real on a one-node Slurm cluster that this
# test makes and takes down: munged with a fresh key, slurmctld and slurmd with
# a generated slurm.conf (the node line from `slurmd -C`, state, logs, pids and
# sockets in a temporary directory, ports found free), all in the foreground
# of this test and stopped by their pids on every way out (trap).  The array
# job's merged table must equal the local sweep's byte for byte.  Nothing is
# enabled or installed system-wide.  Skipped, with a line saying why, without
# root or without Debian's slurmctld, slurmd, slurm-client and munge.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
for c in munged slurmctld slurmd sbatch sinfo scontrol; do
	if ! command -v "$c" > /dev/null 2>&1 && [ ! -x "/usr/sbin/$c" ]; then
		echo "skip: t_sweep_slurm.sh: $c is not installed (make deps installs slurmctld slurmd slurm-client munge)"
		exit 0
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "skip: t_sweep_slurm.sh: starting munged, slurmctld and slurmd needs root"
	exit 0
fi
PATH=$PATH:/usr/sbin
WAIT=${ZSIM_SLURM_WAIT:-300}   # seconds the array job may take, at most
W="$T/w"
D=$(mktemp -d /tmp/zsim-slurm.XXXXXX)   # short: munge's and slurm's socket paths are limited
chmod 700 "$D"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2> /dev/null
	done
	for p in $pids; do   # at most 10 s each, then KILL
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$p" 2> /dev/null
	done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$W" "$D/state" "$D/spool" "$D/log"

# ---- the sweep, locally first ----
sweep_inputs "$W"
cat > "$W/spec.json" <<'J'
{ "base": "mini.json", "traces": ["svc.trc", ["svc.trc", "hog.trc"]],
  "grid": { "machine.ram": ["20M", "48M"], "devices.zram0.comp": ["lz4", "zstd"] } }
J
N=8
(cd "$W" && "$ZSIM" sweep spec.json --out local -q)
check "slurm: the local sweep completed" [ "$(wc -l < "$W/local/sweep.csv")" -eq $((N + 1)) ]
(cd "$W" && "$ZSIM" sweep spec.json --out sl --emit slurm > /dev/null)
check "slurm: --emit slurm wrote the array job" grep -qx "#SBATCH --array=0-$((N - 1))" "$W/sl/sweep.sbatch"

# ---- munge: a generated key, its own socket ----
dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$D/munge.key"
munged --foreground --force --key-file="$D/munge.key" --socket="$D/munge.sock" --pid-file="$D/munged.pid" \
	--log-file="$D/log/munged.log" --seed-file="$D/munged.seed" > "$D/log/munged.out" 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$D/munge.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -S "$D/munge.sock" ]; then
	fail "slurm: munged started" "$(tail -3 "$D/log/munged.log" "$D/log/munged.out" 2> /dev/null | tr '\n' ' ')"
	exit 0
fi
pass "slurm: munged started"

# ---- slurm.conf: one node, this machine, free ports ----
port_free() { ! (ss -Hltn 2> /dev/null | awk '{print $4}' | grep -q ":$1\$"); }
p=$((20000 + $$ % 20000))
while ! port_free $p || ! port_free $((p + 1)); do p=$((p + 2)); done
node=$(slurmd -C | head -1)
name=$(echo "$node" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p')
cat > "$D/slurm.conf" <<EOF
ClusterName=zsimtest
SlurmctldHost=$name(127.0.0.1)
SlurmctldPort=$p
SlurmdPort=$((p + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge.sock
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=zsim Nodes=$name Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$D/slurm.conf"
slurmctld -D -i -f "$D/slurm.conf" > "$D/log/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$D/slurm.conf" -N "$name" > "$D/log/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
while ! sinfo -h -N -o '%T' 2> /dev/null | grep -Eq '^idle'; do
	sleep 0.5
	i=$((i + 1))
	if [ $i -gt 120 ]; then
		fail "slurm: the node came up idle" "$(tail -3 "$D/log/slurmctld.log" "$D/log/slurmd.log" 2> /dev/null | tr '\n' ' ')"
		exit 0
	fi
done
pass "slurm: slurmctld and slurmd up, the node idle"

# ---- the array job ----
timeout "$WAIT" sbatch --wait --quiet "$W/sl/sweep.sbatch" > "$T/sbatch.out" 2>&1
rc=$?
check "slurm: sbatch --wait: the array job finished in time and every task exited 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || echo "  sbatch: $(tr '\n' ' ' < "$T/sbatch.out"); slurmctld: $(tail -2 "$D/log/slurmctld.log" | tr '\n' ' ')"
check "slurm: every task made its run's results" [ "$(ls "$W/sl/runs" | wc -l)" -eq $N ]
check "slurm: each task logged under logs/" [ "$(ls "$W/sl/logs" | grep -c '^slurm-')" -eq $N ]
"$ZSIM" sweep --merge "$W/sl" -q
check "slurm: merged sweep.csv = the local sweep's, byte for byte" cmp -s "$W/local/sweep.csv" "$W/sl/sweep.csv"
check "slurm: merged sweep.json = the local sweep's, byte for byte" cmp -s "$W/local/sweep.json" "$W/sl/sweep.json"
