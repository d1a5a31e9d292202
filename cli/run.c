/*
 * run.c - the main job: `zsim [run] --trace FILE [--trace FILE...] --config FILE
 * [--out DIR] [--seed N] [--json] [--quiet] [--print-config] [--check]`, the
 * options in any order (their table, zsim_run_opts, is also what `zsim --help`
 * and `zsim help run` print).
 *
 * Replays the traces (each its own process group) on the configured machine
 * and writes a results directory: summary.json (simulated quantities only, so
 * it is byte-identical for the same inputs), timeseries.csv, events.jsonl,
 * config.json (the resolved config) and perf.json (the simulator's own speed).
 * --config - and --trace - read stdin; --set KEY=VALUE edits the config by its
 * JSON path before it is checked (sim/config.c).  The directory is built under a
 * temporary name and renamed into place at the end, so an error leaves no
 * results at all; Ctrl-C, SIGTERM or SIGHUP stops the run, writes what it
 * has marked "interrupted": true, and exits with 128 + the signal's number
 * (130, 143, 129).  Temporary directories of runs that died (SIGKILL) are
 * removed by the next run writing the same --out.  A run that completed
 * exits 0, or ZSIM_EXIT_OUTCOME (4) when the OOM killer fired or written data
 * was lost (zsim_results_bad_outcome), unless --no-fail-outcome.  With
 * --baseline the traces run a second time on a machine with RAM for
 * everything (run_baseline) and the summary gives each one's slowdown.
 */
#include "cli.h"
#include "compare.h"
#include "../core/options.h"
#include "../sim/config.h"
#include "../sim/results.h"
#include "../sim/sim.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TRACES 16

/* SIGINT, SIGTERM, SIGHUP: the number of the signal that stops the run
 * (core/zsim.c stores it; the engine polls it). */
static volatile int interrupt_flag;

/* Does dir hold regular files only (a results directory zsim can empty)? */
static bool flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	struct dirent *e;
	char path[4608];   /* a dir of up to 4200 bytes, a slash and a name */
	struct stat st;
	bool ok = true;
	while (ok && (e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
	}
	closedir(d);
	return ok;
}

/* Remove a results directory we made (flat: files only) and forget it. */
static void remove_dir(const char *dir)
{
	zsim_remove_dir(dir);
	zsim_tmp_del(dir);
}

struct progress {
	double t0, last;
	const char *const *traces;
	unsigned n;
};

static void show_progress(const struct zsim_sim *s, void *ctx)
{
	struct progress *pr = ctx;
	double now = zsim_wall_s();
	if (now - pr->last < 0.5 || now - pr->t0 < 1.0)
		return;
	pr->last = now;
	/* ETA from how far into the first trace file the reader is */
	double frac = 0;
	struct stat st;
	if (s->pr.nr_groups && stat(pr->traces[0], &st) == 0 && st.st_size > 0)
		frac = (double)zsim_trace_reader_offset(s->pr.groups[0].r) / (double)st.st_size;
	double el = now - pr->t0;
	fprintf(stderr, "\rzsim: %llu events, %.1f s simulated, %.1f M events/s",
		(unsigned long long)s->vm.nr_events, (double)s->clk.now / 1e9, (double)s->vm.nr_events / el / 1e6);
	if (frac > 0.01 && frac < 1)
		fprintf(stderr, ", ETA %.0f s   ", el * (1 - frac) / frac);
	else
		fputs("   ", stderr);
}

/* --trace -: the trace comes on stdin; the reader wants a file it can seek,
 * so stdin is copied to a temporary file, unlinked once the reader has it open. */
static int spool_stdin(char *path, size_t len, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, len, "%s/zsim-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		*path = '\0';
		return ZSIM_ESYS;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		if (write(fd, buf, n) != (ssize_t)n) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			*path = '\0';
			return ZSIM_ESYS;
		}
	if (ferror(stdin) || close(fd) < 0) {
		snprintf(err, errlen, "cannot read stdin: %s", strerror(errno));
		unlink(path);
		*path = '\0';
		return ZSIM_ESYS;
	}
	return 0;
}

