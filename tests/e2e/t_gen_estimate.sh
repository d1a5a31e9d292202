# zsim trace gen: the estimate made before writing (traces/gen.c estimate_check,
# each generator's estimate): --dry-run prints it, and a trace beyond 2^31
# events, --max-size or --max-memory is refused with it, before any file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

est() { "$ZSIM" trace gen "$@" --dry-run | awk -v k="$EST_KEY" '$1 == k { print $2 }'; }

# within 10% of the real file, for each generator at two sizes
within() { # NAME GEN-ARGS...
	name=$1; shift
	e=$(EST_KEY=bytes est "$@")
	"$ZSIM" trace gen "$@" -o "$T/real.trc"
	r=$(wc -c < "$T/real.trc" | tr -d ' ')
	check "estimate of $name within 10% of the file ($e vs $r bytes)" \
		awk -v e="$e" -v r="$r" 'BEGIN { exit !(r > 0 && e >= 0.9 * r && e <= 1.1 * r) }'
	rm -f "$T/real.trc"
}
within "hogger 16M" hogger --size 16M
within "hogger 64M, re-touching" hogger --size 64M --retouch 0.1 --period 1s --duration 30s
within "untar 20M" untar --tree-size 20M --files 2000
within "untar 60M" untar --tree-size 60M --files 6000
within "kbuild 30 units" kbuild --tree-size 60M --files 5000 --units 30
within "kbuild 150 units (scaled from a sample)" kbuild --tree-size 60M --files 5000 --units 150
within "zipf 16M" zipf --size 16M --accesses 100000
within "zipf 64M" zipf --size 64M --accesses 400000 --read 0.5
within "scan 16M" scan --size 16M --passes 2
within "scan 64M, rewriting" scan --size 64M --passes 3 --write 0.2
within "appswitch 3 apps" appswitch --apps 3 --app-median 16M --period 1s --switches 6
within "appswitch 6 apps" appswitch --apps 6 --app-median 32M --period 1s --switches 20

# the counts: events exactly where they are easy to count, pages = the memory mapped
check "hogger 64M: 16384 pages of simulated memory" test "$(EST_KEY=pages est hogger --size 64M)" = 16384
"$ZSIM" trace gen scan --size 16M --passes 2 -o "$T/s.trc"
check "scan: events exactly as trace stat counts them" \
	test "$(EST_KEY=events est scan --size 16M --passes 2)" = "$("$ZSIM" trace stat --json "$T/s.trc" | sed -n 's/^  "events": \([0-9]*\),/\1/p')"
check "zipf 64M: its permutation, 64 KiB of tables" test "$(EST_KEY=memory est zipf --size 64M)" = 65536

# --dry-run writes nothing, needs no -o
"$ZSIM" trace gen hogger --size 16M --dry-run -o "$T/dry.trc" > "$T/dry.out"
check "--dry-run exits 0 and writes no file" test $? -eq 0 -a ! -e "$T/dry.trc"
check "--dry-run prints events, bytes, pages, memory" \
	sh -c "awk '{print \$1}' '$T/dry.out' | tr '\n' ' ' | grep -qx 'events bytes pages memory '"

# absurd sizes: refused at once, one line with the estimate, no file, no temporary
hostile "zipf 1T x 2^31 accesses: more than 2^31 events" \
	"^zsim trace gen zipf: refused: about [0-9]+ events, .* GiB of trace .*more than 2\^31 events" \
	"$ZSIM" trace gen zipf --size 1T --accesses 2147483648 -o "$T/big.trc"
check "... and no file" test ! -e "$T/big.trc"
hostile "scan 1T x 1000 passes" "refused: about [0-9]+ events.*more than 2\^31 events" \
	"$ZSIM" trace gen scan --size 1T --passes 1000 -o "$T/big.trc"
hostile "appswitch of 1 TiB apps" "refused: about [0-9]+ events.*more than 2\^31 events" \
	"$ZSIM" trace gen appswitch --app-median 1T --switches 1000000 -o "$T/big.trc"
hostile "--max-size below the estimate" "refused: about 16[0-9]{3} events, [0-9.]+ KiB of trace .*; more than --max-size 10\.0 KiB$" \
	"$ZSIM" trace gen hogger --size 64M --max-size 10K -o "$T/big.trc"
check "... and no file" test ! -e "$T/big.trc"
"$ZSIM" trace gen zipf --size 1G --accesses 10 --max-memory 100K -o "$T/big.trc" 2> "$T/mm.err"
check "--max-memory below the generator's tables: exit 6" test $? -eq 6 -a ! -e "$T/big.trc"
check "... naming the tables' size" grep -q "1.0 MiB for the generator's tables; more than --max-memory 100.0 KiB$" "$T/mm.err"
check "a trace within the bounds is written" "$ZSIM" trace gen hogger --size 16M --max-size 1M -o "$T/ok.trc"
clean "estimate: nothing left behind"
