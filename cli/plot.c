/*
 * plot.c - `zsim plot DIR [DIR...] [-o OUTDIR] [--format png|svg|both]`:
 * gnuplot charts of one or several results directories, one file per question:
 *
 *   memory   what holds the RAM over time: anon, file, each compressed pool,
 *            free and the rest, stacked; RAM size and watermarks as lines
 *   swap     how full each swap device is, with its capacity as a line
 *   swapins  where swap-ins come from, per second, per device when the
 *            timeseries has per-device columns (else all of them), and
 *            major faults beside them
 *   latency  how long faults wait: the distribution (CDF) per source, from
 *            the quantiles the summary reports (p50 ... p99.9 of every
 *            *latency* object), on a log time axis
 *   writes   what the flash takes: MiB written over time per device (or
 *            swap-outs and page-outs), with each device's wear in the key
 *
 * OOM kills, ENOSPC, lost writes and deadlocks from events.jsonl are marked on
 * the time charts as vertical lines.  Several runs: the time charts get one
 * panel per run, each titled with the run's name; swapins and latency overlay
 * the runs, each named in the key.  Columns of timeseries.csv are read by
 * name: "swap_used_pages.zram0" (one column per device) is used when present,
 * else "swap_used_pages"; columns this file does not know are ignored; a
 * missing column leaves its series out.  Rates are averaged over at most
 * PLOT_BINS bins so a long run does not draw a barcode.
 *
 * gnuplot gets a script and data files in a temporary directory, removed
 * afterwards; it is the project's plotting dependency (make deps).
 */
#include "cli.h"
#include "compare.h"

#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dirent.h>

#define PLOT_BINS 60
#define MIB (1024.0 * 1024.0)
#define PAGE_MIB ((double)ZSIM_PAGE_SIZE / MIB)

struct series {
	char **col;
	size_t ncol, nrow, cap;
	double *v;   /* nrow x ncol */
};

struct event {
	double t;    /* s */
	char type[32];
	char what[64];
};

struct run {
	char *name;
	struct series ts;
	struct zsim_flat sum;
	struct event *ev;
	size_t nev;
};

static void series_free(struct series *s)
{
	for (size_t i = 0; i < s->ncol; i++)
		free(s->col[i]);
	free(s->col);
	free(s->v);
}

static int col(const struct series *s, const char *name)
{
	for (size_t i = 0; i < s->ncol; i++)
		if (!strcmp(s->col[i], name))
			return (int)i;
	return -1;
}

static double at(const struct series *s, size_t r, int c)
{
	return c < 0 ? 0 : s->v[r * s->ncol + (size_t)c];
}

/* Columns named PREFIX.X: their indexes (at most max). */
static size_t cols_with_prefix(const struct series *s, const char *prefix, int *out, size_t max)
{
	size_t n = 0, len = strlen(prefix);
	for (size_t i = 0; i < s->ncol && n < max; i++)
		if (!strncmp(s->col[i], prefix, len) && s->col[i][len] == '.')
			out[n++] = (int)i;
	return n;
}

static int read_csv(const char *path, struct series *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ZSIM_ENOENT;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (lineno == 1) {
			for (char *tok = strtok(line, ","); tok; tok = strtok(NULL, ",")) {
				s->col = zsim_xrealloc(s->col, (s->ncol + 1) * sizeof(*s->col));
				s->col[s->ncol++] = zsim_xstrdup(tok);
			}
			continue;
		}
		if (!n)
			continue;
		if (s->nrow == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 256;
			s->v = zsim_xrealloc(s->v, s->cap * s->ncol * sizeof(*s->v));
		}
		double *row = s->v + s->nrow * s->ncol;
		char *p = line;
		for (size_t c = 0; c < s->ncol; c++) {
			char *end;
			row[c] = strtod(p, &end);
			if (end == p || (*end != ',' && *end != '\0') || (c + 1 < s->ncol && *end != ',')) {
				snprintf(err, errlen, "%s: line %lu: column %zu (%s): not a number", path, lineno, c + 1,
					 s->col[c]);
				free(line);
				fclose(f);
				series_free(s);
				return ZSIM_EFORMAT;
			}
			p = end + (*end == ',');
		}
		s->nrow++;
	}
	free(line);
	fclose(f);
	if (s->ncol == 0 || col(s, "time_ns") < 0) {
		snprintf(err, errlen, "%s: no time_ns column (not a zsim timeseries)", path);
		series_free(s);
		return ZSIM_EFORMAT;
	}
	return 0;
}

