# zsim plot: one file per chart in PNG and SVG, runs named in the titles, OOM
# kills marked, columns read by name (reordered, unknown and per-device
# columns), several runs overlaid, errors as one line; scripts/plot.sh wraps it.
. "$(dirname "$0")/lib.sh"
S="$(dirname "$0")/../../traces/samples"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v gnuplot > /dev/null; then
	echo "SKIP t_plot.sh: gnuplot is not installed (make deps installs it)"
	exit 0
fi
"$ZSIM" trace gen hogger --size 28M --content text --retouch 0.1 --period 500ms --duration 20s \
	--seed 1 -o "$T/svc.trc"
"$ZSIM" trace gen hogger --size 40M --content text --retouch 0.1 --period 500ms --duration 10s \
	--seed 1 -o "$T/big.trc"
"$ZSIM" trace pack "$S/kbuild-mini.txt" -o "$T/k.trc"
"$ZSIM" --trace "$T/svc.trc" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/calm" --quiet
"$ZSIM" --trace "$T/big.trc" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/oom" --quiet
check "plot: the second run had an OOM kill" grep -q '"type":"oom_kill"' "$T/oom/events.jsonl"

"$ZSIM" plot "$T/calm" > "$T/list"
check "plot: exit 0, ten files listed" [ "$(wc -l < "$T/list")" -eq 10 ]
for c in memory swap swapins latency writes; do
	check "plot: $c.png is a PNG" sh -c "head -c 8 '$T/calm/$c.png' | od -c | grep -q 'P   N   G'"
	check "plot: $c.svg is an SVG" grep -q '<svg' "$T/calm/$c.svg"
done
check "plot: the run's name is in the titles" grep -q 'memory by kind (MiB): calm' "$T/calm/memory.svg"
check "plot: RAM size as a reference line" grep -q 'RAM (32 MiB)' "$T/calm/memory.svg"
check "plot: swap device capacity as a reference line" grep -q 'zram0 capacity (16 MiB)' "$T/calm/swap.svg"

"$ZSIM" plot "$T/calm" "$T/oom" -o "$T/both" --format svg > /dev/null
check "plot: two runs, one panel each" sh -c \
	"grep -q 'memory by kind (MiB): calm' '$T/both/memory.svg' && grep -q 'memory by kind (MiB): oom' '$T/both/memory.svg'"
check "plot: the OOM kill is marked" grep -q 'OOM kill: hogger' "$T/both/memory.svg"
check "plot: the calm run has no OOM mark" sh -c "! grep -q 'OOM kill' '$T/calm/memory.svg'"
check "plot: overlaid runs are named in the key" sh -c \
	"grep -q 'calm: major faults' '$T/both/swapins.svg' && grep -q 'oom: major faults' '$T/both/swapins.svg'"
check "plot: --format svg writes no PNG" [ ! -e "$T/both/memory.png" ]

# columns by name: reverse the order, add an unknown column and per-device ones
mkdir -p "$T/shuffled"
cp "$T/calm/summary.json" "$T/calm/events.jsonl" "$T/shuffled/"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "swap_used_pages") su = i }
	{ line = (NR == 1 ? "future_column" : "7")
	  for (i = NF; i >= 1; i--) line = line "," $i
	  line = line "," (NR == 1 ? "swap_used_pages.zram0" : $su)
	  print line }' "$T/calm/timeseries.csv" > "$T/shuffled/timeseries.csv"
"$ZSIM" plot "$T/shuffled" --format svg > /dev/null
check "plot: reordered and extra columns are read by name (the same memory chart)" sh -c \
	"sed 's/shuffled/calm/g' '$T/shuffled/memory.svg' | cmp -s - '$T/calm/memory.svg'"
check "plot: a per-device swap column gets its own series" sh -c \
	"grep -q '>zram0<' '$T/shuffled/swap.svg' && ! grep -q 'all swap devices' '$T/shuffled/swap.svg'"

# a thousand ENOSPC events: counted in the title, ticks along the top, no barcode
mkdir -p "$T/many"
cp "$T/calm/summary.json" "$T/calm/timeseries.csv" "$T/many/"
awk 'BEGIN { for (i = 0; i < 1000; i++) printf "{\"time_ns\":%d,\"type\":\"enospc\",\"fs\":\"src\"}\n", 1e9 + i * 1e7 }' \
	> "$T/many/events.jsonl"
"$ZSIM" plot "$T/many" --format svg > /dev/null
check "plot: many ENOSPC events are counted in the title" grep -q '1000 ENOSPC from 1.0 s (orange ticks at the top)' "$T/many/memory.svg"
check "plot: and not labelled one by one" sh -c "! grep -q 'enospc: src' '$T/many/memory.svg'"

ZSIM="$ZSIM" sh "$ROOT/scripts/plot.sh" "$T/calm" svg > /dev/null
check "scripts/plot.sh still works (a wrapper)" grep -q '<svg' "$T/calm/memory.svg"
expect_error "plot: a missing directory" "zsim plot: .*nope/summary.json" "$ZSIM" plot "$T/nope"
mkdir -p "$T/badcsv"; cp "$T/calm/summary.json" "$T/badcsv/"
printf 'time_ns,free_pages\n0,1\n1,x\n' > "$T/badcsv/timeseries.csv"
expect_error "plot: a bad timeseries names file and line" "badcsv/timeseries.csv: line 3: column 2 \\(free_pages\\)" \
	"$ZSIM" plot "$T/badcsv"
expect_error "plot: unknown format" "unknown format 'gif'" "$ZSIM" plot "$T/calm" --format gif
