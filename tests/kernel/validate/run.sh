#!/bin/sh
# run.sh - `make validate-kernel`: zsim against a real kernel, over time.
#
# For each scenario (scenarios/NAME.sh: guest RAM, zram devices, swap disks,
# zswap, a zram's writeback to a disk of its own (ZRAM_WB), sysctls and the
# generator command lines of its traces) it boots Debian's 6.1 kernel
# under qemu (software emulation; /dev/kvm hangs a stock kernel on these
# machines) with an initramfs of busybox, a static zsim and the traces; the
# guest's init sets the machine up and runs `zsim play`, which writes the
# kernel's counters in zsim's result shape.  Each scenario boots BOOTS times
# (the kernel's own spread).  Then zsim runs the same traces on a config that
# describes the guest as measured in it (RAM the kernel leaves, memory in use
# when the workload starts, min_free_kbytes, the guest CPU's codec costs from
# `zsim calibrate` run in the guest), and a table puts the two side by side.
# The guest's CPU is emulated (qemu's TCG), many times slower than the host
# and not uniformly so; rather than one scale factor, every cost zsim charges
# is measured in the guest: the codecs (the kernel's own, through a spare
# zram: `zsim calibrate --zram`, calibrate-kernel.json; zsim's userspace ones,
# `zsim calibrate`, calibrate.json, for any the kernel lacks) and
# the workload's own costs per page as `zsim play` runs it (`zsim calibrate
# --mm`, calibrate-mm.json: a minor fault, a read and a write of a resident
# page), which become the config's mm.minor_fault_time and mm.access_time
# (the mean over the scenario's boots; the read and write costs weighted by
# the scenario's hits: lib.sh mm_costs), the fault then raised to what the
# boots' own fills paid before their first pressure (lib.sh
# fill_fault_delta).  Reclaim's CPU per page scanned
# and per page stolen (mm.reclaim_scan_time, mm.reclaim_steal_time) is one
# pair over every scenario's boots (a subset adds the saved rows of the
# others): the scan cost makes zsim's first wall as long as the guests'
# (lib.sh wall_time, wall_rows), the steal cost is fitted to kswapd's CPU
# in the boots (play's kswapd_cpu_ns) beyond that and what zsim's codecs
# account for (scan_rows, scan_fit); every task's turn (a process's,
# kswapd's, a direct reclaimer's) is the kernel's fair-class slice for the
# tasks runnable (machine.scheduler "fair"; zsim_costs), and a trace's long
# cpu event preempted where its slice ends (machine.cpu_bursts "sliced", as
# CFS preempts a task that keeps the CPU); the CPU
# play spends making the bytes it writes is mm.content_time (lib.sh
# content_time).
# The traces' cpu events need no scale: play burns them as CPU time of the
# guest, which is the time zsim charges.
#
# Usage: run.sh [--boots N] [--out DIR] [--save DIR] [SCENARIO...]
#   (default: every scenario, twice; --save writes the table and each run's
#   results there: make validate-kernel saves to results/validation/)
# Exit status: 1 if zsim's OOM verdict differs from the kernel's where the
# kernel's boots agree (check.sh); the other criteria are printed.
# Needs: qemu-system-x86_64, busybox (static), cpio, gzip, jq, a C compiler
# with static libc, and apt-get download for the kernel (make deps installs
# all but the kernel, which this script fetches into build/validate/kernel).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
BOOTS=2
OUT=$root/build/validate
SAVE=""
while [ $# -gt 0 ]; do
	case $1 in
	--boots) BOOTS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--save) SAVE=$2; shift 2 ;;
	-*) echo "validate: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
SCEN=${*:-$(cd "$here/scenarios" && ls *.sh | sed 's/\.sh$//')}
for t in qemu-system-x86_64 busybox cpio gzip jq cc; do
	command -v "$t" > /dev/null || { echo "validate: $t not found (run make deps)" >&2; exit 1; }