/* --trace FILE, repeatable: the files in order. */
struct trace_list {
	const char *path[MAX_TRACES];
	unsigned n;
};

static int trace_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct trace_list *l = field;
	(void)o;
	if (l->n == MAX_TRACES) {
		snprintf(err, errlen, "at most %d traces", MAX_TRACES);
		return ZSIM_EFORMAT;
	}
	if (!*val) {
		snprintf(err, errlen, "empty file name");
		return ZSIM_EFORMAT;
	}
	l->path[l->n++] = val;
	return 0;
}

/* --seed N: a number, and whether it was given (it overrides the config's). */
struct seed_opt {
	uint64_t seed;
	bool given;
};

static int seed_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct seed_opt *s = field;
	(void)o;
	if (zsim_parse_u64(val, &s->seed) < 0) {
		snprintf(err, errlen, "'%s' is not a number", val);
		return ZSIM_EFORMAT;
	}
	s->given = true;
	return 0;
}

/* --set KEY=VALUE, repeatable: config overrides, in order (checked for syntax here). */
#define MAX_SETS 64
struct set_list {
	const char *set[MAX_SETS];
	unsigned n;
};

static int set_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct set_list *l = field;
	(void)o;
	if (l->n == MAX_SETS) {
		snprintf(err, errlen, "at most %d", MAX_SETS);
		return ZSIM_EFORMAT;
	}
	if (zsim_config_check_set(val, err, errlen) < 0) {
		/* the option parser names --set itself */
		if (!strncmp(err, "--set ", 6))
			memmove(err, err + 6, strlen(err + 6) + 1);
		return ZSIM_EFORMAT;
	}
	l->set[l->n++] = val;
	return 0;
}

static const struct zsim_opt_type trace_type = { ZSIM_OPTK_CUSTOM, "FILE", trace_opt };
static const struct zsim_opt_type set_type = { ZSIM_OPTK_CUSTOM, "KEY=VALUE", set_opt };
static const struct zsim_opt_type seed_type = { ZSIM_OPTK_CUSTOM, "N", seed_opt };

struct run_opts {
	struct trace_list traces;
	const char *config;
	const char *out;
	struct seed_opt seed;
	struct set_list sets;
	char format[ZSIM_OPT_NAME_MAX];
	bool json, quiet, print_config, check, help;
	bool baseline, no_fail_outcome;
	uint64_t max_memory;
	bool all_processes;
};

