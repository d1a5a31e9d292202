# t_compare.sh - scripts/compare-zram-zswap.sh in quick mode (small traces,
# five stacks): a row per config and workload in table.md and table.csv,
# swap-in shares that add up, a PNG, and a clear failure when zsim fails.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$T/cmp
COMPARE_QUICK=1 sh "$root/scripts/compare-zram-zswap.sh" "$ZSIM" "$out" > "$T/cmp.out" 2> "$T/cmp.err"
rc=$?
check compare_exit test "$rc" -eq 0
check compare_prints_outputs grep -q "table:    $out/table.md" "$T/cmp.out"
stacks="zram zram+ssd zram-writeback zswap-zsmalloc zswap-6.6-zbud"
rows_ok() {
	for wl in standard appswitch; do
		for s in $stacks; do
			[ "$(grep -c "^$wl,$s," "$out/table.csv")" -eq 1 ] || { echo "  no csv row $wl,$s"; return 1; }
		done
	done
	[ "$(grep -c '^| zram |' "$out/table.md")" -eq 2 ] || return 1
	for s in $stacks; do
		[ "$(grep -cF "| $s |" "$out/table.md")" -eq 2 ] || { echo "  table.md: not two rows for $s"; return 1; }
	done
	[ "$(wc -l < "$out/table.csv")" -eq 11 ]
}
check compare_rows rows_ok
# shares: RAM + flash = 100% where there were swap-ins, 0 + 0 where none;
# latencies, times and sizes non-negative; simulated time positive
sane() {
	awk -F, 'NR > 1 {
		s = $5 + $6
		if ($4 > 0 && (s < 99.8 || s > 100.2)) { print "  shares of " $1 "," $2 " sum to " s; bad = 1 }
		if ($4 == 0 && s != 0) { print "  " $1 "," $2 ": shares without swap-ins"; bad = 1 }
		if ($9 <= 0) { print "  " $1 "," $2 ": sim time " $9; bad = 1 }
		for (i = 3; i <= 13; i++) if ($i < 0) { print "  " $1 "," $2 ": field " i " negative"; bad = 1 }
		if ($11 + 0.05 < $10) { print "  " $1 "," $2 ": pool peak below pool at end"; bad = 1 }
	} END { exit bad }' "$out/table.csv"
}
check compare_sane sane
# the stacks behave as their kind: zram alone never reads flash, zswap+ssd writes to it
kinds() {
	awk -F, 'NR > 1 && $2 == "zram" && $6 != 0 { bad = 1 }
	         NR > 1 && $2 ~ /^zswap/ && $13 <= 0 { bad = 1 } END { exit bad }' "$out/table.csv"
}
check compare_kinds kinds
check compare_png test -s "$out/compare.png"
check compare_no_error sh -c "! grep -qi 'error\|failed' '$T/cmp.err'"
# deterministic: a second run (of one stack, for time) gives the same rows
mkdir -p "$T/oneconf"
cp "$root/configs/compare/zswap-zsmalloc.json" "$T/oneconf/"
COMPARE_QUICK=1 COMPARE_CONFIGS="$T/oneconf" sh "$root/scripts/compare-zram-zswap.sh" "$ZSIM" "$T/cmp2" > /dev/null 2>&1
same_rows() { grep ',zswap-zsmalloc,' "$out/table.csv" > "$T/rows1"; grep -v '^workload' "$T/cmp2/table.csv" > "$T/rows2"; cmp -s "$T/rows1" "$T/rows2"; }
check compare_deterministic same_rows
# a failing zsim fails the script, naming the run
mkdir -p "$T/badconf"
printf '{ "machine": { "ram": "1G" }, "devices": {}, "swap": [ { "device": "zram9" } ] }\n' > "$T/badconf/zram.json"
COMPARE_QUICK=1 COMPARE_CONFIGS="$T/badconf" sh "$root/scripts/compare-zram-zswap.sh" "$ZSIM" "$T/cmp3" > /dev/null 2> "$T/cmp3.err"
rc=$?
check compare_fails_on_zsim_error test "$rc" -ne 0
check compare_names_failed_run grep -q 'zsim failed on workload standard, config .*zram.json' "$T/cmp3.err"
