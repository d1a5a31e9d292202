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
[ $bad -eq 0 ]
