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

#define ZSIM_CFG_MAX_DEVICES 16
#define ZSIM_CFG_MAX_SWAP    16
#define ZSIM_CFG_MAX_FS      16

enum zsim_dev_type {
	ZSIM_DEV_ZRAM, ZSIM_DEV_SSD, ZSIM_DEV_EMMC, ZSIM_DEV_HDD, ZSIM_DEV_NVRAM, ZSIM_DEV_NAS,
	ZSIM_DEV_TYPE_NR,
};

struct zsim_dev_cfg {
	char name[32];
	enum zsim_dev_type type;
	uint64_t size;              /* bytes (zram: disksize) */
	/* zram */
	char comp[16];
	int level;                  /* -1: codec default */
	char allocator[16];
	uint64_t mem_limit;         /* bytes, 0 = none */
	int backing;                /* index of its backing_dev, -1: none */
	char backing_name[32];      /* (while parsing) */
	enum zsim_wb_mode wb_mode;  /* periodic writeback to backing_dev; NONE: never */
	uint64_t wb_idle_age_ns;    /* idle: not accessed for this long */
	uint64_t wb_interval_ns;    /* a writeback round this often */
	uint64_t wb_limit;          /* bytes in all (writeback_limit); 0 = no limit */
	/* timing: plain devices, and zram's CPU cost per page (ns) */
	uint64_t read_latency_ns, write_latency_ns;
	uint64_t read_bw, write_bw;     /* bytes per second; 0 = unlimited */
	unsigned queue_depth;
	/* flash wear (ssd, emmc) */
	unsigned pe_cycles;         /* rated P/E cycles of the NAND; 0: no wear model */
	double waf;                 /* write amplification, >= 1 */
	uint64_t flash_size;        /* bytes the wear is spread over; 0: the device's size */
};

enum zsim_fs_type { ZSIM_FS_TMPFS, ZSIM_FS_BLOCK };

struct zsim_fs_cfg {
	char name[32];
	enum zsim_fs_type type;
	uint64_t size;              /* tmpfs: size limit (default RAM/2); block: the device's size */
	int device;                 /* block: index into devices */
};

struct zsim_swap_cfg {
	int device;                 /* index into devices */
	int priority;               /* higher first; equal priorities round-robin */
};

struct zsim_config {
	const struct zsim_kprofile *kp;
	uint64_t seed;
	/* machine */
	uint64_t ram;               /* bytes of RAM */
	uint64_t kernel_reserve;    /* bytes the kernel itself holds (never reclaimable) */
	unsigned cpus;
	/* memory management */
	char policy[16];            /* reclaim policy: "lru2", "clock", "lru" */
	unsigned swappiness;
	unsigned page_cluster;
	uint64_t min_free_kbytes;   /* 0 in the file = computed as the kernel does */
	unsigned watermark_scale_factor;
	bool watermarks;            /* false: no watermarks, no kswapd (for cross-checks) */
	uint64_t sample_interval_ns;
	uint64_t access_ns;         /* CPU time of one page access that hits RAM */
	uint64_t minor_fault_ns;    /* CPU time of a fault that needs no I/O */
	/* codec time per page, ns (0: the codec's default); index = codec registry order */
	uint32_t codec_compress_ns[8], codec_decompress_ns[8];
	/* stack */
	struct zsim_dev_cfg dev[ZSIM_CFG_MAX_DEVICES];
	unsigned nr_dev;
	struct zsim_swap_cfg swap[ZSIM_CFG_MAX_SWAP];
	unsigned nr_swap;
	struct zsim_fs_cfg fs[ZSIM_CFG_MAX_FS];
	unsigned nr_fs;
};

/* Load and validate; on error returns ZSIM_E* with one line in err ("FILE: $.path: what"). */
int zsim_config_load(const char *path, struct zsim_config *cfg, char *err, size_t errlen);
/* Parse from a string (tests); `name` is used in messages. */
int zsim_config_parse(const char *text, const char *name, struct zsim_config *cfg,
		      char *err, size_t errlen);
/* The resolved config as JSON text (caller frees). */
char *zsim_config_dump(const struct zsim_config *cfg);
const char *zsim_dev_type_name(enum zsim_dev_type t);
/* Index of a filesystem by name, or -1. */
int zsim_config_fs_find(const struct zsim_config *cfg, const char *name);

#endif
