#!/bin/sh
# run.sh - the end-to-end tests: each tests/e2e/t_*.sh runs the real zsim
# binary ($ZSIM) and reports its checks through lib.sh.  Prints
# "e2e: N passed, M failed" and fails if any check failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${ZSIM:?ZSIM must name the zsim binary}"
export ZSIM
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
total_pass=0
total_fail=0
for t in "$here"/t_*.sh; do
	res="$tmp/$(basename "$t").res"
	E2E_RESULTS="$res" E2E_TMP="$tmp/$(basename "$t" .sh)" sh "$t"
	rc=$?
	p=$(grep -c '^pass' "$res" 2>/dev/null || true)
	f=$(grep -c '^fail' "$res" 2>/dev/null || true)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $(basename "$t"): exited $rc"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
echo "e2e: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
