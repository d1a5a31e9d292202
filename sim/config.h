/*
 * config.h - the simulated machine, as a JSON config describes it.
 *
 * zsim_config_load() reads and validates a config strictly: an unknown key, a
 * wrong type, a bad size, a device that does not exist, a device used twice or
 * a loop in the stack is an error naming the JSON path ("$.swap[1].device").
 * Every default comes from the kernel profile or is documented where it is set
 * (config.c); zsim_config_dump() prints the resolved config, every default
 * filled in (`--print-config`).
 */
#ifndef ZSIM_CONFIG_H
#define ZSIM_CONFIG_H

#include "../core/zsim.h"
#include "../core/kprofile.h"
#include "../tiers/tier.h"
#include "../traces/content.h"

#define ZSIM_CFG_MAX_DEVICES 16
#define ZSIM_CFG_MAX_SWAP    16
#define ZSIM_CFG_MAX_FS      16
/*
 * What a tmpfs file costs the kernel beside its pages, by default: its inode
 * (shmem_inode_info with the VFS inode), its dentry and the page-cache index
 * node of a small file, all slab that stays while the file exists.  Measured,
 * not summed from struct sizes: in the validation guest (Debian 6.1, 512 MiB),
 * untarring 8000 files to a tmpfs left 3101 and 3077 pages (two boots) more
 * outside the LRU lists and zram than at the start, where every other
 * scenario ends within 300 pages of its start: 1.55-1.59 KiB per file.
 */
#define ZSIM_TMPFS_FILE_BYTES 1560

/* A device: a tier (tiers/) in one of its presets, with its settings. */
struct zsim_dev_cfg {
	char name[32];
	const struct zsim_tier_ops *tier;
	unsigned preset;            /* which of the tier's device types ("ssd", "emmc", ...) */
	uint64_t size;              /* bytes (zram: disksize) */
	struct zsim_tier_cfg tcfg;  /* the tier's settings, filled from its key table */
	int lower;                  /* the device its first DEVICE key names (zram's backing_dev); -1: none */
	int lowers[ZSIM_TIER_MAX_LOWERS]; /* the device each DEVICE key names, in key-table order; -1: unset */
	unsigned nr_lowers;         /* DEVICE keys in its table */
};

enum zsim_fs_type { ZSIM_FS_TMPFS, ZSIM_FS_BLOCK };

struct zsim_fs_cfg {
	char name[32];
	enum zsim_fs_type type;
	uint64_t size;              /* tmpfs: size limit (default RAM/2); block: the device's size */
	int device;                 /* block: index into devices */
	uint64_t file_bytes;        /* tmpfs: the kernel's memory per file (inode, dentry, page index) */
};

struct zsim_swap_cfg {
	int device;                 /* index into devices */
	int priority;               /* higher first; of equal ones the first listed wins (the model
	                               does not round-robin) */
};

