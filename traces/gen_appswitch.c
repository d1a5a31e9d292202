/*
 * gen_appswitch.c - a phone switching between apps.
 *
 * Imitates Android, the platform where zram is most used: K apps stay resident
 * in the background with their memory (the low-memory killer, not the app,
 * decides when they go), and one app at a time is in the foreground, switched
 * every --period.  Coming back to an app faults its working set in again, which
 * is what makes swap-in latency visible to a user.
 *
 * Each app is a process "appN" with one anonymous mapping; it is launched the
 * first time it comes to the foreground (every page written once with
 * --content, LAUNCH_NS_PER_PAGE of CPU per page).  While in the foreground it
 * runs --period of CPU in FG_SLICES slices; after each slice it touches
 * random pages of its hot set (the first --hot fraction of its pages), in all
 * --hot x pages touches per period, a fraction --dirty of them writes of fresh
 * content.  Background apps keep their memory and are parked: a turn ends
 * with a wake of the next app (FORMAT.md, `wake` and `park`) and the app
 * parks until its own next turn, so exactly one app is in the foreground at a
 * time, in turn order, and the turns follow each other back to back however
 * long faults make them on the machine simulated (a sleep fixed when the trace
 * is written could not know that).  After the last turn the last app wakes
 * the others and every app's events end: they stay resident, idle, to the end
 * of the run.  The order of the turns is drawn before any event is written.
 *
 * Not measured here (assumptions, documented so they can be replaced):
 *  - app sizes: log-normal, median --app-median 120M, sigma --app-sigma 0.6
 *    (p10 ~56 MiB, p90 ~260 MiB), clamped to [APP_MIN, APP_MAX]: the range
 *    `dumpsys meminfo` commonly reports as the PSS of popular apps;
 *  - which app comes next: Zipf(1) popularity over the apps (app 0 most
 *    used), never the current one, as app-usage studies describe a few apps
 *    taking most launches;
 *  - --period 30s, --hot 0.3, --dirty 0.1, 1 us of CPU per page launched.
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>

#define APP_MIN_PAGES   (16ull << 20 >> ZSIM_PAGE_SHIFT)
#define APP_MAX_PAGES   (1ull << 30 >> ZSIM_PAGE_SHIFT)
#define LAUNCH_NS_PER_PAGE 1000
#define FG_SLICES       16
#define MAX_APPS        1024

struct appswitch_opts {
	uint64_t apps;
	uint64_t median;
	double sigma;
	uint64_t period_ns;
	uint64_t switches;
	double hot;
	double dirty;
	struct zsim_content_ref content;
};

static const struct zsim_opt appswitch_opts_tab[] = {
	{ "apps", ZSIM_OPT_COUNT, offsetof(struct appswitch_opts, apps), "8", 2, MAX_APPS,
	  "apps in the rotation", 0 },
	{ "app-median", ZSIM_OPT_SIZE, offsetof(struct appswitch_opts, median), "120M", 4096, 1ull << 40,
	  "median app working set (log-normal)", 0 },
	{ "app-sigma", ZSIM_OPT_REAL, offsetof(struct appswitch_opts, sigma), "0.6", 0, 3,
	  "sigma of the log-normal app size", 0 },
	{ "period", ZSIM_OPT_TIME, offsetof(struct appswitch_opts, period_ns), "30s", 1000, ZSIM_GEN_MAX_NS,
	  "time an app stays in the foreground", 0 },
	{ "switches", ZSIM_OPT_COUNT, offsetof(struct appswitch_opts, switches), "100", 1, 1u << 20,
	  "foreground periods in all", 0 },
	{ "hot", ZSIM_OPT_REAL, offsetof(struct appswitch_opts, hot), "0.3", 0, 1,
	  "hot fraction of an app's pages; touches per period = hot x pages", 0 },
	{ "dirty", ZSIM_OPT_REAL, offsetof(struct appswitch_opts, dirty), "0.1", 0, 1,
	  "fraction of foreground touches that write", 0 },
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct appswitch_opts, content), "heap", 0, 0,
	  "content class of app pages", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

struct app {
	uint32_t pid;        /* 0 until launched */
	uint64_t pages;
	bool pages_written;  /* launched: its memory mapped and written */
};

