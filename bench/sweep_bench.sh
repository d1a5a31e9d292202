#!/bin/sh
# sweep_bench.sh - zsim sweep's figures (issue 14): the time per run, from a
# sample of a standard grid's runs one at a time, then the whole sweep of 60
# configs (RAM x zram size x codec on configs/zram.json) over the standard
# hogger and service traces (120 runs) on every core, printing runs, wall time, the sum of the runs' times and how the
# wall time compares with runs x time per run / cores.  Needs the standard
# traces (make traces); says so and skips without them.  A run of
# configs/zram.json spends ~0.13 s of CPU before simulating anything (its
# 16 GiB SSD's FTL is preconditioned: "precondition": true; 0.4 s before the
# preconditioning prefetched), so that fixed cost is part of the time per run here.
# Usage: sweep_bench.sh ZSIM TMPDIR
set -eu
ZSIM=$1
T=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TR=${SWEEP_BENCH_TRACES:-$ROOT/traces}
if [ ! -f "$TR/hogger-800m.trc" ] || [ ! -f "$TR/service-800m.trc" ]; then
	echo "== sweep: skipped (no $TR/hogger-800m.trc and service-800m.trc: make traces)"
	exit 0
fi
cores=$(getconf _NPROCESSORS_ONLN)
rm -rf "$T/sweep-out" "$T/seq"
cat > "$T/sweep.json" <<J
{ "base": "$ROOT/configs/zram.json",
  "traces": [ "$TR/hogger-800m.trc", "$TR/service-800m.trc" ],
  "grid": { "machine.ram": ["512M", "640M", "768M", "896M", "1G"],
            "devices.zram0.size": ["256M", "512M", "768M"],
            "devices.zram0.comp": ["lz4", "lzo-rle", "lzo", "zstd"] },
  "out": "$T/sweep-out" }
J
runs=$("$ZSIM" sweep "$T/sweep.json" --list | wc -l)
echo "== sweep: time per run (every 15th run of the grid below, one at a time: the grid's own mix of configs and traces)"
"$ZSIM" sweep "$T/sweep.json" --list | awk 'NR % 15 == 1 { print $1 }' > "$T/sample"
/usr/bin/time -f '%e %U %S' -o "$T/seq.time" sh -c 'while read -r id; do
	"$1" sweep "$2" --out "$3" --only "$id" --quiet || exit 1
done < "$4"' sh "$ZSIM" "$T/sweep.json" "$T/seq" "$T/sample"
ns=$(wc -l < "$T/sample")
read -r el us sy < "$T/seq.time"
per=$(echo "$el / $ns" | bc -l)
percpu=$(echo "($us + $sy) / $ns" | bc -l)
printf '  %s runs in %.2f s: %.3f s per run, %.3f s of CPU per run\n' "$ns" "$el" "$per" "$percpu"
rm -rf "$T/seq"
echo "== sweep: $runs runs (60 configs x 2 traces), zsim sweep -j $cores (every core)"
t0=$(date +%s.%N)
"$ZSIM" sweep "$T/sweep.json" -j "$cores" > "$T/sweep.out" 2> /dev/null
t1=$(date +%s.%N)
wall=$(echo "$t1 - $t0" | bc -l)
# the closing line: "N runs: N run now, ...; W s wall on J workers; run times sum S s (mean M s), CPU C s"
sum=$(sed -n 's/.*run times sum \([0-9.]*\) s.*/\1/p' "$T/sweep.out")
mean=$(sed -n 's/.*(mean \([0-9.]*\) s).*/\1/p' "$T/sweep.out")
rows=$(($(wc -l < "$T/sweep-out/sweep.csv") - 1))
pred=$(echo "$runs * $per / $cores" | bc -l)
printf '  runs %s (rows in sweep.csv: %s), wall %.1f s on %s cores\n' "$runs" "$rows" "$wall" "$cores"
cpu=$(sed -n 's/.*, CPU \([0-9.]*\) s$/\1/p' "$T/sweep.out")
printf '  sum of the runs'"'"' times %.1f s (mean %.3f s per run in the sweep): %.2f runs busy on average (target: %s)\n' \
	"$sum" "$mean" "$(echo "$sum / $wall" | bc -l)" "$cores"
printf '  CPU time of the runs %.1f s (%.3f s per run): %.0f%% of %s cores over the wall time (the rest went to other work on this machine)\n' \
	"$cpu" "$(echo "$cpu / $runs" | bc -l)" "$(echo "100 * $cpu / ($wall * $cores)" | bc -l)" "$cores"
printf '  CPU per run in the sweep / one at a time = %.2f (1.00: runs side by side cost no extra work)\n' \
	"$(echo "$cpu / $runs / $percpu" | bc -l)"
printf '  runs x time per run / cores = %s x %.3f s / %s = %.1f s; the wall time is %.2fx that (target: close to 1)\n' \
	"$runs" "$per" "$cores" "$pred" "$(echo "$wall / $pred" | bc -l)"
