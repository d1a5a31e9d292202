# A tier is one file and one registry line (tiers/brd.c): its device type,
# keys, defaults, --print-config, --list and errors all come from its table,
# and it runs in a simulation.  brd keeps a RAM page per offset ever written,
# so swapping the hogger sample to it holds RAM that zram would compress.
. "$(dirname "$0")/lib.sh"
S="$(dirname "$0")/../../traces/samples"
"$ZSIM" trace gen hogger --size 24M --content text --duration 2s -o "$T/h.trc"
cat > "$T/brd.json" <<'J'
{ "machine": { "ram": "16M" },
  "devices": { "r": { "type": "brd", "size": "32M", "copy_time": "400ns" } },
  "swap": [ { "device": "r" } ] }
J
"$ZSIM" --trace "$T/h.trc" --config "$T/brd.json" --out "$T/run" --quiet --check
check "brd: a run on it completes (exit 4: the OOM kill below)" test $? -eq 4
R=$T/run/summary.json
check "brd: summary names its type" is "$R" devices.r.type brd
check "brd: the device was written" test "$(jget "$R" devices.r.writes)" -gt 0
# 24 MiB on 16 MiB of RAM: every page swapped to brd still costs a page of RAM,
# so the hogger is OOM-killed; its slots are freed but brd keeps their pages
check "brd: swapping to RAM does not save a hogger larger than RAM (OOM)" test "$(jget "$R" vmstat.oom_kill)" -ge 1
check "brd: freed slots keep their pages (held > used after the kill)" \
	test "$(jget "$R" devices.r.pages_held)" -gt "$(jget "$R" devices.r.pages_used)"
"$ZSIM" --trace "$T/h.trc" --config "$T/brd.json" --print-config > "$T/p.json"
check "brd: --print-config shows its key" is "$T/p.json" devices.r.copy_time 400ns
check "brd: --print-config output loads and prints the same" sh -c \
	"'$ZSIM' --trace '$T/h.trc' --config '$T/p.json' --print-config | cmp -s - '$T/p.json'"
check "brd: --list shows its type and key" sh -c "'$ZSIM' --list | grep -q '^device type brd (tier brd)' && '$ZSIM' --list | grep -q '^ *copy_time '"
printf '{"machine":{"ram":"32M"},"devices":{"r":{"type":"brd","size":"16M","copy_time":400}},"swap":[{"device":"r"}]}' > "$T/bad.json"
expect_error "brd: a unitless time is refused with its path" '\$\.devices\.r\.copy_time: expected a time with a unit' \
	"$ZSIM" --trace "$T/h.trc" --config "$T/bad.json" --out "$T/bad"
check "brd: no results after the error" [ ! -e "$T/bad" ]