static void read_events(const char *dir, struct run *r)
{
	char path[4200], line[8192];
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		json_error_t je;
		json_t *e = json_loads(line, 0, &je);
		json_t *t = json_object_get(e, "time_ns"), *ty = json_object_get(e, "type");
		if (json_is_number(t) && json_is_string(ty)) {
			r->ev = zsim_xrealloc(r->ev, (r->nev + 1) * sizeof(*r->ev));
			struct event *v = &r->ev[r->nev++];
			v->t = json_number_value(t) / 1e9;
			snprintf(v->type, sizeof(v->type), "%s", json_string_value(ty));
			json_t *w = json_object_get(e, "victim");
			if (!json_is_string(w))
				w = json_object_get(e, "fs");
			if (!json_is_string(w))
				w = json_object_get(e, "device");
			snprintf(v->what, sizeof(v->what), "%s", json_is_string(w) ? json_string_value(w) : "");
			for (char *c = v->what; *c; c++)
				if (*c == '"' || *c == '\\' || *c < 0x20)
					*c = '?';
		}
		json_decref(e);
	}
	fclose(f);
}

/* ---- gnuplot script helpers ---- */

struct plotctx {
	const char *tmp;        /* data files go here */
	FILE *gp;               /* the script */
	const char *fmt;        /* png | svg */
	const char *outdir;
	char ***files;
	size_t *nfiles;
	unsigned seq;
};

static FILE *data_file(struct plotctx *p, char *name, size_t len)
{
	snprintf(name, len, "%s/d%u.dat", p->tmp, p->seq++);
	FILE *f = fopen(name, "w");
	if (!f) {
		fprintf(stderr, "zsim plot: cannot write %s: %s\n", name, strerror(errno));
		abort();
	}
	return f;
}

static void gp_quote(FILE *gp, const char *s)
{
	fputc('"', gp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', gp);
		fputc(*s == '_' ? '_' : *s, gp);
	}
	fputc('"', gp);
}

static void begin_output(struct plotctx *p, const char *what, unsigned panels)
{
	char path[4200];
	unsigned h = 120 + 330 * panels;
	snprintf(path, sizeof(path), "%s/%s.%s", p->outdir, what, p->fmt);
	if (!strcmp(p->fmt, "png"))
		fprintf(p->gp, "set terminal pngcairo size 1100,%u font 'sans,10' noenhanced\n", h);
	else
		fprintf(p->gp, "set terminal svg size 1100,%u font 'sans,10' noenhanced background '#ffffff'\n", h);
	fputs("set output ", p->gp);
	gp_quote(p->gp, path);
	fputs("\nreset session\nset grid lc rgb '#dddddd'\nset key outside right top vertical Left reverse\n"
	      "set datafile separator ' '\nset style fill solid 0.85 noborder\nset tics nomirror\n"
	      "set lmargin 10\nset rmargin 46\nset autoscale xfix\n", p->gp);
	*p->files = zsim_xrealloc(*p->files, (*p->nfiles + 1) * sizeof(**p->files));
	(*p->files)[(*p->nfiles)++] = zsim_xstrdup(path);
}

/* OOM kills: a dashed red line each, labelled (the first few).  Other events
 * (ENOSPC, lost writes...), which may come by the thousand: short ticks along
 * the top edge, at most one per 1/300 of the run per type, and their count in
 * the title, so they never cover the chart.  Sets the title (title + counts). */
