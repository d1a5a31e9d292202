# zsim sweep: grid expansion, runs on several workers, resume, determinism
# across -j, the merged table against each run's own summary, --merge, the
# command-line form, --emit files, bad specs refused in one line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sweep_lib.sh"
W="$T/w"
mkdir -p "$W"
# two tiny traces: a 24 MiB service that re-reads its pages, a 12 MiB hogger
sweep_inputs "$W"
cat > "$W/spec.json" <<'J'
{ "base": "mini.json", "traces": ["svc.trc", ["svc.trc", "hog.trc"]], "seeds": [1, 2],
  "grid": { "machine.ram": ["20M", "48M"], "devices.zram0.comp": ["lz4", "zstd"],
            "devices.zram0.size": ["8M", "16M"] },
  "out": "out" }
J
NRUNS=$((2 * 2 * 2 * 2 * 2))

# column N of the csv by header name; row by run name
col() { awk -F, -v c="$2" -v r="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	$1 == r { print $k }' "$1"; }

# ---- expansion ----
(cd "$W" && "$ZSIM" sweep spec.json --list) > "$T/list"
check "sweep: --list has grid x traces x seeds runs" [ "$(wc -l < "$T/list")" -eq $NRUNS ]
check "sweep: run names are unique" [ "$(cut -d' ' -f1 "$T/list" | sort -u | wc -l)" -eq $NRUNS ]
check "sweep: a name is readable values + 16 hex digits" \
	grep -Eq '^20M_lz4_8M_t0_s1-[0-9a-f]{16} todo traces=svc.trc seed=1 machine.ram=20M devices.zram0.comp=lz4 devices.zram0.size=8M$' "$T/list"
check "sweep: the seed varies fastest, the first key slowest" \
	sh -c "sed -n '2p;$NRUNS p' '$T/list' | grep -c -e '_t0_s2-' -e '^48M_zstd_16M_t1_s2-' | grep -qx 2"

# ---- a run at -j2, then again at -j1 into another directory: the same bytes ----
(cd "$W" && "$ZSIM" sweep spec.json -j2 > "$T/out" 2> "$T/err")
rc=$?
check "sweep: exit 0 when every run completed (OOM kills included)" [ $rc -eq 0 ]
check "sweep: every run has a results directory" [ "$(ls "$W/out/runs" | wc -l)" -eq $NRUNS ]
check "sweep: sweep.csv has a header and a row per run" [ "$(wc -l < "$W/out/sweep.csv")" -eq $((NRUNS + 1)) ]
check "sweep: the closing line counts the runs" grep -q "^$NRUNS runs: $NRUNS run now, 0 done before, 0 failed" "$T/out"
check "sweep: progress on stderr with an ETA" grep -q "runs done.*ETA" "$T/err"
check "sweep: header: run, grid keys, traces, seed, status, then the summary" \
	grep -q '^run,machine.ram,devices.zram0.comp,devices.zram0.size,traces,seed,status,.*vmstat.pswpin' "$W/out/sweep.csv"
check "sweep: no column twice" [ "$(head -1 "$W/out/sweep.csv" | tr , '\n' | sort | uniq -d | wc -l)" -eq 0 ]
check "sweep: 20M of RAM and 8M of zram OOM-kill the pair of traces (status outcome)" \
	sh -c "grep '^20M_lz4_8M_t1_s1-' '$W/out/sweep.csv' | grep -q ',outcome,'"
check "sweep: 48M of RAM holds the service alone (status ok)" \
	sh -c "grep '^48M_lz4_16M_t0_s1-' '$W/out/sweep.csv' | grep -q ',ok,'"
check "sweep: sweep.json has a row per run" [ "$(grep -c '"run": ' "$W/out/sweep.json")" -eq $NRUNS ]
check "sweep: spec.json kept with absolute paths" grep -q "\"base\": \"$W/mini.json\"" "$W/out/spec.json"

# the table's numbers are the runs' own summaries, and those are what zsim run gives
r=$(cut -d' ' -f1 "$T/list" | grep '^20M_zstd_16M_t0_s2-')
"$ZSIM" --config "$W/mini.json" --set machine.ram=20M --set devices.zram0.comp=zstd --set devices.zram0.size=16M \
	--trace "$W/svc.trc" --seed 2 --out "$T/direct" --quiet --no-fail-outcome
for k in vmstat.pswpin vmstat.pswpout vmstat.oom_kill sim_time_ns; do
	check "sweep: $k of a run in the table = its summary.json = a direct zsim run" \
		sh -c "[ '$(col "$W/out/sweep.csv" "$k" "$r")' = '$(jget "$W/out/runs/$r/summary.json" "$k")' ] &&
		       [ '$(jget "$T/direct/summary.json" "$k")' = '$(jget "$W/out/runs/$r/summary.json" "$k")' ]"
done
check "sweep: the run's swap-ins are not all zero (the grid matters)" [ "$(col "$W/out/sweep.csv" vmstat.pswpin "$r")" -gt 0 ]
check "sweep: comp is applied: lz4 and zstd runs differ in compressed size" \
	sh -c "[ '$(col "$W/out/sweep.csv" devices.zram0.mm_stat.compr_data_size "$(cut -d' ' -f1 "$T/list" | grep '^20M_zstd_16M_t0_s1-')")' != \
		'$(col "$W/out/sweep.csv" devices.zram0.mm_stat.compr_data_size "$(cut -d' ' -f1 "$T/list" | grep '^20M_lz4_16M_t0_s1-')")' ]"

(cd "$W" && "$ZSIM" sweep spec.json -j1 --out out1 -q)
check "sweep: -j1 and -j2 give byte-identical sweep.csv" cmp -s "$W/out/sweep.csv" "$W/out1/sweep.csv"
check "sweep: -j1 and -j2 give byte-identical sweep.json" cmp -s "$W/out/sweep.json" "$W/out1/sweep.json"

# ---- resume ----
r0=$(cut -d' ' -f1 "$T/list" | head -1)
touch -d '2000-01-01' "$W/out/runs/$r0/summary.json"
rm -rf "$W/out/runs/$(cut -d' ' -f1 "$T/list" | sed -n 5p)"
sed 's/"interrupted": false/"interrupted": true/' "$W/out/runs/$r/summary.json" > "$T/s" && cp "$T/s" "$W/out/runs/$r/summary.json"
(cd "$W" && "$ZSIM" sweep spec.json -q)
(cd "$W" && "$ZSIM" sweep spec.json > "$T/out" 2>/dev/null)
check "sweep: a second sweep runs nothing" grep -q "^$NRUNS runs: 0 run now, $NRUNS done before" "$T/out"
(cd "$W" && "$ZSIM" sweep spec.json --list) > "$T/list2"
check "sweep: resume left a done run alone" [ "$(find "$W/out/runs/$r0/summary.json" -newermt '2001-01-01' | wc -l)" -eq 0 ]
check "sweep: resume redid the removed and the interrupted run" [ "$(grep -c ' todo ' "$T/list2")" -eq 0 ]
check "sweep: the interrupted run was run again" is "$W/out/runs/$r/summary.json" interrupted false
check "sweep: after resume the table is the same bytes" cmp -s "$W/out/sweep.csv" "$W/out1/sweep.csv"

# ---- --merge ----
rm -f "$W/out/sweep.csv" "$W/out/sweep.json"
"$ZSIM" sweep --merge "$W/out" -q
check "sweep: --merge rebuilds sweep.csv byte for byte" cmp -s "$W/out/sweep.csv" "$W/out1/sweep.csv"
check "sweep: --merge rebuilds sweep.json byte for byte" cmp -s "$W/out/sweep.json" "$W/out1/sweep.json"
cp -r "$W/out1" "$W/part"
rm -rf "$W/part/runs/$r0"
"$ZSIM" sweep --merge "$W/part" -q 2> "$T/err"
rc=$?
check "sweep: --merge with a run missing exits 1" [ $rc -eq 1 ]
check "sweep: ... and says which, in one line" sh -c "[ \$(wc -l < '$T/err') -eq 1 ] && grep -q '1 of $NRUNS runs have no complete results (the first: $r0)' '$T/err'"
check "sweep: ... its row says missing" grep -q "^$r0,.*,missing," "$W/part/sweep.csv"

# ---- the command-line form: the same runs and table as the spec ----
(cd "$W" && "$ZSIM" sweep --config mini.json --trace svc.trc --seeds 1 --grid machine.ram=20M,48M \
	--grid devices.zram0.comp=lz4 --out cl -q)
check "sweep: command-line form: 2 runs" [ "$(wc -l < "$W/cl/sweep.csv")" -eq 3 ]
cat > "$W/one.json" <<'J'
{ "base": "mini.json", "traces": ["svc.trc"], "seeds": [1], "grid": { "machine.ram": ["20M", "48M"], "devices.zram0.comp": ["lz4"] } }
J
(cd "$W" && "$ZSIM" sweep one.json --out one -q)
check "sweep: command-line form = the same spec in a file (byte for byte)" cmp -s "$W/cl/sweep.csv" "$W/one/sweep.csv"

# ---- goals ----
cat > "$W/goals.json" <<'J'
{ "base": "mini.json", "traces": [["svc.trc", "hog.trc"]], "grid": { "machine.ram": ["20M", "64M"] }, "goals": "oom>0" }
J
(cd "$W" && "$ZSIM" sweep goals.json --out g -q)
check "sweep: goals: the OOM run breaks one" sh -c "grep '^20M' '$W/g/sweep.csv' | grep -q ',outcome,1,'"
check "sweep: goals: the big machine breaks none" sh -c "grep '^64M' '$W/g/sweep.csv' | grep -q ',ok,0,'"
check "sweep: no seeds: the seed column is the config's" sh -c "grep '^64M' '$W/g/sweep.csv' | grep -q ',svc.trc+hog.trc,1,'"

# ---- a failing run: listed, exit 1, the others complete ----
printf 'not a trace\n' > "$W/broken.trc"
cat > "$W/fail.json" <<'J'
{ "base": "mini.json", "traces": ["svc.trc", "broken.trc"], "grid": { "machine.ram": ["48M"] } }
J
(cd "$W" && "$ZSIM" sweep fail.json --out f > "$T/out" 2> "$T/err")
rc=$?
check "sweep: a failed run makes the sweep exit 1" [ $rc -eq 1 ]
check "sweep: the failed run is listed with its exit status and reason" grep -Eq '^zsim sweep: run 48M_t1-[0-9a-f]{16} failed \(exit 1; .*logs/48M_t1-[0-9a-f]{16}\.log\): zsim: ' "$T/err"
check "sweep: the other run completed" grep -q '^48M_t0-.*,ok,' "$W/f/sweep.csv"

# ---- --emit ----
(cd "$W" && "$ZSIM" sweep spec.json --out em --emit parallel > "$T/out")
check "sweep: --emit parallel: a job per run" [ "$(wc -l < "$W/em/jobs.txt")" -eq $NRUNS ]
check "sweep: --emit parallel: each job is zsim sweep SPEC --only ID" \
	grep -Eq "^'[^']*' sweep '$W/em/spec.json' --quiet --only '20M_lz4_8M_t0_s1-[0-9a-f]{16}'\$" "$W/em/jobs.txt"
check "sweep: --emit parallel: says how to run it across machines" grep -q 'parallel --sshloginfile HOSTS' "$T/out"
check "sweep: --emit runs nothing" [ "$(ls "$W/em/runs" | wc -l)" -eq 0 ]
(cd "$W" && "$ZSIM" sweep spec.json --out em --emit slurm > /dev/null)
check "sweep: --emit slurm: an array of one task per run" grep -qx "#SBATCH --array=0-$((NRUNS - 1))" "$W/em/sweep.sbatch"
check "sweep: --emit slurm: runs.txt lists the runs in order" \
	sh -c "cut -d' ' -f1 '$T/list' | cmp -s - '$W/em/runs.txt'"
# one job of the file, by hand: it runs that run only
sed -n 3p "$W/em/jobs.txt" > "$T/job.sh"
sh "$T/job.sh"
rc=$?
check "sweep: a job line runs its run (exit 0) and only it" \
	sh -c "[ $rc -eq 0 ] && [ \$(ls '$W/em/runs' | wc -l) -eq 1 ] && [ -d '$W/em/runs/$(sed -n 3p "$T/list" | cut -d' ' -f1)' ]"
check "sweep: its results equal the local sweep's" \
	cmp -s "$W/em/runs/$(sed -n 3p "$T/list" | cut -d' ' -f1)/summary.json" "$W/out1/runs/$(sed -n 3p "$T/list" | cut -d' ' -f1)/summary.json"

# ---- --plot ----
if command -v gnuplot > /dev/null 2>&1; then
	"$ZSIM" sweep --merge "$W/out1" --plot devices.zram0.size,oom,devices.zram0.comp \
		--plot devices.zram0.size,major_fault_latency_ns.p99,devices.zram0.comp --format svg -q
	check "sweep: --plot twice: p99 against zram size as well (SVG)" \
		grep -q '<svg' "$W/out1/plots/major_fault_latency_ns.p99-vs-devices.zram0.size-by-devices.zram0.comp.svg"
	"$ZSIM" sweep --merge "$W/out1" --plot devices.zram0.size,oom,devices.zram0.comp -q
	check "sweep: --plot draws OOM kills against zram size, a line per codec" \
		[ -s "$W/out1/plots/outcome.oom_kills-vs-devices.zram0.size-by-devices.zram0.comp.png" ]
	check "sweep: --plot's data: a block per codec, x in MiB" \
		sh -c "grep -c '^# ' '$W/out1/plots/outcome.oom_kills-vs-devices.zram0.size-by-devices.zram0.comp.dat' | grep -qx 2 &&
		       grep -q '^8 ' '$W/out1/plots/outcome.oom_kills-vs-devices.zram0.size-by-devices.zram0.comp.dat'"
	expect_error "sweep: --plot with an alias naming several keys" "'p99' names [0-9]+ keys" \
		"$ZSIM" sweep --merge "$W/out1" --plot machine.ram,p99 -q
else
	echo "skip: t_sweep.sh --plot checks (gnuplot is not installed)"
fi

# ---- bad specs: one line naming the spec and the JSON path, exit 1, nothing run ----
bad() { # NAME PATTERN SPEC-TEXT
	printf '%s\n' "$3" > "$W/bad.json"
	expect_error "sweep: bad spec: $1" "$2" sh -c "cd '$W' && '$ZSIM' sweep bad.json --out badout"
	[ -e "$W/badout" ] && fail "sweep: bad spec: $1: made an output directory"
	rm -rf "$W/badout"
}
G='"base": "mini.json", "traces": ["svc.trc"]'
bad "unknown key" '^zsim sweep: bad.json: \$\.grid\."devices\.zram0\.codc"\[0\]: .*unknown key .codc.' \
	"{ $G, \"grid\": { \"devices.zram0.codc\": [\"lz4\"] } }"
bad "bad value" '^zsim sweep: bad.json: \$\.grid\."devices\.zram0\.comp"\[1\]: .*unknown compressor .lz5.' \
	"{ $G, \"grid\": { \"devices.zram0.comp\": [\"lz4\", \"lz5\"] } }"
bad "empty grid" '^zsim sweep: bad.json: \$\.grid: empty grid' "{ $G, \"grid\": {} }"
bad "empty list" '^zsim sweep: bad.json: \$\.grid\."machine\.ram": empty list' "{ $G, \"grid\": { \"machine.ram\": [] } }"
bad "no grid" '^zsim sweep: bad.json: \$\.grid: expected an object' "{ $G }"
bad "missing trace" "^zsim sweep: bad.json: \\\$\\.traces\\[1\\]\\[0\\]: cannot read 'nope.trc'" \
	'{ "base": "mini.json", "traces": ["svc.trc", ["nope.trc"]], "grid": { "machine.ram": ["1G"] } }'
bad "no traces" '^zsim sweep: bad.json: \$\.traces: empty list' '{ "base": "mini.json", "traces": [], "grid": { "machine.ram": ["1G"] } }'
bad "missing base" "^zsim sweep: bad.json: \\\$\\.base: cannot read 'no.json'" \
	'{ "base": "no.json", "traces": ["svc.trc"], "grid": { "machine.ram": ["1G"] } }'
bad "unknown spec key" '^zsim sweep: bad.json: \$\."grdi": unknown key' "{ $G, \"grdi\": {} }"
bad "duplicate value" "^zsim sweep: bad.json: \\\$\\.grid\\.\"machine\\.ram\"\\[1\\]: '1G' is already" \
	"{ $G, \"grid\": { \"machine.ram\": [\"1G\", \"1G\"] } }"
bad "bad seed" '^zsim sweep: bad.json: \$\.seeds\[1\]: expected a non-negative integer' \
	"{ $G, \"seeds\": [1, -2], \"grid\": { \"machine.ram\": [\"1G\"] } }"
bad "relative goal" '^zsim sweep: bad.json: \$\.goals: .p99>\+5%. is relative' \
	"{ $G, \"goals\": \"p99>+5%\", \"grid\": { \"machine.ram\": [\"1G\"] } }"
bad "goal syntax" '^zsim sweep: bad.json: \$\.goals: position' \
	"{ $G, \"goals\": \"oom>>\", \"grid\": { \"machine.ram\": [\"1G\"] } }"
bad "not JSON" '^zsim sweep: bad.json: line [0-9]+, column [0-9]+: ' "{ $G"
bad "a combination the config refuses" '^zsim sweep: bad.json: \$\.grid: the run machine\.ram=16M, machine\.kernel_reserve=12M: .*kernel_reserve' \
	"{ $G, \"grid\": { \"machine.ram\": [\"64M\", \"16M\"], \"machine.kernel_reserve\": [\"12M\"] } }"
# a goal on a key no summary has: refused after the first run, before the rest
printf '%s\n' "{ $G, \"goals\": \"nosuchkey>0\", \"grid\": { \"machine.ram\": [\"48M\", \"64M\"] } }" > "$W/bad.json"
expect_error "sweep: bad spec: a goal on a key the summary lacks" \
	"^zsim sweep: bad.json: \\\$\\.goals: 'nosuchkey>0': the runs' summaries have no key 'nosuchkey'" \
	sh -c "cd '$W' && '$ZSIM' sweep bad.json --out goalout -q"
check "sweep: ... and only one run was made" [ "$(ls "$W/goalout/runs" | wc -l)" -eq 1 ]
expect_error "sweep: --only an unknown run" '^zsim sweep: --only nope: .* has no such run' \
	sh -c "cd '$W' && '$ZSIM' sweep spec.json --only nope"
expect_error "sweep: --merge a directory without spec.json" '^zsim sweep: --merge .*: no spec.json there' \
	"$ZSIM" sweep --merge "$W/out/runs"
expect_error "sweep: --emit an unknown engine" "^zsim sweep: --emit: unknown kind 'pbs'" \
	sh -c "cd '$W' && '$ZSIM' sweep one.json --out em2 --emit pbs"
expect_error "sweep: no spec" '^zsim sweep: no SPEC given' "$ZSIM" sweep
expect_error "sweep: --grid without a value list" "^zsim sweep: command line: \\\$\\.grid\\.\"machine.ram\": empty list" \
	sh -c "cd '$W' && '$ZSIM' sweep --config mini.json --trace svc.trc --grid machine.ram="

# ---- SIGTERM: the running runs are stopped, nothing half-done counts, the next sweep finishes ----
# (a scan rewriting 40 MiB through zram on 32 MiB of RAM: a few seconds a run)
"$ZSIM" trace gen scan --size 40M --passes 10 --write 1 --content text -o "$W/slow.trc"
cat > "$W/slow.json" <<'J'
{ "base": "mini.json", "traces": ["slow.trc"], "set": { "devices.zram0.size": "64M" },
  "grid": { "devices.zram0.comp": ["lz4", "lzo-rle"] } }
J
(cd "$W" && exec "$ZSIM" sweep slow.json -j2 --out slow -q) 2> "$T/err" &
pid=$!
sleep 0.4
kill -TERM $pid
wait $pid
rc=$?
if [ $rc -eq 0 ]; then
	echo "skip: t_sweep.sh SIGTERM checks: the sweep finished before the signal"
else
	check "sweep: SIGTERM stops the sweep with 143" [ $rc -eq 143 ]
	check "sweep: ... saying the rest is left for the next sweep" grep -q 'interrupted; runs not done are left' "$T/err"
	(cd "$W" && "$ZSIM" sweep slow.json --out slow --list) > "$T/list3"
	check "sweep: ... and the stopped runs are not done" [ "$(grep -c ' todo ' "$T/list3")" -ge 1 ]
	(cd "$W" && "$ZSIM" sweep slow.json -j2 --out slow -q)
	check "sweep: the next sweep completes them" [ $? -eq 0 ]
	check "sweep: no run is left marked interrupted" sh -c "! grep -l '\"interrupted\": true' '$W'/slow/runs/*/summary.json"
	(cd "$W" && "$ZSIM" sweep slow.json -j2 --out slow2 -q)
	check "sweep: the resumed table = an uninterrupted sweep's" cmp -s "$W/slow/sweep.csv" "$W/slow2/sweep.csv"
fi
