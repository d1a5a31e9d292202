/*
 * config.c - strict JSON config (see config.h).
 *
 * Shape of a config (every key optional unless marked; sizes are "1G", "800M"
 * or integers of bytes; times always carry a unit: "10us", "1ms", "2s"):
 *
 *   { "extends": "base.json" (another config this one changes; see below),
 *     "kernel": "6.18", "seed": 1, "duty": "1 run/day" (optional; parse_duty),
 *     "machine": { "ram": "1G" (required), "cpus": 4, "firmware_reserve": "0",
 *                  "kernel_reserve": "64M", "kernel_used": "0", "zones": "x86-64" (or "one"),
 *                  "unmovable_free": "0", "background_cpu": 0, "cpu_bursts": "whole",
 *                  "scheduler": "turns" },
 *     "mm": { "policy": "lru2", "swappiness": 60, "page_cluster": 3,
 *             "min_free_kbytes": 0, "watermark_scale_factor": 10,
 *             "watermark_boost_factor": 15000 (0 before 5.0), "watermarks": true,
 *             "page_tables": true (a process's PTE pages take RAM, a page per 2 MiB
 *             of address space it touched; default: as "watermarks", so the
 *             exact-cache mode keeps RAM a cache of exactly its size),
 *             "access_time": "0ns", "minor_fault_time": "1us", "reclaim_scan_time": "100ns",
 *             "major_fault_time": "0ns" (a swap-in fault's or a page read's own work,
 *             beside its device's: the entry, a page taken, its mapping),
 *             "reclaim_steal_time": "0ns" (per page reclaim frees, beyond the scan and codecs),
 *             "direct_reclaim_turn": "0ns" (a direct reclaimer's turn on the CPU, its
 *             quantum's CPU before the fault counted, before it yields and its round
 *             goes on at its next turn; 0: the round runs whole at once),
 *             "kswapd_share": "turn" (kswapd's turns of 1 ms, first come; "fair": a
 *             process's share of the CPU since it woke, in turns of 1 to 3 ms),
 *             "content_time": "0ns" (making a written page's bytes; cpu events absorb it;
 *             or per content class: { "heap": "9us", "random": "2us", "default": "5us" }),
 *             "file_create_time": "0ns" (a file's creation, beyond its pages' writes),
 *             "file_io_time": "0ns" (a file read or write's system call, beyond the page,
 *             which costs what an access or a fault to anonymous memory does),
 *             "sample_interval": "1s" },
 *     "codec_time": { "lz4": { "compress": "6us", "decompress": "1700ns" }, ... },
 *     "devices": { "NAME": { "type": TYPE, "size": "1G", ...the type's keys } },
 *     "swap": [ { "device": "NAME", "priority": 100 } ],
 *     "filesystems": { "NAME": { "type": "tmpfs", "size": "512M" }
 *                    | { "type": "block", "device": "NAME" } } }
 *
 * A device's type names a tier (tiers/) or one of its presets, and its keys
 * are the tier's key table (core/keys.h): this file knows no tier by name.
 * `zsim --list` prints every type's keys with their defaults.
 *
 * Defaults and where they come from:
 *  - kernel: the newest profile; device keys: the tier's table (zram's comp: the
 *    profile's zram default).
 *  - swappiness 60, page_cluster 3, watermark_scale_factor 10 (the kernel's defaults,
 *    kernel-facts 5.1-5.4); min_free_kbytes computed from RAM by the kernel's formula
 *    when 0 (sim/mm.c).
 *  - firmware_reserve, kernel_reserve 0: a config states what its firmware hides
 *    and what its kernel takes at boot and holds.  MemTotal (what tmpfs's default
 *    size, min_free_kbytes and zswap's pool limit are computed from) is RAM less both.
 *  - kernel_used 0: what the kernel already holds when the run starts but
 *    counts in MemTotal (slab, stacks, page tables, other tasks' memory: the
 *    "used" of a machine measured just before its workload, as the
 *    validation does); its frames are taken like kernel_reserve's, and
 *    MemTotal does not shrink.
 *  - tmpfs size: half of MemTotal (shmem's default), not of the installed RAM.
 *  - watermark_boost_factor: the kernel's 15000 where the profile boosts (5.0+).
 *  - unmovable_free 0: the free memory on the unmovable/reclaimable free lists
 *    when the run starts (/proc/pagetypeinfo; the 512 MiB validation guests
 *    had 4.6-10.4 MiB), where movable allocations start falling back (sim/mm.c).
 *  - background_cpu 0: the share of one CPU that tasks outside the model keep
 *    busy (daemons, kernel threads, a benchmark's own harness), as one task
 *    always runnable (sim/engine.c); the validation measures its guests'.
 *  - cpu_bursts "whole": a trace's cpu event, once begun, runs to its end in
 *    one turn on the CPU (however long); "sliced": it is cut where the
 *    process's 1 ms quantum ends and goes on at its next turn, as a scheduler
 *    preempts a task that keeps the CPU (sim/engine.c); the validation uses it.
 *  - scheduler "turns": a process runs in turns of 1 ms of CPU, kswapd in
 *    turns of mm.kswapd_share, a direct reclaimer in mm.direct_reclaim_turn;
 *    "fair": every turn is the kernel's fair-class slice for the tasks then
 *    runnable (CFS's 6 ms period shared among them, EEVDF's 0.75 ms base
 *    slice from 6.6; sim/engine.c zsim_sched_slice), and a direct reclaimer
 *    whose round has freed its pages takes its page at once and goes on in
 *    its slice (sim/mm.c); the validation uses it.  The two mm keys are the
 *    turns' own and an error beside "fair".
 *  - zones: "x86-64" (DMA, DMA32, Normal: the lower zones' lowmem protection
 *    applies, sim/mm.c); "one" for a machine whose RAM is all one zone (an
 *    arm64 board with at most 4 GiB: all ZONE_DMA).
 */
#include "config.h"
#include "../core/units.h"
#include "../codecs/codec.h"

#include <jansson.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *zsim_dev_type_name(const struct zsim_dev_cfg *d)
{
	return d->tier ? zsim_tier_type_name(d->tier, d->preset) : "?";
}

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

