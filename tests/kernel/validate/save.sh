#!/bin/sh
# save.sh OUT SAVE BOOTS SCENARIO... - keep a validation run (run.sh --save):
# the table and verdicts as SAVE/README.md, and per scenario the zsim config
# measured in the guest, zsim's results and the kernel's results of each boot.
# SAVE/boots.txt says which kernel, qemu and date the boots were; with
# ZSIM_RESIM=1 (resim.sh: zsim's side again, the boots as they were) it is
# kept and the header says when zsim's side was rerun.
set -eu
OUT=$1; SAVE=$2; BOOTS=$3
shift 3
K=$OUT/kernel
mkdir -p "$SAVE"
for name in "$@"; do
	D=$OUT/$name
	chart=0
	[ -f "$SAVE/$name/memory.png" ] && chart=1
	rm -rf "${SAVE:?}/$name" && mkdir -p "$SAVE/$name"
	cp "$D/zsim.json" "$SAVE/$name/zsim-config.json"
	# its boots' rows for the reclaim costs (lib.sh scan_rows, wall_rows),
	# kept so that a resim of some scenarios fits the costs over all of them
	[ ! -f "$D/scan_rows" ] || cp "$D/scan_rows" "$SAVE/$name/scan_rows"
	[ ! -f "$D/wall_rows" ] || cp "$D/wall_rows" "$SAVE/$name/wall_rows"
	mkdir -p "$SAVE/$name/zsim"
	cp "$D"/zsim/summary.json "$D"/zsim/timeseries.csv "$D"/zsim/events.jsonl "$SAVE/$name/zsim/"
	[ ! -f "$D/zsim/processes.csv" ] || cp "$D/zsim/processes.csv" "$SAVE/$name/zsim/"
	for b in "$D"/boot[0-9]*/r; do
		k=$SAVE/$name/kernel-$(basename "$(dirname "$b")")
		mkdir -p "$k"
		cp "$b"/play/summary.json "$b"/play/timeseries.csv "$b"/play/events.jsonl "$b"/calibrate.json "$k/"
		[ ! -f "$b/calibrate-mm.json" ] || cp "$b/calibrate-mm.json" "$k/"
		[ ! -f "$b/calibrate-kernel.json" ] || cp "$b/calibrate-kernel.json" "$k/"
		[ ! -f "$b/play/processes.csv" ] || cp "$b/play/processes.csv" "$k/"
		for f in pagetypeinfo-start.txt pagetypeinfo-end.txt extfrag.txt extfrag-events.txt backing-stat.txt bd_stat.txt wb-schedstat.txt; do
			[ ! -f "$b/$f" ] || cp "$b/$f" "$k/"
		done
	done
	# a scenario with a kernel-vs-zsim memory chart (README) gets it redrawn:
	# boot 1 above, zsim below
	if [ "$chart" = 1 ]; then
		rm -rf "$OUT/plot-$name"
		ZSIM_BIN=${ZSIM:-$(cd "$(dirname "$0")/../../.." && pwd)/build/zsim}
		"$ZSIM_BIN" plot "$SAVE/$name/kernel-boot1" "$SAVE/$name/zsim" -o "$OUT/plot-$name" --format png > /dev/null &&
			cp "$OUT/plot-$name/memory.png" "$SAVE/$name/memory.png"
	fi
done
{
	echo "# zsim against a real kernel"
	echo
	if [ "${ZSIM_RESIM:-0}" = 1 ]; then
		echo "Kernel runs by \`make validate-kernel\`: $(cat "$SAVE/boots.txt" 2> /dev/null || echo "(not recorded)")."
		echo "zsim's side rerun on the same traces and guest configs by \`make validate-resim\` ($(date -u +%Y-%m-%d))."
	else
		load=""
		[ ! -f "$OUT/hostload" ] || load=$(sort -n "$OUT/hostload" | awk 'NR == 1 { a = $1 } { b = $1 } END { printf "; the host'"'"'s load average %s-%s at the boots'"'"' ends (%d CPUs)", a, b, '"$(nproc)"' }')
		echo "$(date -u +%Y-%m-%d); kernel package $(cat "$K/package"), booted under qemu $(qemu-system-x86_64 --version | head -1 | awk '{print $4}') (software emulation, 1 CPU, guest RAM preallocated) $BOOTS times per scenario$load" > "$SAVE/boots.txt"
		echo "Written by \`make validate-kernel\` ($(cat "$SAVE/boots.txt"))."
	fi
	echo "Each scenario's directory holds the kernel's results per boot (\`zsim play\`, and the guest's"
	echo "calibrate.json: zsim's codec costs, calibrate-kernel.json: the kernel's, calibrate-mm.json: the workload's fault and access costs), zsim's,"
	echo "and the zsim config measured in the guest.  How it works: tests/kernel/validate/run.sh."
	echo
	echo "## Where zsim stands"
	echo
	sed 's/^/    /' "$OUT/check.txt"
	echo
	echo "## The table"
	cat "$OUT/table.md"
} > "$SAVE/README.md"
echo "validate: saved in $SAVE"