static void mark_events(struct plotctx *p, const struct run *r, const char *title)
{
	unsigned labels = 0;
	fputs("unset arrow\nunset label\n", p->gp);
	double span = 0;
	for (size_t i = 0; i < r->nev; i++)
		span = fmax(span, r->ev[i].t);
	if (r->ts.nrow)
		span = fmax(span, at(&r->ts, r->ts.nrow - 1, col(&r->ts, "time_ns")) / 1e9);
	char suffix[512] = "";
	const char *types[8];
	size_t counts[8], ntypes = 0;
	double first[8], lastt[8];
	for (size_t i = 0; i < r->nev; i++) {
		const struct event *e = &r->ev[i];
		if (!strcmp(e->type, "oom_kill")) {
			fprintf(p->gp, "set arrow from %.6f, graph 0 to %.6f, graph 1 nohead lc rgb '#d62728' lw 1.5 dt 2 front\n",
				e->t, e->t);
			if (labels < 6)
				fprintf(p->gp, "set label \"OOM kill%s%s\" at %.6f, graph %.2f left offset 0.5,0 tc rgb '#d62728' front\n",
					*e->what ? ": " : "", e->what, e->t, 0.93 - 0.07 * labels);
			labels++;
			continue;
		}
		size_t t;
		for (t = 0; t < ntypes && strcmp(types[t], e->type); t++)
			;
		if (t == ntypes) {
			if (ntypes == ZSIM_ARRAY_SIZE(types))
				continue;
			types[ntypes] = e->type;
			counts[ntypes] = 0;
			first[ntypes] = e->t;
			lastt[ntypes] = -INFINITY;
			ntypes++;
		}
		counts[t]++;
		if (e->t - lastt[t] >= span / 300) {
			const char *colour = !strcmp(e->type, "enospc") ? "#ff7f0e" : "#7f7f7f";
			double y0 = 0.97 - 0.03 * (double)t;
			fprintf(p->gp, "set arrow from %.6f, graph %.2f to %.6f, graph %.2f nohead lc rgb '%s' lw 2 front\n",
				e->t, y0, e->t, y0 + 0.03, colour);
			lastt[t] = e->t;
		}
	}
	if (labels > 6)
		snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), "%u OOM kills (red lines)", labels);
	for (size_t t = 0; t < ntypes; t++)
		snprintf(suffix + strlen(suffix), sizeof(suffix) - strlen(suffix), "%s%zu %s from %.1f s (%s ticks at the top)",
			 *suffix ? "; " : "", counts[t], !strcmp(types[t], "enospc") ? "ENOSPC" : types[t], first[t],
			 !strcmp(types[t], "enospc") ? "orange" : "grey");
	fputs("set title \"", p->gp);
	for (const char *c = title; *c; c++)
		fputc(*c == '"' ? '\'' : *c, p->gp);
	if (*suffix)
		fprintf(p->gp, "\\n%s", suffix);
	fputs("\"\n", p->gp);
}

static const char *const palette[] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
				       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };
#define NPAL ZSIM_ARRAY_SIZE(palette)

/* memory kinds: anon, file, then pools; free is pale green */
static const char *const mem_palette[] = { "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
					   "#bcbd22", "#d62728" };
#define NMEMPAL ZSIM_ARRAY_SIZE(mem_palette)

/* capacity lines when the timeseries sums the devices: never the OOM red */
static const char *const cap_palette[] = { "#2ca02c", "#8c564b", "#555555" };

static double flatv(const struct run *r, const char *key)
{
	const double *v = zsim_flat_get(&r->sum, key);
	return v ? *v : NAN;
}

/* ---- the charts ---- */

static void plot_memory(struct plotctx *p, struct run *runs, size_t n)
{
	begin_output(p, "memory", (unsigned)n);
	fprintf(p->gp, "set multiplot layout %zu,1\n", n);
	for (size_t i = 0; i < n; i++) {
		struct run *r = &runs[i];
		const struct series *s = &r->ts;
		int t = col(s, "time_ns");
		/* the kinds, bottom up */
		const char *names[24];
		int cols[24];
		size_t k = 0;
		static const char *const base[][2] = { { "anon_pages", "anon" }, { "file_pages", "file" } };
		for (size_t b = 0; b < 2; b++)
			if ((cols[k] = col(s, base[b][0])) >= 0)
				names[k++] = base[b][1];
		int pools[16];
		size_t np = cols_with_prefix(s, "ram_pages", pools, 16);
		for (size_t j = 0; j < np; j++) {
			cols[k] = pools[j];
			names[k++] = s->col[pools[j]];
		}
		if (!np && (cols[k] = col(s, "zspages")) >= 0)
			names[k++] = "compressed pools (zspages)";
		if ((cols[k] = col(s, "free_pages")) >= 0)
			names[k++] = "free";
		double ram = flatv(r, "memory.ram_pages"), kres = flatv(r, "memory.kernel_reserve_pages");
		double kused = flatv(r, "memory.kernel_used_pages");
		if (!isnan(kres) && !isnan(kused))
			kres -= kused;   /* MemTotal counts what the kernel held at the start */
		char dat[4200];
		FILE *d = data_file(p, dat, sizeof(dat));
		for (size_t row = 0; row < s->nrow; row++) {
			double sum = 0;
			fprintf(d, "%.6f 0", at(s, row, t) / 1e9);
			for (size_t j = 0; j < k; j++) {
				sum += at(s, row, cols[j]) * PAGE_MIB;
				fprintf(d, " %.6f", sum);
			}
			double top = isnan(ram) ? sum : ram * PAGE_MIB;
			fprintf(d, " %.6f\n", top > sum ? top : sum);
		}
		fclose(d);
		fputs("set title ", p->gp);
		char title[256];
		snprintf(title, sizeof(title), "memory by kind (MiB): %s", r->name);
		gp_quote(p->gp, title);
		fputs("\nset xlabel 'simulated time (s)'\nset ylabel 'MiB'\nset yrange [0:*]\n", p->gp);
		mark_events(p, r, title);
		fputs("plot ", p->gp);
		for (size_t j = 0; j < k; j++) {
			fprintf(p->gp, "%s'%s' using 1:%zu:%zu with filledcurves lc rgb '%s' title ", j ? ", " : "", dat,
				j + 2, j + 3, !strcmp(names[j], "free") ? "#d9f0d3" : mem_palette[j % NMEMPAL]);
			gp_quote(p->gp, names[j]);
		}
		fprintf(p->gp, ", '%s' using 1:%zu:%zu with filledcurves lc rgb '#bbbbbb' title 'kernel reserve, other'",
			dat, k + 2, k + 3);
		if (!isnan(ram))
			fprintf(p->gp, ", %.6f with lines lc rgb 'black' lw 1.5 title 'RAM (%.0f MiB)'", ram * PAGE_MIB,
				ram * PAGE_MIB);
		if (!isnan(kres) && kres > 0)
			fprintf(p->gp, ", %.6f with lines lc rgb '#555555' dt 3 title 'MemTotal'", (ram - kres) * PAGE_MIB);
		double wl = flatv(r, "memory.watermark_low"), wh = flatv(r, "memory.watermark_high");
		if (!isnan(wh))
			fprintf(p->gp, ", %.6f with lines lc rgb '#d62728' dt 2 title 'high watermark (%.1f MiB)'",
				wh * PAGE_MIB, wh * PAGE_MIB);
		if (!isnan(wl))
			fprintf(p->gp, ", %.6f with lines lc rgb '#ff7f0e' dt 3 title 'low watermark'", wl * PAGE_MIB);
		fputc('\n', p->gp);
	}
	fputs("unset multiplot\n", p->gp);
}

