#!/bin/sh
# run.sh - `make fuzz`: build each libFuzzer target with clang into build-fuzz/
# (the library sources it needs compiled in directly, with ASan and UBSan) and
# run it for ZSIM_FUZZ_SECONDS (default 60) on its seed corpus, which stays
# under tests/fuzz/corpus/NAME/ (new inputs go to build-fuzz/corpus/NAME/, so
# the committed corpus stays small).  Fails if a target finds a crash.
set -eu
cd "$(dirname "$0")/../.."
secs=${ZSIM_FUZZ_SECONDS:-60}
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" > /dev/null 2>&1; then
	echo "fuzz: $CC not found; install clang" >&2
	exit 1
fi
out=build-fuzz
mkdir -p "$out"
PKGS="liblz4 lzo2 libzstd jansson libxxhash"
common="-std=c11 -D_GNU_SOURCE -g -O1 -I. $(pkg-config --cflags $PKGS) -fno-sanitize-recover=all"
flags="$common -fsanitize=fuzzer,address,undefined"
libs="$(pkg-config --libs $PKGS) -lm -lpthread"
# What each target needs from the library (no main, no models): the trace
# readers, or the config parser with the registries it consults.
src_trace="traces/trace_io.c traces/trace_text.c traces/content.c core/util.c core/zsim.c"
src_config="sim/config.c $(ls core/*.c) $(ls codecs/*.c) $(ls allocators/*.c) $(ls tiers/*.c) traces/content.c"
# the engine: every library source but the CLI
src_run="$(ls core/*.c codecs/*.c allocators/*.c policies/*.c traces/*.c tiers/*.c sim/*.c)"
status=0
targets=${ZSIM_FUZZ_TARGETS:-trace trace_text config run gen}
for target in $targets; do
	bin=$out/fuzz_$target
	case $target in config) src=$src_config ;; run|gen) src=$src_run ;; *) src=$src_trace ;; esac
	case $target in run) maxlen=16384 ;; *) maxlen=4096 ;; esac
	# the engine targets skip coverage of page content, codecs and checks
	case $target in run|gen) cov="-fsanitize-coverage-ignorelist=tests/fuzz/engine-nocov.txt" ;; *) cov= ;; esac
	echo "fuzz: building $bin"
	case $target in
	run|gen)
		# the engine's objects without comparison tracing: its decisions
		# follow simulated state, not bytes of the input, and tracing every
		# comparison cost ~40% of fuzz_run's time; the trace reader (traces/),
		# where the input's bytes are compared, keeps it
		objs=""
		mkdir -p "$out/obj-$target"
		# Page content and the codecs (pure functions of a few parameters,
		# already under ASan in the unit tests and fuzz_trace) are built
		# plainly at -O2: making and compressing page bytes was ~35% of
		# fuzz_run's time under the sanitizers.
		for f in $src; do
			o=$out/obj-$target/$(echo "$f" | tr / _).o
			case $f in
			codecs/*|traces/content.c) san="-O2" ;;
			traces/*) san="-fsanitize=fuzzer-no-link,address,undefined $cov" ;;
			*) san="-fsanitize=fuzzer-no-link,address,undefined $cov -fno-sanitize-coverage=trace-cmp" ;;
			esac
			# shellcheck disable=SC2086
			$CC $common $san -c "$f" -o "$o"
			objs="$objs $o"
		done
		# shellcheck disable=SC2086
		$CC $flags $cov -o "$bin" tests/fuzz/fuzz_$target.c $objs $libs ;;
	*)
		# shellcheck disable=SC2086
		$CC $flags $cov -o "$bin" tests/fuzz/fuzz_$target.c $src $libs ;;
	esac
	mkdir -p "$out/corpus/$target" "$out/crash/$target"
	echo "fuzz: running $target for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
		-artifact_prefix="$out/crash/$target/" \
		"$out/corpus/$target" "tests/fuzz/corpus/$target" > "$out/$target.log" 2>&1; then
		echo "fuzz: $target FAILED; see $out/$target.log and $out/crash/$target/" >&2
		tail -30 "$out/$target.log" >&2
		status=1
	else
		grep -E "^(#[0-9]+ +DONE|Done)" "$out/$target.log" | tail -1 || true
	fi
done
exit $status
