#!/bin/sh
# table.sh OUT SCENARIO... - the validation table: per scenario, the kernel's
# counters for every boot, their mean, zsim's, and zsim / kernel mean (markdown).
set -eu
OUT=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"   # wall_time
victims() { # events.jsonl -> "a,b" or "none"
	v=$(grep '"type":"oom_kill"' "$1" 2> /dev/null | sed 's/.*"victim":"\([^"]*\)".*/\1/' | sort | uniq -c |
		awk '{ printf "%s%s%s", (NR > 1 ? "," : ""), $2, ($1 > 1 ? "x" $1 : "") }')
	echo "${v:-none}"
}
# value of a summary key; the zram device's stats are under devices.zram0
val() { # FILE KEY
	case $2 in
	direct_share) jq -r '(.vmstat.pgsteal_direct) as $d | (.vmstat.pgsteal_kswapd + $d) as $t |
		if $t > 0 then ($d * 1000 / $t | floor) / 10 else 0 end' "$1" ;;
	runtime_s) jq -r '(.sim_time_ns / 1e7 | floor) / 100' "$1" ;;
	zram_failed_writes) jq -r '.devices.zram0.failed_writes // 0' "$1" ;;
	zram_orig_mib) jq -r '((.devices.zram0.orig_data_size // 0) / 1048576 * 10 | floor) / 10' "$1" ;;
	zram_bd_writes) jq -r '.devices.zram0.bd_writes // 0' "$1" ;;
	zram_bd_count) jq -r '.devices.zram0.bd_count // 0' "$1" ;;
	zram_mem_mib) jq -r '((.devices.zram0.mem_used_total // 0) / 1048576 * 10 | floor) / 10' "$1" ;;
	zswap_stored) jq -r '.devices.zswap.stored_pages // .zswap.stored_pages // 0' "$1" ;;
	zswap_pool_mib) jq -r '((.devices.zswap.pool_total_size // .zswap.pool_total_size // 0) / 1048576 * 10 | floor) / 10' "$1" ;;
	zswap_written_back) jq -r '.devices.zswap.written_back_pages // .zswap.written_back_pages // 0' "$1" ;;
	zswap_reject_poor) jq -r '.devices.zswap.reject_compress_poor // .zswap.reject_compress_poor // 0' "$1" ;;
	free_lowest_mib) jq -r '(.memory.free_pages_lowest * 4096 / 1048576 * 10 | floor) / 10' "$1" ;;
	boost_max_pages) jq -r '.memory.watermark_boost_max // 0' "$1" ;;
	# fragmentation fallbacks: zsim counts its own; the kernel's are the
	# mm_page_alloc_extfrag events the guest's init counted (extfrag.txt)
	fallbacks) if jq -e '.source == "kernel"' "$1" > /dev/null; then
			f=$(dirname "$(dirname "$1")")/extfrag.txt
			if [ -f "$f" ]; then awk '/^entries:/ { e = $2 } /^overrun:/ { o = $2 } END { print e + o }' "$f"
			else echo 0; fi
		else jq -r '.memory.fallbacks // 0' "$1"; fi ;;
	# the lists' movements and the scans: zsim's vmstat, the kernel's raw one
	pgscan_kswapd|pgscan_direct|pgactivate|pgdeactivate) jq -r ".vmstat.$2 // .kernel_vmstat.$2 // 0" "$1" ;;
	# the first pressure's wall: reclaim's start to 200 pages stolen (lib.sh)
	first_wall_s) w=$(wall_time "$(dirname "$1")/timeseries.csv"); echo "${w:-0}" ;;
	kswapd_cpu_s) jq -r '((.play.kswapd_cpu_ns // .memory.kswapd_cpu_ns // 0) / 1e7 | floor) / 100' "$1" ;;
	# how long kswapd waited, runnable, for the CPU (schedstat's run delay)
	kswapd_delay_s) jq -r '((.play.kswapd_run_delay_ns // .memory.kswapd_run_delay_ns // 0) / 1e7 | floor) / 100' "$1" ;;
	# kswapd's CPU per turn on a CPU (schedstat's run count; zsim: its rounds)
	kswapd_turn_ms) jq -r '((.play.kswapd_cpu_ns // .memory.kswapd_cpu_ns // 0) as $c |
		(.play.kswapd_cpu_slices // .memory.kswapd_turns // 0) as $n |
		if $n > 0 then ($c / $n / 1e4 | floor) / 100 else 0 end)' "$1" ;;
	# the processes' own CPU time, user and system (play records it per
	# process from 2026-12; zsim charges faults, accesses, cpu events and
	# direct reclaim to it)
	workload_cpu_s) jq -r '([.processes[].cpu_ns // 0] | add / 1e7 | floor) / 100' "$1" ;;
	*) jq -r ".vmstat.$2" "$1" ;;
	esac
}
for name in "$@"; do
	D=$OUT/$name
	ZSWAP=""; ZRAM_WB=""
	. "$here/scenarios/$name.sh"
	store=""
	case " $SWAP" in *" zram"*) store="zram_orig_mib zram_mem_mib zram_failed_writes" ;; esac
	[ -n "$ZRAM_WB" ] && store="$store zram_bd_writes zram_bd_count"
	[ -n "$ZSWAP" ] && store="$store zswap_stored zswap_pool_mib zswap_written_back zswap_reject_poor"
	echo
	echo "### $name"
	echo
	echo "$DESC. Guest: $MEM, 1 CPU, $(jq -r .kernel "$D/boot1/r/play/summary.json")."
	echo
	boots=$(ls -d "$D"/boot[0-9]* | grep -v '\.log$' | sort)
	cpu=workload_cpu_s   # a row only where every boot's player recorded it
	for b in $boots; do
		jq -e '[.processes[] | select(.killed | not) | has("cpu_ns")] | all' "$b/r/play/summary.json" > /dev/null || cpu=""
	done
	hdr="| | "; sep="|---|"
	for b in $boots; do hdr="$hdr kernel $(basename "$b") |"; sep="$sep---|"; done
	echo "$hdr kernel mean | zsim | zsim / kernel |"
	echo "$sep---|---|---|"
	line="| OOM victims |"
	for b in $boots; do line="$line $(victims "$b/r/play/events.jsonl") |"; done
	echo "$line | $(victims "$D/zsim/events.jsonl") | |"
	for key in pswpout pswpin pgmajfault pgsteal_kswapd pgsteal_direct direct_share pgscan_kswapd pgscan_direct pgactivate pgdeactivate allocstall first_wall_s kswapd_cpu_s kswapd_delay_s kswapd_turn_ms $cpu $store fallbacks boost_max_pages free_lowest_mib runtime_s; do
		line="| $key |"
		vals=""
		for b in $boots; do
			v=$(val "$b/r/play/summary.json" "$key")
			line="$line $v |"
			vals="$vals $v"
		done
		z=$(val "$D/zsim/summary.json" "$key")
		echo "$line$vals $z" | awk -v key="$key" '{
			n = split($0, parts, "|"); nb = 0; s = 0
			split(parts[n], v, " ")
			for (i = 1; i < length(v); i++) { s += v[i]; nb++ }
			z = v[length(v)]; m = nb ? s / nb : 0
			out = ""; for (i = 1; i < n; i++) out = out parts[i] "|"
			if (key == "direct_share") r = sprintf("%+.1f pts", z - m)
			else r = (m > 0) ? sprintf("%.2f", z / m) : (z == 0 ? "=" : "-")
			printf "%s %s | %s | %s |\n", out, (m == int(m) ? m : sprintf("%.1f", m)), z, r }'
	done
done
