# Cross-check against an independent LRU cache simulator ($TOOLS/lru_count).
#
# Claim (policies/lru.c): with the exact-LRU policy, no kernel reserve, no
# watermarks and a swap device that costs nothing, RAM behaves as an LRU cache
# of exactly its number of pages.  Worked out from sim/mm.c (zsim_mm_access,
# zsim_mm_alloc_frame) and sim/swap.c for this stream:
#  - every first touch is a write (a read of never-written memory would map
#    the shared zero page and take no frame, which no plain cache models): it
#    takes a frame and is a MINOR fault;
#  - with watermarks off, a frame is free until all RAM is used, then direct
#    reclaim frees exactly one page, the LRU tail (the lru policy moves a page
#    to the head on every access);
#  - an access to an evicted page is a MAJOR fault (swap-in); nvram is not
#    synchronous, so the page stays in the swap cache, but nothing maps a
#    swap-cache page without a fault and there is no readahead, and swap is
#    never half full (vm_swap_full), so no other path exists.
# Hence, with M = LRU misses and D = distinct (pid, page) keys:
#     pgfault    = M
#     pgmajfault = pswpin = M - D       (the compulsory misses are minor faults)
#     pgsteal_direct = allocstall = M - RAM pages (one eviction per miss once full)
#     pswpout    = evictions of pages written since they were last brought in
#                  (a clean swapped-in page is dropped, its slot still valid)
# (Watermarks off, shrink_list isolates only the one page wanted, at any RAM
# size; with watermarks on it takes batches of up to 32.)
# The stream is one process (the engine interleaves processes by simulated
# time, so the trace order is the access order only for one process).
. "$(dirname "$0")/lib.sh"

: "${TOOLS:?TOOLS must name the directory of the test tools}"
LRU=$TOOLS/lru_count

# The independent tool itself, on a stream worked by hand.  Accesses (pid,page):
# (1,1)w (1,2)w (1,3)w (1,1)r (1,2)r (2,1)r (1,3)r.
# Cache of 2: every access misses (7); evictions: 1 (dirty), 2 (dirty),
# 3 (dirty), 1 (clean), 2 (clean): 3 dirty.  Cache of 3: 3 misses, 2 hits,
# (2,1) evicts (1,3) (dirty), (1,3) evicts (1,1) (dirty): 5 misses, 2 dirty.
# Distinct keys: 4.
printf 'create 1 0 a\naccess 1 0x1 w same:0\naccess 1 0x2 w same:0\naccess 1 0x3 w same:0\naccess 1 0x1 r\naccess 1 0x2 r\ncreate 2 0 b\naccess 2 0x1 r\naccess 1 0x3 r\n' > "$T/tiny.txt"
check "lru_count: hand-worked stream, 2 pages" [ "$("$LRU" -v 2 < "$T/tiny.txt")" = "misses 7 accesses 7 distinct 4 dirty_evictions 3" ]
check "lru_count: hand-worked stream, 3 pages" [ "$("$LRU" -v 3 < "$T/tiny.txt")" = "misses 5 accesses 7 distinct 4 dirty_evictions 2" ]
check "lru_count: plain output is the miss count" [ "$("$LRU" 2 < "$T/tiny.txt")" = 7 ]

# A seeded stream: 200000 accesses over 10000 pages, 80% of them to a hot set of
# 1000 pages.  Park-Miller's generator is exact in double arithmetic, so every
# awk makes the same stream.  First touch of a page: a write; later: 30% writes.
awk -v seed=20240601 -v n=200000 -v pages=10000 -v hot=1000 -v hotp=0.8 '
function rnd() { x = (x * 16807) % 2147483647; return x / 2147483647 }
BEGIN {
	x = seed
	print "#zsim-trace version=1 page_size=4096 generator=crosscheck seed=" seed " flags=0 corpus= fs="
	print "create 1 0 lrutest"
	print "map 1 0x10000 " pages " anon"
	for (i = 0; i < n; i++) {
		if (rnd() < hotp) p = int(rnd() * hot)
		else p = hot + int(rnd() * (pages - hot))
		if (!(p in seen)) { seen[p] = 1; op = "w same:0" }
		else op = rnd() < 0.3 ? "w same:0" : "r"
		printf "access 1 0x%x %s\n", 65536 + p, op
	}
}' > "$T/stream.txt"
"$ZSIM" trace pack "$T/stream.txt" -o "$T/stream.trc"
"$ZSIM" trace dump "$T/stream.trc" > "$T/stream.dump"
check "stream: 200000 accesses" [ "$(grep -c '^access ' "$T/stream.dump")" = 200000 ]

