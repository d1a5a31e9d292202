/*
 * blockdev.c - a plain block device: SSD, eMMC, HDD, NVRAM or NAS.
 *
 * One model serves every plain device; the config's device types (ssd, emmc,
 * hdd, nvram, nas) are presets of its parameters (the key table below gives
 * each preset's numbers, and the comment above it their sources).  We chose one parameterised file over five
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
 * Request merging.  The block layer merges a request into the one before it
 * when it continues it (the next sectors, same direction) and that one has not
 * been dispatched yet - it waits in the queue behind a busy device, or sits in
 * the submitter's plug at the same instant - up to max_sectors_kb (the
 * queue's limit; 512 KiB, eMMC hosts' usual max_req_size).  A merged request
 * pays the latency once and then streams at the bandwidth, so a swap-out
 * stream on a busy eMMC reaches the device's sequential speed.  Each merged
 * piece learns the merged request's end (the earlier ones were told an earlier
 * one: optimistic for a reader merged into, exact for the last piece).
 *
 * Flash wear (ssd, emmc).  wear_model "ftl" (default): every page written goes
 * through a flash translation layer (tiers/ftl.c: page mapping,
 * over-provisioning, greedy or cost-benefit GC, dynamic and static wear
 * levelling) over the whole flash (flash_size, which may be more than this
 * device: a swap partition on a larger eMMC, the rest holding static data in
 * the share flash_fill), so NAND writes, erase counts and write amplification
 * come from the write pattern and the free space.  The device starts used
 * (precondition) unless told otherwise.  A freed swap slot is trimmed in the
 * FTL only with `discard` (swapon --discard=pages; the kernel discards freed
 * swap clusters, the model each freed page); without it the page stays valid
 * until overwritten, as the kernel sends nothing.  wear_model "constant": NAND
 * writes = host writes x waf, the cheap option.  Either way each NAND block
 * endures pe_cycles program/erase cycles, and a run reports the share of the
 * rated life it used (NAND pages written / (pages wear spreads over x
 * pe_cycles)); results.c turns it into years, at the run's rate and at the
 * config's duty, and sums partitions naming the same `flash`.
 *
 * Dropped: reordering by an I/O scheduler, front merges, write caches,
 * garbage collection stalls (GC costs NAND writes, not time), read/write
 * interference beyond sharing slots.
 */
#include "tier.h"
#include "ftl.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKDEV_MAX_QD 65536u

/* The settings, filled from the key table. */
struct blockdev_cfg {
	uint64_t read_latency, write_latency;   /* ns per request at queue depth 1 */
	uint64_t read_bw, write_bw;             /* bytes/s; 0 = unlimited */
	uint64_t queue_depth;
	bool seek;                              /* rotating: position matters */
	bool rotational;                        /* the kernel sees it rotational (swap readahead) */
	uint64_t pe_cycles;                     /* rated P/E cycles of the NAND (>= 1); 0: not flash */
	double waf;                             /* NAND writes per host write */
	uint64_t flash_size;                    /* bytes wear levelling spreads over; 0: the device */
	unsigned wear_model;                    /* 1 + index in "ftl,constant" */
	double op;                              /* FTL: over-provisioning */
	uint64_t erase_block;                   /* FTL: bytes per erase block */
	unsigned gc;                            /* FTL: 1 + index in "greedy,cost-benefit" */
	unsigned wl;                            /* FTL: 1 + index in "static,dynamic" */
	uint64_t wl_threshold;
	double flash_fill;                      /* FTL: share of the rest of the flash holding data */
	bool discard;                           /* freed swap slots are discarded */
	bool precondition;                      /* FTL: the device starts used */
	uint64_t max_sectors_kb;                /* largest merged request, KiB */
	char flash[32];                         /* the physical chip this device is a partition of */
};

enum { P_SSD, P_EMMC, P_HDD, P_NVRAM, P_NAS };
static const char *const presets[] = { "ssd", "emmc", "hdd", "nvram", "nas", NULL };
#define FLASH ((1u << P_SSD) | (1u << P_EMMC))
#define OFF(f) offsetof(struct blockdev_cfg, f)

