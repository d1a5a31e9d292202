/*
 * gen_hogger.c - a memory hogger: one process that allocates N MiB of
 * anonymous memory, fills it, and holds it.
 *
 * This is the background load of the 2013 experiment in seed/ (Minchan Kim's
 * mail of 7 Nov 2013: "KVM 4 CPU, 1G DRAM with background 800M memory hogger,
 * which is allocates random data up to 800M"), so the defaults are --size 800M
 * and --content random: every page written once with incompressible bytes,
 * the worst case for zram, which must then store each swapped-out page at
 * nearly 4096 bytes.
 *
 * Events: PROC_CREATE "hogger"; one anonymous MAP of size/4096 pages; a write
 * of every page in address order, with a CPU event after each MiB; then the
 * hold.  The event model has no sleep, so time passes through CPU events:
 *  - --retouch 0 (default, like the 2013 hogger, which only allocated): the
 *    hold emits nothing and the process simply stays alive with its memory
 *    until the simulation ends; with --exit it spends --duration as CPU, then
 *    exits.
 *  - --retouch F > 0: every --period the hogger reads F x pages randomly
 *    chosen pages (with replacement; reads keep the content), for --duration;
 *    the periods are CPU events, so a re-touching hogger keeps one simulated
 *    CPU busy.  It exits at the end only with --exit.
 * --ramp T spreads the fill over T: after each MiB the hogger sleeps so that
 * the whole size is reached at T (a hogger that grows "up to" its size).
 * FILL_NS_PER_MIB is the CPU time to fault in and fill one MiB; not measured:
 * about 1 us per 4 KiB page (fault plus fill), the order of a memset-bound
 * fill on 2013 hardware.
 */
#include "gen.h"

#define FILL_PAGES_PER_CPU 256            /* a CPU event after each MiB of filling */
#define FILL_NS_PER_MIB    (256u * 1000u) /* 1 us per page, see above */

struct hogger_opts {
	uint64_t size;
	struct zsim_content_ref content;
	double retouch;
	uint64_t period_ns;
	uint64_t duration_ns;
	uint64_t ramp_ns;
	bool exit;
};

static const struct zsim_opt hogger_opts_tab[] = {
	{ "size", ZSIM_OPT_SIZE, offsetof(struct hogger_opts, size), "800M", 4096, 1ull << 40,
	  "anonymous memory allocated and filled (the 2013 hogger: 800M)", 0 },
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct hogger_opts, content), "random", 0, 0,
	  "content class of the pages (2013: random data)", 0 },
	{ "retouch", ZSIM_OPT_REAL, offsetof(struct hogger_opts, retouch), "0", 0, 1,
	  "fraction of the pages read again every period (0: none)", 0 },
	{ "period", ZSIM_OPT_TIME, offsetof(struct hogger_opts, period_ns), "1s", 1000, ZSIM_GEN_MAX_NS,
	  "time between re-touches", 0 },
	{ "duration", ZSIM_OPT_TIME, offsetof(struct hogger_opts, duration_ns), "600s", 0, ZSIM_GEN_MAX_NS,
	  "how long the hold lasts (re-touching, or before --exit)", 0 },
	{ "ramp", ZSIM_OPT_TIME, offsetof(struct hogger_opts, ramp_ns), "0s", 0, ZSIM_GEN_MAX_NS,
	  "time over which the fill is spread, sleeping between MiBs (0: as fast as the CPU fills)", 0 },
	{ "exit", ZSIM_OPT_FLAG, offsetof(struct hogger_opts, exit), NULL, 0, 0,
	  "exit after the hold (default: keep the memory until the simulation ends)", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static int hogger_run(struct zsim_gen *g, const void *vo)
{
	const struct hogger_opts *o = vo;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	uint32_t pid = zsim_gen_proc_create(g, g->parent, "hogger");
	zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE, npages, ZSIM_MAP_ANON);
	uint64_t chunks = (npages + FILL_PAGES_PER_CPU - 1) / FILL_PAGES_PER_CPU;
	uint64_t per_chunk = o->ramp_ns / chunks;
	uint64_t nap = per_chunk > FILL_NS_PER_MIB ? per_chunk - FILL_NS_PER_MIB : 0;
	for (uint64_t i = 0; i < npages && !g->err; i++) {
		zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + i, &o->content);
		if ((i + 1) % FILL_PAGES_PER_CPU == 0) {
			zsim_gen_cpu(g, pid, FILL_NS_PER_MIB);
			if (i + 1 < npages)
				zsim_gen_sleep(g, pid, nap);
		}
	}
	if (o->retouch > 0) {
		uint64_t per = (uint64_t)(o->retouch * (double)npages + 0.5);
		uint64_t periods = o->duration_ns / o->period_ns;
		for (uint64_t p = 0; p < periods && !g->err; p++) {
			zsim_gen_cpu(g, pid, o->period_ns);
			for (uint64_t k = 0; k < per; k++)
				zsim_gen_read(g, pid, ZSIM_GEN_ANON_BASE + zsim_rng_below(&g->rng, npages));
		}
		if (o->exit) {
			zsim_gen_cpu(g, pid, o->duration_ns - periods * o->period_ns);
			zsim_gen_exit(g, pid);
		}
	} else if (o->exit) {
		zsim_gen_cpu(g, pid, o->duration_ns);
		zsim_gen_exit(g, pid);
	}
	return g->err;
}

/* The events hogger_run writes, counted from the options (FORMAT.md sizes). */
static void hogger_estimate(const void *vo, uint64_t seed, struct zsim_gen_estimate *e)
{
	const struct hogger_opts *o = vo;
	(void)seed;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	double n = (double)npages;
	zsim_est_create_map(e, "hogger", 1, n);
	zsim_est_add(e, n, 2);                       /* next page, next seed: tag + content */
	uint64_t full = npages / FILL_PAGES_PER_CPU;
	zsim_est_add(e, (double)full, 1 + zsim_est_varint(FILL_NS_PER_MIB));
	uint64_t chunks = (npages + FILL_PAGES_PER_CPU - 1) / FILL_PAGES_PER_CPU;
	uint64_t per_chunk = o->ramp_ns / chunks;
	uint64_t nap = per_chunk > FILL_NS_PER_MIB ? per_chunk - FILL_NS_PER_MIB : 0;
	if (nap)
		zsim_est_add(e, (double)(full - (npages % FILL_PAGES_PER_CPU == 0)), 1 + zsim_est_varint((double)nap));
	if (o->retouch > 0) {
		uint64_t per = (uint64_t)(o->retouch * n + 0.5);
		double periods = (double)(o->duration_ns / o->period_ns);
		zsim_est_add(e, periods, 1 + zsim_est_varint((double)o->period_ns));
		zsim_est_add(e, periods * (double)per, zsim_est_random_access(n));
		if (o->exit)
			zsim_est_add(e, 2, 3);
	} else if (o->exit) {
		zsim_est_add(e, 2, 3);
	}
	e->pages = n;
}

const struct zsim_generator zsim_gen_hogger = {
	.name = "hogger",
	.help = "A process allocates --size of anonymous memory, writes every page with --content,\n"
		"then holds it (optionally re-reading a fraction every --period for --duration).\n"
		"Defaults: the 800 MiB random-data hogger of the 2013 zram experiment.",
	.opts_size = sizeof(struct hogger_opts),
	.opts = hogger_opts_tab,
	.run = hogger_run,
	.estimate = hogger_estimate,
};
