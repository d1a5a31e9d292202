# lib.sh - what run.sh (boots) and resim.sh (zsim's side again) share; sourced
# with ZSIM set to the zsim binary.

# scenario_traces DIR: the traces of the scenario sourced last (its GEN_1..GEN_3
# generator lines) into DIR/t1.trc.zst, t2.trc.zst, ... in that order.
scenario_traces() {
	k=1
	for g in "$GEN_1" "$GEN_2" "$GEN_3"; do
		[ -n "$g" ] || continue
		# shellcheck disable=SC2086
		"$ZSIM" trace gen $g -o "$1/t$k.trc.zst"
		k=$((k + 1))
	done
}

# scan_rows "KERNEL_SUMMARIES" ZSIM0_SUMMARY: one line per boot, "Y X1 X2":
# the guest's kswapd CPU beyond what zsim's codecs spend for the pages it
# stole (zsim's kswapd run at no reclaim scan or steal cost, ZSIM0_SUMMARY,
# leaves it the codecs' time only: K_cpu - Z0_cpu x K_steal / Z0_steal), the
# pages the guest's kswapd scanned, and those it stole; nothing for a boot
# without kswapd time or scans.
scan_rows() {
	# shellcheck disable=SC2086
	jq -r -s --slurpfile z "$2" '
		($z[0].memory.kswapd_cpu_ns) as $zc | ($z[0].vmstat.pgsteal_kswapd) as $zs |
		.[] | select((.play.kswapd_cpu_ns // 0) > 0 and .vmstat.pgscan_kswapd > 0) |
		"\(.play.kswapd_cpu_ns - (if $zs > 0 then $zc * .vmstat.pgsteal_kswapd / $zs else 0 end)) \(.vmstat.pgscan_kswapd) \(.vmstat.pgsteal_kswapd)"' $1
}

# wall_time TIMESERIES: the first pressure's wall, in seconds: from the
# first sample where reclaim has begun (an allocation stalled or a page was
# stolen) to the first where 200 pages have been stolen.  Every page then
# still carries the accessed bit of the fault that made it, so reclaim looks
# at about the whole LRU before it can free anything: the wall's length is
# what those looks cost.  Nothing when the run never got there.
wall_time() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ st = $(c["pgsteal_kswapd"]) + $(c["pgsteal_direct"]); t = $1 / 1e9
	  if (a == "" && ($(c["allocstall"]) > 0 || st > 0)) a = t
	  if (st >= 200) { if (a != "") printf "%.3f\n", t - a; exit } }' "$1"
}

# first_pressure DIR: the time of the first sample of DIR's timeseries.csv
# where an allocation stalled or a page was stolen; nothing if none.
first_pressure() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     $(c["allocstall"]) + $(c["pgsteal_kswapd"]) + $(c["pgsteal_direct"]) > 0 { print $1; exit }' \
		"$1/timeseries.csv"
}

# fill_rows DIR: each process's minor faults and CPU at the last sample
# before the first pressure (the first sample where an allocation stalled or
# a page was stolen; the whole run if none), from DIR's timeseries.csv and
# processes.csv, as "INDEX:NAME FAULTS CPU_NS" lines.
fill_rows() {
	t=$(first_pressure "$1")
	awk -F, -v t="${t:-}" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     t == "" || $1 + 0 < t + 0 { k = $(c["process"]) ":" $(c["name"]); f[k] = $(c["minor_faults"]); u[k] = $(c["cpu_ns"]) }
	     END { for (k in f) print k, f[k], u[k] }' "$1/processes.csv"
}

# weighted_mean: of "WEIGHT VALUE" lines on stdin, the weighted mean
# rounded to a whole number; nothing when the weights sum to 0.
weighted_mean() {
	awk '{ w += $1; s += $1 * $2 } END { if (w > 0) printf "%.0f\n", s / w }'
}

