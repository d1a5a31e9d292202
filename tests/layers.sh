#!/bin/sh
# layers.sh - each source folder includes only folders below it (README, Layout):
#   core < codecs < allocators, policies, traces < tiers < sim < cli
# A folder may include its own files; folders of the same rank do not include
# each other.  Prints every include that reaches up or sideways; fails if any.
set -u
cd "$(dirname "$0")/.."
rank() {
	case $1 in
	core) echo 0 ;; codecs) echo 1 ;; allocators|policies|traces) echo 2 ;;
	tiers) echo 3 ;; sim) echo 4 ;; cli) echo 5 ;; *) echo -1 ;;
	esac
}
bad=0
for dir in core codecs allocators policies traces tiers sim cli; do
	r=$(rank "$dir")
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\.\/\([a-z]*\)\/.*/\1/p' "$f"); do
			ri=$(rank "$inc")
			if [ "$ri" -lt 0 ] || [ "$ri" -ge "$r" ]; then
				echo "layers: $f includes ../$inc/ (rank $ri), not below $dir (rank $r)"
				bad=$((bad + 1))
			fi
		done
	done
done
if [ $bad -eq 0 ]; then echo "layers: every include points down"; fi

# Second check (core/kprofile.h): no model tests a kernel version; behaviours
# that changed across versions are profile fields, set per row in
# core/kprofile.c.  Prints every line that compares `version` with a number,
# compares a profile's version with anything, or uses a *_SINCE / *_UNTIL
# version constant (comment lines are skipped); fails if any.
vbad=0
for f in core/*.c core/*.h codecs/*.c codecs/*.h allocators/*.c allocators/*.h \
	 policies/*.c policies/*.h traces/*.c traces/*.h tiers/*.c tiers/*.h sim/*.c sim/*.h; do
	[ -f "$f" ] || continue
	case $f in core/kprofile.c|core/kprofile.h) continue ;; esac
	hits=$(grep -nE \
		-e 'version[[:space:]]*(==|!=|<=|>=|<|>)[[:space:]]*[(]*[0-9]' \
		-e '[0-9][)]*[[:space:]]*(==|!=|<=|>=|<|>)[[:space:]]*[A-Za-z_.>-]*version\b' \
		-e 'kp(->|\.)version[[:space:]]*(==|!=|<=|>=|<|>)' \
		-e '(==|!=|<=|>=|<|>)[[:space:]]*[A-Za-z_.>-]*kp(->|\.)version\b' \
		-e '\b[A-Z][A-Z0-9_]*_(SINCE|UNTIL)\b' "$f" |
		grep -vE '^[0-9]+:[[:space:]]*(\*|/\*|//)')
	if [ -n "$hits" ]; then
		echo "$hits" | sed "s|^|kprofile: $f:|"
		vbad=$((vbad + $(echo "$hits" | wc -l)))
	fi
done
if [ $vbad -eq 0 ]; then
	echo "kprofile: no model tests a kernel version"
else
	echo "kprofile: $vbad line(s) test a kernel version; make it a field of struct zsim_kprofile (core/kprofile.h)"
fi
[ $bad -eq 0 ] && [ $vbad -eq 0 ]
