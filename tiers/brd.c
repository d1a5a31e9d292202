/*
 * brd.c - brd, the RAM-backed block device (drivers/block/brd.c, /dev/ramN).
 *
 * What the kernel does.  brd stores each written 4 KiB sector-page in a page
 * of RAM it allocates on the first write to that offset (brd_insert_page), and
 * keeps it until the device is reset: overwriting reuses the page, and freeing
 * a swap slot on it frees nothing, since only zram has the swap layer's
 * slot-free notification and swap sends discards only when swapon asks for
 * them.  Reads and writes are memory copies, done synchronously in the
 * submitting task; from 4.15 brd is a synchronous device like zram, so swap-ins
 * from it skip the swap cache.
 *
 * Why zsim has it.  It is the uncompressed baseline of the 2013 argument:
 * "swap to a RAM disk" is what zram does without the compression, and the
 * seed's feedback (a swap device that takes its pages from the RAM it
 * relieves) is plainest here: every page swapped out costs a page of RAM
 * until its offset is overwritten.  It is also the proof that a tier is one
 * file and one registry line: its settings, help and errors all come from the
 * table below.
 *
 * What the model keeps.  One RAM frame per offset ever written, taken from the
 * frame source at the first write and never given back (a refused frame fails
 * the write with -ENOMEM, as brd's GFP_NOIO allocation would fail the bio);
 * the copy's CPU time per page (`copy_time`).  Drops: the page cache of the
 * device itself, DAX, discard (6.15's brd frees pages on discard; swap sends
 * none by default).
 */
#include "tier.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct brd_cfg {
	uint64_t copy_time;       /* ns of CPU per 4 KiB copied */
};

/* A 4 KiB memcpy at ~20 GB/s: 0.2 us; rounded up for the bio's own work. */
static const struct zsim_key keys[] = {
	{ "copy_time", ZSIM_KEY_TIME, offsetof(struct brd_cfg, copy_time), 0, "250ns", { NULL }, 0, 0, 0,
	  NULL, 0, "CPU time to copy one page in or out" },
	{ NULL },
};

struct brd {
	const struct zsim_kprofile *kp;
	const struct zsim_frame_source *frames;
	uint64_t nr_pages, copy_ns;
	uint8_t *state;           /* per offset: 0 never written, 1 page held, 2 held and in use */
	uint64_t pages_held, pages_used, writes, reads, failed_writes;
};

enum { OFF_NONE, OFF_HELD, OFF_USED };

static int brd_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct brd *b = priv;
	const struct brd_cfg *c = p->cfg;
	if (!p->capacity_pages) {
		snprintf(err, errlen, "brd needs a size");
		return ZSIM_EINVAL;
	}
	b->kp = p->kp;
	b->frames = p->frames;
	b->nr_pages = p->capacity_pages;
	b->copy_ns = c->copy_time;
	b->state = zsim_xcalloc(b->nr_pages, 1);
	return 0;
}

static void brd_destroy(void *priv)
{
	struct brd *b = priv;
	free(b->state);   /* frames go back with the machine, as the allocators' do */
}

static int brd_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct brd *b = priv;
	(void)pg;
	if (index >= b->nr_pages)
		return ZSIM_ERANGE;
	if (b->state[index] == OFF_NONE) {
		if (b->frames && b->frames->get(b->frames->ctx, 1) < 0) {
			b->failed_writes++;
			return ZSIM_ENOMEM;
		}
		b->pages_held++;
	}
	b->pages_used += b->state[index] != OFF_USED;
	b->state[index] = OFF_USED;
	b->writes++;
	return 0;
}

/* A freed slot keeps its page: brd hears of no free. */
static void brd_invalidate(void *priv, uint64_t index)
{
	struct brd *b = priv;
	if (index < b->nr_pages && b->state[index] == OFF_USED) {
		b->state[index] = OFF_HELD;
		b->pages_used--;
	}
}

static uint64_t brd_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages, uint64_t *cpu_ns)
{
	struct brd *b = priv;
	(void)index;
	if (!write)
		b->reads += npages;
	*cpu_ns += (uint64_t)npages * b->copy_ns;
	return now;
}

static size_t brd_stats(const void *priv, struct zsim_stat *out, size_t max)
{
	const struct brd *b = priv;
	const struct zsim_stat all[] = {
		{ "pages_held", b->pages_held },       /* RAM pages the device holds */
		{ "pages_used", b->pages_used },       /* of them, holding live data */
		{ "writes", b->writes },
		{ "reads", b->reads },
		{ "failed_writes", b->failed_writes },
		{ "capacity_pages", b->nr_pages },
	};
	size_t n = ZSIM_ARRAY_SIZE(all) < max ? ZSIM_ARRAY_SIZE(all) : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int brd_check(const void *priv, char *msg, size_t len)
{
	const struct brd *b = priv;
	uint64_t held = 0, used = 0;
	for (uint64_t i = 0; i < b->nr_pages; i++) {
		held += b->state[i] != OFF_NONE;
		used += b->state[i] == OFF_USED;
	}
	if (held != b->pages_held || used != b->pages_used) {
		snprintf(msg, len, "brd: %llu held, %llu used; counters say %llu, %llu", (unsigned long long)held,
			 (unsigned long long)used, (unsigned long long)b->pages_held,
			 (unsigned long long)b->pages_used);
		return ZSIM_ECORRUPT;
	}
	return 0;
}

static int brd_control(void *priv, enum zsim_tier_ctl op, void *arg)
{
	struct brd *b = priv;
	switch (op) {
	case ZSIM_TCTL_SYNC_IO:
		/* brd became a synchronous device in the same 4.15 change as zram
		 * (BDI_CAP_SYNCHRONOUS_IO), so the profile's zram_sync_io says it */
		*(bool *)arg = b->kp->zram_sync_io;
		return 0;
	case ZSIM_TCTL_RAM_PAGES:
		*(uint64_t *)arg = b->pages_held;
		return 0;
	default:
		return ZSIM_ENOTSUP;
	}
}

const struct zsim_tier_ops zsim_tier_brd = {
	.name = "brd",
	.priv_size = sizeof(struct brd),
	.keys = keys,
	.cfg_size = sizeof(struct brd_cfg),
	.flags = ZSIM_TIER_RW_PAGE,
	.init = brd_init,
	.destroy = brd_destroy,
	.store = brd_store,
	.invalidate = brd_invalidate,
	.stats = brd_stats,
	.check = brd_check,
	.io = brd_io,
	.control = brd_control,
};
