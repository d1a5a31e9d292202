/*
 * ideal.c - a packer with no overhead: the lower bound for every allocator.
 *
 * No kernel has it.  It stores each compressed object as if the bytes of all
 * live objects were laid end to end with no header, no rounding, no per-page
 * waste and free compaction after every free: total_pages() =
 * ceil(live bytes / 4096).  Any real allocator (zsmalloc, zbud, z3fold) holds
 * at least that many frames for the same live set, so comparing against it
 * separates the cost of the allocator from the cost of the content.
 *
 * Frames: when the live bytes grow past a page boundary it takes the extra
 * frames from the frame source (refusal: ZSIM_ENOMEM, nothing changed); when
 * they shrink it gives frames back at once.  Largest object: one page (4096 B,
 * what a compressed store ever asks for); a zero size is ZSIM_EINVAL, as in the
 * kernel allocators.  Available in every profile.
 *
 * Representation: a compact array of object sizes in priv, handle = index + 1,
 * free slots chained through the array; malloc and free are O(1) amortised.
 */
#include "allocator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IDEAL_MAX_SIZE ZSIM_PAGE_SIZE   /* one uncompressed page */
#define IDEAL_FREE     UINT32_MAX       /* marks a free slot (sizes are <= 4096) */
#define NIL            UINT32_MAX

struct ideal_slot {
	uint32_t size;          /* bytes, or IDEAL_FREE */
	uint32_t next_free;
};

struct ideal {
	const struct zsim_frame_source *frames;
	struct ideal_slot *slots;
	uint32_t cap, used, free_head;
	uint64_t bytes, nobj;
};

static uint64_t pages_for(uint64_t bytes)
{
	return ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE);
}

static int ideal_init(void *priv, const struct zsim_alloc_params *p)
{
	struct ideal *z = priv;
	z->frames = p->frames;
	z->free_head = NIL;
	return 0;
}

/* Gives back every frame still held, then frees the slot array. */
static void ideal_destroy(void *priv)
{
	struct ideal *z = priv;
	uint64_t held = pages_for(z->bytes);
	if (z->frames && held)
		z->frames->put(z->frames->ctx, (unsigned)held);
	free(z->slots);
	memset(z, 0, sizeof(*z));
}

/* EINVAL for 0, ENOSPC above 4096 B, ENOMEM (nothing changed) if a frame is refused.  O(1) amortised. */
static int ideal_malloc(void *priv, size_t size, zsim_handle *out)
{
	struct ideal *z = priv;
	if (size == 0)
		return ZSIM_EINVAL;
	if (size > IDEAL_MAX_SIZE)
		return ZSIM_ENOSPC;
	uint64_t grow = pages_for(z->bytes + size) - pages_for(z->bytes);
	if (grow && z->frames && z->frames->get(z->frames->ctx, (unsigned)grow) != 0)
		return ZSIM_ENOMEM;
	uint32_t i;
	if (z->free_head != NIL) {
		i = z->free_head;
		z->free_head = z->slots[i].next_free;
	} else {
		if (z->used == z->cap) {
			z->cap = z->cap ? z->cap * 2 : 1024;
			z->slots = zsim_xrealloc(z->slots, z->cap * sizeof(*z->slots));
		}
		i = z->used++;
	}
	z->slots[i].size = (uint32_t)size;
	z->bytes += size;
	z->nobj++;
	*out = (zsim_handle)i + 1;
	return 0;
}

/* pre: h live.  O(1). */
static void ideal_free(void *priv, zsim_handle h)
{
	struct ideal *z = priv;
	uint32_t i = (uint32_t)(h - 1);
	uint64_t before = pages_for(z->bytes);
	z->bytes -= z->slots[i].size;
	z->nobj--;
	z->slots[i].size = IDEAL_FREE;
	z->slots[i].next_free = z->free_head;
	z->free_head = i;
	uint64_t shrink = before - pages_for(z->bytes);
	if (shrink && z->frames)
		z->frames->put(z->frames->ctx, (unsigned)shrink);
}

static uint64_t ideal_total_pages(const void *priv)
{
	return pages_for(((const struct ideal *)priv)->bytes);
}

static size_t ideal_max_size(const void *priv)
{
	(void)priv;
	return IDEAL_MAX_SIZE;
}

static size_t ideal_nr_classes(const void *priv)
{
	(void)priv;
	return 1;
}

/* One summary row: size 4096 (the largest object), objs_per_unit 0 (not fixed). */
static void ideal_class_stat(const void *priv, size_t i, struct zsim_alloc_class_stat *st)
{
	const struct ideal *z = priv;
	memset(st, 0, sizeof(*st));
	if (i != 0)
		return;
	st->size = IDEAL_MAX_SIZE;
	st->pages_per_unit = 1;
	st->objs_allocated = st->objs_used = z->nobj;
	st->units = st->pages = pages_for(z->bytes);
}

/* Recounts live objects and bytes over the slot array.  O(objects). */
static int ideal_check(const void *priv, char *msg, size_t msglen)
{
	const struct ideal *z = priv;
	uint64_t bytes = 0, n = 0, nfree = 0;
	for (uint32_t i = 0; i < z->used; i++) {
		if (z->slots[i].size == IDEAL_FREE)
			continue;
		if (z->slots[i].size == 0 || z->slots[i].size > IDEAL_MAX_SIZE) {
			snprintf(msg, msglen, "ideal: slot %u holds size %u", i, z->slots[i].size);
			return ZSIM_ECORRUPT;
		}
		bytes += z->slots[i].size;
		n++;
	}
	for (uint32_t i = z->free_head; i != NIL; i = z->slots[i].next_free) {
		if (i >= z->used || z->slots[i].size != IDEAL_FREE || ++nfree > z->used) {
			snprintf(msg, msglen, "ideal: free chain broken at slot %u", i);
			return ZSIM_ECORRUPT;
		}
	}
	if (bytes != z->bytes || n != z->nobj || n + nfree != z->used) {
		snprintf(msg, msglen, "ideal: %llu objects / %llu bytes recorded, %llu / %llu found, %llu free of %u",
			 (unsigned long long)z->nobj, (unsigned long long)z->bytes,
			 (unsigned long long)n, (unsigned long long)bytes,
			 (unsigned long long)nfree, z->used);
		return ZSIM_ECORRUPT;
	}
	return 0;
}

const struct zsim_allocator_ops zsim_allocator_ideal = {
	.name = "ideal",
	.compaction_note = "not needed: a reference that packs without gaps",
	.priv_size = sizeof(struct ideal),
	.init = ideal_init,
	.destroy = ideal_destroy,
	.malloc = ideal_malloc,
	.free = ideal_free,
	.total_pages = ideal_total_pages,
	.compact = NULL,        /* always perfectly packed */
	.max_size = ideal_max_size,
	.huge_size = NULL,
	.nr_classes = ideal_nr_classes,
	.class_stat = ideal_class_stat,
	.check = ideal_check,
};
