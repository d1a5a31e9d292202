#!/bin/sh
# run.sh - `make bench`: prints figures; asserts nothing (machines are shared
# and noisy).  Targets are printed beside the figures.
set -eu
: "${ZSIM:?}" "${BENCH:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pages=32768

echo "== zsim fill vs raw lz4 ($pages distinct pages of the text class, lz4; best of 3)"
"$ZSIM" corpus text --pages $pages --seed 11 -o "$tmp/text.bin"
cat "$tmp/text.bin" > /dev/null
raw=$("$BENCH/lz4_raw" "$tmp/text.bin" 2>/dev/null | awk '{print $2}')
printf 'raw LZ4_compress_default: %10.0f pages/s (one thread, pages in memory)\n' "$raw"
for threads in 1 0; do
	best=0
	opt=""
	[ "$threads" = 0 ] || opt="--threads $threads"
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		# shellcheck disable=SC2086
		"$ZSIM" fill --comp lz4 $opt "$tmp/text.bin" > /dev/null
		t1=$(date +%s.%N)
		r=$(echo "$pages / ($t1 - $t0)" | bc -l)
		best=$(echo "if ($r > $best) $r else $best" | bc -l)
	done
	printf 'zsim fill --comp lz4 %-12s %10.0f pages/s  (%.1f%% of raw; target >= 90%%, whole process incl. reading the file)\n' \
		"${opt:-(all CPUs)}:" "$best" "$(echo "100 * $best / $raw" | bc -l)"
done

echo
echo "== allocators: 64Ki and 1Mi live objects of the mix size distribution, 20M free+store steps each (target >= 20 M/s)"
"$BENCH/alloc_bench"

echo
echo "== trace format: 50M kbuild-like events, write then read back (best of 3)"
"$BENCH/trace_bench" 50000000

echo
echo "== FTL model (tiers/ftl.c): simulator time per simulated host write, 4 GiB device, 4Mi writes"
"$BENCH/ftl_bench"

echo
sh "$(dirname "$0")/sim_bench.sh" "$ZSIM" "$tmp"

echo
sh "$(dirname "$0")/sweep_bench.sh" "$ZSIM" "$tmp"
