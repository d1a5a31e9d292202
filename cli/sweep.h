/*
 * sweep.h - many runs of zsim: `zsim sweep` (sweep.c), and the pieces other
 * commands reuse (zsim plan): run one config + traces as a child process,
 * run many on every core, expand a grid, merge the results into one table.
 *
 * A job is one `zsim run` in a child process (the zsim binary itself,
 * /proc/self/exe), so a crash, an OOM exit or the simulator's own
 * out-of-memory in one run never takes the caller down; its results
 * directory is written by the run as always (a temporary name renamed into
 * place), so a directory whose summary.json exists and is not marked
 * "interrupted" is a complete run (zsim_job_done).  Exit status 0 and 4 (the
 * OOM killer fired or writes were lost: ZSIM_EXIT_OUTCOME) are completed
 * runs; anything else is a failure, whose reason is the last line of the
 * job's log (its stderr).  Read a completed job's numbers with
 * zsim_flat_load (compare.h) on its out directory.
 */
#ifndef ZSIM_CLI_SWEEP_H
#define ZSIM_CLI_SWEEP_H

#include "../core/zsim.h"
#include "compare.h"

#include <jansson.h>
#include <stdio.h>
#include <sys/types.h>

/* One simulation.  Paths as the child should see them (absolute ones survive
 * a change of directory).  Nothing here is copied: the job's strings must
 * outlive the run. */
struct zsim_job {
	const char *config;                 /* --config */
	const char *const *sets;            /* --set KEY=VALUE, in order */
	unsigned nsets;
	const char *const *traces;          /* --trace, in order (at least one) */
	unsigned ntraces;
	bool has_seed;                      /* --seed seed */
	uint64_t seed;
	const char *out;                    /* --out: the results directory */
	const char *log;                    /* the child's stderr (and stdout); NULL: /dev/null */
};

/* What became of a job. */
struct zsim_job_status {
	int status;        /* exit status (0, 4: completed), 128 + signal if killed; -1: not run */
	bool skipped;      /* already done before (zsim_job_done), so not run */
	double wall_s;     /* its wall time (0 if skipped) */
	double cpu_s;      /* its CPU time, user + system (0 if skipped) */
};

/* Is dir a complete run's results (summary.json present, not interrupted)? */
bool zsim_job_done(const char *dir);
/* Did a job with this exit status complete (0 or ZSIM_EXIT_OUTCOME)? */
static inline bool zsim_job_completed(int status)
{
	return status == ZSIM_EXIT_OK || status == ZSIM_EXIT_OUTCOME;
}
/* The zsim binary to run children with (/proc/self/exe resolved; "zsim" if
 * that fails); a static string. */
const char *zsim_self_exe(void);
/* Start the job as a child process; its pid, or -1 with one line in err. */
pid_t zsim_job_start(const struct zsim_job *j, char *err, size_t errlen);
/* Run one job and wait for it: its exit status (see zsim_job_status), or -1
 * with err set when it could not start.  stop (may be NULL): the caller's
 * signal flag (zsim_signals_install); once it is set while waiting, the job
 * gets SIGTERM (it writes its results marked interrupted) and is waited for. */
int zsim_job_run(const struct zsim_job *j, volatile int *stop, char *err, size_t errlen);

/*
 * Run n jobs, at most workers at once (0: the number of online CPUs).  Jobs
 * already done (zsim_job_done on their out) are skipped unless force.  st[i]
 * gets job i's fate.  progress: a line on stderr with done/total and an ETA
 * (redrawn on a terminal, else every few seconds).  SIGINT, SIGTERM, SIGHUP:
 * no job is started any more, the running ones get SIGTERM (they write
 * their partial results marked interrupted, which zsim_job_done refuses),
 * and the function returns 128 + the signal; else 0.
 */
int zsim_jobs_run(const struct zsim_job *jobs, size_t n, unsigned workers, bool force, bool progress,
		  struct zsim_job_status *st);

/* ---- sweeps: a spec expanded into runs (sweep.c's header comment has the format) ---- */

struct zsim_sweep_run {
	char id[80];             /* stable directory name: readable part + '-' + 16 hex digits of a hash */
	size_t *value;           /* per grid key: the index of its value */
	size_t traceset;         /* index into traces */
	size_t seed;             /* index into seeds (0 when there are none) */
	char **sets;             /* "KEY=VALUE" per grid key (then the spec's fixed sets) */
	unsigned nsets;
};

struct zsim_sweep {
	char *name;              /* the spec as messages name it (its path) */
	char *base;              /* the base config, absolute */
	size_t nkeys;
	char **keys;             /* grid keys, in the spec's order */
	size_t *nvalues;
	char ***values;          /* per key, the values as --set text */
	size_t ntracesets;
	size_t *ntraces;
	char ***traces;          /* absolute paths, per trace set */
	char **traceset_name;    /* as the spec wrote them, joined by '+' (the table's column) */
	size_t nseeds;           /* 0: the config's seed */
	uint64_t *seeds;
	size_t nfixed;
	char **fixed;            /* "set": KEY=VALUE for every run */
	char *goals;             /* the goal rules (compare.h's --fail-on language) or NULL */
	char *out;               /* the output directory (may be NULL: the caller's default) */
	size_t nruns;
	struct zsim_sweep_run *runs;   /* keys vary slowest first, then trace set, then seed */
};

/* Load and check a spec file: every grid value, and every run's whole
 * config, is parsed by the config layer (nothing is simulated); trace files
 * must be readable.  0, or ZSIM_E* with one line in err naming the spec and
 * the JSON path ("spec.json: $.grid.\"devices.zram0.codc\": ..."). */
int zsim_sweep_load(const char *path, struct zsim_sweep *sw, char *err, size_t errlen);
/* The same from a parsed spec; name for messages, dir for relative paths. */
int zsim_sweep_from_json(json_t *spec, const char *name, const char *dir, struct zsim_sweep *sw, char *err,
			 size_t errlen);
void zsim_sweep_free(struct zsim_sweep *sw);
/* The spec as JSON with absolute paths (what `zsim sweep` keeps in OUT/spec.json). */
json_t *zsim_sweep_to_json(const struct zsim_sweep *sw);
/* Run i's job, its results directory DIR/runs/ID and its log DIR/logs/ID.log
 * (the strings are written into outbuf/logbuf, each 4200 bytes). */
void zsim_sweep_job(const struct zsim_sweep *sw, size_t i, const char *dir, char *outbuf, char *logbuf,
		    struct zsim_job *j);

/* Merge every run's results under dir into dir/sweep.csv and dir/sweep.json
 * (one row per run, in the spec's order; byte-identical for the same spec and
 * results).  *missing gets the number of runs without complete results (their
 * rows say so).  0, or ZSIM_E* with one line in err. */
int zsim_sweep_merge(const struct zsim_sweep *sw, const char *dir, size_t *missing, char *err, size_t errlen);

int zsim_cmd_sweep(int argc, char **argv);

#endif