static void plot_swap(struct plotctx *p, struct run *runs, size_t n)
{
	begin_output(p, "swap", (unsigned)n);
	fprintf(p->gp, "set multiplot layout %zu,1\n", n);
	for (size_t i = 0; i < n; i++) {
		struct run *r = &runs[i];
		const struct series *s = &r->ts;
		int t = col(s, "time_ns"), cols[16];
		size_t k = cols_with_prefix(s, "swap_used_pages", cols, 16);
		bool per_dev = k > 0;
		if (!k && (cols[0] = col(s, "swap_used_pages")) >= 0)
			k = 1;
		char dat[4200];
		FILE *d = data_file(p, dat, sizeof(dat));
		for (size_t row = 0; row < s->nrow; row++) {
			fprintf(d, "%.6f", at(s, row, t) / 1e9);
			for (size_t j = 0; j < k; j++)
				fprintf(d, " %.6f", at(s, row, cols[j]) * PAGE_MIB);
			fputc('\n', d);
		}
		fclose(d);
		char title[256];
		snprintf(title, sizeof(title), "swap in use (MiB): %s", r->name);
		fputs("set title ", p->gp);
		gp_quote(p->gp, title);
		fputs("\nset xlabel 'simulated time (s)'\nset ylabel 'MiB'\nset yrange [0:*]\n", p->gp);
		mark_events(p, r, title);
		fputs("plot ", p->gp);
		bool any = false;
		for (size_t j = 0; j < k; j++) {
			const char *dev = per_dev ? s->col[cols[j]] + strlen("swap_used_pages.") : "all swap devices";
			fprintf(p->gp, "%s'%s' using 1:%zu with filledcurves y1=0 lc rgb '%s' fs transparent solid 0.35 title ",
				j ? ", " : "", dat, j + 2, palette[j % NPAL]);
			gp_quote(p->gp, dev);
			fprintf(p->gp, ", '%s' using 1:%zu with lines lc rgb '%s' lw 2 notitle", dat, j + 2,
				palette[j % NPAL]);
			any = true;
		}
		/* each device's capacity, in its colour; all of them when the timeseries sums the devices */
		double total = 0;
		size_t ndev = 0;
		for (size_t dv = 0; dv < r->sum.n; dv++) {
			const char *key = r->sum.key[dv];
			if (fnmatch("swap.*.total_pages", key, 0))
				continue;
			char dev[128];
			snprintf(dev, sizeof(dev), "%.*s", (int)(strlen(key) - strlen("swap..total_pages")), key + 5);
			double cap = r->sum.val[dv] * PAGE_MIB;
			total += cap;
			size_t j = 0;
			if (per_dev)
				for (j = 0; j < k && strcmp(s->col[cols[j]] + strlen("swap_used_pages."), dev); j++)
					;
			fprintf(p->gp, "%s%.6f with lines lc rgb '%s' dt %zu lw 1.5 title ", any ? ", " : "", cap,
				per_dev && j < k ? palette[j % NPAL] : cap_palette[ndev % 3], 2 + ndev % 3);
			ndev++;
			char t2[200];
			snprintf(t2, sizeof(t2), "%s capacity (%.0f MiB)", dev, cap);
			gp_quote(p->gp, t2);
			any = true;
		}
		if (!per_dev && ndev > 1) {
			fprintf(p->gp, ", %.6f with lines lc rgb 'black' dt 1 lw 1 title ", total);
			char t2[100];
			snprintf(t2, sizeof(t2), "all devices (%.0f MiB)", total);
			gp_quote(p->gp, t2);
		}
		if (!any)
			fputs("NaN notitle", p->gp);
		fputc('\n', p->gp);
	}
	fputs("unset multiplot\n", p->gp);
}

