# zsim report: one offline HTML file (no script, no external resource) with the
# summary, the comparison, the charts as SVG and the configs, checked in a real
# headless browser (Debian's chromium): it loads with no console message, its
# screenshot is not blank, and the key numbers are in the page's text.
# The screenshot is kept at $ZSIM_ARTIFACTS/report-screenshot.png (default
# build/artifacts/) and its path printed, for CI to collect.
. "$(dirname "$0")/lib.sh"
S="$(dirname "$0")/../../traces/samples"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
if ! command -v gnuplot > /dev/null; then
	echo "SKIP t_report.sh: gnuplot is not installed (make deps installs it)"
	exit 0
fi
"$ZSIM" trace gen hogger --size 28M --content text --retouch 0.1 --period 500ms --duration 20s \
	--seed 1 -o "$T/svc.trc"
"$ZSIM" trace gen hogger --size 40M --content text --retouch 0.1 --period 500ms --duration 10s \
	--seed 1 -o "$T/big.trc"
"$ZSIM" trace pack "$S/kbuild-mini.txt" -o "$T/k.trc"
"$ZSIM" --trace "$T/svc.trc" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/calm" --quiet
"$ZSIM" --trace "$T/big.trc" --trace "$T/k.trc" --config "$S/mini.json" --out "$T/oom" --quiet
check "report: the runs wrote their resolved config" grep -q '"swappiness": 60' "$T/calm/config.json"

"$ZSIM" report "$T/calm" "$T/oom" -o "$T/report.html" > "$T/rep.out"
check "report: exit 0, the file named on stdout" grep -qx "$T/report.html" "$T/rep.out"
H="$T/report.html"
check "report: five charts embedded as SVG" [ "$(grep -o 'data:image/svg+xml;base64,' "$H" | wc -l)" -eq 5 ]
check "report: no script" sh -c "! grep -qi '<script' '$H'"
check "report: nothing fetched from elsewhere" sh -c "! grep -Eqi '(src|href)=\"(https?:|//)' '$H'"
check "report: the config is in it" grep -q '&quot;swappiness&quot;: 60' "$H"
check "report: the OOM kill event is in it" grep -q '&quot;type&quot;:&quot;oom_kill&quot;' "$H"
"$ZSIM" report "$T/calm" -o "$T/one.html" > /dev/null
check "report: one run" grep -q 'zsim report: calm' "$T/one.html"
expect_error "report: a missing directory" "zsim report: .*nope/summary.json" "$ZSIM" report "$T/nope" -o "$T/x.html"
check "report: no file after an error" [ ! -e "$T/x.html" ]

CHROMIUM=${CHROMIUM:-}
for c in chromium chromium-browser google-chrome; do
	[ -n "$CHROMIUM" ] && break
	command -v "$c" > /dev/null && CHROMIUM=$c
done
if [ -z "$CHROMIUM" ]; then
	echo "SKIP t_report.sh browser checks: chromium is not installed (make deps installs Debian's chromium)"
	exit 0
fi
ART=${ZSIM_ARTIFACTS:-$ROOT/build/artifacts}
mkdir -p "$ART"
browse() { # ARGS... : chromium headless on the report, its console on stderr
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--user-data-dir="$T/chrome-profile" --enable-logging=stderr --v=0 "$@"
}
# the console check must be able to fail: a page with an error shows up
printf '<!DOCTYPE html><html><body><script>undefinedFn();</script></body></html>' > "$T/bad.html"
browse --dump-dom "file://$T/bad.html" > /dev/null 2> "$T/bad.err"
check "report: the browser's console is seen (a page with an error)" grep -q 'CONSOLE.*undefinedFn' "$T/bad.err"

browse --dump-dom "file://$H" > "$T/dom.html" 2> "$T/dom.err"
check "report: chromium loads it" grep -q '</html>' "$T/dom.html"
check "report: no console message" sh -c "! grep -q 'CONSOLE' '$T/dom.err'"
grep 'CONSOLE' "$T/dom.err" | head -3
calm_in=$(jget "$T/calm/summary.json" vmstat.pswpin)
oom_in=$(jget "$T/oom/summary.json" vmstat.pswpin)
calm_p99=$(jget "$T/calm/summary.json" major_fault_latency_ns.p99)
for n in "$calm_in" "$oom_in" "$calm_p99"; do
	check "report: the page's text has $n" grep -q "<td>$n</td>" "$T/dom.html"
done
check "report: the page names both runs" grep -q 'zsim report: calm vs oom' "$T/dom.html"
check "report: the OOM kill count is in the summary table" \
	grep -Eq '<td>OOM kills</td><td><code>outcome.oom_kills</code></td><td>0</td><td>1</td>' "$T/dom.html"

shot="$ART/report-screenshot.png"
rm -f "$shot"
browse --window-size=1200,1800 --screenshot="$shot" "file://$H" > /dev/null 2> "$T/shot.err"
echo "t_report: screenshot of the report: $shot"
check "report: a screenshot" [ -s "$shot" ]
# a blank 1200x1800 page compresses to a few KiB; tables and charts do not
check "report: the screenshot is not blank (over 30 KiB)" [ "$(wc -c < "$shot")" -gt 30000 ]
cp "$H" "$ART/report.html"
