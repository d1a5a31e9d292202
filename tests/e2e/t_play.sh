# zsim play: traces run against the running kernel (cli/play.c).
# Never enables swap; memory stays within a few hundred MiB.  The checks that
# need a memory cgroup (to see the pages held, and to make the kernel's OOM
# killer act on a small budget) run only as root where a memory controller is
# mounted, and skip with a message elsewhere.
. "$(dirname "$0")/lib.sh"

# A hand-worked trace: the parent works 10 ms, starts a child that writes
# two file pages and works 20 ms, waits for it, writes three pages, sleeps
# 50 ms, starts an idler that keeps one page, and exits.
cat > "$T/t1.txt" <<'EOF'
#zsim-trace version=1 page_size=4096 generator= seed=0 flags=0 corpus= fs=src
create 1 0 parent
cpu 1 10000000
create 2 1 child
fcreate 2 1 0 out.o
fwrite 2 1 0 text:5
fwrite 2 1 1 binary:3
fread 2 1 0
cpu 2 20000000
exit 2
wait 1 2
access 1 0x10 w text:1
access 1 0x11 w random:2
access 1 0x10 r
sleep 1 50000000
create 3 1 idler
access 3 0x1 w same:3
exit 1
EOF
"$ZSIM" trace pack "$T/t1.txt" -o "$T/t1.trc"
mkdir -p "$T/src"
"$ZSIM" play "$T/t1.trc" --fs src="$T/src" -o "$T/o1" --interval 5ms > "$T/o1.txt" 2> "$T/o1.err"
check "play: a small trace runs, exit 0" [ $? -eq 0 ] && [ ! -s "$T/o1.err" ]
check "play: results are zsim's three files" [ -f "$T/o1/summary.json" ] && [ -f "$T/o1/timeseries.csv" ] && [ -f "$T/o1/events.jsonl" ]
check "play: nothing temporary left" [ -z "$(ls -d "$T"/o1.tmp.* "$T"/o1.files.* 2>/dev/null)" ]
S=$T/o1/summary.json
check "play: summary says it comes from the kernel" [ "$(jget "$S" source)" = kernel ]
# kswapd's CPU over the run: a number of ns, at most every CPU's whole wall time
check "play: summary has kswapd's CPU time" sh -c '[ "$1" -ge 0 ] && [ "$1" -le $(($2 * $(nproc))) ]' sh \
	"$(jget "$S" play.kswapd_cpu_ns)" "$(jget "$S" sim_time_ns)"
check "play: three processes, two finished, the idler idle at the end" \
	[ "$(jget "$S" outcome.processes)" = 3 ] && [ "$(jget "$S" outcome.processes_finished)" = 2 ] &&
	[ "$(jget "$S" outcome.processes_idle_at_end)" = 1 ]
check "play: processes in the order created, with their names" \
	[ "$(jget "$S" processes.0.name)" = parent ] && [ "$(jget "$S" processes.1.name)" = child ] &&
	[ "$(jget "$S" processes.2.name)" = idler ]
# each process's own CPU time and faults when its events end (getrusage):
# the child's 20 ms of cpu events and the parent's 10 ms are in it, system
# time is part of it, and the parent's two written pages were faults
check "play: a process's cpu_ns covers its cpu events" \
	[ "$(jget "$S" processes.1.cpu_ns)" -ge 19000000 ] && [ "$(jget "$S" processes.0.cpu_ns)" -ge 9000000 ]
check "play: a process's sys_ns is part of its cpu_ns" \
	[ "$(jget "$S" processes.1.sys_ns)" -le "$(jget "$S" processes.1.cpu_ns)" ]
check "play: the parent's written pages are among its minor faults" \
	[ "$(jget "$S" processes.0.minor_faults)" -ge 2 ] && [ "$(jget "$S" processes.0.major_faults)" -ge 0 ]
