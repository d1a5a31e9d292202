# hostile_lib.sh - helpers for tests/e2e/t_hostile_*.sh (sourced after lib.sh).
#
# hostile NAME PATTERN CMD...: CMD, run with bounded time (timeout) and, in the
#   plain build, bounded memory (ulimit -v), must exit 1..127 (not by a signal,
#   not by the timeout), print exactly one line on stderr matching PATTERN and
#   nothing on stdout, and leave no temporary file or directory (*.tmp.* or
#   *.old.*) anywhere under $T.
# bounded NAME CMD...: CMD must succeed within the same bounds.
# clean NAME: nothing temporary left under $T.

HOSTILE_SECS=${HOSTILE_SECS:-60}
# ASan reserves terabytes of address space: ulimit -v would stop it at start
if grep -q __asan_init "$ZSIM" 2>/dev/null; then HOSTILE_VMEM=unlimited; else HOSTILE_VMEM=${HOSTILE_VMEM:-1048576}; fi

limited() {
	( ulimit -v "$HOSTILE_VMEM" 2>/dev/null; exec timeout -s KILL "$HOSTILE_SECS" "$@" )
}

leftovers() {
	find "$T" \( -name '*.tmp.*' -o -name '*.old.*' \) -print 2>/dev/null | head -3
}

hostile() {
	name=$1; pat=$2; shift 2
	limited "$@" > "$T/out" 2> "$T/err"
	rc=$?
	lines=$(wc -l < "$T/err")
	left=$(leftovers)
	if [ "$rc" -eq 0 ]; then
		fail "$name" "exit status 0"
	elif [ "$rc" -ge 128 ]; then
		fail "$name" "killed (status $rc, time or memory bound?): $(head -c 300 "$T/err")"
	elif [ "$lines" -ne 1 ]; then
		fail "$name" "stderr has $lines lines: $(head -c 300 "$T/err")"
	elif ! grep -Eq -- "$pat" "$T/err"; then
		fail "$name" "stderr '$(cat "$T/err")' does not match '$pat'"
	elif [ -s "$T/out" ]; then
		fail "$name" "stdout not empty: $(head -c 200 "$T/out")"
	elif [ -n "$left" ]; then
		fail "$name" "left behind: $left"
	else
		pass "$name"
	fi
}

bounded() {
	name=$1; shift
	limited "$@" > "$T/out" 2> "$T/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name" "status $rc: $(head -c 300 "$T/err")"
	else
		pass "$name"
	fi
}

clean() {
	left=$(leftovers)
	if [ -n "$left" ]; then fail "$1" "left behind: $left"; else pass "$1"; fi
}

# a small machine for the runs
cat > "$T/m.json" <<'JSON'
{ "machine": { "ram": "32M", "cpus": 2 },
  "devices": { "zram0": { "type": "zram", "size": "32M" }, "disk": { "type": "ssd", "size": "64M" } },
  "swap": [ { "device": "zram0", "priority": 100 } ],
  "filesystems": { "src": { "type": "block", "device": "disk" } } }
JSON

# pack TEXT-FILE: TEXT-FILE.trc (the header line added when missing)
pack() {
	if head -1 "$1" | grep -q '^#zsim-trace'; then
		"$ZSIM" trace pack "$1" -o "$1.trc"
	else
		{ echo '#zsim-trace version=1 fs=src'; cat "$1"; } | "$ZSIM" trace pack - -o "$1.trc"
	fi
}
