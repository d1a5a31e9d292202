/*
 * pgtable.c - the slow paths of the process page table (pgtable.h): the
 * directory of leaves (open addressing, linear probing, grown at 50% load;
 * leaves are freed only with the whole table, so nothing is ever deleted),
 * and the chunks the leaves are carved from.
 */
#include "pgtable.h"
#include "../core/zsim.h"

#include <stdlib.h>

#define DIR_INITIAL 16

#define dir_hash zsim_pgt_hash

void zsim_pgt_init(struct zsim_pgtable *t)
{
	t->dir = zsim_xcalloc(DIR_INITIAL, sizeof(*t->dir));
	t->mask = DIR_INITIAL - 1;
	t->nr_leaves = 0;
	t->last_key = 0;
	t->last_leaf = NULL;
	t->chunks = NULL;
	t->nr_chunks = t->cap_chunks = t->chunk_left = 0;
}

/* Chunk i holds 2^i leaves, at most ZSIM_PGT_CHUNK_MAX.  Only the full-size
 * chunks get huge pages: a huge page is resident whole once touched, and a
 * table big enough for them (32 MiB of leaves) loses at most one partly
 * used huge page, where a small table would have doubled its footprint. */
static uint32_t chunk_leaves(uint32_t i)
{
	return i < 13 && (1u << i) < ZSIM_PGT_CHUNK_MAX ? 1u << i : ZSIM_PGT_CHUNK_MAX;
}

static void *chunk_alloc(uint32_t n)
{
	return n == ZSIM_PGT_CHUNK_MAX ? zsim_xcalloc_big(n, ZSIM_PGT_LEAF * sizeof(uint64_t))
				       : zsim_xcalloc(n, ZSIM_PGT_LEAF * sizeof(uint64_t));
}

/* Leaves are carved from a chunk in order: a full-size chunk's are backed
 * with memory ahead of the carving, 2 MiB (PF_LEAVES leaves) at a time, up to
 * two ahead (core/prefault.c); one window at most is backed and unused. */
#define PF_LEAVES ((2u << 20) / (ZSIM_PGT_LEAF * (uint32_t)sizeof(uint64_t)))

static void chunk_prefault(uint64_t *base, uint32_t k)
{
	/* a new chunk: its first two windows; else the one after the next */
	zsim_prefault_entries(base, ZSIM_PGT_LEAF * sizeof(uint64_t), ZSIM_PGT_CHUNK_MAX,
			      k ? k + PF_LEAVES : 0, k ? PF_LEAVES : 2 * PF_LEAVES);
}

static void chunk_free(void *c, uint32_t n)
{
	if (n == ZSIM_PGT_CHUNK_MAX)
		zsim_free_big(c, n, ZSIM_PGT_LEAF * sizeof(uint64_t));
	else
		free(c);
}

void zsim_pgt_free(struct zsim_pgtable *t)
{
	for (uint32_t i = 0; i < t->nr_chunks; i++)
		chunk_free(t->chunks[i], chunk_leaves(i));
	free(t->chunks);
	free(t->dir);
	t->dir = NULL;
	t->nr_leaves = 0;
	t->last_key = 0;
	t->last_leaf = NULL;
	t->chunks = NULL;
	t->nr_chunks = t->cap_chunks = t->chunk_left = 0;
}

/* A zeroed leaf from the last chunk, or from a new one twice its size. */
static uint64_t *leaf_alloc(struct zsim_pgtable *t)
{
	if (!t->chunk_left) {
		if (t->nr_chunks == t->cap_chunks) {
			t->cap_chunks = t->cap_chunks ? t->cap_chunks * 2 : 8;
			t->chunks = zsim_xrealloc(t->chunks, t->cap_chunks * sizeof(*t->chunks));
		}
		uint32_t n = chunk_leaves(t->nr_chunks);
		t->chunks[t->nr_chunks++] = chunk_alloc(n);
		t->chunk_left = n;
	}
	uint32_t n = chunk_leaves(t->nr_chunks - 1);
	uint64_t *base = t->chunks[t->nr_chunks - 1];
	uint32_t k = n - t->chunk_left--;
	if (n == ZSIM_PGT_CHUNK_MAX && k % PF_LEAVES == 0)
		chunk_prefault(base, k);
	return base + (size_t)k * ZSIM_PGT_LEAF;
}

