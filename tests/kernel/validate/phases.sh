#!/bin/sh
# phases.sh - two runs of one workload side by side over time: what reclaim
# and each process did in every sample interval, the kernel's (a `zsim play`
# results directory, or a validation boot's) against zsim's.  The whole-run
# table (table.sh) says that zsim's direct share differs; this says when:
# per interval, kswapd's CPU (timeseries.csv's kswapd_cpu_ns, where the run
# has it), the pages kswapd and direct reclaim stole and the direct share,
# and for each process its faults (minor and major) and its CPU
# (processes.csv).  Rows are matched by their time rounded to the interval
# (play samples at about every 100 ms of wall time, zsim at exactly that).
#
# Usage: phases.sh [--interval MS] [--from S] [--to S] [--procs NAME,...] A B
#   A, B: results directories (timeseries.csv, and processes.csv if any).
#   --procs: the processes to show, by name (default: every name, at most 3).
#   Prints one line per interval where either run reclaimed or a shown
#   process faulted; "-" where a run has no row or no such column.
set -eu
iv=100 from=0 to=1e18 procs=""
while [ $# -gt 0 ]; do
	case $1 in
	--interval) iv=$2; shift 2 ;;
	--from) from=$2; shift 2 ;;
	--to) to=$2; shift 2 ;;
	--procs) procs=$2; shift 2 ;;
	-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "phases.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: phases.sh [--interval MS] [--from S] [--to S] [--procs NAME,...] A B" >&2; exit 2; }
for d in "$1" "$2"; do
	[ -f "$d/timeseries.csv" ] || { echo "phases.sh: $d: no timeseries.csv" >&2; exit 1; }
done
case $iv in ''|*[!0-9]*|0) echo "phases.sh: --interval $iv: a whole number of ms above 0" >&2; exit 2 ;; esac

# each run's rows, one line per interval: "RUN KEY FIELD VALUE"
rows() { # RUN DIR
	pc=$2/processes.csv
	[ -f "$pc" ] || pc=/dev/null
	awk -F, -v run="$1" -v iv="$iv" '
		FNR == 1 { for (i = 1; i <= NF; i++) c[FILENAME, $i] = i; next }
		{ k = int($1 / (iv * 1e6) + 0.5) }
		FILENAME ~ /timeseries.csv$/ {
			ks = c[FILENAME, "kswapd_cpu_ns"]
			print run, k, "stK", $(c[FILENAME, "pgsteal_kswapd"])
			print run, k, "stD", $(c[FILENAME, "pgsteal_direct"])
			if (ks) print run, k, "ksw", $ks
			next }
		{ print run, k, "P:" $(c[FILENAME, "name"]) ":" $(c[FILENAME, "process"]), $(c[FILENAME, "minor_faults"]) " " $(c[FILENAME, "major_faults"]) " " $(c[FILENAME, "cpu_ns"]) }
	' "$2/timeseries.csv" "$pc"
}

{ rows A "$1"; rows B "$2"; } | awk -v iv="$iv" -v from="$from" -v to="$to" -v procs="$procs" -v an="$1" -v bn="$2" '
function cum(run, k, f) { return (run SUBSEP k SUBSEP f) in v ? v[run, k, f] : "" }
# a counter over the interval ending at sample k: "" where either end is missing
function dlt(run, k, f,   a, b) { a = cum(run, k, f); b = cum(run, k - 1, f)
	return (a == "" || b == "") ? "" : a - b }
function show(x, w, d) { return sprintf("%" w "s", x == "" ? "-" : sprintf("%." d "f", x)) }
{ f = $3
  if (f ~ /^P:/) {   # a process: by name (the first of that name in the run)
	split(f, q, ":"); name = q[2]
	if (!((name) in seen)) { seen[name] = 1; names[++nn] = name }
	v[$1, $2, "min:" name] += $4; v[$1, $2, "maj:" name] += $5; v[$1, $2, "cpu:" name] += $6
  } else v[$1, $2, f] = $4
  if ($2 > kmax) kmax = $2 }
END {
	ns = 0
	if (procs != "") ns = split(procs, show_names, ",")
	else for (i = 1; i <= nn && ns < 3; i++) show_names[++ns] = names[i]
	printf "A: %s\nB: %s\n", an, bn
	printf "%7s |", "t (s)"
	for (r = 1; r <= 2; r++) {
		printf " %s: %7s %6s %6s %5s", r == 1 ? "A" : "B", "ksw ms", "stK", "stD", "dir%"
		for (i = 1; i <= ns; i++) printf " %14s", show_names[i] " flt/maj/ms"
		printf " |"
	}
	printf "\n"
	for (k = 1; k <= kmax; k++) {
		t = k * iv / 1000
		if (t < from || t > to) continue
		line = sprintf("%7.2f |", t); busy = 0
		for (r = 1; r <= 2; r++) {
			run = r == 1 ? "A" : "B"
			ks = dlt(run, k, "ksw"); sk = dlt(run, k, "stK"); sd = dlt(run, k, "stD")
			if (sk + sd > 0) busy = 1
			dir = (sk != "" && sd != "" && sk + sd > 0) ? 100 * sd / (sk + sd) : ""
			line = line sprintf("    %s %s %s %s", show(ks == "" ? "" : ks / 1e6, 7, 1), show(sk, 6, 0), show(sd, 6, 0), show(dir, 5, 0))
			for (i = 1; i <= ns; i++) {
				n = show_names[i]
				mi = dlt(run, k, "min:" n); ma = dlt(run, k, "maj:" n); cp = dlt(run, k, "cpu:" n)
				if (mi + ma > 0) busy = 1
				line = line sprintf(" %14s", (mi == "" ? "-" : (mi + ma) "/" ma "/" sprintf("%.0f", cp / 1e6)))
			}
			line = line " |"
		}
		if (busy) print line
	}
}'