/* A time: a string with its unit (core/units.h); a bare number is refused. */
static int get_time(const struct ctx *c, const char *path, json_t *v, uint64_t *out)
{
	if (json_is_string(v) && zsim_parse_time(json_string_value(v), out) == 0)
		return 0;
	return bad(c, path, "expected a time with a unit (\"80us\", \"1ms\", \"2s\") below 2^62 ns%s",
		   json_is_number(v) ? ": a bare number could be ns or s" : "");
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

/* A string that must be one of two names: *second says it is the second;
 * any other is "unknown WHAT 'x' (known: first, second)". */
static int get_choice(const struct ctx *c, const char *path, json_t *v, const char *what,
		      const char *first, const char *second, bool *is_second)
{
	char str[16];
	TRY(get_str(c, path, v, str, sizeof(str)));
	if (strcmp(str, first) && strcmp(str, second))
		return bad(c, path, "unknown %s '%s' (known: %s, %s)", what, str, first, second);
	*is_second = !strcmp(str, second);
	return 0;
}

static int parse_machine(const struct ctx *c, json_t *m, struct zsim_config *cfg)
{
	static const char *const keys[] = { "ram", "cpus", "firmware_reserve", "kernel_reserve", "kernel_used", "zones",
		"unmovable_free", "background_cpu", "cpu_bursts", "scheduler", NULL };
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
	if ((v = json_object_get(m, "zones")))
		TRY(get_choice(c, "$.machine.zones", v, "zone layout", "x86-64", "one", &cfg->one_zone));
	if ((v = json_object_get(m, "firmware_reserve")))
		TRY(get_size(c, "$.machine.firmware_reserve", v, &cfg->firmware_reserve));
	if (cfg->firmware_reserve >= cfg->ram / 2)
		return bad(c, "$.machine.firmware_reserve", "must be below half of RAM");
	if (cfg->firmware_reserve % ZSIM_PAGE_SIZE)
		return bad(c, "$.machine.firmware_reserve", "a whole number of pages (4096 bytes)");
	if ((v = json_object_get(m, "kernel_reserve")))
		TRY(get_size(c, "$.machine.kernel_reserve", v, &cfg->kernel_reserve));
	if (cfg->kernel_reserve >= (cfg->ram - cfg->firmware_reserve) / 2)
		return bad(c, "$.machine.kernel_reserve", "must be below half of the RAM the kernel sees");
	if ((v = json_object_get(m, "kernel_used")))
		TRY(get_size(c, "$.machine.kernel_used", v, &cfg->kernel_used));
	if (cfg->kernel_used >= zsim_config_memtotal(cfg) / 2)
		return bad(c, "$.machine.kernel_used", "must be below half of MemTotal");
	if ((v = json_object_get(m, "unmovable_free")))
		TRY(get_size(c, "$.machine.unmovable_free", v, &cfg->unmovable_free));
	if (cfg->unmovable_free > (zsim_config_memtotal(cfg) - cfg->kernel_used) / 2)
		return bad(c, "$.machine.unmovable_free", "must be at most half of the RAM free at start");
	if ((v = json_object_get(m, "background_cpu"))) {
		if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) >= 1)
			return bad(c, "$.machine.background_cpu",
				   "expected a share of one CPU, a number from 0 up to (not including) 1");
		cfg->background_cpu = json_number_value(v);
	}
	if ((v = json_object_get(m, "cpu_bursts")))
		TRY(get_choice(c, "$.machine.cpu_bursts", v, "cpu burst mode", "whole", "sliced", &cfg->cpu_sliced));
	if ((v = json_object_get(m, "scheduler")))
		TRY(get_choice(c, "$.machine.scheduler", v, "scheduler", "turns", "fair", &cfg->sched_fair));
	return 0;
}

/* mm.content_time: one time for every class, or an object naming classes
 * ({"heap": "9us", "random": "2us", "default": "5us"}), the classes it does
 * not name taking its "default" (0ns if none): making a page's bytes costs
 * what its class's generator costs, which differs tenfold between classes. */
static int parse_content_time(const struct ctx *c, json_t *v, struct zsim_config *cfg)
{
	bool by_class = json_is_object(v);
	json_t *t = by_class ? json_object_get(v, "default") : v;
	cfg->content_ns = 0;
	if (t)
		TRY(get_time(c, by_class ? "$.mm.content_time.default" : "$.mm.content_time", t, &cfg->content_ns));
	for (unsigned k = 0; k < ZSIM_CONTENT_NR; k++)
		cfg->content_cls_ns[k] = cfg->content_ns;
	if (!by_class)
		return 0;
	const char *key;
	char path[96];
	json_object_foreach(v, key, t) {
		enum zsim_content_class cls;
		if (!strcmp(key, "default"))
			continue;
		snprintf(path, sizeof(path), "$.mm.content_time.%.60s", key);
		if (zsim_content_parse(key, &cls) < 0) {
			char names[160];
			zsim_content_names(names, sizeof(names));
			return bad(c, path, "unknown content class (known: %s, or \"default\")", names);
		}
		TRY(get_time(c, path, t, &cfg->content_cls_ns[cls]));
	}
	return 0;
}

