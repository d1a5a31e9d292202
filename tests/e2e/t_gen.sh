# `zsim trace gen` and `zsim trace import` through the real binary: every
# generator at a small size, byte-identical on re-run, bad options give one
# line, a non-zero exit and no file; the importers on the fixtures in data/.
. "$(dirname "$0")/lib.sh"
D=$(cd "$(dirname "$0")/data" && pwd)

# count of events of KIND in trace FILE (from zsim trace stat)
stat_count() { "$ZSIM" trace stat "$1" | awk -v k="$2" '$1 == k { print $2; exit }'; }

gen_twice() {
	name=$1; shift
	"$ZSIM" trace gen "$@" -o "$T/$name.a.trc" && "$ZSIM" trace gen "$@" -o "$T/$name.b.trc" &&
		cmp -s "$T/$name.a.trc" "$T/$name.b.trc"
}
check "gen hogger small, byte-identical" gen_twice hogger hogger --size 4M --retouch 0.1 --duration 5s
check "gen untar small, byte-identical" gen_twice untar untar --tree-size 4M --files 400
check "gen kbuild small, byte-identical" gen_twice kbuild kbuild --tree-size 8M --files 600 --units 30 --jobs 4 --heap-scale 0.1
check "gen zipf small, byte-identical" gen_twice zipf zipf --size 2M --accesses 20000
check "gen scan small, byte-identical" gen_twice scan scan --size 2M --passes 3
check "gen appswitch small, byte-identical" gen_twice appswitch appswitch --app-median 2M --switches 10 --apps 4
check "different seed, different trace" sh -c "'$ZSIM' trace gen zipf --size 2M --accesses 20000 --seed 7 -o '$T/z7.trc' && ! cmp -s '$T/z7.trc' '$T/zipf.a.trc'"
check "hogger 4M touches 1024 pages" test "$(stat_count "$T/hogger.a.trc" access)" -ge 1024
# --ramp 10s over 4 MiB: a sleep after each of the first 3 MiB, of 10 s / 4
# minus the 256 us of filling a MiB: 3 x 2.499744 s = 7.499 s asleep
"$ZSIM" trace gen hogger --size 4M --ramp 10s -o "$T/ramp.trc"
check "hogger --ramp: 3 sleeps" test "$(stat_count "$T/ramp.trc" sleep)" = 3
check "hogger --ramp: 7.499 s asleep" sh -c "'$ZSIM' trace stat '$T/ramp.trc' | grep -q '^asleep          7.499 s'"
check "gen to a .zst file" sh -c "'$ZSIM' trace gen scan --size 1M -o '$T/s.trc.zst' && '$ZSIM' trace stat '$T/s.trc.zst' > /dev/null"
check "gen --help" sh -c "'$ZSIM' trace gen kbuild --help | grep -q -- '--jobs'"

expect_error "unknown kind lists the known ones" "^zsim trace gen: unknown kind 'kbiuld' \(known: hogger, untar, kbuild, zipf, scan, appswitch\)" \
	"$ZSIM" trace gen kbiuld -o "$T/x.trc"
expect_error "hogger --ramp that is not a duration" "^zsim trace gen hogger: --ramp: 'fast' is not a duration" \
	"$ZSIM" trace gen hogger --ramp fast -o "$T/ramp-bad.trc"
check "hogger --ramp error leaves no file" [ ! -e "$T/ramp-bad.trc" ]
expect_error "value out of range" "^zsim trace gen hogger: --retouch: '2' is not in \[0, 1\]" \
	"$ZSIM" trace gen hogger --retouch 2 -o "$T/x.trc"
expect_error "malformed size" "^zsim trace gen zipf: --size: '12Q' is not a size" \
	"$ZSIM" trace gen zipf --size 12Q -o "$T/x.trc"
expect_error "unknown option" "^zsim trace gen scan: unknown option '--frobnicate'" \
	"$ZSIM" trace gen scan --frobnicate 3 -o "$T/x.trc"
expect_error "bad content class" "^zsim trace gen untar: --content: unknown content class 'gold'" \
	"$ZSIM" trace gen untar --content gold -o "$T/x.trc"
expect_error "bad ratio" "^zsim trace gen untar: --content: 'ratio:0.5': the ratio must be" \
	"$ZSIM" trace gen untar --content ratio:0.5 -o "$T/x.trc"
expect_error "missing -o" "^zsim trace gen hogger: no output file" "$ZSIM" trace gen hogger
expect_error "too many units for the tree" "^zsim trace gen kbuild: .*--units 900: the tree has only" \
	"$ZSIM" trace gen kbuild --tree-size 1M --files 50 --units 900 -o "$T/x.trc"
check "no file left behind by failures" sh -c "! ls '$T'/x.trc* > /dev/null 2>&1"

