#!/usr/bin/env bash
# zram_fidelity.sh - compare zsim's zram model with the running kernel's zram.
#
# For every corpus (zero, same, random, text, elf, sweep, mix; built by
# mkcorpus) and every compressor the kernel offers, the corpus is written to the
# real /dev/zram0, half of its pages are discarded, the pool is compacted, and
# mm_stat is read after each of the three phases.  `zsim fill` replays the same
# corpus, discard list and compaction and prints the same nine fields; the two
# are compared field by field:
#
#   orig_data_size, same_pages, huge_pages   exact
#   compr_data_size                          0.1% (lz4, lzo), 0.5% (lzo-rle), 1% (others)
#   mem_used_total                           1% after writes and after discard, 3% after compact
#
# A mem_limit test writes a corpus larger than the limit: dd fails with EIO at
# some page; `zsim fill --mem-limit` must stop at the same page within 2%.
#
# Environment: ZSIM (the zsim binary; default ./zsim of the repository), TOOLS
# (built tools, for mkcorpus; default build/tools), ZSIM_KERNEL_OPTIONAL=1 (the
# check is optional: a machine where it cannot run skips with status 0 instead of 77).
#
# It runs only as root, on a /sys/block/zram0 that is unused (disksize 0, not in
# /proc/swaps), and never enables swap.  zram0 is reset before each run and on
# every exit (including failures and Ctrl-C); corpora live in a temporary folder
# that is removed on exit unless --keep DIR is given.  Memory: a few corpora of
# up to 64 MiB each on disk, and at most one corpus's worth in zram at a time.
#
# Exit status: 0 all checks passed (or skipped as optional), 1 a check failed,
# 2 bad usage or a broken environment, 77 skipped (not optional).

set -euo pipefail

ZRAM=/sys/block/zram0
DEV=/dev/zram0
PAGE=4096
MEM_LIMIT=8M

prog=zram_fidelity.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

usage() {
	cat <<EOF
usage: $prog [--quick] [--keep DIR] [--seed S] [--corpora LIST] [--comps LIST]
             [--kernel-only] [--blkdiscard] [--verbose]
  --quick          fewer pages (1024 per corpus instead of 8192)
  --keep DIR       keep corpora, discard lists and raw mm_stat results in DIR
  --seed S         base seed of corpora and discard lists (default 1)
  --corpora LIST   comma-separated subset of: zero,same,random,text,elf,sweep,mix
  --comps LIST     comma-separated subset of the kernel's compressors
  --kernel-only    measure the kernel and print its numbers; run no zsim
  --blkdiscard     discard with util-linux blkdiscard per range (slow) instead
                   of mkcorpus punch (one BLKDISCARD ioctl per range)
  --verbose        also print both raw mm_stat lines of every phase
Environment: ZSIM, TOOLS, ZSIM_KERNEL_OPTIONAL=1.
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 2
}

