#!/bin/sh
# golden.sh - results must not move when the code is only reorganised.
# Runs the main job, the other ready configs, the three seed-2013 experiments and
# the sample traces, and prints one "sha256  name" line per result file (summary.json,
# timeseries.csv, events.jsonl), per standard trace and per resolved config
# (--print-config).  tests/golden/hashes.txt holds these lines as recorded before a
# restructuring; t_golden.sh compares.  After a change that is meant to move results,
# re-record (and say why in the commit):
#     ZSIM=./zsim sh tests/golden/golden.sh > tests/golden/hashes.txt
# Usage: ZSIM=path/to/zsim golden.sh [WORKDIR]
set -eu
: "${ZSIM:?ZSIM must name the zsim binary}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${1:-$(mktemp -d)}
mkdir -p "$W"
C=$ROOT/configs
S=$ROOT/traces/samples

case $ZSIM in /*) ;; *) ZSIM=$(pwd)/$ZSIM ;; esac
# Traces are named relative to the work directory, as summary.json records them.
cd "$W"
sh "$ROOT/scripts/make-traces.sh" "$ZSIM" . > /dev/null
for n in hogger-4m kbuild-mini zipf-4m; do
	"$ZSIM" trace pack "$S/$n.txt" -o "$n.trc"
done

run() { # NAME CONFIG TRACE...
	name=$1; cfg=$2; shift 2
	args=""
	for t in "$@"; do args="$args --trace $t"; done
	# shellcheck disable=SC2086
	"$ZSIM" $args --config "$cfg" --out "$name" --quiet || true
	"$ZSIM" $args --config "$cfg" --print-config > "$name.config"
}
run main     "$C/zram+ssd.json"                      service-800m.trc kbuild.trc
run zram     "$C/zram.json"                          service-800m.trc kbuild.trc
run seed1    "$C/seed-2013/1-tmpfs.json"              hogger-800m.trc kbuild.trc
run seed2    "$C/seed-2013/2-zram-blk.json"           hogger-800m.trc kbuild.trc
run seed2b   "$C/seed-2013/2b-zram-blk-writeback.json" hogger-800m.trc kbuild.trc
run samples  "$S/mini.json"                          hogger-4m.trc kbuild-mini.trc zipf-4m.trc

for f in kbuild.trc hogger-800m.trc service-800m.trc hogger-4m.trc kbuild-mini.trc zipf-4m.trc; do
	sha256sum "$f"
done
for r in main zram seed1 seed2 seed2b samples; do
	sha256sum "$r.config"
	for f in summary.json timeseries.csv events.jsonl; do
		if [ -f "$r/$f" ]; then sha256sum "$r/$f"; else echo "missing  $r/$f"; fi
	done
done
