# t_calibrate_zram.sh - `zsim calibrate --zram DEV`: the running kernel's
# codecs timed through a real zram device.  The errors run anywhere; the
# measurement only as root on a /sys/block/zram0 that is free (disksize 0,
# not swap), which it leaves reset, with the codec it had.  Never enables swap.
. "$(dirname "$0")/lib.sh"
jqe() { jq -e "$@" > /dev/null; }

expect_error "calibrate --zram: not a zram name" "--zram sda: name a zram device" "$ZSIM" calibrate --zram sda
expect_error "calibrate --zram: a path is no name" "--zram: '/dev/zram0' is not a name" "$ZSIM" calibrate --zram /dev/zram0
expect_error "calibrate --zram: a missing device" "/sys/block/zram99/comp_algorithm: cannot read" \
	"$ZSIM" calibrate --zram zram99
expect_error "calibrate --zram with --mm" "--mm and --zram measure different things" \
	"$ZSIM" calibrate --mm --zram zram0

Z=/sys/block/zram0
if [ "$(id -u)" != 0 ] || [ ! -w $Z/disksize ] || [ "$(cat $Z/disksize)" != 0 ] || grep -q '^/dev/zram0 ' /proc/swaps; then
	echo "t_calibrate_zram: the measurement skipped (needs root and a free /sys/block/zram0)"
	exit 0
fi
was=$(sed 's/.*\[\(.*\)\].*/\1/' $Z/comp_algorithm)
trap 'echo 1 > $Z/reset; echo "$was" > $Z/comp_algorithm 2> /dev/null' EXIT INT TERM

# a busy device is refused, untouched
echo 1M > $Z/disksize
expect_error "calibrate --zram: a busy device" "--zram zram0: busy \(disksize 1048576\)" "$ZSIM" calibrate --zram zram0
check "calibrate --zram: the busy device kept its size" [ "$(cat $Z/disksize)" = 1048576 ]
echo 1 > $Z/reset

"$ZSIM" calibrate --zram zram0 --pages 256 -o "$T/k.json" 2> "$T/k.err"
rc=$?
check "calibrate --zram: measures" [ "$rc" -eq 0 -a -s "$T/k.json" ]
# every codec the kernel offers and zsim knows, with the four times
for c in lzo lzo-rle lz4; do
	grep -qw -- "$c" $Z/comp_algorithm || continue
	# each a zsim time: whole ns, or us/ms/s where the value is a whole
	# number of them (zsim_format_time writes 2000 ns as "2us")
	check "calibrate --zram: $c measured" jqe --arg c "$c" \
		'.[$c] | [.compress, .decompress, .compress_per_kib, .decompress_per_kib] |
		 length == 4 and all(.[]; type == "string" and test("^[0-9]+(ns|us|ms|s)$"))' "$T/k.json"
	# a compressible page costs the kernel something to compress: the line's
	# value at 1.5 KiB of output, between 100 ns and 1 ms
	check "calibrate --zram: $c's text page cost is plausible" jqe --arg c "$c" '
		def ns: capture("^(?<v>[0-9]+)(?<u>ns|us|ms|s)$") |
			(.v | tonumber) * ({ns: 1, us: 1000, ms: 1000000, s: 1000000000}[.u]);
		.[$c] | (.compress | ns) + 1.5 * (.compress_per_kib | ns) | . > 100 and . < 1000000' "$T/k.json"
done
check "calibrate --zram: nothing on stderr" [ ! -s "$T/k.err" ]
check "calibrate --zram: the device is left free" [ "$(cat $Z/disksize)" = 0 ]
check "calibrate --zram: with the codec it had" grep -q "\[$was\]" $Z/comp_algorithm
# the output is a config's codec_time
jq -n --slurpfile k "$T/k.json" '{ machine: { ram: "64M" }, codec_time: $k[0] }' > "$T/cfg.json"
"$ZSIM" trace gen hogger --size 4M -o "$T/h.trc" > /dev/null
check "calibrate --zram: a config takes it as codec_time" "$ZSIM" --trace "$T/h.trc" --config "$T/cfg.json" --out "$T/r" --quiet
