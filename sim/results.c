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
	"pswpin,pswpout,pgmajfault,pgsteal_kswapd,pgsteal_direct,allocstall,oom_kill,live_processes\n";

/* With zswap, four more columns: its pool and vmstat's zswpout, zswpin, zswpwb. */
static const char *const ts_zswap_header = ",zswap_pool_pages,zswpout,zswpin,zswpwb";

static uint64_t zswap_stat(const struct zsim_sim *s, const char *name)
{
	uint64_t v = 0;
	if (s->sw.zswap)
		zsim_tier_stat(s->sw.zswap, name, &v);
	return v;
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
		if (s->sw.zswap) {
			fwrite(ts_header, 1, strlen(ts_header) - 1, s->out.ts_out);
			fprintf(s->out.ts_out, "%s\n", ts_zswap_header);
		} else
			fputs(ts_header, s->out.ts_out);
	}
	s->out.samples++;
	uint64_t swap_used = zsim_swap_total_pages(s) - zsim_swap_free_pages(s);
	fprintf(s->out.ts_out, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%u",
		(unsigned long long)s->clk.now, (unsigned long long)s->mm.nr_free,
		(unsigned long long)s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_ANON),
		(unsigned long long)s->mm.policy->size(s->mm.policy_priv, ZSIM_LRU_FILE),
		(unsigned long long)s->mm.zspages, (unsigned long long)swap_used,
		(unsigned long long)s->pc.nr_dirty, (unsigned long long)s->vm.pswpin,
		(unsigned long long)s->vm.pswpout, (unsigned long long)s->vm.pgmajfault,
		(unsigned long long)s->vm.pgsteal_kswapd, (unsigned long long)s->vm.pgsteal_direct,
		(unsigned long long)s->vm.allocstall, (unsigned long long)s->vm.oom_kill, s->pr.live_procs);
	if (s->sw.zswap) {
		uint64_t pool = 0;
		zsim_tier_control(s->sw.zswap, ZSIM_TCTL_RAM_PAGES, &pool);
		fprintf(s->out.ts_out, ",%llu,%llu,%llu,%llu", (unsigned long long)pool,
			(unsigned long long)zswap_stat(s, "zswpout"), (unsigned long long)zswap_stat(s, "zswpin"),
			(unsigned long long)zswap_stat(s, "zswpwb"));
	}
	fputc('\n', s->out.ts_out);
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
}

#define JI(v) json_integer((json_int_t)(v))

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
	json_object_set_new(o, "zram_writeback_pages", JI(s->vm.zram_writeback));
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
	if (s->cfg.kp->swap_zeromap) {   /* the kernel's counters of the zeromap (6.12+) */
		json_object_set_new(v, "swpout_zero", JI(s->sw.zero_swapouts));
		json_object_set_new(v, "swpin_zero", JI(s->sw.zero_swapins));
	}
	json_object_set_new(r, "vmstat", v);

	json_t *m = json_object();
	json_object_set_new(m, "ram_pages", JI(s->mm.nr_frames));
	json_object_set_new(m, "kernel_reserve_pages", JI(s->mm.reserve_pages));
	json_object_set_new(m, "min_free_kbytes", JI(s->mm.min_free_kbytes));
	json_object_set_new(m, "watermark_min", JI(s->mm.wmark_min));
	json_object_set_new(m, "watermark_low", JI(s->mm.wmark_low));
	json_object_set_new(m, "watermark_high", JI(s->mm.wmark_high));
	json_object_set_new(m, "free_pages", JI(s->mm.nr_free));
	json_object_set_new(m, "free_pages_lowest", JI(s->mm.min_free_seen));
	json_object_set_new(m, "zspages", JI(s->mm.zspages));
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
		if (zsim_wear_of(s, d, &w)) {
			json_t *we = json_object();
			json_object_set_new(we, "life_used", json_real(w.life_used));
			json_object_set_new(we, "years_at_this_rate",
					    w.years > 0 ? json_real(w.years) : json_null());
			json_object_set_new(we, "tbw_bytes", JI(w.tbw_bytes));
			json_object_set_new(e, "wear", we);
		}
		json_object_set_new(devs, s->cfg.dev[d].name, e);
	}
	json_object_set_new(r, "devices", devs);

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
	uint64_t pe = 0, flash = 0, nand = 0, waf = 1000;
	const struct zsim_tier *t = s->dev.devtier[d];
	if (!t || zsim_tier_stat(t, "pe_cycles", &pe) < 0 || !pe)
		return false;
	zsim_tier_stat(t, "flash_pages", &flash);
	zsim_tier_stat(t, "nand_pages_written", &nand);
	zsim_tier_stat(t, "waf_milli", &waf);
	double life = (double)flash * (double)pe;   /* NAND pages the flash can take */
	w->life_used = nand / life;
	w->tbw_bytes = (uint64_t)(life * ZSIM_PAGE_SIZE * 1000.0 / (double)waf);
	w->years = nand && s->clk.now ? life / (double)nand * ((double)s->clk.now / 1e9) / (365.25 * 86400.0) : 0;
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
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		uint64_t wr = 0, rd = 0, held = 0;
		const struct zsim_tier *t = s->dev.devtier[d];
		if (!t || s->cfg.dev[d].lower < 0 || zsim_tier_stat(t, "bd_writes", &wr) < 0)
			continue;
		zsim_tier_stat(t, "bd_reads", &rd);
		zsim_tier_stat(t, "bd_count", &held);
		human_size(a, sizeof(a), wr);
		human_size(b, sizeof(b), held);
		fprintf(out, "  writeback %s -> %s: %s written back, %llu page(s) read back, %s there at the end\n",
			s->cfg.dev[d].name, s->cfg.dev[s->cfg.dev[d].lower].name, a, (unsigned long long)rd, b);
	}
	for (unsigned d = 0; d < s->cfg.nr_dev; d++) {
		struct zsim_wear w;
		uint64_t wr = 0;
		if (!zsim_wear_of(s, d, &w) || zsim_tier_stat(s->dev.devtier[d], "pages_written", &wr) < 0 || !wr)
			continue;
		human_size(a, sizeof(a), wr);
		if (w.years >= 1)
			snprintf(b, sizeof(b), "%.1f years", w.years);
		else
			snprintf(b, sizeof(b), "%.1f days", w.years * 365.25);
		fprintf(out, "  wear %-8s %s written: %.4f%% of its rated life (TBW %.2f TB); "
			"writing at this rate all the time, it would last %s\n",
			s->cfg.dev[d].name, a, 100.0 * w.life_used, (double)w.tbw_bytes / 1e12, b);
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
	const struct zsim_histogram *fl = &s->out.fault_lat;
	if (fl->count)
		fprintf(out, "  major fault latency: p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us\n",
			(double)zsim_hist_quantile(fl, 0.5) / 1e3, (double)zsim_hist_quantile(fl, 0.9) / 1e3,
			(double)zsim_hist_quantile(fl, 0.99) / 1e3, (double)zsim_hist_quantile(fl, 0.999) / 1e3);
	human_size(a, sizeof(a), s->mm.min_free_seen);
	human_size(b, sizeof(b), s->mm.wmark_min);
	fprintf(out, "  lowest free memory: %s (min watermark %s)\n", a, b);
	if (ri->out_dir)
		fprintf(out, "  results: %s/\n", ri->out_dir);
}