/* Rates per second of cumulative counters, averaged over at most PLOT_BINS bins. */
static void write_rates(FILE *d, const struct series *s, const int *cols, size_t k)
{
	int t = col(s, "time_ns");
	if (s->nrow < 2)
		return;
	size_t step = (s->nrow - 1 + PLOT_BINS - 1) / PLOT_BINS;
	if (!step)
		step = 1;
	for (size_t r0 = 0; r0 + 1 < s->nrow; r0 += step) {
		size_t r1 = r0 + step < s->nrow ? r0 + step : s->nrow - 1;
		double dt = (at(s, r1, t) - at(s, r0, t)) / 1e9;
		if (dt <= 0)
			continue;
		fprintf(d, "%.6f", (at(s, r0, t) + at(s, r1, t)) / 2e9);
		for (size_t j = 0; j < k; j++)
			fprintf(d, " %.6f", (at(s, r1, cols[j]) - at(s, r0, cols[j])) / dt);
		fputc('\n', d);
	}
}

static void plot_swapins(struct plotctx *p, struct run *runs, size_t n)
{
	begin_output(p, "swapins", 1);
	char title[512] = "swap-ins and major faults per second: ";
	for (size_t i = 0; i < n; i++)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), "%s%s", i ? " vs " : "", runs[i].name);
	fputs("set title ", p->gp);
	gp_quote(p->gp, title);
	fputs("\nset xlabel 'simulated time (s)'\nset ylabel 'per second'\nset yrange [0:*]\n", p->gp);
	if (n == 1)
		mark_events(p, &runs[0], title);
	fputs("plot ", p->gp);
	size_t line = 0;
	for (size_t i = 0; i < n; i++) {
		const struct series *s = &runs[i].ts;
		int cols[20];
		const char *names[20];
		size_t k = cols_with_prefix(s, "swapins", cols, 16);
		for (size_t j = 0; j < k; j++)
			names[j] = s->col[cols[j]] + strlen("swapins.");
		if (!k && (cols[0] = col(s, "pswpin")) >= 0)
			names[k++] = "pswpin (every swap device)";
		if ((cols[k] = col(s, "zswpin")) >= 0)
			names[k++] = "zswpin (from zswap's pool)";
		if ((cols[k] = col(s, "pgmajfault")) >= 0)
			names[k++] = "major faults";
		char dat[4200];
		FILE *d = data_file(p, dat, sizeof(dat));
		write_rates(d, s, cols, k);
		fclose(d);
		for (size_t j = 0; j < k; j++, line++) {
			char t2[300];
			snprintf(t2, sizeof(t2), n > 1 ? "%s: %s" : "%.0s%s", runs[i].name, names[j]);
			/* one run: a colour per source; several: a colour per run, a dash per source */
			fprintf(p->gp, "%s'%s' using 1:%zu with lines lw 2 lc rgb '%s' dt %zu title ", line ? ", " : "", dat,
				j + 2, palette[(n > 1 ? i : j) % NPAL], n > 1 ? j % 5 + 1 : 1);
			gp_quote(p->gp, t2);
		}
	}
	if (!line)
		fputs("NaN notitle", p->gp);
	fputc('\n', p->gp);
}

