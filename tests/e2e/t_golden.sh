# Results do not move under a reorganisation: the main job, the ready configs,
# the seed experiments and the samples give the files whose hashes
# tests/golden/hashes.txt recorded (tests/golden/golden.sh says how to re-record).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
sh "$ROOT/tests/golden/golden.sh" "$T/w" > "$T/hashes.txt" 2> "$T/golden.err"
while read -r sum name; do
	got=$(awk -v n="$name" '$2 == n { print $1 }' "$T/hashes.txt")
	check "golden: $name unchanged" test "$got" = "$sum"
done < "$ROOT/tests/golden/hashes.txt"
