# `zsim --trace T --config C --out DIR`: small traces whose outcome is worked
# out by hand (the derivation is beside each check), the results directory,
# determinism, --print-config, --json/--quiet, --out handling and Ctrl-C.
. "$(dirname "$0")/lib.sh"

pack() { "$ZSIM" trace pack -o "$1"; }

# ---------------------------------------------------------------------------
# 1. 1000 pages written on a machine with plenty of RAM.
# RAM 256M = 65536 pages, no reserve.  Each first-touch write is a minor fault
# costing minor_fault_time = 1 us: pgfault 1000, cpu 1 ms, and the 1000
# faults fill exactly one 1 ms quantum, so the exit runs at 1 ms.  Lowest free
# = 65536 - 1000.  Watermarks (kernel >= 4.6 formulas): min_free_kbytes =
# sqrt(262144 KiB * 16) = 2048 -> min 512 pages; gap = max(512/4, 65536*10/10000)
# = 128 -> low 640, high 768.
# ---------------------------------------------------------------------------
awk 'BEGIN { print "create 1 0 writer"; print "map 1 0x100 1000 anon"
	for (i = 0; i < 1000; i++) printf "access 1 0x%x w heap:%d\n", 256 + i, i + 1
	print "exit 1" }' | pack "$T/w1000.trc"
printf '{"machine":{"ram":"256M"}}' > "$T/big.json"
"$ZSIM" --trace "$T/w1000.trc" --config "$T/big.json" --out "$T/r1" > "$T/r1.out" 2> "$T/r1.err"
rc=$?
S=$T/r1/summary.json
check "basic: exit status 0" [ "$rc" = 0 ]
check "basic: nothing on stderr" [ ! -s "$T/r1.err" ]
for f in summary.json timeseries.csv events.jsonl perf.json; do
	check "basic: results dir has $f" [ -f "$T/r1/$f" ]
done
check "basic: no temporary directory left" sh -c "! ls -d '$T/r1'.tmp.* 2>/dev/null"
for k in outcome vmstat memory swap devices filesystems major_fault_latency_ns processes \
	 interrupted kernel seed traces sim_time_ns; do
	check "basic: summary.json has '$k'" grep -q "^ \"$k\": " "$S"
done
check "basic: pgfault 1000" is "$S" vmstat.pgfault 1000
check "basic: no major faults" is "$S" vmstat.pgmajfault 0
check "basic: no swap-out" is "$S" vmstat.pswpout 0
check "basic: no swap-in" is "$S" vmstat.pswpin 0
check "basic: no OOM kill" is "$S" vmstat.oom_kill 0
check "basic: outcome.oom_kills 0" is "$S" outcome.oom_kills 0
check "basic: page_accesses 1000" is "$S" vmstat.page_accesses 1000
check "basic: trace_events 1003 (create, map, 1000 accesses, exit)" is "$S" vmstat.trace_events 1003
check "basic: the process finished" is "$S" outcome.processes_finished 1
check "basic: no process left" is "$S" outcome.processes_left 0
check "basic: process name" is "$S" processes.0.name writer
check "basic: 1000 minor faults" is "$S" processes.0.minor_faults 1000
check "basic: cpu 1000 x 1000 ns" is "$S" processes.0.cpu_ns 1000000
check "basic: exits at 1 ms" is "$S" processes.0.end_ns 1000000
check "basic: sim_time 1 ms" is "$S" sim_time_ns 1000000
# 1000 pages from page 0x100 (256..1255) span three PTE pages (0-511, 512-1023, 1024-1535)
check "basic: lowest free = 65536 - 1000 pages - 3 PTE pages" is "$S" memory.free_pages_lowest 64533
check "basic: 3 PTE pages at most, none left" sh -c "[ \"$(jget "$S" memory.page_table_pages_max)$(jget "$S" memory.page_table_pages)\" = 30 ]"
check "basic: all memory back after exit" is "$S" memory.free_pages 65536
check "basic: min_free_kbytes 2048" is "$S" memory.min_free_kbytes 2048
check "basic: watermark_min 512" is "$S" memory.watermark_min 512
check "basic: watermark_low 640" is "$S" memory.watermark_low 640
check "basic: watermark_high 768" is "$S" memory.watermark_high 768
check "basic: no swap devices" grep -q '^ "swap": \[\],' "$S"
check "basic: no fault latencies" is "$S" major_fault_latency_ns.count 0
check "basic: timeseries header" sh -c "head -1 '$T/r1/timeseries.csv' | grep -q '^time_ns,free_pages,.*,pgmajfault,.*,oom_kill,live_processes,watermark_boost_pages,kswapd_cpu_ns$'"
check "basic: timeseries has rows" [ "$(wc -l < "$T/r1/timeseries.csv")" -ge 3 ]
check "basic: timeseries last row: all pages free, no process" sh -c "tail -1 '$T/r1/timeseries.csv' | grep -q '^1000000,65536,0,'"
check "basic: timeseries rows have 17 fields" sh -c "awk -F, 'NF != 17 { exit 1 }' '$T/r1/timeseries.csv'"
check "basic: no events" [ ! -s "$T/r1/events.jsonl" ]
check "basic: perf.json has wall_s" grep -q '"wall_s":' "$T/r1/perf.json"
check "basic: human summary says OOM none" grep -q '^  OOM: none' "$T/r1.out"
check "basic: human summary counts the faults" grep -q 'faults: 0 major, 1000 total' "$T/r1.out"
check "basic: human summary names the results" grep -q "results: $T/r1/" "$T/r1.out"
check "invariant checks pass (--check)" "$ZSIM" --trace "$T/w1000.trc" --config "$T/big.json" --out "$T/r1c" --check --quiet