static void plot_latency(struct plotctx *p, struct run *runs, size_t n)
{
	static const struct { const char *q; double f; } qs[] = {
		{ "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p99.9", 0.999 },
	};
	begin_output(p, "latency", 1);
	char title[512] = "fault latency distribution (from the reported quantiles): ";
	for (size_t i = 0; i < n; i++)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), "%s%s", i ? " vs " : "", runs[i].name);
	fputs("set title ", p->gp);
	gp_quote(p->gp, title);
	double lo = INFINITY, hi = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < runs[i].sum.n; k++)
			if (strstr(runs[i].sum.key[k], "latency") && strstr(runs[i].sum.key[k], ".p")) {
				double us = fmax(runs[i].sum.val[k] / 1e3, 0.001);
				lo = fmin(lo, us);
				hi = fmax(hi, us);
			}
	fputs("\nset xlabel 'latency (us, log scale)'\nset ylabel 'fraction of faults at or below'\n"
	      "set logscale x 10\nset yrange [0:1.02]\nset ytics 0.1\nset key inside right bottom opaque box\n",
	      p->gp);
	if (hi > 0)
		fprintf(p->gp, "set xrange [%.6g:%.6g]\n", lo / 2, hi * 2);
	fputs("plot ", p->gp);
	size_t line = 0;
	for (size_t i = 0; i < n; i++) {
		const struct run *r = &runs[i];
		/* every object with a p50: a source */
		for (size_t k = 0; k < r->sum.n; k++) {
			const char *key = r->sum.key[k];
			size_t len = strlen(key);
			if (len < 4 || strcmp(key + len - 4, ".p50") || !strstr(key, "latency"))
				continue;
			char src[256], q[300];
			snprintf(src, sizeof(src), "%.*s", (int)(len - 4), key);
			char dat[4200];
			FILE *d = data_file(p, dat, sizeof(dat));
			double prev = NAN;
			for (size_t j = 0; j < ZSIM_ARRAY_SIZE(qs); j++) {
				snprintf(q, sizeof(q), "%s.%s", src, qs[j].q);
				const double *v = zsim_flat_get(&r->sum, q);
				if (!v)
					continue;
				double us = *v / 1e3 > 0.001 ? *v / 1e3 : 0.001;
				if (isnan(prev))
					fprintf(d, "%.6f 0\n", us);   /* the CDF rises from 0 at the first quantile */
				fprintf(d, "%.6f %.4f\n", us, qs[j].f);
				prev = us;
			}
			if (!isnan(prev))
				fprintf(d, "%.6f 1\n", prev);
			fclose(d);
			if (isnan(prev))
				continue;
			const char *label = src;
			const char *lat = strstr(src, "latency");
			if (!strcmp(src, "major_fault_latency_ns"))
				label = "major faults (every source)";
			else if (lat && lat[7] == '_' && strchr(lat, '.'))
				label = strchr(lat, '.') + 1;   /* fault_latency_ns.zram -> zram */
			char t2[400];
			snprintf(t2, sizeof(t2), n > 1 ? "%s: %s" : "%.0s%s", r->name, label);
			fprintf(p->gp, "%s'%s' using 1:2 with steps lw 2 lc rgb '%s' dt %zu title ", line ? ", " : "", dat,
				palette[line % NPAL], i % 5 + 1);
			gp_quote(p->gp, t2);
			fprintf(p->gp, ", '%s' using 1:2 with points pt 7 ps 0.8 lc rgb '%s' notitle", dat,
				palette[line % NPAL]);
			line++;
		}
	}
	if (!line)
		fputs("NaN notitle", p->gp);
	fputs("\nunset logscale x\n", p->gp);
}