#define RUN_OFF(f) offsetof(struct run_opts, f)
const struct zsim_opt zsim_run_opts[] = {
	{ "trace", &trace_type, RUN_OFF(traces), NULL, 0, 0,
	  "a trace to replay, its processes one group (repeatable, at most 16; - reads stdin)", 0 },
	{ "config", ZSIM_OPT_FILE, RUN_OFF(config), NULL, 0, 0,
	  "the machine and swap stack (JSON; required; - reads stdin)", 0 },
	{ "set", &set_type, RUN_OFF(sets), NULL, 0, 0,
	  "override a config key by its JSON path: mm.swappiness=100 (repeatable)", 0 },
	{ "out", ZSIM_OPT_DIR, RUN_OFF(out), "zsim-out", 0, 0,
	  "results directory: summary.json, timeseries.csv, events.jsonl, perf.json", 0 },
	{ "seed", &seed_type, RUN_OFF(seed), NULL, 0, 0,
	  "override the config's seed", 0 },
	{ "json", ZSIM_OPT_FLAG, RUN_OFF(json), NULL, 0, 0,
	  "print summary.json instead of the human summary (--format json)", 0 },
	{ "format", ZSIM_OPT_NAME, RUN_OFF(format), "text", 0, 0,
	  "the printed summary: text, json, or csv (key,value: every number of summary.json by its dotted path)", 0 },
	{ "quiet", ZSIM_OPT_FLAG, RUN_OFF(quiet), NULL, 0, 0,
	  "print nothing on success", 0 },
	{ "print-config", ZSIM_OPT_FLAG, RUN_OFF(print_config), NULL, 0, 0,
	  "print the resolved config (every default filled in) and exit", 0 },
	{ "check", ZSIM_OPT_FLAG, RUN_OFF(check), NULL, 0, 0,
	  "verify the memory model's invariants after every step (slow)", 0 },
	{ "baseline", ZSIM_OPT_FLAG, RUN_OFF(baseline), NULL, 0, 0,
	  "also run the traces with RAM for everything and no swap, and report each one's slowdown", 0 },
	{ "no-fail-outcome", ZSIM_OPT_FLAG, RUN_OFF(no_fail_outcome), NULL, 0, 0,
	  "exit 0 after an OOM kill or lost writes too (default: exit 4)", 0 },
	{ "max-memory", ZSIM_OPT_SIZE, RUN_OFF(max_memory), NULL, 0, 0,
	  "refuse a config whose tables would take more (default: half of this machine's RAM)", 0 },
	{ "all-processes", ZSIM_OPT_FLAG, RUN_OFF(all_processes), NULL, 0, 0,
	  "summary.json lists every process (default: the first 10000, the rest summed by name)", 0 },
	{ "help", ZSIM_OPT_FLAG, RUN_OFF(help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

/*
 * The baseline machine (--baseline): the same traces, CPUs, kernel and
 * devices, with no swap (no swap areas, no zswap) and RAM for everything a
 * workload can hold at once.  What a run holds is in RAM, in swap or in its
 * filesystems, so RAM + every swap area + every filesystem's size bounds it;
 * an eighth more and 64 MiB keep the watermarks out of the way, and those
 * 64 MiB start on the unmovable free lists, so the kernel's own pages (page
 * tables, slab) never fall back and boost the watermarks.  Large
 * simulated RAM costs the simulator only the frames it uses.  The summary
 * reports how much the baseline still scanned (0 when nothing was
 * reclaimed, as meant).
 */
#define BASELINE_MARGIN (64ull << 20)

static uint64_t baseline_ram(const struct zsim_config *c)
{
	uint64_t held = c->ram;
	for (unsigned i = 0; i < c->nr_swap; i++)
		held += c->dev[c->swap[i].device].size;
	for (unsigned i = 0; i < c->nr_fs; i++)
		held += c->fs[i].size;
	return held + held / 8 + BASELINE_MARGIN;
}

/* Run the baseline and keep what it took; 0, or ZSIM_E* with err set. */
static int run_baseline(const struct zsim_config *cfg, const char *const *traces, unsigned ntr,
			struct zsim_baseline *b, char *err, size_t errlen)
{
	struct zsim_config bc = *cfg;
	bc.ram = baseline_ram(cfg);
	bc.unmovable_free = cfg->unmovable_free + BASELINE_MARGIN;
	bc.nr_swap = 0;
	bc.has_zswap = false;
	bc.time_only = true;   /* it keeps runtime and reclaim, not wear */
	struct zsim_sim *s = zsim_xmalloc(sizeof(*s));
	int rc = zsim_sim_init(s, &bc, err, errlen);
	for (unsigned i = 0; rc == 0 && i < ntr; i++)
		rc = zsim_sim_add_trace(s, traces[i], err, errlen);
	if (rc == 0) {
		s->interrupt = &interrupt_flag;
		rc = zsim_sim_run(s, err, errlen);
	}
	if (rc == 0 && interrupt_flag)
		rc = ZSIM_EINVAL;
	if (rc == 0)
		zsim_baseline_take(s, b);
	zsim_sim_free(s);
	free(s);
	return rc;
}

/*
 * With more than one CPU to run on, the baseline runs in a forked child while the run
 * itself goes on (the two share nothing but the trace files; --baseline's
 * wall time was their sum, now about the longer one).  The child hands back
 * run_baseline's status, message and result through a pipe; it dies by the
 * default action of SIGINT, SIGTERM and SIGHUP, and the parent stops it on
 * every ending of its own.  Results are the same either way: the baseline is
 * the same deterministic simulation wherever it runs.
 */
struct bg_baseline {
	pid_t pid;   /* -1: none (run it after the run, in this process) */
	int fd;
};

static bool full_write(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w, n -= (size_t)w;
	}
	return true;
}

/* Reads n bytes; false at EOF, an error, or once the run was interrupted. */
static bool full_read(int fd, void *buf, size_t n)
{
	char *p = buf;
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR && !interrupt_flag)
			continue;
		if (r <= 0)
			return false;
		p += r, n -= (size_t)r;
	}
	return true;
}

