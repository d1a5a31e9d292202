#!/bin/sh
# resim.sh [--from DIR] [SCENARIO...] - `make validate-resim`: zsim's side of a
# saved validation again, without booting anything.  A saved validation
# (run.sh --save, results/validation/ by default) keeps the kernel's results of
# every boot and the zsim config measured in the guest; the traces come back
# from the scenario's generator lines (deterministic).  So when the model
# changes, zsim's column, the table and the verdicts are brought up to date in
# seconds, against the same kernel runs (the config's costs are worked out
# again from the boots: the workload's, and those that depend on zsim's own
# model, content_time and the reclaim costs: lib.sh zsim_costs and
# scan_costs, the reclaim costs fitted over every saved scenario's boots,
# the named ones' rows worked out again, the others' as saved).  Writes back
# into DIR (the kernel's results unchanged) and prints the verdicts; exit status as run.sh's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
SAVE=$root/results/validation
[ "${1:-}" = --from ] && { SAVE=$2; shift 2; }
[ -d "$SAVE" ] || { echo "validate-resim: no saved validation in $SAVE (make validate-kernel writes one)" >&2; exit 1; }
SCEN=${*:-$(cd "$SAVE" && for d in */; do [ -f "$d/zsim-config.json" ] && echo "${d%/}"; done)}
command -v jq > /dev/null || { echo "validate-resim: jq not found (run make deps)" >&2; exit 1; }
if [ -z "${ZSIM:-}" ]; then   # the tests give theirs
	make -C "$root" -s zsim > /dev/null
	ZSIM=$root/build/zsim
fi
export ZSIM
. "$here/lib.sh"
OUT=${RESIM_OUT:-$root/build/validate-resim}
boots=0
for name in $SCEN; do
	sf=$here/scenarios/$name.sh
	S=$SAVE/$name
	[ -f "$sf" ] || { echo "validate-resim: no scenario $name ($sf)" >&2; exit 1; }
	[ -f "$S/zsim-config.json" ] || { echo "validate-resim: $S: no saved run of $name" >&2; exit 1; }
	D=$OUT/$name
	rm -rf "$D" && mkdir -p "$D/ir/traces"
	GEN_1=""; GEN_2=""; GEN_3=""
	. "$sf"
	scenario_traces "$D/ir/traces" > /dev/null
	cp "$S/zsim-config.json" "$D/zsim.json"
	n=0
	for kb in "$S"/kernel-boot[0-9]*; do
		b=$D/${kb##*/kernel-}/r
		mkdir -p "$b/play"
		cp "$kb/summary.json" "$kb/timeseries.csv" "$kb/events.jsonl" "$b/play/"
		cp "$kb/calibrate.json" "$b/"
		[ ! -f "$kb/calibrate-mm.json" ] || cp "$kb/calibrate-mm.json" "$b/"
		[ ! -f "$kb/calibrate-kernel.json" ] || cp "$kb/calibrate-kernel.json" "$b/"
		[ ! -f "$kb/processes.csv" ] || cp "$kb/processes.csv" "$b/play/"
		[ ! -f "$kb/extfrag.txt" ] || cp "$kb/extfrag.txt" "$b/"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "validate-resim: $S: no kernel boots saved" >&2; exit 1; }
	boots=$n
	# the costs that depend on zsim's model, measured against it again
	zsim_costs "$D"
done
# the reclaim costs over the named scenarios' rows, worked out again, and
# the saved rows of the saved scenarios not named
# shellcheck disable=SC2086
sc=$(scan_costs "$OUT" "$(other_rows "$SAVE" $SCEN)" $SCEN)
echo "validate-resim: reclaim costs ${sc:-(no kswapd time measured: the defaults)} over the scenarios' boots"
for name in $SCEN; do
	zsim_side "$OUT/$name" validate-resim
done
# shellcheck disable=SC2086
sh "$here/table.sh" "$OUT" $SCEN > "$OUT/table.md"
# shellcheck disable=SC2086
sh "$here/check.sh" "$OUT" $SCEN > "$OUT/check.txt" && ok=0 || ok=1
cat "$OUT/check.txt"
# shellcheck disable=SC2086
ZSIM_RESIM=1 sh "$here/save.sh" "$OUT" "$SAVE" "$boots" $SCEN
exit $ok
