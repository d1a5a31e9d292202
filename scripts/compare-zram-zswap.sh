#!/bin/sh
# compare-zram-zswap.sh - zram against zswap on one board (docs/zram-vs-zswap.md).
#
# Runs every stack of configs/compare/ (zram only, zram + SSD swap, zram with
# writeback to the SSD, zswap + SSD with each allocator the kernels have) on
# two workloads, and writes
#   OUTDIR/table.md      a Markdown table per workload
#   OUTDIR/table.csv     the same numbers, one row per (workload, stack)
#   OUTDIR/counters.txt  the counters docs/zram-vs-zswap.md explains them with
#   OUTDIR/compare.png   swap-in faults served from RAM vs flash, and MiB
#                        written to the SSD's swap partition, per stack (gnuplot)
#   OUTDIR/runs/WORKLOAD/STACK/   each run's results directory
# The workloads:
#   standard   traces/service-800m.trc + traces/kbuild.trc, as `make run` does
#              (scripts/make-traces.sh generates them)
#   appswitch  a phone switching between apps (zsim trace gen appswitch, below)
#
# Usage: scripts/compare-zram-zswap.sh [ZSIM] [OUTDIR]
#   ZSIM    default ./zsim if there, else zsim on the PATH
#   OUTDIR  default compare-out (created; traces go to OUTDIR/traces)
# Environment:
#   COMPARE_QUICK=1   small traces and five stacks, for tests/e2e/t_compare.sh
#                     (a few seconds; the numbers mean little)
#   COMPARE_CONFIGS   a directory of configs to use instead of configs/compare
#                     (the stacks are its *.json files, in the order below,
#                     then any others by name)
# Deterministic: the same zsim gives the same table.md, table.csv, counters.txt.
# Fails (exit 1) naming the run if zsim fails; an OOM kill is a result, not a failure.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
if [ -x ./zsim ]; then ZSIM=${1:-./zsim}; else ZSIM=${1:-zsim}; fi
OUT=${2:-compare-out}
CONFDIR=${COMPARE_CONFIGS:-$here/../configs/compare}
QUICK=${COMPARE_QUICK:-0}
SEED=2013

die() { echo "compare-zram-zswap.sh: $*" >&2; exit 1; }
command -v "$ZSIM" > /dev/null 2>&1 || [ -x "$ZSIM" ] || die "no zsim at '$ZSIM'"
[ -d "$CONFDIR" ] || die "no config directory $CONFDIR"
mkdir -p "$OUT/traces" "$OUT/runs"
T=$OUT/traces

# ---- the stacks, in table order ----
order="zram zram+ssd zram-writeback zswap-zsmalloc zswap-6.6-zbud zswap-6.6-z3fold zswap-6.6-zsmalloc"
if [ "$QUICK" = 1 ]; then
	order="zram zram+ssd zram-writeback zswap-zsmalloc zswap-6.6-zbud"
fi
stacks=""
for s in $order; do
	[ -f "$CONFDIR/$s.json" ] && stacks="$stacks $s"
