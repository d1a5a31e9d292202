/*
 * config.c - strict JSON config (see config.h).
 *
 * Shape of a config (every key optional unless marked; sizes are "1G", "800M"
 * or integers of bytes; times are "10us", "1ms", "2s" or integers of ns):
 *
 *   { "kernel": "6.18", "seed": 1,
 *     "machine": { "ram": "1G" (required), "cpus": 4, "kernel_reserve": "64M" },
 *     "mm": { "policy": "lru2", "swappiness": 60, "page_cluster": 3,
 *             "min_free_kbytes": 0, "watermark_scale_factor": 10, "watermarks": true,
 *             "access_ns": 0, "minor_fault_ns": 1000, "sample_interval": "1s" },
 *     "devices": { "NAME": { "type": "zram|ssd|emmc|hdd|nvram|nas", "size": "1G",
 *                            "comp": .., "level": .., "allocator": .., "mem_limit": ..,
 *                            "backing_dev": "NAME", "writeback": { "mode": "idle|huge|huge_idle",
 *                                           "idle_age": "60s", "interval": "10s", "limit": 0 },
 *                            "read_latency": "80us", "write_latency": .., "read_bw": "500M",
 *                            "write_bw": .., "queue_depth": 32 } },
 *     "swap": [ { "device": "NAME", "priority": 100 } ],
 *     "filesystems": { "NAME": { "type": "tmpfs", "size": "512M" }
 *                    | { "type": "block", "device": "NAME" } } }
 *
 * Defaults and where they come from:
 *  - kernel: the newest profile; zram comp: the profile's zram default; allocator zsmalloc.
 *  - swappiness 60, page_cluster 3, watermark_scale_factor 10 (the kernel's defaults,
 *    kernel-facts 5.1-5.4); min_free_kbytes computed from RAM by the kernel's formula
 *    when 0 (sim/mm.c).
 *  - kernel_reserve 0: a config states what its kernel and daemons hold.
 *  - tmpfs size: half of RAM, the kernel's default for a tmpfs mount.
 *  - plain device timing: per type, in devices_defaults[] below, with their sources.
 */
#include "config.h"
#include "../core/units.h"
#include "../codecs/codec.h"
#include "../allocators/allocator.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const dev_type_names[ZSIM_DEV_TYPE_NR] = {
	"zram", "ssd", "emmc", "hdd", "nvram", "nas",
};

const char *zsim_dev_type_name(enum zsim_dev_type t)
{
	return (unsigned)t < ZSIM_DEV_TYPE_NR ? dev_type_names[t] : "?";
}

/*
 * Timing defaults per device type: 4 KiB random access latency at queue depth 1,
 * sequential bandwidth, queue depth.  Typical published figures, not a given
 * product; a config should state its device's own numbers:
 *  - ssd: SATA consumer SSD (QD1 4K random read ~10-12k IOPS, ~550/500 MB/s);
 *  - emmc: eMMC 5.1 (QD1 4K random read ~3k IOPS, write ~1k IOPS, 250/90 MB/s),
 *    no command queue;
 *  - hdd: 7200 rpm disk, ~8.5 ms average seek + 4.2 ms half rotation, 150 MB/s;
 *  - nvram: byte-addressable persistent memory used as a block device (~1 us);
 *  - nas: network block device over 1 GbE (~0.5 ms round trip, ~110 MB/s);
 *  - zram: no device time: its cost is CPU time in the codec (see codec.h).
 * Flash wear defaults (ssd, emmc; typical, not a given part's - state yours):
 *  - ssd: consumer TLC, 1500 P/E cycles at a write amplification of 2.5, so
 *    600 full-drive writes: the 600 TBW per TB that consumer TLC drives are
 *    commonly rated for;
 *  - emmc: 3000 P/E cycles (a common eMMC datasheet figure; TLC parts range
 *    from a few hundred to a few thousand) at a write amplification of 2 for
 *    small random writes without TRIM.
 */
static const struct {
	uint64_t rlat, wlat, rbw, wbw;
	unsigned qd;
	unsigned pe;
	double waf;
} devices_defaults[ZSIM_DEV_TYPE_NR] = {
	[ZSIM_DEV_ZRAM]  = { 0, 0, 0, 0, 1, 0, 0 },
	[ZSIM_DEV_SSD]   = { 90000, 40000, 550000000, 500000000, 32, 1500, 2.5 },
	[ZSIM_DEV_EMMC]  = { 330000, 1000000, 250000000, 90000000, 1, 3000, 2.0 },
	[ZSIM_DEV_HDD]   = { 12700000, 12700000, 150000000, 150000000, 1 },
	[ZSIM_DEV_NVRAM] = { 1000, 1000, 2000000000, 1500000000, 16 },
	[ZSIM_DEV_NAS]   = { 500000, 500000, 110000000, 110000000, 8 },
};

