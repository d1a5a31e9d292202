# The 2013 experiments of the seed mail (README, "The 2013 experiments"), run
# as the README runs them, on the standard traces (scripts/make-traces.sh):
#  1. 1 GiB zram swap, the tree untarred to tmpfs: the untar fails with ENOSPC
#     at tmpfs's size limit (half of MemTotal: (1 GiB - 64 MiB kernel_reserve) / 2 = 122880 pages).
#  2. the tree untarred to ext2 on zram-blk: the untar succeeds (nothing
#     refused, nothing lost); during the build the OOM killer fires while the
#     zram swap device still has free slots, because zram's pools hold the RAM.
#  3. swap on a dm-cache over a zram cache and an HDD origin: no OOM (the
#     swap-out stream bypasses the cache, as 3.12's mq policy had it).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

sh "$ROOT/scripts/make-traces.sh" "$ZSIM" "$T" > /dev/null
run() {
	"$ZSIM" --trace "$T/hogger-800m.trc" --trace "$T/kbuild.trc" \
		--config "$ROOT/configs/seed-2013/$1.json" --out "$T/$1" > "$T/$1.txt"
}
# run NAME and expect exit status RC (4, ZSIM_EXIT_OUTCOME, after an OOM kill)
run_rc() { run "$1"; rc=$?; [ "$rc" = "$2" ] || { echo "  $1: exit status $rc, expected $2"; return 1; }; }
# tar is process 2 of the kbuild trace: summary's processes.2 (after the hogger and sh)
tar_end() { jget "$1/summary.json" processes.2.end_ns; }

# 1 ---------------------------------------------------------------------------
check "exp 1 runs, exits 4 (the OOM kill)" run_rc 1-tmpfs 4
E=$T/1-tmpfs/events.jsonl
check "exp 1: writes refused with ENOSPC" test "$(jget "$T/1-tmpfs/summary.json" outcome.enospc)" -gt 0
check "exp 1: the first refusal is tar's" test "$(evget "$E" enospc process)" = tar
check "exp 1: at the tmpfs limit (122880 pages = MemTotal / 2)" test "$(evget "$E" enospc used_pages)" = 122880
check "exp 1: the run says so" grep -q "ENOSPC: .* write(s) refused" "$T/1-tmpfs.txt"
check "exp 1: tar itself is not killed" is "$T/1-tmpfs/summary.json" processes.2.killed false

# 2 ---------------------------------------------------------------------------
check "exp 2 runs, exits 4 (the OOM kill)" run_rc 2-zram-blk 4
S=$T/2-zram-blk/summary.json
E=$T/2-zram-blk/events.jsonl
check "exp 2: untar: no write refused" is "$S" outcome.enospc 0
check "exp 2: untar: no write-back lost" is "$S" outcome.lost_writes 0
check "exp 2: tar finished, not killed" is "$S" processes.2.killed false
check "exp 2: an OOM kill" test "$(jget "$S" outcome.oom_kills)" -ge 1
oom_t=$(evget "$E" oom_kill time_ns)
check "exp 2: the kill comes after the untar, during the build" test "$oom_t" -gt "$(tar_end "$T/2-zram-blk")"
check "exp 2: ... and before the build ends" test "$oom_t" -lt "$(jget "$S" sim_time_ns)"
check "exp 2: the victim is the hogger" test "$(evget "$E" oom_kill victim)" = hogger
check "exp 2: zram swap still had free slots" test "$(evget "$E" oom_kill swap_free_pages)" -gt 0
# RAM then: zram pools hold at least 90% of the 262144 frames, nothing reclaimable is left
check "exp 2: zram pools hold the RAM" test "$(evget "$E" oom_kill zspages)" -gt 235929
check "exp 2: the summary names the kill and the free swap" \
	grep -q "killed hogger .* swap free then: [1-9][0-9.]* MiB of 1024.0 MiB" "$T/2-zram-blk.txt"

