/*
 * results.h - run outputs (results.c) and what the CLI tells them about the run.
 */
#ifndef ZSIM_RESULTS_H
#define ZSIM_RESULTS_H

#include "sim.h"
#include <jansson.h>

#define ZSIM_VERSION_STRING "0.1.0"

struct zsim_run_info {
	const char *const *trace_names;
	const char *out_dir;
	bool interrupted;
	bool all_processes;    /* summary.json: every process (else the first ZSIM_SUMMARY_PROCS) */
};
/* summary.json lists this many processes one by one; the rest are summed by name. */
#define ZSIM_SUMMARY_PROCS 10000
/* timeseries.csv has at most this many rows; then an event "timeseries_limit" says so. */
#define ZSIM_MAX_SAMPLES 100000ull

void zsim_sample(struct zsim_sim *s);
json_t *zsim_summary(const struct zsim_sim *s, const struct zsim_run_info *ri);
void zsim_print_summary(FILE *out, const struct zsim_sim *s, const struct zsim_run_info *ri);

/* Flash wear of a device after the run (false: the device does not wear). */
struct zsim_wear {
	double life_used;      /* fraction of the rated NAND writes the run used */
	double years;          /* life at the run's write rate; 0 when nothing was written */
	uint64_t tbw_bytes;    /* rated host writes: flash x P/E cycles / WAF */
};
bool zsim_wear_of(const struct zsim_sim *s, unsigned d, struct zsim_wear *w);

#endif