/*
 * Timing defaults per preset: 4 KiB random access latency at queue depth 1,
 * sequential bandwidth, queue depth.  Typical published figures, not a given
 * product; a config should state its device's own numbers:
 *  - ssd: SATA consumer SSD (QD1 4K random read ~10-12k IOPS, ~550/500 MB/s);
 *  - emmc: eMMC 5.1 (QD1 4K random read ~3k IOPS, write ~1k IOPS, 250/90 MB/s),
 *    no command queue;
 *  - hdd: 7200 rpm disk, ~8.5 ms average seek + 4.2 ms half rotation, 150 MB/s;
 *  - nvram: byte-addressable persistent memory used as a block device (~1 us);
 *  - nas: network block device over 1 GbE (~0.5 ms round trip, ~110 MB/s).
 * Flash wear defaults (ssd, emmc; typical, not a given part's - state yours):
 *  - ssd: consumer TLC, 1500 P/E cycles at a write amplification of 2.5, so
 *    600 full-drive writes: the 600 TBW per TB that consumer TLC drives are
 *    commonly rated for;
 *  - emmc: 3000 P/E cycles (a common eMMC datasheet figure; TLC parts range
 *    from a few hundred to a few thousand) at a write amplification of 2 for
 *    small random writes without TRIM.
 */
static const struct zsim_key keys[] = {
	{ "read_latency", ZSIM_KEY_TIME, OFF(read_latency), 0, NULL,
	  { "90us", "330us", "12700us", "1us", "500us" }, 0, 0, 0, NULL, 0,
	  "time of one 4 KiB read at queue depth 1" },
	{ "write_latency", ZSIM_KEY_TIME, OFF(write_latency), 0, NULL,
	  { "40us", "1ms", "12700us", "1us", "500us" }, 0, 0, 0, NULL, 0,
	  "time of one 4 KiB write at queue depth 1" },
	{ "read_bw", ZSIM_KEY_SIZE, OFF(read_bw), 0, NULL,
	  { "550000000", "250000000", "150000000", "2000000000", "110000000" }, 0, 0, 0, NULL, 0,
	  "sequential read bandwidth, bytes per second (0: unlimited)" },
	{ "write_bw", ZSIM_KEY_SIZE, OFF(write_bw), 0, NULL,
	  { "500000000", "90000000", "150000000", "1500000000", "110000000" }, 0, 0, 0, NULL, 0,
	  "sequential write bandwidth, bytes per second (0: unlimited)" },
	{ "queue_depth", ZSIM_KEY_UINT, OFF(queue_depth), 0, NULL,
	  { "32", "1", "1", "16", "8" }, 0, 1, BLOCKDEV_MAX_QD, NULL, 0,
	  "requests served at once" },
	{ "seek", ZSIM_KEY_BOOL, OFF(seek), 0, "false", { [P_HDD] = "true" }, 0, 0, 0, NULL, 0,
	  "rotating: a request that does not continue the last one pays the latency" },
	{ "rotational", ZSIM_KEY_BOOL, OFF(rotational), 0, "false", { [P_HDD] = "true" }, 0, 0, 0, NULL, 0,
	  "the kernel sees the device as rotational (/sys/block/X/queue/rotational; a virtio disk is, "
	  "whatever is behind it): a swap area on it turns VMA swap readahead off (cluster readahead)" },
	{ "pe_cycles", ZSIM_KEY_UINT, OFF(pe_cycles), 0, NULL, { "1500", "3000" }, FLASH, 1, 10000000,
	  NULL, 0, "rated program/erase cycles of the NAND (at least 1: flash always wears)" },
	{ "waf", ZSIM_KEY_REAL, OFF(waf), 0, NULL, { "2.5", "2" }, FLASH, 1, 1000, NULL, 0,
	  "write amplification: NAND writes per host write" },
	{ "flash_size", ZSIM_KEY_SIZE, OFF(flash_size), 0, "0", { NULL }, FLASH, 0, 0, NULL, 0,
	  "the flash wear levelling spreads writes over (0: the device's size)" },
	{ "wear_model", ZSIM_KEY_ENUM, OFF(wear_model), 0, "ftl", { NULL }, FLASH, 0, 0, "ftl,constant", 0,
	  "ftl: write amplification and erases from a flash translation layer (tiers/ftl.c); "
	  "constant: NAND writes = host writes x waf" },
	{ "over_provisioning", ZSIM_KEY_REAL, OFF(op), 0, "0.07", { NULL }, FLASH, 0, 10, NULL, 0,
	  "ftl: NAND beyond the flash's capacity, as a share of it (0.07: 2^30 B per GiB sold as 10^9 B per GB)" },
	{ "erase_block", ZSIM_KEY_SIZE, OFF(erase_block), 0, NULL, { "4M", "512K" }, FLASH, 8192, 1073741824,
	  NULL, 0, "ftl: bytes per NAND erase block" },
	{ "gc", ZSIM_KEY_ENUM, OFF(gc), 0, "greedy", { NULL }, FLASH, 0, 0, "greedy,cost-benefit", 0,
	  "ftl: garbage collection's victim: fewest valid pages, or (1-u)/2u x age" },
	{ "wear_levelling", ZSIM_KEY_ENUM, OFF(wl), 0, "static", { NULL }, FLASH, 0, 0, "static,dynamic", 0,
	  "ftl: static also moves cold data off little-worn blocks; dynamic only picks the least-worn free block" },
	{ "wl_threshold", ZSIM_KEY_UINT, OFF(wl_threshold), 0, "64", { NULL }, FLASH, 1, 1000000, NULL, 0,
	  "ftl: erase-count spread at which static wear levelling moves cold data" },
	{ "flash_fill", ZSIM_KEY_REAL, OFF(flash_fill), 0, "1", { NULL }, FLASH, 0, 1, NULL, 0,
	  "ftl: share of the flash outside this device holding (static) data; the rest is spare" },
	{ "discard", ZSIM_KEY_BOOL, OFF(discard), 0, "false", { NULL }, FLASH, 0, 0, NULL, 0,
	  "swap slots are discarded when freed (swapon --discard=pages), so the FTL drops their pages; "
	  "false: a freed slot's page stays valid until overwritten" },
	{ "precondition", ZSIM_KEY_BOOL, OFF(precondition), 0, "true", { NULL }, FLASH, 0, 0, NULL, 0,
	  "ftl: the device starts used (every page written once before the run, not counted); "
	  "false: fresh, every page trimmed" },
	{ "flash", ZSIM_KEY_STR, OFF(flash), sizeof(((struct blockdev_cfg *)0)->flash), NULL, { NULL }, FLASH,
	  0, 0, NULL, ZSIM_KEY_OPTIONAL,
	  "the physical flash this device is a partition of: devices naming the same flash share one lifetime" },
	{ "max_sectors_kb", ZSIM_KEY_UINT, OFF(max_sectors_kb), 0, "512", { NULL }, 0, 4, 65536, NULL, 0,
	  "largest request the block layer merges adjacent ones into, KiB (4: no merging)" },
	{ NULL },
};

