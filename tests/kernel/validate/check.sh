#!/bin/sh
# check.sh OUT SCENARIO... - how zsim stands against the kernel, criterion by
# criterion (issue #11's bar), one line each:
#   oom     OOM victims equal to the kernel's, on every scenario where the
#           kernel's boots agree with each other (a gate: exit 1 if not met);
#   swap    pswpout and pswpin within 15% of the kernel's mean, where nothing
#           was killed;
#   direct  the direct-reclaim share of pgsteal within 10 points of the kernel's.
# The last two are reported (met / not met, and by how much); with --strict
# they gate too.
set -eu
strict=0
[ "${1:-}" = --strict ] && { strict=1; shift; }
OUT=$1
shift
victims() {
	v=$(grep '"type":"oom_kill"' "$1" 2> /dev/null | sed 's/.*"victim":"\([^"]*\)".*/\1/' | sort | tr '\n' ,)
	echo "${v:-none}"
}
mean() { # KEY DIR: mean over the boots of a vmstat key
	for b in "$2"/boot[0-9]*/r/play/summary.json; do jq -r ".vmstat.$1" "$b"; done |
		awk '{ s += $1; n++ } END { printf "%.1f\n", n ? s / n : 0 }'
}
share() { jq -r '(.vmstat.pgsteal_direct) as $d | (.vmstat.pgsteal_kswapd + $d) as $t | if $t > 0 then $d * 100 / $t else 0 end' "$1"; }
fail=0
for name in "$@"; do
	D=$OUT/$name
	kv=""; consistent=1
	for b in "$D"/boot[0-9]*/r/play; do
		v=$(victims "$b/events.jsonl")
		[ -z "$kv" ] && kv=$v
		[ "$v" = "$kv" ] || consistent=0
	done
	zv=$(victims "$D/zsim/events.jsonl")
	if [ "$consistent" = 0 ]; then
		echo "$name: oom    - the kernel's boots disagree; not judged (zsim: $zv)"
	elif [ "$zv" = "$kv" ]; then
		echo "$name: oom    met: victims ${kv%,} in both"
	else
		echo "$name: oom    NOT MET: kernel ${kv%,}, zsim ${zv%,}"
		fail=1
	fi
	if [ "$kv" = none ] && [ "$consistent" = 1 ]; then
		for key in pswpout pswpin; do
			k=$(mean $key "$D"); z=$(jq -r ".vmstat.$key" "$D/zsim/summary.json")
			r=$(awk -v k="$k" -v z="$z" 'BEGIN { if (k == 0) print (z == 0 ? "met" : "NOT MET"); else { d = (z - k) / k * 100; printf "%s (%+.0f%%)", (d <= 15 && d >= -15) ? "met" : "NOT MET", d } }')
			echo "$name: $key $r: kernel $k, zsim $z"
			case $r in NOT*) [ "$strict" = 1 ] && fail=1 ;; esac
		done
	fi
	k=$(for b in "$D"/boot[0-9]*/r/play/summary.json; do share "$b"; done | awk '{ s += $1; n++ } END { printf "%.1f\n", s / n }')
	z=$(share "$D/zsim/summary.json")
	r=$(awk -v k="$k" -v z="$z" 'BEGIN { d = z - k; printf "%s (%+.1f points)", (d <= 10 && d >= -10) ? "met" : "NOT MET", d }')
	echo "$name: direct $r: kernel $k%, zsim $(printf '%.1f' "$z")%"
	case $r in NOT*) [ "$strict" = 1 ] && fail=1 ;; esac
done
exit $fail
