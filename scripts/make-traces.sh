#!/bin/sh
# make-traces.sh - generate the standard traces of the 2013 experiment (seed/):
#   traces/kbuild.trc       untar a ~550 MiB, ~45,000-file kernel tree, make -j4
#                           (gen_kbuild.c documents every default and its source)
#   traces/hogger-800m.trc  the 800 MiB random-data background hogger, growing to
#                           its size over its first 60 s (the mail: "allocates random
#                           data up to 800M"; README, "The 2013 experiments", says why)
#   traces/service-800m.trc the same 800 MiB, but a service that keeps using it:
#                           it re-reads 5% of its pages every 2 s for 120 s (the
#                           main job's workload: its faults show where pages come back from)
# Usage: scripts/make-traces.sh [ZSIM] [OUTDIR]   (defaults: ./zsim if there, else
# zsim on the PATH; traces, created if missing)
# Deterministic: the same zsim and seed give byte-identical files.
set -eu
if [ -x ./zsim ]; then ZSIM=${1:-./zsim}; else ZSIM=${1:-zsim}; fi
OUT=${2:-traces}
mkdir -p "$OUT"
SEED=${SEED:-2013}
"$ZSIM" trace gen kbuild --tree-size 550M --files 45000 --jobs 4 --seed "$SEED" -o "$OUT/kbuild.trc"
"$ZSIM" trace gen hogger --size 800M --content random --ramp 60s --seed "$SEED" -o "$OUT/hogger-800m.trc"
"$ZSIM" trace gen hogger --size 800M --content random --retouch 0.05 --period 2s --duration 120s \
	--seed "$SEED" -o "$OUT/service-800m.trc"
for t in "$OUT/kbuild.trc" "$OUT/hogger-800m.trc" "$OUT/service-800m.trc"; do
	printf '%s: %s bytes\n' "$t" "$(wc -c < "$t" | tr -d ' ')"
done
