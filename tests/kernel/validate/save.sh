#!/bin/sh
# save.sh OUT SAVE BOOTS SCENARIO... - keep a validation run (run.sh --save):
# the table and verdicts as SAVE/README.md, and per scenario the zsim config
# measured in the guest, zsim's results and the kernel's results of each boot.
set -eu
OUT=$1; SAVE=$2; BOOTS=$3
shift 3
K=$OUT/kernel
mkdir -p "$SAVE"
for name in "$@"; do
	D=$OUT/$name
	rm -rf "${SAVE:?}/$name" && mkdir -p "$SAVE/$name"
	cp "$D/zsim.json" "$SAVE/$name/zsim-config.json"
	mkdir -p "$SAVE/$name/zsim"
	cp "$D"/zsim/summary.json "$D"/zsim/timeseries.csv "$D"/zsim/events.jsonl "$SAVE/$name/zsim/"
	for b in "$D"/boot[0-9]*/r; do
		k=$SAVE/$name/kernel-$(basename "$(dirname "$b")")
		mkdir -p "$k"
		cp "$b"/play/summary.json "$b"/play/timeseries.csv "$b"/play/events.jsonl "$b"/calibrate.json "$k/"
	done
done
{
	echo "# zsim against a real kernel"
	echo
	echo "Written by \`make validate-kernel\` ($(date -u +%Y-%m-%d)); kernel package $(cat "$K/package"),"
	echo "booted under qemu $(qemu-system-x86_64 --version | head -1 | awk '{print $4}') (software emulation, 1 CPU) $BOOTS times per scenario."
	echo "Each scenario's directory holds the kernel's results per boot (\`zsim play\`), zsim's, and the"
	echo "zsim config measured in the guest.  How it works: tests/kernel/validate/run.sh."
	echo
	echo "## Where zsim stands"
	echo
	sed 's/^/    /' "$OUT/check.txt"
	echo
	echo "## The table"
	cat "$OUT/table.md"
} > "$SAVE/README.md"
echo "validate: saved in $SAVE"