struct zsim_config {
	const struct zsim_kprofile *kp;
	uint64_t seed;
	/* machine */
	uint64_t ram;               /* bytes of RAM */
	uint64_t firmware_reserve;  /* bytes the kernel never sees (firmware, carve-outs): no frames */
	uint64_t kernel_reserve;    /* bytes the kernel takes at boot and holds for good (its image,
	                               memmap, early allocations): frames, but not in MemTotal */
	uint64_t kernel_used;       /* bytes the kernel holds when the run starts (slab, stacks,
	                               page tables, other tasks): frames inside MemTotal */
	unsigned cpus;
	bool one_zone;              /* "zones": "one": all RAM in one zone (no lowmem protection);
	                               false: the x86-64 layout (DMA, DMA32, Normal; sim/mm.c) */
	/* memory management */
	char policy[16];            /* reclaim policy: "lru2", "clock", "lru" */
	unsigned swappiness;
	unsigned page_cluster;
	uint64_t min_free_kbytes;   /* 0 in the file = computed as the kernel does */
	unsigned watermark_scale_factor;
	unsigned watermark_boost_factor; /* boost cap, 1/10000ths of the high watermark; 0: no boosting */
	uint64_t unmovable_free;    /* bytes: free memory in unmovable/reclaimable pageblocks at start */
	double background_cpu;      /* share of one CPU other tasks keep busy (0: none; engine.c) */
	bool cpu_sliced;            /* a trace's cpu event is cut at its turn's end ("cpu_bursts": "sliced"), not run whole */
	bool sched_fair;            /* turns are the kernel's fair-class slices ("scheduler": "fair"), not 1 ms (engine.c) */
	bool watermarks;            /* false: no watermarks, no kswapd (for cross-checks) */
	bool page_tables;           /* processes' PTE pages take frames (mm.c pgtable_charge); default: watermarks */
	uint64_t sample_interval_ns;
	uint64_t access_ns;         /* CPU time of one page access that hits RAM ("access_time") */
	uint64_t content_ns;        /* CPU to make a written page's bytes, absorbed by cpu events ("content_time";
	                               per class: its "default") */
	uint64_t content_cls_ns[ZSIM_CONTENT_NR]; /* per content class: content_ns unless named */
	uint64_t minor_fault_ns;    /* CPU time of a fault that needs no I/O ("minor_fault_time") */
	uint64_t major_fault_ns;    /* CPU of a swap-in fault or a page read in, beyond its device's
	                               work ("major_fault_time") */
	uint64_t file_create_ns;    /* CPU of creating a file, the system call ("file_create_time") */
	uint64_t file_io_ns;        /* CPU of a file read or write's system call, beyond its page ("file_io_time") */
	uint64_t reclaim_scan_ns;   /* CPU per page reclaim scans, beyond the codecs ("reclaim_scan_time") */
	uint64_t reclaim_steal_ns;  /* and per page it frees: unmap, swap cache, free ("reclaim_steal_time") */
	uint64_t direct_turn_ns;    /* a direct reclaimer's turn, its quantum's CPU counted, before it yields; 0: whole rounds ("direct_reclaim_turn") */
	bool kswapd_fair;           /* kswapd's turns give it a process's share of the CPU since it woke ("kswapd_share": "fair"), not 1 ms each ("turn") */
	/* codec time per page, ns (0: the codec's default); index = codec registry order ("codec_time") */
	uint32_t codec_compress_ns[8], codec_decompress_ns[8];
	/* and per KiB of compressed output, stored plus one (0: the codec's default,
	 * so that a config may set 0) */
	uint32_t codec_compress_ns_per_kib[8], codec_decompress_ns_per_kib[8];
	/* stack */
	struct zsim_dev_cfg dev[ZSIM_CFG_MAX_DEVICES];
	unsigned nr_dev;
	struct zsim_swap_cfg swap[ZSIM_CFG_MAX_SWAP];
	unsigned nr_swap;
	struct zsim_fs_cfg fs[ZSIM_CFG_MAX_FS];
	unsigned nr_fs;
	/* "duty" (whole config): how often the machine runs what the traces hold,
	 * for flash lifetimes: duty[0] == 0: not stated (only the 24/7 rate);
	 * else one of duty_runs_per_day ("1 run/day") or duty_secs_per_day
	 * ("8h/day") is nonzero */
	char duty[32];
	double duty_runs_per_day, duty_secs_per_day;
	/* zswap ("$.zswap"): a frontswap tier's settings in a device-shaped record
	 * (name "zswap", no size); has_zswap false: no such section */
	bool has_zswap;
	struct zsim_dev_cfg zswap;
	/* not from the file: the run keeps only time (run.c's baseline), so its
	 * devices need no wear model (zsim_tier_params.time_only) */
	bool time_only;
};

/* Load and validate; on error returns ZSIM_E* with one line in err ("FILE: $.path: what"). */
int zsim_config_load(const char *path, struct zsim_config *cfg, char *err, size_t errlen);
/* The same, with path "-" for stdin, a config's "extends" resolved and
 * sets[] ("mm.swappiness=100": a JSON path, '=', a value) applied in order
 * before the config is checked (config.c describes both). */
int zsim_config_load_ex(const char *path, const char *const *sets, unsigned nsets, struct zsim_config *cfg,
			char *err, size_t errlen);
/* Check one --set's syntax alone (the command line); 0 or ZSIM_EFORMAT with
 * "--set 'X': position N: what" in err. */
int zsim_config_check_set(const char *set, char *err, size_t errlen);
/* Parse from a string (tests); `name` is used in messages. */
int zsim_config_parse(const char *text, const char *name, struct zsim_config *cfg,
		      char *err, size_t errlen);
/* The resolved config as JSON text (caller frees). */
char *zsim_config_dump(const struct zsim_config *cfg);
/* The device's type as configs spell it: "zram", "ssd", ... */
const char *zsim_dev_type_name(const struct zsim_dev_cfg *d);
/* MemTotal in bytes, as /proc/meminfo counts it: RAM less what the firmware
 * hides and what the kernel takes at boot. */
static inline uint64_t zsim_config_memtotal(const struct zsim_config *cfg)
{
	return cfg->ram - cfg->firmware_reserve - cfg->kernel_reserve;
}
/* Index of a filesystem by name, or -1. */
int zsim_config_fs_find(const struct zsim_config *cfg, const char *name);

#endif
