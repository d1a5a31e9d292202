# Bad input to `zsim fill`: one clear line on stderr, non-zero exit, no output.
. "$(dirname "$0")/lib.sh"

head -c 10000 /dev/zero > "$T/odd.bin"
head -c 40960 /dev/zero > "$T/ten.bin"
printf '1\n2\nabc\n' > "$T/bad-line.txt"
printf '1\n\n99\n' > "$T/past.txt"
printf '3\n' > "$T/good.txt"

expect_error "corpus not a multiple of 4096" "odd.bin: size 10000 is not a positive multiple of 4096" \
	"$ZSIM" fill "$T/odd.bin"
expect_error "missing corpus file" "nonexistent.bin: No such file" "$ZSIM" fill "$T/nonexistent.bin"
expect_error "empty corpus" "size 0 is not" sh -c ": > '$T/empty.bin'; exec '$ZSIM' fill '$T/empty.bin'"
expect_error "unknown algorithm lists the valid ones" "unknown compressor 'lz5' \(known: lzo-rle, lzo, lz4, zstd\)" \
	"$ZSIM" fill --comp lz5 "$T/ten.bin"
expect_error "discard line not a number names the line" "bad-line.txt:3: 'abc' is not a page index" \
	"$ZSIM" fill --discard "$T/bad-line.txt" "$T/ten.bin"
expect_error "discard index past the device" "past.txt:3: page 99 is past the device \(10 pages\)" \
	"$ZSIM" fill --discard "$T/past.txt" "$T/ten.bin"
expect_error "missing discard file" "nope.txt: No such file" \
	"$ZSIM" fill --discard "$T/nope.txt" "$T/ten.bin"
expect_error "disksize smaller than the corpus" "disksize 8192 bytes \(2 pages\) is smaller than the corpus \(10 pages\)" \
	"$ZSIM" fill --disksize 8K "$T/ten.bin"
expect_error "malformed SIZE" "--disksize: '12Q' is not a size" "$ZSIM" fill --disksize 12Q "$T/ten.bin"
expect_error "malformed mem-limit" "--mem-limit: 'lots' is not a size" "$ZSIM" fill --mem-limit lots "$T/ten.bin"
expect_error "unknown kernel profile" "unknown kernel profile '2.6' \(known: .*6.18" \
	"$ZSIM" fill --kernel 2.6 "$T/ten.bin"
expect_error "unknown allocator lists known" "unknown allocator 'slab' \(known: zsmalloc" \
	"$ZSIM" fill --allocator slab "$T/ten.bin"
expect_error "level on a codec without levels" "--level 3: lzo takes no level" \
	"$ZSIM" fill --comp lzo --level 3 "$T/ten.bin"
expect_error "no corpus" "no CORPUS given" "$ZSIM" fill
expect_error "unknown option" "unknown or incomplete option '--frobnicate'" "$ZSIM" fill --frobnicate "$T/ten.bin"
expect_error "directory as corpus" "not a regular file" "$ZSIM" fill "$T"
expect_error "unknown synthetic class" "unknown content class" "$ZSIM" fill --synthetic gold:10
expect_error "unknown command" "unknown command 'fil'" "$ZSIM" fil
check "good discard list still works" "$ZSIM" fill --discard "$T/good.txt" "$T/ten.bin" > /dev/null
expect_error "allocator missing from the kernel profile names the versions that had it" \
	"allocator 'zbud' is not in kernel 6.18 \(kernel profiles that have it: 3.12, 4.19, 5.4, 6.1, 6.6\)" \
	"$ZSIM" fill --allocator zbud "$T/ten.bin"
