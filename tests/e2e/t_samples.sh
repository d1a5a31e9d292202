# The sample traces under traces/samples pack, replay and stay deterministic.
. "$(dirname "$0")/lib.sh"
S="$(dirname "$0")/../../traces/samples"
for n in hogger-4m kbuild-mini zipf-4m; do
	check "sample $n packs" "$ZSIM" trace pack "$S/$n.txt" -o "$T/$n.trc"
	"$ZSIM" trace dump "$T/$n.trc" > "$T/$n.txt"
	check "sample $n is in canonical text form" cmp -s "$S/$n.txt" "$T/$n.txt"
done
check "samples replay together" "$ZSIM" --trace "$T/hogger-4m.trc" --trace "$T/kbuild-mini.trc" \
	--trace "$T/zipf-4m.trc" --config "$S/mini.json" --out "$T/run" --quiet --check
check "samples: every process of the three traces ran" \
	sh -c "[ \$(grep -c '\"pid\"' '$T/run/summary.json') -ge 9 ]"
"$ZSIM" --trace "$T/hogger-4m.trc" --trace "$T/kbuild-mini.trc" --trace "$T/zipf-4m.trc" \
	--config "$S/mini.json" --out "$T/run2" --quiet
check "samples: replay is deterministic" cmp -s "$T/run/summary.json" "$T/run2/summary.json"
