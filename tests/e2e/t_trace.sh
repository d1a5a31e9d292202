# `zsim trace pack|dump|stat`: exact round trips, pipes, JSON keys, bad input.
. "$(dirname "$0")/lib.sh"

cat > "$T/a.txt" <<'TXT'
#zsim-trace version=1 end=1 page_size=4096 generator=hand seed=7 flags=0 corpus=pages.bin fs=src,tmp%20dir
#content text:1000
create 1 0 make
create 2 1 cc1%20-O2
access 2 0x1000 w text:42
access 2 0x1001 r
access 2 0x1002 w text:43
access 2 0x1001 w text:1000
access 1 0x7fff0 w heap:5
map 2 0x2000 16 anon
fcreate 2 5 1 foo.c
fwrite 2 5 0 ratio/25:3
fread 2 5 1
fread 2 5 2
cpu 2 15000
sleep 2 250000
ftruncate 2 5 1
map 2 0x3000 4 file 5 0
access 2 0x3000 w corpus:17
unmap 2 0x2000 16
funlink 2 5
exit 2
wait 1 2
exit 1
#end 22
TXT

"$ZSIM" trace pack "$T/a.txt" -o "$T/a.trc"
check "pack writes a file" [ -s "$T/a.trc" ]
"$ZSIM" trace dump "$T/a.trc" > "$T/a.dump"
check "dump gives the text back" cmp -s "$T/a.txt" "$T/a.dump"
"$ZSIM" trace dump "$T/a.trc" | "$ZSIM" trace pack > "$T/b.trc"
check "dump | pack reproduces the binary" cmp -s "$T/a.trc" "$T/b.trc"
"$ZSIM" trace dump - < "$T/a.trc" | "$ZSIM" trace pack - -o "$T/c.trc"
check "stdin and - work" cmp -s "$T/a.trc" "$T/c.trc"
"$ZSIM" trace pack "$T/a.txt" -o "$T/a.trc.zst"
check "a .zst output is compressed" sh -c "head -c 4 '$T/a.trc.zst' | od -An -tx1 | grep -q '28 b5 2f fd'"
"$ZSIM" trace dump "$T/a.trc.zst" -o "$T/z.dump"
check "a .zst input is read transparently" cmp -s "$T/a.txt" "$T/z.dump"
"$ZSIM" trace dump - < "$T/a.trc.zst" > "$T/z2.dump"
check "zstd on stdin too" cmp -s "$T/a.txt" "$T/z2.dump"

# wake and park (FORMAT.md): round trip, stat counts them, bounds.
cat > "$T/w.txt" <<'TXT'
#zsim-trace version=1 end=1 page_size=4096 generator=hand seed=0 flags=0 corpus= fs=
create 1 0 a
create 2 0 b
park 2
cpu 1 1000
wake 1 2
park 1
wake 2 1
wake 2 4294967295
#end 8
TXT
"$ZSIM" trace pack "$T/w.txt" -o "$T/w.trc"
check "wake/park: dump gives the text back" sh -c "'$ZSIM' trace dump '$T/w.trc' | cmp -s '$T/w.txt' -"
check "wake/park: stat counts 3 wakes, 2 parks" sh -c "'$ZSIM' trace stat --json '$T/w.trc' | grep -q '\"wake\": 3,' &&
	'$ZSIM' trace stat --json '$T/w.trc' | grep -q '\"park\": 2'"
printf 'create 1 0 a\nwake 1 0\n' > "$T/w0.txt"
expect_error "wake of pid 0 is refused, naming the line" "w0.txt:2: wake of pid 0" "$ZSIM" trace pack "$T/w0.txt" -o "$T/w0.trc"
printf 'create 1 0 a\nwake 1 4294967296\n' > "$T/w1.txt"
expect_error "wake of a pid past 2^32 is refused" "w1.txt:2: .*woken pid" "$ZSIM" trace pack "$T/w1.txt" -o "$T/w1.trc"
printf 'create 1 0 a\npark 2\n' > "$T/w2.txt"
expect_error "park by a pid never created is refused" "w2.txt:2: pid 2 was never created" "$ZSIM" trace pack "$T/w2.txt" -o "$T/w2.trc"
check "no trace left by refused packs" sh -c "! ls '$T'/w0.trc* '$T'/w1.trc* '$T'/w2.trc* > /dev/null 2>&1"