ps=$(jget "$S" processes.0.start_ns); pe=$(jget "$S" processes.0.end_ns)
cs=$(jget "$S" processes.1.start_ns); ce=$(jget "$S" processes.1.end_ns)
is=$(jget "$S" processes.2.start_ns); ie=$(jget "$S" processes.2.end_ns)
wall=$(jget "$S" sim_time_ns)
# wake and park hand the turn over between real processes too: a works 30 ms,
# wakes b and parks; b works 30 ms and wakes a, which works 10 ms more: at
# least 70 ms in all (40 ms if the two ran side by side).
cat > "$T/ww.txt" <<'EOF'
create 1 0 a
create 2 0 b
park 2
cpu 1 30000000
wake 1 2
park 1
cpu 2 30000000
wake 2 1
cpu 1 10000000
EOF
"$ZSIM" trace pack "$T/ww.txt" -o "$T/ww.trc"
"$ZSIM" play "$T/ww.trc" -o "$T/ow" --interval 5ms --quiet > /dev/null 2> "$T/ow.err"
check "play: wake/park trace runs, exit 0" [ $? -eq 0 ] && [ ! -s "$T/ow.err" ]
check "play: wake/park turns one after the other (>= 70 ms)" [ "$(jget "$T/ow/summary.json" sim_time_ns)" -ge 70000000 ]

# the child starts when the parent reaches the create (after 10 ms of CPU),
# runs at least its 20 ms, the parent waits for it and then sleeps 50 ms
check "play: the child starts after the parent's 10 ms of CPU" [ $((cs - ps)) -ge 10000000 ]
check "play: the child runs at least its 20 ms" [ $((ce - cs)) -ge 20000000 ]
check "play: the parent waits for the child, then sleeps 50 ms" [ $((pe - ce)) -ge 50000000 ]
check "play: the idler starts after the parent's sleep and lives to the end" \
	[ "$is" -ge $((ce + 50000000)) ] && [ "$ie" = "$wall" ]
# the file's pages hold the bytes zsim models: `zsim corpus CLASS --seed 0`
# writes page i with content seed i, so text:5 is its page 5
"$ZSIM" corpus text --pages 6 --seed 0 -o "$T/text.bin"
"$ZSIM" corpus binary --pages 4 --seed 0 -o "$T/bin.bin"
f=$T/src/g0-f1
check "play: the file has the two pages written" [ "$(wc -c < "$f")" = 8192 ]
check "play: file page 0 is text:5, byte for byte" cmp -s -n 4096 "$f" "$T/text.bin" 0 20480
check "play: file page 1 is binary:3, byte for byte" cmp -s -n 4096 "$f" "$T/bin.bin" 4096 12288
check "play: timeseries has zsim's columns first" \
	[ "$(head -1 "$T/o1/timeseries.csv" | cut -d, -f1-6)" = "time_ns,free_pages,anon_pages,file_pages,zspages,swap_used_pages" ]
check "play: timeseries sampled (rows at 5 ms over >= 80 ms)" [ "$(wc -l < "$T/o1/timeseries.csv")" -ge 10 ]
check "play: timeseries ends with the anon LRU's split, its movers and kswapd's CPU" \
	[ "$(head -1 "$T/o1/timeseries.csv" | rev | cut -d, -f1-5 | rev)" = "active_anon_pages,pgactivate,pgdeactivate,workingset_activate_anon,kswapd_cpu_ns" ]
# kswapd's schedstat run time since the start: 0 at the first row, never
# falling, at most the wall time of every CPU
check "play: timeseries kswapd_cpu_ns starts at 0, never falls, within the CPUs' time" sh -c "awk -F, -v n=$(nproc) '
	NR == 1 { next } NR == 2 && \$NF != 0 { exit 1 } \$NF + 0 < last || \$NF + 0 > n * \$1 { exit 1 } { last = \$NF + 0 }' '$T/o1/timeseries.csv'"