done
if [ "$QUICK" != 1 ]; then
	for f in "$CONFDIR"/*.json; do
		[ -f "$f" ] || continue
		s=$(basename "$f" .json)
		case " $stacks " in *" $s "*) ;; *) stacks="$stacks $s" ;; esac
	done
fi
[ -n "$stacks" ] || die "no configs in $CONFDIR"

# ---- the traces ----
if [ "$QUICK" = 1 ]; then
	# Small stand-ins with the same shapes: an 800 MiB random service held for
	# 10 s, a 100 MiB tree built in 60 units, 4 large apps in 10 periods of 1 s.
	"$ZSIM" trace gen kbuild --tree-size 100M --files 5000 --units 60 --seed "$SEED" -o "$T/kbuild.trc"
	"$ZSIM" trace gen hogger --size 800M --content random --retouch 0.05 --period 2s --duration 10s \
		--seed "$SEED" -o "$T/service-800m.trc"
	"$ZSIM" trace gen appswitch --apps 4 --app-median 400M --switches 10 --period 1s \
		--seed "$SEED" -o "$T/appswitch.trc"
else
	sh "$here/make-traces.sh" "$ZSIM" "$T" > /dev/null
	# The phone-like workload.  10 apps (the generator's default is 8) with
	# a median working set of 150 MiB (default 120M; sigma 0.6 as default) give
	# 1598 MiB of app memory at the peak with this seed, 1.7 x the board's
	# 960 MiB MemTotal: every stack has to swap about 40% of it, more than a
	# 512 MiB zram holds at the heap class's ~3:1 and far more than zswap's
	# 192 MiB pool, so both the in-RAM tiers and the flash paths are exercised
	# (with the defaults and seed 2013 the peak is 1000 MiB: it barely swaps,
	# ~10k major faults, and zswap's pool never fills).  --period 30s,
	# --switches 100, --hot 0.3, --dirty 0.1, heap content: the generator's
	# defaults.  Seed 2013, as make-traces.sh.
	"$ZSIM" trace gen appswitch --apps 10 --app-median 150M --app-sigma 0.6 --period 30s \
		--switches 100 --seed "$SEED" -o "$T/appswitch.trc"
fi
for t in kbuild service-800m appswitch; do
	[ -s "$T/$t.trc" ] || die "trace $T/$t.trc was not generated"
done

# ---- helpers ----
# flatten FILE: "path<TAB>value" for every leaf of a summary.json (jansson,
# one member per line; the path as tests/e2e/lib.sh's jget spells it)
flatten() {
	awk '
	function path(key,   i, s) { s = ""; for (i = 1; i <= d; i++) s = s k[i] "."; return s key }
	NR == 1 && $0 ~ /^[ \t]*[{[][ \t]*$/ { d = 0; n[0] = 0; next }
	{
		line = $0
		sub(/^[ \t]+/, "", line); sub(/[ \t]*,?[ \t]*$/, "", line)
		if (line ~ /^[]}]$/) { d--; next }
		if (line ~ /^"[^"]*": /) {
			key = line; sub(/^"/, "", key); sub(/": .*$/, "", key)
			val = line; sub(/^"[^"]*": /, "", val)
		} else {
			key = n[d]++; val = line
		}
		if (val == "{" || val == "[") { d++; k[d] = key; n[d] = 0; next }
		if (val ~ /^".*"$/) val = substr(val, 2, length(val) - 2)
		print path(key) "\t" val
	}' "$1"
}

# metrics FLAT TIMESERIES WORKLOAD STACK: one CSV row (see the header below)
metrics() {
	awk -F'\t' -v wl="$3" -v st="$4" -v ts="$2" '
	{ v[$1] = $2 }
	$1 ~ /^devices\.[^.]+\.type$/ { split($1, p, "."); dev[p[2]] = $2 }
	$1 ~ /^swap\.[0-9]+\.device$/ { split($1, p, "."); sw[p[2]] = $2; nsw++ }
	function num(k) { return (k in v) ? v[k] + 0 : 0 }
	END {
		ram = 0; flash = 0; bdw = 0; zmax = 0
		for (i = 0; i < nsw; i++) {
			d = sw[i]; f = num("swap." i ".swapins")
			if (dev[d] == "zram") {
				bd = num("devices." d ".bd_reads")
				ram += f - bd; flash += bd
			} else
				flash += f
		}
		for (d in dev) if (dev[d] == "zram") {
			bdw += num("devices." d ".bd_writes")
			zmax += num("devices." d ".mem_used_max")
		}
		wb = "zswap.written_back_pages" in v ? num("zswap.written_back_pages") : bdw
		ram += num("zswap.swapin_faults")
		tot = ram + flash
		# the pool at its peak: the largest zspages sample of timeseries.csv
		peak = 0
		while ((getline line < ts) > 0) {
			nf = split(line, c, ",")
			if (!col) { for (j = 1; j <= nf; j++) if (c[j] == "zspages") col = j; continue }
			if (c[col] + 0 > peak) peak = c[col] + 0
		}
		endp = num("memory.zspages")
		if (endp > peak) peak = endp
		swpw = num("devices.ssdswap.pages_written")
		y1 = ("devices.ssdswap.wear.years_at_this_rate" in v) ? num("devices.ssdswap.wear.years_at_this_rate") : 0
		y2 = ("devices.disk.wear.years_at_this_rate" in v) ? num("devices.disk.wear.years_at_this_rate") : 0
		life_swap = (swpw > 0 && y1 > 0) ? sprintf("%.2f", y1) : "-"
		inv = (swpw > 0 && y1 > 0 ? 1 / y1 : 0) + (y2 > 0 ? 1 / y2 : 0)
		life_all = inv > 0 ? sprintf("%.2f", 1 / inv) : "-"
		printf "%s,%s,%d,%d,%.1f,%.1f,%.1f,%.1f,%.3f,%.1f,%.1f,%.1f,%.1f,%s,%s,%d\n", wl, st,
			num("outcome.oom_kills"), tot,
			tot ? 100 * ram / tot : 0, tot ? 100 * flash / tot : 0,
			num("major_fault_latency_ns.p50") / 1000, num("major_fault_latency_ns.p99") / 1000,
			num("sim_time_ns") / 1e9, endp * 4096 / 1048576, peak * 4096 / 1048576,
			zmax / 1048576, swpw * 4096 / 1048576, life_swap, life_all, wb
	}' "$1"
}

# counters FLAT: the counters the doc explains the table with, on one line
counters() {
	awk -F'\t' '
	{ v[$1] = $2; o[++n] = $1 }
	END {
		for (i = 1; i <= n; i++) {
			k = o[i]
			if (k ~ /^vmstat\.(pgmajfault|pswpin|pswpout|pgpgin|pgpgout|allocstall|pgsteal_direct|pgsteal_kswapd)$/ ||
			    k ~ /^zswap\.(pool_limit_hit|reject_[a-z_]+|written_back_pages|stored_pages|stored_incompressible_pages|same_filled_pages|zswpin|zswpout|pool_pages|reached_full|worker_cpu_ns|pool_total_size)$/ ||
			    k ~ /^devices\.[^.]+\.(orig_data_size|compr_data_size|mem_used_total|mem_used_max|same_pages|huge_pages|huge_pages_since|failed_writes|bd_count|bd_reads|bd_writes|num_reads|num_writes|pages_written|pages_read)$/ ||
			    k ~ /^swap\.[0-9]+\.(device|swapins|swapouts|used_pages|failed_writes|readahead_pages)$/ ||
			    k ~ /^memory\.(zspages|anon_lru_pages|file_lru_pages|free_pages)$/ ||
			    k ~ /^outcome\.(oom_kills|lost_writes|swap_write_failures|zram_writeback_pages|processes_killed)$/)
				printf " %s=%s", k, v[k]
		}
		printf "\n"
	}' "$1"
}

# ---- the runs ----
CSV=$OUT/table.csv
echo "workload,stack,oom_kills,swapin_faults,swapin_ram_pct,swapin_flash_pct,majflt_p50_us,majflt_p99_us,sim_time_s,pool_end_mib,pool_peak_mib,zram_mem_used_max_mib,swap_flash_written_mib,ssd_life_swap_years,ssd_life_swap_fs_years,written_back_pages" > "$CSV.tmp"
: > "$OUT/counters.txt.tmp"
for wl in standard appswitch; do
	case $wl in
	standard)  traces="--trace $T/service-800m.trc --trace $T/kbuild.trc" ;;
	appswitch) traces="--trace $T/appswitch.trc" ;;
	esac
	for s in $stacks; do
		rd=$OUT/runs/$wl/$s
		rm -rf "$rd"
		mkdir -p "$OUT/runs/$wl"
		echo "run: $wl / $s" >&2
		# shellcheck disable=SC2086
		if ! "$ZSIM" run $traces --config "$CONFDIR/$s.json" --out "$rd" --quiet --no-fail-outcome > "$OUT/runs/$wl/$s.log" 2>&1; then
			cat "$OUT/runs/$wl/$s.log" >&2
			die "zsim failed on workload $wl, config $CONFDIR/$s.json (log: $OUT/runs/$wl/$s.log)"
		fi
		[ -s "$rd/summary.json" ] || die "no $rd/summary.json"
		flatten "$rd/summary.json" > "$rd/summary.flat"
		metrics "$rd/summary.flat" "$rd/timeseries.csv" "$wl" "$s" >> "$CSV.tmp"
		printf '%s %s%s' "$wl" "$s" "$(counters "$rd/summary.flat")" >> "$OUT/counters.txt.tmp"
		printf '\n' >> "$OUT/counters.txt.tmp"
	done
done
# one line per counter set, no blank lines
sed '/^$/d' "$OUT/counters.txt.tmp" > "$OUT/counters.txt" && rm -f "$OUT/counters.txt.tmp"
mv "$CSV.tmp" "$CSV"

# ---- table.md ----
awk -F, -v quick="$QUICK" '
NR == 1 { next }
{
	if ($1 != wl) {
		wl = $1
		if (wl == "standard")
			printf "%s### Standard workload: service-800m.trc + kbuild.trc (as `make run`)\n\n", (NR > 2 ? "\n" : "")
		else
			printf "\n### Appswitch workload: 10 apps, median 150 MiB, 100 switches of 30 s\n\n"
		if (quick == 1) printf "(quick mode: small traces)\n\n"
		print "| stack | OOM kills | swap-in faults | from RAM | from flash | major fault p50 | p99 | simulated time | pool at end | pool peak | flash written (swap) | SSD life, swap writes | SSD life, swap + fs | written back (pages) |"
		print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	}
	printf "| %s | %d | %d | %.1f%% | %.1f%% | %.1f us | %.1f us | %.1f s | %.1f MiB | %.1f MiB | %.1f MiB | %s | %s | %d |\n",
		$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, ($14 == "-" ? "-" : $14 " y"), ($15 == "-" ? "-" : $15 " y"), $16
}
END {
	print ""
	print "Swap-in faults: faults on a swapped-out page (readahead pages not counted), served from RAM (zram, zswap) or flash (the SSD swap partition, or zram'"'"'s backing device: bd_reads)."
	print "Major-fault latency includes the source tree'"'"'s file reads.  Pool: RAM held by zsmalloc/zbud/z3fold (zram'"'"'s mem_used_total or zswap'"'"'s pool), peak sampled every simulated second."
	print "Flash written: the SSD swap partition'"'"'s pages written x 4096.  SSD life: years until the 128 GiB SSD'"'"'s rated writes (TBW) at the run'"'"'s swap write rate, and at swap + filesystem write rates; - when nothing was written."
	print "Written back: zswap'"'"'s written_back_pages, zram'"'"'s bd_writes."
}' "$CSV" > "$OUT/table.md"

# ---- compare.png ----
if command -v gnuplot > /dev/null 2>&1; then
	for wl in standard appswitch; do
		awk -F, -v wl="$wl" 'NR > 1 && $1 == wl { printf "%s %s %s %s\n", $2, $5, $6, $13 }' "$CSV" > "$OUT/plot-$wl.dat"
	done
	gnuplot <<EOF || die "gnuplot failed"
set terminal pngcairo size 1400,900 font "sans,11" noenhanced
set output "$OUT/compare.png"
set multiplot layout 2,2 title "zram vs zswap on a 1 GiB, 4-CPU board with an SSD (kernel 6.18 unless 6.6 is named)"
set style data histograms
set style fill solid 0.85 border -1
set boxwidth 0.75
set xtics rotate by -30 left
set grid ytics
set key top right
set style histogram rowstacked
set yrange [0:119]
set ytics 0,20,100
set ylabel "% of swap-in faults"
set title "standard workload: swap-in faults served from"
plot "$OUT/plot-standard.dat" using 2:xtic(1) title "RAM (zram / zswap)" lc rgb "#3a7dc9", \
     "" using 3 title "flash (SSD)" lc rgb "#d9822b"
set style histogram clustered gap 1
set yrange [0:*]
set ytics autofreq
set ylabel "MiB"
set title "standard workload: MiB written to the SSD swap partition"
plot "$OUT/plot-standard.dat" using 4:xtic(1) notitle lc rgb "#7a5195"
set style histogram rowstacked
set yrange [0:119]
set ytics 0,20,100
set ylabel "% of swap-in faults"
set title "appswitch workload: swap-in faults served from"
plot "$OUT/plot-appswitch.dat" using 2:xtic(1) title "RAM (zram / zswap)" lc rgb "#3a7dc9", \
     "" using 3 title "flash (SSD)" lc rgb "#d9822b"
set style histogram clustered gap 1
set yrange [0:*]
set ytics autofreq
set ylabel "MiB"
set title "appswitch workload: MiB written to the SSD swap partition"
plot "$OUT/plot-appswitch.dat" using 4:xtic(1) notitle lc rgb "#7a5195"
unset multiplot
EOF
	rm -f "$OUT/plot-standard.dat" "$OUT/plot-appswitch.dat"
else
	echo "compare-zram-zswap.sh: no gnuplot: $OUT/compare.png not drawn" >&2
fi

echo "table:    $OUT/table.md"
echo "csv:      $OUT/table.csv"
echo "counters: $OUT/counters.txt"
[ -f "$OUT/compare.png" ] && echo "plot:     $OUT/compare.png"
echo "runs:     $OUT/runs/"