struct ctx {
	const char *file;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int bad(const struct ctx *c, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: %s: %s", c->file, path, msg);
	zsim_one_line(c->err);   /* keys and values from the file may hold control characters */
	return ZSIM_EINVAL;
}

/* Every key of obj must be in allowed (NULL-terminated). */
static int only_keys(const struct ctx *c, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(*a, key) == 0;
		if (!ok) {
			char list[256] = "";
			size_t off = 0;
			for (const char *const *a = allowed; *a && off < sizeof(list); a++)
				off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s",
							a == allowed ? "" : ", ", *a);
			return bad(c, path, "unknown key '%s' (known: %s)", key, list);
		}
	}
	return 0;
}

#define SIZE_MAX_BYTES (1ull << 56)   /* 64P: every size a config may hold */
#define MODEL_MAX_BYTES (4ull << 40)  /* 4T: the RAM and devices the model sizes tables for */

static int get_size(const struct ctx *c, const char *path, json_t *v, uint64_t *out)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		*out = (uint64_t)json_integer_value(v);
	else if (!json_is_string(v) || zsim_parse_size(json_string_value(v), out) < 0)
		return bad(c, path, "expected a size (bytes, or \"256M\", \"1G\")");
	if (*out > SIZE_MAX_BYTES)
		return bad(c, path, "too large (at most 64P)");
	return 0;
}

/* A time: integer ns, or a string with ns/us/ms/s. */
static int get_time(const struct ctx *c, const char *path, json_t *v, uint64_t *out)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		double x = strtod(s, &end);
		double mult = 0;
		if (end != s && x >= 0) {
			if (!strcmp(end, "ns")) mult = 1;
			else if (!strcmp(end, "us")) mult = 1e3;
			else if (!strcmp(end, "ms")) mult = 1e6;
			else if (!strcmp(end, "s")) mult = 1e9;
		}
		if (mult > 0 && x * mult < 1.8e19) {
			*out = (uint64_t)(x * mult + 0.5);
			return 0;
		}
	}
	return bad(c, path, "expected a time (ns, or \"80us\", \"1ms\", \"1s\")");
}

static int get_uint(const struct ctx *c, const char *path, json_t *v, uint64_t max, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (uint64_t)json_integer_value(v) > max)
		return bad(c, path, "expected an integer from 0 to %llu", (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_str(const struct ctx *c, const char *path, json_t *v, char *dst, size_t len)
{
	if (!json_is_string(v))
		return bad(c, path, "expected a string");
	if (strlen(json_string_value(v)) >= len || !*json_string_value(v))
		return bad(c, path, "expected a non-empty string of at most %zu characters", len - 1);
	strcpy(dst, json_string_value(v));
	return 0;
}

#define TRY(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

static int parse_machine(const struct ctx *c, json_t *m, struct zsim_config *cfg)
{
	static const char *const keys[] = { "ram", "cpus", "kernel_reserve", NULL };
	json_t *v;
	uint64_t x;
	if (!json_is_object(m))
		return bad(c, "$.machine", "expected an object");
	TRY(only_keys(c, "$.machine", m, keys));
	if (!(v = json_object_get(m, "ram")))
		return bad(c, "$.machine", "missing key 'ram' (the machine's RAM size)");
	TRY(get_size(c, "$.machine.ram", v, &cfg->ram));
	if (cfg->ram < (16u << 20))
		return bad(c, "$.machine.ram", "RAM below 16M is not modelled");
	if (cfg->ram > MODEL_MAX_BYTES)
		return bad(c, "$.machine.ram", "RAM above 4T is not modelled");
	if ((v = json_object_get(m, "cpus"))) {
		TRY(get_uint(c, "$.machine.cpus", v, 1024, &x));
		if (!x)
			return bad(c, "$.machine.cpus", "at least one CPU");
		cfg->cpus = (unsigned)x;
	}
	if ((v = json_object_get(m, "kernel_reserve")))
		TRY(get_size(c, "$.machine.kernel_reserve", v, &cfg->kernel_reserve));
	if (cfg->kernel_reserve >= cfg->ram / 2)
		return bad(c, "$.machine.kernel_reserve", "must be below half of RAM");
	return 0;
}

static int parse_mm(const struct ctx *c, json_t *m, struct zsim_config *cfg)
{
	static const char *const keys[] = { "policy", "swappiness", "page_cluster", "min_free_kbytes",
		"watermark_scale_factor", "watermarks", "access_ns", "minor_fault_ns",
		"sample_interval", NULL };
	json_t *v;
	uint64_t x;
	if (!json_is_object(m))
		return bad(c, "$.mm", "expected an object");
	TRY(only_keys(c, "$.mm", m, keys));
	if ((v = json_object_get(m, "policy"))) {
		TRY(get_str(c, "$.mm.policy", v, cfg->policy, sizeof(cfg->policy)));
		if (strcmp(cfg->policy, "lru2") && strcmp(cfg->policy, "clock") && strcmp(cfg->policy, "lru"))
			return bad(c, "$.mm.policy", "unknown reclaim policy '%s' (known: lru2, clock, lru)",
				   cfg->policy);
	}
	if ((v = json_object_get(m, "swappiness"))) {
		TRY(get_uint(c, "$.mm.swappiness", v, cfg->kp->max_swappiness, &x));
		cfg->swappiness = (unsigned)x;
	}
	if ((v = json_object_get(m, "page_cluster"))) {
		TRY(get_uint(c, "$.mm.page_cluster", v, 10, &x));
		cfg->page_cluster = (unsigned)x;
	}
	if ((v = json_object_get(m, "min_free_kbytes")))
		TRY(get_uint(c, "$.mm.min_free_kbytes", v, 1u << 30, &cfg->min_free_kbytes));
	if ((v = json_object_get(m, "watermark_scale_factor"))) {
		TRY(get_uint(c, "$.mm.watermark_scale_factor", v, 3000, &x));
		cfg->watermark_scale_factor = (unsigned)x;
	}
	if ((v = json_object_get(m, "watermarks"))) {
		if (!json_is_boolean(v))
			return bad(c, "$.mm.watermarks", "expected true or false");
		cfg->watermarks = json_is_true(v);
	}
	if ((v = json_object_get(m, "access_ns")))
		TRY(get_time(c, "$.mm.access_ns", v, &cfg->access_ns));
	if ((v = json_object_get(m, "minor_fault_ns")))
		TRY(get_time(c, "$.mm.minor_fault_ns", v, &cfg->minor_fault_ns));
	if ((v = json_object_get(m, "sample_interval"))) {
		TRY(get_time(c, "$.mm.sample_interval", v, &cfg->sample_interval_ns));
		if (cfg->sample_interval_ns < 1000000)
			return bad(c, "$.mm.sample_interval", "at least 1ms");
	}
	return 0;
}

static int dev_find(const struct zsim_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nr_dev; i++)
		if (!strcmp(cfg->dev[i].name, name))
			return (int)i;
	return -1;
}

int zsim_config_fs_find(const struct zsim_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nr_fs; i++)
		if (!strcmp(cfg->fs[i].name, name))
			return (int)i;
	return -1;
}

