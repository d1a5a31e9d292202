#!/bin/sh
# regress.sh - CI regression: rerun the standard scenarios and compare each with
# its committed baseline under results/baselines/, with tolerances.
#
#   scripts/regress.sh run     rerun into build/regress/NAME, compare with
#                              results/baselines/NAME (zsim compare --fail-on),
#                              write the charts (build/regress/NAME-plots/) and one
#                              HTML report per scenario (build/regress/NAME.html);
#                              exit 5 if a tolerance is exceeded  (make regress)
#   scripts/regress.sh accept  copy the reruns over the baselines: after a change
#                              that is meant to move results, review the report,
#                              then `make regress-accept` and commit
#                              results/baselines/ saying why  (make regress-accept)
#
# Scenarios (as tests/golden/golden.sh): main (zram+ssd.json, service + kbuild),
# seed1, seed2, seed2b, seed3 (the 2013 experiments: hogger + kbuild) and samples
# (the three sample traces on mini.json).  The traces are made by `make traces`.
# A baseline keeps summary.json, timeseries.csv, events.jsonl and config.json;
# never perf.json (the simulator's own speed is not a result).
# Tolerances: REGRESS_RULES overrides; with deterministic runs any change shows
# in the table, and these decide which changes fail.
set -eu
: "${ZSIM:?ZSIM must name the zsim binary}"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-run}
B=$ROOT/results/baselines
W=${REGRESS_DIR:-$ROOT/build/regress}
RULES=${REGRESS_RULES:-"oom>+0, lost_writes>+0, enospc>+0, pswpin>+10%, pswpout>+10%, pgmajfault>+10%, p99>+20%, runtime>+5%, wear>+10%"}
C=$ROOT/configs
S=$ROOT/traces/samples
case $ZSIM in /*) ;; *) ZSIM=$(pwd)/$ZSIM ;; esac
SCEN="main seed1 seed2 seed2b seed3 samples"

if [ "$MODE" = accept ]; then
	for n in $SCEN; do
		[ -f "$W/$n/summary.json" ] || { echo "regress: no rerun of $n in $W (make regress first)" >&2; exit 1; }
	done
	for n in $SCEN; do
		mkdir -p "$B/$n"
		for f in summary.json timeseries.csv events.jsonl config.json; do cp "$W/$n/$f" "$B/$n/$f"; done
		echo "regress: accepted $n"
	done
	echo "regress: review with git diff --stat results/baselines, commit saying why the results moved"
	exit 0
fi
[ "$MODE" = run ] || { echo "usage: regress.sh run|accept" >&2; exit 2; }
for t in kbuild hogger-800m service-800m; do
	[ -f "$ROOT/traces/$t.trc" ] || { echo "regress: traces/$t.trc missing (make traces)" >&2; exit 1; }
done
mkdir -p "$W"
# Traces are named relative to the work directory (as summary.json records them)
cd "$W"
for t in kbuild hogger-800m service-800m; do ln -sf "$ROOT/traces/$t.trc" "$t.trc"; done
for n in hogger-4m kbuild-mini zipf-4m; do "$ZSIM" trace pack "$S/$n.txt" -o "$n.trc"; done

run() { # NAME CONFIG TRACE...
	name=$1; cfg=$2; shift 2
	args=""
	for t in "$@"; do args="$args --trace $t"; done
	rc=0
	# a progress line on a terminal only (the runs themselves are --quiet)
	if [ -t 2 ]; then printf 'regress: running %s\n' "$name" >&2; fi
	# shellcheck disable=SC2086
	"$ZSIM" $args --config "$cfg" --out "$name" --quiet || rc=$?
	# an OOM kill may be what the scenario shows (its exit status, if any, is not a failure here)
	[ -f "$name/summary.json" ] || { echo "regress: $name did not run (exit $rc)" >&2; exit 1; }
}
run main    "$C/zram+ssd.json"                       service-800m.trc kbuild.trc
run seed1   "$C/seed-2013/1-tmpfs.json"              hogger-800m.trc kbuild.trc
run seed2   "$C/seed-2013/2-zram-blk.json"           hogger-800m.trc kbuild.trc
run seed2b  "$C/seed-2013/2b-zram-blk-writeback.json" hogger-800m.trc kbuild.trc
run seed3   "$C/seed-2013/3-dm-cache.json"           hogger-800m.trc kbuild.trc
run samples "$S/mini.json"                           hogger-4m.trc kbuild-mini.trc zipf-4m.trc

fail=0
: > compare.md
for n in $SCEN; do
	if [ ! -f "$B/$n/summary.json" ]; then
		echo "regress: no baseline for $n (results/baselines/$n); make regress-accept records one" >&2
		fail=1
		continue
	fi
	rm -rf "baseline-$n"
	cp -r "$B/$n" "baseline-$n"
	printf '\n## %s\n\n' "$n" >> compare.md
	rc=0
	"$ZSIM" compare "baseline-$n" "$n" --fail-on "$RULES" --format markdown >> compare.md 2> "$n.violations" || rc=$?
	if [ $rc -eq 5 ]; then
		sed "s/^/regress: $n: /" "$n.violations" >&2
		fail=1
	elif [ $rc -ne 0 ]; then
		cat "$n.violations" >&2
		exit $rc
	fi
	"$ZSIM" plot "baseline-$n" "$n" -o "$n-plots" > /dev/null
	"$ZSIM" report "baseline-$n" "$n" -o "$n.html" > /dev/null
	echo "regress: $n: $(if [ -s "$n.violations" ]; then echo "OUT OF TOLERANCE"; else echo ok; fi) (report $W/$n.html)"
done
echo "regress: tables in $W/compare.md; rules: $RULES"
if [ $fail -ne 0 ]; then
	echo "regress: FAILED; if the change is meant to move results: make regress-accept, commit results/baselines/" >&2
	exit 5
fi
