# zswap in front of the swap devices (tiers/zswap.c, sim/swap.c): a small
# board that must swap, through zswap on three kernels, with the accounting
# that ties zswap's counters to the devices'; the ready config on the standard
# workload; and bad zswap configs refused with their JSON path.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ZSIM" trace gen hogger --size 200M --content text --retouch 0.2 --period 1s --duration 10s --seed 5 \
	-o "$T/h.trc"
board() { # KERNEL ZSWAP-JSON
	printf '{"kernel":"%s","machine":{"ram":"128M","cpus":2},"devices":{"s":{"type":"ssd","size":"1G"}},"swap":[{"device":"s"}]%s}' \
		"$1" "${2:+,\"zswap\":$2}"
}
run() { # NAME KERNEL ZSWAP-JSON
	board "$2" "$3" > "$T/$1.json"
	"$ZSIM" --trace "$T/h.trc" --config "$T/$1.json" --out "$T/$1" --quiet --check
}
sum() { jget "$T/$1/summary.json" "$2"; }

for k in 5.4 6.1 6.18; do
	case $k in 5.4|6.1) z='{"zpool":"zbud","max_pool_percent":10}' ;; *) z='{"max_pool_percent":10}' ;; esac
	check "zswap $k: the run succeeds (invariants checked)" run "z$k" "$k" "$z"
	check "zswap $k: pages went into zswap" test "$(sum "z$k" zswap.zswpout)" -gt 0
	check "zswap $k: swap-ins served from zswap" test "$(sum "z$k" zswap.zswpin)" -gt 0
	# every zswap load is a swap-in fault it served or a page readahead took
	# out of it (zswap sits under the readahead, in swap_readpage); readahead
	# pages = from zswap + from the device, pswpin = device faults + device
	# readahead, so the ones from zswap are readahead - (pswpin - device faults)
	check "zswap $k: zswap loads = its swap-in faults + the readahead it served" \
		test "$(sum "z$k" zswap.zswpin)" = "$(($(sum "z$k" zswap.swapin_faults) + $(sum "z$k" swap.0.readahead_pages) - \
			($(sum "z$k" vmstat.pswpin) - $(sum "z$k" swap.0.swapins))))"
	# every page that reached the device was counted in pswpout, whether reclaim
	# wrote it past a refusing zswap or zswap wrote it back
	check "zswap $k: device writes = pswpout" test "$(sum "z$k" devices.s.pages_written)" = "$(sum "z$k" vmstat.pswpout)"
	check "zswap $k: written back = zswpwb" \
		test "$(sum "z$k" zswap.written_back_pages)" = "$(sum "z$k" zswap.zswpwb)"
	# full is over the limit (>= from 6.10): a store into a pool at its limit
	# takes one page more, where a shrink that fails (the tail page's entries
	# in the swap cache: not written back) leaves it
	check "zswap $k: the pool stays within its limit" \
		test "$(sum "z$k" zswap.pool_pages)" -le "$(($(sum "z$k" zswap.pool_limit_pages) + 1))"
	check "zswap $k: timeseries has zswap's columns" \
		grep -Eq '^time_ns,.*,zswap_pool_pages,zswpout,zswpin,zswpwb(,|$)' "$T/z$k/timeseries.csv"
done
# 5.4: a full zbud pool evicts a page inside the store and writes back its buddies
check "zswap 5.4: a full pool writes pages back" test "$(sum z5.4 zswap.written_back_pages)" -gt 0
check "zswap 5.4: limit hits counted" test "$(sum z5.4 zswap.pool_limit_hit)" -gt 0
# 6.18: zsmalloc is the only zpool; 6.1's default is zbud, which adds its header
check "zswap 6.18: same-filled pages are not kept as such (6.12+)" \
	sh -c "! grep -q '\"same_filled_pages\"' '$T/z6.18/summary.json'"
