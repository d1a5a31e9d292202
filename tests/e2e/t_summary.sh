# The summary that answers (issue 13, item 1): the main job's fault latency
# split by source (zram and the SSD each with their own p50/p99), data-
# dependent codec cost (zram's p99 above its p50 when page sizes differ),
# --baseline's slowdown, the per-store RAM, PSI, the per-device timeseries
# columns, and the exit status: 4 after an OOM kill (0 with
# --no-fail-outcome), 0 for the main job.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

sh "$ROOT/scripts/make-traces.sh" "$ZSIM" "$T" > /dev/null
M=$T/main
"$ZSIM" --trace "$T/service-800m.trc" --trace "$T/kbuild.trc" --config "$ROOT/configs/zram+ssd.json" \
	--out "$M" --baseline > "$T/main.txt"
rc=$?
S=$M/summary.json
check "main job: exits 0 (no OOM kill, nothing lost)" test "$rc" -eq 0

# latency by source: separate entries, and a RAM source is not an SSD one
zp50=$(jget "$S" fault_latency_ns.zram0.p50)
zp99=$(jget "$S" fault_latency_ns.zram0.p99)
sp50=$(jget "$S" fault_latency_ns.ssdswap.p50)
sp99=$(jget "$S" fault_latency_ns.ssdswap.p99)
check "main job: zram0 faults counted on their own" test "$(jget "$S" fault_latency_ns.zram0.count)" -gt 0
check "main job: ssdswap faults counted on their own" test "$(jget "$S" fault_latency_ns.ssdswap.count)" -gt 0
check "main job: zram's p50 far below the SSD's (RAM vs flash)" test "$((zp50 * 10))" -lt "$sp50"
check "main job: p99 >= p50 for zram and the SSD" test "$zp99" -ge "$zp50" -a "$sp99" -ge "$sp50"
check "main job: the sources add up to the combined histogram" test \
	"$(( $(jget "$S" fault_latency_ns.zram0.count) + $(jget "$S" fault_latency_ns.ssdswap.count) + \
	     $(jget "$S" fault_latency_ns.file.count) + $(jget "$S" fault_latency_ns.zeromap.count) ))" \
	-eq "$(jget "$S" major_fault_latency_ns.count)"
check "main job: the printed summary splits them" grep -Eq "^  fault zram0 +p50 .*, p99 .*faults\)" "$T/main.txt"
check "main job: ... and names the SSD" grep -Eq "^  fault ssdswap +p50 .*, p99 .*faults\)" "$T/main.txt"

# --baseline: the same traces with RAM for everything, nothing reclaimed there
check "baseline: nothing reclaimed on the baseline machine" is "$S" baseline.pages_scanned 0
check "baseline: no swap there" is "$S" baseline.swap false
sd=$(jget "$S" runtime.0.slowdown)
check "baseline: the service (the trace that swaps) is slowed, slowdown >= 1 ($sd)" \
	awk -v x="$sd" 'BEGIN { exit !(x >= 1) }'
check "baseline: the build has a slowdown too" test -n "$(jget "$S" runtime.1.slowdown)"
check "baseline: the printed summary gives it" grep -Eq "service-800m.trc .* [0-9.]+x its .* with RAM for all" "$T/main.txt"
check "baseline: the build's make is listed" grep -Eq "^ +make +[0-9.]+ s, [0-9.]+x$" "$T/main.txt"

# stores: RAM held now and at peak, and the ratio
check "stores: zram0's RAM at peak >= now" test "$(jget "$S" stores.zram0.ram_bytes_max)" -ge "$(jget "$S" stores.zram0.ram_bytes)"
check "stores: the printed summary gives zram's RAM" grep -Eq "^  RAM +zram0 +[0-9.]+ MiB now, [0-9.]+ MiB at peak; holds [0-9.]+ MiB of pages \([0-9.]+:1\)" "$T/main.txt"
# PSI: some >= full, both present
some=$(jget "$S" pressure.memory.some.total)
full=$(jget "$S" pressure.memory.full.total)
check "psi: some total > 0 on a run that stalls" test "$some" -gt 0
check "psi: full <= some" test "$full" -le "$some"

# timeseries: per device and per store columns, named <metric>.<device>
H=$(head -1 "$M/timeseries.csv")
for col in swap_used_pages.zram0 swap_used_pages.ssdswap swapins.zram0 swapins.ssdswap ram_pages.zram0 stored_pages.zram0 ratio.zram0; do
	check "timeseries: column $col" sh -c "echo '$H' | tr , '\n' | grep -qx '$col'"
done
check "timeseries: the old columns keep their places" sh -c "echo '$H' | cut -d, -f1-6 | grep -qx 'time_ns,free_pages,anon_pages,file_pages,zspages,swap_used_pages'"
ncol=$(echo "$H" | tr , '\n' | wc -l)
check "timeseries: every row has the header's columns" awk -F, -v n="$ncol" 'NF != n { exit 1 }' "$M/timeseries.csv"

# data-dependent codec cost: compressible pages of different sizes come back
# from zram at different costs (phone apps, heap content, OOM-killed once)
"$ZSIM" trace gen appswitch --apps 6 --switches 20 --period 2s -o "$T/app.trc"
"$ZSIM" --trace "$T/app.trc" --config "$ROOT/configs/zram.json" --out "$T/app" > "$T/app.txt"
rc=$?
A=$T/app/summary.json
check "apps on zram alone: an OOM kill" test "$(jget "$A" vmstat.oom_kill)" -gt 0
check "apps: exit status 4 (ZSIM_EXIT_OUTCOME) after an OOM kill" test "$rc" -eq 4
check "apps: zram's p99 above its p50 (page sizes differ)" \
	test "$(jget "$A" fault_latency_ns.zram0.p99)" -gt "$(jget "$A" fault_latency_ns.zram0.p50)"
check "apps: the store compresses (ratio > 1.5)" \
	awk -v x="$(jget "$A" stores.zram0.ratio)" 'BEGIN { exit !(x > 1.5) }'
"$ZSIM" --trace "$T/app.trc" --config "$ROOT/configs/zram.json" --out "$T/app2" --no-fail-outcome > /dev/null
check "apps: --no-fail-outcome exits 0" test $? -eq 0
check "apps: ... with the same results" cmp -s "$T/app/summary.json" "$T/app2/summary.json"

# a config with a per-KiB cost of 0 gives zram a constant decompression cost
cat > "$T/flat.json" <<EOF
{ "machine": { "ram": "1G", "cpus": 4, "kernel_reserve": "64M" },
  "codec_time": { "lzo-rle": { "decompress": "3us", "decompress_per_kib": "0ns" } },
  "devices": { "zram0": { "type": "zram", "size": "512M" } },
  "swap": [ { "device": "zram0", "priority": 100 } ] }
EOF
"$ZSIM" --trace "$T/app.trc" --config "$T/flat.json" --out "$T/flat" --no-fail-outcome > /dev/null
check "flat codec cost: zram's p50 = p99 = 3 us" test \
	"$(jget "$T/flat/summary.json" fault_latency_ns.zram0.p50)" = 3000 -a \
	"$(jget "$T/flat/summary.json" fault_latency_ns.zram0.p99)" = 3000
expect_error "codec_time: a per-KiB time without a unit is refused" 'codec_time\.lzo-rle\.decompress_per_kib' \
	sh -c "sed 's/\"0ns\"/\"7\"/' '$T/flat.json' > '$T/bad.json'; '$ZSIM' --trace '$T/app.trc' --config '$T/bad.json' --out '$T/bad'"
