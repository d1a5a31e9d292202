/*
 * report.c - `zsim report DIR [DIR...] -o report.html`: one static HTML file
 * that reads offline (no script, no external file, no font from the net):
 *
 *   - the headline numbers of each run (outcome, swap traffic, fault latency,
 *     runtimes, wear), side by side when there are several;
 *   - the comparison of every run with the first (zsim compare's table, the
 *     keys that differ; all keys in a folded section);
 *   - the charts of `zsim plot` as SVG, embedded as data: URIs (each SVG keeps
 *     its own ids, and nothing in them runs);
 *   - the events (OOM kills, ENOSPC...) and each run's resolved config
 *     (config.json, which `zsim run` writes beside summary.json; an older
 *     results directory without it says so).
 *
 * The file is written under a temporary name and renamed into place, so a
 * failure leaves no half-written report.
 */
#include "cli.h"
#include "compare.h"
#include "../sim/results.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void esc(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		switch (s[i]) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(s[i], out);
		}
}

static void esc_s(FILE *out, const char *s)
{
	esc(out, s, strlen(s));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0, got;
	char *buf = zsim_xmalloc(cap + 1);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = zsim_xrealloc(buf, (cap *= 2) + 1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void base64(FILE *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
		fputc(tab[v >> 18 & 63], out);
		fputc(tab[v >> 12 & 63], out);
		fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', out);
		fputc(i + 2 < n ? tab[v & 63] : '=', out);
	}
}

/* The headline rows: what a reader asks first. */
static const char *const headline_keys[][2] = {
	{ "sim_time_ns", "simulated time (ns)" },
	{ "outcome.oom_kills", "OOM kills" },
	{ "outcome.processes_killed", "processes killed" },
	{ "outcome.enospc", "ENOSPC" },
	{ "outcome.lost_writes", "lost writes" },
	{ "vmstat.pswpin", "pages swapped in (pswpin)" },
	{ "vmstat.pswpout", "pages swapped out (pswpout)" },
	{ "vmstat.pgmajfault", "major faults" },
	{ "vmstat.allocstall", "direct reclaim stalls (allocstall)" },
	{ "major_fault_latency_ns.p50", "major fault latency p50 (ns)" },
	{ "major_fault_latency_ns.p99", "major fault latency p99 (ns)" },
	{ "memory.free_pages_lowest", "lowest free memory (pages)" },
};

static void headline_table(FILE *out, const struct zsim_cmp *c)
{
	fputs("<table class=\"cmp\"><thead><tr><th>what</th><th>key</th>", out);
	for (size_t r = 0; r < c->nruns; r++)
		fputs("<th>", out), esc_s(out, c->names[r]), fputs("</th>", out);
	fputs("</tr></thead><tbody>\n", out);
	for (size_t k = 0; k < c->nkeys; k++) {
		const char *key = c->keys[k], *label = NULL;
		for (size_t h = 0; h < ZSIM_ARRAY_SIZE(headline_keys); h++)
			if (!strcmp(headline_keys[h][0], key))
				label = headline_keys[h][1];
		if (!label && !strncmp(key, "runtime_ns.", 11))
			label = "runtime of the trace (ns)";
		if (!label && strstr(key, "latency") && (strstr(key, ".p50") || strstr(key, ".p99")) &&
		    strncmp(key, "major_fault_latency_ns.", 23))
			label = "fault latency by source (ns)";
		if (!label && (strstr(key, ".wear.life_used") || strstr(key, ".wear.years_at_this_rate")))
			label = strstr(key, "life") ? "flash wear: share of rated life used" : "flash wear: years at this rate";
		if (!label && strstr(key, "slowdown"))
			label = "slowdown against unlimited RAM";
		if (!label && (!strncmp(key, "psi.", 4) || strstr(key, ".psi.")) && (strstr(key, "avg10") || strstr(key, "total")))
			label = "memory pressure (PSI)";
		if (!label && !strncmp(key, "swap.", 5) && strstr(key, ".used_pages"))
			label = "swap used (pages)";
		if (!label && !strncmp(key, "devices.", 8) && strstr(key, ".mem_used_total"))
			label = "compressed store: RAM held (bytes)";
		if (!label)
			continue;
		fputs("<tr><td>", out), esc_s(out, label), fputs("</td><td><code>", out), esc_s(out, key);
		fputs("</code></td>", out);
		for (size_t r = 0; r < c->nruns; r++) {
			const double *v = zsim_flat_get(&c->runs[r], key);
			if (!v)
				fputs("<td>-</td>", out);
			else if (fabs(*v) < 1e15 && *v == floor(*v))
				fprintf(out, "<td>%lld</td>", (long long)*v);
			else
				fprintf(out, "<td>%.6g</td>", *v);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void events_section(FILE *out, const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	FILE *f = fopen(path, "r");
	fputs("<h3>", out), esc_s(out, name), fputs("</h3>\n", out);
	if (!f) {
		fputs("<p>no events.jsonl</p>\n", out);
		return;
	}
	char line[8192];
	unsigned n = 0, shown = 0;
	fputs("<pre class=\"ev\">", out);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (shown < 20) {
			esc_s(out, line);
			shown++;
		}
	}
	fclose(f);
	if (!n)
		fputs("(none: no OOM kill, no ENOSPC, no lost write)\n", out);
	else if (n > shown)
		fprintf(out, "... %u more (events.jsonl)\n", n - shown);
	fputs("</pre>\n", out);
}

static const char css[] =
	"body{font-family:sans-serif;margin:1.5em auto;max-width:1200px;color:#222;line-height:1.4}"
	"h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}"
	"table.cmp{border-collapse:collapse;font-size:.85em;margin:.5em 0}"
	"table.cmp th,table.cmp td{border:1px solid #ddd;padding:.2em .5em;text-align:right}"
	"table.cmp td:first-child,table.cmp th:first-child{text-align:left}"
	"table.cmp tr:nth-child(even){background:#f6f6f6}td.d{background:#fff3cd}"
	"img.plot{max-width:100%;border:1px solid #eee;margin:.5em 0}"
	"pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:.8em}"
	"p.note{color:#666;font-size:.85em}";

struct report_opts {
	const char *out;
	bool help;
};

#define REP_OFF(f) offsetof(struct report_opts, f)
static const struct zsim_opt report_opts[] = {
	{ "output", ZSIM_OPT_FILE, REP_OFF(out), "report.html", 0, 0, "the HTML file to write", 'o' },
	{ "help", ZSIM_OPT_FLAG, REP_OFF(help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_cmd_report(int argc, char **argv)
{
	struct report_opts o;
	char err[1024];
	memset(&o, 0, sizeof(o));
	const struct zsim_opt_set sets[] = { { report_opts, &o }, { NULL, NULL } };
	int npos = 0;
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim report: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (o.help) {
		printf("usage: zsim report DIR [DIR...] [-o report.html]\n"
		       "One static HTML file, readable offline: the headline numbers of each run, the\n"
		       "comparison with the first run (zsim compare), the charts (zsim plot, as SVG),\n"
		       "the events and each run's resolved config.\n");
		zsim_opt_print(stdout, report_opts);
		return ZSIM_EXIT_OK;
	}
	if (npos < 1) {
		fprintf(stderr, "zsim report: no results directory given (zsim report DIR [DIR...] -o FILE)\n");
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_cmp c;
	if (zsim_cmp_load(&c, (size_t)npos, argv + 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim report: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	char tmpdir[] = "/tmp/zsim-report-XXXXXX";
	if (!mkdtemp(tmpdir)) {
		fprintf(stderr, "zsim report: cannot create a temporary directory: %s\n", strerror(errno));
		zsim_cmp_free(&c);
		return ZSIM_EXIT_ERROR;
	}
	char **files = NULL;
	size_t nf = 0;
	if (zsim_plot_runs((size_t)npos, argv + 1, tmpdir, "svg", &files, &nf, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim report: %s\n", err);
		rmdir(tmpdir);
		zsim_cmp_free(&c);
		return ZSIM_EXIT_ERROR;
	}
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", o.out, (long)getpid());
	FILE *out = fopen(tmp, "w");
	int rc = ZSIM_EXIT_OK;
	if (!out) {
		fprintf(stderr, "zsim report: -o %s: %s\n", o.out, strerror(errno));
		rc = ZSIM_EXIT_ERROR;
		goto done;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<link rel=\"icon\" href=\"data:,\">\n<title>zsim report: ", out);
	for (size_t r = 0; r < c.nruns; r++)
		esc_s(out, r ? ", " : ""), esc_s(out, c.names[r]);
	fprintf(out, "</title>\n<style>%s</style></head><body>\n<h1>zsim report: ", css);
	for (size_t r = 0; r < c.nruns; r++)
		esc_s(out, r ? " vs " : ""), esc_s(out, c.names[r]);
	fputs("</h1>\n<p>Runs, in order (the first is the base of every comparison):</p><ol>", out);
	for (int r = 0; r < npos; r++)
		fputs("<li><code>", out), esc_s(out, argv[1 + r]), fputs("</code></li>", out);
	fputs("</ol>\n<h2 id=\"summary\">Summary</h2>\n", out);
	headline_table(out, &c);
	if (c.nruns > 1) {
		fputs("<h2 id=\"comparison\">Comparison with ", out);
		esc_s(out, c.names[0]);
		fputs("</h2>\n<p class=\"note\">Every number of the summaries that differs between the runs, "
		      "with the difference and the ratio to the first run (<code>zsim compare</code>).</p>\n", out);
		zsim_cmp_write(out, &c, "html", false);
	}
	fputs("<details><summary>every key of the summaries</summary>\n", out);
	zsim_cmp_write(out, &c, "html", true);
	fputs("</details>\n<h2 id=\"plots\">Charts</h2>\n", out);
	for (size_t i = 0; i < nf; i++) {
		size_t len;
		char *svg = slurp(files[i], &len);
		if (!svg)
			continue;
		const char *base = strrchr(files[i], '/');
		fputs("<div><img class=\"plot\" alt=\"", out);
		esc_s(out, base ? base + 1 : files[i]);
		fputs("\" src=\"data:image/svg+xml;base64,", out);
		base64(out, (const unsigned char *)svg, len);
		fputs("\"></div>\n", out);
		free(svg);
	}
	fputs("<h2 id=\"events\">Events</h2>\n", out);
	for (int r = 0; r < npos; r++)
		events_section(out, argv[1 + r], c.names[r]);
	fputs("<h2 id=\"config\">Configs</h2>\n", out);
	for (int r = 0; r < npos; r++) {
		char path[4200];
		size_t len;
		snprintf(path, sizeof(path), "%s/config.json", argv[1 + r]);
		char *cfg = slurp(path, &len);
		fputs("<h3>", out), esc_s(out, c.names[r]), fputs("</h3>\n", out);
		if (cfg) {
			fputs("<pre>", out), esc(out, cfg, len), fputs("</pre>\n", out);
			free(cfg);
		} else {
			fputs("<p class=\"note\">no config.json in this results directory (written by zsim run "
			      "since the report existed)</p>\n", out);
		}
	}
	fputs("<p class=\"note\">Written by zsim " ZSIM_VERSION_STRING ".</p>\n</body></html>\n", out);
	if (fclose(out) != 0 || rename(tmp, o.out) != 0) {
		fprintf(stderr, "zsim report: -o %s: cannot write: %s\n", o.out, strerror(errno));
		unlink(tmp);
		rc = ZSIM_EXIT_ERROR;
	}
done:
	for (size_t i = 0; i < nf; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	free(files);
	rmdir(tmpdir);
	zsim_cmp_free(&c);
	if (rc == ZSIM_EXIT_OK)
		printf("%s\n", o.out);
	return rc;
}
