# zsim sweep --emit parallel, run for real by GNU parallel on this machine:
# once as a plain job file, once through --sshloginfile with ':' (this host,
# the way a list of machines is given).  Each merged table must equal the
# local sweep's byte for byte.  Skipped (with a line saying so) without GNU parallel.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
if ! command -v parallel > /dev/null 2>&1 || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	echo "skip: t_sweep_parallel.sh: GNU parallel is not installed (make deps installs it)"
	exit 0
fi
W="$T/w"
mkdir -p "$W"
sweep_inputs "$W"
cat > "$W/spec.json" <<'J'
{ "base": "mini.json", "traces": ["svc.trc", ["svc.trc", "hog.trc"]], "seeds": [1, 2],
  "grid": { "machine.ram": ["20M", "48M"], "devices.zram0.comp": ["lz4", "zstd"] } }
J
N=16
(cd "$W" && "$ZSIM" sweep spec.json --out local -q)
check "parallel: the local sweep completed" [ "$(wc -l < "$W/local/sweep.csv")" -eq $((N + 1)) ]

# 1: the job file as is, on 2 job slots
(cd "$W" && "$ZSIM" sweep spec.json --out par --emit parallel > /dev/null)
parallel --will-cite --jobs 2 --halt now,fail=1 < "$W/par/jobs.txt" > "$T/par.out" 2>&1
rc=$?
check "parallel: every job exited 0 (OOM kills are outcomes)" [ $rc -eq 0 ]
check "parallel: every run has results" [ "$(ls "$W/par/runs" | wc -l)" -eq $N ]
"$ZSIM" sweep --merge "$W/par" -q
check "parallel: merged sweep.csv = the local sweep's, byte for byte" cmp -s "$W/local/sweep.csv" "$W/par/sweep.csv"
check "parallel: merged sweep.json = the local sweep's, byte for byte" cmp -s "$W/local/sweep.json" "$W/par/sweep.json"

# 2: through --sshloginfile, ':' being this machine (2 slots: "2/:")
(cd "$W" && "$ZSIM" sweep spec.json --out ssh --emit parallel > "$T/emit.out")
check "parallel: --emit prints the --sshloginfile command" grep -q "parallel --sshloginfile HOSTS" "$T/emit.out"
printf '2/:\n' > "$W/hosts"
parallel --will-cite --sshloginfile "$W/hosts" --halt now,fail=1 < "$W/ssh/jobs.txt" > "$T/ssh.out" 2>&1
rc=$?
check "parallel --sshloginfile: every job exited 0" [ $rc -eq 0 ]
"$ZSIM" sweep --merge "$W/ssh" -q
check "parallel --sshloginfile: merged sweep.csv = the local sweep's" cmp -s "$W/local/sweep.csv" "$W/ssh/sweep.csv"
check "parallel --sshloginfile: merged sweep.json = the local sweep's" cmp -s "$W/local/sweep.json" "$W/ssh/sweep.json"

# run twice: the second pass skips every run (resume), exit 0
parallel --will-cite --jobs 2 < "$W/par/jobs.txt" > /dev/null 2>&1
check "parallel: a second pass over the job file exits 0 (runs already done)" [ $? -eq 0 ]

# a failing job fails parallel's exit status (a run with a broken trace)
printf 'not a trace\n' > "$W/broken.trc"
cat > "$W/fail.json" <<'J'
{ "base": "mini.json", "traces": ["broken.trc"], "grid": { "machine.ram": ["48M"] } }
J
(cd "$W" && "$ZSIM" sweep fail.json --out fail --emit parallel > /dev/null)
parallel --will-cite --jobs 1 < "$W/fail/jobs.txt" > /dev/null 2> "$T/fail.err"
rc=$?
check "parallel: a failed run makes parallel exit nonzero" [ $rc -ne 0 ]
check "parallel: the failed job said why" grep -q 'zsim sweep: run 48M-[0-9a-f]* failed (exit 1' "$T/fail.err"
