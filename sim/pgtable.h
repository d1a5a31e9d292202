/*
 * pgtable.h - a process page table: virtual page -> 64-bit entry.
 *
 * Shaped like the kernel's: entries live in leaf tables of 512 (one 4 KiB
 * page of PTEs covering 2 MiB of address space, the x86-64 and arm64 layout),
 * allocated when a page in their range is first touched and kept until the
 * process exits, as the kernel keeps PTE pages until the range is unmapped.
 * So the simulator pays 8 bytes per page of a dense address space, and the
 * number of leaves is the process's page-table footprint that the OOM killer
 * counts (mm_pgtables_bytes, PTE level; the few upper-level pages are left
 * out).  The upper levels are one hash map from (page >> 9) to its leaf, with
 * the last leaf used remembered: an access costs one probe of a small, cache-
 * resident directory and one load from the leaf.
 *
 * Leaves never move, so a pointer to an entry stays valid while the process
 * lives (reclaim may run between a lookup and the store through it).  They
 * come from chunks that double up to 32 MiB (those of 32 MiB mapped with
 * huge pages where the host has them: zsim_xcalloc_big), all freed with the
 * table.
 */
#ifndef ZSIM_PGTABLE_H
#define ZSIM_PGTABLE_H

#include <stdint.h>
#include <stddef.h>

#define ZSIM_PGT_SHIFT 9
#define ZSIM_PGT_LEAF (1u << ZSIM_PGT_SHIFT)

struct zsim_pgt_dir {
	uint64_t key;          /* (page >> 9) + 1; 0 = empty bucket */
	uint64_t *leaf;        /* ZSIM_PGT_LEAF entries */
};

struct zsim_pgtable {
	struct zsim_pgt_dir *dir;
	uint64_t mask, nr_leaves;
	uint64_t last_key;     /* the directory entry used last (0: none) */
	uint64_t *last_leaf;
	/* leaves are carved from chunks of 1, 2, 4 ... ZSIM_PGT_CHUNK_MAX
	 * leaves, freed with the table: a small process takes what it used to,
	 * a large one's full-size chunks whole huge pages (fewer page faults,
	 * fewer TLB misses) */
	void **chunks;
	uint32_t nr_chunks, cap_chunks;
	uint32_t chunk_left;   /* leaves left in the last chunk */
};
#define ZSIM_PGT_CHUNK_MAX 8192u   /* leaves: 32 MiB */

void zsim_pgt_init(struct zsim_pgtable *t);
void zsim_pgt_free(struct zsim_pgtable *t);
/* The leaf for key (page >> 9) + 1, or NULL; `create`: make it if absent. */
uint64_t *zsim_pgt_leaf(struct zsim_pgtable *t, uint64_t key, int create);

static inline uint64_t zsim_pgt_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return k;
}

/* The last leaf used, else a leaf in its home bucket (most are: the directory
 * is at most half full) without a call, and an empty home bucket says at once
 * that a leaf is absent (the queue looks up a new leaf's pages before the
 * first of them is touched); else the slow path. */
static inline uint64_t *zsim_pgt_find_leaf(struct zsim_pgtable *t, uint64_t key, int create)
{
	if (t->last_key == key)
		return t->last_leaf;
	const struct zsim_pgt_dir *d = &t->dir[zsim_pgt_hash(key) & t->mask];
	if (d->key == key) {
		t->last_key = key;
		t->last_leaf = d->leaf;
		return d->leaf;
	}
	if (!create && !d->key)
		return NULL;   /* linear probing: an empty home bucket ends the search */
	return zsim_pgt_leaf(t, key, create);
}

/* The entry of `page`, or NULL when its leaf was never made (entries read 0
 * when never set). */
static inline uint64_t *zsim_pgt_lookup(struct zsim_pgtable *t, uint64_t page)
{
	uint64_t *l = zsim_pgt_find_leaf(t, (page >> ZSIM_PGT_SHIFT) + 1, 0);
	return l ? &l[page & (ZSIM_PGT_LEAF - 1)] : NULL;
}

/* The entry of `page`, its leaf made if needed. */
static inline uint64_t *zsim_pgt_walk(struct zsim_pgtable *t, uint64_t page)
{
	return &zsim_pgt_find_leaf(t, (page >> ZSIM_PGT_SHIFT) + 1, 1)[page & (ZSIM_PGT_LEAF - 1)];
}

/* Start loading the entry of `page` into the cache, if its leaf exists. */
static inline void zsim_pgt_prefetch(struct zsim_pgtable *t, uint64_t page)
{
	uint64_t *l = zsim_pgt_find_leaf(t, (page >> ZSIM_PGT_SHIFT) + 1, 0);
	if (l)
		__builtin_prefetch(&l[page & (ZSIM_PGT_LEAF - 1)], 1);
}

/* Visit every entry that is not 0: fn(arg, page, entry pointer). */
void zsim_pgt_each(struct zsim_pgtable *t, void (*fn)(void *arg, uint64_t page, uint64_t *e), void *arg);
/* The same for pages lo..hi-1 only; costs min(leaves in the range, leaves). */
void zsim_pgt_each_range(struct zsim_pgtable *t, uint64_t lo, uint64_t hi,
			 void (*fn)(void *arg, uint64_t page, uint64_t *e), void *arg);

#endif