# the pages each content class made, as the trace writes them: text twice
# (a file page, an anon page), binary, random and same once each
check "play: content_by_class counts the pages of each class written" \
	[ "$(jq -c '.play.content_by_class | to_entries | map("\(.key)=\(.value.pages)") | sort' "$T/o1/summary.json")" = \
	  '["binary=1","random=1","same=1","text=2"]' ]
check "play: content_by_class's CPU adds up to content_cpu_ns" \
	[ "$(jq '[.play.content_by_class[].cpu_ns] | add' "$T/o1/summary.json")" = "$(jq .play.content_cpu_ns "$T/o1/summary.json")" ]
# processes.csv: the running processes' progress at each sample; the parent
# works 30 ms of CPU, so some sample finds it running
check "play: processes.csv has its header and rows of the parent" \
	[ "$(head -1 "$T/o1/processes.csv")" = "time_ns,process,name,minor_faults,major_faults,cpu_ns" ] &&
	grep -q '^[0-9]*,0,parent,' "$T/o1/processes.csv"
check "play: the printed summary names the kernel and the results" \
	grep -q "on kernel $(uname -r)" "$T/o1.txt" && grep -q "results: $T/o1/" "$T/o1.txt"

# a corpus trace: pages are the corpus's own
"$ZSIM" corpus random --pages 3 --seed 9 -o "$T/corp.bin"
printf '#zsim-trace version=1 page_size=4096 generator= seed=0 flags=0 corpus=corp.bin fs=src\ncreate 1 0 a\nfcreate 1 1 0 c\nfwrite 1 1 0 corpus:2\nexit 1\n' > "$T/c.txt"
"$ZSIM" trace pack "$T/c.txt" -o "$T/c.trc"
rm -rf "$T/src2"; mkdir -p "$T/src2"
"$ZSIM" play "$T/c.trc" --fs src="$T/src2" -o "$T/o2" -q
check "play: corpus content is the corpus page (found next to the trace)" cmp -s -n 4096 "$T/src2/g0-f1" "$T/corp.bin" 0 8192

# where the CPU went (play.cpu_by_task_ns, from every task's schedstat): a
# store making 300 k accesses keeps its controller far below its own CPU (a
# controller that tried a write per event while the pipe was full, as play's
# did, spent about as much as the process itself)
"$ZSIM" trace gen zipf --size 8M --accesses 300000 -o "$T/z.trc"
"$ZSIM" play "$T/z.trc" -o "$T/oz" -q
zc=$(jget "$T/oz/summary.json" "play.cpu_by_task_ns.play controllers")
zp=$(jget "$T/oz/summary.json" processes.0.cpu_ns)
# its events came through whole (the controller's queue is a ring that wraps
# many times over 300 k events): its 2048 pages faulted in once each, plus
# the player's own few dozen
zf=$(jget "$T/oz/summary.json" processes.0.minor_faults)
check "play: 300 k events through the ring: 2048 pages faulted ($zf)" [ "$zf" -ge 2048 ] && [ "$zf" -le 2400 ]
check "play: the CPU by task names the controllers and the sampler" \
	[ -n "$zc" ] && [ -n "$(jget "$T/oz/summary.json" "play.cpu_by_task_ns.play sampler")" ]
check "play: the controller's CPU is under 0.4 of the process's ($zc of $zp ns)" \
	[ -n "$zc" ] && [ "$zp" -gt 0 ] && [ $((zc * 10)) -lt $((zp * 4)) ]

# --timeout ends a run that would sleep 30 s: interrupted, 128 + SIGTERM
printf 'create 1 0 sleeper\naccess 1 0x1 w text:1\nsleep 1 30000000000\nexit 1\n' > "$T/s.txt"
"$ZSIM" trace pack "$T/s.txt" -o "$T/s.trc"
t0=$(date +%s)
"$ZSIM" play "$T/s.trc" -o "$T/o3" --timeout 300ms -q
rc=$?
t1=$(date +%s)
check "play: --timeout stops the run, exit 143" [ "$rc" = 143 ] && [ $((t1 - t0)) -le 10 ]
check "play: --timeout results are marked interrupted" [ "$(jget "$T/o3/summary.json" interrupted)" = true ]
# workers are forks of zsim play, so they carry its command line
if pgrep -f "^$ZSIM play $T/s.trc" > /dev/null; then fail "play: no process outlives the play"; else pass "play: no process outlives the play"; fi

