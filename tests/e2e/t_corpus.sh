# Traces whose pages come from a corpus file: the simulator stores the real
# bytes, so zram holds exactly what `zsim fill` of the same corpus holds.
. "$(dirname "$0")/lib.sh"

"$ZSIM" corpus text --pages 64 --seed 9 -o "$T/c.bin"
{
	echo "#zsim-trace version=1 page_size=4096 generator=hand seed=0 flags=0 corpus=c.bin fs="
	echo "create 1 0 app"
	i=0
	while [ $i -lt 64 ]; do echo "access 1 $i w corpus:$i"; i=$((i + 1)); done
	# push them out: 16,384 zero pages (four times RAM) stream through after
	# them; zero pages are same-filled in zram and add no compressed bytes
	i=64
	while [ $i -lt 16448 ]; do echo "access 1 $i w zero:$i"; i=$((i + 1)); done
} > "$T/t.txt"
"$ZSIM" trace pack "$T/t.txt" -o "$T/t.trc"
cat > "$T/cfg.json" <<'J'
{ "machine": { "ram": "16M" },
  "devices": { "z": { "type": "zram", "size": "128M", "comp": "lzo-rle" } },
  "swap": [ { "device": "z" } ] }
J
check "corpus trace runs (corpus found next to the trace)" "$ZSIM" --trace "$T/t.trc" --config "$T/cfg.json" --out "$T/run" --quiet
want=$("$ZSIM" fill --comp lzo-rle "$T/c.bin" | awk '{ print $3 }')
got=$(sed -n '/"z": {/,/}/p' "$T/run/summary.json" | sed -n 's/.*"compr_data_size": \([0-9]*\).*/\1/p')
check "zram holds the corpus pages' real compressed bytes ($want)" [ "$got" = "$want" ]
check "no swap write failed" grep -q '"swap_write_failures": 0' "$T/run/summary.json"

{
	echo "#zsim-trace version=1 page_size=4096 generator=hand seed=0 flags=0 corpus=c.bin fs="
	echo "create 1 0 app"
	echo "access 1 0 w corpus:64"
} > "$T/past.txt"
"$ZSIM" trace pack "$T/past.txt" -o "$T/past.trc"
expect_error "corpus page past the end names trace and event" "past.trc: event [0-9]+: corpus page 64 is past the end" \
	"$ZSIM" --trace "$T/past.trc" --config "$T/cfg.json" --out "$T/run2"
check "no results after the error" [ ! -e "$T/run2" ]
{
	echo "#zsim-trace version=1 page_size=4096 generator=hand seed=0 flags=0 corpus=nothere.bin fs="
	echo "create 1 0 app"
} > "$T/nc.txt"
"$ZSIM" trace pack "$T/nc.txt" -o "$T/nc.trc"
expect_error "missing corpus file is named" "nc.trc: the trace's corpus: .*nothere.bin" \
	"$ZSIM" --trace "$T/nc.trc" --config "$T/cfg.json" --out "$T/run3"