# fill_fault_delta "KDIR..." ZDIR MINOR_NS: what a minor fault costs the
# guest's workload beyond zsim's minor_fault_time, in ns (may be negative),
# from the fill before the first pressure: there a process's CPU is its
# faults, its pages' bytes and its accesses, with no reclaim, and zsim's
# model of the last two is the guests' own (content_time, access_time).  Per
# process of each boot (KDIR: the boots' play directories) against zsim's
# run ZDIR on the same config, the CPU per fault in the guest less zsim's,
# weighted by the guest's faults; only processes whose faults make at least a
# quarter of zsim's CPU for them (a writer of files is its I/O, not its
# faults).  `zsim calibrate --mm` measures a fault on 32 MiB at rest; the
# workloads' fills ran 5-20% slower per page in every scenario but one
# (2026-12-04: page-table pages, a longer LRU, the guest's other tasks
# between them).  Nothing when no process qualifies.
fill_fault_delta() {
	kdirs=$1 zd=$2 minor=$3
	zr=$(fill_rows "$zd")
	for kd in $kdirs; do
		fill_rows "$kd" | while read -r n f c; do
			echo "$zr" | awk -v n="$n" -v f="$f" -v c="$c" -v m="$minor" \
				'$1 == n && $2 > 0 && f > 0 && $3 > 0 && $2 * m >= 0.25 * $3 {
				 printf "%s %.1f\n", f, c / f - $3 / $2 }'
		done
	done | weighted_mean
}

# fill_write_rows DIR FAULT_NS: "W C" at the last sample before the first
# pressure: W the pages the fill made other than by faults (anon and file
# pages grown since the first sample, less every process's faults: a
# writer's tmpfs or page-cache pages), C the CPU of the processes whose
# faults at FAULT_NS make less than a quarter of their CPU (the writers:
# fill_fault_delta's others).
fill_write_rows() {
	t=$(first_pressure "$1")
	g=$(awk -F, -v t="${t:-}" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     NR == 2 { a0 = $(c["anon_pages"]) + $(c["file_pages"]) }
	     t == "" || $1 + 0 < t + 0 { a = $(c["anon_pages"]) + $(c["file_pages"]); ts = $1 }
	     END { print a - a0, ts }' "$1/timeseries.csv")
	# shellcheck disable=SC2086
	set -- "$1" "$2" $g
	awk -F, -v ts="$4" -v grown="$3" -v m="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	     $1 + 0 <= ts + 0 { k = $(c["process"]) ":" $(c["name"]); f[k] = $(c["minor_faults"]) + $(c["major_faults"]); u[k] = $(c["cpu_ns"]) }
	     END { for (k in f) { fs += f[k]; if (f[k] * m < 0.25 * u[k]) w += u[k] } print grown - fs, w + 0 }' "$1/processes.csv"
}

# fill_write_delta "KDIR..." ZDIR FAULT_NS: what a file page written costs
# the guest's writers beyond what it costs zsim's, in ns (may be negative),
# from the fill before the first pressure, as fill_fault_delta does for a
# fault: per boot (KDIR: the boots' play directories) the writers' CPU per
# page they made (fill_write_rows) less zsim's in its run ZDIR on the same
# config, weighted by the guest's pages.  A page written costs zsim a fault,
# its bytes and mm.file_io_time; the guest's tar paid 38-47 us a page
# against zsim's 37.5 (2026-12-04: the guest's write() path, its page-cache
# lookups).  Nothing when either side made fewer than 1000 such pages.
fill_write_delta() {
	kdirs=$1 zd=$2 minor=$3
	zr=$(fill_write_rows "$zd" "$minor")
	for kd in $kdirs; do
		fill_write_rows "$kd" "$minor" | awk -v z="$zr" 'BEGIN { split(z, a, " ") }
			$1 >= 1000 && $2 > 0 && a[1] >= 1000 && a[2] > 0 { printf "%s %.1f\n", $1, $2 / $1 - a[2] / a[1] }'
	done | weighted_mean
}

# The look cost zsim's wall is measured at (wall_rows): a probe.
WALL_PROBE_NS=10000

# scan_fit ROWS...: mm.reclaim_scan_time and mm.reclaim_steal_time from the
# rows of every boot of every scenario (scan_rows), as "SCANns STEALns".
# Two costs, since a page reclaim only looks at (its accessed bit cleared,
# kept) costs the guest far less than one it unmaps, puts in the swap cache
# and frees.  Where the rows' directories hold wall_rows (the guests' first
# walls against zsim's at WALL_PROBE_NS per page scanned), the scan cost is
# the one that makes zsim's walls as long as the guests', WALL_PROBE_NS x
# the sum of the guests' walls / the sum of zsim's (a look costs what the
# guest spends getting through ~100 k of them at the first pressure), and
# the steal cost the least-squares fit of the guests' kswapd CPU beyond it,
# Y - a X1 = b X2.  Otherwise both by least squares, Y = a X1 + b X2 (a cost
# fitted below zero is 0 and the other fitted alone); the guests' kswapd
# CPU alone cannot tell the two apart well (they scan 2.5-3.5 pages per page
# stolen in most scenarios).  Nothing without rows.  One pair for the
# guest's CPU, not one per scenario: a scenario's boots spread by up to 40%
# in kswapd time, and a per-scenario fit carries that noise into zsim's
# reclaim.
scan_fit() {
	walls=""
	for f in "$@"; do
		w=$(dirname "$f")/wall_rows
		[ ! -s "$w" ] || walls="$walls $w"
	done
	a=""
	if [ -n "$walls" ]; then
		# shellcheck disable=SC2086
		a=$(cat $walls | awk -v p="$WALL_PROBE_NS" '{ k += $1; z += $2 } END { if (k > 0 && z > 0) printf "%.0f", p * k / z }')
	fi
	# shellcheck disable=SC2068
	cat $@ | awk -v fixed="$a" '{ y = $1; a = $2; b = $3 + 0; n++
		saa += a * a; sab += a * b; sbb += b * b; say += a * y; sby += b * y }
	END {
		if (!n || saa <= 0) exit
		if (fixed != "") {
			x = fixed + 0; z = sbb > 0 ? (sby - x * sab) / sbb : 0
			if (z < 0) z = 0
			printf "%.0fns %.0fns\n", x, z
			exit
		}
		d = saa * sbb - sab * sab
		# rows that cannot tell the two apart (one row; stolen a fixed
		# share of scanned): the scan cost alone
		if (d > 1e-9 * saa * sbb) { x = (sbb * say - sab * sby) / d; z = (saa * sby - sab * say) / d }
		else { x = say / saa; z = 0 }
		if (z < 0) { x = say / saa; z = 0 }
		else if (x < 0) { x = 0; z = sby / sbb }
		if (x < 0) x = 0
		printf "%.0fns %.0fns\n", x, z
	}'
}