/*
 * zram's writeback, as a periodic job: every `interval` the slots not accessed
 * for `idle_age` are marked idle (echo SECONDS > idle, with ACTIME tracking),
 * then `echo MODE > writeback` runs (kernel-facts 3.3).  Explicit writeback
 * came in 5.0 (profiles 5.4 and later), huge_idle in 5.19 (6.1 and later).
 */
static int parse_writeback(const struct ctx *c, const char *name, json_t *w, const struct zsim_kprofile *kp,
			   struct zsim_dev_cfg *dev)
{
	static const char *const keys[] = { "mode", "idle_age", "interval", "limit", NULL };
	static const char *const modes[] = { "", "idle", "huge", "huge_idle" };
	char path[128], mode[16];
	json_t *v;
	snprintf(path, sizeof(path), "$.devices.%s.writeback", name);
	if (!json_is_object(w))
		return bad(c, path, "expected an object {\"mode\": \"idle|huge|huge_idle\", ...}");
	TRY(only_keys(c, path, w, keys));
	if (!(v = json_object_get(w, "mode")))
		return bad(c, path, "missing key 'mode' (idle, huge, huge_idle)");
	snprintf(path, sizeof(path), "$.devices.%s.writeback.mode", name);
	TRY(get_str(c, path, v, mode, sizeof(mode)));
	unsigned m;
	for (m = 1; m < ZSIM_ARRAY_SIZE(modes) && strcmp(mode, modes[m]); m++)
		;
	if (m == ZSIM_ARRAY_SIZE(modes))
		return bad(c, path, "unknown writeback mode '%s' (known: idle, huge, huge_idle)", mode);
	if (!kp->zram_writeback)
		return bad(c, path, "zram writeback needs kernel 5.4 or later (profile %s: none, or only 4.14's "
			   "write-time writeback of incompressible pages, not modelled)", kp->name);
	if (m == ZSIM_WB_HUGE_IDLE && !kp->zram_huge_idle)
		return bad(c, path, "huge_idle writeback came in 5.19 (profile %s)", kp->name);
	dev->wb_mode = (enum zsim_wb_mode)m;
	dev->wb_idle_age_ns = 60ull * 1000000000ull;
	dev->wb_interval_ns = 10ull * 1000000000ull;
	if ((v = json_object_get(w, "idle_age"))) {
		snprintf(path, sizeof(path), "$.devices.%s.writeback.idle_age", name);
		TRY(get_time(c, path, v, &dev->wb_idle_age_ns));
	}
	if ((v = json_object_get(w, "interval"))) {
		snprintf(path, sizeof(path), "$.devices.%s.writeback.interval", name);
		TRY(get_time(c, path, v, &dev->wb_interval_ns));
		if (dev->wb_interval_ns < 1000000)
			return bad(c, path, "at least 1ms");
	}
	if ((v = json_object_get(w, "limit"))) {
		snprintf(path, sizeof(path), "$.devices.%s.writeback.limit", name);
		TRY(get_size(c, path, v, &dev->wb_limit));
	}
	return 0;
}

