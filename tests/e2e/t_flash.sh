# t_flash.sh - flash that wears like flash (tiers/ftl.c under tiers/blockdev.c),
# request merging, lifetime at a stated duty, partitions of one flash, and the
# boards in configs/boards/ (each loads and runs the sample traces).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
pack() { "$ZSIM" trace pack -o "$1"; }
near() { awk -v a="$(jget "$1" "$2")" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-9 * b) }'; }

# ---------------------------------------------------------------------------
# One process writes 4196 pages into 16 MiB = 4096 frames (exact LRU, no
# watermarks): the last 100 each evict one page, to swap slots 0..99 of an
# eMMC (queue depth 1, 1 ms + 4096 B / 90 MB/s = 45511 ns per page).  Each
# fault costs 1 us, so the evictions come 1 us apart while the eMMC is busy:
# the first write is dispatched at once, the second waits behind it, and the
# 98 after it continue the waiting one and are merged into it (128 pages
# fit in max_sectors_kb 512): 2 requests, 98 merges, busy 2 x 1 ms + 100 x
# 45511 ns = 6551100 ns.  Unmerged (max_sectors_kb 4): 100 requests,
# 100 x 1045511 = 104551100 ns.
# A fresh FTL (no preconditioning) writes the 100 pages into empty blocks:
# NAND pages = host pages = 100, no erase, WAF 1.
# ---------------------------------------------------------------------------
{ echo 'create 1 0 w'; i=0; while [ $i -lt 4196 ]; do echo "access 1 $i w heap:$i"; i=$((i + 1)); done; echo 'exit 1'; } |
	pack "$T/seq.trc"
