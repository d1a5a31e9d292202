/*
 * results.c - what a run leaves behind: the timeseries sampler, summary.json
 * and the human summary (events.jsonl and the histograms: stats.c).  Counters carry the kernel's names where the kernel
 * has one (vmstat's pswpin, pgmajfault, ...; zram's mm_stat fields).
 * summary.json holds only simulated quantities, so the same trace, config and
 * seed give it byte for byte; the simulator's own speed goes to perf.json.
 */
#include "sim.h"
#include "results.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const ts_header =
	"time_ns,free_pages,anon_pages,file_pages,zspages,swap_used_pages,dirty_pages,"
	"pswpin,pswpout,pgmajfault,pgsteal_kswapd,pgsteal_direct,allocstall,oom_kill,live_processes,"
	"watermark_boost_pages,kswapd_cpu_ns\n";

/* With zswap, four more columns: its pool and vmstat's zswpout, zswpin, zswpwb. */
static const char *const ts_zswap_header = ",zswap_pool_pages,zswpout,zswpin,zswpwb";

static uint64_t zswap_stat(const struct zsim_sim *s, const char *name)
{
	uint64_t v = 0;
	if (s->sw.zswap)
		zsim_tier_stat(s->sw.zswap, name, &v);
	return v;
}

/* The answer's parts (at the end of this file). */
static void ts_header_devices(const struct zsim_sim *s);
static void ts_row_devices(const struct zsim_sim *s);
static void summary_answer(const struct zsim_sim *s, const struct zsim_run_info *ri, json_t *r);
static void print_answer(FILE *out, const struct zsim_sim *s, const struct zsim_run_info *ri);

/*
 * processes.csv: at each sample, every process whose events have not ended
 * (running, waiting or parked; not idle, exited or killed), its faults and
 * CPU so far - the shape `zsim play` writes for the kernel's processes, so a
 * process's progress over time can be set against the kernel's.  At most
 * PC_MAX_ROWS processes a sample (the first by creation).  cpu_ns is what
 * its turns were charged (engine.c), so a turn under way counts whole.
 */
#define PC_MAX_ROWS 1024
static void process_rows(const struct zsim_sim *s)
{
	if (s->out.samples == 1)
		fputs("time_ns,process,name,minor_faults,major_faults,cpu_ns\n", s->out.pc_out);
	unsigned rows = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs && rows < PC_MAX_ROWS; i++) {
		const struct zsim_proc *p = &s->pr.procs[i];
		if (!p->alive || p->idle)
			continue;
		fprintf(s->out.pc_out, "%llu,%u,%s,%llu,%llu,%llu\n", (unsigned long long)s->clk.now, i, p->name,
			(unsigned long long)p->faults_minor, (unsigned long long)p->faults_major,
			(unsigned long long)p->cpu_ns);
		rows++;
	}
}

void zsim_sample(struct zsim_sim *s)
{
	if (!s->out.ts_out)
		return;
	if (s->out.samples >= ZSIM_MAX_SAMPLES) {
		/* bounded output: the rows stop, once said in events.jsonl */
		if (s->out.samples++ == ZSIM_MAX_SAMPLES)
			zsim_sim_event(s, "timeseries_limit", "\"rows\":%llu,\"sample_interval_ns\":%llu",
				       (unsigned long long)ZSIM_MAX_SAMPLES,
				       (unsigned long long)s->cfg.sample_interval_ns);
		return;
	}
	if (s->out.samples == 0 && !s->done) {
		fwrite(ts_header, 1, strlen(ts_header) - 1, s->out.ts_out);
		if (s->sw.zswap)
			fputs(ts_zswap_header, s->out.ts_out);
		ts_header_devices(s);
		fputc('\n', s->out.ts_out);
	}
	s->out.samples++;
	uint64_t swap_used = zsim_swap_total_pages(s) - zsim_swap_free_pages(s);
	fprintf(s->out.ts_out, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%u,%llu,%llu",
		(unsigned long long)s->clk.now, (unsigned long long)s->mm.nr_free,
		(unsigned long long)s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON),
		(unsigned long long)s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE),
		(unsigned long long)s->mm.zspages, (unsigned long long)swap_used,
		(unsigned long long)s->pc.nr_dirty, (unsigned long long)s->vm.pswpin,
		(unsigned long long)s->vm.pswpout, (unsigned long long)s->vm.pgmajfault,
		(unsigned long long)s->vm.pgsteal_kswapd, (unsigned long long)s->vm.pgsteal_direct,
		(unsigned long long)s->vm.allocstall, (unsigned long long)s->vm.oom_kill, s->pr.live_procs,
		(unsigned long long)s->mm.boost, (unsigned long long)s->mm.kswapd_cpu_ns);
	if (s->sw.zswap) {
		uint64_t pool = 0;
		zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool);
		fprintf(s->out.ts_out, ",%llu,%llu,%llu,%llu", (unsigned long long)pool,
			(unsigned long long)zswap_stat(s, "zswpout"), (unsigned long long)zswap_stat(s, "zswpin"),
			(unsigned long long)zswap_stat(s, "zswpwb"));
	}
	ts_row_devices(s);
	fputc('\n', s->out.ts_out);
	if (s->out.pc_out)
		process_rows(s);
}

static uint64_t sample_tick(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	zsim_sample(s);
	/* past the row limit the sampler stops (zsim_sample said so once) */
	return s->out.samples > ZSIM_MAX_SAMPLES ? ZSIM_TIMER_DONE : s->cfg.sample_interval_ns;
}

void zsim_results_init(struct zsim_sim *s)
{
	zsim_timer_add(s, 0, 0, sample_tick, NULL);
	/* which devices are compressed stores (zram's mm_stat names compr_data_size),
	 * asked once: each sample reads only theirs (a block device's full stats
	 * would make its FTL wait for its preconditioning) */
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		uint64_t v;
		if (s->dev.devtier[d] && zsim_tier_stat(s->dev.devtier[d], "compr_data_size", &v) == 0)
			s->out.store_devs |= 1u << d;
	}
}

#define JI(v) json_integer((json_int_t)(v))

/* The physical flash device d belongs to: its "flash" key, else itself. */
static const char *flash_name(const struct zsim_sim *s, unsigned d)
{
	const struct zsim_dev_cfg *dc = &s->cfg.dev[d];
	const struct zsim_key *k = zsim_keys_find(dc->tier->keys, "flash");
	if (k && zsim_key_in_preset(k, dc->preset) && zsim_key_str(k, dc->tcfg.b)[0])
		return zsim_key_str(k, dc->tcfg.b);
	return dc->name;
}

static uint64_t dev_stat(const struct zsim_sim *s, unsigned d, const char *name)
{
	uint64_t v = 0;
	zsim_tier_stat(s->dev.devtier[d], name, &v);
	return v;
}

/* Lifetimes from the share of the rated life a run used: at the run's rate
 * all the time, and at the config's duty. */