static void baseline_start(const struct zsim_config *cfg, const char *const *traces, unsigned ntr,
			   struct bg_baseline *bg)
{
	bg->pid = -1;
	bg->fd = -1;
	int pfd[2];
	cpu_set_t cpus;   /* the CPUs this process may use (taskset, cgroups' cpusets) */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) < 0 || CPU_COUNT(&cpus) < 2 || pipe(pfd) < 0)
		return;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		close(pfd[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		/* the run itself sets the wall time: the baseline, which takes less
		 * CPU, yields to it (and to its FTL thread) where they meet */
		(void)setpriority(PRIO_PROCESS, 0, 5);
		struct zsim_baseline b = { 0 };
		char msg[1024] = "";
		int32_t rc = run_baseline(cfg, traces, ntr, &b, msg, sizeof(msg));
		bool ok = full_write(pfd[1], &rc, sizeof(rc)) && full_write(pfd[1], msg, sizeof(msg));
		if (ok && rc == 0)
			ok = full_write(pfd[1], &b, sizeof(b)) &&
			     full_write(pfd[1], b.procs, (size_t)b.nr_procs * sizeof(*b.procs));
		_exit(ok ? 0 : 1);   /* not exit(): the parent's temporary files are its own */
	}
	close(pfd[1]);
	bg->pid = pid;
	bg->fd = pfd[0];
}

