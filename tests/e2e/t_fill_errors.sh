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
expect_error "unknown option" "^zsim fill: unknown option '--frobnicate'$" "$ZSIM" fill --frobnicate "$T/ten.bin"
expect_error "unknown option after the corpus" "^zsim fill: unknown option '--frobnicate'$" \
	"$ZSIM" fill "$T/ten.bin" --frobnicate
expect_error "unknown short option" "^zsim fill: unknown option '-x'$" "$ZSIM" fill -x "$T/ten.bin"
expect_error "option without its value" "^zsim fill: option '--comp' needs a value$" "$ZSIM" fill "$T/ten.bin" --comp
expect_error "flag given a value" "^zsim fill: --json takes no value$" "$ZSIM" fill --json=yes "$T/ten.bin"
expect_error "level not a number" "^zsim fill: --level: 'x' is not a level$" "$ZSIM" fill --comp zstd --level x "$T/ten.bin"
expect_error "level out of range" "^zsim fill: --level: '1000001' is not a level$" \
	"$ZSIM" fill --comp zstd --level 1000001 "$T/ten.bin"
expect_error "zero disksize" "^zsim fill: --disksize: '0' is not a size \(e.g. 4096, 256M, 1G\)$" \
	"$ZSIM" fill --disksize 0 "$T/ten.bin"
expect_error "empty discard file name" "^zsim fill: --discard: empty file name$" "$ZSIM" fill --discard= "$T/ten.bin"
expect_error "empty allocator list" "^zsim fill: --allocators: empty list$" "$ZSIM" fill --allocators , "$T/ten.bin"
expect_error "too many allocators" "^zsim fill: --allocators: at most 8$" \
	"$ZSIM" fill --allocators a,b,c,d,e,f,g,h,i "$T/ten.bin"
expect_error "allocator list too long" "^zsim fill: --allocators: list too long$" \
	"$ZSIM" fill --allocators "$(printf 'zsmalloc,%.0s' $(seq 40))" "$T/ten.bin"
expect_error "unknown allocator in a list" "unknown allocator 'slab' \(known: zsmalloc" \
	"$ZSIM" fill --allocators zsmalloc,slab "$T/ten.bin"
expect_error "zero threads" "^zsim fill: --threads: '0' is not a count from 1 to 8$" "$ZSIM" fill --threads 0 "$T/ten.bin"
expect_error "too many threads" "^zsim fill: --threads: '9' is not a count from 1 to 8$" "$ZSIM" fill --threads 9 "$T/ten.bin"
expect_error "threads not a number" "^zsim fill: --threads: 'many' is not a count from 1 to 8$" \
	"$ZSIM" fill --threads many "$T/ten.bin"
expect_error "synthetic without pages" "^zsim fill: --synthetic: 'mix' is not CLASS:PAGES\[:SEED\]$" \
	"$ZSIM" fill --synthetic mix
expect_error "synthetic with zero pages" "^zsim fill: --synthetic: 'mix:0' is not CLASS:PAGES\[:SEED\]$" \
	"$ZSIM" fill --synthetic mix:0
expect_error "synthetic seed not a number" "^zsim fill: --synthetic: 'mix:10:x' is not CLASS:PAGES\[:SEED\]$" \
	"$ZSIM" fill --synthetic mix:10:x
expect_error "synthetic with a fourth field" "is not CLASS:PAGES\[:SEED\]$" "$ZSIM" fill --synthetic mix:10:1:2
expect_error "synthetic and a corpus" "^zsim fill: give either CORPUS or --synthetic, not both$" \
	"$ZSIM" fill "$T/ten.bin" --synthetic mix:10
expect_error "two corpora" "^zsim fill: one CORPUS only; unexpected '.*odd.bin'$" "$ZSIM" fill "$T/ten.bin" "$T/odd.bin"
expect_error "getopt-style abbreviations are not options" "^zsim fill: unknown option '--disk'$" \
	"$ZSIM" fill --disk 1M "$T/ten.bin"
expect_error "directory as corpus" "not a regular file" "$ZSIM" fill "$T"
expect_error "unknown synthetic class" "^zsim fill: --synthetic: unknown content class in 'gold:10' \(known: .*mix" \
	"$ZSIM" fill --synthetic gold:10
expect_error "unknown command" "unknown command 'fil'" "$ZSIM" fil
check "good discard list still works" "$ZSIM" fill --discard "$T/good.txt" "$T/ten.bin" > /dev/null
expect_error "allocator missing from the kernel profile names the versions that had it" \
	"allocator 'zbud' is not in kernel 6.18 \(kernel profiles that have it: 3.12, 4.19, 5.4, 6.1, 6.6\)" \
	"$ZSIM" fill --allocator zbud "$T/ten.bin"

# Options in any order, in either spelling; --help from the table lists every one.
"$ZSIM" fill --comp lz4 --discard "$T/good.txt" --compact --json "$T/ten.bin" > "$T/order1.out"
"$ZSIM" fill "$T/ten.bin" --json --compact --discard="$T/good.txt" --comp=lz4 > "$T/order2.out"
check "fill options in any order, --NAME=VALUE too" cmp -s "$T/order1.out" "$T/order2.out"
"$ZSIM" help fill > "$T/fill.help"
check "zsim help fill is zsim fill --help" sh -c "'$ZSIM' fill --help | cmp -s - '$T/fill.help'"
check "zsim fill -h is --help" sh -c "'$ZSIM' fill -h | cmp -s - '$T/fill.help'"
for o in comp level kernel disksize mem-limit discard compact allocator allocators report json check \
	threads synthetic help; do
	check "fill --help lists --$o" grep -q -- "--$o[ =]" "$T/fill.help"
done
