# Hostile ids and processes (issue 16, classes 1 and 3): pids and file ids near
# 2^32, creates that could never run, many short-lived processes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

# ids near 2^32 are valid: they cost a hash entry, not a 16 GB table
cat > "$T/big.txt" <<'TXT'
create 4294967295 0 big
access 4294967295 0x10 w text:1
create 4294967294 4294967295 kid
access 4294967294 0x10 w text:2
fcreate 4294967294 4294967295 0 f
fwrite 4294967294 4294967295 0 text:3
fread 4294967294 4294967295 0
funlink 4294967294 4294967295
exit 4294967294
wait 4294967295 4294967294
exit 4294967295
TXT
pack "$T/big.txt"
bounded "pids and file ids near 2^32 run" "$ZSIM" --trace "$T/big.txt.trc" --config "$T/m.json" --out "$T/big" --quiet
check "pid 2^32-1 is in the summary" grep -q '"pid": 4294967295' "$T/big/summary.json"
check "pid 2^32-2 ran (it wrote a page)" test "$(jget "$T/big/summary.json" processes.1.minor_faults)" -ge 1

# a create whose parent has exited: an error naming the event, not a process
# that never runs while its events pile up
printf 'create 1 0 a\naccess 1 0x10 w text:1\nexit 1\ncreate 2 1 orphan\naccess 2 0x1 r\nexit 2\n' > "$T/orphan.txt"
pack "$T/orphan.txt"
hostile "create whose parent exited" "orphan.txt.trc: event 3: create of pid 2 names a parent pid that has exited \(1\)" \
	"$ZSIM" --trace "$T/orphan.txt.trc" --config "$T/m.json" --out "$T/o1"
check "no results for it" [ ! -e "$T/o1" ]

printf 'create 1 0 a\ncreate 2 2 self\naccess 2 0x1 r\n' > "$T/self.txt"
pack "$T/self.txt"
hostile "create that is its own parent" "self.txt.trc: event 1: create of pid 2 names itself as its parent" \
	"$ZSIM" --trace "$T/self.txt.trc" --config "$T/m.json" --out "$T/o2"

printf 'create 1 0 a\ncreate 2 9 lost\naccess 2 0x1 r\n' > "$T/lost.txt"
pack "$T/lost.txt"
hostile "create with a parent never created" "event 1: create of pid 2 names a parent pid that was never created \(9\)" \
	"$ZSIM" --trace "$T/lost.txt.trc" --config "$T/m.json" --out "$T/o3"

# 12000 short-lived processes: summary.json lists 10000, sums the rest by name
awk 'BEGIN { print "create 1 0 init"; for (i = 2; i <= 12001; i++) { n = (i % 2) ? "cc" : "ld";
	print "create " i " 1 " n; print "access " i " 0x10 w text:" i; print "exit " i } print "exit 1" }' > "$T/many.txt"
pack "$T/many.txt"
# (created at once, alive together: each holds a page and its PTE page, 94 MiB
# in all, so the machine has 256 MiB)
sed 's/"32M", "cpus"/"256M", "cpus"/' "$T/m.json" > "$T/m256.json"
bounded "12000 processes run" "$ZSIM" --trace "$T/many.txt.trc" --config "$T/m256.json" --out "$T/many" --quiet
check "summary lists 10000 processes one by one" test "$(grep -c '"pid":' "$T/many/summary.json")" = 10000
check "the rest summed by name, in order of first appearance: cc, ld" test "$(jget "$T/many/summary.json" processes_by_name.0.name)$(jget "$T/many/summary.json" processes_by_name.1.name)" = ccld
c0=$(jget "$T/many/summary.json" processes_by_name.0.count)
c1=$(jget "$T/many/summary.json" processes_by_name.1.count)
check "the sums count the 2001 others" test "$((c0 + c1))" = 2001
bounded "--all-processes lists every one" "$ZSIM" --trace "$T/many.txt.trc" --config "$T/m256.json" --out "$T/many2" --quiet --all-processes
check "--all-processes: 12001 entries" test "$(grep -c '"pid":' "$T/many2/summary.json")" = 12001
check "--all-processes: no sums" sh -c "! grep -q processes_by_name '$T/many2/summary.json'"
clean "ids: nothing left behind"

# file page indexes are bounded like a real file's (2^51 pages, 2^63 bytes):
# page 2^64-1 used to be stored under the file map's empty key, leaving a
# page in RAM that no map knew, and reclaim crashed on it (found by fuzz_run)
printf '#zsim-trace fs=tmp\ncreate 1 0 a\nfcreate 1 1 0 f\nfwrite 1 1 2251799813685247 text:1\nftruncate 1 1 2251799813685248\nexit 1\n' > "$T/fmax.txt"
check "the last page of the largest file and a truncate to its size pack" "$ZSIM" trace pack "$T/fmax.txt" -o "$T/fmax.trc"
printf '#zsim-trace fs=tmp\ncreate 1 0 a\nfcreate 1 1 0 f\nfwrite 1 1 2251799813685248 text:1\n' > "$T/fbig.txt"
hostile "a file page past the largest file (text)" "fbig.txt:4: file page '2251799813685248' is not a number below 2\^51 \(the largest file\)" \
	"$ZSIM" trace pack "$T/fbig.txt" -o "$T/fbig.trc"
printf '#zsim-trace fs=tmp\ncreate 1 0 a\nfcreate 1 1 0 f\nftruncate 1 1 2251799813685249\n' > "$T/tbig.txt"
hostile "a truncate past the largest file (text)" "npages '2251799813685249' is not a number up to 2\^51" \
	"$ZSIM" trace pack "$T/tbig.txt" -o "$T/tbig.trc"
# the fuzzer's input (machine byte, then a binary trace writing page 2^64-2)
tail -c +2 "$(dirname "$0")/data/fuzz-file-page-max.bin" > "$T/fz.trc"
cat > "$T/fz.json" <<'JSON'
{ "machine": { "ram": "16M", "cpus": 2, "kernel_reserve": "4M" },
  "devices": { "zram0": { "type": "zram", "size": "4M" } },
  "swap": [ { "device": "zram0", "priority": 100 } ],
  "filesystems": { "src": { "type": "tmpfs", "size": "2M" }, "tmp": { "type": "tmpfs" } } }
JSON
# its first access is to page 2^64 - 3, beyond a 64-bit address space's pages
hostile "an access past 2^52 pages (binary)" "fz.trc: offset 33, event 1: page 18446744073709551613 beyond a 64-bit address space \(2\^52 pages\)" \
	"$ZSIM" --trace "$T/fz.trc" --config "$T/fz.json" --out "$T/fz"
# that access made one to page 1 (tag 0xa0, at offset 33): the file page is refused
printf '\240' | dd of="$T/fz.trc" bs=1 seek=33 conv=notrunc 2> /dev/null
hostile "a file page past the largest file (binary)" "fz.trc: offset 45, event 4: file page 18446744073709551614 beyond the largest file \(2\^51 pages, 2\^63 bytes\)" \
	"$ZSIM" --trace "$T/fz.trc" --config "$T/fz.json" --out "$T/fz"
