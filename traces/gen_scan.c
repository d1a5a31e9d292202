/*
 * gen_scan.c - repeated sequential sweeps over a region.
 *
 * Imitates a streaming job that walks the same data again and again: an
 * analytics pass over an in-memory table, a checksum of a buffer, a garbage
 * collector's marking walk.  Sequential reuse at a distance equal to the whole
 * region is the classic worst case of LRU reclaim (each page is evicted just
 * before it is needed again when the region does not fit), and the best case
 * for readahead and for swap clustering.  One process maps --size of
 * anonymous memory, writes every page once with --content, then reads it
 * front to back --passes times; a fraction --write of the sweep accesses
 * (chosen at random) rewrite their page with fresh content.  Each page visited
 * costs --page-cost of CPU (default 1 us: touching 4 KiB with some work on it;
 * assumed), emitted once per MiB swept.
 */
#include "gen.h"

#define PAGES_PER_CPU 256

struct scan_opts {
	uint64_t size;
	uint64_t passes;
	double write;
	struct zsim_content_ref content;
	uint64_t page_ns;
};

static const struct zsim_opt scan_opts_tab[] = {
	{ "size", ZSIM_OPT_SIZE, offsetof(struct scan_opts, size), "256M", 4096, 1ull << 40,
	  "size of the swept region", 0 },
	{ "passes", ZSIM_OPT_COUNT, offsetof(struct scan_opts, passes), "10", 0, 1u << 20,
	  "read sweeps after the first, writing one", 0 },
	{ "write", ZSIM_OPT_REAL, offsetof(struct scan_opts, write), "0", 0, 1,
	  "fraction of sweep accesses that rewrite the page", 0 },
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct scan_opts, content), "mix", 0, 0,
	  "content class of written pages", 0 },
	{ "page-cost", ZSIM_OPT_TIME, offsetof(struct scan_opts, page_ns), "1us", 0, 1e9,
	  "CPU time per page visited", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static int scan_run(struct zsim_gen *g, const void *vo)
{
	const struct scan_opts *o = vo;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	if (!zsim_gen_room(g, npages))      /* the first pass writes each page */
		return g->err;
	uint64_t wthresh = (uint64_t)(o->write * 4294967296.0);
	uint32_t pid = zsim_gen_proc_create(g, g->parent, "scan");
	zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE, npages, ZSIM_MAP_ANON);
	for (uint64_t pass = 0; pass <= o->passes && !g->err; pass++) {
		for (uint64_t i = 0; i < npages && !g->err; i++) {
			if (pass == 0 || (wthresh && (zsim_rng_next(&g->rng) >> 32) < wthresh))
				zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + i, &o->content);
			else
				zsim_gen_read(g, pid, ZSIM_GEN_ANON_BASE + i);
			if ((i + 1) % PAGES_PER_CPU == 0)
				zsim_gen_cpu(g, pid, o->page_ns * PAGES_PER_CPU);
		}
		zsim_gen_cpu(g, pid, o->page_ns * (npages % PAGES_PER_CPU));
	}
	zsim_gen_exit(g, pid);
	return g->err;
}

/* The events scan_run writes, counted from the options (FORMAT.md sizes). */
static void scan_estimate(const void *vo, uint64_t seed, struct zsim_gen_estimate *e)
{
	const struct scan_opts *o = vo;
	(void)seed;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	double n = (double)npages, passes = (double)o->passes;
	zsim_est_create_map(e, "scan", 1, n);
	zsim_est_add(e, n, 2);                               /* the first pass writes */
	zsim_est_add(e, passes * n * o->write, 2);           /* later passes: rewrites ... */
	zsim_est_add(e, passes * n * (1 - o->write), 1);     /* ... and reads of the next page */
	e->bytes += passes * (1 + zsim_est_varint(2 * n));   /* back to the first page */
	double cpus = (double)(npages / PAGES_PER_CPU) + (npages % PAGES_PER_CPU ? 1 : 0);
	if (o->page_ns)
		zsim_est_add(e, (passes + 1) * cpus, 1 + zsim_est_varint((double)o->page_ns * PAGES_PER_CPU));
	zsim_est_add(e, 1, 1);
	e->pages = n;
}

const struct zsim_generator zsim_gen_scan = {
	.name = "scan",
	.help = "One process writes --size of memory, then sweeps it front to back --passes times.",
	.opts_size = sizeof(struct scan_opts),
	.opts = scan_opts_tab,
	.run = scan_run,
	.estimate = scan_estimate,
};
