#!/bin/sh
# plot.sh - draw a run's timeseries.csv with gnuplot:
#     scripts/plot.sh RESULTS_DIR [png|svg]
# writes RESULTS_DIR/memory.png (free memory, anon and file LRU, zsmalloc pages,
# swap in use, over simulated time) and RESULTS_DIR/activity.png (swap-ins,
# swap-outs, major faults and direct-reclaim stalls per interval).
set -eu
dir=${1:?usage: scripts/plot.sh RESULTS_DIR [png|svg]}
fmt=${2:-png}
csv="$dir/timeseries.csv"
[ -f "$csv" ] || { echo "plot: $csv: no such file" >&2; exit 1; }
command -v gnuplot > /dev/null || { echo "plot: gnuplot not found (apt-get install gnuplot-nox)" >&2; exit 1; }
case $fmt in
png) term="pngcairo size 1000,500"; gnuplot -e "set terminal pngcairo" > /dev/null 2>&1 || term="png size 1000,500" ;;
svg) term="svg size 1000,500" ;;
*) echo "plot: format must be png or svg" >&2; exit 1 ;;
esac
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# per-interval deltas of the cumulative counters
awk -F, 'NR == 1 { print "t,pswpin,pswpout,pgmajfault,allocstall"; next }
	{ printf "%.3f,%d,%d,%d,%d\n", $1 / 1e9, $8 - a, $9 - b, $10 - c, $13 - d; a = $8; b = $9; c = $10; d = $13 }' \
	"$csv" > "$tmp"
gnuplot <<GP
set datafile separator ","
set key outside right
set style data lines
set grid
set xlabel "simulated time (s)"
set terminal $term
set output "$dir/memory.$fmt"
set title "memory (MiB)"
mib(p) = p * 4096.0 / 1048576
plot "$csv" using (\$1/1e9):(mib(\$2)) with lines lw 2 title "free", \
     "" using (\$1/1e9):(mib(\$3)) with lines lw 2 title "anon LRU", \
     "" using (\$1/1e9):(mib(\$4)) with lines lw 2 title "file LRU", \
     "" using (\$1/1e9):(mib(\$5)) with lines lw 2 title "zsmalloc", \
     "" using (\$1/1e9):(mib(\$6)) with lines lw 2 title "swap used"
set output "$dir/activity.$fmt"
set title "events per sample interval"
set logscale y
plot "$tmp" using 1:(\$2 + 0.1) with steps title "pswpin", \
     "" using 1:(\$3 + 0.1) with steps title "pswpout", \
     "" using 1:(\$4 + 0.1) with steps title "pgmajfault", \
     "" using 1:(\$5 + 0.1) with steps title "allocstall"
GP
echo "plot: $dir/memory.$fmt $dir/activity.$fmt"