static int bd_validate(void *cfgp, const struct zsim_tier_env *env, const char **key, char *err, size_t errlen)
{
	struct blockdev_cfg *c = cfgp;
	if (!c->flash_size)
		c->flash_size = env->size;
	if (c->flash_size < env->size) {
		*key = "flash_size";
		snprintf(err, errlen, "the flash holds at least the device (%llu bytes)",
			 (unsigned long long)env->size);
		return ZSIM_EINVAL;
	}
	return 0;
}

struct blockdev {
	uint64_t nr_pages;
	uint64_t rlat, wlat, rbw, wbw;
	bool seek, rotational;
	unsigned qd;
	uint64_t *slot_free_at;   /* when each service slot is next free (ns), a min-heap:
				   * slots are alike, so only the set of times matters;
				   * places qd..2 qd hold UINT64_MAX (slot_settle) */
	uint64_t next_index;      /* where a sequential request would start */
	uint64_t reads, writes, pages_read, pages_written, busy_ns, stored, discards;
	uint64_t *used;           /* which pages hold data, a bit each (for the count and checks) */
	uint32_t pe_cycles, waf_milli;
	uint64_t flash_pages;
	struct zsim_ftl *ftl;     /* NULL: constant waf (or a device that does not wear) */
	bool discard;
	/* request merging: the last request, while it may still take more pages */
	uint32_t max_pages;
	bool last_write, have_last;
	uint64_t last_index, last_npages, last_start;
	unsigned last_slot;       /* its slot's place in the heap */
	uint64_t merges;
};