# zsim_side D WHO [NAME [ARG...]]: zsim on D/ir/traces (in name order) with the
# guest config D/zsim.json and any further run options ARG, results in D/NAME
# (default zsim); exits 1 with a line naming WHO when it gives none (an OOM
# exit is a result).
zsim_side() {
	d=$1 who=$2 name=${3:-zsim}
	shift 2
	[ $# -eq 0 ] || shift
	targs=""
	for t in $(cd "$d/ir/traces" && ls | sort); do targs="$targs --trace $d/ir/traces/$t"; done
	# shellcheck disable=SC2086
	"$ZSIM" $targs --config "$d/zsim.json" "$@" --out "$d/$name" --quiet || true
	[ -f "$d/$name/summary.json" ] || { echo "$who: zsim gave no results for $(basename "$d")" >&2; exit 1; }
}

# config_edit D JQ-ARGS...: D's zsim.json through jq with JQ-ARGS, in place.
config_edit() {
	cf=$1/zsim.json
	shift
	jq "$@" "$cf" > "$cf.tmp" && mv "$cf.tmp" "$cf"
}

# fill_delta D FN FAULT_NS: FN (fill_fault_delta or fill_write_delta) of
# D's boots against zsim on D's config at no reclaim cost (the fill before
# the first pressure holds none); prints the delta in ns, or nothing.
fill_delta() {
	zsim_side "$1" zsim_costs zsimf --set mm.reclaim_scan_time=0ns --set mm.reclaim_steal_time=0ns
	"$2" "$(ls -d "$1"/boot[0-9]*/r/play)" "$1/zsimf" "$3"
	rm -rf "$1/zsimf"
}

# zsim_costs D: the config's costs of the workload and of zsim's own model,
# from the boots' results (D/boot*/r/play/summary.json, calibrate-mm.json)
# and the traces (D/ir/traces): mm.content_time (content_time),
# mm.access_time, mm.minor_fault_time and mm.major_fault_time (mm_costs, the
# fault then as the fills paid it: fill_fault_delta) and the direct
# reclaimer's turn into D/zsim.json, and this scenario's rows for the
# reclaim costs, which scan_costs fits over every scenario: D/scan_rows
# (scan_rows, against zsim's kswapd at no reclaim cost on that config) and
# D/wall_rows (each boot's first wall and zsim's at WALL_PROBE_NS per page
# scanned, wall_time).
# run.sh calls both after the boots; resim.sh again, since a model change
# moves what zsim's codecs account for of the guest's kswapd time.
zsim_costs() {
	d=$1
	sums=$(ls "$d"/boot[0-9]*/r/play/summary.json)
	# shellcheck disable=SC2046,SC2086
	ct=$(content_time "$sums" $(ls "$d"/ir/traces/* | sort))
	config_edit "$d" --argjson ct "$ct" '.mm += $ct'
	# the workload's fault and access costs, the mean of every boot's
	# measurement (mm_costs), when every boot has one
	cals=$(ls "$d"/boot[0-9]*/r/calibrate-mm.json 2> /dev/null || true)
	if [ -n "$cals" ] && [ "$(echo "$cals" | wc -l)" = "$(echo "$sums" | wc -l)" ]; then
		# shellcheck disable=SC2046,SC2086
		mmc=$(mm_costs "$cals" $(ls "$d"/ir/traces/* | sort))
		config_edit "$d" --argjson m "$mmc" '.mm += $m'
	fi
	# the CPU the guest's other tasks took (background_cpu), when the boots
	# recorded it
	# shellcheck disable=SC2086
	bg=$(background_cpu "$sums")
	config_edit "$d" --argjson bg "$bg" '.machine += $bg'
	# the guest's scheduling: every task's turn the fair class's slice for
	# the tasks runnable (machine.scheduler: CFS's 6 ms shared among them on
	# the guest's one CPU; a direct reclaimer goes on in its slice with
	# what it freed, sim/mm.c), and a long cpu event preempted at its
	# slice's end as CFS preempts it (machine.cpu_bursts: untar's generator
	# gives its tar bursts of up to 56 ms, which held the CPU whole)
	config_edit "$d" 'del(.mm.direct_reclaim_turn, .mm.kswapd_share) | .machine.scheduler = "fair" | .machine.cpu_bursts = "sliced"'
	# a minor fault as the workload's fill paid it (fill_fault_delta): the
	# swap-in fault's own work follows it (mm_costs)
	m=$(jq -r '.mm.minor_fault_time // empty | select(test("^[0-9]+ns$")) | sub("ns$"; "")' "$d/zsim.json")
	mj=$(jq -r '.mm.major_fault_time // empty | select(test("^[0-9]+ns$")) | sub("ns$"; "")' "$d/zsim.json")
	if [ -n "$m" ]; then
		dl=$(fill_delta "$d" fill_fault_delta "$m")
		if [ -n "$dl" ]; then
			# the major fault moves by the same delta: the fault's entry,
			# page and mapping, as the fill paid them
			[ -n "$mj" ] || mj=$m
			mj=$((mj + dl)); [ "$mj" -ge 0 ] || mj=0
			m=$((m + dl)); [ "$m" -ge 0 ] || m=0
			config_edit "$d" --arg v "${m}ns" --arg j "${mj}ns" '.mm.minor_fault_time = $v | .mm.major_fault_time = $j'
		fi
		# a file page written as the writers' fill paid it
		# (fill_write_delta, against zsim at the fault just set)
		fio=$(jq -r '.mm.file_io_time // "0ns" | select(test("^[0-9]+ns$")) | sub("ns$"; "")' "$d/zsim.json")
		wl=""
		[ -z "$fio" ] || wl=$(fill_delta "$d" fill_write_delta "$m")
		if [ -n "$wl" ]; then
			fio=$((fio + wl)); [ "$fio" -ge 0 ] || fio=0
			config_edit "$d" --arg v "${fio}ns" '.mm.file_io_time = $v'
		fi
	fi
	zsim_side "$d" zsim_costs zsim0 --set mm.reclaim_scan_time=0ns --set mm.reclaim_steal_time=0ns
	scan_rows "$sums" "$d/zsim0/summary.json" > "$d/scan_rows"
	rm -rf "$d/zsim0"
	# the first wall, each boot's against zsim's at the probe's look cost
	zsim_side "$d" zsim_costs zsimw --set mm.reclaim_scan_time=${WALL_PROBE_NS}ns --set mm.reclaim_steal_time=0ns
	zw=$(wall_time "$d/zsimw/timeseries.csv")
	: > "$d/wall_rows"
	for b in "$d"/boot[0-9]*/r/play/timeseries.csv; do
		kw=$(wall_time "$b")
		[ -z "$kw" ] || [ -z "$zw" ] || echo "$kw $zw" >> "$d/wall_rows"
	done
	rm -rf "$d/zsimw"
}

# other_rows SAVE SCENARIO...: the saved scan_rows files (SAVE/NAME/scan_rows)
# of the saved scenarios not named, in one line: the rows a fit over some
# scenarios takes from the others (scan_costs' MORE_ROWS).
other_rows() {
	save=$1; shift
	rows=""
	for r in "$save"/*/scan_rows; do
		[ -f "$r" ] || continue
		n=$(basename "$(dirname "$r")")
		case " $* " in *" $n "*) ;; *) rows="$rows $r" ;; esac
	done
	echo "$rows"
}

# scan_costs OUT "MORE_ROWS" SCENARIO...: one mm.reclaim_scan_time and
# mm.reclaim_steal_time fitted over the scenarios' scan_rows and the files
# MORE_ROWS (a saved validation's other scenarios; may be empty) by
# scan_fit, into each scenario's OUT/NAME/zsim.json; prints them.
scan_costs() {
	out=$1 rows=$2; shift 2
	for n in "$@"; do rows="$rows $out/$n/scan_rows"; done
	# shellcheck disable=SC2086
	fit=$(scan_fit $rows)
	[ -n "$fit" ] || return 0
	sc=${fit% *} st=${fit#* }
	for n in "$@"; do
		jq --arg sc "$sc" --arg st "$st" '.mm.reclaim_scan_time = $sc | .mm.reclaim_steal_time = $st' \
			"$out/$n/zsim.json" > "$out/$n/zsim.json.tmp" && mv "$out/$n/zsim.json.tmp" "$out/$n/zsim.json"
	done
	echo "$sc scanned, $st stolen"
}

# mm_costs "CALMM..." TRACE...: the config's "mm" CPU costs of the workload
# from `zsim calibrate --mm` measurements (CALMM: one file per boot, the
# list in one argument; their mean) as JSON {access_time, minor_fault_time,
# major_fault_time, file_create_time, file_io_time}: the minor fault as
# measured; the major fault's own work beside its device's as measured
# (swapin_fault_time: a random page read back from the guest's swap, when
# every boot measured it; plus a read's access, the event's decoding and
# pipe as play pays them for any access), else the minor fault's (a
# swap-in fault enters,
# takes a page and maps it as a minor fault does; its swap-cache and block
# layer work are not in it: a lower bound, which boots saved before
# 2026-12-04 keep); the access
# as the mean of the measured read and write hits, weighted by the traces'
# own hits (reads, and writes less the first write of each anonymous page,
# which is the fault); the file costs as measured, when every boot measured
# them (boots saved before they were measured did not).
mm_costs() {
	cals=$1; shift
	rh=0; wh=0
	for t in "$@"; do
		read -r r w <<EOS
$("$ZSIM" trace stat --json "$t" | jq -r '"\(.reads) \([.writes - .distinct_anon_pages, 0] | max)"')
EOS
		rh=$((rh + r)); wh=$((wh + w))
	done
	# shellcheck disable=SC2086
	jq -c -s --argjson rh "$rh" --argjson wh "$wh" '
		def ns: capture("^(?<v>[0-9]+)(?<u>[a-z]+)$") | (.v | tonumber) *
			({ns: 1, us: 1000, ms: 1000000, s: 1000000000}[.u]);
		def mean(k): (map(.[k] | ns) | add / length);
		mean("read_access_time") as $r | mean("write_access_time") as $w |
		(if $rh + $wh > 0 then $r * $rh / ($rh + $wh) + $w * $wh / ($rh + $wh) else $r end) as $a |
		{access_time: "\($a | round)ns", minor_fault_time: "\(mean("minor_fault_time") | round)ns",
		 major_fault_time: "\(if all(.[]; has("swapin_fault_time"))
				     then mean("swapin_fault_time") + mean("read_access_time")
				     else mean("minor_fault_time") end | round)ns"} +
		(if all(.[]; has("file_create_time") and has("file_io_time")) then
			{file_create_time: "\(mean("file_create_time") | round)ns",
			 file_io_time: "\(mean("file_io_time") | round)ns"} else {} end)' $cals
}

# content_time "SUMMARY..." TRACE...: the CPU `zsim play` spent making the
# bytes of each page written (anon or file), from the boots' play summaries
# (SUMMARY: one per boot, the list in one argument), as JSON {content_time}.
# The guest's workload really does that work (1.0-1.5 of the fault itself on
# the emulated CPU), so zsim charges it too, its cpu events absorbing it as
# play's do.  Per content class where the boots counted each class's pages
# and CPU (play's content_by_class: a heap page took the guests 5-7 times a
# random one, so a store filling beside a hogger fills slower than it): the
# class's CPU over its pages, summed over the boots, with the mean over every
# class as the default.  Otherwise one time, play's whole content CPU per
# page the traces write (a killed process wrote less than its trace, so OOM
# scenarios come out a little low).
content_time() {
	sums=$1; shift
	# shellcheck disable=SC2086
	if jq -e -s 'all(.[]; .play.content_by_class)' $sums > /dev/null 2>&1; then
		# shellcheck disable=SC2086
		jq -c -s '[.[].play.content_by_class | to_entries[]] | group_by(.key) |
			map({key: .[0].key, ns: (map(.value.cpu_ns) | add), n: (map(.value.pages) | add)}) |
			(map(.ns) | add) as $ns | (map(.n) | add) as $n |
			if $n > 0 then {content_time: ((map({key, value: "\(.ns / .n | round)ns"}) | from_entries) +
				{default: "\($ns / $n | round)ns"})} else {} end' $sums
		return
	fi
	w=0
	for t in "$@"; do
		w=$((w + $("$ZSIM" trace stat --json "$t" | jq -r '.writes + .file_writes')))
	done
	# shellcheck disable=SC2086
	jq -c -s --argjson w "$w" 'if $w > 0 then
		{content_time: "\((map(.play.content_cpu_ns) | add / length / $w) | round)ns"} else {} end' $sums
}

# background_cpu "SUMMARY...": the share of the guest's one CPU that tasks
# zsim does not model took over the run (play's cpu_by_task_ns, from every
# task's schedstat: play's sampler and controllers, the kernel's threads but
# kswapd, whose work is zsim's reclaim; not the trace processes, nor
# `init`, the guest's script, whose loop is a zram writeback scenario's
# daemon and its writing zsim's writeback: writeback.page_time), the mean
# over the boots that recorded it, as JSON
# {background_cpu} (machine.background_cpu), or {} when none did.
background_cpu() {
	# shellcheck disable=SC2086
	jq -c -s 'map(select(.play.cpu_by_task_ns) |
		((.play.cpu_by_task_ns | to_entries | map(select(.key != "trace processes" and .key != "init"
			and (.key | startswith("kswapd") | not)) | .value) | add // 0) / .sim_time_ns)) |
		if length > 0 then {background_cpu: (add / length * 1000 | round / 1000)} else {} end' $1
}

# Free memory on the unmovable, reclaimable and high-atomic free lists, in
# bytes, from /proc/pagetypeinfo as each boot saw it before the workload (the
# files in one argument; their mean, rounded down to a page): zsim's
# machine.unmovable_free, where its fragmentation fallbacks start.
unmovable_free() {
	# shellcheck disable=SC2086
	awk '/^Node .*type/ && ($6 == "Unmovable" || $6 == "Reclaimable" || $6 == "HighAtomic") {
		for (i = 7; i <= NF; i++) pages[FILENAME] += $i * 2 ^ (i - 7)
	} END {
		n = 0; s = 0
		for (f in pages) { n++; s += pages[f] }
		if (n) printf "%d\n", int(s / n) * 4096
	}' $1
}
