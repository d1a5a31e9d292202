/*
 * ftl_bench.c - the FTL model's cost per simulated host write, for `make bench`.
 *
 * A 4 GiB device (1 Mi pages, 4 MiB erase blocks) on its own flash, used
 * (preconditioned); then, timed: sequential overwrite (no GC copies) and
 * uniform random overwrite at 7% and 28% over-provisioning (greedy GC copies
 * WAF - 1 pages per host write), and random with cost-benefit GC (an
 * O(blocks) victim scan).  Prints ns of the simulator's time per host write
 * and per NAND page, and the write amplification the model found.
 */
#include "tiers/ftl.h"
#include "core/rng.h"
#include "core/zsim.h"

#include <stdio.h>
#include <stdlib.h>

int main(void);

static void run(const char *name, double op, enum zsim_ftl_gc gc, int random)
{
	const uint64_t n = 1u << 20, writes = 4u << 20;
	struct zsim_ftl_params p = { .logical_pages = n, .dev_pages = n, .op = op, .pages_per_block = 1024,
				     .gc = gc, .wl = ZSIM_FTL_WL_STATIC, .wl_threshold = 64, .precondition = true };
	char err[128];
	uint64_t t0 = zsim_wall_ns();
	struct zsim_ftl *f = zsim_ftl_new(&p, err, sizeof(err));
	if (!f) {
		fprintf(stderr, "ftl_bench: %s\n", err);
		exit(1);
	}
	struct zsim_ftl_stats st;
	zsim_ftl_stats(f, &st, true);   /* waits for the preconditioning thread */
	uint64_t t1 = zsim_wall_ns();
	struct zsim_rng rng;
	zsim_rng_seed(&rng, 1);
	for (uint64_t i = 0; i < writes; i++)
		zsim_ftl_write(f, random ? zsim_rng_below(&rng, n) : i % n);
	uint64_t t2 = zsim_wall_ns();
	zsim_ftl_stats(f, &st, true);
	printf("%-34s %6.1f ns/host write  %5.1f ns/NAND page  WAF %5.2f  (setup + preconditioning %.2f s)\n",
	       name, (double)(t2 - t1) / (double)writes, (double)(t2 - t1) / (double)st.nand_pages,
	       (double)st.nand_pages / (double)st.host_pages, (double)(t1 - t0) / 1e9);
	zsim_ftl_free(f);
}

int main(void)
{
	run("sequential, op 7%", 0.07, ZSIM_FTL_GC_GREEDY, 0);
	run("uniform random, op 7%, greedy", 0.07, ZSIM_FTL_GC_GREEDY, 1);
	run("uniform random, op 28%, greedy", 0.28, ZSIM_FTL_GC_GREEDY, 1);
	run("uniform random, op 7%, cost-benefit", 0.07, ZSIM_FTL_GC_COST_BENEFIT, 1);
	return 0;
}