static void plot_writes(struct plotctx *p, struct run *runs, size_t n)
{
	begin_output(p, "writes", (unsigned)n);
	fprintf(p->gp, "set multiplot layout %zu,1\n", n);
	for (size_t i = 0; i < n; i++) {
		struct run *r = &runs[i];
		const struct series *s = &r->ts;
		int t = col(s, "time_ns"), cols[20];
		const char *names[20];
		double scale[20];
		size_t k = 0;
		/* per-device write columns if the timeseries has them */
		for (size_t c = 0; c < s->ncol && k < 16; c++) {
			const char *nm = s->col[c];
			if (!fnmatch("bytes_written.*", nm, 0))
				scale[k] = 1 / MIB;
			else if (!fnmatch("pages_written.*", nm, 0) || !fnmatch("swapouts.*", nm, 0))
				scale[k] = PAGE_MIB;
			else
				continue;
			cols[k] = (int)c;
			names[k++] = nm;
		}
		if (!k) {
			if ((cols[k] = col(s, "pswpout")) >= 0)
				scale[k] = PAGE_MIB, names[k++] = "swapped out (pswpout)";
			if ((cols[k] = col(s, "pgpgout")) >= 0)
				scale[k] = PAGE_MIB, names[k++] = "written to files (pgpgout)";
		}
		char dat[4200];
		FILE *d = data_file(p, dat, sizeof(dat));
		for (size_t row = 0; row < s->nrow; row++) {
			fprintf(d, "%.6f", at(s, row, t) / 1e9);
			for (size_t j = 0; j < k; j++)
				fprintf(d, " %.6f", at(s, row, cols[j]) * scale[j]);
			fputc('\n', d);
		}
		fclose(d);
		/* wear, from the summary, in the title */
		char title[1024];
		snprintf(title, sizeof(title), "MiB written, cumulative: %s", r->name);
		for (size_t j = 0; j < r->sum.n; j++) {
			const char *key = r->sum.key[j];
			if (fnmatch("devices.*.wear.life_used", key, 0))
				continue;
			char dev[64], yk[200];
			snprintf(dev, sizeof(dev), "%.*s", (int)(strlen(key) - strlen("devices..wear.life_used")), key + 8);
			snprintf(yk, sizeof(yk), "devices.%s.wear.years_at_this_rate", dev);
			double years = flatv(r, yk);
			snprintf(title + strlen(title), sizeof(title) - strlen(title),
				 "\\n%s: %.4f%% of rated life used%s", dev, r->sum.val[j] * 100, "");
			if (!isnan(years) && years >= 1)
				snprintf(title + strlen(title), sizeof(title) - strlen(title),
					 ", %.1f years at this rate", years);
			else if (!isnan(years))
				snprintf(title + strlen(title), sizeof(title) - strlen(title),
					 ", %.1f days at this rate", years * 365.25);
		}
		fputs("set title \"", p->gp);
		for (const char *c = title; *c; c++)
			fputc(*c == '"' ? '\'' : *c, p->gp);
		fputs("\"\nset xlabel 'simulated time (s)'\nset ylabel 'MiB'\nset yrange [0:*]\n", p->gp);
		mark_events(p, r, title);
		fputs("plot ", p->gp);
		for (size_t j = 0; j < k; j++) {
			fprintf(p->gp, "%s'%s' using 1:%zu with lines lw 2 lc rgb '%s' title ", j ? ", " : "", dat, j + 2,
				palette[j % NPAL]);
			gp_quote(p->gp, names[j]);
		}
		if (!k)
			fputs("NaN notitle", p->gp);
		fputc('\n', p->gp);
	}
	fputs("unset multiplot\n", p->gp);
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4200];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int zsim_plot_runs(size_t n, char *const *dirs, const char *outdir, const char *fmt, char ***files,
		   size_t *nfiles, char *err, size_t errlen)
{
	*files = NULL;
	*nfiles = 0;
	struct run *runs = zsim_xcalloc(n, sizeof(*runs));
	int rc = 0;
	size_t loaded = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char path[4200];
		snprintf(path, sizeof(path), "%s/timeseries.csv", dirs[i]);
		if ((rc = zsim_flat_load(dirs[i], &runs[i].sum, err, errlen)) < 0)
			break;
		loaded = i + 1;
		if ((rc = read_csv(path, &runs[i].ts, err, errlen)) < 0) {
			zsim_flat_free(&runs[i].sum);
			loaded = i;
			break;
		}
		read_events(dirs[i], &runs[i]);
		runs[i].name = zsim_run_name(dirs[i]);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(runs[j].name, runs[i].name)) {
				free(runs[i].name);
				runs[i].name = zsim_xstrdup(dirs[i]);
				break;
			}
	}
	char tmp[] = "/tmp/zsim-plot-XXXXXX";
	if (!rc && !mkdtemp(tmp)) {
		snprintf(err, errlen, "cannot create a temporary directory: %s", strerror(errno));
		rc = ZSIM_ESYS;
	}
	if (!rc && mkdir(outdir, 0777) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "-o %s: %s", outdir, strerror(errno));
		rc = ZSIM_ESYS;
	}
	if (!rc) {
		char script[4200];
		snprintf(script, sizeof(script), "%s/plot.gp", tmp);
		FILE *gp = fopen(script, "w");
		if (!gp) {
			snprintf(err, errlen, "cannot write %s: %s", script, strerror(errno));
			rc = ZSIM_ESYS;
		} else {
			const char *fmts[2] = { fmt, NULL };
			if (!strcmp(fmt, "both"))
				fmts[0] = "png", fmts[1] = "svg";
			for (size_t f = 0; f < 2 && fmts[f]; f++) {
				struct plotctx p = { tmp, gp, fmts[f], outdir, files, nfiles, 0 };
				p.seq = (unsigned)f * 1000;
				plot_memory(&p, runs, loaded);
				plot_swap(&p, runs, loaded);
				plot_swapins(&p, runs, loaded);
				plot_latency(&p, runs, loaded);
				plot_writes(&p, runs, loaded);
			}
			fputs("unset output\n", gp);
			fclose(gp);
			char cmd[8600], log[4200];
			snprintf(log, sizeof(log), "%s/gnuplot.log", tmp);
			snprintf(cmd, sizeof(cmd), "gnuplot '%s' > '%s' 2>&1", script, log);
			int st = system(cmd);
			if (st != 0) {
				char first[512] = "";
				FILE *lf = fopen(log, "r");
				if (lf) {
					if (!fgets(first, sizeof(first), lf))
						first[0] = '\0';
					char more[512];
					while (fgets(more, sizeof(more), lf))   /* gnuplot's message is its last line */
						if (more[0] != '\n' && more[0] != ' ')
							snprintf(first, sizeof(first), "%s", more);
					fclose(lf);
				}
				if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
					snprintf(err, errlen, "gnuplot not found (make deps installs it)");
				else
					snprintf(err, errlen, "gnuplot failed: %s", first);
				zsim_one_line(err);
				rc = ZSIM_ESYS;
			}
			if (getenv("ZSIM_PLOT_KEEP"))
				fprintf(stderr, "zsim plot: script kept in %s\n", tmp);
		}
		if (!getenv("ZSIM_PLOT_KEEP"))
			remove_tree(tmp);
	}
	for (size_t i = 0; i < loaded; i++) {
		zsim_flat_free(&runs[i].sum);
		series_free(&runs[i].ts);
		free(runs[i].ev);
		free(runs[i].name);
	}
	free(runs);
	if (rc) {
		for (size_t i = 0; i < *nfiles; i++)
			free((*files)[i]);
		free(*files);
		*files = NULL;
		*nfiles = 0;
	}
	return rc;
}