# the limit is a share of MemTotal: 10% of 128 MiB = 3276 pages
check "zswap: the pool limit is max_pool_percent of MemTotal" test "$(sum z6.18 zswap.pool_limit_pages)" = 3276
# what the kernel takes at boot is outside MemTotal (10% of 120 MiB = 3072
# pages); what it holds at start inside (the limit stays 3276), yet both
# take their frames from the workload
for kr in kernel_reserve kernel_used; do
	board 6.18 '{"max_pool_percent":10}' | sed "s/\"cpus\":2/\"cpus\":2,\"$kr\":\"8M\"/" > "$T/$kr.json"
	check "zswap $kr 8M: runs" "$ZSIM" --trace "$T/h.trc" --config "$T/$kr.json" --out "$T/$kr" --quiet --check
	check "zswap $kr 8M: its 2048 frames held" test "$(sum "$kr" memory.kernel_reserve_pages)" = 2048
done
check "zswap: kernel_reserve shrinks MemTotal, so the pool limit" test "$(sum kernel_reserve zswap.pool_limit_pages)" = 3072
check "zswap: kernel_used is inside MemTotal: the limit stays" test "$(sum kernel_used zswap.pool_limit_pages)" = 3276
check "zswap: the summary says which held pages are inside MemTotal" test "$(sum kernel_used memory.kernel_used_pages)" = 2048
check "zswap: and says nothing of them when none are" sh -c "! grep -q kernel_used_pages '$T/kernel_reserve/summary.json'"

# off means absent: the same results as a config without zswap
check "zswap off: runs" run off 6.18 '{"enabled":false}'
check "no zswap: runs" run none 6.18 ''
check "zswap off: summary.json identical to no zswap at all" cmp -s "$T/off/summary.json" "$T/none/summary.json"
check "zswap off: --print-config still shows the section" sh -c \
	"'$ZSIM' --print-config --config '$T/off.json' | grep -q '\"enabled\": false'"

# the ready config on the standard workload (the main job's traces)
sh "$ROOT/scripts/make-traces.sh" "$ZSIM" "$T" > /dev/null
check "zswap+ssd.json: the standard workload runs end to end" "$ZSIM" --trace "$T/service-800m.trc" \
	--trace "$T/kbuild.trc" --config "$ROOT/configs/zswap+ssd.json" --out "$T/std" --quiet
check "zswap+ssd.json: zswap and the SSD share the swap-ins" sh -c \
	"[ \$(awk -F': ' '/\"swapin_share\"/ { s += \$2 } END { printf \"%d\", s * 1000 + 0.5 }' '$T/std/summary.json') = 1000 ]"

# bad configs: one line naming the JSON path, no results
bad() { # NAME PATTERN JSON
	printf '%s' "$3" > "$T/bad.json"
	expect_error "zswap config: $1" "$2" "$ZSIM" --trace "$T/h.trc" --config "$T/bad.json" --out "$T/bad"
	check "zswap config: $1: no results" [ ! -e "$T/bad" ]
}
bad "without a swap device" '\$\.zswap: zswap caches pages on their way to a swap device' \
	'{"machine":{"ram":"128M"},"zswap":{}}'
bad "a zpool the profile lacks" "\\\$\\.zswap\\.zpool: zpool 'zbud' is not one zswap has in kernel 6\\.18" \
	"$(board 6.18 '{"zpool":"zbud"}')"
bad "percent out of range" '\$\.zswap\.max_pool_percent: expected an integer from 1 to 100' \
	"$(board 6.18 '{"max_pool_percent":101}')"
bad "an unknown key" "\\\$\\.zswap: unknown key 'pool' \\(known: " "$(board 6.18 '{"pool":"zsmalloc"}')"
bad "zswap is not a device" "\\\$\\.zswap: zswap is not a device: it has no 'size'" "$(board 6.18 '{"size":"1G"}')"
bad "the shrinker before 6.8" '\$\.zswap\.shrinker_enabled: ' "$(board 6.1 '{"shrinker_enabled":true}')"
bad "not an object" '\$\.zswap: expected an object' "$(board 6.18 '[1]')"
bad "a bare number for a time" '\$\.zswap\.shrink_delay: expected a time with a unit' \
	"$(board 6.18 '{"shrink_delay":5}')"
