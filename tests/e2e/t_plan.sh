# zsim plan: the bisection's frontier equals the exhaustive sweep's over the
# same grid, in fewer runs; the monotone assumption holds on that grid; bad
# specs are one line naming where, exit 1, nothing written; two plans are
# byte-identical.
. "$(dirname "$0")/lib.sh"
B="$(cd "$(dirname "$0")/../../configs/boards" && pwd)"
# a reduced app-switching phone on the Pi Zero 2 W board with zram in front
# of its card: four apps of ~24 MiB, RAM from 32 to 80 MiB; the card's swap
# cut to 16 MiB and its flash to 1 GiB (the FTL's tables make a run start
# slowly), so small RAM and small zram OOM and a plan has something to find
"$ZSIM" trace gen appswitch --apps 4 --app-median 24M --switches 8 --period 500ms --seed 3 -o "$T/apps.trc"
cat > "$T/board.json" <<EOF
{ "extends": "$B/rpi-zero-2w-zram.json",
  "machine": { "firmware_reserve": "0", "kernel_reserve": "8M" },
  "devices": { "sdswap": { "size": "16M", "flash_size": "1G" },
               "sdroot": { "size": "512M", "flash_size": "1G" } } }
EOF
plan() {
	"$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" \
		--vary machine.ram=32M..80M/16M --vary devices.zram0.size=16M..64M/16M \
		--vary devices.zram0.comp=lz4,zstd --goal no-oom --goal 'p99<5ms' --no-plot "$@"
}
plan --out "$T/ex" --exhaustive > "$T/ex.txt" 2> "$T/ex.err"
check "plan: --exhaustive runs (exit 0)" [ $? -eq 0 ]
plan --out "$T/p1" > "$T/p1.txt" 2> "$T/p1.err"
check "plan: the plan runs (exit 0)" [ $? -eq 0 ]
check "plan: nothing on stderr" [ ! -s "$T/p1.err" ]
# the answer and the frontier: from "answer:" up to "rejected"
sed -n '/^answer:/,/^rejected/{/^rejected/!p}' "$T/ex.txt" > "$T/ex.front"
sed -n '/^answer:/,/^rejected/{/^rejected/!p}' "$T/p1.txt" > "$T/p1.front"
check "plan: an answer was found" grep -q '^answer: ram=' "$T/ex.front"
check "plan: the exhaustive grid rejects configs for OOM" grep -q 'no-oom: [0-9]* kill' "$T/ex.txt"
check "plan: the frontier has a line per codec" [ "$(grep -c '^  ram=.*zram0.comp=' "$T/ex.front")" -eq 2 ]
check "plan: the plan's answer and frontier are the exhaustive sweep's" cmp -s "$T/ex.front" "$T/p1.front"
check "plan: the monotone assumption held on the whole grid" grep -q '^monotone assumption: held on all .* (every grid point)' "$T/ex.txt"
ex_runs=$(sed -n 's/^runs: \([0-9]*\) of \([0-9]*\) configs.*/\1 \2/p' "$T/ex.txt")
p_runs=$(sed -n 's/^runs: \([0-9]*\) of \([0-9]*\) configs.*/\1/p' "$T/p1.txt")
check "plan: the exhaustive sweep ran all 32 configs" [ "$ex_runs" = "32 32" ]
check "plan: the plan ran at most half as many (it ran ${p_runs:-?})" [ "${p_runs:-99}" -le 16 ]
check "plan: one results directory per config run" [ "$(ls "$T/p1/runs" | wc -l)" -eq "${p_runs:-0}" ]
check "plan: plan.csv has a row per run" [ "$(($(wc -l < "$T/p1/plan.csv") - 1))" -eq "${p_runs:-0}" ]
check "plan: plan.json's answer is the printed one" grep -q '"answer": {' "$T/p1/plan.json"
# a rejected config says which goal and its value against the bound
check "plan: a rejection names the goal and the bound" grep -Eq '^  ram=.*: (no-oom: [0-9]+ kills?|p99<5ms: [0-9.]+ [mu]?s, not < 5 ms)' "$T/p1.txt"
# the same again, one combination at a time and three at once: byte-identical
# (the results line names the directory); the first run used every CPU
plan --out "$T/p2" -j 1 > "$T/p2.txt" 2> /dev/null
plan --out "$T/p3" --jobs 3 > "$T/p3.txt" 2> /dev/null
grep -v '^results:' "$T/p2.txt" > "$T/p2.cmp"
grep -v '^results:' "$T/p3.txt" > "$T/p3.cmp"
check "plan: -j 3 prints what -j 1 prints" cmp -s "$T/p2.cmp" "$T/p3.cmp"
check "plan: -j 3 writes the plan.csv of -j 1" cmp -s "$T/p2/plan.csv" "$T/p3/plan.csv"
check "plan: -j 3 runs the configs -j 1 runs" [ "$(ls "$T/p2/runs")" = "$(ls "$T/p3/runs")" ]
check "plan: no status files left behind" [ -z "$(ls "$T/p3/runs" | grep -v '^[0-9]*$')" ]
grep -v '^results:' "$T/p1.txt" > "$T/p1.cmp"
check "plan: stdout is byte-identical twice" cmp -s "$T/p1.cmp" "$T/p2.cmp"
check "plan: plan.csv is byte-identical twice" cmp -s "$T/p1/plan.csv" "$T/p2/plan.csv"
check "plan: plan.json is byte-identical twice" cmp -s "$T/p1/plan.json" "$T/p2/plan.json"
# an unreachable goal: no answer, each codec's nearest miss
"$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" --vary machine.ram=64M..80M/16M \
	--vary devices.zram0.comp=lz4,zstd --goal no-oom --goal 'p50<1ns' --no-plot --out "$T/none" > "$T/none.txt" 2> /dev/null
