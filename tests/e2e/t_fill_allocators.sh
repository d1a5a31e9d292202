# `zsim fill --allocators ... --report`: the same pages through each allocator.
. "$(dirname "$0")/lib.sh"

"$ZSIM" fill --kernel 6.1 --synthetic mix:3000:5 --allocators zsmalloc,zbud,z3fold,ideal --report --json > "$T/r.json"
check "report: one JSON object per allocator" [ "$(wc -l < "$T/r.json")" = 4 ]
for a in zsmalloc zbud z3fold ideal; do
	check "report: $a present with its fields" grep -q "\"allocator\":\"$a\",\"pages_used\":[0-9]*,\"objects\":[0-9]*,\"bytes_stored\"" "$T/r.json"
done
pages() { grep "\"allocator\":\"$1\"" "$T/r.json" | sed 's/.*"pages_used":\([0-9]*\).*/\1/'; }
check "report: no allocator below ideal" [ "$(pages zsmalloc)" -ge "$(pages ideal)" ] && [ "$(pages zbud)" -ge "$(pages ideal)" ] && [ "$(pages z3fold)" -ge "$(pages ideal)" ]
check "report: zbud holds at most 2 objects per page" sh -c "grep '\"allocator\":\"zbud\"' '$T/r.json' | grep -q '\"stored_whole\":[1-9]'"
check "report: same bytes stored by all" [ "$(grep -o '"bytes_stored":[0-9]*' "$T/r.json" | sort -u | wc -l)" = 1 ]
check "report: zsmalloc per-class rows" grep -q '"classes":\[{"size":' "$T/r.json"
"$ZSIM" fill --kernel 6.1 --synthetic mix:3000:5 --allocators zsmalloc,ideal --report > "$T/r.txt"
check "report: table header and class view" grep -q "^allocator  pages_used" "$T/r.txt"
check "report: zsmalloc classes view printed" grep -q "^zsmalloc classes:" "$T/r.txt"
check "every allocator keeps its invariants" sh -c "'$ZSIM' fill --check --kernel 6.1 --synthetic mix:1500:9 --allocators zsmalloc,zbud,z3fold,ideal --compact > /dev/null"