static void wear_years(const struct zsim_sim *s, struct zsim_wear *w)
{
	double run_s = (double)s->clk.now / 1e9, year = 365.25;
	w->years = w->nand_pages && s->clk.now ? run_s / w->life_used / (year * 86400.0) : 0;
	w->years_at_duty = 0;
	if (w->nand_pages && s->cfg.duty_runs_per_day > 0)
		w->years_at_duty = 1 / (w->life_used * s->cfg.duty_runs_per_day * year);
	else if (w->nand_pages && s->cfg.duty_secs_per_day > 0 && s->clk.now)
		w->years_at_duty = run_s / (w->life_used * s->cfg.duty_secs_per_day * year);
}

/* Is d the first wearing device of its flash? */
static bool chip_first(const struct zsim_sim *s, unsigned d)
{
	struct zsim_wear w;
	if (!zsim_wear_of(s, d, &w))
		return false;
	for (unsigned k = 0; k < d; k++)
		if (zsim_wear_of(s, k, &w) && strcmp(flash_name(s, k), flash_name(s, d)) == 0)
			return false;
	return true;
}

/* The wear of d's flash: every partition's NAND writes against the chip's
 * rated life (the first partition's geometry; devices.c made them agree). */
static bool chip_wear(const struct zsim_sim *s, unsigned d, struct zsim_wear *w)
{
	struct zsim_wear m;
	if (!zsim_wear_of(s, d, w))
		return false;
	/* each partition's FTL spreads its erases over the whole chip's blocks, so
	 * the chip's erase counts are the sums (for min and max: bounds) */
	w->host_pages = w->nand_pages = w->erases = w->erase_min = w->erase_max = 0;
	w->erase_mean = 0;
	for (unsigned k = d; k < s->cfg.nr_dev; k++)
		if (strcmp(flash_name(s, k), flash_name(s, d)) == 0 && zsim_wear_of(s, k, &m)) {
			w->host_pages += m.host_pages;
			w->nand_pages += m.nand_pages;
			w->erases += m.erases;
			w->erase_min += m.erase_min;
			w->erase_max += m.erase_max;
			w->erase_mean += m.erase_mean;
		}
	uint64_t wp = dev_stat(s, d, "flash_pages");
	zsim_tier_stat(s->dev.devtier[d], "wear_pages", &wp);
	double life = (double)wp * (double)dev_stat(s, d, "pe_cycles");
	w->life_used = w->nand_pages / life;
	if (w->nand_pages)
		w->tbw_bytes = (uint64_t)(life * ZSIM_PAGE_SIZE * (double)w->host_pages / (double)w->nand_pages);
	wear_years(s, w);
	return true;
}

/* Wear as summary.json shows it (d: the device, for its "flash" key). */
static json_t *wear_json(const struct zsim_sim *s, unsigned d, const struct zsim_wear *w)
{
	json_t *we = json_object();
	json_object_set_new(we, "wear_model", json_string(w->ftl ? "ftl" : "constant"));
	json_object_set_new(we, "host_bytes", JI(w->host_pages * ZSIM_PAGE_SIZE));
	json_object_set_new(we, "nand_bytes", JI(w->nand_pages * ZSIM_PAGE_SIZE));
	json_object_set_new(we, "write_amplification",
			    w->host_pages ? json_real((double)w->nand_pages / (double)w->host_pages) : json_null());
	json_object_set_new(we, "life_used", json_real(w->life_used));
	json_object_set_new(we, "years_at_this_rate", w->years > 0 ? json_real(w->years) : json_null());
	if (s->cfg.duty[0]) {
		json_object_set_new(we, "duty", json_string(s->cfg.duty));
		json_object_set_new(we, "years_at_duty", w->years_at_duty > 0 ? json_real(w->years_at_duty) : json_null());
	}
	json_object_set_new(we, "tbw_bytes", JI(w->tbw_bytes));
	if (w->ftl) {   /* erase counts over the blocks of the flash */
		json_t *er = json_object();
		json_object_set_new(er, "total", JI(w->erases));
		json_object_set_new(er, "min", JI(w->erase_min));
		json_object_set_new(er, "max", JI(w->erase_max));
		json_object_set_new(er, "mean", json_real(w->erase_mean));
		json_object_set_new(er, "spread", JI(w->erase_max - w->erase_min));
		json_object_set_new(we, "erases", er);
	}
	if (strcmp(flash_name(s, d), s->cfg.dev[d].name) != 0)
		json_object_set_new(we, "flash", json_string(flash_name(s, d)));
	return we;
}

