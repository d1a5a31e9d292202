/*
 * gen_zipf.c - a key-value store under Zipf-distributed requests.
 *
 * Imitates a cache or key-value server (memcached, Redis, a database buffer
 * pool) whose requests follow a Zipf law, as web and storage traces are
 * commonly modelled (alpha just below 1; YCSB's default "zipfian" constant is
 * 0.99, hence --alpha 0.99).  One process maps --size of anonymous memory and
 * loads it (every page written once with --content), then makes --accesses
 * page accesses: the page of rank r (1 = hottest) is drawn with probability
 * proportional to r^-alpha, and ranks are scattered over the address space by
 * a seeded random permutation, so hot pages are not neighbours.  A fraction
 * --read of the accesses are reads (YCSB workload B: 95 % reads; the default
 * 0.9 is between workloads A and B), the rest write fresh --content.  Each
 * access costs --op-cost of CPU (default 1 us, a small in-memory request;
 * assumed), emitted as one CPU event per OPS_PER_CPU accesses.
 *
 * Ranks are drawn by rejection-inversion (W. Hoermann and G. Derflinger,
 * "Rejection-inversion to generate variates from monotone discrete
 * distributions", 1996): O(1) per draw for any size and alpha > 0.
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>

#define OPS_PER_CPU 1024

struct zipf_opts {
	uint64_t size;
	double alpha;
	uint64_t accesses;
	double read;
	struct zsim_content_ref content;
	uint64_t op_ns;
};

static const struct zsim_opt zipf_opts_tab[] = {
	{ "size", ZSIM_OPT_SIZE, offsetof(struct zipf_opts, size), "256M", 4096, 1ull << 40,
	  "memory of the store", 0 },
	{ "alpha", ZSIM_OPT_REAL, offsetof(struct zipf_opts, alpha), "0.99", 0.01, 10,
	  "Zipf exponent (YCSB: 0.99)", 0 },
	{ "accesses", ZSIM_OPT_COUNT, offsetof(struct zipf_opts, accesses), "10000000", 0, ZSIM_GEN_MAX_EVENTS,
	  "page accesses after the load", 0 },
	{ "read", ZSIM_OPT_REAL, offsetof(struct zipf_opts, read), "0.9", 0, 1,
	  "fraction of accesses that are reads", 0 },
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct zipf_opts, content), "heap", 0, 0,
	  "content class of written pages", 0 },
	{ "op-cost", ZSIM_OPT_TIME, offsetof(struct zipf_opts, op_ns), "1us", 0, 1e9,
	  "CPU time per access", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

/* Rejection-inversion sampler of ranks 1..n with weights k^-s. */
struct zipf {
	double s, n, hx1, hn, c;
};

static double helper1(double t) { return fabs(t) > 1e-8 ? log1p(t) / t : 1 - t / 2; }
static double helper2(double t) { return fabs(t) > 1e-8 ? expm1(t) / t : 1 + t / 2; }
/* H(x) = integral of t^-s: (x^(1-s) - 1) / (1-s), log x when s = 1. */
static double zH(const struct zipf *z, double x)
{
	double lx = log(x);
	return helper2((1 - z->s) * lx) * lx;
}
static double zHinv(const struct zipf *z, double y) { return exp(helper1((1 - z->s) * y) * y); }
static double zh(const struct zipf *z, double x) { return exp(-z->s * log(x)); }

static void zipf_init(struct zipf *z, uint64_t n, double s)
{
	z->s = s;
	z->n = (double)n;
	z->hx1 = zH(z, 1.5) - 1;
	z->hn = zH(z, z->n + 0.5);
	z->c = 2 - zHinv(z, zH(z, 2.5) - zh(z, 2));
}

static uint64_t zipf_draw(const struct zipf *z, struct zsim_rng *r)
{
	for (;;) {
		double u = z->hn + zsim_rng_double(r) * (z->hx1 - z->hn);
		double x = zHinv(z, u);
		double k = floor(x + 0.5);
		if (k < 1)
			k = 1;
		else if (k > z->n)
			k = z->n;
		if (k - x <= z->c || u >= zH(z, k + 0.5) - zh(z, k))
			return (uint64_t)k;
	}
}

static int zipf_run(struct zsim_gen *g, const void *vo)
{
	const struct zipf_opts *o = vo;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	if (!zsim_gen_room(g, npages))      /* the load writes each page once */
		return g->err;
	uint32_t *perm = zsim_xmalloc(npages * sizeof(*perm));
	for (uint64_t i = 0; i < npages; i++)
		perm[i] = (uint32_t)i;
	for (uint64_t i = npages; i > 1; i--) {
		uint64_t j = zsim_rng_below(&g->rng, i);
		uint32_t t = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = t;
	}
	struct zipf z;
	zipf_init(&z, npages, o->alpha);
	uint32_t pid = zsim_gen_proc_create(g, g->parent, "kvstore");
	zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE, npages, ZSIM_MAP_ANON);
	for (uint64_t i = 0; i < npages; i++)
		zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + i, &o->content);
	uint64_t rthresh = (uint64_t)(o->read * 4294967296.0);
	for (uint64_t a = 0; a < o->accesses && !g->err; a++) {
		uint64_t page = ZSIM_GEN_ANON_BASE + perm[zipf_draw(&z, &g->rng) - 1];
		if ((zsim_rng_next(&g->rng) >> 32) < rthresh)
			zsim_gen_read(g, pid, page);
		else
			zsim_gen_write(g, pid, page, &o->content);
		if ((a + 1) % OPS_PER_CPU == 0)
			zsim_gen_cpu(g, pid, o->op_ns * OPS_PER_CPU);
	}
	zsim_gen_cpu(g, pid, o->op_ns * (o->accesses % OPS_PER_CPU));
	zsim_gen_exit(g, pid);
	free(perm);
	return g->err;
}

/* The events zipf_run writes, counted from the options (FORMAT.md sizes):
 * the permutation makes every access a jump to a uniformly random page. */
static void zipf_estimate(const void *vo, uint64_t seed, struct zsim_gen_estimate *e)
{
	const struct zipf_opts *o = vo;
	(void)seed;
	uint64_t npages = o->size / ZSIM_PAGE_SIZE;
	double n = (double)npages, a = (double)o->accesses;
	zsim_est_create_map(e, "kvstore", 1, n);
	zsim_est_add(e, n, 2);
	zsim_est_add(e, a, zsim_est_random_access(n) + (1 - o->read));
	double cpus = (double)(o->accesses / OPS_PER_CPU) + (o->op_ns && o->accesses % OPS_PER_CPU ? 1 : 0);
	if (o->op_ns)
		zsim_est_add(e, cpus, 1 + zsim_est_varint((double)o->op_ns * OPS_PER_CPU));
	zsim_est_add(e, 1, 1);
	e->pages = n;
	e->memory = n * sizeof(uint32_t);   /* the rank -> page permutation */
}

const struct zsim_generator zsim_gen_zipf = {
	.name = "zipf",
	.help = "A key-value store of --size loads every page, then makes --accesses accesses\n"
		"whose page ranks follow Zipf(--alpha), a --read fraction of them reads.",
	.opts_size = sizeof(struct zipf_opts),
	.opts = zipf_opts_tab,
	.run = zipf_run,
	.estimate = zipf_estimate,
};