# ---------------------------------------------------------------------------
# 2. Determinism: a zipf key-value store with mixed content through zram (real
# compression, reclaim, kswapd): same trace, config and seed -> same bytes.
# ---------------------------------------------------------------------------
"$ZSIM" trace gen zipf --size 24M --accesses 100000 --content mix --seed 3 -o "$T/zipf.trc"
printf '{"machine":{"ram":"16M"},"devices":{"zram0":{"type":"zram","size":"64M"}},"swap":[{"device":"zram0"}]}' > "$T/zram.json"
"$ZSIM" --trace "$T/zipf.trc" --config "$T/zram.json" --seed 7 --out "$T/d1" --quiet
"$ZSIM" --trace "$T/zipf.trc" --config "$T/zram.json" --seed 7 --out "$T/d2" --quiet
check "determinism: the run swaps (the test means something)" [ "$(jget "$T/d1/summary.json" vmstat.pswpout)" -gt 0 ]
check "determinism: summary.json byte-identical" cmp -s "$T/d1/summary.json" "$T/d2/summary.json"
check "determinism: timeseries.csv byte-identical" cmp -s "$T/d1/timeseries.csv" "$T/d2/timeseries.csv"
check "determinism: events.jsonl byte-identical" cmp -s "$T/d1/events.jsonl" "$T/d2/events.jsonl"
check "determinism: --seed is recorded" is "$T/d1/summary.json" seed 7

# ---------------------------------------------------------------------------
# 3. A working set larger than RAM, same-filled pages (not zero: from 6.12 zero pages reach no swap device), zram swap.
# 6000 pages written, then all 6000 read in the same order; the process never
# exits, so the end state is inspectable.
# ---------------------------------------------------------------------------
awk 'BEGIN { print "create 1 0 big"
	for (i = 0; i < 6000; i++) printf "access 1 0x%x w same:0\n", 4096 + i
	for (i = 0; i < 6000; i++) printf "access 1 0x%x r\n", 4096 + i }' | pack "$T/ws.trc"

# 3a. Exact LRU, no watermarks: RAM is a cache of exactly 4096 pages.  The
# writes fault 6000 times (minor) and push the 6000 - 4096 = 1904 oldest pages
# out.  The reads scan 6000 pages through 4096 frames in order, so every read
# misses (the page was evicted 4096 distinct pages ago, or in the first pass)
# and evicts one more: pgmajfault = pswpin = 6000, pswpout = 1904 + 6000 = 7904,
# pgfault = 12000.  zram swap-in frees the slot (synchronous device), so swap
# holds 7904 - 6000 = 1904 pages at the end, all same-filled: same_pages 1904,
# orig_data_size 1904 * 4096 = 7798784, nothing compressed, no pool memory.
printf '{"machine":{"ram":"16M"},"mm":{"policy":"lru","watermarks":false},"devices":{"zram0":{"type":"zram","size":"64M"}},"swap":[{"device":"zram0"}]}' > "$T/zx.json"
"$ZSIM" --trace "$T/ws.trc" --config "$T/zx.json" --out "$T/r3" --quiet
S=$T/r3/summary.json
check "zram exact: pgfault 12000" is "$S" vmstat.pgfault 12000
check "zram exact: pgmajfault 6000" is "$S" vmstat.pgmajfault 6000
check "zram exact: pswpin 6000" is "$S" vmstat.pswpin 6000
check "zram exact: pswpout 7904" is "$S" vmstat.pswpout 7904
check "zram exact: no OOM" is "$S" vmstat.oom_kill 0
check "zram exact: RAM full of the process" is "$S" memory.anon_lru_pages 4096
check "zram exact: no free page" is "$S" memory.free_pages 0
check "zram exact: swap used 1904" is "$S" swap.0.used_pages 1904
check "zram exact: swap total 64M = 16384 pages" is "$S" swap.0.total_pages 16384
check "zram exact: device swapouts 7904" is "$S" swap.0.swapouts 7904
check "zram exact: device swapins 6000" is "$S" swap.0.swapins 6000
check "zram exact: pages_stored 1904" is "$S" devices.zram0.pages_stored 1904
check "zram exact: same_pages 1904" is "$S" devices.zram0.same_pages 1904
check "zram exact: orig_data_size 1904 pages" is "$S" devices.zram0.orig_data_size 7798784
check "zram exact: compr_data_size 0" is "$S" devices.zram0.compr_data_size 0
check "zram exact: mem_used_total 0" is "$S" devices.zram0.mem_used_total 0
check "zram exact: mem_used_max 0" is "$S" devices.zram0.mem_used_max 0
check "zram exact: huge_pages 0" is "$S" devices.zram0.huge_pages 0
check "zram exact: num_writes = pswpout" is "$S" devices.zram0.num_writes 7904
check "zram exact: notify_free = swap-ins" is "$S" devices.zram0.notify_free 6000
# The kernel counts every read bio in num_reads (same-filled pages too), as
# num_writes counts every write.
check "zram exact: num_reads = pswpin (kernel counts every read)" is "$S" devices.zram0.num_reads 6000
check "zram exact: no zsmalloc pages" is "$S" memory.zspages 0
check "zram exact: 6000 fault latencies" is "$S" major_fault_latency_ns.count 6000