json_t *zsim_summary(const struct zsim_sim *s, const struct zsim_run_info *ri)
{
	json_t *r = json_object();
	json_object_set_new(r, "zsim_version", json_string(ZSIM_VERSION_STRING));
	json_object_set_new(r, "interrupted", json_boolean(ri->interrupted));
	json_object_set_new(r, "kernel", json_string(s->cfg.kp->name));
	json_object_set_new(r, "seed", JI(s->cfg.seed));
	json_t *tr = json_array();
	for (unsigned g = 0; g < s->pr.nr_groups; g++)
		json_array_append_new(tr, json_string(ri->trace_names[g]));
	json_object_set_new(r, "traces", tr);
	json_object_set_new(r, "sim_time_ns", JI(s->clk.now));

	uint32_t killed = 0, finished = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		killed += s->pr.procs[i].killed;
		finished += s->pr.procs[i].started && !s->pr.procs[i].alive && !s->pr.procs[i].killed;
	}
	json_t *o = json_object();
	json_object_set_new(o, "oom_kills", JI(s->vm.oom_kill));
	json_object_set_new(o, "enospc", JI(s->vm.enospc));
	json_object_set_new(o, "lost_writes", JI(s->vm.lost_writes));
	uint64_t wb_zram = 0, wb_dmc = 0, wb_zram_cpu = 0, wb_zram_busy = 0;
	bool dmc = false, zram_job = false;
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {   /* each device's background writeback */
		bool is_dmc = strcmp(zsim_dev_type_name(&s->cfg.dev[d]), "dmcache") == 0;
		dmc |= is_dmc;
		*(is_dmc ? &wb_dmc : &wb_zram) += s->dev.wb_moved[d];
		if (!is_dmc && s->dev.wb_job[d]) {
			zram_job = true;
			wb_zram_cpu += s->dev.wb_cpu_ns[d];
			wb_zram_busy += zsim_wb_busy_ns(s, d);
		}
	}
	json_object_set_new(o, "zram_writeback_pages", JI(wb_zram));
	if (zram_job) {   /* the CPU its rounds ran, reading each page out of the pool, and
			   * the time they were under way */
		json_object_set_new(o, "zram_writeback_cpu_ns", JI(wb_zram_cpu));
		json_object_set_new(o, "zram_writeback_busy_ns", JI(wb_zram_busy));
	}
	if (dmc)
		json_object_set_new(o, "dmcache_writeback_pages", JI(wb_dmc));
	if (s->cfg.background_cpu > 0)   /* machine.background_cpu: what the other tasks took */
		json_object_set_new(o, "background_cpu_ns", JI(s->clk.background_cpu_ns));
	json_object_set_new(o, "swap_write_failures", JI(s->vm.swap_write_fail));
	json_object_set_new(o, "processes", JI(s->pr.nr_procs));
	json_object_set_new(o, "processes_finished", JI(finished));
	json_object_set_new(o, "processes_killed", JI(killed));
	json_object_set_new(o, "processes_left", JI(s->pr.live_procs));
	json_object_set_new(o, "processes_idle_at_end", JI(s->pr.idle_procs));
	json_object_set_new(r, "outcome", o);

	json_t *v = json_object();
	struct { const char *k; uint64_t v; } vm[] = {
		{ "pgfault", s->vm.pgfault }, { "pgmajfault", s->vm.pgmajfault }, { "pswpin", s->vm.pswpin },
		{ "pswpout", s->vm.pswpout }, { "pgpgin", s->vm.pgpgin }, { "pgpgout", s->vm.pgpgout },
		{ "pgscan_kswapd", s->vm.pgscan_kswapd }, { "pgscan_direct", s->vm.pgscan_direct },
		{ "pgsteal_kswapd", s->vm.pgsteal_kswapd }, { "pgsteal_direct", s->vm.pgsteal_direct },
		{ "allocstall", s->vm.allocstall }, { "oom_kill", s->vm.oom_kill },
		{ "page_accesses", s->vm.nr_accesses }, { "trace_events", s->vm.nr_events },
	};
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(vm); i++)
		json_object_set_new(v, vm[i].k, JI(vm[i].v));
	if (s->mm.policy->counts) {   /* the lists' movements (lru2) */
		uint64_t c[3];
		s->mm.policy->counts(s->mm.policy_priv, c);
		json_object_set_new(v, "pgactivate", JI(c[0]));
		json_object_set_new(v, "pgdeactivate", JI(c[1]));
		json_object_set_new(v, "pgrefill", JI(c[2]));
	}
	if (s->cfg.kp->workingset_file) {   /* refault detection (workingset.c; 5.9+'s names) */
		json_object_set_new(v, "workingset_refault_anon", JI(s->vm.ws_refault[0]));
		json_object_set_new(v, "workingset_refault_file", JI(s->vm.ws_refault[1]));
		json_object_set_new(v, "workingset_activate_anon", JI(s->vm.ws_activate[0]));
		json_object_set_new(v, "workingset_activate_file", JI(s->vm.ws_activate[1]));
	}
	if (s->cfg.kp->swap_zeromap) {   /* the kernel's counters of the zeromap (6.12+) */
		json_object_set_new(v, "swpout_zero", JI(s->sw.zero_swapouts));
		json_object_set_new(v, "swpin_zero", JI(s->sw.zero_swapins));
	}
	json_object_set_new(r, "vmstat", v);

	json_t *m = json_object();
	json_object_set_new(m, "ram_pages", JI(s->mm.nr_frames));
	json_object_set_new(m, "kernel_reserve_pages", JI(s->mm.reserve_pages));
	if (s->cfg.kernel_used)   /* of those, the ones inside MemTotal (only when set) */
		json_object_set_new(m, "kernel_used_pages", JI(s->mm.reserve_pages -
							       (s->mm.nr_frames - s->mm.memtotal_pages)));
	json_object_set_new(m, "min_free_kbytes", JI(s->mm.min_free_kbytes));
	json_object_set_new(m, "watermark_min", JI(s->mm.wmark_min));
	json_object_set_new(m, "watermark_low", JI(s->mm.wmark_low));
	json_object_set_new(m, "watermark_high", JI(s->mm.wmark_high));
	json_object_set_new(m, "lowmem_protect_pages", JI(s->mm.lowmem_protect));
	json_object_set_new(m, "watermark_boost_pages", JI(s->mm.boost));
	json_object_set_new(m, "watermark_boost_max", JI(s->mm.boost_max));
	json_object_set_new(m, "fallbacks", JI(s->mm.fallbacks));
	json_object_set_new(m, "kswapd_cpu_ns", JI(s->mm.kswapd_cpu_ns));
	json_object_set_new(m, "kswapd_run_delay_ns", JI(s->mm.kswapd_delay_ns));
	json_object_set_new(m, "kswapd_turns", JI(s->mm.kswapd_turns));
	json_object_set_new(m, "free_pages", JI(s->mm.nr_free));
	json_object_set_new(m, "free_pages_lowest", JI(s->mm.min_free_seen));
	json_object_set_new(m, "zspages", JI(s->mm.zspages));
	json_object_set_new(m, "slab_pages", JI(s->mm.slab_pages));
	json_object_set_new(m, "slab_pages_max", JI(s->mm.slab_pages_max));
	json_object_set_new(m, "page_table_pages", JI(s->mm.pgtable_pages));
	json_object_set_new(m, "page_table_pages_max", JI(s->mm.pgtable_pages_max));
	json_object_set_new(m, "anon_lru_pages", JI(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON)));
	json_object_set_new(m, "file_lru_pages", JI(s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE)));
	json_object_set_new(r, "memory", m);

	json_t *sw = json_array();
	uint64_t ins = s->sw.zswap_hits + s->sw.zero_swapins;
	for (unsigned d = 0; d < s->sw.nr_swap; d++)
		ins += s->sw.swap[d].swapins;
	for (unsigned d = 0; d < s->sw.nr_swap; d++) {
		const struct zsim_swapdev *sd = &s->sw.swap[d];
		json_t *e = json_object();
		json_object_set_new(e, "device", json_string(s->cfg.dev[sd->cfg_index].name));
		json_object_set_new(e, "priority", json_integer(sd->priority));
		json_object_set_new(e, "total_pages", JI(sd->nr_slots));
		json_object_set_new(e, "used_pages", JI(sd->used));
		json_object_set_new(e, "free_pages", JI(sd->nr_slots - sd->used));
		json_object_set_new(e, "swapouts", JI(sd->swapouts));
		json_object_set_new(e, "swapins", JI(sd->swapins));
		json_object_set_new(e, "swapin_share", json_real(ins ? (double)sd->swapins / (double)ins : 0.0));
		json_object_set_new(e, "failed_writes", JI(sd->failed_writes));
		json_object_set_new(e, "readahead_pages", JI(sd->readahead_pages));
		json_object_set_new(e, "readahead_hits", JI(sd->readahead_hits));
		json_array_append_new(sw, e);
	}
	json_object_set_new(r, "swap", sw);
	if (s->sw.zswap) {   /* debugfs and vmstat under the kernel's names */
		struct zsim_stat st[ZSIM_TIER_MAX_STATS];
		size_t n = s->sw.zswap->ops->stats(s->sw.zswap->priv, st, ZSIM_TIER_MAX_STATS);
		uint64_t pool = 0;
		zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool);
		json_t *z = json_object();
		for (size_t k = 0; k < n; k++)
			json_object_set_new(z, st[k].name, JI(st[k].value));
		json_object_set_new(z, "pool_pages", JI(pool));
		json_object_set_new(z, "swapin_faults", JI(s->sw.zswap_hits));
		json_object_set_new(z, "swapin_share", json_real(ins ? (double)s->sw.zswap_hits / (double)ins : 0.0));
		json_object_set_new(r, "zswap", z);
	}

	json_t *devs = json_object();
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		struct zsim_wear w;
		struct zsim_stat st[ZSIM_TIER_MAX_STATS];
		const struct zsim_tier *t = s->dev.devtier[d];
		size_t n = t->ops->stats(t->priv, st, ZSIM_TIER_MAX_STATS);
		json_t *e = json_object();
		json_object_set_new(e, "type", json_string(zsim_dev_type_name(&s->cfg.dev[d])));
		for (size_t k = 0; k < n; k++)
			json_object_set_new(e, st[k].name, JI(st[k].value));
		if (zsim_wear_of(s, d, &w))
			json_object_set_new(e, "wear", wear_json(s, d, &w));
		json_object_set_new(devs, s->cfg.dev[d].name, e);
	}
	json_object_set_new(r, "devices", devs);
	json_t *chips = json_object();
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		struct zsim_wear w;
		if (!chip_first(s, d) || !chip_wear(s, d, &w))
			continue;
		json_t *e = wear_json(s, d, &w), *mem = json_array();
		for (unsigned k = d; k < s->cfg.nr_dev; k++)
			if (strcmp(flash_name(s, k), flash_name(s, d)) == 0)
				json_array_append_new(mem, json_string(s->cfg.dev[k].name));
		json_object_set_new(e, "devices", mem);
		json_object_set_new(chips, flash_name(s, d), e);
	}
	json_object_set_new(r, "flash", chips);

	json_t *fss = json_object();
	for (unsigned i = 0; i < s->cfg.nr_fs; i++) {
		const struct zsim_fsstate *fs = &s->pc.fs[i];
		json_t *e = json_object();
		bool tmp = s->cfg.fs[i].type == ZSIM_FS_TMPFS;
		json_object_set_new(e, "type", json_string(tmp ? "tmpfs" : "block"));
		if (tmp) {
			json_object_set_new(e, "used_pages", JI(fs->used_pages));
			json_object_set_new(e, "limit_pages", JI(fs->limit_pages));
		} else {
			json_object_set_new(e, "device", json_string(s->cfg.dev[s->cfg.fs[i].device].name));
			json_object_set_new(e, "blocks_used", JI(fs->next_block - fs->nr_free_blocks));
			json_object_set_new(e, "pages_written", JI(fs->pages_written));
			json_object_set_new(e, "pages_read", JI(fs->pages_read));
			json_object_set_new(e, "lost_writes", JI(fs->lost_writes));
		}
		json_object_set_new(e, "enospc", JI(fs->enospc));
		json_object_set_new(fss, s->cfg.fs[i].name, e);
	}
	json_object_set_new(r, "filesystems", fss);

	json_t *h = json_object();
	const struct zsim_histogram *fl = &s->out.fault_lat;
	json_object_set_new(h, "count", JI(fl->count));
	json_object_set_new(h, "mean", JI(fl->count ? fl->sum / fl->count : 0));
	json_object_set_new(h, "p50", JI(zsim_hist_quantile(fl, 0.50)));
	json_object_set_new(h, "p90", JI(zsim_hist_quantile(fl, 0.90)));
	json_object_set_new(h, "p99", JI(zsim_hist_quantile(fl, 0.99)));
	json_object_set_new(h, "p99.9", JI(zsim_hist_quantile(fl, 0.999)));
	json_object_set_new(r, "major_fault_latency_ns", h);
	summary_answer(s, ri, r);

	json_t *ps = json_array(), *agg = NULL, *agg_list = NULL;
	uint32_t listed = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		const struct zsim_proc *p = &s->pr.procs[i];
		if (!p->started)
			continue;
		if (!ri->all_processes && listed >= ZSIM_SUMMARY_PROCS) {
			/* beyond the first ZSIM_SUMMARY_PROCS: one entry per name, summed
			 * (so 3 M short-lived processes do not make a 760 MB summary) */
			char key[sizeof(p->name)];
			snprintf(key, sizeof(key), "%s", p->name);
			for (char *c = key; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					*c = '?';
			if (!agg) {
				agg = json_object();
				agg_list = json_array();
			}
			json_t *e = json_object_get(agg, key);
			if (!e) {
				e = json_object();
				json_object_set_new(e, "name", json_string(key));
				json_object_set_new(e, "count", JI(0));
				json_object_set_new(e, "cpu_ns", JI(0));
				json_object_set_new(e, "reclaim_stall_ns", JI(0));
				json_object_set_new(e, "fault_wait_ns", JI(0));
				json_object_set_new(e, "sleep_ns", JI(0));
				json_object_set_new(e, "major_faults", JI(0));
				json_object_set_new(e, "minor_faults", JI(0));
				json_object_set_new(e, "killed", JI(0));
				json_object_set(agg, key, e);
				json_array_append_new(agg_list, e);
			}
			const char *const f[] = { "count", "cpu_ns", "reclaim_stall_ns", "fault_wait_ns", "sleep_ns",
						  "major_faults", "minor_faults", "killed" };
			const uint64_t add[] = { 1, p->cpu_ns, p->stall_ns, p->fault_wait_ns, p->sleep_ns,
					       p->faults_major, p->faults_minor, p->killed };
			for (size_t k = 0; k < sizeof(add) / sizeof(add[0]); k++)
				json_integer_set(json_object_get(e, f[k]),
						 json_integer_value(json_object_get(e, f[k])) + (json_int_t)add[k]);
			continue;
		}
		listed++;
		json_t *e = json_object();
		json_object_set_new(e, "trace", JI(p->group));
		json_object_set_new(e, "pid", JI(p->pid));
		json_object_set_new(e, "name", json_string(p->name));
		json_object_set_new(e, "start_ns", JI(p->start_ns));
		json_object_set_new(e, "end_ns", JI(p->alive ? s->clk.now : p->end_ns));
		json_object_set_new(e, "cpu_ns", JI(p->cpu_ns));
		json_object_set_new(e, "reclaim_stall_ns", JI(p->stall_ns));
		json_object_set_new(e, "fault_wait_ns", JI(p->fault_wait_ns));
		json_object_set_new(e, "sleep_ns", JI(p->sleep_ns));
		json_object_set_new(e, "major_faults", JI(p->faults_major));
		json_object_set_new(e, "minor_faults", JI(p->faults_minor));
		json_object_set_new(e, "killed", json_boolean(p->killed));
		json_array_append_new(ps, e);
	}
	json_object_set_new(r, "processes", ps);
	if (agg) {
		/* in order of first appearance, each {name, count, sums} */
		json_object_set_new(r, "processes_by_name", agg_list);
		json_decref(agg);
	}
	return r;
}