static int parse_mm(const struct ctx *c, json_t *m, struct zsim_config *cfg)
{
	static const char *const keys[] = { "policy", "swappiness", "page_cluster", "min_free_kbytes",
		"watermark_scale_factor", "watermark_boost_factor", "watermarks", "page_tables", "access_time", "minor_fault_time", "major_fault_time", "content_time",
		"file_create_time", "file_io_time",
		"reclaim_scan_time", "reclaim_steal_time", "direct_reclaim_turn", "kswapd_share", "sample_interval", NULL };
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
	if ((v = json_object_get(m, "watermark_boost_factor"))) {
		TRY(get_uint(c, "$.mm.watermark_boost_factor", v, 1000000, &x));
		if (x && !cfg->kp->watermark_boost)
			return bad(c, "$.mm.watermark_boost_factor", "kernel %s has no watermark boosting (5.0+)",
				   cfg->kp->name);
		cfg->watermark_boost_factor = (unsigned)x;
	}
	if ((v = json_object_get(m, "watermarks"))) {
		if (!json_is_boolean(v))
			return bad(c, "$.mm.watermarks", "expected true or false");
		cfg->watermarks = json_is_true(v);
	}
	cfg->page_tables = cfg->watermarks;
	if ((v = json_object_get(m, "page_tables"))) {
		if (!json_is_boolean(v))
			return bad(c, "$.mm.page_tables", "expected true or false");
		cfg->page_tables = json_is_true(v);
	}
	if ((v = json_object_get(m, "content_time")))
		TRY(parse_content_time(c, v, cfg));
	if ((v = json_object_get(m, "access_time")))
		TRY(get_time(c, "$.mm.access_time", v, &cfg->access_ns));
	if ((v = json_object_get(m, "minor_fault_time")))
		TRY(get_time(c, "$.mm.minor_fault_time", v, &cfg->minor_fault_ns));
	if ((v = json_object_get(m, "major_fault_time")))
		TRY(get_time(c, "$.mm.major_fault_time", v, &cfg->major_fault_ns));
	if ((v = json_object_get(m, "file_create_time")))
		TRY(get_time(c, "$.mm.file_create_time", v, &cfg->file_create_ns));
	if ((v = json_object_get(m, "file_io_time")))
		TRY(get_time(c, "$.mm.file_io_time", v, &cfg->file_io_ns));
	if ((v = json_object_get(m, "reclaim_scan_time")))
		TRY(get_time(c, "$.mm.reclaim_scan_time", v, &cfg->reclaim_scan_ns));
	if ((v = json_object_get(m, "reclaim_steal_time")))
		TRY(get_time(c, "$.mm.reclaim_steal_time", v, &cfg->reclaim_steal_ns));
	/* the fair scheduler's slices set every turn: these two are the 1 ms
	 * turns' own, and a config that gives them with it is asking for
	 * something it will not get */
	static const char *const turn_keys[] = { "direct_reclaim_turn", "kswapd_share" };
	for (unsigned i = 0; cfg->sched_fair && i < 2; i++)
		if (json_object_get(m, turn_keys[i]))
			return bad(c, i ? "$.mm.kswapd_share" : "$.mm.direct_reclaim_turn",
				   "has no effect with machine.scheduler \"fair\" (its slices are every turn); leave it out");
	if ((v = json_object_get(m, "direct_reclaim_turn")))
		TRY(get_time(c, "$.mm.direct_reclaim_turn", v, &cfg->direct_turn_ns));
	if ((v = json_object_get(m, "kswapd_share")))
		TRY(get_choice(c, "$.mm.kswapd_share", v, "share", "turn", "fair", &cfg->kswapd_fair));
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

/* Set key k of a device's settings from a JSON value. */
static int set_key(const struct ctx *c, const char *path, const struct zsim_key *k, void *cfg, json_t *v)
{
	char msg[200];
	int rc;
	if (json_is_string(v))
		rc = zsim_key_set_text(k, cfg, json_string_value(v), msg, sizeof(msg));
	else if (json_is_integer(v) && k->type != ZSIM_KEY_TIME)
		rc = zsim_key_set_int(k, cfg, (long long)json_integer_value(v), msg, sizeof(msg));
	else if (json_is_real(v) && k->type != ZSIM_KEY_TIME)
		rc = zsim_key_set_real(k, cfg, json_real_value(v), msg, sizeof(msg));
	else if (json_is_boolean(v))
		rc = zsim_key_set_bool(k, cfg, json_is_true(v), msg, sizeof(msg));
	else {
		snprintf(msg, sizeof(msg), "expected %s%s", zsim_key_expects(k),
			 k->type == ZSIM_KEY_TIME && json_is_number(v) ? ": a bare number could be ns or s" : "");
		rc = ZSIM_EFORMAT;
	}
	return rc < 0 ? bad(c, path, "%s", msg) : 0;
}

/* The keys a device of this type takes at the level `group` ("" = the device
 * object itself), comma-separated: for "unknown key" messages. */
static void known_keys(const struct zsim_dev_cfg *dev, const char *group, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	if (!*group)
		off += (size_t)snprintf(buf, len, "type, size");
	for (const struct zsim_key *k = dev->tier->keys; k && k->name && off < len; k++) {
		if (!zsim_key_in_preset(k, dev->preset))
			continue;
		const char *name = zsim_key_in_group(k->name, group);
		int n = name ? (int)strlen(name) : 0;
		if (!name && !*group) {
			/* a nested object: list its name once, at its first key */
			const char *dot = strchr(k->name, '.');
			n = (int)(dot - k->name);
			if (k != dev->tier->keys && !strncmp(k[-1].name, k->name, (size_t)n + 1))
				continue;
			name = k->name;
		}
		if (name)
			off += (size_t)snprintf(buf + off, len - off, "%s%.*s", off ? ", " : "", n, name);
	}
}

/* A key this device's type lacks: does another type have it? */
static int foreign_key(const struct ctx *c, const char *path, const struct zsim_dev_cfg *dev,
		       const char *group, const char *key)
{
	char full[96], types[128], known[400];
	snprintf(full, sizeof(full), "%s%s%s", group, *group ? "." : "", key);
	if (zsim_tier_type_names(full, 0, types, sizeof(types)) > 0)
		return bad(c, path, "only %s devices have '%s'", types, key);
	known_keys(dev, group, known, sizeof(known));
	char obj[160];
	snprintf(obj, sizeof(obj), "%.*s", (int)(strrchr(path, '.') - path), path);
	return bad(c, obj, "unknown key '%s' (known: %s)", key, known);
}

/* The keys of one object level of a device (group "" = the device itself). */
static int parse_dev_keys(const struct ctx *c, const char *base, struct zsim_dev_cfg *dev, const char *group,
			  json_t *obj)
{
	const char *key;
	json_t *v;
	char path[160], full[96];
	size_t glen = strlen(group);
	json_object_foreach(obj, key, v) {
		if (!glen && (!strcmp(key, "type") || !strcmp(key, "size")))
			continue;
		snprintf(path, sizeof(path), "%s.%s", base, key);
		snprintf(full, sizeof(full), "%s%s%s", group, glen ? "." : "", key);
		const struct zsim_key *k = zsim_keys_find(dev->tier->keys, full);
		if (k && zsim_key_in_preset(k, dev->preset)) {
			TRY(set_key(c, path, k, dev->tcfg.b, v));
			continue;
		}
		/* a nested object: some key of the table is "key.something" */
		bool nested = false;
		for (const struct zsim_key *n = dev->tier->keys; !glen && n && n->name; n++)
			nested |= zsim_key_in_group(n->name, key) && zsim_key_in_preset(n, dev->preset);
		if (!nested)
			return foreign_key(c, path, dev, group, key);
		if (!json_is_object(v)) {
			char known[200];
			known_keys(dev, key, known, sizeof(known));
			return bad(c, path, "expected an object of %s", known);
		}
		TRY(parse_dev_keys(c, path, dev, key, v));
		for (const struct zsim_key *r = dev->tier->keys; r->name; r++) {
			const char *sub = zsim_key_in_group(r->name, key);
			if ((r->flags & ZSIM_KEY_REQUIRED) && sub && !json_object_get(v, sub)) {
				char choices[128];
				return bad(c, path, "missing key '%s'%s%s%s", sub, r->choices ? " (" : "",
					   r->choices ? zsim_key_choices(r, choices, sizeof(choices)) : "",
					   r->choices ? ")" : "");
			}
		}
	}
	return 0;
}

/* Does following the devices below d reach `to`?  (nr_dev bounds the depth.) */
static bool reaches(const struct zsim_config *cfg, unsigned d, unsigned to, unsigned depth)
{
	for (unsigned i = 0; depth <= cfg->nr_dev && i < cfg->dev[d].nr_lowers; i++) {
		int b = cfg->dev[d].lowers[i];
		if (b >= 0 && ((unsigned)b == to || reaches(cfg, (unsigned)b, to, depth + 1)))
			return true;
	}
	return false;
}

/* Resolve each device's DEVICE keys, in key-table order (zram's backing_dev;
 * dm-cache's cache_dev, origin_dev, metadata_dev): each names a device that
 * can sit below another (or any device, for a key with ZSIM_KEY_ANY_DEVICE),
 * used by nothing else, and no device sits below itself.  Then a tier with
 * DEVICE keys validates again, knowing the sizes of the devices they name. */
static int resolve_lower(const struct ctx *c, struct zsim_config *cfg, bool *used)
{
	char path[128];
	for (unsigned i = 0; i < cfg->nr_dev; i++) {
		struct zsim_dev_cfg *dev = &cfg->dev[i];
		unsigned n = 0;
		for (const struct zsim_key *k = dev->tier->keys; k && k->name; k++) {
			if (k->type != ZSIM_KEY_DEVICE)
				continue;
			if (n == ZSIM_TIER_MAX_LOWERS)
				return bad(c, "$.devices", "tier %s has more than %d DEVICE keys", dev->tier->name,
					   ZSIM_TIER_MAX_LOWERS);
			unsigned slot = n++;
			dev->nr_lowers = n;
			if (!zsim_key_is_set(k, dev->tcfg.b))
				continue;
			const char *name = zsim_key_str(k, dev->tcfg.b);
			snprintf(path, sizeof(path), "$.devices.%s.%s", dev->name, k->name);
			int b = dev_find(cfg, name);
			if (b < 0)
				return bad(c, path, "no device named '%s' in $.devices", name);
			if ((unsigned)b == i)
				return bad(c, path, "device '%s' cannot sit below itself", name);
			if (!(k->flags & ZSIM_KEY_ANY_DEVICE) && !(cfg->dev[b].tier->flags & ZSIM_TIER_CAN_BE_LOWER)) {
				char types[128];
				zsim_tier_type_names(NULL, ZSIM_TIER_CAN_BE_LOWER, types, sizeof(types));
				return bad(c, path, "'%s' is a %s: a %s must be a device that can sit below another (%s)",
					   name, zsim_dev_type_name(&cfg->dev[b]), k->name, types);
			}
			if (used[b])
				return bad(c, path, "device '%s' is used twice in the stack", name);
			used[b] = true;
			dev->lowers[slot] = b;
			if (slot == 0)
				dev->lower = b;
		}
	}
	for (unsigned i = 0; i < cfg->nr_dev; i++) {
		struct zsim_dev_cfg *dev = &cfg->dev[i];
		for (unsigned l = 0; l < dev->nr_lowers; l++) {
			int b = dev->lowers[l];
			if (b < 0 || !reaches(cfg, (unsigned)b, i, 0))
				continue;
			unsigned seen = 0;
			for (const struct zsim_key *k = dev->tier->keys; k->name; k++)
				if (k->type == ZSIM_KEY_DEVICE && seen++ == l)
					snprintf(path, sizeof(path), "$.devices.%s.%s", dev->name, k->name);
			return bad(c, path, "'%s' is below '%s' already: the stack would be a loop",
				   dev->name, cfg->dev[b].name);
		}
		if (!dev->nr_lowers || !dev->tier->validate)
			continue;
		uint64_t sizes[ZSIM_TIER_MAX_LOWERS] = { 0 };
		bool any = false;
		for (unsigned l = 0; l < dev->nr_lowers; l++)
			if (dev->lowers[l] >= 0) {
				sizes[l] = cfg->dev[dev->lowers[l]].size;
				any = true;
			}
		if (!any)
			continue;
		struct zsim_tier_env env = { cfg->kp, dev->size, dev->preset, sizes, dev->nr_lowers };
		const char *key = NULL;
		char msg[256];
		if (dev->tier->validate(dev->tcfg.b, &env, &key, msg, sizeof(msg)) < 0) {
			snprintf(path, sizeof(path), "$.devices.%s%s%s", dev->name, key ? "." : "", key ? key : "");
			return bad(c, path, "%s", msg);
		}
	}
	return 0;
}

static int parse_device(const struct ctx *c, const char *name, json_t *d, struct zsim_config *cfg)
{
	char path[96], type[16], types[128];
	json_t *v;
	if (cfg->nr_dev == ZSIM_CFG_MAX_DEVICES)
		return bad(c, "$.devices", "at most %d devices", ZSIM_CFG_MAX_DEVICES);
	struct zsim_dev_cfg *dev = &cfg->dev[cfg->nr_dev];
	snprintf(path, sizeof(path), "$.devices.%s", name);
	if (strlen(name) >= sizeof(dev->name) || !*name)
		return bad(c, path, "device names are 1 to %zu characters", sizeof(dev->name) - 1);
	if (!json_is_object(d))
		return bad(c, path, "expected an object");
	strcpy(dev->name, name);
	zsim_tier_type_names(NULL, 0, types, sizeof(types));
	if (!(v = json_object_get(d, "type")))
		return bad(c, path, "missing key 'type' (%s)", types);
	snprintf(path, sizeof(path), "$.devices.%s.type", name);
	TRY(get_str(c, path, v, type, sizeof(type)));
	if (zsim_tier_type_find(type, &dev->tier, &dev->preset) < 0)
		return bad(c, path, "unknown device type '%s' (known: %s)", type, types);
	zsim_tier_cfg_defaults(dev->tier, dev->preset, &dev->tcfg);
	dev->lower = -1;
	for (unsigned l = 0; l < ZSIM_TIER_MAX_LOWERS; l++)
		dev->lowers[l] = -1;

	snprintf(path, sizeof(path), "$.devices.%s", name);
	if (!(v = json_object_get(d, "size")))
		return bad(c, path, "missing key 'size'%s", !strcmp(type, "zram") ? " (zram's disksize)" : "");
	snprintf(path, sizeof(path), "$.devices.%s.size", name);
	TRY(get_size(c, path, v, &dev->size));
	if (dev->size < ZSIM_PAGE_SIZE)
		return bad(c, path, "a device holds at least one page (4096 bytes)");
	if (dev->size > MODEL_MAX_BYTES)
		return bad(c, path, "devices above 4T are not modelled");
	snprintf(path, sizeof(path), "$.devices.%s", name);
	TRY(parse_dev_keys(c, path, dev, "", d));
	if (dev->tier->validate) {
		struct zsim_tier_env env = { cfg->kp, dev->size, dev->preset, NULL, 0 };
		const char *key = NULL;
		char msg[256];
		if (dev->tier->validate(dev->tcfg.b, &env, &key, msg, sizeof(msg)) < 0) {
			if (key)
				snprintf(path, sizeof(path), "$.devices.%s.%s", name, key);
			return bad(c, path, "%s", msg);
		}
	}
	cfg->nr_dev++;
	return 0;
}

/* "zswap": { the zswap tier's keys } - in front of every swap device. */
static int parse_zswap(const struct ctx *c, json_t *z, struct zsim_config *cfg)
{
	struct zsim_dev_cfg *zs = &cfg->zswap;
	char path[96], msg[256];
	if (!json_is_object(z))
		return bad(c, "$.zswap", "expected an object of zswap's settings (zsim --list shows them)");
	strcpy(zs->name, "zswap");
	zs->tier = zsim_tier_frontswap("zswap");
	zs->preset = 0;
	zs->lower = -1;
	for (unsigned l = 0; l < ZSIM_TIER_MAX_LOWERS; l++)
		zs->lowers[l] = -1;
	zsim_tier_cfg_defaults(zs->tier, 0, &zs->tcfg);
	if (json_object_get(z, "type") || json_object_get(z, "size"))
		return bad(c, "$.zswap", "zswap is not a device: it has no '%s' (its pool is a share of RAM)",
			   json_object_get(z, "type") ? "type" : "size");
	TRY(parse_dev_keys(c, "$.zswap", zs, "", z));
	struct zsim_tier_env env = { cfg->kp, 0, 0, NULL, 0 };
	const char *key = NULL;
	if (zs->tier->validate && zs->tier->validate(zs->tcfg.b, &env, &key, msg, sizeof(msg)) < 0) {
		snprintf(path, sizeof(path), "$.zswap%s%s", key ? "." : "", key ? key : "");
		return bad(c, path, "%s", msg);
	}
	cfg->has_zswap = true;
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
	static const char *const keys[] = { "type", "size", "device", "file_bytes", NULL };
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
			fs->size = zsim_config_memtotal(cfg) / 2;   /* the kernel's default: half of MemTotal */
			if (json_object_get(f, "device")) {
				snprintf(path, sizeof(path), "$.filesystems.%s.device", name);
				return bad(c, path, "a tmpfs has no device");
			}
			if ((v = json_object_get(f, "size"))) {
				snprintf(path, sizeof(path), "$.filesystems.%s.size", name);
				TRY(get_size(c, path, v, &fs->size));
				if (fs->size < ZSIM_PAGE_SIZE)   /* the kernel's size=0 means no limit */
					return bad(c, path, "at least one page (4096 bytes); a tmpfs without a "
						   "limit (the kernel's size=0) is not modelled");
			}
			fs->file_bytes = ZSIM_TMPFS_FILE_BYTES;
			if ((v = json_object_get(f, "file_bytes"))) {
				snprintf(path, sizeof(path), "$.filesystems.%s.file_bytes", name);
				TRY(get_size(c, path, v, &fs->file_bytes));
				if (fs->file_bytes > 1024 * 1024)
					return bad(c, path, "at most 1M (the kernel's memory per tmpfs file)");
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
			if (json_object_get(f, "file_bytes")) {
				snprintf(path, sizeof(path), "$.filesystems.%s.file_bytes", name);
				return bad(c, path, "only a tmpfs has it (a disk filesystem's inodes and dentries "
					   "are reclaimable slab, not modelled)");
			}
			fs->size = cfg->dev[fs->device].size;
		} else {
			return bad(c, path, "unknown filesystem type '%s' (known: tmpfs, block)", type);
		}
		cfg->nr_fs++;
	}
	return 0;
}