static double gauss(struct zsim_rng *r)
{
	double u1 = 1.0 - zsim_rng_double(r), u2 = zsim_rng_double(r);
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static int appswitch_run(struct zsim_gen *g, const void *vo)
{
	const struct appswitch_opts *o = vo;
	uint32_t n = (uint32_t)o->apps;
	struct app *apps = zsim_xcalloc(n, sizeof(*apps));
	double wsum = 0;
	for (uint32_t i = 0; i < n; i++) {
		double pages = (double)o->median / ZSIM_PAGE_SIZE * exp(o->sigma * gauss(&g->rng));
		apps[i].pages = pages < APP_MIN_PAGES ? APP_MIN_PAGES
			      : pages > APP_MAX_PAGES ? APP_MAX_PAGES : (uint64_t)pages;
		wsum += 1.0 / (i + 1);
	}
	uint64_t dthresh = (uint64_t)(o->dirty * 4294967296.0);
	/* the order of the turns: the next app by popularity, never the current one */
	uint32_t *seq = zsim_xmalloc(o->switches * sizeof(*seq));
	seq[0] = 0;
	for (uint64_t s = 1; s < o->switches; s++) {
		uint32_t next;
		do {
			double x = zsim_rng_double(&g->rng) * wsum;
			for (next = 0; next + 1 < n && (x -= 1.0 / (next + 1)) >= 0; next++)
				;
		} while (next == seq[s - 1]);
		seq[s] = next;
	}
	for (uint64_t s = 0; s < o->switches && !g->err; s++) {
		struct app *a = &apps[seq[s]];
		char name[16];
		if (!a->pid) {   /* only the first app is created here; the others below */
			snprintf(name, sizeof(name), "app%u", seq[s]);
			a->pid = zsim_gen_proc_create(g, g->parent, name);
		}
		if (!a->pages_written) {
			zsim_gen_map(g, a->pid, ZSIM_GEN_ANON_BASE, a->pages, ZSIM_MAP_ANON);
			for (uint64_t p = 0; p < a->pages; p++)
				zsim_gen_write(g, a->pid, ZSIM_GEN_ANON_BASE + p, &o->content);
			zsim_gen_cpu(g, a->pid, a->pages * LAUNCH_NS_PER_PAGE);
			a->pages_written = true;
		}
		uint64_t hot = (uint64_t)(o->hot * (double)a->pages);
		uint64_t touches = hot;
		for (unsigned sl = 0; sl < FG_SLICES; sl++) {
			zsim_gen_cpu(g, a->pid, o->period_ns / FG_SLICES +
				     (sl == 0 ? o->period_ns % FG_SLICES : 0));
			uint64_t k = touches * (sl + 1) / FG_SLICES - touches * sl / FG_SLICES;
			for (; k && hot; k--) {
				uint64_t page = ZSIM_GEN_ANON_BASE + zsim_rng_below(&g->rng, hot);
				if ((zsim_rng_next(&g->rng) >> 32) < dthresh)
					zsim_gen_write(g, a->pid, page, &o->content);
				else
					zsim_gen_read(g, a->pid, page);
			}
		}
		if (s + 1 == o->switches)
			break;
		/* the turn passes to the next app (a new one waits, parked, for it) */
		struct app *nx = &apps[seq[s + 1]];
		if (!nx->pid) {
			snprintf(name, sizeof(name), "app%u", seq[s + 1]);
			nx->pid = zsim_gen_proc_create(g, g->parent, name);
			zsim_gen_park(g, nx->pid);
		}
		zsim_gen_wake(g, a->pid, nx->pid);
		zsim_gen_park(g, a->pid);
	}
	/* the end: the last app lets the others go; their events end (they stay
	 * resident, idle, to the end of the run) */
	uint32_t last = seq[o->switches - 1];
	for (uint32_t i = 0; i < n && !g->err; i++)
		if (apps[i].pid && i != last)
			zsim_gen_wake(g, apps[last].pid, apps[i].pid);
	free(seq);
	free(apps);
	return g->err;
}

const struct zsim_generator zsim_gen_appswitch = {
	.name = "appswitch",
	.help = "An Android-like phone: --apps apps with log-normal working sets, one in the\n"
		"foreground at a time for --period, --switches times; background apps keep their memory.",
	.opts_size = sizeof(struct appswitch_opts),
	.opts = appswitch_opts_tab,
	.run = appswitch_run,
};