# crosscheck TRACE DUMP RAM PAGES SWAP: run zsim and the LRU tool, compare.
# SWAP is the free device's size: large enough never to be half full (see
# above), so a clean swapped-in page keeps its slot.
crosscheck() {
	trc=$1; dump=$2; ram=$3; pages=$4; swsz=$5
	printf '{"machine":{"ram":"%s","cpus":1},"mm":{"policy":"lru","watermarks":false},"devices":{"sw":{"type":"nvram","size":"%s","read_latency":"0ns","write_latency":"0ns","read_bw":0,"write_bw":0}},"swap":[{"device":"sw"}]}' \
		"$ram" "$swsz" > "$T/cc-$ram.json"
	"$ZSIM" --trace "$trc" --config "$T/cc-$ram.json" --out "$T/cc-$ram" --quiet
	check "crosscheck $ram: run succeeds" [ $? = 0 ]
	S=$T/cc-$ram/summary.json
	set -- $("$LRU" -v "$pages" < "$dump")
	misses=$2 accesses=$4 distinct=$6 dirty=$8
	v() { awk -v k="\"$1\":" '$1 == k { sub(/,$/, "", $2); print $2; exit }' "$S"; }
	check "crosscheck $ram: RAM is $pages pages" [ "$(v ram_pages)" = "$pages" ]
	check "crosscheck $ram: no reserve" [ "$(v kernel_reserve_pages)" = 0 ]
	check "crosscheck $ram: every access seen ($accesses)" [ "$(v page_accesses)" = "$accesses" ]
	check "crosscheck $ram: pgfault = LRU misses ($(v pgfault) vs $misses)" [ "$(v pgfault)" = "$misses" ]
	check "crosscheck $ram: pgmajfault = misses - distinct ($(v pgmajfault) vs $((misses - distinct)))" \
		[ "$(v pgmajfault)" = $((misses - distinct)) ]
	check "crosscheck $ram: pswpin = pgmajfault" [ "$(v pswpin)" = "$(v pgmajfault)" ]
	check "crosscheck $ram: pswpout = dirty evictions ($(v pswpout) vs $dirty)" [ "$(v pswpout)" = "$dirty" ]
	ev=$((misses - pages)); [ "$ev" -lt 0 ] && ev=0
	check "crosscheck $ram: one eviction per miss once full ($(v pgsteal_direct) vs $ev)" [ "$(v pgsteal_direct)" = "$ev" ]
	check "crosscheck $ram: one direct reclaim per eviction ($(v allocstall) vs $ev)" [ "$(v allocstall)" = "$ev" ]
	check "crosscheck $ram: no kswapd" [ "$(v pgscan_kswapd)" = 0 ]
	check "crosscheck $ram: no OOM" [ "$(v oom_kill)" = 0 ]
}

crosscheck "$T/stream.trc" "$T/stream.dump" 16M 4096 1G
crosscheck "$T/stream.trc" "$T/stream.dump" 24M 6144 1G
# RAM larger than the working set: only compulsory misses, no major fault.
crosscheck "$T/stream.trc" "$T/stream.dump" 64M 16384 1G
check "crosscheck 64M: no major fault at all" grep -q '"pgmajfault": 0,' "$T/cc-64M/summary.json"
# the smaller RAM must really be exercised
check "crosscheck 16M: the stream does swap" sh -c "! grep -q '\"pgmajfault\": 0,' '$T/cc-16M/summary.json'"

# Large RAM: direct reclaim scans a list at priority 12 in batches of up to 32
# pages (size >> 12 of the list: 32 from 131072 pages on), so this is where an
# exact cache could turn into one that evicts in batches.  The stream comes from
# zsim's own Zipf generator (a hot/cold key-value store): 1310720 pages (5 GiB)
# loaded by writes, then 1.5 M accesses, 10% writes, Zipf(0.99) over the pages.
# One stream serves all sizes: 4 Ki, 64 Ki, 512 Ki and 1 Mi pages of RAM.
"$ZSIM" trace gen zipf --size 5G --accesses 1500000 --read 0.9 --seed 7 -o "$T/zipf.trc"
"$ZSIM" trace dump "$T/zipf.trc" > "$T/zipf.dump"
check "zipf stream: 2810720 accesses" [ "$(grep -c '^access ' "$T/zipf.dump")" = 2810720 ]
crosscheck "$T/zipf.trc" "$T/zipf.dump" 16M 4096 16G
crosscheck "$T/zipf.trc" "$T/zipf.dump" 256M 65536 16G
crosscheck "$T/zipf.trc" "$T/zipf.dump" 2G 524288 16G
crosscheck "$T/zipf.trc" "$T/zipf.dump" 4G 1048576 16G
# each size must really evict and swap back in
for ram in 16M 256M 2G 4G; do
	check "crosscheck $ram (zipf): pages come back from swap" \
		sh -c "! grep -q '\"pgmajfault\": 0,' '$T/cc-$ram/summary.json'"
done
