#!/bin/sh
# capacity-plan.sh - docs/capacity-planning.md's worked example, every
# command as the page prints it: a 512 MiB Raspberry Pi Zero 2 W with zram in
# front of its SD card's swap (configs/boards/rpi-zero-2w-zram.json), six apps
# taking turns (zsim trace gen appswitch), and the question which zram size,
# codec and allocator it needs.  Runs
#   1. the plan (no-oom bisected, the other goals checked upward),
#   2. the same with --assume-monotone (every goal bisected),
#   3. the exhaustive sweep over the same grid (and its check of the
#      assumption, for every goal),
# saves each one's printed answer as OUTDIR/{plan,monotone,exhaustive}.txt,
# compares the frontiers and, with IMG set, copies the exhaustive sweep's plot
# (every config, the frontier circled) to $IMG (make docs-img does:
# docs/img/capacity-planning.png).
#
# Usage: scripts/capacity-plan.sh [ZSIM] [OUTDIR]     (about 5 minutes)
# Deterministic: the same zsim gives the same files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -x ./zsim ]; then ZSIM=${1:-./zsim}; else ZSIM=${1:-zsim}; fi
OUT=${2:-capacity-out}
BOARD=$here/../configs/boards/rpi-zero-2w-zram.json
mkdir -p "$OUT"
"$ZSIM" trace gen appswitch --apps 6 --app-median 64M --switches 12 --seed 1 -o "$OUT/apps.trc"
plan() {
	"$ZSIM" plan --trace "$OUT/apps.trc" --config "$BOARD" \
		--vary devices.zram0.size=64M..512M/64M \
		--vary devices.zram0.comp=lz4,lzo-rle,zstd \
		--vary devices.zram0.allocator=zsmalloc,zbud \
		--goal no-oom --goal 'p99<1ms' --goal 'flash_years>=5 at 8h/day' "$@"
}
t0=$(date +%s)
plan --out "$OUT/plan" > "$OUT/plan.txt"
t1=$(date +%s)
plan --out "$OUT/monotone" --assume-monotone > "$OUT/monotone.txt"
t2=$(date +%s)
plan --out "$OUT/exhaustive" --exhaustive --assume-monotone > "$OUT/exhaustive.txt"
t3=$(date +%s)
for f in plan monotone exhaustive; do
	sed -n '/^answer:/,/^rejected/{/^rejected/!p}' "$OUT/$f.txt" > "$OUT/$f.frontier"
done
echo "plan:            $(grep '^runs:' "$OUT/plan.txt") in $((t1 - t0)) s"
echo "assume-monotone: $(grep '^runs:' "$OUT/monotone.txt") in $((t2 - t1)) s"
echo "exhaustive:      $(grep '^runs:' "$OUT/exhaustive.txt") in $((t3 - t2)) s"
echo "exhaustive:      $(grep '^monotone assumption' "$OUT/exhaustive.txt")"
for f in plan monotone; do
	if cmp -s "$OUT/$f.frontier" "$OUT/exhaustive.frontier"; then
		echo "$f: the same answer and frontier as the exhaustive sweep"
	else
		echo "$f: a DIFFERENT frontier from the exhaustive sweep:"
		diff "$OUT/$f.frontier" "$OUT/exhaustive.frontier" || true
	fi
done
if [ -n "${IMG:-}" ]; then
	cp "$OUT/exhaustive/plan.png" "$IMG"
	echo "plot: $IMG"
fi
