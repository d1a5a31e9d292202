# zsim --list, --version, calibrate, and codec_time in a config.
. "$(dirname "$0")/lib.sh"

"$ZSIM" --list > "$T/list"
for fam in "codecs: lzo-rle, lzo, lz4, zstd" "allocators: zsmalloc, zbud, z3fold, ideal" \
	"reclaim policies: lru2, clock, lru" "kernel profiles: 3.12" "trace generators: hogger"; do
	check "--list names $fam" grep -q "^$fam" "$T/list"
done
check "--version" sh -c "'$ZSIM' --version | grep -q '^zsim [0-9]'"

"$ZSIM" calibrate --pages 64 -o "$T/cal.json"
for c in lzo-rle lzo lz4 zstd; do
	check "calibrate measures $c" grep -q "\"$c\": {" "$T/cal.json"
done
# a page's time is the fixed part plus the per-KiB part: the fit may put all
# of it in the second (a fixed part fitted below zero is 0), never neither
check "calibrate gives positive times" awk '/"compress":/ { c = $2 } /"compress_per_kib":/ { if (c == "\"0ns\"," && $2 == "\"0ns\",") bad = 1; n++ } END { exit bad || n != 4 }' "$T/cal.json"
check "calibrate's output is a config's codec_time" sh -c "printf '{\"machine\":{\"ram\":\"16M\"},\"codec_time\":%s}' \"\$(cat '$T/cal.json')\" > '$T/calcfg.json' && '$ZSIM' --print-config --config '$T/calcfg.json' > /dev/null"
expect_error "calibrate: bad --pages" "--pages: 'lots' is not a count" "$ZSIM" calibrate --pages lots
# --mm: the workload's costs as `zsim play` runs them (it plays four small traces)
"$ZSIM" calibrate --mm --pages 16384 -o "$T/calmm.json"
for k in minor_fault_time read_access_time write_access_time content_time; do
	check "calibrate --mm measures $k" grep -Eq "\"$k\": \"[1-9][0-9]*(ns|us|ms)\"" "$T/calmm.json"
done
# the swap-in fault is measured only where swap is on (the guests'); these
# machines never have it on (tests never enable swap here)
if [ "$(wc -l < /proc/swaps)" -le 1 ]; then
	check "calibrate --mm: no swap on, no swap-in measured" sh -c "! grep -q swapin_fault_time '$T/calmm.json'"
fi
# in ns, whatever unit zsim_format_time chose
calns() { sed -n "s/.*\"$1\": \"\([0-9]*\)\(ns\|us\|ms\)\".*/\1 \2/p" "$T/calmm.json" |
	awk '{ print $1 * ($2 == "us" ? 1000 : $2 == "ms" ? 1000000 : 1) }'; }
check "calibrate --mm: a fault costs more than a read of a resident page" \
	test "$(calns minor_fault_time)" -gt "$(calns read_access_time)"
check "calibrate --mm: its times are a config's mm times" sh -c "printf '{\"machine\":{\"ram\":\"16M\"},\"mm\":{\"access_time\":%s,\"minor_fault_time\":%s}}' \
	\"\$(sed -n 's/.*\"read_access_time\": \(\"[^\"]*\"\).*/\1/p' '$T/calmm.json')\" \"\$(sed -n 's/.*\"minor_fault_time\": \(\"[^\"]*\"\).*/\1/p' '$T/calmm.json')\" > '$T/mmcfg.json' &&
	'$ZSIM' --print-config --config '$T/mmcfg.json' | grep -q \"\$(sed -n 's/.*\"minor_fault_time\": \(\"[^\"]*\"\).*/\1/p' '$T/calmm.json')\""
expect_error "calibrate: stray argument" "unexpected argument 'x'" "$ZSIM" calibrate x
# --mm's file costs: measured (0 allowed: a resident page's call may cost no
# more than the anonymous access here), and a --dir it cannot use refused
for k in file_create_time file_io_time file_write_time; do
	check "calibrate --mm reports $k" grep -Eq "\"$k\": \"[0-9]+(ns|us|ms)\"" "$T/calmm.json"
done
expect_error "calibrate --mm: a --dir that is not there" \
	"^zsim calibrate --mm: --dir $T/nosuch: cannot create a directory there: No such file or directory$" \
	"$ZSIM" calibrate --mm --pages 64 --dir "$T/nosuch" -o "$T/calbad.json"
check "calibrate --mm with a bad --dir writes no output" test ! -e "$T/calbad.json"

# a config with codec_time: zram's CPU time per page follows it
printf 'create 1 0 app\n' > "$T/t.txt"
i=0; while [ $i -lt 6000 ]; do echo "access 1 $i w text:$i"; i=$((i + 1)); done >> "$T/t.txt"
"$ZSIM" trace pack "$T/t.txt" -o "$T/t.trc"
for ns in 1000 100000; do
	cat > "$T/c$ns.json" <<J
{ "machine": { "ram": "16M" }, "codec_time": { "lzo-rle": { "compress": "${ns}ns", "decompress": "1us" } },
  "devices": { "z": { "type": "zram", "size": "64M" } }, "swap": [ { "device": "z" } ] }
J
	"$ZSIM" --trace "$T/t.trc" --config "$T/c$ns.json" --out "$T/r$ns" --quiet
done
t_fast=$(sed -n 's/.*"sim_time_ns": \([0-9]*\).*/\1/p' "$T/r1000/summary.json")
t_slow=$(sed -n 's/.*"sim_time_ns": \([0-9]*\).*/\1/p' "$T/r100000/summary.json")
check "slower compression makes the run longer ($t_fast < $t_slow)" [ "$t_fast" -lt "$t_slow" ]
check "--print-config shows codec_time" sh -c "'$ZSIM' --print-config --config '$T/c1000.json' | grep -A2 '\"lzo-rle\"' | grep -q '\"compress\": \"1us\"'"
printf '{ "machine": { "ram": "16M" }, "codec_time": { "lz5": { "compress": "1ns" } } }' > "$T/bad.json"
expect_error "codec_time: unknown codec named with its path" '\$\.codec_time\.lz5: unknown compressor' \
	"$ZSIM" --print-config --config "$T/bad.json"

# names read from input never break the one-line error rule
expect_error "a newline inside a trace's filesystem name stays on one line" "bad filesystem name" \
	"$ZSIM" trace pack "$(dirname "$0")/../fuzz/corpus/trace_text/newline-in-fs-name.txt" -o "$T/x.trc"
printf '{ "machine": { "ram": "16M" }, "a\\nb": 1 }' > "$T/nl.json"
expect_error "a newline inside a config key stays on one line" "unknown key 'a\?b'" \
	"$ZSIM" --print-config --config "$T/nl.json"
printf '1\n2\r3\n' > "$T/cr.txt"
head -c 40960 /dev/zero > "$T/ten.bin"
expect_error "a control character in a discard line stays on one line" "cr.txt:2: '2\?3' is not a page index" \
	"$ZSIM" fill --discard "$T/cr.txt" "$T/ten.bin"