/* Resolve each zram's backing_dev: a plain device used by nothing else. */
static int resolve_backing(const struct ctx *c, struct zsim_config *cfg, bool *used)
{
	char path[96];
	for (unsigned i = 0; i < cfg->nr_dev; i++) {
		struct zsim_dev_cfg *dev = &cfg->dev[i];
		snprintf(path, sizeof(path), "$.devices.%s.backing_dev", dev->name);
		if (!dev->backing_name[0]) {
			if (dev->wb_mode != ZSIM_WB_NONE) {
				snprintf(path, sizeof(path), "$.devices.%s.writeback", dev->name);
				return bad(c, path, "writeback needs a backing_dev to write to");
			}
			continue;
		}
		int b = dev_find(cfg, dev->backing_name);
		if (b < 0)
			return bad(c, path, "no device named '%s' in $.devices", dev->backing_name);
		if (cfg->dev[b].type == ZSIM_DEV_ZRAM)
			return bad(c, path, "'%s' is a zram: a backing_dev must be a plain block device "
				   "(ssd, emmc, hdd, nvram, nas)", dev->backing_name);
		if (used[b])
			return bad(c, path, "device '%s' is used twice in the stack", dev->backing_name);
		used[b] = true;
		dev->backing = b;
	}
	return 0;
}

static int parse_device(const struct ctx *c, const char *name, json_t *d, struct zsim_config *cfg)
{
	static const char *const keys[] = { "type", "size", "comp", "level", "allocator", "mem_limit",
		"backing_dev", "writeback", "read_latency", "write_latency", "read_bw", "write_bw",
		"queue_depth", "pe_cycles", "waf", "flash_size", NULL };
	char path[96];
	json_t *v;
	uint64_t x;
	if (cfg->nr_dev == ZSIM_CFG_MAX_DEVICES)
		return bad(c, "$.devices", "at most %d devices", ZSIM_CFG_MAX_DEVICES);
	struct zsim_dev_cfg *dev = &cfg->dev[cfg->nr_dev];
	snprintf(path, sizeof(path), "$.devices.%s", name);
	if (strlen(name) >= sizeof(dev->name) || !*name)
		return bad(c, path, "device names are 1 to %zu characters", sizeof(dev->name) - 1);
	if (!json_is_object(d))
		return bad(c, path, "expected an object");
	TRY(only_keys(c, path, d, keys));
	strcpy(dev->name, name);
	char type[16];
	if (!(v = json_object_get(d, "type")))
		return bad(c, path, "missing key 'type' (zram, ssd, emmc, hdd, nvram, nas)");
	snprintf(path, sizeof(path), "$.devices.%s.type", name);
	TRY(get_str(c, path, v, type, sizeof(type)));
	unsigned t;
	for (t = 0; t < ZSIM_DEV_TYPE_NR && strcmp(type, dev_type_names[t]); t++)
		;
	if (t == ZSIM_DEV_TYPE_NR)
		return bad(c, path, "unknown device type '%s' (known: zram, ssd, emmc, hdd, nvram, nas)", type);
	dev->type = (enum zsim_dev_type)t;
	dev->read_latency_ns = devices_defaults[t].rlat;
	dev->write_latency_ns = devices_defaults[t].wlat;
	dev->read_bw = devices_defaults[t].rbw;
	dev->write_bw = devices_defaults[t].wbw;
	dev->queue_depth = devices_defaults[t].qd;
	dev->pe_cycles = devices_defaults[t].pe;
	dev->waf = devices_defaults[t].waf;
	dev->level = -1;
	strcpy(dev->allocator, "zsmalloc");
	snprintf(dev->comp, sizeof(dev->comp), "%s", cfg->kp->zram_default_comp);

	snprintf(path, sizeof(path), "$.devices.%s", name);
	if (!(v = json_object_get(d, "size")))
		return bad(c, path, "missing key 'size'%s", t == ZSIM_DEV_ZRAM ? " (zram's disksize)" : "");
	snprintf(path, sizeof(path), "$.devices.%s.size", name);
	TRY(get_size(c, path, v, &dev->size));
	if (dev->size < ZSIM_PAGE_SIZE)
		return bad(c, path, "a device holds at least one page (4096 bytes)");
	if (dev->size > MODEL_MAX_BYTES)
		return bad(c, path, "devices above 4T are not modelled");
	dev->backing = -1;
	const char *zram_only[] = { "comp", "level", "allocator", "mem_limit", "backing_dev", "writeback" };
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(zram_only); i++)
		if (t != ZSIM_DEV_ZRAM && json_object_get(d, zram_only[i])) {
			snprintf(path, sizeof(path), "$.devices.%s.%s", name, zram_only[i]);
			return bad(c, path, "only a zram device has '%s'", zram_only[i]);
		}
	if ((v = json_object_get(d, "comp"))) {
		snprintf(path, sizeof(path), "$.devices.%s.comp", name);
		TRY(get_str(c, path, v, dev->comp, sizeof(dev->comp)));
	}
	if (json_object_get(d, "comp") && !zsim_codec_find(dev->comp)) {
		char names[128];
		zsim_codec_names(names, sizeof(names));
		snprintf(path, sizeof(path), "$.devices.%s.comp", name);
		return bad(c, path, "unknown compressor '%s' (known: %s)", dev->comp, names);
	}
	if ((v = json_object_get(d, "level"))) {
		snprintf(path, sizeof(path), "$.devices.%s.level", name);
		TRY(get_uint(c, path, v, 22, &x));
		dev->level = (int)x;
	}
	if ((v = json_object_get(d, "allocator"))) {
		snprintf(path, sizeof(path), "$.devices.%s.allocator", name);
		TRY(get_str(c, path, v, dev->allocator, sizeof(dev->allocator)));
	}
	if (json_object_get(d, "allocator") && !zsim_allocator_find(dev->allocator)) {
		char names[128];
		zsim_allocator_names(names, sizeof(names));
		snprintf(path, sizeof(path), "$.devices.%s.allocator", name);
		return bad(c, path, "unknown allocator '%s' (known: %s)", dev->allocator, names);
	}
	if ((v = json_object_get(d, "mem_limit"))) {
		snprintf(path, sizeof(path), "$.devices.%s.mem_limit", name);
		TRY(get_size(c, path, v, &dev->mem_limit));
	}
	if ((v = json_object_get(d, "backing_dev"))) {
		snprintf(path, sizeof(path), "$.devices.%s.backing_dev", name);
		TRY(get_str(c, path, v, dev->backing_name, sizeof(dev->backing_name)));
	}
	if ((v = json_object_get(d, "writeback")))
		TRY(parse_writeback(c, name, v, cfg->kp, dev));
	struct { const char *key; uint64_t *dst; bool time; } timing[] = {
		{ "read_latency", &dev->read_latency_ns, true },
		{ "write_latency", &dev->write_latency_ns, true },
		{ "read_bw", &dev->read_bw, false },
		{ "write_bw", &dev->write_bw, false },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(timing); i++)
		if ((v = json_object_get(d, timing[i].key))) {
			snprintf(path, sizeof(path), "$.devices.%s.%s", name, timing[i].key);
			TRY(timing[i].time ? get_time(c, path, v, timing[i].dst)
					   : get_size(c, path, v, timing[i].dst));
		}
	const char *flash_only[] = { "pe_cycles", "waf", "flash_size" };
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(flash_only); i++)
		if (t != ZSIM_DEV_SSD && t != ZSIM_DEV_EMMC && json_object_get(d, flash_only[i])) {
			snprintf(path, sizeof(path), "$.devices.%s.%s", name, flash_only[i]);
			return bad(c, path, "only a flash device (ssd, emmc) has '%s'", flash_only[i]);
		}
	if ((v = json_object_get(d, "pe_cycles"))) {
		snprintf(path, sizeof(path), "$.devices.%s.pe_cycles", name);
		TRY(get_uint(c, path, v, 10000000, &x));
		dev->pe_cycles = (unsigned)x;
	}
	if ((v = json_object_get(d, "waf"))) {
		snprintf(path, sizeof(path), "$.devices.%s.waf", name);
		if (!json_is_number(v) || json_number_value(v) < 1 || json_number_value(v) > 1000)
			return bad(c, path, "expected a number from 1 to 1000 (NAND writes per host write)");
		dev->waf = json_number_value(v);
	}
	if ((v = json_object_get(d, "flash_size"))) {
		snprintf(path, sizeof(path), "$.devices.%s.flash_size", name);
		TRY(get_size(c, path, v, &dev->flash_size));
		if (dev->flash_size < dev->size)
			return bad(c, path, "the flash holds at least the device (%llu bytes)",
				   (unsigned long long)dev->size);
	}
	if ((v = json_object_get(d, "queue_depth"))) {
		snprintf(path, sizeof(path), "$.devices.%s.queue_depth", name);
		TRY(get_uint(c, path, v, 65536, &x));
		if (!x)
			return bad(c, path, "at least 1");
		dev->queue_depth = (unsigned)x;
	}
	cfg->nr_dev++;
	return 0;
}