# bad input: one line, nothing left behind
expect_error "play: missing trace" "no-such.trc" "$ZSIM" play "$T/no-such.trc" -o "$T/o4"
expect_error "play: --fs not NAME=DIR" "--fs: 'src' is not NAME=DIR" "$ZSIM" play "$T/t1.trc" --fs src -o "$T/o4"
expect_error "play: --fs to a missing directory" "--fs src=.*: not a directory" "$ZSIM" play "$T/t1.trc" --fs src="$T/nodir" -o "$T/o4"
printf 'create 1 0 far\naccess 1 0x300000000 w text:1\nexit 1\n' > "$T/far.txt"
"$ZSIM" trace pack "$T/far.txt" -o "$T/far.trc"
expect_error "play: a page beyond the address space is refused, naming the event" \
	"far.trc: event 2: page 0x300000000 is beyond" "$ZSIM" play "$T/far.trc" -o "$T/o4"
check "play: failed runs leave no results" [ ! -e "$T/o4" ] && [ -z "$(ls -d "$T"/o4.* 2>/dev/null)" ]

# The kernel's OOM killer, in a memory cgroup of 64 MiB: a 96 MiB hogger
# beside a 16 MiB one; the big one is killed, the play records it and exits 4.
cg=""
if [ "$(id -u)" = 0 ]; then
	if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
		cg=/sys/fs/cgroup/zsim-play-test.$$
		mkdir "$cg" 2>/dev/null && echo 64M > "$cg/memory.max" && echo 0 > "$cg/memory.swap.max" 2>/dev/null || cg=""
		peak=memory.peak
	elif [ -d /sys/fs/cgroup/memory ]; then
		cg=/sys/fs/cgroup/memory/zsim-play-test.$$
		mkdir "$cg" 2>/dev/null && echo 64M > "$cg/memory.limit_in_bytes" || cg=""
		peak=memory.max_usage_in_bytes
	fi
fi
if [ -z "$cg" ]; then
	echo "skip: t_play.sh OOM checks need root and a memory cgroup"
else
	"$ZSIM" trace gen hogger --size 96M --content text --duration 1s --exit -o "$T/h96.trc"
	"$ZSIM" trace gen hogger --size 16M --content text --duration 2s --exit --seed 2 -o "$T/h16.trc"
	sh -c "echo \$\$ > $cg/cgroup.procs && exec \"$ZSIM\" play \"$T/h96.trc\" \"$T/h16.trc\" -o \"$T/o5\" -q --interval 20ms"
	rc=$?
	check "play: an OOM kill gives exit 4 (ZSIM_EXIT_OUTCOME)" [ "$rc" = 4 ]
	check "play: the victim is the big hogger of trace 0" \
		[ "$(evget "$T/o5/events.jsonl" oom_kill victim)" = hogger ] && [ "$(evget "$T/o5/events.jsonl" oom_kill group)" = 0 ]
	check "play: summary counts the kill" [ "$(jget "$T/o5/summary.json" outcome.processes_killed)" = 1 ] &&
		[ "$(jget "$T/o5/summary.json" outcome.oom_kills)" -ge 1 ]
	check "play: the small hogger finished" [ "$(jget "$T/o5/summary.json" processes.1.killed)" = false ]
	check "play: the cgroup held the budget's worth of pages (the pages were really written)" \
		[ "$(cat "$cg/$peak")" -ge $((48 * 1048576)) ]
	rmdir "$cg"
fi
