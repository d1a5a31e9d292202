/*
 * ptable.c - a page table: an open-addressing hash map from a page number to
 * a 64-bit entry, used for process page tables and file page maps.  Linear
 * probing with backward-shift deletion (no tombstones), grown at 70% load.
 * Keys are stored +1 so that 0 marks an empty bucket.
 */
#include "sim.h"

#include <stdlib.h>

#define PT_INITIAL 64

static inline uint64_t pt_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

void zsim_pt_init(struct zsim_ptable *t)
{
	t->keys = zsim_xcalloc(PT_INITIAL, sizeof(*t->keys));
	t->vals = zsim_xcalloc(PT_INITIAL, sizeof(*t->vals));
	t->mask = PT_INITIAL - 1;
	t->used = 0;
}

void zsim_pt_free(struct zsim_ptable *t)
{
	free(t->keys);
	free(t->vals);
	t->keys = t->vals = NULL;
	t->used = 0;
}

uint64_t *zsim_pt_lookup(struct zsim_ptable *t, uint64_t key)
{
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->keys[j]) {
		if (t->keys[j] == k)
			return &t->vals[j];
		j = (j + 1) & t->mask;
	}
	return NULL;
}

static void pt_grow(struct zsim_ptable *t)
{
	uint64_t ncap = (t->mask + 1) * 2;
	uint64_t *nk = zsim_xcalloc(ncap, sizeof(*nk)), *nv = zsim_xcalloc(ncap, sizeof(*nv));
	for (uint64_t i = 0; i <= t->mask; i++) {
		if (!t->keys[i])
			continue;
		uint64_t j = pt_hash(t->keys[i]) & (ncap - 1);
		while (nk[j])
			j = (j + 1) & (ncap - 1);
		nk[j] = t->keys[i];
		nv[j] = t->vals[i];
	}
	free(t->keys);
	free(t->vals);
	t->keys = nk;
	t->vals = nv;
	t->mask = ncap - 1;
}

uint64_t *zsim_pt_insert(struct zsim_ptable *t, uint64_t key)
{
	if ((t->used + 1) * 10 > (t->mask + 1) * 7)
		pt_grow(t);
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->keys[j]) {
		if (t->keys[j] == k)
			return &t->vals[j];
		j = (j + 1) & t->mask;
	}
	t->keys[j] = k;
	t->vals[j] = 0;
	t->used++;
	return &t->vals[j];
}

void zsim_pt_remove(struct zsim_ptable *t, uint64_t key)
{
	uint64_t k = key + 1, j = pt_hash(k) & t->mask;
	while (t->keys[j] && t->keys[j] != k)
		j = (j + 1) & t->mask;
	if (!t->keys[j])
		return;
	/* backward-shift: move later members of the cluster into the hole */
	uint64_t hole = j;
	for (;;) {
		j = (j + 1) & t->mask;
		if (!t->keys[j])
			break;
		uint64_t home = pt_hash(t->keys[j]) & t->mask;
		/* can the entry at j move to hole? yes if home is not in (hole, j] cyclically */
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			t->keys[hole] = t->keys[j];
			t->vals[hole] = t->vals[j];
			hole = j;
		}
	}
	t->keys[hole] = 0;
	t->vals[hole] = 0;
	t->used--;
}