/* "codec_time": { "lz4": { "compress": "6us", "decompress": "1700ns" }, ... } (zsim calibrate) */
static int parse_codec_time(const struct ctx *c, json_t *o, struct zsim_config *cfg)
{
	static const char *const keys[] = { "compress", "decompress", "compress_per_kib", "decompress_per_kib", NULL };
	static const char *const what[] = { "compress", "decompress", "compress_per_kib", "decompress_per_kib" };
	const char *name;
	json_t *e, *v;
	char path[96];
	uint64_t x;
	if (!json_is_object(o))
		return bad(c, "$.codec_time", "expected an object of CODEC: {\"compress\": TIME, \"decompress\": TIME}");
	json_object_foreach(o, name, e) {
		snprintf(path, sizeof(path), "$.codec_time.%s", name);
		size_t i;
		for (i = 0; i < zsim_codec_count() && strcmp(zsim_codec_at(i)->name, name); i++)
			;
		if (i == zsim_codec_count() || i >= ZSIM_ARRAY_SIZE(cfg->codec_compress_ns)) {
			char names[128];
			zsim_codec_names(names, sizeof(names));
			return bad(c, path, "unknown compressor '%s' (known: %s)", name, names);
		}
		if (!json_is_object(e))
			return bad(c, path, "expected {\"compress\": TIME, \"decompress\": TIME, \"compress_per_kib\": TIME, \"decompress_per_kib\": TIME}");
		TRY(only_keys(c, path, e, keys));
		for (int w = 0; w < 4; w++) {
			if (!(v = json_object_get(e, what[w])))
				continue;
			snprintf(path, sizeof(path), "$.codec_time.%s.%s", name, what[w]);
			TRY(get_time(c, path, v, &x));
			if (x > 100000000)
				return bad(c, path, w < 2 ? "at most 100ms per page" : "at most 100ms per KiB");
			if (w < 2)
				(w ? cfg->codec_decompress_ns : cfg->codec_compress_ns)[i] = (uint32_t)x;
			else   /* stored plus one: 0 is the default */
				(w == 3 ? cfg->codec_decompress_ns_per_kib : cfg->codec_compress_ns_per_kib)[i] =
					(uint32_t)x + 1;
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
	cfg->page_tables = true;
	cfg->sample_interval_ns = 1000000000ull;
	cfg->access_ns = 0;
	cfg->minor_fault_ns = 1000;   /* order of a page fault with a zeroed page: ~1 us */
	cfg->major_fault_ns = 0;      /* the device's work only, unless measured */
	cfg->reclaim_scan_ns = 100;   /* an estimate for a native machine (sim/mm.c) */
	cfg->reclaim_steal_ns = 0;    /* none beyond the scan's and the codec's unless measured */
	cfg->direct_turn_ns = 0;      /* a direct round runs whole (sim/mm.c direct_step) */
}

/*
 * "duty": how often the run the traces describe happens, so flash wear can be
 * read as years of that use: "N run/day", "N runs/week" (N > 0, a real), or
 * a time of running per day or week, "8h/day", "90m/week" (the traces' write
 * rate holds while the machine runs).  Whole-config, not per device: every
 * device of one machine runs together.
 */
static int parse_duty(const struct ctx *c, json_t *v, struct zsim_config *cfg)
{
	static const char *const want = "expected \"N run/day\", \"N runs/week\", \"8h/day\" or \"TIME/week\"";
	const char *t = json_is_string(v) ? json_string_value(v) : NULL;
	char buf[32], *slash;
	if (!t || strlen(t) >= sizeof(buf))
		return bad(c, "$.duty", "%s", want);
	strcpy(buf, t);
	slash = strrchr(buf, '/');
	if (!slash)
		return bad(c, "$.duty", "%s", want);
	*slash = 0;
	double per = strcmp(slash + 1, "day") == 0 ? 1 : strcmp(slash + 1, "week") == 0 ? 7 : 0;
	char *sp = strchr(buf, ' ');
	double n = 0;
	uint64_t ns = 0;
	if (per > 0 && sp && (strcmp(sp + 1, "run") == 0 || strcmp(sp + 1, "runs") == 0)) {
		*sp = 0;
		if (zsim_parse_real(buf, &n) < 0 || !(n > 0) || n > 1e6)
			return bad(c, "$.duty", "%s (N a number above 0)", want);
		cfg->duty_runs_per_day = n / per;
	} else if (per > 0 && zsim_parse_time(buf, &ns) == 0) {
		if (!ns || (double)ns > per * 86400e9)
			return bad(c, "$.duty", "%s: the time must be above 0 and at most the %s", want,
				   per > 1 ? "week" : "day");
		cfg->duty_secs_per_day = (double)ns / 1e9 / per;
	} else
		return bad(c, "$.duty", "%s", want);
	strcpy(cfg->duty, t);
	return 0;
}

static int parse_root(const struct ctx *c, json_t *root, struct zsim_config *cfg)
{
	static const char *const keys[] = { "kernel", "seed", "machine", "mm", "devices", "swap",
					    "filesystems", "codec_time", "zswap", "comment", "duty", NULL };
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
	cfg->watermark_boost_factor = cfg->kp->watermark_boost ? 15000 : 0;   /* the kernel's default */
	if ((v = json_object_get(root, "seed")))
		TRY(get_uint(c, "$.seed", v, INT64_MAX, &cfg->seed));
	if ((v = json_object_get(root, "duty")))
		TRY(parse_duty(c, v, cfg));
	if (!(v = json_object_get(root, "machine")))
		return bad(c, "$", "missing key 'machine' (at least {\"ram\": SIZE})");
	TRY(parse_machine(c, v, cfg));
	if ((v = json_object_get(root, "mm")))
		TRY(parse_mm(c, v, cfg));
	if ((v = json_object_get(root, "codec_time")))
		TRY(parse_codec_time(c, v, cfg));
	if ((v = json_object_get(root, "devices"))) {
		const char *name;
		json_t *d;
		if (!json_is_object(v))
			return bad(c, "$.devices", "expected an object of NAME: {\"type\": ...}");
		json_object_foreach(v, name, d)
			TRY(parse_device(c, name, d, cfg));
		TRY(resolve_lower(c, cfg, used));
	}
	if ((v = json_object_get(root, "swap")))
		TRY(parse_swap(c, v, cfg, used));
	if ((v = json_object_get(root, "filesystems")))
		TRY(parse_fs(c, v, cfg, used));
	if ((v = json_object_get(root, "zswap"))) {
		TRY(parse_zswap(c, v, cfg));
		const struct zsim_key *en = zsim_keys_find(cfg->zswap.tier->keys, "enabled");
		if (!cfg->nr_swap && en && *(const bool *)(const void *)(cfg->zswap.tcfg.b + en->offset))
			return bad(c, "$.zswap", "zswap caches pages on their way to a swap device, and $.swap has none");
	}
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
	return zsim_config_load_ex(path, NULL, 0, cfg, err, errlen);
}

/*
 * "extends" and --set: both edit the JSON tree before it is read, so every
 * check (and --print-config) sees the result as if it had been written by hand.
 *
 * A config {"extends": "base.json", ...} is base.json (a path relative to the
 * extending file; to the working directory for stdin) with the extending
 * file's keys merged in: objects key by key, recursively; any other value
 * (a number, a string, an array such as "swap") replaces the base's; a null
 * removes the base's key.  A base may extend another, up to
 * CONFIG_EXTENDS_MAX levels; a file met twice on the chain is a cycle.
 */
#define CONFIG_EXTENDS_MAX 8

static void merge_into(json_t *base, json_t *over)
{
	const char *k;
	json_t *v;
	json_object_foreach(over, k, v) {
		json_t *b = json_object_get(base, k);
		if (json_is_null(v))
			json_object_del(base, k);
		else if (json_is_object(v) && json_is_object(b))
			merge_into(b, v);
		else
			json_object_set(base, k, v);
	}
}

static json_t *read_json(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	bool in = !strcmp(path, "-");
	json_t *root = in ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
			  : json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		const char *name = in ? "stdin" : path;
		if (je.line > 0)
			snprintf(err, errlen, "%s: line %d, column %d: %s", name, je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s: %s", name, je.text);
		zsim_one_line(err);
	}
	return root;
}

/* The tree of path with its extends resolved; NULL with err set. chain: the
 * files extending it, outermost first (their real paths). */
static json_t *load_tree(const char *path, char **chain, unsigned depth, char *err, size_t errlen)
{
	json_t *root = read_json(path, err, errlen);
	if (!root)
		return NULL;
	json_t *ext = json_is_object(root) ? json_object_get(root, "extends") : NULL;
	if (!ext)
		return root;
	const char *name = strcmp(path, "-") ? path : "stdin";
	if (!json_is_string(ext) || !*json_string_value(ext)) {
		snprintf(err, errlen, "%s: $.extends: expected the path of the config this one extends", name);
		json_decref(root);
		return NULL;
	}
	char base[4096];
	const char *e = json_string_value(ext), *slash = strrchr(path, '/');
	if (e[0] == '/' || !slash || !strcmp(path, "-"))
		snprintf(base, sizeof(base), "%s", e);
	else
		snprintf(base, sizeof(base), "%.*s/%s", (int)(slash - path), path, e);
	char *real = realpath(base, NULL);
	if (!real) {
		snprintf(err, errlen, "%s: $.extends: cannot read '%s': %s", name, base, strerror(errno));
		zsim_one_line(err);
		json_decref(root);
		return NULL;
	}
	for (unsigned i = 0; i < depth; i++)
		if (chain[i] && !strcmp(chain[i], real)) {
			snprintf(err, errlen, "%s: $.extends: '%s' is already on the chain of extends (a cycle)", name, e);
			zsim_one_line(err);
			free(real);
			json_decref(root);
			return NULL;
		}
	if (depth + 1 >= CONFIG_EXTENDS_MAX) {
		snprintf(err, errlen, "%s: $.extends: more than %d levels of extends", name, CONFIG_EXTENDS_MAX);
		free(real);
		json_decref(root);
		return NULL;
	}
	chain[depth] = real;
	json_t *b = load_tree(base, chain, depth + 1, err, errlen);
	chain[depth] = NULL;
	free(real);
	if (!b) {
		json_decref(root);
		return NULL;
	}
	if (!json_is_object(b)) {
		snprintf(err, errlen, "%s: $: expected a JSON object (extended by %s)", base, name);
		zsim_one_line(err);
		json_decref(b);
		json_decref(root);
		return NULL;
	}
	json_object_del(root, "extends");
	json_object_del(b, "extends");
	merge_into(b, root);
	json_decref(root);
	return b;
}

/* Is the key at this path a string in the config's grammar (so "6.18" or
 * "100" stay strings)?  Known string keys, and tier keys of string types. */
static bool string_key(json_t *root, char **seg, unsigned n)
{
	static const char *const strs[] = { "kernel", "mm.policy", "comment", NULL };
	json_t *cur = root;
	for (unsigned i = 0; i < n && cur; i++)
		cur = json_is_array(cur) ? json_array_get(cur, strtoul(seg[i], NULL, 10)) : json_object_get(cur, seg[i]);
	if (json_is_string(cur))
		return true;   /* the tree already holds a string there */
	char joined[512] = "";
	for (unsigned i = 0; i < n; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", i ? "." : "", seg[i]);
	for (const char *const *s = strs; *s; s++)
		if (!strcmp(*s, joined))
			return true;
	if (n >= 2 && (!strcmp(seg[0], "swap") || !strcmp(seg[0], "filesystems")) &&
	    (!strcmp(seg[n - 1], "device") || !strcmp(seg[n - 1], "type")))
		return true;
	if (n >= 3 && !strcmp(seg[0], "devices") && !strcmp(seg[2], "type"))
		return true;
	json_t *dev = NULL;
	const struct zsim_tier_ops *ops = NULL;
	unsigned preset = 0, from = 0;
	if (n >= 3 && !strcmp(seg[0], "devices")) {
		json_t *d = json_object_get(json_object_get(root, "devices"), seg[1]);
		dev = json_object_get(d, "type");
		if (json_is_string(dev))
			zsim_tier_type_find(json_string_value(dev), &ops, &preset);
		from = 2;
	} else if (n >= 2 && !strcmp(seg[0], "zswap")) {
		ops = zsim_tier_frontswap("zswap");
		from = 1;
	}
	if (!ops)
		return false;
	char key[256] = "";
	for (unsigned i = from; i < n; i++)
		snprintf(key + strlen(key), sizeof(key) - strlen(key), "%s%s", i > from ? "." : "", seg[i]);
	const struct zsim_key *k = zsim_keys_find(ops->keys, key);
	return k && (k->type == ZSIM_KEY_STR || k->type == ZSIM_KEY_ENUM || k->type == ZSIM_KEY_DEVICE ||
		     k->type == ZSIM_KEY_TIME);
}

__attribute__((format(printf, 5, 6)))
static int set_err(char *err, size_t errlen, const char *set, size_t pos, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "--set '%s': position %zu: %s", set, pos + 1, msg);
	zsim_one_line(err);
	return ZSIM_EFORMAT;
}

/* Apply one "a.b.c=VALUE" to the tree.  VALUE is typed by the key: a string
 * for string keys (and wherever the tree already holds a string), else a JSON
 * number, true, false or null if it reads as one, else a string ("1G", "80us").
 * A VALUE starting with '{', '[' or '"' is JSON. */
static int apply_set(json_t *root, const char *set, char *err, size_t errlen)
{
	const char *eq = strchr(set, '=');
	if (!eq)
		return set_err(err, errlen, set, strlen(set), "expected KEY=VALUE (mm.swappiness=100)");
	if (eq == set)
		return set_err(err, errlen, set, 0, "expected a key before '='");
	char *seg[32];
	unsigned n = 0;
	int rc = 0;
	const char *p = set;
	while (p < eq && !rc) {
		const char *d = memchr(p, '.', (size_t)(eq - p));
		const char *end = d ? d : eq;
		if (end == p) {
			rc = set_err(err, errlen, set, (size_t)(p - set), "empty key name");
			break;
		}
		for (const char *q = p; q < end && !rc; q++)
			if (isspace((unsigned char)*q) || (unsigned char)*q < 0x20)
				rc = set_err(err, errlen, set, (size_t)(q - set), "blank in a key name");
		if (!rc && n == ZSIM_ARRAY_SIZE(seg))
			rc = set_err(err, errlen, set, (size_t)(p - set), "key path too deep");
		if (rc)
			break;
		seg[n] = zsim_xmalloc((size_t)(end - p) + 1);
		memcpy(seg[n], p, (size_t)(end - p));
		seg[n++][end - p] = '\0';
		p = d ? d + 1 : eq;
		if (d && d + 1 == eq)
			rc = set_err(err, errlen, set, (size_t)(eq - set), "empty key name");
	}
	if (rc) {
		while (n)
			free(seg[--n]);
		return rc;
	}
	const char *val = eq + 1;
	json_t *v = NULL;
	json_error_t je;
	if (*val == '{' || *val == '[' || *val == '"') {
		v = json_loads(val, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
		if (!v) {
			rc = set_err(err, errlen, set, (size_t)(val - set) + (je.position > 0 ? (size_t)je.position - 1 : 0),
				     "bad JSON value: %s", je.text);
			goto out;
		}
	} else if (!string_key(root, seg, n)) {
		v = json_loads(val, JSON_DECODE_ANY, &je);
		if (v && !json_is_number(v) && !json_is_boolean(v) && !json_is_null(v)) {
			json_decref(v);
			v = NULL;
		}
	}
	/* walk, creating objects; an array is indexed by number */
	json_t *o = root;
	char path[512] = "$";
	for (unsigned i = 0; i + 1 < n && !rc; i++) {
		json_t *next;
		if (json_is_array(o)) {
			char *end;
			unsigned long ix = strtoul(seg[i], &end, 10);
			if (*end || !(next = json_array_get(o, ix))) {
				rc = set_err(err, errlen, set, 0, "%s has no element '%s'", path, seg[i]);
				break;
			}
		} else if (!(next = json_object_get(o, seg[i]))) {
			next = json_object();
			json_object_set_new(o, seg[i], next);
		}
		snprintf(path + strlen(path), sizeof(path) - strlen(path), ".%s", seg[i]);
		if (!json_is_object(next) && !json_is_array(next))
			rc = set_err(err, errlen, set, 0, "%s is a value, not an object", path);
		o = next;
	}
	if (rc)
		goto out;
	if (!v) {
		v = json_string(val);
		if (!v) {
			rc = set_err(err, errlen, set, (size_t)(val - set), "the value is not UTF-8");
			goto out;
		}
	}
	if (json_is_array(o)) {
		char *end;
		unsigned long ix = strtoul(seg[n - 1], &end, 10);
		if (*end || json_array_set(o, ix, v) < 0)
			rc = set_err(err, errlen, set, 0, "%s has no element '%s'", path, seg[n - 1]);
		json_decref(v);
	} else if (json_is_null(v)) {
		json_object_del(o, seg[n - 1]);
		json_decref(v);
	} else {
		json_object_set_new(o, seg[n - 1], v);
	}
	v = NULL;
out:
	json_decref(v);
	while (n)
		free(seg[--n]);
	return rc;
}

int zsim_config_check_set(const char *set, char *err, size_t errlen)
{
	json_t *o = json_object();
	int rc = apply_set(o, set, err, errlen);
	json_decref(o);
	return rc;
}

int zsim_config_load_ex(const char *path, const char *const *sets, unsigned nsets, struct zsim_config *cfg,
			char *err, size_t errlen)
{
	char *chain[CONFIG_EXTENDS_MAX] = { 0 };
	chain[0] = strcmp(path, "-") ? realpath(path, NULL) : NULL;   /* NULL: stdin, or unreadable */
	json_t *root = load_tree(path, chain, 1, err, errlen);
	free(chain[0]);
	const char *name = strcmp(path, "-") ? path : "stdin";
	if (!root)
		return ZSIM_EFORMAT;
	for (unsigned i = 0; i < nsets; i++)
		if (!json_is_object(root) || apply_set(root, sets[i], err, errlen) < 0) {
			if (!json_is_object(root))
				snprintf(err, errlen, "%s: $: expected a JSON object", name);
			json_decref(root);
			return ZSIM_EFORMAT;
		}
	json_object_del(root, "extends");
	struct ctx c = { name, err, errlen };
	int rc = parse_root(&c, root, cfg);
	json_decref(root);
	if (rc < 0)
		zsim_one_line(err);
	return rc;
}

static json_t *json_time(uint64_t ns)
{
	char buf[32];
	return json_string(zsim_format_time(ns, buf, sizeof(buf)));
}

/* A device's settings, in table order; a nested object only when its required key is set. */
static void dump_dev_keys(const struct zsim_dev_cfg *d, json_t *o)
{
	const void *cfg = d->tcfg.b;
	for (const struct zsim_key *k = d->tier->keys; k && k->name; k++) {
		if (!zsim_key_in_preset(k, d->preset) || ((k->flags & ZSIM_KEY_OPTIONAL) && !zsim_key_is_set(k, cfg)))
			continue;
		json_t *parent = o, *v;
		const char *name = k->name, *dot = strchr(name, '.');
		if (dot) {
			char group[48];
			snprintf(group, sizeof(group), "%.*s", (int)(dot - name), name);
			bool present = false;
			for (const struct zsim_key *r = d->tier->keys; r->name; r++)
				if ((r->flags & ZSIM_KEY_REQUIRED) && zsim_key_in_group(r->name, group))
					present |= zsim_key_is_set(r, cfg);
			if (!present)
				continue;
			if (!(parent = json_object_get(o, group))) {
				parent = json_object();
				json_object_set_new(o, group, parent);
			}
			name = dot + 1;
		}
		char buf[64];
		switch (k->type) {
		case ZSIM_KEY_SIZE:
		case ZSIM_KEY_UINT: v = json_integer((json_int_t)*(const uint64_t *)(const void *)((const char *)cfg + k->offset)); break;
		case ZSIM_KEY_INT:  v = json_integer(*(const int *)(const void *)((const char *)cfg + k->offset)); break;
		case ZSIM_KEY_REAL: v = json_real(*(const double *)(const void *)((const char *)cfg + k->offset)); break;
		case ZSIM_KEY_BOOL: v = json_boolean(*(const bool *)(const void *)((const char *)cfg + k->offset)); break;
		default:            v = json_string(zsim_key_format(k, cfg, buf, sizeof(buf))); break;
		}
		json_object_set_new(parent, name, v);
	}
}

char *zsim_config_dump(const struct zsim_config *cfg)
{
	json_t *r = json_object(), *m = json_object(), *mm = json_object();
	json_t *devs = json_object(), *swap = json_array(), *fss = json_object();
	json_object_set_new(r, "kernel", json_string(cfg->kp->name));
	json_object_set_new(r, "seed", json_integer((json_int_t)cfg->seed));
	if (cfg->duty[0])
		json_object_set_new(r, "duty", json_string(cfg->duty));
	json_object_set_new(m, "ram", json_integer((json_int_t)cfg->ram));
	json_object_set_new(m, "cpus", json_integer(cfg->cpus));
	json_object_set_new(m, "firmware_reserve", json_integer((json_int_t)cfg->firmware_reserve));
	json_object_set_new(m, "kernel_reserve", json_integer((json_int_t)cfg->kernel_reserve));
	if (cfg->kernel_used)   /* only when set: the resolved configs without it stay as they were */
		json_object_set_new(m, "kernel_used", json_integer((json_int_t)cfg->kernel_used));
	json_object_set_new(m, "zones", json_string(cfg->one_zone ? "one" : "x86-64"));
	json_object_set_new(m, "unmovable_free", json_integer((json_int_t)cfg->unmovable_free));
	if (cfg->background_cpu > 0)
		json_object_set_new(m, "background_cpu", json_real(cfg->background_cpu));
	if (cfg->cpu_sliced)   /* only when set: the default's resolved configs stay as they were */
		json_object_set_new(m, "cpu_bursts", json_string("sliced"));
	if (cfg->sched_fair)   /* likewise */
		json_object_set_new(m, "scheduler", json_string("fair"));
	json_object_set_new(r, "machine", m);
	json_object_set_new(mm, "policy", json_string(cfg->policy));
	json_object_set_new(mm, "swappiness", json_integer(cfg->swappiness));
	json_object_set_new(mm, "page_cluster", json_integer(cfg->page_cluster));
	json_object_set_new(mm, "min_free_kbytes", json_integer((json_int_t)cfg->min_free_kbytes));
	json_object_set_new(mm, "watermark_scale_factor", json_integer(cfg->watermark_scale_factor));
	json_object_set_new(mm, "watermark_boost_factor", json_integer(cfg->watermark_boost_factor));
	json_object_set_new(mm, "watermarks", json_boolean(cfg->watermarks));
	json_object_set_new(mm, "page_tables", json_boolean(cfg->page_tables));
	json_object_set_new(mm, "access_time", json_time(cfg->access_ns));
	json_object_set_new(mm, "minor_fault_time", json_time(cfg->minor_fault_ns));
	json_object_set_new(mm, "major_fault_time", json_time(cfg->major_fault_ns));
	/* one time, or the default and each class that differs from it */
	json_t *ct = json_object();
	json_object_set_new(ct, "default", json_time(cfg->content_ns));
	for (unsigned k = 0; k < ZSIM_CONTENT_NR; k++)
		if (cfg->content_cls_ns[k] != cfg->content_ns)
			json_object_set_new(ct, zsim_content_name((enum zsim_content_class)k),
					    json_time(cfg->content_cls_ns[k]));
	if (json_object_size(ct) == 1) {
		json_decref(ct);
		ct = json_time(cfg->content_ns);
	}
	json_object_set_new(mm, "content_time", ct);
	json_object_set_new(mm, "file_create_time", json_time(cfg->file_create_ns));
	json_object_set_new(mm, "file_io_time", json_time(cfg->file_io_ns));
	json_object_set_new(mm, "reclaim_scan_time", json_time(cfg->reclaim_scan_ns));
	json_object_set_new(mm, "reclaim_steal_time", json_time(cfg->reclaim_steal_ns));
	if (!cfg->sched_fair) {   /* the 1 ms turns' own (parse_mm) */
		json_object_set_new(mm, "direct_reclaim_turn", json_time(cfg->direct_turn_ns));
		json_object_set_new(mm, "kswapd_share", json_string(cfg->kswapd_fair ? "fair" : "turn"));
	}
	json_object_set_new(mm, "sample_interval", json_time(cfg->sample_interval_ns));
	json_object_set_new(r, "mm", mm);
	json_t *cn = json_object();
	for (size_t i = 0; i < zsim_codec_count() && i < ZSIM_ARRAY_SIZE(cfg->codec_compress_ns); i++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(i);
		json_t *o = json_object();
		json_object_set_new(o, "compress", json_time(cfg->codec_compress_ns[i] ? cfg->codec_compress_ns[i]
										: ops->compress_ns));
		json_object_set_new(o, "decompress", json_time(cfg->codec_decompress_ns[i] ? cfg->codec_decompress_ns[i]
										    : ops->decompress_ns));
		json_object_set_new(o, "compress_per_kib",
				    json_time(cfg->codec_compress_ns_per_kib[i] ? cfg->codec_compress_ns_per_kib[i] - 1
									       : ops->compress_ns_per_kib));
		json_object_set_new(o, "decompress_per_kib",
				    json_time(cfg->codec_decompress_ns_per_kib[i] ? cfg->codec_decompress_ns_per_kib[i] - 1
										 : ops->decompress_ns_per_kib));
		json_object_set_new(cn, ops->name, o);
	}
	json_object_set_new(r, "codec_time", cn);
	for (unsigned i = 0; i < cfg->nr_dev; i++) {
		const struct zsim_dev_cfg *d = &cfg->dev[i];
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string(zsim_dev_type_name(d)));
		json_object_set_new(o, "size", json_integer((json_int_t)d->size));
		dump_dev_keys(d, o);
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
		if (f->type == ZSIM_FS_TMPFS) {
			json_object_set_new(o, "size", json_integer((json_int_t)f->size));
			json_object_set_new(o, "file_bytes", json_integer((json_int_t)f->file_bytes));
		} else
			json_object_set_new(o, "device", json_string(cfg->dev[f->device].name));
		json_object_set_new(fss, f->name, o);
	}
	json_object_set_new(r, "filesystems", fss);
	if (cfg->has_zswap) {
		json_t *z = json_object();
		dump_dev_keys(&cfg->zswap, z);
		json_object_set_new(r, "zswap", z);
	}
	char *s = json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(r);
	return s;
}