# 3b. The same trace with the default kernel-like reclaim (lru2, watermarks,
# kswapd): the exact counts depend on the policy, their relations do not.
printf '{"machine":{"ram":"16M"},"devices":{"zram0":{"type":"zram","size":"64M"}},"swap":[{"device":"zram0"}]}' > "$T/zd.json"
"$ZSIM" --trace "$T/ws.trc" --config "$T/zd.json" --out "$T/r3d" --quiet
S=$T/r3d/summary.json
out=$(jget "$S" vmstat.pswpout); in=$(jget "$S" vmstat.pswpin); maj=$(jget "$S" vmstat.pgmajfault)
used=$(jget "$S" swap.0.used_pages); anon=$(jget "$S" memory.anon_lru_pages)
free=$(jget "$S" memory.free_pages); stored=$(jget "$S" devices.zram0.pages_stored)
pt=$(jget "$S" memory.page_table_pages)
check "zram lru2: pswpout > 0" [ "$out" -gt 0 ]
check "zram lru2: pgmajfault > 0" [ "$maj" -gt 0 ]
check "zram lru2: every major fault is a swap-in" [ "$maj" = "$in" ]
check "zram lru2: pgfault = 6000 first touches + major faults" is "$S" vmstat.pgfault $((6000 + maj))
check "zram lru2: swap used = pswpout - pswpin (zram frees on swap-in)" [ "$used" = $((out - in)) ]
check "zram lru2: every page is in RAM or in swap" [ $((anon + used)) = 6000 ]
check "zram lru2: 12 PTE pages (6000 pages from page 4096)" [ "$pt" = 12 ]
check "zram lru2: frames add up (free + anon + page tables = RAM)" [ $((free + anon + pt)) = 4096 ]
check "zram lru2: pages_stored = swap used" [ "$stored" = "$used" ]
check "zram lru2: same_pages = pages stored (all same-filled)" is "$S" devices.zram0.same_pages "$used"
check "zram lru2: orig_data_size = stored x 4096" is "$S" devices.zram0.orig_data_size $((used * 4096))
check "zram lru2: mem_used_total 0" is "$S" devices.zram0.mem_used_total 0
check "zram lru2: compr_data_size 0" is "$S" devices.zram0.compr_data_size 0
# a task takes a frame only while free > min, or in reclaim; reclaim here
# stores same-filled pages, which take no zram frame: free bottoms out at min exactly
check "zram lru2: lowest free = watermark_min (128)" is "$S" memory.free_pages_lowest "$(jget "$S" memory.watermark_min)"
check "zram lru2: watermark_min 128 (min_free_kbytes 512)" is "$S" memory.watermark_min 128
# kswapd's CPU over time: it never falls, it grows once reclaim starts, and the
# last sample (the run's end) says what the summary says
ks=$(jget "$S" memory.kswapd_cpu_ns)
check "zram lru2: kswapd ran" [ "$ks" -gt 0 ]
check "zram lru2: timeseries kswapd_cpu_ns never falls, ends at the summary's" sh -c "awk -F, -v want='$ks' '
	NR == 1 { for (i = 1; i <= NF; i++) if (\$i == \"kswapd_cpu_ns\") c = i; next }
	c && \$c + 0 < last { bad = 1 } { last = \$c + 0 } END { exit bad || !(c && last == want) }' '$T/r3d/timeseries.csv'"

# 3c. The 2013 effect: random pages do not compress, so zram stores each one
# whole in a frame taken from the same RAM.  Every swap-out frees one frame and
# takes one: of the 4096 - 128 (min watermark: min_free_kbytes =
# sqrt(16384 * 16) = 512 KiB = 128 pages) usable frames, the process's pages
# from page 4096 take n and their PTE pages ceil(n / 512): n + 8 = 3968,
# n = 3960.  Reclaim turns all n into zram frames, then has nothing left to
# reclaim and the OOM killer takes the writer with rss 0, swapents 3960,
# badness 3960 + 8 PTE pages = 3968, while swap is three quarters empty
# (16384 - 3960 = 12424 slots free).
awk 'BEGIN { print "create 1 0 rnd"
	for (i = 0; i < 6000; i++) printf "access 1 0x%x w random:%d\n", 4096 + i, i + 1 }' | pack "$T/rnd.trc"
"$ZSIM" --trace "$T/rnd.trc" --config "$T/zd.json" --out "$T/r3r" --quiet
rc=$?
S=$T/r3r/summary.json
E=$T/r3r/events.jsonl
check "zram random: exit 4 (ZSIM_EXIT_OUTCOME: the OOM killer fired)" [ "$rc" = 4 ]
check "zram random: one OOM kill" is "$S" vmstat.oom_kill 1
check "zram random: 3960 pages swapped out" is "$S" vmstat.pswpout 3960
check "zram random: 3960 faults before the kill" is "$S" vmstat.pgfault 3960
check "zram random: zram peaked at 3960 whole pages" is "$S" devices.zram0.mem_used_max $((3960 * 4096))
check "zram random: every store was huge" is "$S" devices.zram0.huge_pages_since 3960
check "zram random: kill event: rss 0" grep -q '"type":"oom_kill","victim":"rnd",.*"rss_anon_pages":0,' "$E"
check "zram random: kill event: swapents 3960, badness 3968" grep -q '"badness":3968,.*"swapents":3960,' "$E"
check "zram random: kill event: zspages 3960 with free at min" grep -q '"free_pages":128,"min_pages":128,"protect_pages":0,"zspages":3960,' "$E"
check "zram random: kill event: swap mostly free" grep -q '"swap_free_pages":12424,"swap":\[{"device":"zram0","free_pages":12424,"total_pages":16384}\]' "$E"
check "zram random: the killed process's swap is freed" is "$S" devices.zram0.pages_stored 0

# ---------------------------------------------------------------------------
# 4. tmpfs ENOSPC: a 100-page tmpfs (409600 bytes), 150 pages written to one
# file: 100 fit, 50 are refused; the event log has the first refusal (page 100).
# ---------------------------------------------------------------------------
{ printf '#zsim-trace version=1 page_size=4096 generator= seed=0 flags=0 corpus= fs=scratch\n'
  printf 'create 1 0 filler\nfcreate 1 7 0 big.dat\n'
  awk 'BEGIN { for (i = 0; i < 150; i++) printf "fwrite 1 7 %d text:%d\n", i, i + 1; print "exit 1" }'
} | pack "$T/tmpfs.trc"
printf '{"machine":{"ram":"64M"},"filesystems":{"scratch":{"type":"tmpfs","size":409600}}}' > "$T/tmpfs.json"
"$ZSIM" --trace "$T/tmpfs.trc" --config "$T/tmpfs.json" --out "$T/r4" > "$T/r4.out"
rc=$?
S=$T/r4/summary.json
check "tmpfs: exit 0" [ "$rc" = 0 ]
check "tmpfs: outcome.enospc 50" is "$S" outcome.enospc 50
check "tmpfs: used_pages 100" is "$S" filesystems.scratch.used_pages 100
check "tmpfs: limit_pages 100" is "$S" filesystems.scratch.limit_pages 100
check "tmpfs: per-fs enospc 50" is "$S" filesystems.scratch.enospc 50
check "tmpfs: the file's pages stay in RAM after exit" is "$S" memory.anon_lru_pages 100
check "tmpfs: events.jsonl has the enospc event" \
	grep -q '"type":"enospc","fs":"scratch","file":"big.dat","page":100,"pid":1,"process":"filler"' "$T/r4/events.jsonl"
check "tmpfs: one event for the process" [ "$(grep -c enospc "$T/r4/events.jsonl")" = 1 ]
check "tmpfs: human summary mentions ENOSPC" grep -q 'ENOSPC: 50 write' "$T/r4.out"

# ---------------------------------------------------------------------------
# 5. OOM without swap: RAM 32M = 8192 pages, a process writing 64M.
# min_free_kbytes = sqrt(32768 * 16) = 724 -> min 181 pages.  Lowmem
# protection (x86-64 zones): DMA 3977 pages keeps DMA32's 4215 / 256 = 16 from
# user pages.  Without swap and without page cache nothing is reclaimable, so
# the first allocation below min + 16 = 197 kills: the victim's pages from
# page 0x100000 (a multiple of 512) and their PTE pages hold 8192 - 197 =
# 7995 frames, n + ceil(n / 512) = 7995: n = 7979 pages and 16 PTE pages,
# badness 7979 + 16 = 7995.
# The run completes and exits 4 (ZSIM_EXIT_OUTCOME), its results written.
# ---------------------------------------------------------------------------
awk 'BEGIN { print "create 1 0 hog"; print "map 1 0x100000 16384 anon"
	for (i = 0; i < 16384; i++) printf "access 1 0x%x w heap:%d\n", 1048576 + i, i + 1
	print "exit 1" }' | pack "$T/hog.trc"
