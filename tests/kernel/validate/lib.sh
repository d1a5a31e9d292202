# lib.sh - what run.sh (boots) and resim.sh (zsim's side again) share; sourced
# with ZSIM set to the zsim binary.

# scenario_traces DIR: the traces of the scenario sourced last (its GEN_1..GEN_3
# generator lines) into DIR/t1.trc.zst, t2.trc.zst, ... in that order.
scenario_traces() {
	k=1
	for g in "$GEN_1" "$GEN_2" "$GEN_3"; do
		[ -n "$g" ] || continue
		# shellcheck disable=SC2086
		"$ZSIM" trace gen $g -o "$1/t$k.trc.zst"
		k=$((k + 1))
	done
}

# zsim_side D WHO: zsim on D/ir/traces (in name order) with the guest config
# D/zsim.json, results in D/zsim; exits 1 with a line naming WHO when it gives
# none (an OOM exit is a result).
zsim_side() {
	targs=""
	for t in $(cd "$1/ir/traces" && ls | sort); do targs="$targs --trace $1/ir/traces/$t"; done
	# shellcheck disable=SC2086
	"$ZSIM" $targs --config "$1/zsim.json" --out "$1/zsim" --quiet || true
	[ -f "$1/zsim/summary.json" ] || { echo "$2: zsim gave no results for $(basename "$1")" >&2; exit 1; }
}