static int parse_swap(const struct ctx *c, json_t *s, struct zsim_config *cfg, bool *used)
{
	static const char *const keys[] = { "device", "priority", NULL };
	char path[64], name[32];
	size_t i;
	json_t *e, *v;
	if (!json_is_array(s))
		return bad(c, "$.swap", "expected an array of {\"device\": NAME, \"priority\": N}");
	json_array_foreach(s, i, e) {
		snprintf(path, sizeof(path), "$.swap[%zu]", i);
		if (i >= ZSIM_CFG_MAX_SWAP)
			return bad(c, path, "at most %d swap devices", ZSIM_CFG_MAX_SWAP);
		if (!json_is_object(e))
			return bad(c, path, "expected an object");
		TRY(only_keys(c, path, e, keys));
		if (!(v = json_object_get(e, "device")))
			return bad(c, path, "missing key 'device'");
		snprintf(path, sizeof(path), "$.swap[%zu].device", i);
		TRY(get_str(c, path, v, name, sizeof(name)));
		int d = dev_find(cfg, name);
		if (d < 0)
			return bad(c, path, "no device named '%s' in $.devices", name);
		if (used[d])
			return bad(c, path, "device '%s' is used twice in the stack", name);
		used[d] = true;
		struct zsim_swap_cfg *sw = &cfg->swap[cfg->nr_swap++];
		sw->device = d;
		sw->priority = -(int)cfg->nr_swap;   /* the kernel's default: -1, -2, ... in swapon order */
		if ((v = json_object_get(e, "priority"))) {
			snprintf(path, sizeof(path), "$.swap[%zu].priority", i);
			/* swapon accepts -1..32767; areas without one get -1, -2, ... in order,
			 * which --print-config writes back, so those are accepted too */
			if (!json_is_integer(v) || json_integer_value(v) < -ZSIM_CFG_MAX_SWAP ||
			    json_integer_value(v) > 32767)
				return bad(c, path, "expected an integer from %d to 32767", -ZSIM_CFG_MAX_SWAP);
			sw->priority = (int)json_integer_value(v);
		}
	}
	return 0;
}