printf '{"machine":{"ram":"32M"}}' > "$T/r32.json"
"$ZSIM" --trace "$T/hog.trc" --config "$T/r32.json" --out "$T/r5" > "$T/r5.out"
rc=$?
S=$T/r5/summary.json
E=$T/r5/events.jsonl
check "oom: exit status 4 (ZSIM_EXIT_OUTCOME), results written" [ "$rc" = 4 ]
check "oom: oom_kill 1" is "$S" vmstat.oom_kill 1
check "oom: outcome.processes_killed 1" is "$S" outcome.processes_killed 1
check "oom: process marked killed" is "$S" processes.0.killed true
check "oom: 7979 faults before the kill" is "$S" vmstat.pgfault 7979
check "oom: victim named in events.jsonl" grep -q '"type":"oom_kill","victim":"hog","group":0,"pid":1,"badness":7995,"rss_anon_pages":7979,' "$E"
check "oom: event has the swap fields" grep -q '"swap_free_pages":0,"swap":\[\]}' "$E"
check "oom: free at min + protection when it struck" grep -q '"free_pages":197,"min_pages":181,"protect_pages":16,' "$E"
check "oom: one event" [ "$(wc -l < "$E")" = 1 ]
check "oom: human summary reports it" grep -q 'OOM: 1 kill(s), 1 process(es) killed' "$T/r5.out"

# ---------------------------------------------------------------------------
# 6. Two traces at once: each is a process group with its own pid space.
# ---------------------------------------------------------------------------
printf 'create 1 0 alpha\naccess 1 0x10 w text:1\naccess 1 0x11 w text:2\nexit 1\n' | pack "$T/A.trc"
printf 'create 1 0 beta\ncreate 2 1 beta-child\naccess 2 0x10 w text:1\nexit 2\nwait 1 2\naccess 1 0x20 w text:1\nexit 1\n' | pack "$T/B.trc"
"$ZSIM" --trace "$T/A.trc" --trace "$T/B.trc" --config "$T/big.json" --out "$T/r6" --quiet
S=$T/r6/summary.json
check "two traces: first listed" is "$S" traces.0 "$T/A.trc"
check "two traces: second listed" is "$S" traces.1 "$T/B.trc"
check "two traces: 3 processes" is "$S" outcome.processes 3
check "two traces: 3 finished" is "$S" outcome.processes_finished 3
check "two traces: alpha from trace 0" sh -c "grep -A2 '\"trace\": 0,' '$S' | grep -q '\"name\": \"alpha\"'"
check "two traces: beta from trace 1 with pid 1" sh -c "grep -A2 '\"trace\": 1,' '$S' | tr -d '\n' | grep -q '\"pid\": 1, *\"name\": \"beta\"'"
check "two traces: beta-child from trace 1" sh -c "grep -A2 '\"trace\": 1,' '$S' | grep -q '\"name\": \"beta-child\"'"
check "two traces: 4 first-touch faults" is "$S" vmstat.pgfault 4

