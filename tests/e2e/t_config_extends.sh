# Config composition: "extends" (relative paths, chains, cycles, depth, null
# removes), --set KEY=VALUE overrides, --config - and --trace - from stdin,
# --format csv for the printed summary.
. "$(dirname "$0")/lib.sh"
C="$(cd "$(dirname "$0")/../../configs" && pwd)"
S="$(dirname "$0")/../../traces/samples"
mkdir -p "$T/base" "$T/mid" "$T/leaf"
cp "$C/zram+ssd.json" "$T/base/zram+ssd.json"
# the hand-written config: zram+ssd.json with swappiness 100, lz4, 2 GiB of SSD swap, 2 CPUs
cat > "$T/hand.json" <<'JSON'
{ "duty": "1 run/day",
  "machine": { "ram": "1G", "cpus": 2, "kernel_reserve": "64M" },
  "mm": { "swappiness": 100 },
  "devices": {
    "zram0": { "type": "zram", "size": "512M", "comp": "lz4" },
    "ssdswap": { "type": "ssd", "size": "2G", "flash_size": "128G", "flash": "ssd" },
    "disk": { "type": "ssd", "size": "16G", "flash_size": "128G", "flash": "ssd" } },
  "swap": [ { "device": "zram0", "priority": 100 }, { "device": "ssdswap", "priority": 10 } ],
  "filesystems": { "src": { "type": "block", "device": "disk" } } }
JSON
check "extends: the hand-written config is valid" "$ZSIM" --config "$T/hand.json" --print-config > "$T/hand.out"
# mid extends base (a path relative to mid's file), leaf extends mid
printf '{ "extends": "../base/zram+ssd.json", "comment": "mid", "mm": { "swappiness": 100 } }\n' > "$T/mid/mid.json"
printf '{ "extends": "../mid/mid.json", "devices": { "ssdswap": { "size": "2G" }, "zram0": { "comp": "lz4" } }, "machine": { "cpus": 2 } }\n' > "$T/leaf/leaf.json"
grep -q '"comp"' "$T/hand.out" || echo "  (no comp in --print-config?)"
"$ZSIM" --config "$T/leaf/leaf.json" --print-config > "$T/leaf.out" 2> "$T/err"
check "extends: a chain of two gives the hand-written config" cmp -s "$T/hand.out" "$T/leaf.out"
"$ZSIM" --config "$T/base/zram+ssd.json" --set mm.swappiness=100 --set devices.ssdswap.size=2G \
	--set devices.zram0.comp=lz4 --set machine.cpus=2 --print-config > "$T/set.out"
check "--set: four overrides give the hand-written config" cmp -s "$T/hand.out" "$T/set.out"
"$ZSIM" --config "$T/mid/mid.json" --set devices.ssdswap.size=2G --set devices.zram0.comp=lz4 \
	--set machine.cpus=2 --print-config > "$T/mix.out"
check "extends and --set together" cmp -s "$T/hand.out" "$T/mix.out"
"$ZSIM" --config "$T/base/zram+ssd.json" --set kernel=6.1 --print-config > "$T/k.out"
check "--set: a string key keeps its string value (kernel=6.1)" is "$T/k.out" kernel 6.1
"$ZSIM" --config "$T/base/zram+ssd.json" --set 'swap=[{"device":"zram0","priority":5}]' \
	--set devices.ssdswap=null --print-config > "$T/arr.out"
check "--set: a JSON value replaces an array; null removes a key" sh -c \
	"grep -q '\"priority\": 5' '$T/arr.out' && ! grep -q ssdswap '$T/arr.out'"
printf '{ "extends": "zram+ssd.json", "devices": { "ssdswap": null }, "swap": [ { "device": "zram0" } ] }\n' > "$T/base/nossd.json"
"$ZSIM" --config "$T/base/nossd.json" --print-config > "$T/nossd.out"
check "extends: null in the extending file removes the base's key" sh -c "! grep -q ssdswap '$T/nossd.out'"
"$ZSIM" --config - --print-config < "$T/hand.json" > "$T/stdin.out"
check "--config - reads stdin" cmp -s "$T/hand.out" "$T/stdin.out"