check "plan: an unreachable goal gives no answer (exit 0)" [ $? -eq 0 ]
check "plan: 'none meets the goals' per codec, with the nearest miss" \
	[ "$(grep -c 'none meets the goals; nearest miss ram=' "$T/none.txt")" -eq 2 ]
# the plot, when gnuplot is there
if command -v gnuplot > /dev/null; then
	"$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" --vary machine.ram=48M..64M/16M \
		--vary devices.zram0.comp=lz4,zstd --goal no-oom --out "$T/g1" > /dev/null 2>&1
	"$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" --vary machine.ram=48M..64M/16M \
		--vary devices.zram0.comp=lz4,zstd --goal no-oom --out "$T/g2" > /dev/null 2>&1
	check "plan: plan.png and plan.svg drawn" test -s "$T/g1/plan.png" -a -s "$T/g1/plan.svg"
	check "plan: plan.svg is byte-identical twice" cmp -s "$T/g1/plan.svg" "$T/g2/plan.svg"
fi

# bad specs: one line naming where, exit 1, nothing written
bad() {
	name=$1; pat=$2; shift 2
	expect_error "$name" "$pat" "$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" --out "$T/bad" "$@"
	check "$name: exit 1" [ "$rc" -eq 1 ]
	check "$name: nothing written" [ ! -e "$T/bad" ]
}
bad "plan: unknown knob key" "^zsim plan: --vary devices\.zram0\.sise: .*zram0.*sise" \
	--vary devices.zram0.sise=16M,32M --goal no-oom
bad "plan: empty list" "^zsim plan: --vary 'devices\.zram0\.comp=': position 20: empty list" \
	--vary devices.zram0.comp= --goal no-oom
bad "plan: empty value in a list" "^zsim plan: --vary 'devices\.zram0\.comp=lz4,,zstd': position 24: empty value" \
	--vary devices.zram0.comp=lz4,,zstd --goal no-oom
bad "plan: empty range" "^zsim plan: --vary 'machine\.ram=80M\.\.32M/16M': position 13: empty range" \
	--vary machine.ram=80M..32M/16M --goal no-oom
bad "plan: a value the config refuses" "^zsim plan: --vary devices\.zram0\.comp: .*zram0.*comp.*lz5" \
	--vary devices.zram0.comp=lz4,lz5 --goal no-oom
bad "plan: goal on a key the summary lacks" "^zsim plan: --goal 'nosuchkey<5': no key 'nosuchkey' in the summary" \
	--vary machine.ram=48M,64M --goal no-oom --goal 'nosuchkey<5'
bad "plan: malformed goal, its position" "^zsim plan: --goal 'p99<<5ms': position 5: expected a number" \
	--vary machine.ram=48M,64M --goal 'p99<<5ms'
bad "plan: relative goal" "^zsim plan: --goal 'p99<\+20%': position 5: a goal needs a fixed bound" \
	--vary machine.ram=48M,64M --goal 'p99<+20%'
bad "plan: two duties" "^zsim plan: --goal 'flash_years>=5 at 8h/day': position 19: another goal says 'at 1 run/day'" \
	--vary machine.ram=48M,64M --goal 'flash_years>=1 at 1 run/day' --goal 'flash_years>=5 at 8h/day'
bad "plan: a knob varied twice" "^zsim plan: --vary 'machine\.ram=64M': position 1: machine\.ram is already varied" \
	--vary machine.ram=48M --vary machine.ram=64M --goal no-oom

# SIGTERM in the middle: exit 143, no directory, no temporary one
"$ZSIM" plan --trace "$T/apps.trc" --config "$T/board.json" --vary machine.ram=32M..80M/16M \
	--vary devices.zram0.size=16M..64M/16M --goal no-oom --exhaustive --out "$T/sig" > /dev/null 2>&1 &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
rc=$?
check "plan: SIGTERM ends the plan with 143" [ "$rc" -eq 143 ]
check "plan: after SIGTERM nothing is left" [ -z "$(ls -d "$T"/sig* 2>/dev/null)" ]