# ---------------------------------------------------------------------------
# 7. CPU time is charged to the machine's CPUs: two processes of 0.5 ms CPU
# each on one CPU need 1 ms, one of them ending at 0.5 ms, the other at 1 ms;
# and the simulation cannot end before its last process.
# ---------------------------------------------------------------------------
printf 'create 1 0 a\ncpu 1 500000\nexit 1\n' | pack "$T/c1.trc"
printf 'create 1 0 b\ncpu 1 500000\nexit 1\n' | pack "$T/c2.trc"
printf '{"machine":{"ram":"64M","cpus":1}}' > "$T/one.json"
printf '{"machine":{"ram":"64M","cpus":2}}' > "$T/two.json"
"$ZSIM" --trace "$T/c1.trc" --trace "$T/c2.trc" --config "$T/two.json" --out "$T/r7b" --quiet
check "cpu: two CPUs run both at once (end 0.5 ms)" sh -c "[ \"\$(grep -c '\"end_ns\": 500000,' '$T/r7b/summary.json')\" = 2 ]"
"$ZSIM" --trace "$T/c1.trc" --trace "$T/c2.trc" --config "$T/one.json" --out "$T/r7" --quiet
S=$T/r7/summary.json
check "cpu: each process used 0.5 ms" sh -c "[ \"\$(sed -n '/^ \"processes\": \[/,\$p' '$S' | grep -c '\"cpu_ns\": 500000,')\" = 2 ]"
check "cpu: one CPU serialises them (second ends at 1 ms)" is "$S" processes.1.end_ns 1000000
check "cpu: sim_time covers the work (1 ms)" is "$S" sim_time_ns 1000000
# a sleep takes time but no CPU: a sleeps 1 ms between two 0.5 ms bursts, and
# b's 0.5 ms runs in the gap: b ends at 1 ms, a at 0.5 + 1 + 0.5 = 2 ms
printf 'create 1 0 a\ncpu 1 500000\nsleep 1 1000000\ncpu 1 500000\nexit 1\n' | pack "$T/c4.trc"
printf 'create 1 0 b\ncpu 1 500000\nexit 1\n' | pack "$T/c5.trc"
"$ZSIM" --trace "$T/c4.trc" --trace "$T/c5.trc" --config "$T/one.json" --out "$T/r7s" --quiet
check "sleep: the sleeper ends at 2 ms" is "$T/r7s/summary.json" processes.0.end_ns 2000000
check "sleep: its sleep is counted (1 ms)" is "$T/r7s/summary.json" processes.0.sleep_ns 1000000
check "sleep: its CPU is 1 ms" is "$T/r7s/summary.json" processes.0.cpu_ns 1000000
check "sleep: the other ran in the gap (ends at 1 ms)" is "$T/r7s/summary.json" processes.1.end_ns 1000000
# a process whose trace ends without an exit keeps running until the end of the
# simulation, which is at least the end of its 0.5 ms of CPU
printf 'create 1 0 daemon\ncpu 1 500000\n' | pack "$T/c3.trc"
"$ZSIM" --trace "$T/c3.trc" --config "$T/one.json" --out "$T/r7i" --quiet
check "cpu: idle process: its last CPU burst is simulated (0.5 ms)" is "$T/r7i/summary.json" sim_time_ns 500000
check "cpu: idle process: counted idle at the end" is "$T/r7i/summary.json" outcome.processes_idle_at_end 1
# other tasks (machine.background_cpu): a quarter of one CPU taken every
# millisecond.  40 bursts of 0.5 ms (20 ms of CPU) on one CPU get the other
# three quarters, so they end near 20 / 0.75 = 26.7 ms (the first periods'
# charges queue behind the process's quantum: within a millisecond), and
# the background took a quarter of that; on two CPUs the idle one absorbs
# it and the process ends at exactly 20 ms.
awk 'BEGIN { print "create 1 0 a"; for (i = 0; i < 40; i++) print "cpu 1 500000"; print "exit 1" }' | pack "$T/c40.trc"
"$ZSIM" --trace "$T/c40.trc" --config "$T/one.json" --set machine.background_cpu=0.25 --out "$T/r7g" --quiet
e=$(jget "$T/r7g/summary.json" processes.0.end_ns)
bg=$(jget "$T/r7g/summary.json" outcome.background_cpu_ns)
check "background: one CPU, a quarter taken: 20 ms of CPU ends near 26.7 ms ($e)" \
	[ "$e" -ge 26000000 ] && [ "$e" -le 27700000 ]
check "background: it took a quarter of the run ($bg of $e ns)" \
	[ $((bg * 4)) -ge $((e - 1000000)) ] && [ $((bg * 4)) -le $((e + 1000000)) ]