static int parse_fs(const struct ctx *c, json_t *fss, struct zsim_config *cfg, bool *used)
{
	static const char *const keys[] = { "type", "size", "device", NULL };
	const char *name;
	json_t *f, *v;
	char path[96], type[16], dname[32];
	if (!json_is_object(fss))
		return bad(c, "$.filesystems", "expected an object of NAME: {\"type\": ...}");
	json_object_foreach(fss, name, f) {
		snprintf(path, sizeof(path), "$.filesystems.%s", name);
		if (cfg->nr_fs == ZSIM_CFG_MAX_FS)
			return bad(c, path, "at most %d filesystems", ZSIM_CFG_MAX_FS);
		struct zsim_fs_cfg *fs = &cfg->fs[cfg->nr_fs];
		if (!*name || strlen(name) >= sizeof(fs->name))
			return bad(c, path, "filesystem names are 1 to %zu characters", sizeof(fs->name) - 1);
		if (!json_is_object(f))
			return bad(c, path, "expected an object");
		TRY(only_keys(c, path, f, keys));
		strcpy(fs->name, name);
		if (!(v = json_object_get(f, "type")))
			return bad(c, path, "missing key 'type' (tmpfs or block)");
		snprintf(path, sizeof(path), "$.filesystems.%s.type", name);
		TRY(get_str(c, path, v, type, sizeof(type)));
		if (!strcmp(type, "tmpfs")) {
			fs->type = ZSIM_FS_TMPFS;
			fs->device = -1;
			fs->size = cfg->ram / 2;   /* the kernel's default tmpfs size */
			if (json_object_get(f, "device")) {
				snprintf(path, sizeof(path), "$.filesystems.%s.device", name);
				return bad(c, path, "a tmpfs has no device");
			}
			if ((v = json_object_get(f, "size"))) {
				snprintf(path, sizeof(path), "$.filesystems.%s.size", name);
				TRY(get_size(c, path, v, &fs->size));
			}
		} else if (!strcmp(type, "block")) {
			fs->type = ZSIM_FS_BLOCK;
			snprintf(path, sizeof(path), "$.filesystems.%s", name);
			if (!(v = json_object_get(f, "device")))
				return bad(c, path, "missing key 'device' (the block device it lives on)");
			snprintf(path, sizeof(path), "$.filesystems.%s.device", name);
			TRY(get_str(c, path, v, dname, sizeof(dname)));
			fs->device = dev_find(cfg, dname);
			if (fs->device < 0)
				return bad(c, path, "no device named '%s' in $.devices", dname);
			if (used[fs->device])
				return bad(c, path, "device '%s' is already in use (swap or another filesystem)", dname);
			used[fs->device] = true;
			if (json_object_get(f, "size")) {
				snprintf(path, sizeof(path), "$.filesystems.%s.size", name);
				return bad(c, path, "a block filesystem's size is its device's size");
			}
			fs->size = cfg->dev[fs->device].size;
		} else {
			return bad(c, path, "unknown filesystem type '%s' (known: tmpfs, block)", type);
		}
		cfg->nr_fs++;
	}
	return 0;
}

/* "codec_ns": { "lz4": { "compress": 6000, "decompress": 1700 }, ... } (zsim calibrate) */
static int parse_codec_ns(const struct ctx *c, json_t *o, struct zsim_config *cfg)
{
	static const char *const keys[] = { "compress", "decompress", NULL };
	const char *name;
	json_t *e, *v;
	char path[96];
	uint64_t x;
	if (!json_is_object(o))
		return bad(c, "$.codec_ns", "expected an object of CODEC: {\"compress\": ns, \"decompress\": ns}");
	json_object_foreach(o, name, e) {
		snprintf(path, sizeof(path), "$.codec_ns.%s", name);
		size_t i;
		for (i = 0; i < zsim_codec_count() && strcmp(zsim_codec_at(i)->name, name); i++)
			;
		if (i == zsim_codec_count() || i >= ZSIM_ARRAY_SIZE(cfg->codec_compress_ns)) {
			char names[128];
			zsim_codec_names(names, sizeof(names));
			return bad(c, path, "unknown compressor '%s' (known: %s)", name, names);
		}
		if (!json_is_object(e))
			return bad(c, path, "expected {\"compress\": ns, \"decompress\": ns}");
		TRY(only_keys(c, path, e, keys));
		if ((v = json_object_get(e, "compress"))) {
			snprintf(path, sizeof(path), "$.codec_ns.%s.compress", name);
			TRY(get_uint(c, path, v, 100000000, &x));
			cfg->codec_compress_ns[i] = (uint32_t)x;
		}
		if ((v = json_object_get(e, "decompress"))) {
			snprintf(path, sizeof(path), "$.codec_ns.%s.decompress", name);
			TRY(get_uint(c, path, v, 100000000, &x));
			cfg->codec_decompress_ns[i] = (uint32_t)x;
		}
	}
	return 0;
}