static int bd_init(void *priv, const struct zsim_tier_params *p, char *err, size_t errlen)
{
	struct blockdev *d = priv;
	const struct blockdev_cfg *c = p->cfg;
	if (!p->capacity_pages || !c->queue_depth || c->queue_depth > BLOCKDEV_MAX_QD) {
		snprintf(err, errlen, "block device needs a size and a queue depth of 1..%u", BLOCKDEV_MAX_QD);
		return ZSIM_EINVAL;
	}
	d->nr_pages = p->capacity_pages;
	d->rlat = c->read_latency;
	d->wlat = c->write_latency;
	d->rbw = c->read_bw;
	d->wbw = c->write_bw;
	d->seek = c->seek;
	d->rotational = c->rotational;
	d->pe_cycles = (uint32_t)c->pe_cycles;
	d->waf_milli = c->waf > 0 ? (uint32_t)(c->waf * 1000 + 0.5) : 1000;
	d->flash_pages = c->flash_size / ZSIM_PAGE_SIZE > d->nr_pages ? c->flash_size / ZSIM_PAGE_SIZE : d->nr_pages;
	d->qd = (unsigned)c->queue_depth;
	d->slot_free_at = zsim_xcalloc(2 * (size_t)d->qd + 1, sizeof(*d->slot_free_at));
	for (size_t i = d->qd; i <= 2 * (size_t)d->qd; i++)
		d->slot_free_at[i] = UINT64_MAX;
	d->used = zsim_xcalloc(d->nr_pages / 64 + 1, sizeof(*d->used));
	d->max_pages = (uint32_t)(c->max_sectors_kb * 1024 / ZSIM_PAGE_SIZE);
	if (!d->max_pages)
		d->max_pages = 1;
	d->discard = c->discard;
	/* an FTL does not move the device's timing (tiers/ftl.c): a run that
	 * keeps only time has none */
	if (c->pe_cycles && c->wear_model == 1 && (FLASH >> p->preset & 1u) && !p->time_only) {
		struct zsim_ftl_params fp = {
			.logical_pages = d->flash_pages,
			.dev_pages = d->nr_pages,
			.op = c->op,
			.pages_per_block = (uint32_t)(c->erase_block / ZSIM_PAGE_SIZE),
			.fill = c->flash_fill,
			.gc = c->gc == 2 ? ZSIM_FTL_GC_COST_BENEFIT : ZSIM_FTL_GC_GREEDY,
			.wl = c->wl == 2 ? ZSIM_FTL_WL_DYNAMIC : ZSIM_FTL_WL_STATIC,
			.wl_threshold = (uint32_t)c->wl_threshold,
			.precondition = c->precondition,
		};
		d->ftl = zsim_ftl_new(&fp, err, errlen);
		if (!d->ftl) {
			free(d->slot_free_at);
			free(d->used);
			return ZSIM_EINVAL;
		}
	}
	return 0;
}

static void bd_destroy(void *priv)
{
	struct blockdev *d = priv;
	free(d->slot_free_at);
	free(d->used);
	zsim_ftl_free(d->ftl);
}

static int bd_store(void *priv, uint64_t index, const struct zsim_page_ref *pg)
{
	struct blockdev *d = priv;
	(void)pg;
	if (index >= d->nr_pages)
		return ZSIM_ERANGE;
	uint64_t bit = 1ull << (index & 63);
	d->stored += !(d->used[index >> 6] & bit);
	d->used[index >> 6] |= bit;
	return 0;
}

static void bd_invalidate(void *priv, uint64_t index)
{
	struct blockdev *d = priv;
	if (index >= d->nr_pages)
		return;
	uint64_t bit = 1ull << (index & 63);
	d->stored -= !!(d->used[index >> 6] & bit);
	d->used[index >> 6] &= ~bit;
	d->discards++;
	if (d->ftl && d->discard)
		zsim_ftl_trim(d->ftl, index);
}

/* The slot at heap place i is next free at t (never earlier than it was):
 * move it down to its place; returns the place.  The places past the heap
 * (qd..2 qd) hold UINT64_MAX, later than any time, so a missing child is
 * never chosen and stops the walk without a bounds test of its own. */
