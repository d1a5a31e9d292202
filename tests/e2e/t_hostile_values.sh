# Values that would switch a feature off or mean something else (issue 16,
# class 8): each is refused with one line, or means what it says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

printf 'create 1 0 a\naccess 1 0x10 w text:1\nexit 1\n' > "$T/one.txt"
pack "$T/one.txt"

# the text header's fs list: an empty name is an error, not dropped
printf '#zsim-trace version=1 fs=a,,b\ncreate 1 0 a\n' > "$T/fs.txt"
hostile "fs=a,,b" "fs.txt:1: bad filesystem name '' " "$ZSIM" trace pack "$T/fs.txt" -o "$T/fs.trc"
printf '#zsim-trace version=1 fs=a,\ncreate 1 0 a\n' > "$T/fs2.txt"
hostile "fs=a, (trailing comma)" "fs2.txt:1: bad filesystem name ''" "$ZSIM" trace pack "$T/fs2.txt" -o "$T/fs2.trc"
printf '#zsim-trace version=1 end=2\ncreate 1 0 a\n' > "$T/end.txt"
hostile "end=2 in the header" "end.txt:1: header end '2' is not 1" "$ZSIM" trace pack "$T/end.txt" -o "$T/end.trc"

# fill --synthetic: every field given, none empty
hostile "--synthetic text:10:" "'text:10:' is not CLASS:PAGES\[:SEED\]" "$ZSIM" fill --synthetic text:10:
hostile "--synthetic text::5" "'text::5' is not CLASS:PAGES\[:SEED\]" "$ZSIM" fill --synthetic text::5
hostile "--synthetic :10" "is not CLASS:PAGES|unknown content class" "$ZSIM" fill --synthetic :10
check "--synthetic text:10:3 still works" sh -c "'$ZSIM' fill --synthetic text:10:3 > /dev/null"

# --out: refused before the run, and "dir/" means dir
hostile '--out ""' "--out: empty directory name" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out ""
hostile "--out /" "--out /: not a name" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out /
check "--out newdir/ writes newdir" "$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/newdir/" --quiet
check "... as a results directory" test -s "$T/newdir/summary.json"
check "... and no temporary name inside it" sh -c "! ls -a '$T/newdir' | grep -q tmp"
ln -s "$T/newdir" "$T/linkdir"
hostile "--out a symlink to results" "--out .*linkdir: exists and is not a zsim results directory" \
	"$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/linkdir"

# config times: at most 2^62 ns, so what prints back loads back
printf '{ "machine": { "ram": "32M" }, "mm": { "sample_interval": "10000000000000000000ns" } }' > "$T/t.json"
hostile "a time past 2^63 ns" "sample_interval: expected a time with a unit .* below 2\^62 ns" \
	"$ZSIM" --print-config --config "$T/t.json"
printf '{ "machine": { "ram": "32M" }, "mm": { "sample_interval": "4000000000000000000ns" } }' > "$T/t2.json"
"$ZSIM" --print-config --config "$T/t2.json" > "$T/t2.out"
check "a time below 2^62 ns prints back as itself" grep -q '"sample_interval": "4000000000s"' "$T/t2.out"
"$ZSIM" --print-config --config "$T/t2.out" > "$T/t3.out"
check "and the printed config loads again, the same" cmp -s "$T/t2.out" "$T/t3.out"

# a results directory that cannot be replaced whole is left as it was
"$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/keep" --quiet
mkdir "$T/keep/sub"
touch "$T/keep/sub/f"
hostile "results that cannot be emptied" "--out .*keep: cannot remove the earlier results" \
	"$ZSIM" --trace "$T/one.txt.trc" --config "$T/m.json" --out "$T/keep" --quiet
check "... stay where they were" test -s "$T/keep/summary.json" -a -e "$T/keep/sub/f"
clean "values: nothing left behind"
