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

# config zeros that would switch a model off: refused naming the JSON path, exit 1
cfg0() { # NAME JSON-FRAGMENT PATTERN
	printf '{ "machine": { "ram": "64M" }, %s }' "$2" > "$T/z0.json"
	hostile "$1" "$3" "$ZSIM" --print-config --config "$T/z0.json"
	"$ZSIM" --print-config --config "$T/z0.json" > /dev/null 2>&1
	check "$1: exit status 1" [ $? -eq 1 ]
}
cfg0 "pe_cycles 0 (wear silently off)" \
	'"devices": { "d": { "type": "ssd", "size": "1G", "pe_cycles": 0 } }, "swap": [ { "device": "d" } ]' \
	'^zsim: .*z0.json: \$\.devices\.d\.pe_cycles: expected an integer from 1 to 10000000$'
cfg0 "emmc pe_cycles 0" \
	'"devices": { "e": { "type": "emmc", "size": "1G", "pe_cycles": "0" } }, "swap": [ { "device": "e" } ]' \
	'\$\.devices\.e\.pe_cycles: expected an integer from 1'
cfg0 "zswap max_pool_percent 0 (every store refused)" \
	'"devices": { "d": { "type": "ssd", "size": "1G" } }, "swap": [ { "device": "d" } ], "zswap": { "max_pool_percent": 0 }' \
	'\$\.zswap\.max_pool_percent: expected an integer from 1 to 100'
cfg0 "tmpfs size 0 (the kernel's 'no limit')" '"filesystems": { "t": { "type": "tmpfs", "size": 0 } }' \
	'\$\.filesystems\.t\.size: at least one page'
cfg0 "tmpfs size 100 bytes (0 pages)" '"filesystems": { "t": { "type": "tmpfs", "size": 100 } }' \
	'\$\.filesystems\.t\.size: at least one page'
printf '{ "machine": { "ram": "64M" }, "devices": { "d": { "type": "ssd", "size": "1G", "pe_cycles": 1 } }, "swap": [ { "device": "d" } ], "zswap": { "max_pool_percent": 1 }, "filesystems": { "src": { "type": "tmpfs", "size": 4096 } } }' > "$T/z1.json"
check "pe_cycles 1, max_pool_percent 1, a one-page tmpfs are taken as given" \
	sh -c "'$ZSIM' --print-config --config '$T/z1.json' | grep -q '\"pe_cycles\": 1,' &&
	'$ZSIM' --print-config --config '$T/z1.json' | grep -q '\"max_pool_percent\": 1,'"
"$ZSIM" --trace "$T/one.txt.trc" --config "$T/z1.json" --out "$T/z1" --quiet
check "... and a run on them reports the flash's wear" grep -q '"life_used"' "$T/z1/summary.json"

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