printf '{ "extends": "b.json", "machine": { "ram": "1G" } }\n' > "$T/a.json"
printf '{ "extends": "a.json" }\n' > "$T/b.json"
expect_error "extends: a cycle is one line" "b.json: \\\$.extends: 'a.json' is already on the chain of extends \\(a cycle\\)" \
	"$ZSIM" --config "$T/a.json" --print-config
i=0
while [ $i -lt 10 ]; do printf '{ "extends": "d%d.json" }\n' $((i + 1)) > "$T/d$i.json"; i=$((i + 1)); done
cp "$T/hand.json" "$T/d10.json"
expect_error "extends: depth is bounded" "more than 8 levels of extends" "$ZSIM" --config "$T/d0.json" --print-config
printf '{ "extends": "nonesuch.json" }\n' > "$T/missing.json"
expect_error "extends: a missing base names the file" "missing.json: \\\$.extends: cannot read '.*nonesuch.json'" \
	"$ZSIM" --config "$T/missing.json" --print-config
printf '{ "extends": 3 }\n' > "$T/num.json"
expect_error "extends: not a path" "num.json: \\\$.extends: expected the path" "$ZSIM" --config "$T/num.json" --print-config
expect_error "--set without '=' names the position" "^zsim: --set: 'mm.swappiness': position 14: expected KEY=VALUE" \
	"$ZSIM" --config "$T/hand.json" --set mm.swappiness --print-config
expect_error "--set with an empty key part" "^zsim: --set: 'mm..x=1': position 4: empty key name" \
	"$ZSIM" --config "$T/hand.json" --set mm..x=1 --print-config
expect_error "--set with a blank in a key" "^zsim: --set: 'mm.s w=1': position 5: blank in a key name" \
	"$ZSIM" --config "$T/hand.json" --set 'mm.s w=1' --print-config
expect_error "--set with a trailing dot" "^zsim: --set: 'mm.=1': position 4: empty key name" \
	"$ZSIM" --config "$T/hand.json" --set 'mm.=1' --print-config
expect_error "--set with bad JSON" "^zsim: --set: 'mm.swappiness=\\[1': position 16: bad JSON value" \
	"$ZSIM" --config "$T/hand.json" --set 'mm.swappiness=[1' --print-config
expect_error "--set of an unknown key: the config check names its path" "\\\$.mm: unknown key 'swapiness'" \
	"$ZSIM" --config "$T/hand.json" --set mm.swapiness=100 --print-config
expect_error "--set of a wrong type: the config check names its path" "\\\$.mm.swappiness: expected an integer" \
	"$ZSIM" --config "$T/hand.json" --set mm.swappiness=lots --print-config
expect_error "--set through a value" "\\\$.mm.swappiness is a value, not an object" \
	"$ZSIM" --config "$T/hand.json" --set mm.swappiness.x=1 --print-config

"$ZSIM" trace pack "$S/kbuild-mini.txt" -o "$T/k.trc"
"$ZSIM" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/file" --quiet
"$ZSIM" --trace - --config "$S/mini.json" --out "$T/pipe" --quiet < "$T/k.trc"
check "--trace - reads stdin: the same timeseries" cmp -s "$T/file/timeseries.csv" "$T/pipe/timeseries.csv"
check "--trace - reads stdin: the same summary but the trace's name" sh -c \
	"grep -v '\"traces\"\\|k.trc\\|\"-\"' '$T/file/summary.json' > '$T/a' && grep -v '\"traces\"\\|k.trc\\|\"-\"' '$T/pipe/summary.json' > '$T/b' && cmp -s '$T/a' '$T/b'"
expect_error "stdin once only" "only one of --config and --trace may read stdin" \
	"$ZSIM" --trace - --config - --out "$T/x"
"$ZSIM" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/csv" --format csv > "$T/sum.csv"
pgf=$(jget "$T/csv/summary.json" vmstat.pgfault)
check "--format csv: key,value lines from summary.json" sh -c \
	"head -1 '$T/sum.csv' | grep -qx key,value && grep -qx 'vmstat.pgfault,$pgf' '$T/sum.csv'"
"$ZSIM" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/js" --format json > "$T/sum.json"
check "--format json prints summary.json" sh -c "{ cat '$T/js/summary.json'; echo; } | cmp -s - '$T/sum.json'"
expect_error "--format: unknown" "unknown format 'xml'" "$ZSIM" --trace "$T/k.trc" --config "$S/mini.json" --format xml
