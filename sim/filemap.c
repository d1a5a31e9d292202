/*
 * filemap.c - a file's page map: an open-addressing hash map from a file page
 * number to a 64-bit entry (in RAM, swapped, or on the device: sim.h's
 * ZSIM_FPE_* and ZSIM_PTE_* bits).  Processes' page tables are pgtable.c.  Linear
 * probing with backward-shift deletion (no tombstones), grown at 70% load.
 * Keys are stored +1 so that 0 marks an empty bucket.
 */
#include "sim.h"

#include <stdlib.h>

#define PT_INITIAL 64

/*
 * Groups of PT_GROUP consecutive pages hash to consecutive buckets, so pages
 * used together (a heap, a sequential sweep, the hot head of a Zipf range)
 * share cache lines; the groups themselves are scattered by a 64-bit mix.
 */
#define PT_GROUP_SHIFT 3
static inline uint64_t pt_hash(uint64_t k)
{
	uint64_t g = k >> PT_GROUP_SHIFT;
	g ^= g >> 33;
	g *= 0xff51afd7ed558ccdull;
	g ^= g >> 33;
	return (g << PT_GROUP_SHIFT) | (k & ((1u << PT_GROUP_SHIFT) - 1));
}

void zsim_filemap_init(struct zsim_filemap *t)
{
	t->e = zsim_xcalloc(PT_INITIAL, sizeof(*t->e));
	t->mask = PT_INITIAL - 1;
	t->used = 0;
}

void zsim_filemap_free(struct zsim_filemap *t)
{
	free(t->e);
	t->e = NULL;
	t->used = 0;
}

uint64_t *zsim_filemap_lookup(struct zsim_filemap *t, uint64_t key)
{
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->e[j].key) {
		if (t->e[j].key == k)
			return &t->e[j].val;
		j = (j + 1) & t->mask;
	}
	return NULL;
}

static void pt_grow(struct zsim_filemap *t)
{
	uint64_t ncap = (t->mask + 1) * 2;
	struct zsim_pt_entry *ne = zsim_xcalloc(ncap, sizeof(*ne));
	for (uint64_t i = 0; i <= t->mask; i++) {
		if (!t->e[i].key)
			continue;
		uint64_t j = pt_hash(t->e[i].key) & (ncap - 1);
		while (ne[j].key)
			j = (j + 1) & (ncap - 1);
		ne[j] = t->e[i];
	}
	free(t->e);
	t->e = ne;
	t->mask = ncap - 1;
}

uint64_t *zsim_filemap_insert(struct zsim_filemap *t, uint64_t key)
{
	if ((t->used + 1) * 10 > (t->mask + 1) * 7)
		pt_grow(t);
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->e[j].key) {
		if (t->e[j].key == k)
			return &t->e[j].val;
		j = (j + 1) & t->mask;
	}
	t->e[j].key = k;
	t->e[j].val = 0;
	t->used++;
	return &t->e[j].val;
}

void zsim_filemap_remove(struct zsim_filemap *t, uint64_t key)
{
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->e[j].key && t->e[j].key != k)
		j = (j + 1) & t->mask;
	if (!t->e[j].key)
		return;
	/* backward-shift: move later members of the cluster into the hole */
	uint64_t hole = j;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->e[j].key)
			break;
		uint64_t home = pt_hash(t->e[j].key) & t->mask;
		/* can the entry at j move to hole? yes if home is not in (hole, j] cyclically */
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			t->e[hole] = t->e[j];
			hole = j;
		}
	}
	t->e[hole].key = 0;
	t->e[hole].val = 0;
	t->used--;
}
