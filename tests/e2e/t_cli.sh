# The command line: run options in any order give the same results; --help
# and `zsim help` list every command and run option; bad command lines are one
# line on stderr; `make install` puts everything where it belongs.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

"$ZSIM" trace gen zipf --size 24M --accesses 30000 --seed 3 -o "$T/z.trc"
"$ZSIM" trace gen hogger --size 16M --retouch 0.1 --period 100ms --duration 2s -o "$T/h.trc"
printf '{"machine":{"ram":"32M"},"devices":{"z":{"type":"zram","size":"64M"}},"swap":[{"device":"z"}]}' > "$T/c.json"

# The same run, spelled four ways.
"$ZSIM" --trace "$T/z.trc" --trace "$T/h.trc" --config "$T/c.json" --out "$T/o1" --seed 5 --quiet
check "old order runs" test -f "$T/o1/summary.json"
"$ZSIM" --quiet --seed 5 --out "$T/o2" --config "$T/c.json" --trace "$T/z.trc" --trace "$T/h.trc"
check "options first (--quiet --seed --out --config --trace): same summary.json" \
	cmp -s "$T/o1/summary.json" "$T/o2/summary.json"
"$ZSIM" run --config="$T/c.json" --trace "$T/z.trc" --quiet --out="$T/o3" --trace="$T/h.trc" --seed=5
check "zsim run with --NAME=VALUE: same summary.json" cmp -s "$T/o1/summary.json" "$T/o3/summary.json"
"$ZSIM" --json --trace "$T/z.trc" --seed 5 --config "$T/c.json" --trace "$T/h.trc" --out "$T/o4" > "$T/o4.json"
check "--json first: same summary.json" cmp -s "$T/o1/summary.json" "$T/o4/summary.json"
check "--json prints summary.json" sh -c "{ cat '$T/o1/summary.json'; echo; } | cmp -s - '$T/o4.json'"
"$ZSIM" --print-config --config "$T/c.json" > "$T/pc1"
"$ZSIM" --config "$T/c.json" --print-config > "$T/pc2"
check "--print-config in any order" cmp -s "$T/pc1" "$T/pc2"

# Help, generated from the tables.
"$ZSIM" --help > "$T/help" 2>&1
"$ZSIM" help > "$T/help2" 2>&1
check "zsim help is zsim --help" cmp -s "$T/help" "$T/help2"
for c in run fill corpus calibrate trace compare plot report sweep plan help; do
	check "--help lists the command $c" grep -q "^  $c " "$T/help"
done
for o in --trace --config --out --seed --set --format --json --quiet --print-config --check --list --version; do
	check "--help lists the option $o" grep -q -- "^  $o " "$T/help"
done
check "zsim help fill" sh -c "'$ZSIM' help fill | grep -q -- '--mem-limit'"
check "zsim help run" sh -c "'$ZSIM' help run | grep -q -- '--print-config'"
check "zsim help calibrate" sh -c "'$ZSIM' help calibrate | grep -q -- '--pages N'"
check "zsim help corpus" sh -c "'$ZSIM' help corpus | grep -q -- '--pages N'"
check "zsim help trace" sh -c "'$ZSIM' help trace | grep -q 'stat'"
check "zsim help trace gen KIND" sh -c "'$ZSIM' help trace gen kbuild | grep -q -- '--jobs N'"
check "zsim help trace import FORMAT" sh -c "'$ZSIM' help trace import lackey | grep -q -- '--no-instr'"
check "zsim help plan" sh -c "'$ZSIM' help plan | grep -q -- '--vary KEY=VALUES'"

# Bad command lines: one line, non-zero, nothing written.
expect_error "help for an unknown command lists the known ones" \
	"^zsim help: unknown command 'nosuch' \(known: run, fill, corpus, calibrate, trace, compare, plot, report, sweep, plan, play, help\)$" \
	"$ZSIM" help nosuch
expect_error "unknown command lists the known ones" "^zsim: unknown command 'frob' \(known: run, fill" "$ZSIM" frob
expect_error "a run option missing its value" "^zsim: option '--out' needs a value$" \
	"$ZSIM" --trace "$T/z.trc" --config "$T/c.json" --out
expect_error "a run option missing its value, options first" "^zsim: option '--trace' needs a value$" \
	"$ZSIM" --quiet --trace
expect_error "a flag given a value" "^zsim: --quiet takes no value$" \
	"$ZSIM" --quiet=yes --trace "$T/z.trc" --config "$T/c.json" --out "$T/o5"
expect_error "unknown run option, options first" "^zsim: unknown option '--frob'$" \
	"$ZSIM" --frob --trace "$T/z.trc" --config "$T/c.json" --out "$T/o5"
expect_error "too many traces" "^zsim: --trace: at most 16 traces$" \
	"$ZSIM" $(for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17; do echo --trace "$T/z.trc"; done) \
	--config "$T/c.json" --out "$T/o5"
check "bad command lines leave no results" test ! -e "$T/o5"

# make install / uninstall into a scratch root (the binary is already built:
# this make only copies).
if [ -f "$root/Makefile" ] && command -v make > /dev/null; then
	d="$T/root"
	make -s -C "$root" install DESTDIR="$d" PREFIX=/usr > "$T/install.log" 2>&1
	check "make install succeeds" test $? -eq 0
	check "install: the binary" test -x "$d/usr/bin/zsim"
	check "install: the man page" test -f "$d/usr/share/man/man1/zsim.1"
	check "install: the man page names the installed configs" grep -q '/usr/share/zsim/configs' "$d/usr/share/man/man1/zsim.1"
	for f in zram.json zram+ssd.json seed-2013/1-tmpfs.json seed-2013/2-zram-blk.json; do
		check "install: configs/$f" cmp -s "$root/configs/$f" "$d/usr/share/zsim/configs/$f"
	done
	for f in make-traces.sh plot.sh; do
		check "install: scripts/$f" test -x "$d/usr/share/zsim/scripts/$f"
	done
	check "installed zsim runs" sh -c "'$d/usr/bin/zsim' --version | grep -q '^zsim '"
	if command -v groff > /dev/null; then
		check "the man page renders without warnings" \
			sh -c "groff -man -Tutf8 -ww -z '$root/docs/zsim.1' 2>&1 | wc -c | grep -qx 0"
	fi
	make -s -C "$root" uninstall DESTDIR="$d" PREFIX=/usr > "$T/uninstall.log" 2>&1
	check "make uninstall removes everything" sh -c "test -z \"\$(find '$d' -type f)\""
fi