check "background: its process's own CPU is still 20 ms" is "$T/r7g/summary.json" processes.0.cpu_ns 20000000
"$ZSIM" --trace "$T/c40.trc" --config "$T/two.json" --set machine.background_cpu=0.25 --out "$T/r7h" --quiet
check "background: two CPUs, the idle one absorbs it: ends at 20 ms" is "$T/r7h/summary.json" processes.0.end_ns 20000000
"$ZSIM" --trace "$T/c40.trc" --config "$T/one.json" --out "$T/r7n" --quiet
check "background: none by default (no background_cpu_ns, ends at 20 ms)" \
	sh -c "! grep -q background_cpu_ns '$T/r7n/summary.json'" && is "$T/r7n/summary.json" processes.0.end_ns 20000000
# processes.csv: every process whose events have not ended, at each sample:
# 2.5 s of CPU in 0.5 ms bursts on one CPU, sampled each second, is at 1 s
# and 2 s of CPU at the samples of 1 s and 2 s (within a quantum, 1 ms), and
# gone from the last sample (it exited at 2.5 s, when the run ends)
awk 'BEGIN { print "create 1 0 burner"; for (i = 0; i < 5000; i++) print "cpu 1 500000"; print "exit 1" }' | pack "$T/c3s.trc"
"$ZSIM" --trace "$T/c3s.trc" --config "$T/one.json" --set mm.sample_interval=1s --out "$T/r7p" --quiet
check "processes.csv: zsim play's header" [ "$(head -1 "$T/r7p/processes.csv")" = "time_ns,process,name,minor_faults,major_faults,cpu_ns" ]
c1=$(awk -F, '$1 == 1000000000 && $3 == "burner" { print $6 }' "$T/r7p/processes.csv")
c2=$(awk -F, '$1 == 2000000000 && $3 == "burner" { print $6 }' "$T/r7p/processes.csv")
check "processes.csv: the burner's CPU at 1 s is 1 s ($c1) and at 2 s 2 s ($c2), within a quantum" \
	[ "${c1:-0}" -ge 999000000 ] && [ "${c1:-0}" -le 1000000000 ] && [ "${c2:-0}" -ge 1999000000 ] && [ "${c2:-0}" -le 2000000000 ]
check "processes.csv: an exited process has no row (none after 2 s)" \
	[ "$(awk -F, 'NR > 1 && $1 > 2000000000' "$T/r7p/processes.csv" | wc -l)" -eq 0 ]

# mm.content_time per content class: 100 heap pages and 100 random pages
# written fresh, one CPU, a minor fault 1 us each (the default), nothing to
# absorb the content time: 200 x 1 + 100 x 9 + 100 x 2 = 1300 us; one time
# for all, 5 us: 200 + 200 x 5 = 1200 us; a class not named takes "default"
# (random at 4 us: 200 + 900 + 400 = 1500 us)
awk 'BEGIN { print "create 1 0 a"; for (i = 0; i < 100; i++) printf "access 1 %d w heap:%d\naccess 1 %d w random:%d\n", 2 * i + 16, i, 2 * i + 17, i; print "exit 1" }' |
	pack "$T/cc.trc"
printf '{"machine":{"ram":"64M","cpus":1},"mm":{"content_time":{"heap":"9us","random":"2us"}}}' > "$T/cc1.json"
"$ZSIM" --trace "$T/cc.trc" --config "$T/cc1.json" --out "$T/r7c1" --quiet
check "content_time per class: heap 9 us, random 2 us: 1300 us of CPU" is "$T/r7c1/summary.json" processes.0.cpu_ns 1300000
"$ZSIM" --trace "$T/cc.trc" --config "$T/one.json" --set mm.content_time=5us --out "$T/r7c2" --quiet
check "content_time one for all, 5 us: 1200 us of CPU" is "$T/r7c2/summary.json" processes.0.cpu_ns 1200000
printf '{"machine":{"ram":"64M","cpus":1},"mm":{"content_time":{"heap":"9us","default":"4us"}}}' > "$T/cc3.json"
"$ZSIM" --trace "$T/cc.trc" --config "$T/cc3.json" --out "$T/r7c3" --quiet
check "content_time: a class not named takes the default (random 4 us): 1500 us" is "$T/r7c3/summary.json" processes.0.cpu_ns 1500000
"$ZSIM" --trace "$T/cc.trc" --config "$T/cc3.json" --print-config > "$T/cc3p.json"
check "content_time per class: --print-config gives the default and the classes that differ" \
	[ "$(jq -c .mm.content_time "$T/cc3p.json")" = '{"default":"4us","heap":"9us"}' ]

# ---------------------------------------------------------------------------
# 8. --print-config: the resolved config with every default, valid JSON that
# loads again and prints the same.
# ---------------------------------------------------------------------------
cat > "$T/pc.json" <<'EOF'
{"comment": "print-config test",
 "machine": {"ram": "1G"},
 "devices": {"z": {"type": "zram", "size": "512M"},
             "d": {"type": "emmc", "size": "1G"}},
 "swap": [{"device": "z"}],
 "filesystems": {"tmp": {"type": "tmpfs"}, "data": {"type": "block", "device": "d"}}}
EOF
"$ZSIM" --config "$T/pc.json" --print-config > "$T/pc1.json"
rc=$?
P=$T/pc1.json
check "print-config: exit 0" [ "$rc" = 0 ]
mkdir -p "$T/pcdir"
check "print-config: needs no trace and writes no results" \
	sh -c "cd '$T/pcdir' && '$ZSIM' --config '$T/pc.json' --print-config > /dev/null && [ -z \"\$(ls)\" ]"