/*
 * Flash wear of device d (tiers/blockdev.c): the share of its rated life the
 * run used, the rated host writes (TBW = flash x P/E cycles / WAF), and how
 * many years the device would last if the run's write rate went on (0: no
 * writes).  False for devices that do not wear.
 */
bool zsim_wear_of(const struct zsim_sim *s, unsigned d, struct zsim_wear *w)
{
	uint64_t pe = 0, flash = 0, nand = 0, waf = 1000, host = 0, ftl = 0;
	const struct zsim_tier *t = s->dev.devtier[d];
	if (!t || zsim_tier_stat(t, "pe_cycles", &pe) < 0 || !pe)
		return false;
	zsim_tier_stat(t, "flash_pages", &flash);
	zsim_tier_stat(t, "wear_pages", &flash);   /* the FTL's: the blocks wear is spread over */
	zsim_tier_stat(t, "nand_pages_written", &nand);
	zsim_tier_stat(t, "waf_milli", &waf);
	zsim_tier_stat(t, "pages_written", &host);
	zsim_tier_stat(t, "ftl", &ftl);
	double life = (double)flash * (double)pe;   /* NAND pages the flash can take */
	*w = (struct zsim_wear){ .life_used = nand / life, .host_pages = host, .nand_pages = nand, .ftl = ftl != 0 };
	if (ftl) {
		uint64_t mean = 0;
		zsim_tier_stat(t, "erases", &w->erases);
		zsim_tier_stat(t, "erase_min", &w->erase_min);
		zsim_tier_stat(t, "erase_max", &w->erase_max);
		zsim_tier_stat(t, "erase_mean_milli", &mean);
		w->erase_mean = (double)mean / 1000.0;
	}
	w->tbw_bytes = (uint64_t)(life * ZSIM_PAGE_SIZE * 1000.0 / (double)(waf ? waf : 1000));
	wear_years(s, w);
	return true;
}

