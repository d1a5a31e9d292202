# Work proportional to numbers in the input (issue 16, class 2): huge unmaps,
# cpu and sleep times that would wrap the clock or run the sampler away,
# generators asked for terabytes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

# an unmap of 2^40 pages visits the pages that exist, not 2^40 of them
printf 'create 1 0 a\naccess 1 0x10 w text:1\naccess 1 0x123456789 w text:2\nunmap 1 0 1099511627776\naccess 1 0x10 r\nexit 1\n' > "$T/unmap.txt"
pack "$T/unmap.txt"
HOSTILE_SECS=20 bounded "unmap of 2^40 pages is quick" "$ZSIM" --trace "$T/unmap.txt.trc" --config "$T/m.json" --out "$T/unmap" --quiet
check "the unmapped page faults again" test "$(jget "$T/unmap/summary.json" processes.0.minor_faults)" = 3

# the top page of a 64-bit address space (2^52 - 1) goes to swap and comes
# back (a frame keeps a page number in 52 bits); 2^52 itself is refused
{ echo 'create 1 0 a'; echo 'access 1 0xfffffffffffff w text:1'
  i=0; while [ $i -lt 12000 ]; do echo "access 1 $i w text:$((i + 2))"; i=$((i + 1)); done
  echo 'access 1 0xfffffffffffff r'; echo 'exit 1'; } > "$T/top.txt"
pack "$T/top.txt"
bounded "the top page of the address space runs" "$ZSIM" --trace "$T/top.txt.trc" --config "$T/m.json" --out "$T/top" --quiet
check "the top page was swapped out and faulted back" test "$(jget "$T/top/summary.json" processes.0.major_faults)" -ge 1
printf 'create 1 0 a\naccess 1 0x10000000000000 r\n' > "$T/beyond.txt"
hostile "page 2^52 refused by pack" "beyond.txt:2: page '0x10000000000000' is not a number below 2\^52" \
	"$ZSIM" trace pack "$T/beyond.txt" -o "$T/beyond.trc"
check "pack left no output" [ ! -e "$T/beyond.trc" ]

# cpu/sleep of 2^64-1 ns: refused where it is read (text and binary)
printf 'create 1 0 a\ncpu 1 18446744073709551615\naccess 1 0x1 r\n' > "$T/cpu.txt"
hostile "cpu of 2^64-1 ns refused by pack" "cpu.txt:2: ns '18446744073709551615' is not a number up to 2\^50" \
	"$ZSIM" trace pack "$T/cpu.txt" -o "$T/cpu.trc"
check "pack left no output" [ ! -e "$T/cpu.trc" ]
# the same in binary: magic, version 1, page size 4096, flags, seed, generator,
# corpus, nr_fs, nr_content; create 1 0 "a"; cpu (same pid) 2^64-1; end marker
printf 'ZSIMTRC\032\001\200\040\000\000\000\000\000\000\001\001\000\001a\034\377\377\377\377\377\377\377\377\377\001\000\002' > "$T/cpu.trc"
hostile "cpu of 2^64-1 ns refused by the reader" "cpu.trc: offset 22, event 1: cpu of 18446744073709551615 ns, more than 2\^50 ns" \
	"$ZSIM" --trace "$T/cpu.trc" --config "$T/m.json" --out "$T/cpu"
check "no results" [ ! -e "$T/cpu" ]

# sleeps that add up past 2^50 ns: an error, not a wrapped clock or a
# timeseries row per simulated second until the disk is full
printf 'create 1 0 a\nsleep 1 1125899906842624\nsleep 1 1125899906842624\naccess 1 0x1 r\nexit 1\n' > "$T/sleep.txt"
pack "$T/sleep.txt"
hostile "simulated time past 2^50 ns" "simulated time passed 2\^50 ns \(13 days\)" \
	"$ZSIM" --trace "$T/sleep.txt.trc" --config "$T/m.json" --out "$T/sleep"
check "no results" [ ! -e "$T/sleep" ]

# one long sleep within the bound: the sampler stops at its row limit and says so
printf 'create 1 0 a\naccess 1 0x1 w text:1\nsleep 1 1000000000000000\naccess 1 0x1 r\nexit 1\n' > "$T/long.txt"
pack "$T/long.txt"
bounded "11.6 days of sleep run" "$ZSIM" --trace "$T/long.txt.trc" --config "$T/m.json" --out "$T/long" --quiet
check "timeseries stops at 100000 rows (+ header)" test "$(wc -l < "$T/long/timeseries.csv")" -le 100001
check "and events.jsonl says so" grep -q '"type":"timeseries_limit"' "$T/long/events.jsonl"

# generators: bounded parameters, refused before anything is written
hostile "gen zipf --accesses 1e12" "--accesses" "$ZSIM" trace gen zipf --accesses 1000000000000 -o "$T/g1.trc"
hostile "gen hogger --period 1ns" "--period: '1ns' is not in \[1000," "$ZSIM" trace gen hogger --period 1ns -o "$T/g2.trc"
hostile "gen hogger --size 64T" "--size: '64T' is not in \[4096, 1099511627776\]" "$ZSIM" trace gen hogger --size 64T -o "$T/g3.trc"
hostile "gen scan --passes 2^40" "--passes" "$ZSIM" trace gen scan --passes 1099511627776 -o "$T/g4.trc"
hostile "gen hogger --duration 1000d" "--duration" "$ZSIM" trace gen hogger --duration 100000000s -o "$T/g5.trc"
hostile "corpus --pages 2^40" "at most 268435456 pages" "$ZSIM" corpus text --pages 1099511627776 -o "$T/c.bin"
check "no generator output" sh -c "! ls '$T'/g?.trc '$T/c.bin' 2>/dev/null"
clean "work: nothing left behind"
