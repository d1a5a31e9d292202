# Memory (issue 16, class 4): sizes whose tables are beyond the machine are
# refused up front with the estimate (exit 6); an allocation that fails is one
# line and exit 6 with the temporary directory removed, never abort().
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

printf 'create 1 0 a\naccess 1 0x10 w text:1\nexit 1\n' > "$T/one.txt"
pack "$T/one.txt"

cat > "$T/huge.json" <<'JSON'
{ "machine": { "ram": "4T", "cpus": 2 },
  "devices": { "zram0": { "type": "zram", "size": "4T" } },
  "swap": [ { "device": "zram0", "priority": 100 } ] }
JSON
status_is() { want=$1; shift; "$@" > /dev/null 2>&1; [ $? -eq "$want" ]; }
hostile "4 TiB of RAM and 4 TiB of zram refused by estimate" \
	"huge.json: the simulator would need about [0-9.]+ MiB for its tables .*more than --max-memory .*half of this machine's RAM" \
	"$ZSIM" --trace "$T/one.txt.trc" --config "$T/huge.json" --out "$T/h1"
check "... with exit status 6" status_is 6 "$ZSIM" --trace "$T/one.txt.trc" --config "$T/huge.json" --out "$T/h1"
hostile "--max-memory 100K refuses a small machine" "more than --max-memory 0.1 MiB" \
	"$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/h2" --max-memory 100K
bounded "--max-memory 1G lets it run" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/h3" --max-memory 1G --quiet
hostile "fill --disksize 4T" "--disksize 4398046511104 bytes: the simulator would need about" \
	"$ZSIM" fill --synthetic text:10 --disksize 4T
check "... with exit status 6" status_is 6 "$ZSIM" fill --synthetic text:10 --disksize 4T

# an allocation that fails mid-run (the plain build under ulimit -v; ASan
# ignores the limit): one line, exit 6, no OUT.tmp.PID left.  Each access
# touches a new 2 MiB region, so the page tables grow 4 KiB per access.
if [ "$HOSTILE_VMEM" != unlimited ]; then
	awk 'BEGIN { print "#zsim-trace version=1"; print "create 1 0 spread"; for (i = 0; i < 120000; i++) printf "access 1 0x%x r\n", i * 512; print "exit 1" }' > "$T/spread.txt"
	pack "$T/spread.txt"
	cat > "$T/big.json" <<'JSON'
{ "machine": { "ram": "4G", "cpus": 2 } }
JSON
	HOSTILE_VMEM=400000 hostile "allocation failure mid-run: one line" \
		"^zsim: out of memory: the simulator could not allocate [0-9]+ bytes" \
		"$ZSIM" --trace "$T/spread.txt.trc" --config "$T/big.json" --out "$T/spread"
	check "... exit status 6" sh -c "ulimit -v 400000; '$ZSIM' --trace '$T/spread.txt.trc' --config '$T/big.json' --out '$T/spread' 2>/dev/null; [ \$? -eq 6 ]"
	check "... no results" [ ! -e "$T/spread" ]
	# trace stat of a million distinct pages under a small limit
	awk 'BEGIN { print "#zsim-trace version=1"; print "create 1 0 s"; for (i = 0; i < 1000000; i++) printf "access 1 0x%x r\n", i * 7 }' > "$T/stat.txt"
	pack "$T/stat.txt"
	HOSTILE_VMEM=40000 hostile "trace stat out of memory" "^zsim: out of memory" \
		"$ZSIM" trace stat "$T/stat.txt.trc"
else
	pass "allocation failure mid-run (skipped under ASan)"
fi
clean "memory: nothing left behind"