static void human_size(char *buf, size_t len, uint64_t pages)
{
	double mib = (double)pages * ZSIM_PAGE_SIZE / 1048576.0;
	snprintf(buf, len, "%.1f MiB", mib);
}

void zsim_print_summary(FILE *out, const struct zsim_sim *s, const struct zsim_run_info *ri)
{
	char a[32], b[32];
	fprintf(out, "zsim: %s%.3f s simulated, kernel %s, %u processes\n",
		ri->interrupted ? "INTERRUPTED after " : "", (double)s->clk.now / 1e9, s->cfg.kp->name, s->pr.nr_procs);
	uint32_t killed = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs; i++)
		killed += s->pr.procs[i].killed;
	if (s->vm.oom_kill) {
		fprintf(out, "  OOM: %llu kill(s), %u process(es) killed (see events.jsonl)\n",
			(unsigned long long)s->vm.oom_kill, killed);
		for (uint64_t i = 0; i < s->vm.oom_kill && i < ZSIM_MAX_KILLS_KEPT; i++) {
			const struct zsim_kill *k = &s->out.kills[i];
			human_size(a, sizeof(a), k->rss + k->swapents);
			human_size(b, sizeof(b), k->swap_free);
			char c[32];
			human_size(c, sizeof(c), k->swap_total);
			fprintf(out, "    at %.3f s: killed %s (trace %u pid %u, %s in RAM and swap) while %s "
				"allocated; swap free then: %s of %s\n", (double)k->time / 1e9, k->name, k->group,
				k->pid, a, k->trigger, b, c);
			if (k->zram_pages) {
				char d[32], e[32];
				human_size(d, sizeof(d), k->zram_pages);
				human_size(e, sizeof(e), k->lru_pages);
				fprintf(out, "      RAM then: %s held by %s, %s on the LRU lists (see the event)\n", d,
					s->sw.zswap ? "compressed pools (zram, zswap)" : "zram", e);
			}
		}
	} else
		fprintf(out, "  OOM: none\n");
	if (s->vm.enospc)
		fprintf(out, "  ENOSPC: %llu write(s) refused (a filesystem was full; see events.jsonl)\n",
			(unsigned long long)s->vm.enospc);
	print_answer(out, s, ri);
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		uint64_t wr = 0, rd = 0, held = 0;
		const struct zsim_tier *t = s->dev.devtier[d];
		if (!t || s->cfg.dev[d].lower < 0 || zsim_tier_stat(t, "bd_writes", &wr) < 0)
			continue;
		zsim_tier_stat(t, "bd_reads", &rd);
		zsim_tier_stat(t, "bd_count", &held);
		human_size(a, sizeof(a), wr);
		human_size(b, sizeof(b), held);
		fprintf(out, "  writeback %s -> %s: %s written back (its rounds under way %.1f s of the run), "
			"%llu page(s) read back, %s there at the end\n",
			s->cfg.dev[d].name, s->cfg.dev[s->cfg.dev[d].lower].name, a,
			(double)zsim_wb_busy_ns(s, d) / 1e9, (unsigned long long)rd, b);
	}
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		struct zsim_wear w;
		if (!chip_first(s, d) || !chip_wear(s, d, &w) || !w.host_pages)
			continue;
		human_size(a, sizeof(a), w.host_pages);
		human_size(b, sizeof(b), w.nand_pages);
		char who[96] = "", y[32];
		for (unsigned k = d; k < s->cfg.nr_dev; k++)   /* a flash of several partitions: name them */
			if (strcmp(flash_name(s, d), s->cfg.dev[d].name) != 0 &&
			    strcmp(flash_name(s, k), flash_name(s, d)) == 0 && strlen(who) + 34 < sizeof(who))
				snprintf(who + strlen(who), sizeof(who) - strlen(who), "%s%s", who[0] ? "+" : " (",
					 s->cfg.dev[k].name);
		if (who[0])
			strcat(who, ")");
		fprintf(out, "  wear %-8s%s %s written, %s to NAND (WAF %.2f, %s): %.4f%% of its rated life "
			"(TBW %.2f TB)", flash_name(s, d), who, a, b, (double)w.nand_pages / (double)w.host_pages,
			w.ftl ? "ftl" : "constant", 100.0 * w.life_used, (double)w.tbw_bytes / 1e12);
		if (w.years >= 1)
			snprintf(y, sizeof(y), "%.1f years", w.years);
		else
			snprintf(y, sizeof(y), "%.1f days", w.years * 365.25);
		fprintf(out, "; writing at this rate all the time, it would last %s", y);
		if (w.years_at_duty > 0)
			fprintf(out, "; at %s, %.1f years", s->cfg.duty, w.years_at_duty);
		fputc('\n', out);
	}
	if (s->vm.lost_writes)
		fprintf(out, "  DATA LOST: %llu page write-back(s) refused by the device and dropped "
			"(lost async page write; see events.jsonl)\n", (unsigned long long)s->vm.lost_writes);
	fprintf(out, "  faults: %llu major, %llu total; pages swapped in %llu (with readahead), out %llu\n",
		(unsigned long long)s->vm.pgmajfault, (unsigned long long)s->vm.pgfault,
		(unsigned long long)s->vm.pswpin, (unsigned long long)s->vm.pswpout);
	uint64_t ins = s->sw.zswap_hits + s->sw.zero_swapins;
	for (unsigned d = 0; d < s->sw.nr_swap; d++)
		ins += s->sw.swap[d].swapins;
	if (s->sw.zero_swapouts)
		fprintf(out, "  zeromap       %llu zero-filled page(s) swapped out and %llu in without I/O, "
			"%.1f%% of swap-in faults\n", (unsigned long long)s->sw.zero_swapouts,
			(unsigned long long)s->sw.zero_swapins,
			ins ? 100.0 * (double)s->sw.zero_swapins / (double)ins : 0.0);
	if (s->sw.zswap) {
		uint64_t pool = 0, stored = zswap_stat(s, "stored_pages"), limit = zswap_stat(s, "pool_limit_pages");
		zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool);
		uint64_t refused = zswap_stat(s, "reject_reclaim_fail") + zswap_stat(s, "reject_alloc_fail") +
				   zswap_stat(s, "reject_compress_fail") + zswap_stat(s, "reject_compress_poor");
		/* a compressor output past the page is refused too where the kernel
		 * counts it nowhere (6.1..6.2: tiers/zswap.c) */
		if (s->cfg.kp->zswap_compress_err == ZSIM_ZSWAP_CERR_NONE)
			refused += zswap_stat(s, "compress_overflow");
		char c[32];
		human_size(a, sizeof(a), pool);
		human_size(b, sizeof(b), limit);
		human_size(c, sizeof(c), stored);
		fprintf(out, "  zswap         %s pool (limit %s) holding %s, served %.1f%% of swap-in faults; "
			"%llu page(s) written back, %llu store(s) refused, pool limit hit %llu time(s)\n",
			a, b, c, ins ? 100.0 * (double)s->sw.zswap_hits / (double)ins : 0.0,
			(unsigned long long)zswap_stat(s, "written_back_pages"), (unsigned long long)refused,
			(unsigned long long)zswap_stat(s, "pool_limit_hit"));
	}
	for (unsigned d = 0; d < s->sw.nr_swap; d++) {
		const struct zsim_swapdev *sd = &s->sw.swap[d];
		human_size(a, sizeof(a), sd->used);
		human_size(b, sizeof(b), sd->nr_slots);
		fprintf(out, "  swap %-8s %s of %s used, served %.1f%% of swap-in faults, %llu failed writes\n",
			s->cfg.dev[sd->cfg_index].name, a, b, ins ? 100.0 * (double)sd->swapins / (double)ins : 0.0,
			(unsigned long long)sd->failed_writes);
	}
	human_size(a, sizeof(a), s->mm.min_free_seen);
	human_size(b, sizeof(b), s->mm.wmark_min);
	char c[96] = "";
	if (s->mm.lowmem_protect) {
		char p[32];
		human_size(p, sizeof(p), s->mm.lowmem_protect);
		snprintf(c, sizeof(c), ", and %s the lower zones keep from user pages", p);
	}
	fprintf(out, "  lowest free memory: %s (min watermark %s%s)\n", a, b, c);
	if (s->mm.boost_max) {
		human_size(a, sizeof(a), s->mm.boost_max);
		fprintf(out, "  watermarks boosted by up to %s after %llu fragmentation fallback(s) (kswapd reclaims to the raised high watermark)\n",
			a, (unsigned long long)s->mm.fallbacks);
	}
	if (ri->out_dir)
		fprintf(out, "  results: %s/\n", ri->out_dir);
}

