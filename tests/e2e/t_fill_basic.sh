# `zsim fill` on corpora whose mm_stat can be worked out by hand.
. "$(dirname "$0")/lib.sh"

head -c $((100 * 4096)) /dev/zero > "$T/zero.bin"
head -c $((50 * 4096)) /dev/urandom > "$T/random.bin"

"$ZSIM" fill "$T/zero.bin" > "$T/zero.out"
# 100 zero pages: all same-filled, no pool memory.
check "zero: orig_data_size is 100 pages" [ "$(field "$T/zero.out" written 1)" = 409600 ]
check "zero: compr_data_size 0" [ "$(field "$T/zero.out" written 2)" = 0 ]
check "zero: mem_used_total 0" [ "$(field "$T/zero.out" written 3)" = 0 ]
check "zero: same_pages 100" [ "$(field "$T/zero.out" written 6)" = 100 ]

# Random pages do not compress: each is stored whole in its own page.
for alg in lzo-rle lzo lz4 zstd; do
	"$ZSIM" fill --comp $alg "$T/random.bin" > "$T/random.$alg"
	check "random/$alg: huge_pages 50" [ "$(field "$T/random.$alg" written 8)" = 50 ]
	check "random/$alg: huge_pages_since 50" [ "$(field "$T/random.$alg" written 9)" = 50 ]
	check "random/$alg: compr_data_size 50 pages" [ "$(field "$T/random.$alg" written 2)" = 204800 ]
	check "random/$alg: mem_used_total 50 pages" [ "$(field "$T/random.$alg" written 3)" = 204800 ]
done

# Discarding every other random page frees exactly those (huge zspages are one page each).
seq 0 2 49 > "$T/even.txt"
"$ZSIM" fill --discard "$T/even.txt" --compact "$T/random.bin" > "$T/disc.out"
check "discard: 25 pages left" [ "$(field "$T/disc.out" discarded 1)" = 102400 ]
check "discard: huge pages freed at once" [ "$(field "$T/disc.out" discarded 3)" = 102400 ]
check "compact: nothing to compact in huge class" [ "$(field "$T/disc.out" compacted 7)" = 0 ]

# mem_limit: 10 random pages fit in a 40K limit; the 11th write fails like dd's EIO.
"$ZSIM" fill --mem-limit 40K "$T/random.bin" > "$T/lim.out" 2> "$T/lim.err"
rc=$?
check "mem-limit: exit status 3" [ "$rc" = 3 ]
check "mem-limit: stderr names the page and EIO" grep -q "page 10: the kernel would fail this write with EIO" "$T/lim.err"
check "mem-limit: 10 pages written" [ "$(field "$T/lim.out" written 1)" = 40960 ]
check "mem-limit: mem_limit field" [ "$(field "$T/lim.out" written 4)" = 40960 ]
check "mem-limit: mem_used_max above the limit" [ "$(field "$T/lim.out" written 5)" = 45056 ]

# Determinism and the JSON form.
"$ZSIM" fill --synthetic mix:3000:7 --json > "$T/a.json"
"$ZSIM" fill --synthetic mix:3000:7 --json > "$T/b.json"
check "same seed, same output" cmp -s "$T/a.json" "$T/b.json"
check "json names the fields" grep -q '"phase":"written".*"orig_data_size":12288000' "$T/a.json"
"$ZSIM" corpus mix --pages 3000 --seed 7 -o "$T/mix.bin"
"$ZSIM" fill --json "$T/mix.bin" > "$T/c.json"
check "corpus file equals the synthetic stream" cmp -s "$T/a.json" "$T/c.json"
check "invariants hold after every step" sh -c "\"$ZSIM\" fill --check --synthetic mix:2000:3 --discard $T/even.txt --compact > /dev/null"

# mem_limit hit while the next batch of pages is being prepared (batches are
# 1024 pages): 3000 random pages, 4M = 1024 pages fit, the 1025th is refused.
"$ZSIM" corpus random --pages 3000 --seed 5 -o "$T/r3000.bin"
"$ZSIM" fill --mem-limit 4M "$T/r3000.bin" > "$T/lim2.out" 2> "$T/lim2.err"
rc=$?
check "mem-limit across batches: exit status 3" [ "$rc" = 3 ]
check "mem-limit across batches: 1024 pages written" [ "$(field "$T/lim2.out" written 1)" = 4194304 ]
check "mem-limit across batches: page 1024 refused" grep -q "page 1024: the kernel would fail" "$T/lim2.err"
"$ZSIM" fill --threads 1 --synthetic mix:5000:3 > "$T/t1.out"
"$ZSIM" fill --threads 3 --synthetic mix:5000:3 > "$T/t3.out"
check "thread count does not change the result" cmp -s "$T/t1.out" "$T/t3.out"
