# lib.sh - helpers for the end-to-end tests (sourced).
# check NAME CMD...        : passes if CMD succeeds
# expect_error NAME PATTERN CMD... : CMD must exit non-zero, print exactly one
#                            line on stderr matching PATTERN (grep -E), nothing on stdout
set -u
mkdir -p "$E2E_TMP"
T=$E2E_TMP

pass() { echo "pass $1" >> "$E2E_RESULTS"; }
fail() { echo "fail $1" >> "$E2E_RESULTS"; echo "FAIL $1${2:+: $2}"; }

check() {
	name=$1; shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

expect_error() {
	name=$1; pat=$2; shift 2
	"$@" > "$T/out" 2> "$T/err"
	rc=$?
	lines=$(wc -l < "$T/err")
	if [ "$rc" -eq 0 ]; then
		fail "$name" "exit status 0"
	elif [ "$rc" -ge 128 ]; then
		fail "$name" "killed by signal (status $rc): $(cat "$T/err")"
	elif [ "$lines" -ne 1 ]; then
		fail "$name" "stderr has $lines lines: $(cat "$T/err")"
	elif ! grep -Eq -- "$pat" "$T/err"; then
		fail "$name" "stderr '$(cat "$T/err")' does not match '$pat'"
	elif [ -s "$T/out" ]; then
		fail "$name" "stdout not empty: $(head -c 200 "$T/out")"
	else
		pass "$name"
	fi
}

# evget FILE TYPE KEY: KEY's value (a number or an unquoted string) in the
# first event of TYPE in an events.jsonl file
evget() {
	grep -m1 "\"type\":\"$2\"" "$1" | sed -n "s/.*\"$3\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# field N of the line starting with WORD in FILE (1 = first number after WORD)
field() { awk -v w="$2" -v n="$3" '$1 == w { print $(n + 1) }' "$1"; }

# jget FILE PATH: the value at PATH (keys and array indexes joined by dots,
# e.g. vmstat.pgfault, processes.0.name) in a JSON file written by jansson
# with one member per line (summary.json, --print-config); strings unquoted.
jget() {
	awk -v want="$2" '
	function path(key,   i, s) { s = ""; for (i = 1; i <= d; i++) s = s k[i] "."; return s key }
	NR == 1 && $0 ~ /^[ \t]*[{[][ \t]*$/ { d = 0; n[0] = 0; next }
	{
		line = $0
		sub(/^[ \t]+/, "", line); sub(/[ \t]*,?[ \t]*$/, "", line)
		if (line ~ /^[]}]$/) { d--; next }
		if (line ~ /^"[^"]*": /) {
			key = line; sub(/^"/, "", key); sub(/": .*$/, "", key)
			val = line; sub(/^"[^"]*": /, "", val)
		} else {
			key = n[d]++; val = line
		}
		if (val == "{" || val == "[") { d++; k[d] = key; n[d] = 0; next }
		if (path(key) == want) {
			if (val ~ /^".*"$/) val = substr(val, 2, length(val) - 2)
			print val; found = 1; exit
		}
	}
	END { if (!found) exit 1 }' "$1"
}
# is FILE PATH VALUE: check that PATH in FILE is VALUE (prints what it found otherwise)
is() {
	got=$(jget "$1" "$2")
	[ "$got" = "$3" ] || { echo "  $1: $2 is '$got', expected '$3'"; return 1; }
}