static unsigned slot_settle(struct blockdev *d, unsigned i, uint64_t t)
{
	uint64_t *h = d->slot_free_at;
	for (;;) {
		unsigned c = 2 * i + 1;
		c += h[c + 1] < h[c];
		if (h[c] >= t)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = t;
	return i;
}

static uint64_t bd_io(void *priv, uint64_t now, bool write, uint64_t index, uint32_t npages, uint64_t *cpu_ns)
{
	struct blockdev *d = priv;
	(void)cpu_ns;
	if (write && d->ftl)
		for (uint64_t i = index; i < index + npages && i < d->nr_pages; i++)
			zsim_ftl_write(d->ftl, i);
	uint64_t bw = write ? d->wbw : d->rbw;
	uint64_t xfer = bw ? (uint64_t)npages * ZSIM_PAGE_SIZE * 1000000000ull / bw : 0;
	/* a back merge: the request continues the last one, which has not been
	 * dispatched yet (queued, or plugged at this same instant) and has room */
	if (d->have_last && d->last_write == write && index == d->last_index + d->last_npages &&
	    now <= d->last_start && d->last_npages + npages <= d->max_pages) {
		d->last_npages += npages;
		uint64_t end = d->slot_free_at[d->last_slot] + xfer;
		d->last_slot = slot_settle(d, d->last_slot, end);
		d->busy_ns += xfer;
		d->next_index = index + npages;
		d->merges++;
		if (write)
			d->pages_written += npages;
		else
			d->pages_read += npages;
		return end;
	}
	/* the slot free first: the heap's root */
	uint64_t start = d->slot_free_at[0] > now ? d->slot_free_at[0] : now;
	uint64_t lat = write ? d->wlat : d->rlat;
	if (d->seek && index == d->next_index)
		lat = 0;
	uint64_t end = start + lat + xfer;
	d->have_last = true;
	d->last_write = write;
	d->last_index = index;
	d->last_npages = npages;
	d->last_start = start;
	d->last_slot = slot_settle(d, 0, end);
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
	struct zsim_ftl_stats fs = { 0 };
	uint64_t nand = d->pe_cycles ? d->pages_written * d->waf_milli / 1000 : 0, waf = d->waf_milli;
	uint64_t wear_pages = d->flash_pages;
	if (d->ftl) {
		zsim_ftl_stats(d->ftl, &fs, false);
		nand = fs.nand_pages;
		waf = fs.host_pages ? (fs.nand_pages * 1000 + fs.host_pages / 2) / fs.host_pages : 1000;
		wear_pages = fs.wear_pages;
	}
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
		{ "waf_milli", waf },
		{ "flash_pages", d->flash_pages },
		{ "nand_pages_written", nand },
		{ "merges", d->merges },
		/* the FTL's (tiers/ftl.c); ftl 0: the constant waf above */
		{ "ftl", d->ftl != NULL },
		{ "wear_pages", wear_pages },
		{ "gc_pages", fs.gc_pages },
		{ "wl_pages", fs.wl_pages },
		{ "trimmed_pages", fs.trims },
		{ "erases", fs.erases },
		{ "erase_min", fs.erase_min },
		{ "erase_max", fs.erase_max },
		{ "erase_mean_milli", (uint64_t)(fs.erase_mean * 1000 + 0.5) },
		{ "erase_blocks", fs.blocks },
		{ "erase_block_pages", fs.pages_per_block },
	};
	size_t n = ZSIM_ARRAY_SIZE(all) - (d->ftl ? 0 : 11);   /* the FTL's only with one */
	n = n < max ? n : max;
	memcpy(out, all, n * sizeof(*out));
	return n;
}

static int bd_check(const void *priv, char *msg, size_t len)
{
	const struct blockdev *d = priv;
	uint64_t n = 0;
	for (uint64_t i = 0; i <= d->nr_pages / 64; i++)
		n += (uint64_t)__builtin_popcountll(d->used[i]);
	if (n != d->stored) {
		snprintf(msg, len, "blockdev: %llu pages marked, counter says %llu",
			 (unsigned long long)n, (unsigned long long)d->stored);
		return ZSIM_ECORRUPT;
	}
	return d->ftl ? zsim_ftl_check(d->ftl, msg, len) : 0;
}

static int bd_control(void *priv, enum zsim_tier_ctl op, void *arg)
{
	const struct blockdev *d = priv;
	if (op != ZSIM_TCTL_ROTATIONAL)
		return ZSIM_ENOTSUP;
	*(bool *)arg = d->rotational;
	return 0;
}

const struct zsim_tier_ops zsim_tier_blockdev = {
	.name = "blockdev",
	.priv_size = sizeof(struct blockdev),
	.presets = presets,
	.keys = keys,
	.cfg_size = sizeof(struct blockdev_cfg),
	.flags = ZSIM_TIER_CAN_BE_LOWER,
	.validate = bd_validate,
	.init = bd_init,
	.destroy = bd_destroy,
	.store = bd_store,
	.invalidate = bd_invalidate,
	.stats = bd_stats,
	.check = bd_check,
	.io = bd_io,
	.control = bd_control,
};