quick=0
keep=
seed=1
only_corpora=
only_comps=
kernel_only=0
use_blkdiscard=0
verbose=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) quick=1 ;;
	--keep)
		[[ $# -ge 2 ]] || die "--keep needs a folder"
		keep=$2
		shift
		;;
	--seed)
		[[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--seed needs an unsigned integer"
		seed=$2
		shift
		;;
	--corpora)
		[[ $# -ge 2 ]] || die "--corpora needs a list"
		only_corpora=$2
		shift
		;;
	--comps)
		[[ $# -ge 2 ]] || die "--comps needs a list"
		only_comps=$2
		shift
		;;
	--kernel-only) kernel_only=1 ;;
	--blkdiscard) use_blkdiscard=1 ;;
	--verbose) verbose=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		die "unknown argument '$1'"
		;;
	esac
	shift
done

# ---- can it run here? ------------------------------------------------------

skip() {
	echo "zram fidelity: SKIPPED ($1)"
	if [[ ${ZSIM_KERNEL_OPTIONAL:-0} == 1 ]]; then
		exit 0
	fi
	exit 77
}

[[ -d $ZRAM ]] || skip "no $ZRAM: zram module not loaded"
[[ $(id -u) == 0 ]] || skip "needs root to drive $ZRAM"
[[ -b $DEV ]] || skip "no block device $DEV"
for attr in reset disksize comp_algorithm mm_stat compact mem_limit; do
	[[ -e $ZRAM/$attr ]] || skip "$ZRAM/$attr missing: kernel too old"
done
[[ -w $ZRAM/reset && -w $ZRAM/disksize ]] || skip "$ZRAM is not writable"
if awk 'NR > 1 { sub(".*/", "", $1); if ($1 == "zram0") found = 1 } END { exit !found }' /proc/swaps; then
	skip "zram0 is in use as swap"
fi
disksize=$(<"$ZRAM/disksize")
[[ $disksize == 0 ]] || skip "zram0 is in use (disksize $disksize)"
command -v dd >/dev/null || skip "dd not found"
command -v flock >/dev/null || skip "flock (util-linux) not found"
if [[ $use_blkdiscard == 1 ]]; then
	command -v blkdiscard >/dev/null || skip "blkdiscard (util-linux) not found"
fi

# One fidelity check at a time on this machine (parallel `make check` runs).
lockfile=/run/lock/zsim-zram0-fidelity.lock
[[ -d /run/lock ]] || lockfile=/tmp/zsim-zram0-fidelity.lock
exec 9>"$lockfile" || skip "cannot open $lockfile"
flock -n 9 || skip "another zram fidelity check holds $lockfile"
# Re-check under the lock: the other run may have just finished with zram0.
disksize=$(<"$ZRAM/disksize")
[[ $disksize == 0 ]] || skip "zram0 is in use (disksize $disksize)"

ZSIM=${ZSIM:-$repo/zsim}
TOOLS=${TOOLS:-$repo/build/tools}
MKCORPUS=$TOOLS/mkcorpus
[[ -x $MKCORPUS ]] || die "mkcorpus not found at $MKCORPUS (build it: make build/tools/mkcorpus)"
if [[ $kernel_only == 0 ]]; then
	[[ -x $ZSIM ]] || die "zsim not found at $ZSIM (set ZSIM, or use --kernel-only)"
fi

# ---- cleanup: always reset zram0 and remove the temporary folder -----------

claimed=0
work=

zram_reset() {
	local i
	for ((i = 0; i < 100; i++)); do
		# EBUSY while someone (udev probing after close) still has it open
		if { echo 1 >"$ZRAM/reset"; } 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	if [[ $claimed == 1 ]] && ! zram_reset; then
		echo "$prog: WARNING: could not reset $ZRAM (still busy); run: echo 1 > $ZRAM/reset" >&2
		[[ $rc != 0 ]] || rc=1
	fi
	if [[ -n $work && -z $keep ]]; then
		rm -rf -- "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [[ -n $keep ]]; then
	mkdir -p -- "$keep" || die "cannot create $keep"
	work=$(cd "$keep" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/zram-fidelity.XXXXXX")
fi
errf=$work/stderr

claimed=1
zram_reset || die "cannot reset $ZRAM (busy)"

# Write VALUE to the zram0 attribute ATTR, or stop with the kernel's reason.
zset() {
	if ! { printf '%s\n' "$2" >"$ZRAM/$1"; } 2>"$errf"; then
		die "cannot write '$2' to $ZRAM/$1: $(sed 's/.*: //' "$errf")"
	fi
}

# Print mm_stat as exactly nine fields (older kernels have fewer: '-').
mm_stat() {
	local -a f
	read -r -a f <"$ZRAM/mm_stat"
	while [[ ${#f[@]} -lt 9 ]]; do f+=(-); done
	echo "${f[*]:0:9}"
}

# ---- the compressors and corpora -------------------------------------------

read -r -a offered <"$ZRAM/comp_algorithm"
comps=()
for c in "${offered[@]}"; do
	c=${c#[}
	c=${c%]}
	if [[ -z $only_comps || ",$only_comps," == *",$c,"* ]]; then
		comps+=("$c")
	fi
done
[[ ${#comps[@]} -gt 0 ]] || die "none of '$only_comps' is offered by this kernel ($(tr -d '[]' <"$ZRAM/comp_algorithm"))"
# Compressors zsim has no model of (842, lz4hc, deflate on some kernels) are
# left out with a note: they say nothing about the model's fidelity.
unmodelled=()
if [[ $kernel_only == 0 ]]; then
	if ! zlist=$("$ZSIM" --list 2>"$errf"); then
		die "$ZSIM --list failed: $(cat "$errf")"
	fi
	zcodecs=$(awk -F': *' '$1 == "codecs" { gsub(/ /, "", $2); print "," $2 "," }' <<<"$zlist")
	[[ -n $zcodecs ]] || die "$ZSIM --list names no codecs"
	kept=()
	for c in "${comps[@]}"; do
		if [[ $zcodecs == *",$c,"* ]]; then
			kept+=("$c")
		else
			unmodelled+=("$c")
		fi
	done
	[[ ${#kept[@]} -gt 0 ]] || die "zsim models none of the kernel's compressors (${comps[*]})"
	comps=("${kept[@]}")
fi

all_corpora=(zero same random text elf sweep mix)
if [[ $quick == 1 ]]; then
	npages=1024
	sweep_pages=$((255 * 4))
	limit_pages=8192
else
	npages=8192
	sweep_pages=$((255 * 16))
	limit_pages=16384
fi
corpora=()
for k in "${all_corpora[@]}"; do
	if [[ -z $only_corpora || ",$only_corpora," == *",$k,"* ]]; then
		corpora+=("$k")
	fi
done
[[ ${#corpora[@]} -gt 0 ]] || die "no corpus left from '$only_corpora' (${all_corpora[*]})"

# disksize for a corpus: its size rounded up to MiB, at least 64 MiB.
disksize_for() {
	local bytes mib
	bytes=$(stat -c %s -- "$1")
	mib=$(((bytes + 1048575) / 1048576))
	((mib >= 64)) || mib=64
	echo $((mib * 1048576))
}

mk() {
	if ! "$MKCORPUS" "$@" 2>"$errf"; then
		die "mkcorpus $*: $(cat "$errf")"
	fi
}

for k in "${corpora[@]}"; do
	# the seed follows the corpus's kind, not its place in --corpora
	for i in "${!all_corpora[@]}"; do
		[[ ${all_corpora[$i]} == "$k" ]] && break
	done
	i=$((i + 1))
	n=$npages
	[[ $k == sweep ]] && n=$sweep_pages
	mk "$k" --pages "$n" --seed $((seed + i)) -o "$work/$k.pages"
	mk discard --pages "$n" --seed $((seed + 100 + i)) -o "$work/$k.discard"
done
mk mix --pages "$limit_pages" --seed $((seed + 50)) -o "$work/limit.pages"

# ---- the kernel side -------------------------------------------------------

# Discard the pages listed in $1 (ascending indices) from /dev/zram0.
discard_pages() {
	if [[ $use_blkdiscard == 0 ]]; then
		if ! "$MKCORPUS" punch "$DEV" "$1" 2>"$errf"; then
			die "discard failed: $(cat "$errf")"
		fi
		return
	fi
	local idx first=-1 count=0
	flush() {
		if ((count > 0)); then
			blkdiscard -f -o $((first * PAGE)) -l $((count * PAGE)) "$DEV" 2>"$errf" ||
				die "blkdiscard of pages $first+$count failed: $(cat "$errf")"
		fi
	}
	while read -r idx; do
		if ((count > 0 && idx == first + count)); then
			count=$((count + 1))
		else
			flush
			first=$idx
			count=1
		fi
	done <"$1"
	flush
}

# Fresh device: reset, compressor, disksize.
zram_setup() {
	local comp=$1 size=$2 got
	zram_reset || die "cannot reset $ZRAM (busy)"
	zset comp_algorithm "$comp"
	got=$(<"$ZRAM/comp_algorithm")
	[[ " $got " == *" [$comp] "* ]] || die "comp_algorithm is '$got' after selecting $comp"
	zset disksize "$size"
}

echo "zram fidelity: kernel $(uname -r), compressors ${comps[*]}; corpora ${corpora[*]}" \
	"($npages pages, sweep $sweep_pages); mem_limit $MEM_LIMIT on mix ($limit_pages pages)"
if [[ ${#unmodelled[@]} -gt 0 ]]; then
	echo "zram fidelity: not compared (zsim has no model): ${unmodelled[*]}"
fi

results=$work/results.txt # one line per phase: corpus comp phase k1..k9 z1..z9
: >"$results"
limits=$work/limits.txt # corpus comp kernel_pages zsim_pages k1..k9 z1..z9
: >"$limits"
zsim_failures=()

for k in "${corpora[@]}"; do
	corpus=$work/$k.pages
	size=$(disksize_for "$corpus")
	for comp in "${comps[@]}"; do
		if [[ -t 2 ]]; then printf '%s: %s %s\n' "$prog" "$k" "$comp" >&2; fi
		zram_setup "$comp" "$size"
		if ! dd if="$corpus" of="$DEV" bs=$PAGE oflag=direct status=none 2>"$errf"; then
			die "dd of $k to $DEV ($comp) failed: $(cat "$errf")"
		fi
		kw=$(mm_stat)
		discard_pages "$work/$k.discard"
		kd=$(mm_stat)
		zset compact 1
		kc=$(mm_stat)
		zram_reset || die "cannot reset $ZRAM (busy)"

		if [[ $kernel_only == 1 ]]; then
			zw="- - - - - - - - -"
			zd=$zw
			zc=$zw
		elif out=$("$ZSIM" fill --comp "$comp" --disksize "$size" --discard "$work/$k.discard" \
			--compact "$corpus" 2>"$errf"); then
			zw=$(awk '$1 == "written" { $1 = ""; print substr($0, 2) }' <<<"$out")
			zd=$(awk '$1 == "discarded" { $1 = ""; print substr($0, 2) }' <<<"$out")
			zc=$(awk '$1 == "compacted" { $1 = ""; print substr($0, 2) }' <<<"$out")
		else
			zsim_failures+=("$k $comp: zsim fill failed ($(head -n1 "$errf"))")
			zw="- - - - - - - - -"
			zd=$zw
			zc=$zw
		fi
		{
			echo "$k $comp written $kw ${zw:-- - - - - - - - -}"
			echo "$k $comp discarded $kd ${zd:-- - - - - - - - -}"
			echo "$k $comp compacted $kc ${zc:-- - - - - - - - -}"
		} >>"$results"
	done
done

# mem_limit: the page at which writes start to fail.
corpus=$work/limit.pages
size=$(disksize_for "$corpus")
for comp in "${comps[@]}"; do
	if [[ -t 2 ]]; then printf '%s: mem_limit %s %s\n' "$prog" "$MEM_LIMIT" "$comp" >&2; fi
	zram_setup "$comp" "$size"
	zset mem_limit "$MEM_LIMIT"
	if dd if="$corpus" of="$DEV" bs=$PAGE oflag=direct 2>"$errf"; then
		kpages=none # the whole corpus fitted: the test is void (counted as failed)
	else
		kpages=$(sed -n 's/^\([0-9]*\)+0 records out$/\1/p' "$errf")
		[[ -n $kpages ]] || die "dd under mem_limit: no 'records out' in: $(cat "$errf")"
	fi
	kl=$(mm_stat)
	if [[ $kpages != none && $((${kl%% *} / PAGE)) != "$kpages" ]]; then
		echo "$prog: note: dd wrote $kpages pages but orig_data_size says $((${kl%% *} / PAGE))" >&2
	fi
	zram_reset || die "cannot reset $ZRAM (busy)"
	zl="- - - - - - - - -"
	zpages=-
	if [[ $kernel_only == 0 ]]; then
		set +e
		out=$("$ZSIM" fill --comp "$comp" --disksize "$size" --mem-limit "$MEM_LIMIT" "$corpus" 2>"$errf")
		rc=$?
		set -e
		line=$(awk '$1 == "written" { $1 = ""; print substr($0, 2) }' <<<"$out")
		if [[ $rc == 3 && -n $line ]]; then
			zl=$line
			zpages=$(($(awk '{ print $1 }' <<<"$line") / PAGE))
		else
			zsim_failures+=("mem_limit $comp: zsim fill exited $rc, expected 3 ($(head -n1 "$errf"))")
		fi
	fi
	echo "limit $comp $kpages $zpages $kl $zl" >>"$limits"
done

# ---- report ----------------------------------------------------------------

if [[ $verbose == 1 || $kernel_only == 1 ]]; then
	echo "raw mm_stat (orig compr mem_used mem_limit mem_used_max same compacted huge huge_since):"
	awk '{ printf "  %-7s %-8s %-10s kernel %s\n", $1, $2, $3, $4" "$5" "$6" "$7" "$8" "$9" "$10" "$11" "$12
	       if ($13 != "-") printf "  %-7s %-8s %-10s zsim   %s\n", "", "", "", $13" "$14" "$15" "$16" "$17" "$18" "$19" "$20" "$21 }' "$results"
	awk '{ printf "  mem_limit %s %-8s kernel %s pages written; mm_stat %s\n", "'"$MEM_LIMIT"'", $2, $3,
	       $5" "$6" "$7" "$8" "$9" "$10" "$11" "$12" "$13
	       if ($4 != "-") printf "  mem_limit %s %-8s zsim   %s pages written; mm_stat %s\n", "'"$MEM_LIMIT"'", $2, $4,
	       $14" "$15" "$16" "$17" "$18" "$19" "$20" "$21" "$22 }' "$limits"
fi
if [[ $kernel_only == 1 ]]; then
	echo "zram fidelity: kernel numbers only, nothing compared"
	exit 0
fi

for f in "${zsim_failures[@]}"; do
	echo "FAIL $f"
done

# The table: per corpus x compressor x phase, each checked field as the
# kernel's value and zsim's relative error ("=" when equal; "!" marks a
# failure); failures are then listed with both values.  Unchecked fields
# (mem_used_max, pages_compacted) are shown the same way for information.
awk -v nzfail="${#zsim_failures[@]}" -v limit="$MEM_LIMIT" '
function tol_compr(comp) {
	if (comp == "lz4" || comp == "lzo") return 0.001
	if (comp == "lzo-rle") return 0.005
	return 0.01
}
function cell(k, z, tol, what,    err, s, bad) {
	if (z == "-") return sprintf("%s ?", k)   # zsim failed: counted once above
	if (k == z) err = 0
	else if (k == 0) err = 1e9
	else err = (z - k) / k
	bad = (tol >= 0 && (err > tol || err < -tol))
	if (tol >= 0) { if (bad) nfail++; else npass++ }
	if (k == z) s = "="
	else if (err >= 1e9) s = "+inf"
	else s = sprintf("%+.4f%%", 100 * err)
	if (bad) {
		s = s "!"
		fails = fails sprintf("FAIL %-7s %-8s %-10s %-16s kernel %s zsim %s (%s, tolerance %s)\n",
			corpus, comp, phase, what, k, z, (k == 0 ? "kernel 0" : sprintf("%+.4f%%", 100 * err)),
			(tol == 0 ? "exact" : sprintf("%g%%", 100 * tol)))
	}
	return sprintf("%s %s", k, s)
}
BEGIN {
	npass = 0; nfail = nzfail + 0
	printf "%-7s %-8s %-10s %-22s %-24s %-24s %-20s %-14s %-14s %-16s\n", "corpus", "comp", "phase",
		"orig_data_size", "compr_data_size", "mem_used_total", "mem_used_max*", "same_pages", "huge_pages", "pages_compacted*"
}
FILENAME == ARGV[1] {
	corpus = $1; comp = $2; phase = $3
	tm = (phase == "compacted") ? 0.03 : 0.01
	printf "%-7s %-8s %-10s %-22s %-24s %-24s %-20s %-14s %-14s %-16s\n", corpus, comp, phase,
		cell($4, $13, 0, "orig_data_size"),
		cell($5, $14, tol_compr(comp), "compr_data_size"),
		cell($6, $15, tm, "mem_used_total"),
		cell($8, $17, -1, "mem_used_max"),
		cell($9, $18, 0, "same_pages"),
		cell($11, $20, 0, "huge_pages"),
		cell($10, $19, -1, "pages_compacted")
	next
}
FILENAME == ARGV[2] {
	corpus = "mix"; comp = $2; phase = "mem_limit"
	if (!hdr++) printf "\n%-8s %-10s %-14s %-14s %-10s\n", "comp", "mem_limit", "kernel pages", "zsim pages", "error"
	if ($3 == "none") {
		nfail++
		fails = fails sprintf("FAIL mem_limit %s %s: the corpus fitted under the limit in the kernel\n", limit, comp)
		printf "%-8s %-10s %-14s %-14s %-10s\n", comp, limit, "all", $4, "void!"
		next
	}
	if ($4 == "-") { printf "%-8s %-10s %-14s %-14s %-10s\n", comp, limit, $3, "-", "?!"; next }
	err = ($3 == 0) ? ($4 == 0 ? 0 : 1e9) : ($4 - $3) / $3
	bad = (err > 0.02 || err < -0.02)
	if (bad) {
		nfail++
		fails = fails sprintf("FAIL mem_limit %s %s: kernel wrote %s pages, zsim %s (tolerance 2%%)\n", limit, comp, $3, $4)
	} else npass++
	printf "%-8s %-10s %-14s %-14s %+.3f%%%s\n", comp, limit, $3, $4, 100 * err, bad ? "!" : ""
}
END {
	printf "(* shown, not checked.  Cells: kernel value, then zsim relative error; \"=\" equal, \"!\" failed.)\n"
	printf "%s", fails
	printf "zram fidelity: %d passed, %d failed\n", npass, nfail
	exit nfail > 0
}' "$results" "$limits"