static void set_defaults(struct zsim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kp = zsim_kprofile_default();
	cfg->seed = 1;
	cfg->cpus = 1;
	strcpy(cfg->policy, "lru2");
	cfg->swappiness = 60;
	cfg->page_cluster = 3;
	cfg->watermark_scale_factor = 10;
	cfg->watermarks = true;
	cfg->sample_interval_ns = 1000000000ull;
	cfg->access_ns = 0;
	cfg->minor_fault_ns = 1000;   /* order of a page fault with a zeroed page: ~1 us */
}

static int parse_root(const struct ctx *c, json_t *root, struct zsim_config *cfg)
{
	static const char *const keys[] = { "kernel", "seed", "machine", "mm", "devices", "swap",
					    "filesystems", "codec_ns", "comment", NULL };
	json_t *v;
	bool used[ZSIM_CFG_MAX_DEVICES] = { 0 };
	set_defaults(cfg);
	if (!json_is_object(root))
		return bad(c, "$", "expected a JSON object");
	TRY(only_keys(c, "$", root, keys));
	if ((v = json_object_get(root, "kernel"))) {
		if (!json_is_string(v))
			return bad(c, "$.kernel", "expected a kernel profile name such as \"6.18\"");
		cfg->kp = zsim_kprofile_find(json_string_value(v));
		if (!cfg->kp) {
			char names[128];
			zsim_kprofile_names(names, sizeof(names));
			return bad(c, "$.kernel", "unknown kernel profile '%s' (known: %s)",
				   json_string_value(v), names);
		}
	}
	if ((v = json_object_get(root, "seed")))
		TRY(get_uint(c, "$.seed", v, INT64_MAX, &cfg->seed));
	if (!(v = json_object_get(root, "machine")))
		return bad(c, "$", "missing key 'machine' (at least {\"ram\": SIZE})");
	TRY(parse_machine(c, v, cfg));
	if ((v = json_object_get(root, "mm")))
		TRY(parse_mm(c, v, cfg));
	if ((v = json_object_get(root, "codec_ns")))
		TRY(parse_codec_ns(c, v, cfg));
	if ((v = json_object_get(root, "devices"))) {
		const char *name;
		json_t *d;
		if (!json_is_object(v))
			return bad(c, "$.devices", "expected an object of NAME: {\"type\": ...}");
		json_object_foreach(v, name, d)
			TRY(parse_device(c, name, d, cfg));
		TRY(resolve_backing(c, cfg, used));
	}
	if ((v = json_object_get(root, "swap")))
		TRY(parse_swap(c, v, cfg, used));
	if ((v = json_object_get(root, "filesystems")))
		TRY(parse_fs(c, v, cfg, used));
	for (unsigned i = 0; i < cfg->nr_dev; i++)
		if (!used[i]) {
			char path[64];
			snprintf(path, sizeof(path), "$.devices.%s", cfg->dev[i].name);
			return bad(c, path, "device is not used by $.swap or $.filesystems");
		}
	return 0;
}

static int load_common(json_t *root, json_error_t *je, const char *name, struct zsim_config *cfg,
		       char *err, size_t errlen)
{
	struct ctx c = { name, err, errlen };
	if (!root) {
		if (je->line > 0)
			snprintf(err, errlen, "%s: line %d, column %d: %s", name, je->line, je->column, je->text);
		else
			snprintf(err, errlen, "%s: %s", name, je->text);
		zsim_one_line(err);   /* jansson quotes the input near the error, newlines too */
		return ZSIM_EFORMAT;
	}
	int rc = parse_root(&c, root, cfg);
	json_decref(root);
	if (rc < 0)
		zsim_one_line(err);
	return rc;
}

int zsim_config_parse(const char *text, const char *name, struct zsim_config *cfg, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	return load_common(root, &je, name, cfg, err, errlen);
}

int zsim_config_load(const char *path, struct zsim_config *cfg, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	return load_common(root, &je, path, cfg, err, errlen);
}

