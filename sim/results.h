/*
 * results.h - run outputs (results.c) and what the CLI tells them about the run.
 */
#ifndef ZSIM_RESULTS_H
#define ZSIM_RESULTS_H

#include "sim.h"
#include <jansson.h>

#define ZSIM_VERSION_STRING "0.1.0"

/*
 * The same traces run with RAM for everything and no swap (zsim run
 * --baseline): what each trace group and each named process took there.
 */
struct zsim_baseline_proc {
	uint32_t group;
	char name[32];
	uint64_t runtime_ns;
};
struct zsim_baseline {
	uint64_t ram_bytes;        /* the baseline machine's RAM */
	uint64_t pages_scanned;    /* reclaim there (0: nothing was reclaimed, as meant) */
	uint64_t oom_kills;
	unsigned nr_groups;
	uint64_t group_runtime_ns[16];
	struct zsim_baseline_proc *procs;
	unsigned nr_procs;
};

struct zsim_run_info {
	const char *const *trace_names;
	const char *out_dir;
	bool interrupted;
	const struct zsim_baseline *baseline;   /* NULL: no --baseline */
	bool all_processes;    /* summary.json: every process (else the first ZSIM_SUMMARY_PROCS) */
};
/* summary.json lists this many processes one by one; the rest are summed by name. */
#define ZSIM_SUMMARY_PROCS 10000
/* timeseries.csv has at most this many rows; then an event "timeseries_limit" says so. */
#define ZSIM_MAX_SAMPLES 100000ull

/* Take what a baseline run took (after zsim_sim_run), and free it. */
void zsim_baseline_take(const struct zsim_sim *s, struct zsim_baseline *b);
void zsim_baseline_free(struct zsim_baseline *b);
/* After the run, before the summary: the figures computed at the end (PSI). */
void zsim_results_finish(struct zsim_sim *s);
/* The run had an outcome a user must hear of: an OOM kill, or data lost
 * (lost_writes: a dirty page whose write-back the device refused, dropped
 * as the kernel's "lost async page write").  zsim run then exits
 * ZSIM_EXIT_OUTCOME unless --no-fail-outcome. */
bool zsim_results_bad_outcome(const struct zsim_sim *s);

void zsim_sample(struct zsim_sim *s);
json_t *zsim_summary(const struct zsim_sim *s, const struct zsim_run_info *ri);
void zsim_print_summary(FILE *out, const struct zsim_sim *s, const struct zsim_run_info *ri);

/* Flash wear of a device after the run (false: the device does not wear). */
struct zsim_wear {
	double life_used;      /* fraction of the rated NAND writes the run used */
	double years;          /* life at the run's write rate; 0 when nothing was written */
	uint64_t tbw_bytes;    /* rated host writes: flash x P/E cycles / WAF */
	double years_at_duty;  /* life at the config's "duty"; 0: no duty stated, or no writes */
	uint64_t host_pages, nand_pages;   /* written by the host, programmed into NAND */
	bool ftl;              /* NAND writes from the FTL model (else host x a constant waf) */
	uint64_t erases, erase_min, erase_max;   /* FTL: erases of the run; per block least, most */
	double erase_mean;                       /* FTL: per block */
};
bool zsim_wear_of(const struct zsim_sim *s, unsigned d, struct zsim_wear *w);

#endif