# 2b ------------------------------------------------------------------------
# the same on 6.1 with zram writeback of huge pages to a backing SSD: no OOM;
# and the same config without the backing device OOMs like experiment 2
check "exp 2b runs, exits 0 (no OOM kill, nothing lost)" run_rc 2b-zram-blk-writeback 0
S=$T/2b-zram-blk-writeback/summary.json
check "exp 2b: no OOM kill" is "$S" outcome.oom_kills 0
check "exp 2b: pages were written back" test "$(jget "$S" outcome.zram_writeback_pages)" -gt 100000
check "exp 2b: the SSD holds them" test "$(jget "$S" devices.ssd0.pages_written)" = "$(jget "$S" devices.zram0.bd_writes)"
check "exp 2b: the summary says so" grep -q "writeback zram0 -> ssd0: .* written back" "$T/2b-zram-blk-writeback.txt"
# a page at a time, each waited for: the rounds are under way at least the
# SSD's 40 us write per page written (an instant round would take 0 s)
check "exp 2b: writeback takes the SSD's time, page by page" \
	test "$(jget "$S" outcome.zram_writeback_busy_ns)" -ge "$(($(jget "$S" outcome.zram_writeback_pages) * 40000))"
check "exp 2b: its CPU is counted" test "$(jget "$S" outcome.zram_writeback_cpu_ns)" -gt 0
sed -e 's/"backing_dev": "ssd0",//' -e 's/"writeback": { "mode": "huge", "interval": "5s" },//' \
	-e 's/"ssd0": { "type": "ssd", "size": "1G" },//' "$ROOT/configs/seed-2013/2b-zram-blk-writeback.json" > "$T/2b-off.json"
"$ZSIM" --trace "$T/hogger-800m.trc" --trace "$T/kbuild.trc" --config "$T/2b-off.json" --out "$T/2b-off" > /dev/null
check "exp 2b without writeback: the hogger is killed" test "$(evget "$T/2b-off/events.jsonl" oom_kill victim)" = hogger

# 3 ---------------------------------------------------------------------------
# swap on a dm-cache (1 GiB zram cache, 1 GiB HDD origin, 10 MiB zram metadata)
# with 3.12's mq pattern tracker: the swap-out stream is sequential, so it goes
# to the origin and the zram cache stays nearly empty; no OOM, as in the mail.
# Without the tracker (smq-like eager promotion) the cache takes it all and the
# hogger is killed as in experiment 2.
check "exp 3 runs, exits 0 (no OOM kill, nothing lost)" run_rc 3-dm-cache 0
S=$T/3-dm-cache/summary.json
check "exp 3: no OOM kill" is "$S" outcome.oom_kills 0
check "exp 3: no process killed" is "$S" outcome.processes_killed 0
check "exp 3: untar: no write refused" is "$S" outcome.enospc 0
check "exp 3: the origin took the swap-outs" test "$(jget "$S" devices.dm0.write_misses)" -gt 100000
check "exp 3: the HDD holds them" test "$(jget "$S" devices.hdd0.pages_written)" -gt 100000
check "exp 3: the zram cache holds under 16 MiB" test "$(jget "$S" devices.zram0.mem_used_total)" -lt 16777216
# the background writeback moves whole 64 KiB cache blocks: 16 pages each
check "exp 3: dm-cache's writeback under its own key" is "$S" outcome.dmcache_writeback_pages \
	"$(( $(jget "$S" devices.dm0.writebacks) * 16 ))"
check "exp 3: no zram writeback counted" is "$S" outcome.zram_writeback_pages 0
check "exp 3: cache blocks used <= total" test "$(jget "$S" devices.dm0.cache_blocks_used)" -le "$(jget "$S" devices.dm0.cache_blocks_total)"
grep -v '"sequential_threshold"' "$ROOT/configs/seed-2013/3-dm-cache.json" | sed 's/"zram2",$/"zram2" },/' > "$T/3-smq.json"
"$ZSIM" --trace "$T/hogger-800m.trc" --trace "$T/kbuild.trc" --config "$T/3-smq.json" --out "$T/3-smq" > /dev/null
check "exp 3 without mq's tracker: the hogger is killed" test "$(evget "$T/3-smq/events.jsonl" oom_kill victim)" = hogger
check "exp 3 without mq's tracker: the zram cache took the swap-outs" \
	test "$(jget "$T/3-smq/summary.json" devices.dm0.write_hits)" -gt 1000000