check "print-config: kernel defaults to the newest profile" is "$P" kernel 6.18
check "print-config: seed 1" is "$P" seed 1
check "print-config: ram in bytes" is "$P" machine.ram 1073741824
check "print-config: cpus 1" is "$P" machine.cpus 1
check "print-config: kernel_reserve 0" is "$P" machine.kernel_reserve 0
check "print-config: policy lru2" is "$P" mm.policy lru2
check "print-config: swappiness 60" is "$P" mm.swappiness 60
check "print-config: page_cluster 3" is "$P" mm.page_cluster 3
check "print-config: watermark_scale_factor 10" is "$P" mm.watermark_scale_factor 10
check "print-config: watermarks on" is "$P" mm.watermarks true
check "print-config: minor_fault_time 1 us" is "$P" mm.minor_fault_time 1us
check "print-config: sample_interval 1 s" is "$P" mm.sample_interval 1s
check "print-config: zram comp is the 6.18 default lzo-rle" is "$P" devices.z.comp lzo-rle
check "print-config: zram allocator zsmalloc" is "$P" devices.z.allocator zsmalloc
check "print-config: zram size in bytes" is "$P" devices.z.size 536870912
check "print-config: emmc read latency preset 330 us" is "$P" devices.d.read_latency 330us
check "print-config: emmc write latency preset 1 ms" is "$P" devices.d.write_latency 1ms
check "print-config: emmc write bandwidth preset 90 MB/s" is "$P" devices.d.write_bw 90000000
check "print-config: emmc queue depth 1" is "$P" devices.d.queue_depth 1
check "print-config: swap priority -1 (swapon's default)" is "$P" swap.0.priority -1
check "print-config: tmpfs size is half of MemTotal (all of RAM here)" is "$P" filesystems.tmp.size 536870912
# MemTotal is RAM less what the firmware hides and the kernel takes at boot:
# (1024 - 64 - 64) MiB, so tmpfs's default is 448 MiB and the frames 960 MiB
sed 's/"ram": "1G"/"ram": "1G", "firmware_reserve": "64M", "kernel_reserve": "64M"/' "$T/pc.json" > "$T/pcmt.json"
"$ZSIM" --config "$T/pcmt.json" --print-config > "$T/pcmt.out"
check "print-config: tmpfs default follows MemTotal" is "$T/pcmt.out" filesystems.tmp.size 469762048
check "print-config: firmware_reserve printed" is "$T/pcmt.out" machine.firmware_reserve 67108864
check "print-config: zones default x86-64" is "$T/pcmt.out" machine.zones x86-64
check "print-config: block fs keeps its device" is "$P" filesystems.data.device d
if command -v python3 > /dev/null 2>&1; then
	check "print-config: valid JSON (python3)" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$P"
fi
"$ZSIM" --config "$P" --print-config > "$T/pc2.json"
check "print-config: round trip loads" [ $? = 0 ]
check "print-config: round trip prints the same" cmp -s "$P" "$T/pc2.json"
# other kernel profile: its zram default compressor (3.12: lzo) and a seed override
printf '{"kernel":"3.12","seed":5,"machine":{"ram":"64M"},"devices":{"z":{"type":"zram","size":"64M"}},"swap":[{"device":"z"}]}' > "$T/pc312.json"
"$ZSIM" --config "$T/pc312.json" --print-config --seed 9 > "$T/pc312.out"
check "print-config: 3.12 zram default is lzo" is "$T/pc312.out" devices.z.comp lzo
check "print-config: --seed overrides the config" is "$T/pc312.out" seed 9
# Two swap devices without explicit priorities get -1 and -2 (swapon order);
# the printed config must load again.
printf '{"machine":{"ram":"1G"},"devices":{"z":{"type":"zram","size":"512M"},"s":{"type":"ssd","size":"2G"}},"swap":[{"device":"z"},{"device":"s"}]}' > "$T/pc2sw.json"
"$ZSIM" --config "$T/pc2sw.json" --print-config > "$T/pc2sw.out"
check "print-config: second swap device gets priority -2" is "$T/pc2sw.out" swap.1.priority -2
check "print-config: round trip with two default-priority swap devices" \
	sh -c "'$ZSIM' --config '$T/pc2sw.out' --print-config > '$T/pc2sw.out2' && cmp -s '$T/pc2sw.out' '$T/pc2sw.out2'"

# ---------------------------------------------------------------------------
# 9. --json prints summary.json; --quiet prints nothing.
# ---------------------------------------------------------------------------
"$ZSIM" --trace "$T/w1000.trc" --config "$T/big.json" --out "$T/r9" --json > "$T/r9.out" 2> "$T/r9.err"
check "--json: exit 0" [ $? = 0 ]
check "--json: stdout is summary.json" sh -c "{ cat '$T/r9/summary.json'; echo; } | cmp -s - '$T/r9.out'"
check "--json: nothing on stderr" [ ! -s "$T/r9.err" ]
"$ZSIM" --trace "$T/w1000.trc" --config "$T/big.json" --out "$T/r9q" --quiet > "$T/r9q.out" 2> "$T/r9q.err"
check "--quiet: exit 0" [ $? = 0 ]
check "--quiet: nothing on stdout" [ ! -s "$T/r9q.out" ]
check "--quiet: nothing on stderr" [ ! -s "$T/r9q.err" ]
check "--quiet: results still written" [ -f "$T/r9q/summary.json" ]
check "--quiet and --json: same summary" cmp -s "$T/r9/summary.json" "$T/r9q/summary.json"

