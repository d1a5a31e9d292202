/*
 * blockdev.c - a plain block device: SSD, eMMC, HDD, NVRAM or NAS.
 *
 * One model serves every plain device; the config's device types (ssd, emmc,
 * hdd, nvram, nas) are presets of its parameters (sim/config.c documents the
 * numbers and their sources).  We chose one parameterised file over five
 * copies: the kernel sees them all as a request queue, and what tells them
 * apart is latency, bandwidth, queue depth and whether position matters.
 *
 * Model.  A request of n pages submitted at t waits for the first of the
 * device's `queue_depth` service slots to be free, then occupies it for
 * latency + n x 4096 / bandwidth; it completes at the end of that.  A rotating
 * device (`seek`) pays the latency only when the request does not continue the
 * previous one (sequential transfers stream).  The device keeps no data: the
 * swap layer remembers what each slot holds.  Counters: reads, writes, bytes,
 * busy time.
 *
 * Flash wear (ssd, emmc).  The controller's wear levelling spreads writes over
 * the whole flash (flash_pages, which may be more than the part the config
 * uses, e.g. a swap partition on a larger eMMC); every page the host writes
 * costs waf pages of NAND programs (write amplification: garbage collection,
 * small random writes); each NAND block endures pe_cycles program/erase
 * cycles.  So the rated life is flash x pe_cycles of NAND writes, i.e. the
 * JEDEC TBW = flash x pe_cycles / waf, and a run reports the fraction of it
 * used (nand_pages_written / (flash_pages x pe_cycles)); results.c turns the
 * rate into years.  A constant waf is the simplification: the real one
 * depends on the write pattern, free space and the controller.
 *
 * Dropped: request merging and reordering by an I/O scheduler, write caches,
 * garbage collection stalls, read/write interference beyond sharing slots.
 */
#include "tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKDEV_MAX_QD 65536u

struct blockdev {
	uint64_t nr_pages;
	uint64_t rlat, wlat, rbw, wbw;
	bool seek;
	unsigned qd;
	uint64_t *slot_free_at;   /* per service slot, when it is next free (ns) */
	uint64_t next_index;      /* where a sequential request would start */
	uint64_t reads, writes, pages_read, pages_written, busy_ns, stored, discards;
	uint8_t *used;            /* which pages hold data (for the count and checks) */
	uint32_t pe_cycles, waf_milli;
	uint64_t flash_pages;
};

static int bd_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct blockdev *d = priv;
	if (!p->capacity_pages || !p->queue_depth || p->queue_depth > BLOCKDEV_MAX_QD) {
		snprintf(err, errlen, "block device needs a size and a queue depth of 1..%u", BLOCKDEV_MAX_QD);
		return ZSIM_EINVAL;
	}
	d->nr_pages = p->capacity_pages;
	d->rlat = p->read_latency_ns;
	d->wlat = p->write_latency_ns;
	d->rbw = p->read_bw;
	d->wbw = p->write_bw;
	d->seek = p->seek;
	d->pe_cycles = p->pe_cycles;
	d->waf_milli = p->waf_milli ? p->waf_milli : 1000;
	d->flash_pages = p->flash_pages > d->nr_pages ? p->flash_pages : d->nr_pages;
	d->qd = p->queue_depth;
	d->slot_free_at = zsim_xcalloc(d->qd, sizeof(*d->slot_free_at));
	d->used = zsim_xcalloc(d->nr_pages, 1);
	return 0;
}

static void bd_destroy(void *priv)
{
	struct blockdev *d = priv;
	free(d->slot_free_at);
	free(d->used);
}

static int bd_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct blockdev *d = priv;
	(void)pg;
	if (index >= d->nr_pages)
		return ZSIM_ERANGE;
	d->stored += !d->used[index];
	d->used[index] = 1;
	return 0;
}

static void bd_invalidate(void *priv, uint64_t index)
{
	struct blockdev *d = priv;
	if (index >= d->nr_pages)
		return;
	d->stored -= d->used[index];
	d->used[index] = 0;
	d->discards++;
}

static uint64_t bd_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages, uint64_t *cpu_ns)
{
	struct blockdev *d = priv;
	(void)cpu_ns;
	unsigned best = 0;
	for (unsigned i = 1; i < d->qd; i++)
		if (d->slot_free_at[i] < d->slot_free_at[best])
			best = i;
	uint64_t start = d->slot_free_at[best] > now ? d->slot_free_at[best] : now;
	uint64_t bw = write ? d->wbw : d->rbw;
	uint64_t lat = write ? d->wlat : d->rlat;
	if (d->seek && index == d->next_index)
		lat = 0;
	uint64_t xfer = bw ? (uint64_t)npages * ZSIM_PAGE_SIZE * 1000000000ull / bw : 0;
	uint64_t end = start + lat + xfer;
	d->slot_free_at[best] = end;
	d->busy_ns += end - start;
	d->next_index = index + npages;
	if (write) {
		d->writes++;
		d->pages_written += npages;
	} else {
		d->reads++;
		d->pages_read += npages;
	}
	return end;
}

static size_t bd_stats(const void *priv, struct zsim_stat *out, size_t max)
{
	const struct blockdev *d = priv;
	const struct zsim_stat all[] = {
		{ "reads", d->reads },
		{ "writes", d->writes },
		{ "pages_read", d->pages_read },
		{ "pages_written", d->pages_written },
		{ "bytes_written", d->pages_written * ZSIM_PAGE_SIZE },
		{ "busy_ns", d->busy_ns },
		{ "pages_stored", d->stored },
		{ "discards", d->discards },
		{ "capacity_pages", d->nr_pages },
		/* flash wear (pe_cycles 0: a device that does not wear) */
		{ "pe_cycles", d->pe_cycles },
		{ "waf_milli", d->waf_milli },
		{ "flash_pages", d->flash_pages },
		{ "nand_pages_written", d->pe_cycles ? d->pages_written * d->waf_milli / 1000 : 0 },
	};
	size_t n = ZSIM_ARRAY_SIZE(all) < max ? ZSIM_ARRAY_SIZE(all) : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int bd_check(const void *priv, char *msg, size_t len)
{
	const struct blockdev *d = priv;
	uint64_t n = 0;
	for (uint64_t i = 0; i < d->nr_pages; i++)
		n += d->used[i];
	if (n != d->stored) {
		snprintf(msg, len, "blockdev: %llu pages marked, counter says %llu",
			 (unsigned long long)n, (unsigned long long)d->stored);
		return ZSIM_ECORRUPT;
	}
	return 0;
}

const struct zsim_tier_ops zsim_tier_blockdev = {
	.name = "blockdev",
	.priv_size = sizeof(struct blockdev),
	.init = bd_init,
	.destroy = bd_destroy,
	.store = bd_store,
	.invalidate = bd_invalidate,
	.stats = bd_stats,
	.check = bd_check,
	.io = bd_io,
};
