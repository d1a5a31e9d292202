# t_validate_resim.sh - make validate-resim (tests/kernel/validate/resim.sh)
# on a copy of the saved validation: zsim's side is rerun and rewritten (the
# same numbers a direct zsim run on the saved guest config gives), the
# kernel's runs are left byte for byte, and the table and verdicts are there.
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v jq > /dev/null 2>&1; then
	echo "skip: jq not installed (make deps)"
	exit 0
fi
S=$T/saved
mkdir -p "$S"
cp -r "$root/results/validation/zram-hotcold" "$root/results/validation/boots.txt" "$S/"
# the other scenarios' rows for the reclaim costs, which are fitted over them all
for r in "$root"/results/validation/*/scan_rows "$root"/results/validation/*/wall_rows; do
	n=$(basename "$(dirname "$r")")
	mkdir -p "$S/$n" && cp "$r" "$S/$n/"
done
# zsim's old column spoiled on purpose: the rerun must replace it
echo '{}' > "$S/zram-hotcold/zsim/summary.json"
cp -r "$S/zram-hotcold" "$T/before"
ZSIM=$ZSIM RESIM_OUT=$T/out sh "$root/tests/kernel/validate/resim.sh" --from "$S" zram-hotcold > "$T/out.txt" 2> "$T/err.txt"
rc=$?
check "resim: exits 0 (the OOM verdicts agree)" test "$rc" -eq 0
check "resim: prints the verdicts" grep -q '^zram-hotcold: oom *met' "$T/out.txt"
for kb in "$T"/before/kernel-boot*; do
	b=${kb##*/kernel-}
	check "resim: the kernel's $b left as it was" cmp "$kb/summary.json" "$S/zram-hotcold/kernel-$b/summary.json"
done
check "resim: the guest config left as it was (the scan cost fitted over every saved scenario's rows again)" cmp "$T/before/zsim-config.json" "$S/zram-hotcold/zsim-config.json"
check "resim: the first walls measured again, one row per boot" \
	test "$(wc -l < "$S/zram-hotcold/wall_rows")" -eq "$(ls -d "$S"/zram-hotcold/kernel-boot* | wc -l)"
# a direct run of the same traces on the saved config
GEN_1=""; GEN_2=""; GEN_3=""
. "$root/tests/kernel/validate/scenarios/zram-hotcold.sh"
k=1; targs=""
for g in "$GEN_1" "$GEN_2" "$GEN_3"; do
	[ -n "$g" ] || continue
	# shellcheck disable=SC2086
	"$ZSIM" trace gen $g -o "$T/t$k.trc.zst" > /dev/null
	targs="$targs --trace $T/t$k.trc.zst"
	k=$((k + 1))
done
# shellcheck disable=SC2086
"$ZSIM" $targs --config "$S/zram-hotcold/zsim-config.json" --out "$T/direct" --quiet
for key in pswpout pswpin pgsteal_direct pgsteal_kswapd; do
	check "resim: zsim's $key is a direct run's" test "$(jq .vmstat.$key "$S/zram-hotcold/zsim/summary.json")" = "$(jq .vmstat.$key "$T/direct/summary.json")"
done
# the guest's workload costs: the saved config's mm times are the boots'
# `zsim calibrate --mm` as lib.sh's mm_costs averages and weights them for these traces
cals=""
for b in "$S"/zram-hotcold/kernel-boot*; do
	check "validate: ${b##*/} measured the workload's costs" test -f "$b/calibrate-mm.json"
	cals="$cals $b/calibrate-mm.json"
done
# shellcheck disable=SC2086
mmc=$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; shift; mm_costs "$@"' sh "$root" \
	"$cals" $(ls "$T"/t*.trc.zst | sort))
check "validate: the config's mm.access_time is the guest's measured one" \
	test "$(echo "$mmc" | jq -r .access_time)" = "$(jq -r .mm.access_time "$S/zram-hotcold/zsim-config.json")"
check "validate: the config's processes are preempted at their quantum (machine.cpu_bursts)" \
	test "$(jq -r .machine.cpu_bursts "$S/zram-hotcold/zsim-config.json")" = sliced
# the fault as the fills paid it: the measured one plus fill_fault_delta of
# the boots against zsim at the measured fault and no reclaim cost
m=$(echo "$mmc" | jq -r '.minor_fault_time | sub("ns$"; "")')
# shellcheck disable=SC2086
"$ZSIM" $targs --config "$S/zram-hotcold/zsim-config.json" --set mm.minor_fault_time=${m}ns \
	--set mm.major_fault_time=${m}ns --set mm.reclaim_scan_time=0ns --set mm.reclaim_steal_time=0ns \
	--out "$T/fill" --quiet
dl=$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; fill_fault_delta "$2" "$3" "$4"' sh "$root" \
	"$(ls -d "$S"/zram-hotcold/kernel-boot*)" "$T/fill" "$m")
check "validate: the fills give a fault cost" test -n "$dl"
for key in minor_fault_time major_fault_time; do
	check "validate: the config's mm.$key is the measured fault and the fills' delta" \
		test "$((m + ${dl:-0}))ns" = "$(jq -r .mm.$key "$S/zram-hotcold/zsim-config.json")"
done
# fill_fault_delta worked by hand: reclaim starts at 0.3 s; before it, in
# the guest, process 0 made 1000 faults in 20 ms and process 1 (a file
# writer) 10 in 50 ms; in zsim, at a 10 us fault, 1000 in 15 ms (the faults
# 10 ms of it: counted) and 10 in 40 ms (0.1 ms: not counted).  Delta: 20 -
# 15 us per fault = 5000 ns.  A second boot, 1000 faults in 17 ms: (5000 +
# 2000) / 2 = 3500 ns.
mkdir -p "$T/fk1" "$T/fk2" "$T/fz"
for d in fk1 fk2 fz; do
	printf 'time_ns,free_pages,pgsteal_kswapd,pgsteal_direct,allocstall\n100000000,900,0,0,0\n200000000,500,0,0,0\n300000000,10,5,0,1\n' > "$T/$d/timeseries.csv"
done
printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n200000000,0,a,1000,0,20000000\n200000000,1,w,10,0,50000000\n300000000,0,a,5000,0,90000000\n' > "$T/fk1/processes.csv"
printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n200000000,0,a,1000,0,17000000\n200000000,1,w,10,0,50000000\n' > "$T/fk2/processes.csv"
printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n200000000,0,a,1000,0,15000000\n200000000,1,w,10,0,40000000\n' > "$T/fz/processes.csv"
check "validate: fill_fault_delta is the guest's CPU per fault before the first pressure less zsim's" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; fill_fault_delta "$2" "$3" 10000' sh "$root" "$T/fk1" "$T/fz")" = 5000
check "validate: fill_fault_delta weighs the boots by their faults" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; fill_fault_delta "$2" "$3" 10000' sh "$root" "$T/fk1 $T/fk2" "$T/fz")" = 3500
# fill_write_delta worked by hand: pressure from 0.3 s; at the sample before
# it (0.2 s) the guest's anon pages grew 100 -> 3100 while its processes
# faulted 1000 (process a, 1000 faults in 20 ms: at 10 us a fault half its
# CPU, a faulter) and 0 (w, 40 ms: a writer): w made 3000 - 1000 = 2000 pages
# in 40 ms, 20 us a page; zsim's w made 2500 - 1000 = 1500 in 24 ms, 16 us.
# Delta 4000 ns.  A second boot, w 2000 pages in 44 ms (22 us: 6000), equal
# weight: 5000 ns.  A third boot whose w made 800 pages is left out (< 1000).
mkdir -p "$T/wk1" "$T/wk2" "$T/wk3" "$T/wz"
wts() { printf 'time_ns,anon_pages,file_pages,pgsteal_kswapd,pgsteal_direct,allocstall\n0,100,0,0,0,0\n200000000,%s,0,0,0,0\n300000000,%s,0,5,0,1\n' "$1" "$1"; }
wts 3100 > "$T/wk1/timeseries.csv"; wts 3100 > "$T/wk2/timeseries.csv"; wts 1900 > "$T/wk3/timeseries.csv"; wts 2600 > "$T/wz/timeseries.csv"
wps() { printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n200000000,0,a,1000,0,20000000\n200000000,1,w,0,0,%s\n300000000,1,w,0,0,99000000\n' "$1"; }
wps 40000000 > "$T/wk1/processes.csv"; wps 44000000 > "$T/wk2/processes.csv"; wps 40000000 > "$T/wk3/processes.csv"; wps 24000000 > "$T/wz/processes.csv"
check "validate: fill_write_delta is the writers' CPU per page made before the first pressure less zsim's" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; fill_write_delta "$2" "$3" 10000' sh "$root" "$T/wk1" "$T/wz")" = 4000
check "validate: fill_write_delta weighs the boots by their pages and leaves out a boot of fewer than 1000" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; fill_write_delta "$2" "$3" 10000' sh "$root" "$T/wk1 $T/wk2 $T/wk3" "$T/wz")" = 5000
# mm_costs worked by hand: 3 fresh writes (the faults), 1 write and 2 reads of
# resident pages: access = (2 x 100 + 1 x 400) / 3 = 200 ns
printf 'create 1 0 a\naccess 1 0 w text:1\naccess 1 1 w text:2\naccess 1 2 w text:3\naccess 1 0 w text:4\naccess 1 1 r\naccess 1 2 r\n' > "$T/mm.txt"
"$ZSIM" trace pack "$T/mm.txt" -o "$T/mm.trc"
# (two boots' measurements: their mean, 100 and 400 ns; the fault (9 + 11) / 2 us,
# and the major fault's own work the same)
echo '{"minor_fault_time": "9us", "read_access_time": "50ns", "write_access_time": "300ns"}' > "$T/mm1.json"
echo '{"minor_fault_time": "11000ns", "read_access_time": "150ns", "write_access_time": "500ns"}' > "$T/mm2.json"
check "validate: mm_costs averages the boots and weights reads and rewrites by the trace's hits" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; mm_costs "$2" "$3"' sh "$root" "$T/mm1.json $T/mm2.json" "$T/mm.trc")" = \
	'{"access_time":"200ns","minor_fault_time":"10000ns","major_fault_time":"10000ns"}'
# content_time per class worked by hand: boot 1 made 10 heap pages in
# 1000 ns and 10 random ones in 100 ns, boot 2 10 heap pages in 3000 ns:
# heap 4000 / 20 = 200 ns, random 100 / 10 = 10 ns, the default every page's
# mean, 4100 / 30 = 136.7 -> 137 ns
echo '{"play":{"content_by_class":{"heap":{"cpu_ns":1000,"pages":10},"random":{"cpu_ns":100,"pages":10}}}}' > "$T/cc1.json"
echo '{"play":{"content_by_class":{"heap":{"cpu_ns":3000,"pages":10}}}}' > "$T/cc2.json"
check "validate: content_time is each class's CPU over its pages, summed over the boots, the mean the default" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; content_time "$2" "$3"' sh "$root" "$T/cc1.json $T/cc2.json" "$T/mm.trc")" = \
	'{"content_time":{"heap":"200ns","random":"10ns","default":"137ns"}}'
# a boot without the per-class count (an older play): one time, play's whole
# content CPU per page the traces write (mm.trc writes 4): 4000 / 4 = 1000 ns
echo '{"play":{"content_cpu_ns":4000}}' > "$T/cc3.json"
check "validate: content_time without per-class counts is one time per page the traces write" test \
	"$(ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; content_time "$2" "$3"' sh "$root" "$T/cc3.json" "$T/mm.trc")" = \
	'{"content_time":"1000ns"}'
# the reclaim costs worked by hand: zsim at no scan or steal cost spent 0.2 s
# in kswapd for 10000 pages stolen (20 us each, its codecs); boot 1's kswapd
# 1 s for 20000 stolen, 80000 scanned: a row of 1e9 - 20000 x 20000 = 6e8 ns
# beyond the codecs, 80000 scanned, 20000 stolen; boot 2's 0.6 s for 10000
# stolen, 50000 scanned: 4e8, 50000, 10000.  Both rows exactly:
# 8e4 a + 2e4 b = 6e8, 5e4 a + 1e4 b = 4e8 give a = 10000, b = -10000; a
# steal cost below zero is none, and the scan cost alone is the fit through
# the origin, (6e8 x 8e4 + 4e8 x 5e4) / (8e4^2 + 5e4^2) = 6.8e13 / 8.9e9 =
# 7640 ns.  Boots 4 and 5 (1.2 s for 20000 stolen of 80000 scanned, 0.65 s
# for 10000 of 50000) leave 8e8 and 4.5e8: a = 5000, b = 20000 exactly.  A
# boot without kswapd time (an older play) gives no row; one row alone
# cannot tell the two costs apart: 6e8 / 8e4 = 7500 ns scanned; no rows at
# all: nothing.
echo '{"memory":{"kswapd_cpu_ns":200000000},"vmstat":{"pgsteal_kswapd":10000,"pgscan_kswapd":30000}}' > "$T/z0.json"
echo '{"play":{"kswapd_cpu_ns":1000000000},"vmstat":{"pgsteal_kswapd":20000,"pgscan_kswapd":80000}}' > "$T/k1.json"
echo '{"play":{"kswapd_cpu_ns":600000000},"vmstat":{"pgsteal_kswapd":10000,"pgscan_kswapd":50000}}' > "$T/k2.json"
echo '{"vmstat":{"pgsteal_kswapd":10000,"pgscan_kswapd":50000}}' > "$T/k3.json"
echo '{"play":{"kswapd_cpu_ns":1200000000},"vmstat":{"pgsteal_kswapd":20000,"pgscan_kswapd":80000}}' > "$T/k4.json"
echo '{"play":{"kswapd_cpu_ns":650000000},"vmstat":{"pgsteal_kswapd":10000,"pgscan_kswapd":50000}}' > "$T/k5.json"
lib() { ZSIM=$ZSIM sh -c '. "$1/tests/kernel/validate/lib.sh"; shift; "$@"' sh "$root" "$@"; }
lib scan_rows "$T/k1.json" "$T/z0.json" > "$T/rows1"
lib scan_rows "$T/k2.json $T/k3.json" "$T/z0.json" > "$T/rows2"
lib scan_rows "$T/k4.json $T/k5.json" "$T/z0.json" > "$T/rows3"
check "validate: scan_rows is kswapd's CPU beyond zsim's codecs, its pages scanned and stolen" \
	test "$(cat "$T/rows1")" = "600000000 80000 20000"
check "validate: scan_rows gives no row for a boot without kswapd time" test "$(wc -l < "$T/rows2")" -eq 1
check "validate: scan_fit is the least-squares cost per page scanned and per page stolen" test \
	"$(lib scan_fit "$T/rows3")" = "5000ns 20000ns"
check "validate: scan_fit takes a steal cost below zero as none and fits the scan cost alone" test \
	"$(lib scan_fit "$T/rows1" "$T/rows2")" = "7640ns 0ns"
check "validate: scan_fit of one row is its ratio per page scanned" test "$(lib scan_fit "$T/rows1")" = "7500ns 0ns"
: > "$T/rows0"
check "validate: scan_fit gives nothing without rows" test -z "$(lib scan_fit "$T/rows0")"
# the first wall by hand: reclaim begins at 0.2 s (an allocation stalled, 10
# pages stolen), 200 pages are stolen by 0.5 s (150 + 60): 0.300 s; a run
# that never stole 200 pages has none.  With wall rows beside the scan rows,
# the scan cost makes zsim's walls the guests': 10 us x (0.3 + 0.2) / (1.5
# + 0.5) = 2500 ns, and the steal cost is fitted to boots 4 and 5 beyond it:
# (2e4 x (8e8 - 2500 x 8e4) + 1e4 x (4.5e8 - 2500 x 5e4)) / (2e4^2 + 1e4^2)
# = 1.525e13 / 5e8 = 30500 ns.
printf 'time_ns,free_pages,pgsteal_kswapd,pgsteal_direct,allocstall\n0,900,0,0,0\n100000000,500,0,0,0\n200000000,100,4,6,1\n300000000,120,60,40,3\n500000000,110,150,60,5\n600000000,100,300,90,6\n' > "$T/ts.csv"
check "validate: wall_time is from reclaim's start to 200 pages stolen" test "$(lib wall_time "$T/ts.csv")" = "0.300"
head -4 "$T/ts.csv" > "$T/ts-short.csv"
check "validate: wall_time gives nothing when 200 pages were never stolen" test -z "$(lib wall_time "$T/ts-short.csv")"
mkdir -p "$T/wd"
cp "$T/rows3" "$T/wd/scan_rows"
printf '0.3 1.5\n0.2 0.5\n' > "$T/wd/wall_rows"
check "validate: scan_fit takes the scan cost from the walls and fits the steal cost beyond it" test \
	"$(lib scan_fit "$T/wd/scan_rows")" = "2500ns 30500ns"
check "resim: the table has the scenario" grep -q '^### zram-hotcold' "$S/README.md"
check "resim: the header says the kernel runs are the saved ones" grep -q "Kernel runs by .make validate-kernel.: $(cat "$S/boots.txt")" "$S/README.md"
check "resim: a missing saved run is one line and exit 1" sh -c "ZSIM=$ZSIM RESIM_OUT=$T/out2 sh $root/tests/kernel/validate/resim.sh --from $S zram-seq 2> $T/e2.txt; test \$? -eq 1 && test \$(wc -l < $T/e2.txt) -eq 1"

# phases.sh, by hand: A has kswapd's CPU, B has none; samples at 0.1 s
# steps (A's at play's uneven times).  Interval 0.2 s: A's kswapd ran 3 ms
# and stole 30 pages, direct reclaim 10 (25%); "p" faulted 40 + 5 on 4 ms.
# Interval 0.3 s: nothing reclaimed, no fault in A or B: no line.
ph=$T/ph
mkdir -p "$ph/A" "$ph/B"
printf 'time_ns,free_pages,pgsteal_kswapd,pgsteal_direct,kswapd_cpu_ns\n0,9,0,0,0\n100300000,9,0,0,1000000\n199800000,9,30,10,4000000\n300100000,9,30,10,4000000\n' > "$ph/A/timeseries.csv"
printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n100300000,0,p,10,0,2000000\n199800000,0,p,50,5,6000000\n300100000,0,p,50,5,9000000\n' > "$ph/A/processes.csv"
printf 'time_ns,free_pages,pgsteal_kswapd,pgsteal_direct\n0,9,0,0\n100000000,9,0,0\n200000000,9,8,8\n300000000,9,8,8\n' > "$ph/B/timeseries.csv"
printf 'time_ns,process,name,minor_faults,major_faults,cpu_ns\n100000000,0,p,0,0,0\n200000000,0,p,16,0,1000000\n300000000,0,p,16,0,2000000\n' > "$ph/B/processes.csv"
sh "$root/tests/kernel/validate/phases.sh" "$ph/A" "$ph/B" > "$ph/out.txt" 2> "$ph/err.txt"
check "phases: exits 0, nothing on stderr" test $? -eq 0 -a ! -s "$ph/err.txt"
check "phases: interval 0.2 s, A's kswapd 3 ms, 30 and 10 stolen, 25% direct, p 45 faults (5 major) on 4 ms" \
	grep -Eq '^ +0\.20 \| +3\.0 +30 +10 +25 +45/5/4 \|' "$ph/out.txt"
check "phases: B without kswapd's column shows '-', its 8 and 8 stolen, 50%, p 16 faults on 1 ms" \
	grep -Eq '^ +0\.20 \|.*\| +- +8 +8 +50 +16/0/1 \|$' "$ph/out.txt"
check "phases: an interval where nothing happened has no line" sh -c "! grep -Eq '^ +0\\.30 ' '$ph/out.txt'"
check "phases: a process not asked for is left out" sh -c "sh '$root/tests/kernel/validate/phases.sh' --procs q '$ph/A' '$ph/B' | head -3 | tail -1 | grep -q 'q flt/maj/ms' && ! sh '$root/tests/kernel/validate/phases.sh' --procs q '$ph/A' '$ph/B' | grep -q 'p flt'"
check "phases: a directory without a timeseries is one line and exit 1" sh -c "sh '$root/tests/kernel/validate/phases.sh' '$ph/A' '$ph/none' 2> '$ph/e.txt'; test \$? -eq 1 && test \$(wc -l < '$ph/e.txt') -eq 1"
check "phases: a bad interval is exit 2" sh -c "sh '$root/tests/kernel/validate/phases.sh' --interval x '$ph/A' '$ph/B' 2> /dev/null; test \$? -eq 2"
