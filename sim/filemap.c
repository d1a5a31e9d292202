/*
 * filemap.c - a file's page map: an open-addressing hash map from a file page
 * number to a 64-bit entry (in RAM, swapped, or on the device: sim.h's
 * ZSIM_FPE_* and ZSIM_PTE_* bits).  Processes' page tables are pgtable.c.  Linear
 * probing with backward-shift deletion (no tombstones), grown at 70% load.
 * Keys are stored +1 so that 0 marks an empty bucket.
 *
 * Most files hold a few pages (kbuild: 46,000 files, 5 pages each), so a map
 * starts small: up to SMALL_MAX entries in a packed array, each key carrying
 * in its top byte the bucket it would have in the 64-bucket table every map
 * starts as, and a bitmap of those buckets.  Inserts and removals move the
 * virtual buckets exactly as the table would (first free bucket from home;
 * backward shift), and the map becomes that table, entries in their buckets,
 * when it outgrows the array.  So the buckets (zsim_filemap_at: the order a
 * truncate drops pages in, which decides the order frames are freed) are the
 * same either way, and a small file costs 16 bytes a page instead of 1 KiB.
 */
#include "sim.h"

#include <stdio.h>
#include <stdlib.h>

#define PT_INITIAL 64      /* buckets of the first table (small maps emulate it) */
#define SMALL_MAX 16       /* entries a small map holds before it becomes the table */
#define SMALL_SHIFT 56     /* a small map's key: bucket << SMALL_SHIFT | (page + 1) */
#define SMALL_KEY ((1ull << SMALL_SHIFT) - 1)
_Static_assert(PT_INITIAL == 64 && SMALL_MAX * 10 <= PT_INITIAL * 7, "a small map's buckets fit its bitmap, "
	       "and the table it emulates would not have grown");

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
	t->e = NULL;
	t->mask = PT_INITIAL - 1;
	t->used = 0;
	t->occ = 0;
	t->cap = 0;
	t->small = true;
}

void zsim_filemap_free(struct zsim_filemap *t)
{
	free(t->e);
	t->e = NULL;
	t->used = 0;
	t->occ = 0;
	t->cap = 0;
}

/* Small map: the entry in bucket b (pre: occupied). */
static struct zsim_pt_entry *small_at(struct zsim_filemap *t, uint64_t b)
{
	for (uint64_t i = 0; i < t->used; i++)
		if (t->e[i].key >> SMALL_SHIFT == b)
			return &t->e[i];
	fprintf(stderr, "zsim: filemap: bucket %llu marked but empty (model bug)\n", (unsigned long long)b);
	abort();
}

static struct zsim_pt_entry *small_find(struct zsim_filemap *t, uint64_t k)
{
	for (uint64_t i = 0; i < t->used; i++)
		if ((t->e[i].key & SMALL_KEY) == k)
			return &t->e[i];
	return NULL;
}

uint64_t *zsim_filemap_lookup(struct zsim_filemap *t, uint64_t key)
{
	uint64_t k = key + 1;
	if (t->small) {
		struct zsim_pt_entry *x = small_find(t, k);
		return x ? &x->val : NULL;
	}
	uint64_t j = pt_hash(k) & t->mask;
	while (t->e[j].key) {
		if (t->e[j].key == k)
			return &t->e[j].val;
		j = (j + 1) & t->mask;
	}
	return NULL;
}

bool zsim_filemap_at(struct zsim_filemap *t, uint64_t b, uint64_t *page, uint64_t *val)
{
	const struct zsim_pt_entry *x;
	if (t->small) {
		if (!(t->occ >> b & 1))
			return false;
		x = small_at(t, b);
		*page = (x->key & SMALL_KEY) - 1;
	} else {
		x = &t->e[b];
		if (!x->key)
			return false;
		*page = x->key - 1;
	}
	*val = x->val;
	return true;
}

/* A small map becomes the table it stands for: each entry in its bucket. */
static void small_to_table(struct zsim_filemap *t)
{
	struct zsim_pt_entry *ne = zsim_xcalloc(PT_INITIAL, sizeof(*ne));
	for (uint64_t i = 0; i < t->used; i++)
		ne[t->e[i].key >> SMALL_SHIFT] = (struct zsim_pt_entry){ t->e[i].key & SMALL_KEY, t->e[i].val };
	free(t->e);
	t->e = ne;
	t->small = false;
	t->occ = 0;
	t->cap = 0;
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

static uint64_t *small_insert(struct zsim_filemap *t, uint64_t k)
{
	struct zsim_pt_entry *x = small_find(t, k);
	if (x)
		return &x->val;
	uint64_t j = pt_hash(k) & t->mask;   /* the first free bucket from home, as the table probes */
	while (t->occ >> j & 1)
		j = (j + 1) & t->mask;
	if (t->used == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 2;
		t->e = zsim_xrealloc(t->e, t->cap * sizeof(*t->e));
	}
	t->occ |= 1ull << j;
	x = &t->e[t->used++];
	*x = (struct zsim_pt_entry){ j << SMALL_SHIFT | k, 0 };
	return &x->val;
}

static void small_remove(struct zsim_filemap *t, uint64_t k)
{
	struct zsim_pt_entry *x = small_find(t, k);
	if (!x)
		return;
	uint64_t hole = x->key >> SMALL_SHIFT, j = hole;
	*x = t->e[--t->used];   /* out of the array; its bucket is the first hole */
	/* backward shift over the buckets, as zsim_filemap_remove does in the table */
	for (;;) {
		j = (j + 1) & t->mask;
		if (!(t->occ >> j & 1))
			break;
		struct zsim_pt_entry *y = small_at(t, j);
		uint64_t home = pt_hash(y->key & SMALL_KEY) & t->mask;
		bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
		if (!stays) {
			y->key = hole << SMALL_SHIFT | (y->key & SMALL_KEY);
			hole = j;
		}
	}
	t->occ &= ~(1ull << hole);
}

uint64_t *zsim_filemap_insert(struct zsim_filemap *t, uint64_t key)
{
	if (t->small) {
		if (t->used < SMALL_MAX || small_find(t, key + 1))
			return small_insert(t, key + 1);
		small_to_table(t);
	}
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
	if (t->small) {
		small_remove(t, key + 1);
		return;
	}
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
