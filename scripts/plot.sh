#!/bin/sh
# plot.sh - kept for old habits: `scripts/plot.sh RESULTS_DIR [png|svg]` is
# `zsim plot RESULTS_DIR --format png|svg` (cli/plot.c), which writes
# memory, swap, swapins, latency and writes charts into RESULTS_DIR, reading
# timeseries.csv's columns by name.  zsim is ./zsim if there, else on the PATH
# (or $ZSIM).
set -eu
dir=${1:?usage: scripts/plot.sh RESULTS_DIR [png|svg]}
fmt=${2:-png}
if [ -z "${ZSIM:-}" ]; then
	if [ -x ./zsim ]; then ZSIM=./zsim; else ZSIM=zsim; fi
fi
exec "$ZSIM" plot "$dir" --format "$fmt" -o "$dir"