/* ---- the answer: runtimes and slowdowns, stores, latency by source, PSI ------------ */

/* A trace group's processes of one name: instances, their span, their time. */
struct name_agg {
	uint32_t group;
	char name[32];
	uint32_t count;
	uint64_t start, end, cpu, stall, wait;
};

/* Aggregate the started processes by (group, name); index [g] of *groups is
 * group g's totals (name empty).  Returns the number of names. */
static unsigned aggregate(const struct zsim_sim *s, struct name_agg **names, struct name_agg *groups,
			  unsigned max_groups)
{
	struct name_agg *v = NULL;
	unsigned n = 0, cap = 0;
	for (unsigned g = 0; g < max_groups; g++)
		memset(&groups[g], 0, sizeof(groups[g]));
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		const struct zsim_proc *p = &s->pr.procs[i];
		if (!p->started)
			continue;
		/* a process whose events ended without an exit (a daemon) ran until then */
		uint64_t end = p->alive && !p->idle ? s->clk.now : p->end_ns;
		unsigned k;
		for (k = 0; k < n && (v[k].group != p->group || strcmp(v[k].name, p->name)); k++)
			;
		if (k == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = zsim_xrealloc(v, cap * sizeof(*v));
			}
			memset(&v[n], 0, sizeof(v[n]));
			v[n].group = p->group;
			snprintf(v[n].name, sizeof(v[n].name), "%s", p->name);
			n++;
		}
		struct name_agg *a[2] = { &v[k], p->group < max_groups ? &groups[p->group] : NULL };
		for (int j = 0; j < 2; j++) {
			if (!a[j])
				continue;
			if (!a[j]->count || p->start_ns < a[j]->start)
				a[j]->start = p->start_ns;
			if (end > a[j]->end)
				a[j]->end = end;
			a[j]->count++;
			a[j]->cpu += p->cpu_ns;
			a[j]->stall += p->stall_ns;
			a[j]->wait += p->fault_wait_ns;
		}
	}
	*names = v;
	return n;
}

void zsim_baseline_take(const struct zsim_sim *s, struct zsim_baseline *b)
{
	struct name_agg *v, groups[16];
	unsigned n = aggregate(s, &v, groups, 16);
	b->ram_bytes = s->cfg.ram;
	b->pages_scanned = s->vm.pgscan_kswapd + s->vm.pgscan_direct;
	b->oom_kills = s->vm.oom_kill;
	b->nr_groups = s->pr.nr_groups < 16 ? s->pr.nr_groups : 16;
	for (unsigned g = 0; g < b->nr_groups; g++)
		b->group_runtime_ns[g] = groups[g].end - groups[g].start;
	b->procs = zsim_xcalloc(n ? n : 1, sizeof(*b->procs));
	b->nr_procs = n;
	for (unsigned k = 0; k < n; k++) {
		b->procs[k].group = v[k].group;
		memcpy(b->procs[k].name, v[k].name, sizeof(b->procs[k].name));
		b->procs[k].runtime_ns = v[k].end - v[k].start;
	}
	free(v);
}

void zsim_baseline_free(struct zsim_baseline *b)
{
	free(b->procs);
	b->procs = NULL;
	b->nr_procs = 0;
}

static uint64_t baseline_of(const struct zsim_baseline *b, uint32_t group, const char *name)
{
	if (!b)
		return 0;
	if (!name)
		return group < b->nr_groups ? b->group_runtime_ns[group] : 0;
	for (unsigned k = 0; k < b->nr_procs; k++)
		if (b->procs[k].group == group && !strcmp(b->procs[k].name, name))
			return b->procs[k].runtime_ns;
	return 0;
}

void zsim_results_finish(struct zsim_sim *s)
{
	if (s->out.psi_done)
		return;
	zsim_psi_compute(&s->out.psi, s->clk.now, &s->out.psi_res);
	s->out.psi_done = true;
}

bool zsim_results_bad_outcome(const struct zsim_sim *s)
{
	return s->vm.oom_kill > 0 || s->vm.lost_writes > 0;
}

/* A compressed store: a zram device or zswap. */
struct store {
	const char *name;
	uint64_t orig_bytes, compr_bytes, ram_pages, ram_pages_max;
	bool has_compr;
};

