# Files (issue 16, classes 5 and 6): corpus paths that are not files, output
# that cannot be written, -o onto what is not a regular file, truncated text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hostile_lib.sh"

printf 'create 1 0 a\naccess 1 0x10 w text:1\nexit 1\n' > "$T/one.txt"
pack "$T/one.txt"

# corpus: a FIFO must not hang in open, a directory is named as such
mkfifo "$T/fifo"
mkdir "$T/dir"
HOSTILE_SECS=10 hostile "fill: a FIFO as corpus" "fifo: not a regular file \(a FIFO\)" "$ZSIM" fill "$T/fifo"
hostile "fill: a directory as corpus" "dir: not a regular file \(a directory\)" "$ZSIM" fill "$T/dir"
printf '#zsim-trace version=1 corpus=fifo\ncreate 1 0 a\naccess 1 0x10 w corpus:0\nexit 1\n' > "$T/fc.txt"
"$ZSIM" trace pack "$T/fc.txt" -o "$T/fc.trc"
HOSTILE_SECS=10 hostile "run: a FIFO as the trace's corpus" "fc.trc: the trace's corpus: .*fifo: not a corpus \(not a regular file: a FIFO\)" \
	"$ZSIM" --trace "$T/fc.trc" --config "$T/m.json" --out "$T/r1"
hostile "run: a directory as the config" "--config .*dir: is a directory" \
	"$ZSIM" --trace "$T/one.txt.trc" --config "$T/dir" --out "$T/r2"
hostile "run: a directory as the trace" "--trace .*dir: is a directory" \
	"$ZSIM" --trace "$T/dir" --config "$T/m.json" --out "$T/r3"

# stdout that cannot be written is an error, not exit 0
if [ -w /dev/full ]; then
	hostile "trace dump > /dev/full" "standard output: write error|<stdout>: write error" sh -c "'$ZSIM' trace dump '$T/one.txt.trc' > /dev/full"
	hostile "trace stat > /dev/full" "standard output: write error" sh -c "'$ZSIM' trace stat '$T/one.txt.trc' > /dev/full"
	hostile "trace stat --json > /dev/full" "standard output: write error" sh -c "'$ZSIM' trace stat --json '$T/one.txt.trc' > /dev/full"
	hostile "--print-config > /dev/full" "standard output: write error" sh -c "'$ZSIM' --print-config --config '$T/m.json' > /dev/full"
	hostile "--list > /dev/full" "standard output: write error" sh -c "'$ZSIM' --list > /dev/full"
else
	pass "stdout write errors (no /dev/full here)"
fi

# a file that cannot be written whole (here: ulimit -f, with SIGXFSZ ignored,
# as a full disk would) is an error, and nothing is renamed into place
"$ZSIM" trace gen zipf --size 16M --accesses 50000 -o "$T/z.trc"
"$ZSIM" trace dump "$T/z.trc" -o "$T/z.txt"
hostile "dump -o onto a full file system" "z2.txt: write error: File too large" \
	sh -c "trap '' XFSZ; ulimit -f 64; exec '$ZSIM' trace dump '$T/z.trc' -o '$T/z2.txt'"
check "... leaves no file" [ ! -e "$T/z2.txt" ]
hostile "pack -o onto a full file system" "z2.trc: .*File too large" \
	sh -c "trap '' XFSZ; ulimit -f 16; exec '$ZSIM' trace pack '$T/z.txt' -o '$T/z2.trc'"
check "... leaves no file" [ ! -e "$T/z2.trc" ]
hostile "run results onto a full file system" "--out .*full: cannot write the results" \
	sh -c "trap '' XFSZ; ulimit -f 1; exec '$ZSIM' --trace '$T/z.trc' --config '$T/m.json' --out '$T/full' --quiet"
check "... leaves no results" [ ! -e "$T/full" ]

# -o replaces only a regular file: never a device, a symlink or a directory
hostile "dump -o a device" "-o /dev/null: exists and is not a regular file \(a device\)" \
	"$ZSIM" trace dump "$T/one.txt.trc" -o /dev/null
echo keep > "$T/target"
ln -s "$T/target" "$T/link"
hostile "pack -o a symlink" "link: exists and is not a regular file \(a symbolic link\)" \
	"$ZSIM" trace pack "$T/one.txt" -o "$T/link"
check "the symlink is still a symlink" [ -L "$T/link" ]
check "its target is untouched" grep -qx keep "$T/target"
hostile "gen -o a directory" "dir: exists and is not a regular file \(a directory\)" \
	"$ZSIM" trace gen hogger --size 1M -o "$T/dir"
hostile "corpus -o a FIFO" "fifo: exists and is not a regular file \(a FIFO\)" \
	"$ZSIM" corpus text --pages 1 -o "$T/fifo"
hostile "calibrate -o a device" "-o /dev/null: exists and is not a regular file" "$ZSIM" calibrate --pages 16 -o /dev/null
hostile "pack -o a name ending in /" "names a directory" "$ZSIM" trace pack "$T/one.txt" -o "$T/new/"

# the text form ends with '#end N': a cut text is refused, not packed short
"$ZSIM" trace dump "$T/one.txt.trc" -o "$T/one.dump"
check "dump ends with its end marker" test "$(tail -1 "$T/one.dump")" = "#end 3"
head -n 3 "$T/one.dump" > "$T/cut.txt"
hostile "pack refuses a cut dump" "cut.txt:3: the text ends without its '#end 2' line \(cut short\?\)" \
	"$ZSIM" trace pack "$T/cut.txt" -o "$T/cut.trc"
check "and writes nothing" [ ! -e "$T/cut.trc" ]
{ cat "$T/one.dump"; echo "access 1 0x11 r"; } > "$T/after.txt"
hostile "pack refuses events after the marker" "after.txt:6: text after the #end line" "$ZSIM" trace pack "$T/after.txt" -o "$T/after.trc"
sed 's/^#end 3$/#end 4/' "$T/one.dump" > "$T/count.txt"
hostile "pack refuses a wrong count" "#end says 4 events, the text has 3" "$ZSIM" trace pack "$T/count.txt" -o "$T/count.trc"
# texts without end=1 in the header (older dumps, hand-written) still read
{ echo '#zsim-trace version=1 fs=src'; cat "$T/one.txt"; } > "$T/old.txt"
check "a text without the marker still packs" "$ZSIM" trace pack "$T/old.txt" -o "$T/old.trc"
check "and gives the same trace" cmp -s "$T/old.trc" "$T/one.txt.trc"
clean "files: nothing left behind"