struct plot_opts {
	const char *out;
	char format[ZSIM_OPT_NAME_MAX];
	bool help;
};

#define PLOT_OFF(f) offsetof(struct plot_opts, f)
static const struct zsim_opt plot_opts[] = {
	{ "output", ZSIM_OPT_DIR, PLOT_OFF(out), NULL, 0, 0,
	  "where the charts go (default: the results directory for one run, ./zsim-plots for several)", 'o' },
	{ "format", ZSIM_OPT_NAME, PLOT_OFF(format), "both", 0, 0, "png, svg or both", 'f' },
	{ "help", ZSIM_OPT_FLAG, PLOT_OFF(help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_cmd_plot(int argc, char **argv)
{
	struct plot_opts o;
	char err[1024];
	memset(&o, 0, sizeof(o));
	const struct zsim_opt_set sets[] = { { plot_opts, &o }, { NULL, NULL } };
	int npos = 0;
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim plot: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (o.help) {
		printf("usage: zsim plot DIR [DIR...] [-o OUTDIR] [--format png|svg|both]\n"
		       "Charts of results directories with gnuplot, one file per question:\n"
		       "  memory   what holds the RAM (anon, file, compressed pools, free), stacked\n"
		       "  swap     how full each swap device is, against its capacity\n"
		       "  swapins  swap-ins (per device when known) and major faults per second\n"
		       "  latency  fault latency distribution per source (from the summary's quantiles)\n"
		       "  writes   MiB written over time, and each flash device's wear\n"
		       "OOM kills and ENOSPC are marked; several runs get a panel each or share a chart.\n");
		zsim_opt_print(stdout, plot_opts);
		return ZSIM_EXIT_OK;
	}
	if (strcmp(o.format, "png") && strcmp(o.format, "svg") && strcmp(o.format, "both")) {
		fprintf(stderr, "zsim plot: --format: unknown format '%s' (known: png, svg, both)\n", o.format);
		return ZSIM_EXIT_USAGE;
	}
	if (npos < 1) {
		fprintf(stderr, "zsim plot: no results directory given (zsim plot DIR [DIR...])\n");
		return ZSIM_EXIT_USAGE;
	}
	const char *out = o.out ? o.out : npos == 1 ? argv[1] : "zsim-plots";
	char **files;
	size_t nf;
	if (zsim_plot_runs((size_t)npos, argv + 1, out, o.format, &files, &nf, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim plot: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	for (size_t i = 0; i < nf; i++) {
		printf("%s\n", files[i]);
		free(files[i]);
	}
	free(files);
	return ZSIM_EXIT_OK;
}