static unsigned stores_of(const struct zsim_sim *s, struct store *st, unsigned max)
{
	unsigned n = 0;
	for (unsigned d = 0; d < s->cfg.nr_dev && n < max; d++) {
		const struct zsim_tier *t = s->dev.devtier[d];
		uint64_t orig = 0, compr = 0, used = 0, peak = 0;
		if (!(s->out.store_devs >> d & 1))
			continue;   /* not a compressed store (zsim_results_init) */
		zsim_tier_stat(t, "compr_data_size", &compr);
		zsim_tier_stat(t, "orig_data_size", &orig);
		uint64_t wb = 0;   /* pages written back to a backing device are not in RAM */
		if (zsim_tier_stat(t, "bd_count", &wb) == 0 && wb * ZSIM_PAGE_SIZE <= orig)
			orig -= wb * ZSIM_PAGE_SIZE;
		zsim_tier_stat(t, "mem_used_total", &used);
		zsim_tier_stat(t, "mem_used_max", &peak);
		st[n++] = (struct store){ s->cfg.dev[d].name, orig, compr, used / ZSIM_PAGE_SIZE,
					  peak / ZSIM_PAGE_SIZE, true };
	}
	if (s->sw.zswap && n < max) {
		uint64_t pool = 0;
		zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool);
		st[n++] = (struct store){ "zswap", zswap_stat(s, "stored_pages") * ZSIM_PAGE_SIZE, 0, pool,
					  zswap_stat(s, "pool_pages_max"), false };
	}
	return n;
}

/* The fault-latency sources in print order; NULL name ends. */
struct lat_source {
	const char *name;
	const struct zsim_histogram *h;
};

static unsigned lat_sources(const struct zsim_sim *s, struct lat_source *ls)
{
	unsigned n = 0;
	if (s->sw.zswap)
		ls[n++] = (struct lat_source){ "zswap", &s->out.lat_zswap };
	for (unsigned d = 0; d < s->sw.nr_swap; d++)
		ls[n++] = (struct lat_source){ s->cfg.dev[s->sw.swap[d].cfg_index].name, &s->out.lat_swap[d] };
	if (s->cfg.kp->swap_zeromap)
		ls[n++] = (struct lat_source){ "zeromap", &s->out.lat_zero };
	ls[n++] = (struct lat_source){ "file", &s->out.lat_file };
	return n;
}

static json_t *hist_json(const struct zsim_histogram *h)
{
	json_t *o = json_object();
	json_object_set_new(o, "count", JI(h->count));
	json_object_set_new(o, "mean", JI(h->count ? h->sum / h->count : 0));
	json_object_set_new(o, "p50", JI(zsim_hist_quantile(h, 0.50)));
	json_object_set_new(o, "p90", JI(zsim_hist_quantile(h, 0.90)));
	json_object_set_new(o, "p99", JI(zsim_hist_quantile(h, 0.99)));
	json_object_set_new(o, "p99.9", JI(zsim_hist_quantile(h, 0.999)));
	json_object_set_new(o, "max", JI(h->count ? h->max : 0));
	return o;
}

static json_t *time_json(const struct name_agg *a, uint64_t base)
{
	json_t *o = json_object();
	json_object_set_new(o, "runtime_ns", JI(a->end - a->start));
	json_object_set_new(o, "cpu_ns", JI(a->cpu));
	json_object_set_new(o, "reclaim_stall_ns", JI(a->stall));
	json_object_set_new(o, "fault_wait_ns", JI(a->wait));
	if (base) {
		json_object_set_new(o, "baseline_runtime_ns", JI(base));
		json_object_set_new(o, "slowdown", json_real((double)(a->end - a->start) / (double)base));
	}
	return o;
}

static json_t *psi_json(const struct zsim_psi_result *r, bool full)
{
	json_t *o = json_object();
	const double *avg = full ? r->full_avg : r->some_avg;
	json_object_set_new(o, "avg10", json_real(avg[0]));
	json_object_set_new(o, "avg60", json_real(avg[1]));
	json_object_set_new(o, "avg300", json_real(avg[2]));
	json_object_set_new(o, "total", JI((full ? r->full_total_ns : r->some_total_ns) / 1000));
	json_object_set_new(o, "avg10_max", json_real(full ? r->full_avg10_max : r->some_avg10_max));
	return o;
}

/* summary.json: "runtime", "baseline", "stores", "fault_latency_ns", "pressure". */
static void summary_answer(const struct zsim_sim *s, const struct zsim_run_info *ri, json_t *r)
{
	struct name_agg *v, groups[16];
	unsigned n = aggregate(s, &v, groups, 16);
	json_t *rt = json_array();
	for (unsigned g = 0; g < s->pr.nr_groups && g < 16; g++) {
		json_t *e = time_json(&groups[g], baseline_of(ri->baseline, g, NULL));
		json_object_set_new(e, "trace", json_string(ri->trace_names[g]));
		json_t *ps = json_array();
		for (unsigned k = 0; k < n; k++) {
			if (v[k].group != g)
				continue;
			json_t *pe = json_object();
			json_object_set_new(pe, "name", json_string(v[k].name));
			json_object_set_new(pe, "count", JI(v[k].count));
			json_t *tj = time_json(&v[k], baseline_of(ri->baseline, g, v[k].name));
			json_object_update(pe, tj);
			json_decref(tj);
			json_array_append_new(ps, pe);
		}
		json_object_set_new(e, "processes", ps);
		json_array_append_new(rt, e);
	}
	free(v);
	json_object_set_new(r, "runtime", rt);
	if (ri->baseline) {
		json_t *b = json_object();
		json_object_set_new(b, "ram_bytes", JI(ri->baseline->ram_bytes));
		json_object_set_new(b, "swap", json_boolean(false));
		json_object_set_new(b, "pages_scanned", JI(ri->baseline->pages_scanned));
		json_object_set_new(b, "oom_kills", JI(ri->baseline->oom_kills));
		json_object_set_new(r, "baseline", b);
	}

	struct store st[ZSIM_CFG_MAX_DEVICES + 1];
	unsigned ns = stores_of(s, st, ZSIM_ARRAY_SIZE(st));
	json_t *so = json_object();
	for (unsigned k = 0; k < ns; k++) {
		json_t *e = json_object();
		json_object_set_new(e, "orig_bytes", JI(st[k].orig_bytes));
		if (st[k].has_compr) {
			json_object_set_new(e, "compr_bytes", JI(st[k].compr_bytes));
			json_object_set_new(e, "ratio", json_real(st[k].compr_bytes ? (double)st[k].orig_bytes /
									      (double)st[k].compr_bytes : 0.0));
		}
		json_object_set_new(e, "ram_bytes", JI(st[k].ram_pages * ZSIM_PAGE_SIZE));
		json_object_set_new(e, "ram_bytes_max", JI(st[k].ram_pages_max * ZSIM_PAGE_SIZE));
		json_object_set_new(e, "ratio_of_ram", json_real(st[k].ram_pages ? (double)st[k].orig_bytes /
								 (double)(st[k].ram_pages * ZSIM_PAGE_SIZE) : 0.0));
		json_object_set_new(so, st[k].name, e);
	}
	json_object_set_new(r, "stores", so);

	struct lat_source ls[ZSIM_CFG_MAX_SWAP + 3];
	unsigned nl = lat_sources(s, ls);
	json_t *lo = json_object();
	for (unsigned k = 0; k < nl; k++)
		json_object_set_new(lo, ls[k].name, hist_json(ls[k].h));
	json_object_set_new(r, "fault_latency_ns", lo);

	if (s->out.psi_done) {
		json_t *m = json_object(), *p = json_object();
		json_object_set_new(m, "some", psi_json(&s->out.psi_res, false));
		json_object_set_new(m, "full", psi_json(&s->out.psi_res, true));
		json_object_set_new(p, "memory", m);
		json_object_set_new(r, "pressure", p);
	}
}

