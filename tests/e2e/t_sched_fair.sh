# machine.scheduler "fair" (sim/engine.c): a turn waits for a CPU and the
# ready task with the least vruntime goes first, kswapd among them, so which
# of two processes pays for direct reclaim does not follow the order their
# traces are given in.  The workload and guest are the validation's
# zswap-z3fold (a 300 MiB random hogger beside a 200 MiB Zipf store, a 3%
# pool that fills): with whole turns run first come, the traces in one order
# read 1,541 pages back from the disk and in the other 4,309, the hogger
# stalled 450 ms or 242 ms in direct reclaim (now 2,606 and 2,853, 376 and
# 367 ms).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CFG=$ROOT/results/validation/zswap-z3fold/zsim-config.json
"$ZSIM" trace gen hogger --size 300M --content random -o "$T/h.trc"
"$ZSIM" trace gen zipf --size 200M --accesses 600000 --content heap --op-cost 1us -o "$T/z.trc"
check "fair: hogger first runs" "$ZSIM" --trace "$T/h.trc" --trace "$T/z.trc" --config "$CFG" --out "$T/hz" --quiet
check "fair: Zipf store first runs" "$ZSIM" --trace "$T/z.trc" --trace "$T/h.trc" --config "$CFG" --out "$T/zh" --quiet
# A within 10% of B (both positive)
near() { awk -v a="$1" -v b="$2" 'BEGIN { m = (a + b) / 2; d = a - b; if (d < 0) d = -d; exit !(m > 0 && d <= m / 10) }'; }
stall() { jq -r --arg n "$2" '.processes[] | select(.name == $n) | .reclaim_stall_ns' "$T/$1/summary.json"; }
for k in pswpin pswpout pgmajfault pgsteal_direct pgsteal_kswapd; do
	check "fair: $k within 10% in either order" near "$(jget "$T/hz/summary.json" vmstat.$k)" "$(jget "$T/zh/summary.json" vmstat.$k)"
done
for n in hogger kvstore; do
	check "fair: the $n's direct reclaim within 10% in either order" near "$(stall hz $n)" "$(stall zh $n)"
done
# and the pool did fill (what makes the disk reads depend on the order)
check "fair: the zswap pool filled" test "$(jget "$T/hz/summary.json" zswap.reached_full)" = 1
# kswapd waits for its turn too, and that wait is its run delay (schedstat's):
# the guests' kswapd waited 2.0-2.9 s over this run (zsim 2.07 s)
check "fair: kswapd's wait for the CPU counted" test "$(jget "$T/hz/summary.json" memory.kswapd_run_delay_ns)" -gt 500000000
