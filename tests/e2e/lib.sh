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

# field N of the line starting with WORD in FILE (1 = first number after WORD)
field() { awk -v w="$2" -v n="$3" '$1 == w { print $(n + 1) }' "$1"; }
