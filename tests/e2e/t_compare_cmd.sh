# zsim compare: results side by side, ratios, --fail-on as a CI gate, formats.
# (t_compare.sh is the zram-vs-zswap comparison script's test.)
. "$(dirname "$0")/lib.sh"
S="$(dirname "$0")/../../traces/samples"
# a 28 MiB service beside the mini build on the 32 MiB sample machine: it swaps
"$ZSIM" trace gen hogger --size 28M --content text --retouch 0.1 --period 500ms --duration 20s \
	--seed 1 -o "$T/svc.trc"
"$ZSIM" trace pack "$S/kbuild-mini.txt" -o "$T/k.trc"
"$ZSIM" --trace "$T/svc.trc" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/A" --quiet
# B: A with twice the swap-ins and one OOM kill, edited by key (a known difference)
a_in=$(jget "$T/A/summary.json" vmstat.pswpin)
check "compare: the base run swapped in" [ "${a_in:-0}" -gt 0 ]
mkdir -p "$T/B"
cp "$T/A/timeseries.csv" "$T/A/events.jsonl" "$T/B/"
awk -v v=$((a_in * 2)) '/"pswpin":/ && !done { sub(/[0-9]+/, v); done = 1 } { print }' \
	"$T/A/summary.json" | sed 's/"oom_kill": 0/"oom_kill": 1/' > "$T/B/summary.json"
check "compare: B was edited" is "$T/B/summary.json" vmstat.pswpin $((a_in * 2))

"$ZSIM" compare "$T/A" "$T/B" > "$T/out" 2> "$T/err"
check "compare: exit 0 without rules" [ $? -eq 0 ]
check "compare: text row of pswpin: A, B, B-A and B/A = 2" \
	grep -Eq "^vmstat.pswpin +$a_in +$((a_in * 2)) +\+$a_in +2\$" "$T/out"
check "compare: the runs are named by their directories" grep -Eq '^key +A +B ' "$T/out"
check "compare: equal keys are hidden and counted" grep -q 'keys equal in every run not shown' "$T/out"
check "compare: per-trace runtime is a row" grep -Eq '^runtime_ns\.svc ' "$T/out"

"$ZSIM" compare "$T/A" "$T/B" --fail-on 'pswpin>+99%' > "$T/out" 2> "$T/err"
rc=$?
check "compare: pswpin doubled violates pswpin>+99% (exit 5)" [ $rc -eq 5 ]
check "compare: one line per violated rule" [ "$(wc -l < "$T/err")" -eq 1 ]
check "compare: the line names run, rule, key and change" \
	grep -Eq "^zsim compare: B: rule 'pswpin>\+99%' violated: vmstat.pswpin $a_in -> $((a_in * 2)) \(\+100.0%\)" "$T/err"
"$ZSIM" compare "$T/A" "$T/B" --fail-on 'pswpin>+100%, pswpin>+'"$a_in"', p99>+20%' > /dev/null 2> "$T/err"
rc=$?
check "compare: +100% exactly is no violation (exit 0)" [ $rc -eq 0 ]
check "compare: nothing on stderr when every rule holds" [ ! -s "$T/err" ]
"$ZSIM" compare "$T/A" "$T/B" --fail-on 'oom_kill>0, pswpin>+'"$((a_in - 1))"', runtime>+5%' > /dev/null 2> "$T/err"
rc=$?
check "compare: absolute oom_kill>0 and relative difference rules (exit 5)" [ $rc -eq 5 ]
check "compare: two violated rules, two lines" [ "$(wc -l < "$T/err")" -eq 2 ]
check "compare: oom line" grep -q "rule 'oom_kill>0' violated: vmstat.oom_kill is 1" "$T/err"
"$ZSIM" compare "$T/A" "$T/A" --fail-on 'oom_kill>0, pswpin>+0%, p99>+0%, runtime>+0%' > /dev/null 2>&1
check "compare: a run against itself passes every rule" [ $? -eq 0 ]

"$ZSIM" compare "$T/A" "$T/B" --format json > "$T/j.json"
check "compare --format json: ratio 2 for vmstat.pswpin" sh -c \
	"tr -d ' \n' < '$T/j.json' | grep -q '\"key\":\"vmstat.pswpin\",\"values\":\\[$a_in.0,$((a_in * 2)).0\\],\"diff\":\\[$a_in.0\\],\"ratio\":\\[2.0\\]'"
"$ZSIM" compare "$T/A" "$T/B" --format json --fail-on 'pswpin>+99%' > "$T/jv.json" 2> /dev/null
check "compare --format json: the violations are listed too" sh -c \
	"tr -d ' \n' < '$T/jv.json' | grep -q '\"violations\":\[{\"run\":\"B\",\"rule\":\"pswpin>+99%\",\"key\":\"vmstat.pswpin\",\"base\":$a_in.0,\"value\":$((a_in * 2)).0}\]'"
check "compare --format json: no violations, an empty list" sh -c "tr -d ' \n' < '$T/j.json' | grep -q '\"violations\":\[\]'"
"$ZSIM" compare "$T/A" "$T/B" --format csv > "$T/c.csv"
check "compare --format csv: header and row" sh -c \
	"head -1 '$T/c.csv' | grep -qx 'key,A,B,B-A,B/A' && grep -qx 'vmstat.pswpin,$a_in,$((a_in * 2)),+$a_in,2' '$T/c.csv'"
"$ZSIM" compare "$T/A" "$T/B" -f markdown > "$T/m.md"
check "compare --format markdown: a table row" grep -qx "| vmstat.pswpin | $a_in | $((a_in * 2)) | +$a_in | 2 |" "$T/m.md"
cp -r "$T/A" "$T/C"
"$ZSIM" compare "$T/A" "$T/B" "$T/C" --all > "$T/out3"
check "compare: three runs, each later one against the first" \
	grep -Eq "^vmstat.pswpin +$a_in +$((a_in * 2)) +$a_in +\+$a_in +2 +\+0 +1\$" "$T/out3"

expect_error "compare: malformed rule names its position" \
	"^zsim compare: --fail-on: position 5: expected a number .* in 'p99>\+x%'\$" \
	"$ZSIM" compare "$T/A" "$T/B" --fail-on 'p99>+x%'
expect_error "compare: a rule without an operator" "position 18: expected an operator .*found end of rules" \
	"$ZSIM" compare "$T/A" "$T/B" --fail-on 'oom_kill>0,pswpin'
expect_error "compare: a key no summary has" "rule 'nonesuch>1': no key 'nonesuch'" \
	"$ZSIM" compare "$T/A" "$T/B" --fail-on 'nonesuch>1'
"$ZSIM" compare "$T/A" "$T/B" --fail-on 'wear>+10%' > /dev/null 2>&1
check "compare: an alias nothing answers to (no flash here) is no error" [ $? -eq 0 ]
expect_error "compare: one directory is not enough" "at least two results directories" \
	"$ZSIM" compare "$T/A"
expect_error "compare: a directory without a summary" "$T/nope/summary.json" \
	"$ZSIM" compare "$T/A" "$T/nope"
expect_error "compare: unknown format" "unknown format 'yaml'" \
	"$ZSIM" compare "$T/A" "$T/B" --format yaml
printf '{"vmstat": [' > "$T/bad.json"; mkdir -p "$T/bad"; mv "$T/bad.json" "$T/bad/summary.json"
expect_error "compare: a broken summary names file and line" "bad/summary.json: line 1" \
	"$ZSIM" compare "$T/A" "$T/bad"