char *zsim_config_dump(const struct zsim_config *cfg)
{
	json_t *r = json_object(), *m = json_object(), *mm = json_object();
	json_t *devs = json_object(), *swap = json_array(), *fss = json_object();
	json_object_set_new(r, "kernel", json_string(cfg->kp->name));
	json_object_set_new(r, "seed", json_integer((json_int_t)cfg->seed));
	json_object_set_new(m, "ram", json_integer((json_int_t)cfg->ram));
	json_object_set_new(m, "cpus", json_integer(cfg->cpus));
	json_object_set_new(m, "kernel_reserve", json_integer((json_int_t)cfg->kernel_reserve));
	json_object_set_new(r, "machine", m);
	json_object_set_new(mm, "policy", json_string(cfg->policy));
	json_object_set_new(mm, "swappiness", json_integer(cfg->swappiness));
	json_object_set_new(mm, "page_cluster", json_integer(cfg->page_cluster));
	json_object_set_new(mm, "min_free_kbytes", json_integer((json_int_t)cfg->min_free_kbytes));
	json_object_set_new(mm, "watermark_scale_factor", json_integer(cfg->watermark_scale_factor));
	json_object_set_new(mm, "watermarks", json_boolean(cfg->watermarks));
	json_object_set_new(mm, "access_ns", json_integer((json_int_t)cfg->access_ns));
	json_object_set_new(mm, "minor_fault_ns", json_integer((json_int_t)cfg->minor_fault_ns));
	json_object_set_new(mm, "sample_interval", json_integer((json_int_t)cfg->sample_interval_ns));
	json_object_set_new(r, "mm", mm);
	json_t *cn = json_object();
	for (size_t i = 0; i < zsim_codec_count() && i < ZSIM_ARRAY_SIZE(cfg->codec_compress_ns); i++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(i);
		json_t *o = json_object();
		json_object_set_new(o, "compress", json_integer(cfg->codec_compress_ns[i] ? cfg->codec_compress_ns[i]
										  : ops->compress_ns));
		json_object_set_new(o, "decompress", json_integer(cfg->codec_decompress_ns[i] ? cfg->codec_decompress_ns[i]
										      : ops->decompress_ns));
		json_object_set_new(cn, ops->name, o);
	}
	json_object_set_new(r, "codec_ns", cn);
	for (unsigned i = 0; i < cfg->nr_dev; i++) {
		const struct zsim_dev_cfg *d = &cfg->dev[i];
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string(zsim_dev_type_name(d->type)));
		json_object_set_new(o, "size", json_integer((json_int_t)d->size));
		if (d->type == ZSIM_DEV_ZRAM) {
			json_object_set_new(o, "comp", json_string(d->comp));
			if (d->level >= 0)
				json_object_set_new(o, "level", json_integer(d->level));
			json_object_set_new(o, "allocator", json_string(d->allocator));
			json_object_set_new(o, "mem_limit", json_integer((json_int_t)d->mem_limit));
			if (d->backing >= 0)
				json_object_set_new(o, "backing_dev", json_string(cfg->dev[d->backing].name));
			if (d->wb_mode != ZSIM_WB_NONE) {
				static const char *const modes[] = { "", "idle", "huge", "huge_idle" };
				json_t *w = json_object();
				json_object_set_new(w, "mode", json_string(modes[d->wb_mode]));
				json_object_set_new(w, "idle_age", json_integer((json_int_t)d->wb_idle_age_ns));
				json_object_set_new(w, "interval", json_integer((json_int_t)d->wb_interval_ns));
				json_object_set_new(w, "limit", json_integer((json_int_t)d->wb_limit));
				json_object_set_new(o, "writeback", w);
			}
		} else {
			json_object_set_new(o, "read_latency", json_integer((json_int_t)d->read_latency_ns));
			json_object_set_new(o, "write_latency", json_integer((json_int_t)d->write_latency_ns));
			json_object_set_new(o, "read_bw", json_integer((json_int_t)d->read_bw));
			json_object_set_new(o, "write_bw", json_integer((json_int_t)d->write_bw));
			json_object_set_new(o, "queue_depth", json_integer(d->queue_depth));
			if (d->type == ZSIM_DEV_SSD || d->type == ZSIM_DEV_EMMC) {
				json_object_set_new(o, "pe_cycles", json_integer(d->pe_cycles));
				json_object_set_new(o, "waf", json_real(d->waf));
				json_object_set_new(o, "flash_size", json_integer((json_int_t)(d->flash_size ? d->flash_size
												   : d->size)));
			}
		}
		json_object_set_new(devs, d->name, o);
	}
	json_object_set_new(r, "devices", devs);
	for (unsigned i = 0; i < cfg->nr_swap; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "device", json_string(cfg->dev[cfg->swap[i].device].name));
		json_object_set_new(o, "priority", json_integer(cfg->swap[i].priority));
		json_array_append_new(swap, o);
	}
	json_object_set_new(r, "swap", swap);
	for (unsigned i = 0; i < cfg->nr_fs; i++) {
		json_t *o = json_object();
		const struct zsim_fs_cfg *f = &cfg->fs[i];
		json_object_set_new(o, "type", json_string(f->type == ZSIM_FS_TMPFS ? "tmpfs" : "block"));
		if (f->type == ZSIM_FS_TMPFS)
			json_object_set_new(o, "size", json_integer((json_int_t)f->size));
		else
			json_object_set_new(o, "device", json_string(cfg->dev[f->device].name));
		json_object_set_new(fss, f->name, o);
	}
	json_object_set_new(r, "filesystems", fss);
	char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(r);
	return s;
}
