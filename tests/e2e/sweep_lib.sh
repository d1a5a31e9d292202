# sweep_lib.sh - what the sweep tests (t_sweep*.sh) share, sourced after
# lib.sh: sweep_inputs DIR makes two small traces in DIR, svc.trc (a 24 MiB
# service that re-reads its pages) and hog.trc (a 12 MiB hogger), and copies
# the sample machine mini.json beside them.
sweep_inputs() {
	"$ZSIM" trace gen hogger --size 24M --content text --retouch 0.1 --period 500ms --duration 2s \
		--seed 1 -o "$1/svc.trc"
	"$ZSIM" trace gen hogger --size 12M --content heap --duration 1s --seed 2 -o "$1/hog.trc"
	cp "$(cd "$(dirname "$0")/../../traces/samples" && pwd)/mini.json" "$1/mini.json"
}
