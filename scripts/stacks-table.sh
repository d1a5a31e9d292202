#!/bin/sh
# stacks-table.sh - the README's stacks table: the seed workload (the 2013
# mail's hogger + kernel build: traces/hogger-800m.trc + traces/kbuild.trc)
# on each swap stack, as one Markdown table:
#   zram            configs/seed-2013/2-zram-blk.json (experiment 2)
#   zram+ssd        configs/stacks/seed-zram+ssd.json
#   zram writeback  configs/seed-2013/2b-zram-blk-writeback.json
#   dm-cache (hdd)  configs/seed-2013/3-dm-cache.json (experiment 3)
#   dm-cache (ssd)  the same with its origin on an SSD
# Columns: OOM kills; where swap-ins came from (share of swap-in faults per
# swap device; for dm-cache, its read hits: the zram cache); p99 major-fault
# latency; simulated runtime; NAND written (every flash device, FTL model);
# lifetime at DUTY of the most-worn flash (summary.json's flash.*.years_at_duty).
#
# Usage: scripts/stacks-table.sh [ZSIM] [TRACES] [OUTDIR]
#   ZSIM    default ./zsim if there, else zsim on the PATH
#   TRACES  directory with hogger-800m.trc and kbuild.trc (default traces;
#           made with scripts/make-traces.sh when missing)
#   OUTDIR  where the runs go (default stacks-out)
# Environment: DUTY (default "1 run/day"), the duty every config gets;
# FLASH (default 128G), the flash_size every SSD gets: its 1 GiB is a
# partition of a 128 GB SSD, as in configs/zram+ssd.json (FLASH= : the
# configs as they are, each SSD its own whole flash).
# Deterministic: the same zsim and traces give the same table.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
C=$here/../configs
if [ -x ./zsim ]; then ZSIM=${1:-./zsim}; else ZSIM=${1:-zsim}; fi
TR=${2:-traces}
OUT=${3:-stacks-out}
DUTY=${DUTY:-1 run/day}
FLASH=${FLASH-128G}
die() { echo "stacks-table.sh: $*" >&2; exit 1; }
case $DUTY$FLASH in *'"'*|*'\'*|*'|'*) die "DUTY and FLASH must not hold quotes, backslashes or |" ;; esac
[ -f "$TR/hogger-800m.trc" ] && [ -f "$TR/kbuild.trc" ] || sh "$here/make-traces.sh" "$ZSIM" "$TR" > /dev/null
mkdir -p "$OUT"

# jget FILE PATH: a value of a summary.json (one member per line, as jansson
# writes it); keys and array indexes joined by dots; strings unquoted
jget() {
	awk -v want="$2" '
	function path(key,   i, s) { s = ""; for (i = 1; i <= d; i++) s = s k[i] "."; return s key }
	NR == 1 { d = 0; n[0] = 0; next }
	{
		line = $0
		sub(/^[ \t]+/, "", line); sub(/[ \t]*,?[ \t]*$/, "", line)
		if (line ~ /^[]}]$/) { d--; next }
		if (line ~ /^"[^"]*": /) {
			key = line; sub(/^"/, "", key); sub(/": .*$/, "", key)
			val = line; sub(/^"[^"]*": /, "", val)
		} else { key = n[d]++; val = line }
		if (val == "{" || val == "[") { d++; k[d] = key; n[d] = 0; next }
		if (path(key) == want) { if (val ~ /^".*"$/) val = substr(val, 2, length(val) - 2); print val; exit }
	}' "$1"
}

# keys of the object at PATH (one level down), in file order
jkeys() {
	awk -v want="$2" '
	function path(   i, s) { s = ""; for (i = 1; i <= d; i++) s = s (i > 1 ? "." : "") k[i]; return s }
	NR == 1 { d = 0; next }
	{
		line = $0
		sub(/^[ \t]+/, "", line); sub(/[ \t]*,?[ \t]*$/, "", line)
		if (line ~ /^[]}]$/) { d--; next }
		key = ""
		if (line ~ /^"[^"]*": /) { key = line; sub(/^"/, "", key); sub(/": .*$/, "", key) }
		if (path() == want && key != "") print key
		if (line ~ /[{[]$/) { d++; k[d] = key }
	}' "$1"
}

run() { # NAME CONFIG
	sed "1s|^{|{ \"duty\": \"$DUTY\",|; ${FLASH:+s|\"type\": \"ssd\",|\"type\": \"ssd\", \"flash_size\": \"$FLASH\",|}" "$2" > "$OUT/$1.json"
	"$ZSIM" --trace "$TR/hogger-800m.trc" --trace "$TR/kbuild.trc" --config "$OUT/$1.json" \
		--out "$OUT/$1" --quiet --no-fail-outcome || die "$1: zsim failed"
}
row() { # LABEL NAME
	S=$OUT/$2/summary.json
	from=""
	i=0
	while dev=$(jget "$S" swap.$i.device) && [ -n "$dev" ]; do
		share=$(jget "$S" swap.$i.swapin_share)
		from="$from${from:+, }$dev $(jget "$S" swap.$i.swapins) ($(awk -v s="$share" 'BEGIN { printf "%.0f%%", 100 * s }'))"
		hits=$(jget "$S" devices.$dev.read_hits || true)
		if [ -n "$hits" ]; then
			miss=$(jget "$S" devices.$dev.read_misses)
			from="$from, of its reads $(awk -v h="$hits" -v m="$miss" 'BEGIN { printf "%.0f%%", h + m ? 100 * h / (h + m) : 0 }') cache hits"
		fi
		i=$((i + 1))
	done
	nand=0 years=""
	for chip in $(jkeys "$S" flash); do
		nand=$((nand + $(jget "$S" flash.$chip.nand_bytes)))
		y=$(jget "$S" flash.$chip.years_at_duty)
		[ "$y" = null ] && continue
		years=$(awk -v a="$years" -v b="$y" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
	done
	if [ -n "$years" ]; then life=$(awk -v y="$years" 'BEGIN { printf (y < 10 ? "%.1f years" : "%.0f years"), y }'); else life="no flash written"; fi
	printf '| %s | %s | %s | %.1f us | %.1f s | %.1f MiB | %s |\n' "$1" "$(jget "$S" outcome.oom_kills)" "$from" \
		"$(jget "$S" major_fault_latency_ns.p99 | awk '{ print $1 / 1e3 }')" \
		"$(jget "$S" sim_time_ns | awk '{ print $1 / 1e9 }')" "$(awk -v b="$nand" 'BEGIN { print b / 1048576 }')" "$life"
}

run zram "$C/seed-2013/2-zram-blk.json"
run zram+ssd "$C/stacks/seed-zram+ssd.json"
run zram-writeback "$C/seed-2013/2b-zram-blk-writeback.json"
run dm-cache-hdd "$C/seed-2013/3-dm-cache.json"
sed 's/"type": "hdd"/"type": "ssd"/' "$C/seed-2013/3-dm-cache.json" > "$OUT/3-dm-cache-ssd.in"
run dm-cache-ssd "$OUT/3-dm-cache-ssd.in"

echo "| stack | OOM kills | swap-ins from (pages, share) | p99 major fault | runtime | NAND written | life at $DUTY |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
row "zram (exp. 2, 3.12)" zram
row "zram + SSD swap (3.12)" zram+ssd
row "zram writeback to SSD (exp. 2b, 6.1)" zram-writeback
row "dm-cache, zram cache, HDD origin (exp. 3, 3.12)" dm-cache-hdd
row "dm-cache, zram cache, SSD origin (3.12)" dm-cache-ssd