static void print_secs(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%.1f s", (double)ns / 1e9);
}

static void print_lat(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else if (ns < 10000000)
		snprintf(buf, len, "%.0f us", (double)ns / 1e3);
	else
		snprintf(buf, len, "%.0f ms", (double)ns / 1e6);
}

/* The printed answer: how long each trace took and how much slower it was,
 * what each store cost in RAM, where faults waited, and the pressure. */
static void print_answer(FILE *out, const struct zsim_sim *s, const struct zsim_run_info *ri)
{
	struct name_agg *v, groups[16];
	unsigned n = aggregate(s, &v, groups, 16);
	char a[32], b[32], c[32], d[32];
	for (unsigned g = 0; g < s->pr.nr_groups && g < 16; g++) {
		const struct name_agg *G = &groups[g];
		uint64_t rt = G->end - G->start, base = baseline_of(ri->baseline, g, NULL);
		const char *nm = strrchr(ri->trace_names[g], '/');
		nm = nm ? nm + 1 : ri->trace_names[g];
		print_secs(a, sizeof(a), rt);
		print_secs(c, sizeof(c), G->wait);
		print_secs(d, sizeof(d), G->stall);
		if (base) {
			print_secs(b, sizeof(b), base);
			fprintf(out, "  time  %-16s %s, %.2fx its %s with RAM for all (waited %s on faults, %s in reclaim)\n",
				nm, a, (double)rt / (double)base, b, c, d);
		} else
			fprintf(out, "  time  %-16s %s (waited %s on faults, %s in reclaim; --baseline: the slowdown)\n",
				nm, a, c, d);
		/* its single processes that ran long (the build's make), not the
		 * one that spans the whole group: at most 3 */
		unsigned shown = 0, names = 0;
		for (unsigned k = 0; k < n; k++)
			names += v[k].group == g;
		for (unsigned k = 0; k < n && names > 1 && shown < 3; k++) {
			uint64_t prt = v[k].end - v[k].start, pb = baseline_of(ri->baseline, g, v[k].name);
			if (v[k].group != g || v[k].count != 1 || prt * 10 < rt || prt == rt)
				continue;
			print_secs(a, sizeof(a), prt);
			if (pb)
				fprintf(out, "          %-14s %s, %.2fx\n", v[k].name, a, (double)prt / (double)pb);
			else
				fprintf(out, "          %-14s %s\n", v[k].name, a);
			shown++;
		}
	}
	free(v);
	if (ri->baseline && (ri->baseline->pages_scanned || ri->baseline->oom_kills))
		fprintf(out, "        (the baseline still reclaimed: %llu pages scanned, %llu OOM kills)\n",
			(unsigned long long)ri->baseline->pages_scanned, (unsigned long long)ri->baseline->oom_kills);
	struct store st[ZSIM_CFG_MAX_DEVICES + 1];
	unsigned ns = stores_of(s, st, ZSIM_ARRAY_SIZE(st));
	for (unsigned k = 0; k < ns; k++) {
		if (!st[k].ram_pages_max)
			continue;   /* never held anything */
		human_size(a, sizeof(a), st[k].ram_pages);
		human_size(b, sizeof(b), st[k].ram_pages_max);
		human_size(c, sizeof(c), st[k].orig_bytes / ZSIM_PAGE_SIZE);
		fprintf(out, "  RAM   %-16s %s now, %s at peak; holds %s of pages", st[k].name, a, b, c);
		if (st[k].ram_pages)
			fprintf(out, " (%.2f:1)", (double)st[k].orig_bytes / (double)(st[k].ram_pages * ZSIM_PAGE_SIZE));
		fputc('\n', out);
	}
	struct lat_source ls[ZSIM_CFG_MAX_SWAP + 3];
	unsigned nl = lat_sources(s, ls);
	for (unsigned k = 0; k < nl; k++) {
		const struct zsim_histogram *h = ls[k].h;
		if (!h->count)
			continue;
		char p90[32], p999[32];
		print_lat(a, sizeof(a), zsim_hist_quantile(h, 0.5));
		print_lat(p90, sizeof(p90), zsim_hist_quantile(h, 0.9));
		print_lat(b, sizeof(b), zsim_hist_quantile(h, 0.99));
		print_lat(p999, sizeof(p999), zsim_hist_quantile(h, 0.999));
		fprintf(out, "  fault %-16s p50 %s, p90 %s, p99 %s, p99.9 %s (%llu faults)\n", ls[k].name,
			a, p90, b, p999, (unsigned long long)h->count);
	}
	if (s->out.psi_done) {
		const struct zsim_psi_result *p = &s->out.psi_res;
		fprintf(out, "  PSI   memory           some %.1f%% of the run (avg10 peaked at %.1f%%), full %.1f%% (%.1f%%)\n",
			s->clk.now ? 100.0 * (double)p->some_total_ns / (double)s->clk.now : 0.0, p->some_avg10_max,
			s->clk.now ? 100.0 * (double)p->full_total_ns / (double)s->clk.now : 0.0, p->full_avg10_max);
	}
}

/* timeseries.csv: per swap area and per compressed store, `<metric>.<name>`. */
static void ts_header_devices(const struct zsim_sim *s)
{
	FILE *f = s->out.ts_out;
	for (unsigned d = 0; d < s->sw.nr_swap; d++) {
		const char *nm = s->cfg.dev[s->sw.swap[d].cfg_index].name;
		fprintf(f, ",swap_used_pages.%s,swapins.%s", nm, nm);
	}
	struct store st[ZSIM_CFG_MAX_DEVICES + 1];
	unsigned ns = stores_of(s, st, ZSIM_ARRAY_SIZE(st));
	for (unsigned k = 0; k < ns; k++)
		fprintf(f, ",ram_pages.%s,stored_pages.%s,ratio.%s", st[k].name, st[k].name, st[k].name);
	if (s->sw.zswap)
		fprintf(f, ",swapins.zswap");
}

static void ts_row_devices(const struct zsim_sim *s)
{
	FILE *f = s->out.ts_out;
	for (unsigned d = 0; d < s->sw.nr_swap; d++)
		fprintf(f, ",%llu,%llu", (unsigned long long)s->sw.swap[d].used,
			(unsigned long long)s->sw.swap[d].swapins);
	struct store st[ZSIM_CFG_MAX_DEVICES + 1];
	unsigned ns = stores_of(s, st, ZSIM_ARRAY_SIZE(st));
	for (unsigned k = 0; k < ns; k++)
		fprintf(f, ",%llu,%llu,%.3f", (unsigned long long)st[k].ram_pages,
			(unsigned long long)(st[k].orig_bytes / ZSIM_PAGE_SIZE),
			st[k].ram_pages ? (double)st[k].orig_bytes / (double)(st[k].ram_pages * ZSIM_PAGE_SIZE) : 0.0);
	if (s->sw.zswap)
		fprintf(f, ",%llu", (unsigned long long)s->sw.zswap_hits);
}
