#!/bin/sh
# sim_bench.sh - the simulator's own speed (issue 5 targets), printed as figures.
# Usage: sim_bench.sh ZSIM TMPDIR
set -eu
ZSIM=$1
T=$2
perf() { sed -n "s/.*\"$2\": *\([0-9.e+-]*\).*/\1/p" "$1/perf.json"; }
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

cat > "$T/fit.json" <<'J'
{ "machine": { "ram": "8G" } }
J
cat > "$T/half.json" <<'J'
{ "machine": { "ram": "2G" }, "mm": { "policy": "lru2" },
  "devices": { "free": { "type": "nvram", "size": "8G", "read_latency": "0ns", "write_latency": "0ns",
                         "read_bw": 0, "write_bw": 0 } },
  "swap": [ { "device": "free" } ] }
J
cat > "$T/thrash.json" <<'J'
{ "machine": { "ram": "384M", "cpus": 2 },
  "devices": { "zram0": { "type": "zram", "size": "2G", "comp": "lz4" } },
  "swap": [ { "device": "zram0" } ] }
J

echo "== simulator: working set fits in RAM (scan of 256 MiB x 200 sweeps, 8 GiB RAM; target >= 10 M accesses/s)"
"$ZSIM" trace gen scan --size 256M --passes 200 -o "$T/scan.trc"
"$ZSIM" --trace "$T/scan.trc" --config "$T/fit.json" --out "$T/r1" --quiet
printf '  %.1f M accesses/s\n' "$(echo "$(perf "$T/r1" page_accesses_per_s) / 1000000" | bc -l)"

echo "== simulator: hot/cold stream, 20 M Zipf(0.99) reads over 1 Mi pages, RAM for half, free swap device (target >= 6 M/s)"
"$ZSIM" trace gen zipf --size 4G --accesses 20000000 --read 1 -o "$T/zipf.trc"
kb=$(rss_kb "$ZSIM" --trace "$T/zipf.trc" --config "$T/half.json" --out "$T/r2" --quiet)
printf '  %.1f M accesses/s, %s major faults\n' "$(echo "$(perf "$T/r2" page_accesses_per_s) / 1000000" | bc -l)" \
	"$(sed -n 's/.*"pgmajfault": \([0-9]*\).*/\1/p' "$T/r2/summary.json")"
printf '  simulator memory: %.1f bytes per simulated page (peak RSS %s KiB / 1 Mi pages of the trace + 0.5 Mi frames; target <= 64)\n' \
	"$(echo "$kb * 1024 / (1048576 + 524288)" | bc -l)" "$kb"

echo "== simulator: thrashing through zram (512 MiB rewritten each sweep, 384 MiB RAM, lz4; target: codec >= 70% of the time)"
"$ZSIM" trace gen scan --size 512M --passes 6 --write 1 --content text -o "$T/thrash.trc"
"$ZSIM" --trace "$T/thrash.trc" --config "$T/thrash.json" --out "$T/r3" --quiet
printf '  %.2f M accesses/s; codec %.0f%% of the run, making page bytes %.0f%%\n' \
	"$(echo "$(perf "$T/r3" page_accesses_per_s) / 1000000" | bc -l)" \
	"$(echo "100 * $(perf "$T/r3" codec_share)" | bc -l)" \
	"$(echo "100 * $(perf "$T/r3" content_wall_s) / $(perf "$T/r3" wall_s)" | bc -l)"
