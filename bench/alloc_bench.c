/*
 * alloc_bench.c - allocator microbenchmark for `make bench`.
 *
 * For each allocator and live-set size (64 Ki objects, which fit in the CPU
 * caches, and 1 Mi, which do not): fill a pool with that many objects whose sizes follow a
 * realistic mix (the lz4 sizes of the `mix` content class's pages, which spans
 * the whole size range), then time OPS steps of "free a random live object,
 * allocate a new one".  Prints store+free pairs per second on one core and the
 * simulator's own heap bytes per stored object (mallinfo2 before/after fill).
 */
#include "allocators/allocator.h"
#include "codecs/codec.h"
#include "traces/content.h"
#include "core/rng.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LIVE 1000000
#define OPS  20000000
#define SIZE_SAMPLES 4096

int main(int argc, char **argv);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	/* The size mix: lz4 lengths of mix pages; as zram would, pages it cannot shrink
	 * below the huge threshold are stored whole (4096). */
	static unsigned sizes[SIZE_SAMPLES];
	struct zsim_codec *c;
	uint8_t page[ZSIM_PAGE_SIZE];
	zsim_codec_new("lz4", -1, &c);
	for (unsigned i = 0; i < SIZE_SAMPLES; i++) {
		zsim_content_fill(ZSIM_CONTENT_MIX, i, page);
		int n = zsim_codec_page_len(c, page);
		sizes[i] = n >= 3625 ? 4096 : (unsigned)n;
	}
	zsim_codec_free(c);

	const struct zsim_kprofile *kp = zsim_kprofile_find("6.1"); /* has all four */
	struct zsim_alloc_params ap = { .kp = kp, .frames = NULL };
	zsim_handle *live = malloc(MAX_LIVE * sizeof(*live));
	static const size_t lives[] = { 65536, MAX_LIVE };
	for (size_t li = 0; li < 2; li++)
	for (size_t ai = 0; ai < zsim_allocator_count(); ai++) {
		const size_t LIVE = lives[li];
		const char *name = zsim_allocator_at(ai)->name;
		if (only && strcmp(only, name))
			continue;
		struct zsim_allocator *a;
		struct zsim_rng r;
		zsim_rng_seed(&r, 1);
		struct mallinfo2 m0 = mallinfo2();
		size_t heap0 = m0.uordblks + m0.hblkhd;
		if (zsim_allocator_new(name, &ap, &a) < 0) {
			printf("%-9s (not available in profile %s)\n", name, kp->name);
			continue;
		}
		size_t maxs = a->ops->max_size(a->priv);
		for (size_t i = 0; i < LIVE; i++) {
			unsigned s = sizes[zsim_rng_below(&r, SIZE_SAMPLES)];
			if (zsim_alloc_malloc(a, s > maxs ? maxs : s, &live[i]) < 0) {
				fprintf(stderr, "alloc_bench: %s: malloc failed\n", name);
				return 1;
			}
		}
		struct mallinfo2 m1 = mallinfo2();
		size_t heap1 = m1.uordblks + m1.hblkhd;
		double t0 = now();
		for (size_t i = 0; i < OPS; i++) {
			size_t k = zsim_rng_below(&r, LIVE);
			unsigned s = sizes[zsim_rng_below(&r, SIZE_SAMPLES)];
			zsim_alloc_free(a, live[k]);
			if (zsim_alloc_malloc(a, s > maxs ? maxs : s, &live[k]) < 0)
				return 1;
		}
		double dt = now() - t0;
		printf("%-9s %7zu live  %6.1f M store+free/s  %5.1f simulator bytes/object  %6.3f pages/object\n",
		       name, LIVE, (double)OPS / dt / 1e6, (double)(heap1 - heap0) / LIVE,
		       (double)zsim_alloc_total_pages(a) / LIVE);
		zsim_allocator_free(a);
	}
	free(live);
	return 0;
}