cfg() { # MAX_SECTORS_KB [DUTY]
	cat <<J
{ ${2:+\"duty\": \"$2\",} "machine": { "ram": "16M" }, "mm": { "policy": "lru", "watermarks": false, "page_cluster": 0 },
  "devices": { "e": { "type": "emmc", "size": "4M", "erase_block": "64K", "precondition": false,
                      "max_sectors_kb": $1 } },
  "swap": [ { "device": "e" } ] }
J
}
cfg 512 "1 run/day" > "$T/m.json"
cfg 4 "8h/day" > "$T/u.json"
"$ZSIM" --trace "$T/seq.trc" --config "$T/m.json" --out "$T/m" > "$T/m.txt"
"$ZSIM" --trace "$T/seq.trc" --config "$T/u.json" --out "$T/u" > "$T/u.txt"
S=$T/m/summary.json
check "merge: 100 pages written" is "$S" devices.e.pages_written 100
check "merge: in 2 requests" is "$S" devices.e.writes 2
check "merge: 98 merged" is "$S" devices.e.merges 98
check "merge: busy 2 x 1 ms + 100 x 45511 ns" is "$S" devices.e.busy_ns 6551100
check "no merge: 100 requests" is "$T/u/summary.json" devices.e.writes 100
check "no merge: busy 100 x 1045511 ns" is "$T/u/summary.json" devices.e.busy_ns 104551100
check "ftl: the wear model is said" is "$S" devices.e.wear.wear_model ftl
check "ftl: sequential into empty blocks: NAND = host" is "$S" devices.e.nand_pages_written 100
check "ftl: WAF 1" is "$S" devices.e.wear.write_amplification 1.0
check "ftl: no erase" is "$S" devices.e.wear.erases.total 0
check "ftl: host bytes" is "$S" devices.e.wear.host_bytes 409600
# duty: 1 run/day lasts 1 / (life_used x 365.25) years; 8h/day lasts
# sim_time / (life_used x 8 x 3600 x 365.25) years
L=$(jget "$S" devices.e.wear.life_used)
check "duty: 1 run/day" near "$S" devices.e.wear.years_at_duty "$(awk -v l="$L" 'BEGIN { printf "%.17g", 1 / (l * 365.25) }')"
SU=$T/u/summary.json
LU=$(jget "$SU" devices.e.wear.life_used)
TU=$(jget "$SU" sim_time_ns)
check "duty: 8h/day" near "$SU" devices.e.wear.years_at_duty \
	"$(awk -v l="$LU" -v t="$TU" 'BEGIN { printf "%.17g", t / 1e9 / (l * 28800 * 365.25) }')"
check "duty: stated in the results" is "$SU" devices.e.wear.duty 8h/day
check "duty: the summary line" grep -q "^  wear e .* (WAF 1.00, ftl): .*; at 1 run/day, [0-9.]* years$" "$T/m.txt"
check "constant model: still there" sh -c "sed 's/\"precondition\": false,/\"wear_model\": \"constant\", \"waf\": 3,/' '$T/m.json' > '$T/c.json' &&
	'$ZSIM' --trace '$T/seq.trc' --config '$T/c.json' --out '$T/c' > /dev/null"
check "constant model: NAND = 3 x host" is "$T/c/summary.json" devices.e.nand_pages_written 300
check "constant model: said" is "$T/c/summary.json" devices.e.wear.wear_model constant

# ---------------------------------------------------------------------------
# Partitions of one flash: e1 (64 pages) fills first, e2 takes the other 36;
# the chip's host bytes are the sum, its life used the sum of both (same chip,
# same geometry).  Partitions that disagree on the chip are refused.
# ---------------------------------------------------------------------------
cat > "$T/g.json" <<'J'
{ "machine": { "ram": "16M" }, "mm": { "policy": "lru", "watermarks": false, "page_cluster": 0 },
  "devices": { "e1": { "type": "emmc", "size": "256K", "flash_size": "8M", "flash": "chip" },
               "e2": { "type": "emmc", "size": "4M", "flash_size": "8M", "flash": "chip" } },
  "swap": [ { "device": "e1", "priority": 10 }, { "device": "e2", "priority": 1 } ] }
J
"$ZSIM" --trace "$T/seq.trc" --config "$T/g.json" --out "$T/g" > "$T/g.txt"
S=$T/g/summary.json
check "flash group: e1 took 64" is "$S" devices.e1.pages_written 64
check "flash group: e2 took 36" is "$S" devices.e2.pages_written 36
check "flash group: the chip's host bytes" is "$S" flash.chip.host_bytes 409600
check "flash group: its members" is "$S" flash.chip.devices.1 e2
check "flash group: NAND bytes summed" test "$(jget "$S" flash.chip.nand_bytes)" -eq \
	$(( ($(jget "$S" devices.e1.nand_pages_written) + $(jget "$S" devices.e2.nand_pages_written)) * 4096 ))
check "flash group: life used summed" near "$S" flash.chip.life_used \
	"$(awk -v a="$(jget "$S" devices.e1.wear.life_used)" -v b="$(jget "$S" devices.e2.wear.life_used)" 'BEGIN { printf "%.17g", a + b }')"
check "flash group: one line for the chip" grep -q "^  wear chip *(e1+e2) 0.4 MiB written" "$T/g.txt"
sed 's/"size": "4M", "flash_size": "8M"/"size": "4M", "flash_size": "16M"/' "$T/g.json" > "$T/g2.json"
expect_error "flash group: partitions must describe one chip" '\$\.devices\.e2\.flash: .*flash_pages' \
	"$ZSIM" --trace "$T/seq.trc" --config "$T/g2.json" --out "$T/g2"
check "flash group: no results left behind" test ! -e "$T/g2/summary.json"
for d in '"often"' '"0 runs/day"' '"25h/day"' '"1 run/month"' '3'; do
	sed "s|^{ |{ \"duty\": $d, |" "$T/g.json" > "$T/d.json"
	expect_error "duty $d refused" '\$\.duty: expected' "$ZSIM" --trace "$T/seq.trc" --config "$T/d.json" --print-config
done

# ---------------------------------------------------------------------------
# Overwrites and discards: 4096 frames, a process cycling over 4400 pages
# three times (exact LRU: every access after the first round faults, and a
# written page frees its slot, which the next eviction reuses).  With
# "discard" the freed slots' pages are trimmed in the FTL: trimmed pages > 0
# and the write amplification no higher than without (here equal: a freed slot
# is rewritten at once, so its page is invalid by then either way; what trims
# do to GC is test_ftl.c's test_trim_lowers_waf).  The device starts used
# (preconditioned), so GC runs and NAND pages exceed host pages.
# ---------------------------------------------------------------------------
{ echo 'create 1 0 w'; r=0; while [ $r -lt 3 ]; do i=0; while [ $i -lt 4400 ]; do echo "access 1 $i w heap:$i"; i=$((i + 1)); done; r=$((r + 1)); done; echo 'exit 1'; } |
	pack "$T/cyc.trc"
for dis in false true; do
	cat > "$T/o-$dis.json" <<J
{ "machine": { "ram": "16M" }, "mm": { "policy": "lru", "watermarks": false, "page_cluster": 0 },
  "devices": { "e": { "type": "emmc", "size": "2M", "erase_block": "64K", "over_provisioning": 0.1,
                      "discard": $dis } },
  "swap": [ { "device": "e" } ] }
J
	"$ZSIM" --trace "$T/cyc.trc" --config "$T/o-$dis.json" --out "$T/o-$dis" > /dev/null
done
check "no discard: nothing trimmed" is "$T/o-false/summary.json" devices.e.trimmed_pages 0
check "discard: freed slots trimmed" test "$(jget "$T/o-true/summary.json" devices.e.trimmed_pages)" -gt 0
check "overwrites: NAND > host" test "$(jget "$T/o-false/summary.json" devices.e.nand_pages_written)" -gt \
	"$(jget "$T/o-false/summary.json" devices.e.pages_written)"
check "discard: WAF no higher" awk -v a="$(jget "$T/o-true/summary.json" devices.e.wear.write_amplification)" \
	-v b="$(jget "$T/o-false/summary.json" devices.e.wear.write_amplification)" 'BEGIN { exit !(a <= b) }'
check "erase counts: spread = max - min" test "$(jget "$T/o-false/summary.json" devices.e.wear.erases.spread)" -eq \
	$(( $(jget "$T/o-false/summary.json" devices.e.wear.erases.max) - $(jget "$T/o-false/summary.json" devices.e.wear.erases.min) ))

# ---------------------------------------------------------------------------
# Boards: every config in configs/boards/ loads and runs the sample traces,
# states a duty, and names its flash.
# ---------------------------------------------------------------------------
for n in hogger-4m kbuild-mini; do "$ZSIM" trace pack "$ROOT/traces/samples/$n.txt" -o "$T/$n.trc"; done
for b in "$ROOT"/configs/boards/*.json; do
	n=$(basename "$b" .json)
	check "board $n runs" sh -c "'$ZSIM' --trace '$T/hogger-4m.trc' --trace '$T/kbuild-mini.trc' --config '$b' \
		--out '$T/b-$n' > '$T/b-$n.txt'"
	check "board $n: no process killed" is "$T/b-$n/summary.json" outcome.processes_killed 0
	check "board $n: a duty stated" grep -q '^  "duty": "[^"]*",$' "$b"
	check "board $n: its flash reported" sh -c "grep -q '\"flash\": {' '$T/b-$n/summary.json' &&
		grep -A2 '\"flash\": {' '$T/b-$n/summary.json' | grep -q '\": {'"
done

# ---------------------------------------------------------------------------
# scripts/stacks-table.sh (the README's stacks table), on the sample traces
# standing in for the seed workload's: a header, a rule and five rows of seven
# columns; the duty stated in the header.
# ---------------------------------------------------------------------------
mkdir -p "$T/st"
cp "$T/hogger-4m.trc" "$T/st/hogger-800m.trc"
cp "$T/kbuild-mini.trc" "$T/st/kbuild.trc"
check "stacks table runs" sh -c "DUTY='2 runs/day' sh '$ROOT/scripts/stacks-table.sh' '$ZSIM' '$T/st' '$T/st-out' > '$T/st.md'"
check "stacks table: 7 lines" test "$(wc -l < "$T/st.md")" -eq 7
check "stacks table: 7 columns each" awk -F'|' 'NF != 9 { exit 1 }' "$T/st.md"
check "stacks table: the duty in its header" grep -q "| life at 2 runs/day |$" "$T/st.md"
check "stacks table: the dm-cache row" grep -q "^| dm-cache, zram cache, HDD origin (exp. 3, 3.12) | 0 | dm0 " "$T/st.md"
