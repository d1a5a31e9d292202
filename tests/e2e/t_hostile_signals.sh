# Endings other than Ctrl-C (issue 16, class 7): SIGTERM and SIGHUP stop a run
# like SIGINT (results written, marked interrupted, exit 128+signal, nothing
# else left); generators remove their FILE.tmp.PID; the temporary directory a
# SIGKILL leaves is removed by the next run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

# a run of several seconds (about 3 M accesses/s here, 10 times slower under
# ASan), with no OOM kill to end it early
cat > "$T/long.json" <<'JSON'
{ "machine": { "ram": "32M", "cpus": 2 },
  "devices": { "zram0": { "type": "zram", "size": "128M" } },
  "swap": [ { "device": "zram0", "priority": 100 } ] }
JSON
"$ZSIM" trace gen scan --size 48M --passes 2000 -o "$T/long.trc"

# run_signal SIG OUT: start a long run, send SIG after a second, its status
run_signal() {
	"$ZSIM" --trace "$T/long.trc" --config "$T/long.json" --out "$2" --quiet 2> "$T/sig.err" &
	pid=$!
	sleep 1
	kill -0 "$pid" 2> /dev/null || echo "  the run ended before the signal"
	kill -s "$1" "$pid"
	wait "$pid"
}
run_signal TERM "$T/term"
check "SIGTERM: exit 143" test $? -eq 143
check "SIGTERM: results written" test -s "$T/term/summary.json"
check "SIGTERM: marked interrupted" is "$T/term/summary.json" interrupted true
check "SIGTERM: timeseries and events there too" test -e "$T/term/timeseries.csv" -a -e "$T/term/events.jsonl"
check "SIGTERM: nothing on stderr" test ! -s "$T/sig.err"
clean "SIGTERM: no temporary directory left"
run_signal HUP "$T/hup"
check "SIGHUP: exit 129" test $? -eq 129
check "SIGHUP: marked interrupted" is "$T/hup/summary.json" interrupted true
clean "SIGHUP: no temporary directory left"
run_signal INT "$T/int"
check "SIGINT: exit 130" test $? -eq 130
check "SIGINT: marked interrupted" is "$T/int/summary.json" interrupted true

# --baseline runs the baseline in a forked child when there are two CPUs to
# run on: the same results as one after the other (taskset -c 0 leaves one),
# and a signal to the run stops the child too
"$ZSIM" trace gen scan --size 48M --passes 20 -o "$T/short.trc"
"$ZSIM" --trace "$T/short.trc" --config "$T/long.json" --out "$T/bpar" --baseline --quiet
check "--baseline: a run with the baseline beside it completes" is "$T/bpar/summary.json" baseline.pages_scanned 0
if command -v taskset > /dev/null 2>&1; then
	taskset -c 0 "$ZSIM" --trace "$T/short.trc" --config "$T/long.json" --out "$T/bseq" --baseline --quiet
	check "--baseline: the same summary on one CPU (baseline after the run)" cmp "$T/bpar/summary.json" "$T/bseq/summary.json"
else
	echo "skip: taskset not installed (the one-CPU --baseline comparison)"
fi
# (the trace three times over: the baseline alone takes seconds, so it is
# still running when the signal comes; after the run's exit it must be gone)
"$ZSIM" --trace "$T/long.trc" --trace "$T/long.trc" --trace "$T/long.trc" --config "$T/long.json" \
	--out "$T/bterm" --baseline --quiet 2> "$T/sig.err" &
pid=$!
sleep 0.5
kill -s TERM "$pid"
wait "$pid"
check "--baseline, SIGTERM: exit 143" test $? -eq 143
check "--baseline, SIGTERM: marked interrupted" is "$T/bterm/summary.json" interrupted true
check "--baseline, SIGTERM: no baseline process left running" test -z "$(pgrep -f -- "--out $T/bterm" || true)"
check "--baseline, SIGTERM: nothing on stderr" test ! -s "$T/sig.err"

# SIGKILL cannot be handled: it leaves OUT.tmp.PID; the next run removes it
"$ZSIM" --trace "$T/long.trc" --config "$T/long.json" --out "$T/kill" --quiet &
pid=$!
sleep 1
kill -s KILL "$pid"
wait "$pid" 2> /dev/null
check "SIGKILL leaves its temporary directory" test -d "$T/kill.tmp.$pid"
printf 'create 1 0 a\naccess 1 0x10 w text:1\nexit 1\n' > "$T/one.txt"
pack "$T/one.txt"
check "the next run succeeds" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/kill" --quiet
check "and removed the dead run's directory" test ! -e "$T/kill.tmp.$pid"
# a live process's temporary directory is left alone
mkdir "$T/kill.tmp.$$"
check "another run next to a live one" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/kill" --quiet
check "leaves the live one's directory" test -d "$T/kill.tmp.$$"
rmdir "$T/kill.tmp.$$"
# a stale trace temp file of a dead writer goes with the next write of that name
sh -c 'exit 0' &
dead=$!
wait "$dead"
echo junk > "$T/g.trc.tmp.$dead"
"$ZSIM" trace gen hogger --size 1M -o "$T/g.trc"
check "a stale FILE.tmp.PID of a dead process is removed" test ! -e "$T/g.trc.tmp.$dead"

# generators and converters: SIGTERM removes FILE.tmp.PID, exit 143
"$ZSIM" trace gen hogger --size 1T -o "$T/big.trc" 2> "$T/gen.err" &
pid=$!
sleep 1
kill -s TERM "$pid"
wait "$pid"
check "gen: SIGTERM exits 143" test $? -eq 143
check "gen: no output" test ! -e "$T/big.trc"
check "gen: no FILE.tmp.PID" test ! -e "$T/big.trc.tmp.$pid"
# pack blocked reading a pipe, its output already open
mkfifo "$T/pipe"
{ printf '#zsim-trace version=1\ncreate 1 0 a\naccess 1 0x1 r\n'; sleep 4; } > "$T/pipe" &
writer=$!
"$ZSIM" trace pack "$T/pipe" -o "$T/pk.trc" &
pid=$!
sleep 1
check "pack: its temporary file exists while it runs" test -e "$T/pk.trc.tmp.$pid"
kill -s HUP "$pid"
wait "$pid"
check "pack: SIGHUP exits 129" test $? -eq 129
check "pack: no FILE.tmp.PID" test ! -e "$T/pk.trc.tmp.$pid"
check "pack: no output" test ! -e "$T/pk.trc"
kill "$writer" 2> /dev/null
wait "$writer" 2> /dev/null
rm -f "$T/long.trc"
clean "signals: nothing left behind"
