/*
 * devices.c - the machine's devices: one tier instance (tiers/) per configured
 * device, made from its type and settings, each created after the devices below
 * it (a zram after its backing_dev, a dmcache after its cache, origin and
 * metadata devices), and freed at the end.  This file knows no
 * tier by name: what a tier needs comes from the config's key tables, and what
 * the rest of the machine asks of it goes through tier ops and controls.
 */
#include "sim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int device_new(struct zsim_sim *s, unsigned d, char *err, size_t errlen)
{
	const struct zsim_dev_cfg *dc = &s->cfg.dev[d];
	struct zsim_tier_params tp = {
		.kp = s->cfg.kp,
		.frames = &s->mm.ram_source,
		.capacity_pages = dc->size / ZSIM_PAGE_SIZE,
		.preset = dc->preset,
		.cfg = dc->tcfg.b,
		.codec_compress_ns = s->cfg.codec_compress_ns,
		.codec_decompress_ns = s->cfg.codec_decompress_ns,
		.codec_compress_ns_per_kib = s->cfg.codec_compress_ns_per_kib,
		.codec_decompress_ns_per_kib = s->cfg.codec_decompress_ns_per_kib,
		.lower = dc->lower >= 0 ? s->dev.devtier[dc->lower] : NULL,
		.time_only = s->cfg.time_only,
	};
	for (unsigned l = 0; l < dc->nr_lowers; l++)
		if (dc->lowers[l] >= 0) {
			tp.lowers[l] = s->dev.devtier[dc->lowers[l]];
			tp.lower_pages[l] = s->cfg.dev[dc->lowers[l]].size / ZSIM_PAGE_SIZE;
		}
	char msg[256];
	int rc = zsim_tier_new(dc->tier->name, &tp, &s->dev.devtier[d], msg, sizeof(msg));
	if (rc < 0)
		snprintf(err, errlen, "$.devices.%s: %s", dc->name, msg);
	return rc;
}

/*
 * Devices naming the same "flash" (a tier key: partitions of one physical
 * chip) share one lifetime, which results.c sums over them; so they must
 * describe the same chip: the same size of flash, P/E cycles and wear model.
 */
static int flash_groups_check(const struct zsim_sim *s, char *err, size_t errlen)
{
	static const char *const same[] = { "flash_pages", "pe_cycles", "ftl" };
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		const struct zsim_dev_cfg *dc = &s->cfg.dev[d];
		const struct zsim_key *k = zsim_keys_find(dc->tier->keys, "flash");
		if (!k || !zsim_key_in_preset(k, dc->preset) || !zsim_key_str(k, dc->tcfg.b)[0])
			continue;
		for (unsigned e = 0; e < d; e++) {
			const struct zsim_dev_cfg *ec = &s->cfg.dev[e];
			const struct zsim_key *ke = zsim_keys_find(ec->tier->keys, "flash");
			if (!ke || !zsim_key_in_preset(ke, ec->preset) ||
			    strcmp(zsim_key_str(ke, ec->tcfg.b), zsim_key_str(k, dc->tcfg.b)) != 0)
				continue;
			for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
				uint64_t a = 0, b = 0;
				zsim_tier_stat(s->dev.devtier[d], same[i], &a);
				zsim_tier_stat(s->dev.devtier[e], same[i], &b);
				if (a != b) {
					snprintf(err, errlen, "$.devices.%s.flash: '%s' is also %s's flash, which has "
						 "another %s (%llu, here %llu): partitions of one flash describe one chip",
						 dc->name, zsim_key_str(k, dc->tcfg.b), ec->name, same[i],
						 (unsigned long long)b, (unsigned long long)a);
					return ZSIM_EINVAL;
				}
			}
			break;
		}
	}
	return 0;
}

int zsim_devices_init(struct zsim_sim *s, char *err, size_t errlen)
{
	/* lower devices first; the config reader refused loops and shared lowers */
	unsigned made = 0;
	while (made < s->cfg.nr_dev) {
		unsigned before = made;
		for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
			const struct zsim_dev_cfg *dc = &s->cfg.dev[d];
			bool ready = !s->dev.devtier[d];
			for (unsigned l = 0; ready && l < dc->nr_lowers; l++)
				ready = dc->lowers[l] < 0 || s->dev.devtier[dc->lowers[l]];
			if (!ready)
				continue;
			int rc = device_new(s, d, err, errlen);
			if (rc < 0)
				return rc;
			made++;
		}
		if (made == before) {
			snprintf(err, errlen, "$.devices: the devices' stack has a loop");
			return ZSIM_EINVAL;
		}
	}
	return flash_groups_check(s, err, errlen);
}

/* A device's periodic background work (zram's writeback to its backing
 * device); ctx: the device index.  A round that goes on in time (zram writes
 * a page at a time, each after its CPU and until its write ends) is stepped
 * at the times it gives, its CPU run on a CPU beside the processes; the
 * next round starts the tier's interval (ZSIM_TCTL_BACKGROUND) after the
 * last one ended. */
static uint64_t device_background(struct zsim_sim *s, void *ctx)
{
	unsigned d = (unsigned)(uintptr_t)ctx;
	struct zsim_tctl_writeback wb = { .now = s->clk.now };
	uint64_t every = 0;
	zsim_tier_control(s->dev.devtier[d], ZSIM_TCTL_WRITEBACK, &wb);
	s->vm.zram_writeback += wb.moved;
	s->dev.wb_moved[d] += wb.moved;
	uint64_t end = zsim_cpu_run_woken(s, s->clk.now, wb.cpu_ns);
	s->dev.wb_cpu_ns[d] += wb.cpu_ns;
	if (wb.next) {
		if (!s->dev.wb_in_round[d]) {   /* a round that writes: its time counts */
			s->dev.wb_in_round[d] = true;
			s->dev.wb_round_start[d] = s->clk.now;
		}
		uint64_t at = wb.next > end ? wb.next : end;
		return at - s->clk.now;
	}
	if (s->dev.wb_in_round[d]) {
		s->dev.wb_in_round[d] = false;
		s->dev.wb_busy_ns[d] += s->clk.now - s->dev.wb_round_start[d];
	}
	zsim_tier_control(s->dev.devtier[d], ZSIM_TCTL_BACKGROUND, &every);
	return every;
}

uint64_t zsim_wb_busy_ns(const struct zsim_sim *s, unsigned d)
{
	return s->dev.wb_busy_ns[d] + (s->dev.wb_in_round[d] ? s->clk.now - s->dev.wb_round_start[d] : 0);
}

void zsim_devices_background_init(struct zsim_sim *s)
{
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		uint64_t every;
		if (zsim_tier_control(s->dev.devtier[d], ZSIM_TCTL_BACKGROUND, &every) == 0) {
			s->dev.wb_job[d] = true;
			zsim_timer_add(s, every, 0, device_background, (void *)(uintptr_t)d);
		}
	}
}

void zsim_devices_free(struct zsim_sim *s)
{
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		zsim_tier_free(s->dev.devtier[d]);
		s->dev.devtier[d] = NULL;
	}
}