static void dir_grow(struct zsim_pgtable *t)
{
	uint64_t ncap = (t->mask + 1) * 2;
	struct zsim_pgt_dir *nd = zsim_xcalloc(ncap, sizeof(*nd));
	for (uint64_t i = 0; i <= t->mask; i++) {
		if (!t->dir[i].key)
			continue;
		uint64_t j = dir_hash(t->dir[i].key) & (ncap - 1);
		while (nd[j].key)
			j = (j + 1) & (ncap - 1);
		nd[j] = t->dir[i];
	}
	free(t->dir);
	t->dir = nd;
	t->mask = ncap - 1;
}

uint64_t *zsim_pgt_leaf(struct zsim_pgtable *t, uint64_t key, int create)
{
	uint64_t j = dir_hash(key) & t->mask;
	while (t->dir[j].key) {
		if (t->dir[j].key == key) {
			t->last_key = key;
			t->last_leaf = t->dir[j].leaf;
			return t->dir[j].leaf;
		}
		j = (j + 1) & t->mask;
	}
	if (!create)
		return NULL;
	if ((t->nr_leaves + 1) * 2 > t->mask + 1) {
		dir_grow(t);
		j = dir_hash(key) & t->mask;
		while (t->dir[j].key)
			j = (j + 1) & t->mask;
	}
	uint64_t *leaf = leaf_alloc(t);
	t->dir[j].key = key;
	t->dir[j].leaf = leaf;
	t->nr_leaves++;
	t->last_key = key;
	t->last_leaf = leaf;
	return leaf;
}

static int dir_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct zsim_pgt_dir *)a)->key, y = ((const struct zsim_pgt_dir *)b)->key;
	return x < y ? -1 : x > y;
}

/* In address order, as the kernel walks an address space it tears down. */
void zsim_pgt_each(struct zsim_pgtable *t, void (*fn)(void *arg, uint64_t page, uint64_t *e), void *arg)
{
	if (!t->nr_leaves)
		return;
	struct zsim_pgt_dir *v = zsim_xmalloc(t->nr_leaves * sizeof(*v));
	uint64_t n = 0;
	for (uint64_t i = 0; i <= t->mask; i++)
		if (t->dir[i].key)
			v[n++] = t->dir[i];
	qsort(v, n, sizeof(*v), dir_cmp);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t base = (v[i].key - 1) << ZSIM_PGT_SHIFT;
		for (uint32_t k = 0; k < ZSIM_PGT_LEAF; k++)
			if (v[i].leaf[k])
				fn(arg, base + k, &v[i].leaf[k]);
	}
	free(v);
}

/*
 * Entries of pages lo..hi-1 that are not 0, in address order.  Costs the
 * smaller of the leaves the range covers and the leaves that exist, so a
 * range of 2^40 pages over a small address space visits only what is there.
 */
void zsim_pgt_each_range(struct zsim_pgtable *t, uint64_t lo, uint64_t hi,
			 void (*fn)(void *arg, uint64_t page, uint64_t *e), void *arg)
{
	if (!t->nr_leaves || lo >= hi)
		return;
	uint64_t k0 = lo >> ZSIM_PGT_SHIFT, k1 = (hi - 1) >> ZSIM_PGT_SHIFT;
	if (k1 - k0 < t->nr_leaves) {
		for (uint64_t k = k0; k <= k1; k++) {
			uint64_t *l = zsim_pgt_leaf(t, k + 1, 0);
			if (!l)
				continue;
			uint64_t base = k << ZSIM_PGT_SHIFT;
			for (uint32_t i = 0; i < ZSIM_PGT_LEAF; i++)
				if (l[i] && base + i >= lo && base + i < hi)
					fn(arg, base + i, &l[i]);
		}
		return;
	}
	struct zsim_pgt_dir *v = zsim_xmalloc(t->nr_leaves * sizeof(*v));
	uint64_t n = 0;
	for (uint64_t i = 0; i <= t->mask; i++)
		if (t->dir[i].key && t->dir[i].key - 1 >= k0 && t->dir[i].key - 1 <= k1)
			v[n++] = t->dir[i];
	qsort(v, n, sizeof(*v), dir_cmp);
	for (uint64_t j = 0; j < n; j++) {
		uint64_t base = (v[j].key - 1) << ZSIM_PGT_SHIFT;
		for (uint32_t i = 0; i < ZSIM_PGT_LEAF; i++)
			if (v[j].leaf[i] && base + i >= lo && base + i < hi)
				fn(arg, base + i, &v[j].leaf[i]);
	}
	free(v);
}