static int baseline_wait(pid_t pid)
{
	int ws = 0;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* Stop a background baseline that is no longer wanted. */
static void baseline_stop(struct bg_baseline *bg)
{
	if (bg->pid <= 0)
		return;
	kill(bg->pid, SIGTERM);
	baseline_wait(bg->pid);
	close(bg->fd);
	bg->pid = -1;
}

/* The background baseline's result (as run_baseline returns it). */
static int baseline_collect(struct bg_baseline *bg, struct zsim_baseline *b, char *err, size_t errlen)
{
	int32_t rc = 0;
	char msg[1024];
	bool ok = full_read(bg->fd, &rc, sizeof(rc)) && full_read(bg->fd, msg, sizeof(msg));
	if (ok && rc == 0) {
		ok = full_read(bg->fd, b, sizeof(*b));
		b->procs = ok ? zsim_xcalloc(b->nr_procs ? b->nr_procs : 1, sizeof(*b->procs)) : NULL;
		ok = ok && full_read(bg->fd, b->procs, (size_t)b->nr_procs * sizeof(*b->procs));
		if (!ok)
			zsim_baseline_free(b);
	}
	if (!ok && interrupt_flag) {
		baseline_stop(bg);
		return ZSIM_EINVAL;
	}
	close(bg->fd);
	int st = baseline_wait(bg->pid);
	bg->pid = -1;
	if (!ok) {
		snprintf(err, errlen, "the baseline process ended without a result (status %d)", st);
		return ZSIM_ESYS;
	}
	if (rc < 0) {
		msg[sizeof(msg) - 1] = '\0';
		snprintf(err, errlen, "%s", msg);
	}
	return rc;
}

void zsim_run_usage(FILE *out)
{
	fprintf(out,
		"usage: zsim [run] --trace FILE [--trace FILE...] --config FILE [options]\n"
		"Replay the traces on the machine and swap stack the config describes;\n"
		"options in any order.\n");
	zsim_opt_print(out, zsim_run_opts);
}

int zsim_cmd_run(int argc, char **argv)
{
	struct run_opts ro;
	char err[1024];
	memset(&ro, 0, sizeof(ro));
	const struct zsim_opt_set sets[] = { { zsim_run_opts, &ro }, { NULL, NULL } };
	if (zsim_opt_parse(sets, argc - 1, argv + 1, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (ro.help) {
		zsim_run_usage(stdout);
		return ZSIM_EXIT_OK;
	}
	const char *const *traces = ro.traces.path;
	unsigned ntr = ro.traces.n;
	const char *cfgpath = ro.config, *out = ro.out;
	bool json = ro.json, quiet = ro.quiet, check = ro.check;
	if (!cfgpath) {
		fprintf(stderr, "zsim: no --config given\n");
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_config cfg;
	if (!strcmp(ro.format, "json"))
		json = true;
	else if (strcmp(ro.format, "text") && strcmp(ro.format, "csv")) {
		fprintf(stderr, "zsim: --format: unknown format '%s' (known: text, json, csv)\n", ro.format);
		return ZSIM_EXIT_USAGE;
	}
	unsigned stdin_users = !strcmp(cfgpath, "-");
	for (unsigned i = 0; i < ntr; i++)
		stdin_users += !strcmp(traces[i], "-");
	if (stdin_users > 1) {
		fprintf(stderr, "zsim: only one of --config and --trace may read stdin ('-')\n");
		return ZSIM_EXIT_USAGE;
	}
	struct stat st;
	if (strcmp(cfgpath, "-") && stat(cfgpath, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "zsim: --config %s: is a directory, not a config\n", cfgpath);
		return ZSIM_EXIT_ERROR;
	}
	if (zsim_config_load_ex(cfgpath, ro.sets.set, ro.sets.n, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	if (ro.seed.given)
		cfg.seed = ro.seed.seed;
	if (ro.print_config) {
		char *txt = zsim_config_dump(&cfg);
		puts(txt);
		free(txt);
		return ZSIM_EXIT_OK;
	}
	if (!ntr) {
		fprintf(stderr, "zsim: no --trace given\n");
		return ZSIM_EXIT_USAGE;
	}
	/* --out: checked before the run, so a bad name fails at once; "dir/"
	 * means "dir" (the temporary name is then dir.tmp.PID, beside it) */
	char outbuf[4096];
	if (!*out || strlen(out) >= sizeof(outbuf) - 64) {
		fprintf(stderr, "zsim: --out: %s\n", *out ? "name too long" : "empty directory name");
		return ZSIM_EXIT_USAGE;
	}
	snprintf(outbuf, sizeof(outbuf), "%s", out);
	for (size_t n = strlen(outbuf); n > 1 && outbuf[n - 1] == '/'; n--)
		outbuf[n - 1] = '\0';
	out = outbuf;
	if (!strcmp(out, "/") || !strcmp(out, ".") || !strcmp(out, "..") ||
	    (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/..")) ||
	    (strlen(out) >= 2 && !strcmp(out + strlen(out) - 2, "/."))) {
		fprintf(stderr, "zsim: --out %s: not a name zsim can create a results directory under\n", out);
		return ZSIM_EXIT_USAGE;
	}
	/* traces are read as streams (a pipe is fine), but not a directory */
	for (unsigned i = 0; i < ntr; i++)
		if (stat(traces[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			fprintf(stderr, "zsim: --trace %s: is a directory, not a trace\n", traces[i]);
			return ZSIM_EXIT_ERROR;
		}
	/* tables beyond the machine: refused by estimate, before any is made */
	uint64_t est = zsim_sim_table_bytes(&cfg), limit = ro.max_memory;
	if (!limit)
		limit = zsim_phys_ram() / 2;
	if (limit && est > limit) {
		fprintf(stderr, "zsim: %s: the simulator would need about %.1f MiB for its tables (RAM %.0f MiB, "
			"devices and swap by their sizes), more than --max-memory %.1f MiB%s\n", cfgpath,
			(double)est / 1048576.0, (double)cfg.ram / 1048576.0, (double)limit / 1048576.0,
			ro.max_memory ? "" : " (half of this machine's RAM)");
		return ZSIM_EXIT_NOMEM;
	}
	/* the output must be new, or an earlier results directory we may replace */
	char probe[4200];
	zsim_tmp_clean_stale(out);
	if (lstat(out, &st) == 0) {
		snprintf(probe, sizeof(probe), "%s/summary.json", out);
		if (!S_ISDIR(st.st_mode) || access(probe, F_OK) != 0) {
			fprintf(stderr, "zsim: --out %s: exists and is not a zsim results directory\n", out);
			return ZSIM_EXIT_ERROR;
		}
	}

	/* the baseline, in the background where it can be (not from stdin) */
	struct bg_baseline bg = { -1, -1 };
	if (ro.baseline && !stdin_users)
		baseline_start(&cfg, traces, ntr, &bg);
	struct zsim_sim *s = zsim_xmalloc(sizeof(*s));
	int rc = zsim_sim_init(s, &cfg, err, sizeof(err));
	if (rc < 0) {
		baseline_stop(&bg);
		fprintf(stderr, "zsim: %s: %s\n", cfgpath, err);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	char spool[64] = "";
	for (unsigned i = 0; i < ntr; i++)
		if (!strcmp(traces[i], "-") && spool_stdin(spool, sizeof(spool), err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim: --trace -: %s\n", err);
			zsim_sim_free(s);
			free(s);
			return ZSIM_EXIT_ERROR;
		}
	for (unsigned i = 0; i < ntr; i++)
		if ((rc = zsim_sim_add_trace(s, strcmp(traces[i], "-") ? traces[i] : spool, err, sizeof(err))) < 0) {
			if (*spool)
				unlink(spool);
			baseline_stop(&bg);
			fprintf(stderr, "zsim: %s\n", err);
			zsim_sim_free(s);
			free(s);
			return ZSIM_EXIT_ERROR;
		}
	if (*spool)
		unlink(spool);
	char tmp[4200], path[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out, (long)getpid());
	zsim_signals_install(&interrupt_flag);
	if (mkdir(tmp, 0777) < 0) {
		baseline_stop(&bg);
		fprintf(stderr, "zsim: --out: cannot create %s: %s\n", tmp, strerror(errno));
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	zsim_tmp_add(tmp, true);
	snprintf(path, sizeof(path), "%s/events.jsonl", tmp);
	s->out.events_out = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/timeseries.csv", tmp);
	s->out.ts_out = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/processes.csv", tmp);
	s->out.pc_out = fopen(path, "w");
	if (!s->out.events_out || !s->out.ts_out || !s->out.pc_out) {
		baseline_stop(&bg);
		fprintf(stderr, "zsim: --out: cannot create files in %s: %s\n", tmp, strerror(errno));
		if (s->out.events_out)
			fclose(s->out.events_out);
		if (s->out.ts_out)
			fclose(s->out.ts_out);
		if (s->out.pc_out)
			fclose(s->out.pc_out);
		remove_dir(tmp);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	s->check = check;
	s->interrupt = &interrupt_flag;
	struct progress pr = { zsim_wall_s(), 0, traces, ntr };
	if (!quiet && !json && isatty(2)) {
		s->progress = show_progress;
		s->progress_ctx = &pr;
	}
	double t0 = zsim_wall_s();
	rc = zsim_sim_run(s, err, sizeof(err));
	double dt = zsim_wall_s() - t0;
	if (s->progress)
		fputs("\r\033[K", stderr);
	int sig = interrupt_flag;
	bool intr = sig != 0;
	struct zsim_baseline base = { 0 };
	bool have_base = false;
	if ((rc < 0 || intr) && bg.pid > 0)
		baseline_stop(&bg);   /* no use for it any more */
	if (rc == 0 && !intr && ro.baseline) {
		int brc = bg.pid > 0 ? baseline_collect(&bg, &base, err, sizeof(err))
				     : run_baseline(&cfg, traces, ntr, &base, err, sizeof(err));
		sig = interrupt_flag;
		intr = sig != 0;
		if (brc < 0 && !intr) {
			fprintf(stderr, "zsim: --baseline: %s\n", err);
			fclose(s->out.events_out);
			fclose(s->out.ts_out);
			fclose(s->out.pc_out);
			remove_dir(tmp);
			zsim_sim_free(s);
			free(s);
			return ZSIM_EXIT_ERROR;
		}
		have_base = brc == 0;
	}
	zsim_results_finish(s);
	if (rc < 0 && !intr) {
		fprintf(stderr, "zsim: %s\n", err);
		fclose(s->out.events_out);
		fclose(s->out.ts_out);
		fclose(s->out.pc_out);
		remove_dir(tmp);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	struct zsim_run_info ri = { traces, out, intr, have_base ? &base : NULL, ro.all_processes };
	json_t *sum = zsim_summary(s, &ri);
	snprintf(path, sizeof(path), "%s/summary.json", tmp);
	bool ok = json_dump_file(sum, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
	json_t *perf = json_object();
	json_object_set_new(perf, "wall_s", json_real(dt));
	json_object_set_new(perf, "trace_events", json_integer((json_int_t)s->vm.nr_events));
	json_object_set_new(perf, "events_per_s", json_real(dt > 0 ? (double)s->vm.nr_events / dt : 0));
	json_object_set_new(perf, "page_accesses_per_s", json_real(dt > 0 ? (double)s->vm.nr_accesses / dt : 0));
	struct zsim_tctl_wall wall = { 0, 0 };
	for (unsigned d = 0; d < s->cfg.nr_dev; d++)
		zsim_tier_control(s->dev.devtier[d], ZSIM_TCTL_WALL, &wall);
	uint64_t codec_ns = wall.codec_ns, content_ns = wall.content_ns;
	json_object_set_new(perf, "codec_wall_s", json_real((double)codec_ns / 1e9));
	json_object_set_new(perf, "content_wall_s", json_real((double)content_ns / 1e9));
	json_object_set_new(perf, "codec_share", json_real(dt > 0 ? (double)codec_ns / 1e9 / dt : 0));
	/* the resolved config beside the results (zsim report shows it) */
	snprintf(path, sizeof(path), "%s/config.json", tmp);
	FILE *cf = fopen(path, "w");
	char *cfgtxt = zsim_config_dump(&cfg);
	ok &= cf && fprintf(cf, "%s\n", cfgtxt) >= 0;
	ok &= cf && fclose(cf) == 0;
	free(cfgtxt);
	snprintf(path, sizeof(path), "%s/perf.json", tmp);
	ok &= json_dump_file(perf, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
	json_decref(perf);
	ok &= !ferror(s->out.events_out) && !ferror(s->out.ts_out) && !ferror(s->out.pc_out);
	ok &= fclose(s->out.events_out) == 0;
	ok &= fclose(s->out.ts_out) == 0;
	ok &= fclose(s->out.pc_out) == 0;
	s->out.events_out = s->out.ts_out = s->out.pc_out = NULL;
	const char *why = NULL;
	if (ok && lstat(out, &st) == 0) {
		/* the earlier results go first; if they cannot all be removed they are
		 * put back and the run fails, so nothing is left half-replaced */
		char old[4300];
		snprintf(old, sizeof(old), "%s.old.%ld", out, (long)getpid());
		if (!flat_dir(out)) {
			errno = ENOTEMPTY;
			why = "cannot remove the earlier results (they hold more than zsim's files)";
			ok = false;
		} else {
			ok = rename(out, old) == 0;
		}
		if (ok && zsim_remove_dir(old) < 0) {
			int e = errno;
			rename(old, out);
			errno = e;
			ok = false;
			why = "cannot remove the earlier results";
		}
	}
	if (!ok || rename(tmp, out) != 0) {
		fprintf(stderr, "zsim: --out %s: %s: %s\n", out, why ? why : "cannot write the results",
			strerror(errno));
		remove_dir(tmp);
		json_decref(sum);
		zsim_baseline_free(&base);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	if (!strcmp(ro.format, "csv")) {
		struct zsim_flat f;
		if (zsim_flat_load(out, &f, err, sizeof(err)) == 0) {
			puts("key,value");
			for (size_t i = 0; i < f.n; i++)
				printf("%s,%.17g\n", f.key[i], f.val[i]);
			zsim_flat_free(&f);
		}
	} else if (json) {
		char *txt = json_dumps(sum, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		puts(txt);
		free(txt);
	} else if (!quiet) {
		zsim_print_summary(stdout, s, &ri);
	}
	zsim_tmp_del(tmp);
	json_decref(sum);
	bool bad = zsim_results_bad_outcome(s);
	zsim_baseline_free(&base);
	zsim_sim_free(s);
	free(s);
	if (intr)
		return 128 + sig;
	return bad && !ro.no_fail_outcome ? ZSIM_EXIT_OUTCOME : ZSIM_EXIT_OK;
}