done
mkdir -p "$OUT"
rm -f "$OUT/hostload"
ZSIM=$root/build/zsim
. "$here/lib.sh"

# The kernel: Debian's newest 6.1 image package, unpacked (not installed).
K=$OUT/kernel
if [ ! -f "$K/vmlinuz" ]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -t- -k4 -n | tail -1)
	[ -n "$pkg" ] || { echo "validate: no linux-image-6.1.0-*-amd64 package in apt's lists (apt-get update?)" >&2; exit 1; }
	rm -rf "$K" && mkdir -p "$K/deb"
	(cd "$K/deb" && apt-get download "$pkg" > /dev/null 2>&1) || { echo "validate: apt-get download $pkg failed" >&2; exit 1; }
	dpkg-deb -x "$K"/deb/*.deb "$K/root"
	cp "$K"/root/boot/vmlinuz-* "$K/vmlinuz"
	ver=$(ls "$K/root/lib/modules")
	mkdir -p "$K/modules"
	m=$K/root/lib/modules/$ver/kernel
	cp "$m/mm/zsmalloc.ko" "$m/mm/z3fold.ko" "$m/drivers/block/zram/zram.ko" "$m/crypto/lz4.ko" \
		"$m/lib/lz4/lz4_compress.ko" "$m/drivers/block/virtio_blk.ko" "$m"/drivers/virtio/virtio.ko \
		"$m"/drivers/virtio/virtio_ring.ko "$m"/drivers/virtio/virtio_pci*.ko "$K/modules/"
	echo "$pkg" > "$K/package"
	rm -rf "$K/root" "$K/deb"
fi
echo "validate: kernel $(cat "$K/package")"

# The guest's programs: a static zsim and the swapon helper.
make -C "$root" -s zsim zsim-static > /dev/null
cc -static -O2 -o "$OUT/guest-swapon" "$here/guest-swapon.c"

size_bytes() { # 512M -> bytes
	echo "$1" | awk '{ n = $0 + 0; u = substr($0, length($0)); m = (u == "K") ? 1024 : (u == "M") ? 1048576 : (u == "G") ? 1073741824 : 1; printf "%d\n", n * m }'
}

for name in $SCEN; do
	sf=$here/scenarios/$name.sh
	[ -f "$sf" ] || { echo "validate: no scenario $name ($sf)" >&2; exit 1; }
	D=$OUT/$name
	rm -rf "$D" && mkdir -p "$D/ir/bin" "$D/ir/lib/modules" "$D/ir/traces" "$D/ir/proc" "$D/ir/sys" "$D/ir/dev" "$D/ir/tmp"
	GEN_1=""; GEN_2=""; GEN_3=""; MIN_FREE_KBYTES=""; SWAPPINESS=60; ZSWAP=""; FS=""; ZRAM_WB=""
	. "$sf"
	scenario_traces "$D/ir/traces"
	cp "$(command -v busybox)" "$D/ir/bin/busybox"
	cp "$root/build-static/zsim" "$D/ir/bin/zsim"
	strip "$D/ir/bin/zsim" 2> /dev/null || true
	cp "$OUT/guest-swapon" "$D/ir/bin/"
	cp "$K"/modules/*.ko "$D/ir/lib/modules/"
	cp "$here/init" "$D/ir/init"
	cp "$sf" "$D/ir/scenario"
	(cd "$D/ir" && find . | cpio -o -H newc 2> /dev/null | gzip -1 > "$D/initrd.gz")
	b=1
	while [ "$b" -le "$BOOTS" ]; do
		t0=$(date +%s)
		# swap devices named vd* are virtio disks: fresh raw images each boot
		drives=""
		for s in $SWAP; do
			dev=${s%%:*}
			case $dev in vd*)
				size=$(echo "$s" | cut -d: -f2)
				rm -f "$D/$dev.img" && truncate -s "$size" "$D/$dev.img"
				drives="$drives -drive file=$D/$dev.img,format=raw,if=virtio" ;;
			esac
		done
		# a zram's backing disk (ZRAM_WB: DEVICE:DISK:SIZE:...), after the swap disks
		if [ -n "$ZRAM_WB" ]; then
			wdisk=$(echo "$ZRAM_WB" | cut -d: -f2); wsize=$(echo "$ZRAM_WB" | cut -d: -f3)
			rm -f "$D/$wdisk.img" && truncate -s "$wsize" "$D/$wdisk.img"
			drives="$drives -drive file=$D/$wdisk.img,format=raw,if=virtio"
		fi
		# rootfstype=ramfs: the initramfs (busybox, zsim, modules, traces:
		# ~1,400 pages) is unpacked into ramfs, whose pages are unevictable,
		# not into tmpfs, whose pages the guest swapped out and read back
		# (pswpin 8 where the workload swapped nothing in) beside the
		# workload's; zsim counts the guest's memory at start as unevictable.
		# -mem-prealloc: the guest's RAM is backed on the host before it
		# boots, as a real machine's is; without it the first touch of each
		# guest page faulted on the host too, which made a workload's first
		# fill of memory 1.6x slower per page than the calibration (whose
		# best of five reuses pages already backed) measured: 39 against 24
		# us per page for a 280 MiB hogger alone, 25 with it
		# shellcheck disable=SC2086
		timeout 1200 qemu-system-x86_64 $drives -m "$MEM" -mem-prealloc -smp 1 -accel tcg -nographic -no-reboot \
			-kernel "$K/vmlinuz" -initrd "$D/initrd.gz" \
			-append "console=ttyS0 quiet panic=-1 oops=panic rootfstype=ramfs" > "$D/boot$b.log" 2>&1 || true
		mkdir -p "$D/boot$b"
		if ! sed -n '/^zsim-results-begin/,/^zsim-results-end/p' "$D/boot$b.log" | tr -d '\r' |
			grep -v '^zsim-results' | base64 -d 2> /dev/null | tar xz -C "$D/boot$b" 2> /dev/null ||
			[ ! -f "$D/boot$b/r/play/summary.json" ]; then
			echo "validate: $name boot $b gave no results; see $D/boot$b.log" >&2
			exit 1
		fi
		# the host's 1-minute load average as the boot ends (qemu's own
		# thread counts about 1): the guest's CPU, and so every cost
		# calibrated in it, slows when other work shares the host's CPUs
		load=$(cut -d' ' -f1 /proc/loadavg)
		echo "$load" >> "$OUT/hostload"
		echo "validate: $name boot $b: $(($(date +%s) - t0)) s; $(cat "$D/boot$b/r/status"); host load $load"
		b=$((b + 1))
	done

	# zsim on a config that describes the guest, from what boot 1 measured.
	S1=$D/boot1/r/play/summary.json
	ram=$(size_bytes "$MEM")
	memtotal=$(($(jq .memory.ram_pages "$S1") * 4096))
	used=$(($(jq .memory.at_start.used_pages "$S1") * 4096))
	# the player's own pages, locked as it touches them (its trace decoders
	# and buffers, the trace processes' stacks and heaps), grow after the
	# start: by ~1,500 pages in zswap-zbud, 900 of them in its first second.
	# They are the instrument's, not the workload's; zsim reserves their
	# growth (the timeseries' mlocked_pages, peak less first) from the start
	pl=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mlocked_pages") c = i; next }
		c { v = $c + 0; if (NR == 2) first = v; if (v > peak) peak = v }
		END { print (c && peak > first) ? peak - first : 0 }' "$D/boot1/r/play/timeseries.csv")
	used=$((used + pl * 4096))
	mfk=$(cat "$D/boot1/r/min_free_kbytes")
	devs='{}'; swaps='[]'
	for s in $SWAP; do
		IFS=: read -r dev size comp prio limit <<EOS
$s
EOS
		case $dev in
		# a virtio disk is rotational to the guest kernel (virtio_blk sets no
		# QUEUE_FLAG_NONROT), which turns VMA swap readahead off
		vd*) devs=$(echo "$devs" | jq --arg d "$dev" --arg s "$size" '. + {($d): {type: "ssd", size: $s, rotational: true}}') ;;
		*) devs=$(echo "$devs" | jq --arg d "$dev" --arg s "$size" --arg c "$comp" --arg l "${limit:-0}" \
			'. + {($d): {type: "zram", size: $s, comp: $c, mem_limit: $l}}') ;;
		esac
		swaps=$(echo "$swaps" | jq --arg d "$dev" --argjson p "$prio" '. + [{device: $d, priority: $p}]')
	done
	# the workload's costs: the mean of every boot's measurement (one boot's
	# spreads by 10-30%: the emulated CPU's speed follows the host's load),
	# which zsim_costs puts in the config below
	for b in "$D"/boot[0-9]*/r; do
		[ -f "$b/calibrate-mm.json" ] || { echo "validate: $name: $b measured no mm costs; see its boot log" >&2; exit 1; }
	done
	# the free pages outside the movable lists, where fragmentation fallbacks start
	ptis=""
	for b in "$D"/boot[0-9]*/r; do [ ! -f "$b/pagetypeinfo-start.txt" ] || ptis="$ptis $b/pagetypeinfo-start.txt"; done
	uf=$(unmovable_free "$ptis"); uf=${uf:-0}
	# the codecs: the kernel's own where the guest measured them through a
	# zram (calibrate-kernel.json, `zsim calibrate --zram`), zsim's others
	kcal=$D/boot1/r/calibrate-kernel.json
	[ -s "$kcal" ] || kcal=/dev/null
	jq -n --arg desc "validation guest '$name' as measured in boot 1 (workload costs: every boot) ($DESC)" \
		--argjson ram "$ram" --argjson fw $((ram - memtotal)) --argjson used "$used" \
		--argjson swappiness "$SWAPPINESS" --argjson mfk "$mfk" --argjson uf "$uf" \
		--argjson devs "$devs" --argjson swaps "$swaps" --slurpfile cal "$D/boot1/r/calibrate.json" --slurpfile kcal "$kcal" \
		'{comment: $desc, kernel: "6.1",
		  machine: {ram: $ram, cpus: 1, firmware_reserve: $fw, kernel_used: $used, unmovable_free: $uf},
		  mm: {swappiness: $swappiness, min_free_kbytes: $mfk, sample_interval: "100ms"},
		  devices: $devs, swap: $swaps, codec_time: ($cal[0] + ($kcal[0] // {}))}' > "$D/zsim.json"
	if [ -n "$ZSWAP" ]; then   # COMPRESSOR:ZPOOL:MAX_POOL_PERCENT
		IFS=: read -r zc zp zm <<EOS
$ZSWAP
EOS
		jq --arg c "$zc" --arg p "$zp" --argjson m "$zm" \
			'. + {zswap: {enabled: true, compressor: $c, zpool: $p, max_pool_percent: $m}}' \
			"$D/zsim.json" > "$D/zsim.json.tmp" && mv "$D/zsim.json.tmp" "$D/zsim.json"
	fi
	if [ -n "$ZRAM_WB" ]; then   # DEVICE:DISK:SIZE:MODE:INTERVAL_S[:IDLE_AGE_S]
		IFS=: read -r wdev wdisk wsize wmode wint wage <<EOS
$ZRAM_WB
EOS
		# the backing disk's time per write and per read as the guest's block
		# layer saw them over the run (/sys/block/DISK/stat: milliseconds
		# spent over requests completed; the writeback's writes are one page
		# each and synchronous), the mean over the boots; a virtio disk is
		# rotational to the guest kernel
		# (reads: only where the run read it back, 100 reads or more; the
		# few at boot are the partition scan's)
		lat=$(cat "$D"/boot[0-9]*/r/backing-stat.txt | awk '{ r += $1; rt += $4; w += $5; wt += $8 }
			END { printf "%d %d\n", (r >= 100 ? rt * 1e6 / r : 0), (w ? wt * 1e6 / w : 0) }')
		rlat=${lat% *}; wlat=${lat#* }
		[ "$wlat" -gt 0 ] || { echo "validate: $name: the backing disk $wdisk saw no writes; see the boot logs" >&2; exit 1; }
		[ "$rlat" -gt 0 ] || rlat=$wlat
		# the writer's CPU per page written (its schedstat over bd_writes:
		# the walk over the slots, the copy, the bio, its wakeups; the mean
		# over the boots)
		pt=$(for b in "$D"/boot[0-9]*/r; do
			echo "$(cut -d' ' -f1 "$b/wb-schedstat.txt") $(awk '{ print $3 }' "$b/bd_stat.txt")"
		done | awk '{ c += $1; n += $2 } END { printf "%d\n", n ? c / n : 0 }')
		jq --arg z "$wdev" --arg d "$wdisk" --arg s "$wsize" --arg m "$wmode" --arg i "${wint}s" \
			--arg a "${wage:-0}s" --arg rl "${rlat}ns" --arg wl "${wlat}ns" --arg pt "${pt}ns" \
			'.devices[$d] = {type: "ssd", size: $s, rotational: true, read_latency: $rl, write_latency: $wl,
			                 read_bw: 0, write_bw: 0, queue_depth: 1}
			 | .devices[$z].backing_dev = $d
			 | .devices[$z].writeback = {mode: $m, interval: $i, idle_age: $a, page_time: $pt}' \
			"$D/zsim.json" > "$D/zsim.json.tmp" && mv "$D/zsim.json.tmp" "$D/zsim.json"
	fi
	for f in $FS; do   # NAME:tmpfs:SIZE
		IFS=: read -r fname ftype fsize <<EOS
$f
EOS
		jq --arg n "$fname" --arg t "$ftype" --arg s "$fsize" '.filesystems[$n] = {type: $t, size: $s}' \
			"$D/zsim.json" > "$D/zsim.json.tmp" && mv "$D/zsim.json.tmp" "$D/zsim.json"
	done
	rm -f "$D"/vd*.img
	# the workload's costs, the CPU play spent making the bytes it wrote, and
	# the rows for reclaim's own CPU: the boots' kswapd time against zsim's
	# kswapd at no reclaim cost, the boots' first walls against zsim's at a
	# probe cost (lib.sh zsim_costs)
	zsim_costs "$D"
done
# reclaim's CPU per page scanned and per page stolen, one pair fitted over
# every scenario's boots (lib.sh scan_costs): these boots', and for a subset
# the saved validation's rows of the scenarios not booted here (two boots of
# two scenarios cannot tell the two costs apart), then zsim's side of each
# shellcheck disable=SC2086
sc=$(scan_costs "$OUT" "$(other_rows "$root/results/validation" $SCEN)" $SCEN)
echo "validate: reclaim costs ${sc:-(no kswapd time measured: the defaults)} over the scenarios' boots"
for name in $SCEN; do
	zsim_side "$OUT/$name" validate
done
sh "$here/table.sh" "$OUT" $SCEN > "$OUT/table.md"
sh "$here/check.sh" "$OUT" $SCEN > "$OUT/check.txt" && ok=0 || ok=1
cat "$OUT/table.md"
echo
cat "$OUT/check.txt"
# a busy host (load above its CPUs less half of one, qemu included) makes
# the guest's calibrations, and so zsim's side, differ from a quiet one's
if [ -f "$OUT/hostload" ]; then
	awk -v n="$(nproc)" 'NR == 1 || $1 > m { m = $1 } END { if (m > n - 0.5)
		printf "validate: warning: the host'"'"'s load average reached %s on %d CPUs during the boots; the costs calibrated in the guest follow the host'"'"'s speed: rerun on a quiet host for results to keep\n", m, n }' "$OUT/hostload" >&2
fi
[ -z "$SAVE" ] || sh "$here/save.sh" "$OUT" "$SAVE" "$BOOTS" $SCEN
exit $ok