# ---------------------------------------------------------------------------
# 10. --out: an earlier results directory is replaced; anything else is refused.
# ---------------------------------------------------------------------------
"$ZSIM" --trace "$T/w1000.trc" --config "$T/big.json" --out "$T/res" --quiet
"$ZSIM" --trace "$T/A.trc" --config "$T/big.json" --out "$T/res" --quiet
check "--out: rerun into a results dir succeeds" [ $? = 0 ]
check "--out: the new results replace the old" is "$T/res/summary.json" vmstat.pgfault 2
check "--out: no .old or .tmp directory left" sh -c "! ls -d '$T/res'.old.* '$T/res'.tmp.* 2>/dev/null"
mkdir -p "$T/notres"
echo precious > "$T/notres/data.txt"
expect_error "--out: a directory without summary.json is refused" "--out .*notres: exists and is not a zsim results directory" \
	"$ZSIM" --trace "$T/A.trc" --config "$T/big.json" --out "$T/notres"
check "--out: the refused directory is untouched" sh -c "[ \"\$(ls '$T/notres')\" = data.txt ] && grep -q precious '$T/notres/data.txt'"
echo precious > "$T/afile"
expect_error "--out: a file is refused" "--out .*afile: exists and is not a zsim results directory" \
	"$ZSIM" --trace "$T/A.trc" --config "$T/big.json" --out "$T/afile"
check "--out: the refused file is untouched" grep -qx precious "$T/afile"
check "--out: no temporary directories after refusals" sh -c "! ls -d '$T'/*.tmp.* 2>/dev/null"

# ---------------------------------------------------------------------------
# 11. Ctrl-C: a run of several seconds (a 96M region swept 400 times through
# zram on 64M of RAM) is interrupted after 0.5 s: status 130, and the results
# written so far with "interrupted": true.
# ---------------------------------------------------------------------------
"$ZSIM" trace gen scan --size 96M --passes 400 -o "$T/scan.trc"
printf '{"machine":{"ram":"64M"},"devices":{"zram0":{"type":"zram","size":"1G"}},"swap":[{"device":"zram0"}]}' > "$T/scan.json"
"$ZSIM" --trace "$T/scan.trc" --config "$T/scan.json" --out "$T/rint" > "$T/rint.out" 2> "$T/rint.err" &
pid=$!
sleep 0.5
kill -INT "$pid" 2> /dev/null
# a watchdog in case SIGINT is ignored: TERM after 20 s; it ends with the run
( i=0; while [ $i -lt 200 ] && kill -0 "$pid" 2> /dev/null; do sleep 0.1; i=$((i + 1)); done
  kill -TERM "$pid" 2> /dev/null ) > /dev/null 2>&1 &
wait "$pid"
rc=$?
if [ "$rc" = 0 ] && [ "$(jget "$T/rint/summary.json" interrupted)" = false ]; then
	echo "skip Ctrl-C test: the run finished before the signal"
else
	check "ctrl-c: exit status 130" [ "$rc" = 130 ]
	check "ctrl-c: summary.json written" [ -f "$T/rint/summary.json" ]
	check "ctrl-c: interrupted true" is "$T/rint/summary.json" interrupted true
	check "ctrl-c: the process was still running" is "$T/rint/summary.json" outcome.processes_left 1
	check "ctrl-c: timeseries written" [ "$(wc -l < "$T/rint/timeseries.csv")" -ge 2 ]
	check "ctrl-c: human summary says INTERRUPTED" grep -q 'INTERRUPTED after' "$T/rint.out"
	check "ctrl-c: no temporary directory left" sh -c "! ls -d '$T/rint'.tmp.* 2>/dev/null"
fi

# ---------------------------------------------------------------------------
# Flash wear.  Exact LRU, no watermarks, 16 MiB = 4096 frames; one process
# writes 4106 pages: the last 10 each evict one page to the eMMC swap device
# (pswpout 10).  eMMC: pe_cycles 100, waf 2, flash_size 8 MiB = 2048 pages:
# NAND writes 10 x 2 = 20 pages; rated life 2048 x 100 = 204800 NAND pages, so
# life_used = 20 / 204800 = 9.765625e-05; TBW = 2048 x 100 x 4096 / 2 =
# 419430400 bytes.  A device without writes reports no rate (null years).
# ---------------------------------------------------------------------------
{ echo 'create 1 0 w'; i=0; while [ $i -lt 4106 ]; do echo "access 1 $i w heap:$i"; i=$((i + 1)); done; echo 'exit 1'; } |
	pack "$T/wear.trc"
cat > "$T/wear.json" <<'J'
{ "machine": { "ram": "16M" }, "mm": { "policy": "lru", "watermarks": false, "page_cluster": 0 },
  "devices": { "e": { "type": "emmc", "size": "4M", "pe_cycles": 100, "waf": 2, "flash_size": "8M",
                      "wear_model": "constant" },
               "s": { "type": "ssd", "size": "4M" } },
  "swap": [ { "device": "e", "priority": 10 }, { "device": "s", "priority": 1 } ] }
J
"$ZSIM" --trace "$T/wear.trc" --config "$T/wear.json" --out "$T/rw" > "$T/rw.txt"
S=$T/rw/summary.json
check "wear: 10 pages written to the eMMC" is "$S" devices.e.pages_written 10
check "wear: 20 NAND pages (waf 2)" is "$S" devices.e.nand_pages_written 20
near() { awk -v a="$(jget "$1" "$2")" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-12 * b) }'; }
check "wear: life used 20 / (2048 x 100)" near "$S" devices.e.wear.life_used 9.765625e-05
check "wear: TBW = flash x P/E / waf" is "$S" devices.e.wear.tbw_bytes 419430400
check "wear: the unused SSD has no rate" is "$S" devices.s.wear.years_at_this_rate null
check "wear: the summary line" grep -q "^  wear e .* 0.0098% of its rated life (TBW 0.00 TB)" "$T/rw.txt"