# lackey: pid 2001 reads 0x4001, writes 0x1ffefff and 0x4030, later reads 0x4030;
# pid 2002 reads 0x4001, writes 0x1ffefff, reads 0x4030 and 0x4031 (a straddling load)
check "import lackey" "$ZSIM" trace import lackey -o "$T/l.trc" "$D/lackey-children.txt"
check "lackey: 8 page accesses" test "$(stat_count "$T/l.trc" access)" = 8
check "lackey: 2 processes" test "$(stat_count "$T/l.trc" create)" = 2
check "lackey: 3 writes" test "$("$ZSIM" trace dump "$T/l.trc" | grep -c '^access .* w ')" = 3
check "lackey from stdin, identical" sh -c "'$ZSIM' trace import lackey -o '$T/l2.trc' - < '$D/lackey-children.txt' && cmp -s '$T/l.trc' '$T/l2.trc'"
printf ' L 00400000,8\n X 00400000,8\n' > "$T/bad-lackey.txt"
expect_error "lackey error names the line" "^zsim trace import lackey: .*bad-lackey.txt:2: not a lackey record" \
	"$ZSIM" trace import lackey -o "$T/y.trc" "$T/bad-lackey.txt"

# oracle: ids 11 22 11 33 22 11 44 -> 7 reads of 4 distinct pages
check "import oracle" "$ZSIM" trace import oracle -o "$T/o.trc" "$D/oracle-small.bin"
check "oracle: 7 accesses" test "$(stat_count "$T/o.trc" access)" = 7
check "oracle: zstd input gives the same trace" sh -c "'$ZSIM' trace import oracle -o '$T/oz.trc' '$D/oracle-small.bin.zst' && cmp -s '$T/o.trc' '$T/oz.trc'"
expect_error "oracle truncated record names the offset" "truncated record at offset 168 \(7 of 24 bytes\)" \
	"$ZSIM" trace import oracle -o "$T/y.trc" "$D/oracle-truncated.bin"
expect_error "unknown import format" "^zsim trace import: unknown format 'pin' \(known: lackey, oracle\)" \
	"$ZSIM" trace import pin -o "$T/y.trc" "$D/oracle-small.bin"
expect_error "import missing input file" "nope.bin: No such file" "$ZSIM" trace import oracle -o "$T/y.trc" "$T/nope.bin"
check "no file left behind by import failures" sh -c "! ls '$T'/y.trc* > /dev/null 2>&1"

# appswitch: apps take turns in the foreground (background apps sleep), so on
# a machine with CPUs to spare the run lasts at least the sum of the periods
"$ZSIM" trace gen appswitch --apps 3 --app-median 16M --period 1s --switches 6 -o "$T/as.trc"
printf '{"machine":{"ram":"1G","cpus":4}}' > "$T/as.json"
"$ZSIM" --trace "$T/as.trc" --config "$T/as.json" --out "$T/as" --quiet
check "appswitch: six 1 s turns take at least 6 s on 4 CPUs (no two apps at once)" \
	test "$(jget "$T/as/summary.json" sim_time_ns)" -ge 6000000000

# ... and the turns follow each other back to back however long faults make
# them: swap on an SSD makes apps wait for their pages (fault_wait_ns > 0), and
# the run lasts exactly the apps' CPU plus their fault waits, summed (no two
# apps at once: not less; no gap between turns: not more, within 1%).  Before
# wake/park, each app slept a time fixed when the trace was written, so turns
# overlapped by the faults' length and the run was shorter than that sum.
"$ZSIM" trace gen appswitch --apps 4 --app-median 64M --period 1s --switches 12 -o "$T/asf.trc"
printf '{"machine":{"ram":"192M","cpus":4},"devices":{"sw":{"type":"ssd","size":"1G"}},"swap":[{"device":"sw","priority":100}]}' \
	> "$T/asf.json"
"$ZSIM" --trace "$T/asf.trc" --config "$T/asf.json" --out "$T/asf" --quiet
check "appswitch: the wake/park handover is in the trace" test "$(stat_count "$T/asf.trc" wake)" -ge 11
sum_procs() { # DIR KEY: KEY summed over summary.json's processes
	i=0 sum=0
	while v=$(jget "$1/summary.json" "processes.$i.$2"); do sum=$((sum + v)); i=$((i + 1)); done
	echo "$sum"
}
as_cpu=$(sum_procs "$T/asf" cpu_ns)
as_wait=$(sum_procs "$T/asf" fault_wait_ns)
as_time=$(jget "$T/asf/summary.json" sim_time_ns)
check "appswitch: faults lengthen the turns (fault waits > 0)" test "$as_wait" -gt 0
check "appswitch: every turn's CPU ran (12 turns of 1 s)" test "$as_cpu" -ge 12000000000
check "appswitch: one app at a time (run >= apps' CPU + fault waits)" test "$as_time" -ge $((as_cpu + as_wait))
check "appswitch: turns back to back (run <= 1.01 x apps' CPU + fault waits)" \
	test "$as_time" -le $(((as_cpu + as_wait) / 100 * 101))