# A generated trace (if the generators are built) round-trips as well.
if "$ZSIM" trace gen hogger --help > /dev/null 2>&1; then
	"$ZSIM" trace gen hogger --seed 3 -o "$T/g.trc" > /dev/null 2>&1 &&
	"$ZSIM" trace dump "$T/g.trc" | "$ZSIM" trace pack -o "$T/g2.trc" &&
	check "generated trace: dump | pack is byte-identical" cmp -s "$T/g.trc" "$T/g2.trc"
fi

"$ZSIM" trace stat --json "$T/a.trc" > "$T/stat.json"
for k in events accesses distinct_pages peak_footprint_pages bytes_per_access reuse_distance events_by_kind; do
	check "stat --json has $k" grep -q "\"$k\":" "$T/stat.json"
done
check "stat counts 22 events" grep -q '"events": 22,' "$T/stat.json"
check "stat sums sleep (250 us)" grep -q '"sleep_ns": 250000,' "$T/stat.json"
check "stat counts 6 accesses" grep -q '"accesses": 6,' "$T/stat.json"
# distinct: pid 2 pages 0x1000-0x1002 and 0x3000, pid 1 page 0x7fff0, file pages 0-2
check "stat counts 8 distinct pages" grep -q '"distinct_pages": 8,' "$T/stat.json"
check "stat text form" sh -c "'$ZSIM' trace stat '$T/a.trc' | grep -q '^peak footprint  7 pages'"

# Bad input: one line on stderr, non-zero exit, no output file left behind.
printf 'ZSIMTRC\032\002' > "$T/v2.trc"
head -c $(($(wc -c < "$T/a.trc") - 3)) "$T/a.trc" > "$T/cut.trc"
printf 'create 1 0 a\naccess 2 0x1 r\n' > "$T/nopid.txt"
printf 'create 1 0 a\naccess 1 zz r\n' > "$T/syntax.txt"
printf 'create 1 0 a\nfread 1 4 0\n' > "$T/nofile.txt"
expect_error "dump: not a trace" "a.txt: offset 0, header: not a zsim trace \(bad magic\)" \
	"$ZSIM" trace dump "$T/a.txt" -o "$T/out1.txt"
check "dump: no output left on error" [ ! -e "$T/out1.txt" ]
expect_error "dump: unknown version" "v2.trc: offset 8, header: unknown version 2" \
	"$ZSIM" trace dump "$T/v2.trc" -o "$T/out2.txt"
expect_error "dump: truncated trace" "cut.trc: offset [0-9]+, event [0-9]+: " \
	"$ZSIM" trace dump "$T/cut.trc" -o "$T/out3.txt"
check "dump: truncated leaves no output" [ ! -e "$T/out3.txt" ]
expect_error "stat: truncated trace" "cut.trc: offset [0-9]+, event [0-9]+: " "$ZSIM" trace stat "$T/cut.trc"
printf 'create 1 0 a\nsleep 1 soon\n' > "$T/badsleep.txt"
expect_error "pack: a sleep that is not a number names the line" "badsleep.txt:2: ns 'soon' is not a number" \
	"$ZSIM" trace pack "$T/badsleep.txt" -o "$T/out5.trc"
check "pack: bad sleep leaves no output" [ ! -e "$T/out5.trc" ]
expect_error "pack: pid never created names the line" "nopid.txt:2: pid 2 was never created" \
	"$ZSIM" trace pack "$T/nopid.txt" -o "$T/out4.trc"
check "pack: no output left on error" [ -z "$(ls "$T" | grep out4)" ]
expect_error "pack: syntax error names the line" "syntax.txt:2: page 'zz' is not a number" \
	"$ZSIM" trace pack "$T/syntax.txt" -o "$T/out5.trc"
expect_error "pack: file never created" "nofile.txt:2: file 4 was never created" \
	"$ZSIM" trace pack "$T/nofile.txt" -o "$T/out6.trc.zst"
check "pack: no .zst output left on error" [ -z "$(ls "$T" | grep out6)" ]
expect_error "missing input" "nope.trc: No such file" "$ZSIM" trace dump "$T/nope.trc"
expect_error "unknown verb" "unknown verb 'pak'" "$ZSIM" trace pak
expect_error "unknown option" "unknown option '--frob'" "$ZSIM" trace dump --frob "$T/a.trc"
