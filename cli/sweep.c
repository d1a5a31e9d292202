/*
 * sweep.c - `zsim sweep SPEC.json`: a grid of configs x trace sets x seeds,
 * each run a child `zsim run` on every core, resumable, merged into one table.
 *
 * The spec (a JSON object; relative paths are relative to the spec's own
 * directory):
 *
 *   { "base":   "configs/zram+ssd.json",          the config every run starts from
 *     "traces": [ "a.trc", ["b.trc", "c.trc"] ],  trace sets: a file, or files run together
 *     "seeds":  [ 1, 2 ],                          optional: --seed per run (else the config's)
 *     "grid":   { "machine.ram": ["512M", "1G"],   config keys (--set paths) and their values
 *                 "devices.zram0.comp": ["lz4", "zstd"] },
 *     "set":    { "mm.swappiness": 100 },          optional: the same override for every run
 *     "goals":  "oom>0, p99>50ms",                 optional: rules (zsim compare --fail-on's
 *                                                  language, absolute only) a run fails
 *     "out":    "sweep-out" }                      optional: the output directory
 *
 * The runs are the product grid x traces x seeds (the first grid key varies
 * slowest, the seed fastest).  Each gets a stable name: its values, made safe
 * for a file name and cut to 48 characters, then '-' and 16 hex digits of a
 * hash (XXH64) of the values, the trace set as written and the seed, so the
 * same run has the same name on every machine and in every later sweep that
 * contains it.  The whole spec is checked before anything runs: every grid
 * value and every run's whole config go through the config layer (parsed,
 * not simulated), trace files must be readable, goals must parse; the first
 * error is one line naming the spec and the JSON path.
 *
 * Output directory: runs/ID/ (each run's results directory, as `zsim run`
 * writes it), logs/ID.log (its stderr), spec.json (the spec with absolute
 * paths: what --merge, --only and the emitted jobs read), sweep.csv and
 * sweep.json (the merged table).  A run whose results are complete is skipped
 * (resume); exit status 4 of a run (an OOM kill, lost writes) is an outcome,
 * any other failure is listed at the end and makes the sweep exit 1.
 *
 * --emit parallel | slurm writes a GNU parallel job file (one `zsim sweep
 * spec.json --only ID` per line) or a Slurm array job (sweep.sbatch, with
 * runs.txt indexed by SLURM_ARRAY_TASK_ID) instead of running; both assume
 * the output directory, the traces, the configs and the zsim binary are at
 * the same paths on every machine (a shared filesystem).  --merge DIR then
 * rebuilds the table from DIR/runs/.
 *
 * Table: columns run, each grid key, traces, seed, status ("ok", "outcome":
 * completed with an OOM kill or lost writes, "missing": no complete
 * results), goals_failed (with goals: how many rules the run breaks), then
 * every number of the runs' flattened summaries (compare.h) in the order of
 * first appearance, runs in spec order; a run without a key leaves its cell
 * empty.  Nothing in it depends on paths, timing or the order runs finished,
 * so the same spec gives the same bytes at -j1, -j8, or through Slurm.
 */
#include "cli.h"
#include "compare.h"
#include "sweep.h"
#include "../core/options.h"
#include "../sim/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#define SWEEP_NAME_MAX 48      /* readable part of a run's name */
#define SWEEP_PROGRESS_S 5.0   /* progress line period when stderr is not a terminal */

/* ---- jobs: child processes ---- */

bool zsim_job_done(const char *dir)
{
	char path[4300];
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	json_error_t je;
	json_t *s = json_load_file(path, 0, &je);
	bool ok = json_is_object(s) && !json_is_true(json_object_get(s, "interrupted"));
	json_decref(s);
	return ok;
}

const char *zsim_self_exe(void)
{
	static char self[PATH_MAX];
	if (!*self) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			snprintf(self, sizeof(self), "zsim");
		else
			self[n] = '\0';
	}
	return self;
}

pid_t zsim_job_start(const struct zsim_job *j, char *err, size_t errlen)
{
	const char *self = zsim_self_exe();
	size_t max = 10 + 2 * ((size_t)j->nsets + j->ntraces), n = 0;   /* 9 fixed, with the NULL */
	const char **av = zsim_xcalloc(max, sizeof(*av));
	char seed[32];
	av[n++] = self;
	av[n++] = "run";
	av[n++] = "--config";
	av[n++] = j->config;
	for (unsigned i = 0; i < j->nsets; i++) {
		av[n++] = "--set";
		av[n++] = j->sets[i];
	}
	for (unsigned i = 0; i < j->ntraces; i++) {
		av[n++] = "--trace";
		av[n++] = j->traces[i];
	}
	if (j->has_seed) {
		snprintf(seed, sizeof(seed), "--seed=%llu", (unsigned long long)j->seed);
		av[n++] = seed;
	}
	av[n++] = "--out";
	av[n++] = j->out;
	av[n++] = "--quiet";
	av[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		free(av);
		return -1;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = j->log ? open(j->log, O_WRONLY | O_CREAT | O_TRUNC, 0666) : open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
			dprintf(out >= 0 ? out : 2, "zsim sweep: cannot open %s: %s\n", j->log ? j->log : "/dev/null",
				strerror(errno));
			_exit(ZSIM_EXIT_ERROR);
		}
		close(in);
		close(out);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(self, (char *const *)av);
		fprintf(stderr, "zsim sweep: cannot run %s: %s\n", self, strerror(errno));
		_exit(127);
	}
	free(av);
	return pid;
}

static int wait_status(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : 255;
}

int zsim_job_run(const struct zsim_job *j, volatile int *stop, char *err, size_t errlen)
{
	pid_t pid = zsim_job_start(j, err, errlen);
	if (pid < 0)
		return -1;
	int ws;
	bool termed = false;
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (stop && *stop && !termed) {
			kill(pid, SIGTERM);
			termed = true;
		}
	}
	return wait_status(ws);
}

static volatile int sweep_signal;

static void fmt_secs(char *buf, size_t len, double s)
{
	if (s < 60)
		snprintf(buf, len, "%.0f s", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

struct prog {
	bool on, tty;
	double t0, last, run_sum;
	size_t n, finished, skipped, failed, ran;
	unsigned running, workers;
};

static void prog_show(struct prog *p, bool final)
{
	if (!p->on)
		return;
	double now = zsim_wall_s();
	if (!final && !p->tty && now - p->last < SWEEP_PROGRESS_S)
		return;
	p->last = now;
	char eta[32] = "-";
	size_t left = p->n - p->finished;
	if (p->ran && left) {
		/* each worker still has its share of the runs left, at the mean run time */
		double w = (double)(left < p->workers ? left : p->workers);
		fmt_secs(eta, sizeof(eta), p->run_sum / (double)p->ran * (double)left / w);
	} else if (!left) {
		snprintf(eta, sizeof(eta), "0 s");
	}
	char el[32];
	fmt_secs(el, sizeof(el), now - p->t0);
	fprintf(stderr, "%szsim sweep: %zu/%zu runs done (%zu skipped as done before, %zu failed), %u running, "
		"%s elapsed, ETA %s%s", p->tty ? "\r" : "", p->finished, p->n, p->skipped, p->failed, p->running, el,
		eta, p->tty ? (final ? "\033[K\n" : "\033[K") : "\n");
}

int zsim_jobs_run(const struct zsim_job *jobs, size_t n, unsigned workers, bool force, bool progress,
		  struct zsim_job_status *st)
{
	if (!workers) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		workers = c > 0 ? (unsigned)c : 1;
	}
	pid_t *pid = zsim_xcalloc(workers, sizeof(*pid));
	size_t *idx = zsim_xcalloc(workers, sizeof(*idx));
	double *t0 = zsim_xcalloc(workers, sizeof(*t0));
	struct prog p = { progress, isatty(2), zsim_wall_s(), 0, 0, n, 0, 0, 0, 0, 0, workers };
	for (size_t i = 0; i < n; i++)
		st[i] = (struct zsim_job_status){ -1, false, 0, 0 };
	sweep_signal = 0;
	zsim_signals_install(&sweep_signal);
	size_t next = 0;
	bool forwarded = false;
	char err[256];
	for (;;) {
		while (!sweep_signal && p.running < workers && next < n) {
			size_t i = next++;
			if (!force && zsim_job_done(jobs[i].out)) {
				st[i].skipped = true;
				st[i].status = 0;
				p.finished++;
				p.skipped++;
				continue;
			}
			unsigned w = 0;
			while (pid[w])
				w++;
			pid[w] = zsim_job_start(&jobs[i], err, sizeof(err));
			if (pid[w] < 0) {
				pid[w] = 0;
				st[i].status = -1;
				p.finished++;
				p.failed++;
				if (jobs[i].log) {
					FILE *f = fopen(jobs[i].log, "w");
					if (f) {
						fprintf(f, "zsim sweep: %s\n", err);
						fclose(f);
					}
				}
				continue;
			}
			idx[w] = i;
			t0[w] = zsim_wall_s();
			p.running++;
		}
		prog_show(&p, false);
		if (!p.running)
			break;
		int ws;
		struct rusage ru;
		pid_t got = wait4(-1, &ws, 0, &ru);
		if (got < 0) {
			if (errno == EINTR) {
				if (sweep_signal && !forwarded) {
					forwarded = true;
					for (unsigned w = 0; w < workers; w++)
						if (pid[w])
							kill(pid[w], SIGTERM);
				}
				continue;
			}
			break;   /* ECHILD: nothing of ours left */
		}
		unsigned w = 0;
		while (w < workers && pid[w] != got)
			w++;
		if (w == workers)
			continue;   /* not one of ours */
		pid[w] = 0;
		p.running--;
		size_t i = idx[w];
		st[i].status = wait_status(ws);
		st[i].wall_s = zsim_wall_s() - t0[w];
		st[i].cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
			      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
		p.finished++;
		p.ran++;
		p.run_sum += st[i].wall_s;
		if (!zsim_job_completed(st[i].status) && !sweep_signal)
			p.failed++;
		if (sweep_signal && !forwarded) {
			forwarded = true;
			for (unsigned v = 0; v < workers; v++)
				if (pid[v])
					kill(pid[v], SIGTERM);
		}
	}
	if (p.n)
		prog_show(&p, true);
	zsim_signals_install(NULL);
	free(pid);
	free(idx);
	free(t0);
	return sweep_signal ? 128 + sweep_signal : 0;
}

/* ---- the spec ---- */

__attribute__((format(printf, 4, 5)))
static int spec_err(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", name, msg);
	zsim_one_line(err);
	return ZSIM_EFORMAT;
}

/* path made absolute against dir (a static-size buffer) */
static char *abs_path(const char *dir, const char *p)
{
	char buf[8192];
	if (p[0] == '/')
		snprintf(buf, sizeof(buf), "%s", p);
	else
		snprintf(buf, sizeof(buf), "%s/%s", dir, p);
	char *real = realpath(buf, NULL);
	return real ? real : zsim_xstrdup(buf);
}

/* A grid value as --set text: a string as is, anything else as JSON. */
static char *value_text(json_t *v)
{
	if (json_is_string(v))
		return zsim_xstrdup(json_string_value(v));
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!s)
		zsim_nomem(64);
	return s;
}

/* Load the base with these sets, dry: 0, or ZSIM_E* with the config layer's message in err. */
static int try_config(const char *base, const char *const *sets, unsigned nsets, char *err, size_t errlen)
{
	struct zsim_config *cfg = zsim_xmalloc(sizeof(*cfg));
	int rc = zsim_config_load_ex(base, sets, nsets, cfg, err, errlen);
	free(cfg);
	return rc;
}

/* The config layer names the base file first; drop it ("base.json: $.x: y" -> "$.x: y"). */
static const char *strip_base(const char *msg, const char *base)
{
	size_t n = strlen(base);
	if (!strncmp(msg, base, n) && !strncmp(msg + n, ": ", 2))
		return msg + n + 2;
	return msg;
}

static void safe_name(char *dst, size_t len, const char *src)
{
	size_t o = strlen(dst);
	for (; *src && o + 1 < len; src++)
		dst[o++] = (isalnum((unsigned char)*src) || *src == '.' || *src == '-') ? *src : '_';
	dst[o] = '\0';
}

static void name_runs(struct zsim_sweep *sw)
{
	for (size_t r = 0; r < sw->nruns; r++) {
		struct zsim_sweep_run *run = &sw->runs[r];
		XXH64_state_t *h = XXH64_createState();
		XXH64_reset(h, 0);
		char rd[256] = "";
		for (size_t k = 0; k < sw->nkeys; k++) {
			const char *v = sw->values[k][run->value[k]];
			XXH64_update(h, sw->keys[k], strlen(sw->keys[k]) + 1);
			XXH64_update(h, v, strlen(v) + 1);
			if (*rd)
				safe_name(rd, sizeof(rd), "_");
			safe_name(rd, sizeof(rd), v);
		}
		for (size_t f = 0; f < sw->nfixed; f++)
			XXH64_update(h, sw->fixed[f], strlen(sw->fixed[f]) + 1);
		const char *ts = sw->traceset_name[run->traceset];
		XXH64_update(h, "traces", 7);
		XXH64_update(h, ts, strlen(ts) + 1);
		if (sw->ntracesets > 1) {
			char t[32];
			snprintf(t, sizeof(t), "_t%zu", run->traceset);
			safe_name(rd, sizeof(rd), t);
		}
		if (sw->nseeds) {
			char s[48];
			snprintf(s, sizeof(s), "seed=%llu", (unsigned long long)sw->seeds[run->seed]);
			XXH64_update(h, s, strlen(s) + 1);
			snprintf(s, sizeof(s), "_s%llu", (unsigned long long)sw->seeds[run->seed]);
			safe_name(rd, sizeof(rd), s);
		}
		rd[SWEEP_NAME_MAX] = '\0';
		snprintf(run->id, sizeof(run->id), "%.48s-%016llx", rd, (unsigned long long)XXH64_digest(h));
		XXH64_freeState(h);
	}
}

void zsim_sweep_free(struct zsim_sweep *sw)
{
	for (size_t k = 0; k < sw->nkeys; k++) {
		for (size_t v = 0; v < sw->nvalues[k]; v++)
			free(sw->values[k][v]);
		free(sw->values[k]);
		free(sw->keys[k]);
	}
	free(sw->keys);
	free(sw->values);
	free(sw->nvalues);
	for (size_t t = 0; t < sw->ntracesets; t++) {
		for (size_t i = 0; i < sw->ntraces[t]; i++)
			free(sw->traces[t][i]);
		free(sw->traces[t]);
		free(sw->traceset_name[t]);
	}
	free(sw->traces);
	free(sw->ntraces);
	free(sw->traceset_name);
	for (size_t f = 0; f < sw->nfixed; f++)
		free(sw->fixed[f]);
	free(sw->fixed);
	for (size_t r = 0; r < sw->nruns; r++) {
		free(sw->runs[r].value);
		for (unsigned s = 0; s < sw->runs[r].nsets; s++)
			free(sw->runs[r].sets[s]);
		free(sw->runs[r].sets);
	}
	free(sw->runs);
	free(sw->seeds);
	free(sw->goals);
	free(sw->out);
	free(sw->base);
	free(sw->name);
	memset(sw, 0, sizeof(*sw));
}

#define SWEEP_MAX_RUNS 1000000

int zsim_sweep_from_json(json_t *spec, const char *name, const char *dir, struct zsim_sweep *sw, char *err,
			 size_t errlen)
{
	memset(sw, 0, sizeof(*sw));
	sw->name = zsim_xstrdup(name);
	char msg[1024];
	int rc = ZSIM_EFORMAT;
	if (!json_is_object(spec)) {
		spec_err(err, errlen, name, "$: expected a JSON object (base, traces, grid; seeds, set, goals, out)");
		goto fail;
	}
	static const char *const known[] = { "base", "traces", "trace_names", "seeds", "grid", "set", "goals", "out",
					     "comment", NULL };
	const char *k;
	json_t *v;
	json_object_foreach(spec, k, v) {
		const char *const *q = known;
		while (*q && strcmp(*q, k))
			q++;
		if (!*q) {
			spec_err(err, errlen, name, "$.\"%s\": unknown key (known: base, traces, trace_names, seeds, grid, "
				 "set, goals, out, comment)", k);
			goto fail;
		}
	}
	/* base */
	v = json_object_get(spec, "base");
	if (!json_is_string(v) || !*json_string_value(v)) {
		spec_err(err, errlen, name, "$.base: expected the path of the config every run starts from");
		goto fail;
	}
	sw->base = abs_path(dir, json_string_value(v));
	if (zsim_in_check(sw->base, msg, sizeof(msg)) < 0 || access(sw->base, R_OK) != 0) {
		spec_err(err, errlen, name, "$.base: cannot read '%s': %s", json_string_value(v),
			 access(sw->base, R_OK) != 0 ? strerror(errno) : msg);
		goto fail;
	}
	if (try_config(sw->base, NULL, 0, msg, sizeof(msg)) < 0) {
		spec_err(err, errlen, name, "$.base: %s", msg);
		goto fail;
	}
	/* fixed sets */
	v = json_object_get(spec, "set");
	if (v && !json_is_object(v)) {
		spec_err(err, errlen, name, "$.set: expected an object of config keys and values");
		goto fail;
	}
	if (v) {
		json_t *e;
		json_object_foreach(v, k, e) {
			if (!json_is_string(e) && !json_is_number(e) && !json_is_boolean(e)) {
				spec_err(err, errlen, name, "$.set.\"%s\": expected a string, a number or a boolean", k);
				goto fail;
			}
			char *t = value_text(e);
			size_t len = strlen(k) + strlen(t) + 2;
			sw->fixed = zsim_xrealloc(sw->fixed, (sw->nfixed + 1) * sizeof(*sw->fixed));
			sw->fixed[sw->nfixed] = zsim_xmalloc(len);
			snprintf(sw->fixed[sw->nfixed++], len, "%s=%s", k, t);
			free(t);
			if (try_config(sw->base, (const char *const *)sw->fixed, (unsigned)sw->nfixed, msg,
				       sizeof(msg)) < 0) {
				spec_err(err, errlen, name, "$.set.\"%s\": %s", k, strip_base(msg, sw->base));
				goto fail;
			}
		}
	}
	/* grid */
	v = json_object_get(spec, "grid");
	if (!json_is_object(v)) {
		spec_err(err, errlen, name, "$.grid: expected an object: config key -> list of values");
		goto fail;
	}
	if (!json_object_size(v)) {
		spec_err(err, errlen, name, "$.grid: empty grid (expected at least one config key with a list of values)");
		goto fail;
	}
	size_t nk = json_object_size(v);
	sw->keys = zsim_xcalloc(nk, sizeof(*sw->keys));
	sw->values = zsim_xcalloc(nk, sizeof(*sw->values));
	sw->nvalues = zsim_xcalloc(nk, sizeof(*sw->nvalues));
	json_t *list;
	json_object_foreach(v, k, list) {
		size_t ki = sw->nkeys++;
		sw->keys[ki] = zsim_xstrdup(k);
		if (!*k || strchr(k, '=') || strchr(k, ' ')) {
			spec_err(err, errlen, name, "$.grid.\"%s\": not a config key (a JSON path such as machine.ram)", k);
			goto fail;
		}
		if (!json_is_array(list)) {
			spec_err(err, errlen, name, "$.grid.\"%s\": expected a list of values", k);
			goto fail;
		}
		if (!json_array_size(list)) {
			spec_err(err, errlen, name, "$.grid.\"%s\": empty list of values", k);
			goto fail;
		}
		sw->values[ki] = zsim_xcalloc(json_array_size(list), sizeof(**sw->values));
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e) {
			if (!json_is_string(e) && !json_is_number(e) && !json_is_boolean(e)) {
				spec_err(err, errlen, name, "$.grid.\"%s\"[%zu]: expected a string, a number or a boolean", k, i);
				goto fail;
			}
			char *t = value_text(e);
			sw->values[ki][sw->nvalues[ki]++] = t;
			for (size_t u = 0; u < i; u++)
				if (!strcmp(sw->values[ki][u], t)) {
					spec_err(err, errlen, name, "$.grid.\"%s\"[%zu]: '%s' is already in the list", k, i, t);
					goto fail;
				}
			size_t len = strlen(k) + strlen(t) + 2;
			char *set = zsim_xmalloc(len);
			snprintf(set, len, "%s=%s", k, t);
			const char **sets = zsim_xcalloc(sw->nfixed + 1, sizeof(*sets));
			for (size_t f = 0; f < sw->nfixed; f++)
				sets[f] = sw->fixed[f];
			sets[sw->nfixed] = set;
			int crc = try_config(sw->base, sets, (unsigned)sw->nfixed + 1, msg, sizeof(msg));
			free(sets);
			free(set);
			if (crc < 0) {
				spec_err(err, errlen, name, "$.grid.\"%s\"[%zu]: %s", k, i, strip_base(msg, sw->base));
				goto fail;
			}
		}
	}
	/* traces */
	v = json_object_get(spec, "traces");
	if (!json_is_array(v) || !json_array_size(v)) {
		spec_err(err, errlen, name, "$.traces: %s", json_is_array(v) ? "empty list of traces"
			 : "expected a list of trace files (each a path, or a list of paths run together)");
		goto fail;
	}
	sw->ntracesets = json_array_size(v);
	sw->traces = zsim_xcalloc(sw->ntracesets, sizeof(*sw->traces));
	sw->ntraces = zsim_xcalloc(sw->ntracesets, sizeof(*sw->ntraces));
	sw->traceset_name = zsim_xcalloc(sw->ntracesets, sizeof(*sw->traceset_name));
	for (size_t t = 0; t < sw->ntracesets; t++) {
		json_t *set = json_array_get(v, t);
		bool one = json_is_string(set);
		size_t n = one ? 1 : json_is_array(set) ? json_array_size(set) : 0;
		if (!n || n > 16) {
			spec_err(err, errlen, name, "$.traces[%zu]: expected a trace file or a list of 1 to 16 of them", t);
			goto fail;
		}
		sw->traces[t] = zsim_xcalloc(n, sizeof(**sw->traces));
		size_t nl = 1;
		for (size_t i = 0; i < n; i++) {
			json_t *p = one ? set : json_array_get(set, i);
			if (!json_is_string(p) || !*json_string_value(p)) {
				spec_err(err, errlen, name, "$.traces[%zu]%s: expected a trace file's path", t,
					 one ? "" : (snprintf(msg, sizeof(msg), "[%zu]", i), msg));
				goto fail;
			}
			sw->traces[t][sw->ntraces[t]++] = abs_path(dir, json_string_value(p));
			if (zsim_in_check(sw->traces[t][i], msg, sizeof(msg)) < 0 || access(sw->traces[t][i], R_OK) != 0) {
				char where[32] = "";
				if (!one)
					snprintf(where, sizeof(where), "[%zu]", i);
				spec_err(err, errlen, name, "$.traces[%zu]%s: cannot read '%s': %s", t, where,
					 json_string_value(p), access(sw->traces[t][i], R_OK) ? strerror(errno) : msg);
				goto fail;
			}
			nl += strlen(json_string_value(p)) + 1;
		}
		sw->traceset_name[t] = zsim_xcalloc(1, nl);
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(sw->traceset_name[t], "+");
			strcat(sw->traceset_name[t], json_string_value(one ? set : json_array_get(set, i)));
		}
	}
	/* trace_names: how the table (and the runs' names) call each set; default as written */
	v = json_object_get(spec, "trace_names");
	if (v) {
		if (!json_is_array(v) || json_array_size(v) != sw->ntracesets) {
			spec_err(err, errlen, name, "$.trace_names: expected a list of %zu names, one per trace set",
				 sw->ntracesets);
			goto fail;
		}
		for (size_t t = 0; t < sw->ntracesets; t++) {
			json_t *e = json_array_get(v, t);
			if (!json_is_string(e) || !*json_string_value(e)) {
				spec_err(err, errlen, name, "$.trace_names[%zu]: expected a name", t);
				goto fail;
			}
			free(sw->traceset_name[t]);
			sw->traceset_name[t] = zsim_xstrdup(json_string_value(e));
		}
	}
	/* seeds */
	v = json_object_get(spec, "seeds");
	if (v) {
		if (!json_is_array(v) || !json_array_size(v)) {
			spec_err(err, errlen, name, "$.seeds: %s", json_is_array(v) ? "empty list of seeds"
				 : "expected a list of seeds (non-negative integers)");
			goto fail;
		}
		sw->seeds = zsim_xcalloc(json_array_size(v), sizeof(*sw->seeds));
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (!json_is_integer(e) || json_integer_value(e) < 0) {
				spec_err(err, errlen, name, "$.seeds[%zu]: expected a non-negative integer", i);
				goto fail;
			}
			sw->seeds[i] = (uint64_t)json_integer_value(e);
			for (size_t u = 0; u < i; u++)
				if (sw->seeds[u] == sw->seeds[i]) {
					spec_err(err, errlen, name, "$.seeds[%zu]: seed %llu is already in the list", i,
						 (unsigned long long)sw->seeds[i]);
					goto fail;
				}
			sw->nseeds++;
		}
	}
	/* goals */
	v = json_object_get(spec, "goals");
	if (v) {
		struct zsim_rule *rules = NULL;
		size_t nr = 0;
		if (!json_is_string(v)) {
			spec_err(err, errlen, name, "$.goals: expected rules as zsim compare --fail-on takes them "
				 "(\"oom>0, p99>50ms\")");
			goto fail;
		}
		if (zsim_failon_parse(json_string_value(v), &rules, &nr, msg, sizeof(msg)) < 0) {
			spec_err(err, errlen, name, "$.goals: %s", msg);
			goto fail;
		}
		for (size_t i = 0; i < nr; i++)
			if (rules[i].relative) {
				spec_err(err, errlen, name, "$.goals: '%s' is relative; a sweep's goals are thresholds on "
					 "each run (no leading sign, no %%)", rules[i].text);
				free(rules);
				goto fail;
			}
		free(rules);
		sw->goals = zsim_xstrdup(json_string_value(v));
	}
	/* out */
	v = json_object_get(spec, "out");
	if (v) {
		if (!json_is_string(v) || !*json_string_value(v)) {
			spec_err(err, errlen, name, "$.out: expected a directory name");
			goto fail;
		}
		sw->out = abs_path(dir, json_string_value(v));
	}
	/* the runs */
	size_t nruns = sw->ntracesets * (sw->nseeds ? sw->nseeds : 1);
	for (size_t ki = 0; ki < sw->nkeys; ki++) {
		if (nruns * sw->nvalues[ki] > SWEEP_MAX_RUNS) {
			spec_err(err, errlen, name, "$.grid: more than %d runs", SWEEP_MAX_RUNS);
			goto fail;
		}
		nruns *= sw->nvalues[ki];
	}
	sw->runs = zsim_xcalloc(nruns, sizeof(*sw->runs));
	for (size_t r = 0; r < nruns; r++) {
		struct zsim_sweep_run *run = &sw->runs[sw->nruns++];
		size_t x = r, ns = sw->nseeds ? sw->nseeds : 1;
		run->seed = x % ns;
		x /= ns;
		run->traceset = x % sw->ntracesets;
		x /= sw->ntracesets;
		run->value = zsim_xcalloc(sw->nkeys, sizeof(*run->value));
		for (size_t ki = sw->nkeys; ki-- > 0;) {
			run->value[ki] = x % sw->nvalues[ki];
			x /= sw->nvalues[ki];
		}
		run->nsets = (unsigned)(sw->nfixed + sw->nkeys);
		run->sets = zsim_xcalloc(run->nsets, sizeof(*run->sets));
		for (size_t f = 0; f < sw->nfixed; f++)
			run->sets[f] = zsim_xstrdup(sw->fixed[f]);
		for (size_t ki = 0; ki < sw->nkeys; ki++) {
			const char *t = sw->values[ki][run->value[ki]];
			size_t len = strlen(sw->keys[ki]) + strlen(t) + 2;
			run->sets[sw->nfixed + ki] = zsim_xmalloc(len);
			snprintf(run->sets[sw->nfixed + ki], len, "%s=%s", sw->keys[ki], t);
		}
		/* the whole config of each distinct combination (seeds and traces do not change it) */
		if (run->seed == 0 && run->traceset == 0 &&
		    try_config(sw->base, (const char *const *)run->sets, run->nsets, msg, sizeof(msg)) < 0) {
			char combo[512] = "";
			for (size_t ki = 0; ki < sw->nkeys; ki++)
				snprintf(combo + strlen(combo), sizeof(combo) - strlen(combo), "%s%s",
					 ki ? ", " : "", run->sets[sw->nfixed + ki]);
			spec_err(err, errlen, name, "$.grid: the run %s: %s", combo, strip_base(msg, sw->base));
			goto fail;
		}
	}
	name_runs(sw);
	return 0;
fail:
	zsim_sweep_free(sw);
	return rc;
}

int zsim_sweep_load(const char *path, struct zsim_sweep *sw, char *err, size_t errlen)
{
	char msg[512];
	memset(sw, 0, sizeof(*sw));
	if (zsim_in_check(path, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "%s", msg);
		return ZSIM_EINVAL;
	}
	json_error_t je;
	json_t *spec = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!spec) {
		if (je.line > 0)
			snprintf(err, errlen, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
		else
			snprintf(err, errlen, "%s: %s", path, je.text);
		zsim_one_line(err);
		return ZSIM_EFORMAT;
	}
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1, path);
	else if (!getcwd(dir, sizeof(dir)))
		snprintf(dir, sizeof(dir), ".");
	int rc = zsim_sweep_from_json(spec, path, dir, sw, err, errlen);
	json_decref(spec);
	return rc;
}

json_t *zsim_sweep_to_json(const struct zsim_sweep *sw)
{
	json_t *o = json_object();
	json_object_set_new(o, "base", json_string(sw->base));
	json_t *tr = json_array();
	for (size_t t = 0; t < sw->ntracesets; t++) {
		json_t *set = json_array();
		for (size_t i = 0; i < sw->ntraces[t]; i++)
			json_array_append_new(set, json_string(sw->traces[t][i]));
		json_array_append_new(tr, set);
	}
	json_object_set_new(o, "traces", tr);
	/* the trace sets' names as the original spec wrote them (they name the runs) */
	json_t *names = json_array();
	for (size_t t = 0; t < sw->ntracesets; t++)
		json_array_append_new(names, json_string(sw->traceset_name[t]));
	json_object_set_new(o, "trace_names", names);
	if (sw->nseeds) {
		json_t *s = json_array();
		for (size_t i = 0; i < sw->nseeds; i++)
			json_array_append_new(s, json_integer((json_int_t)sw->seeds[i]));
		json_object_set_new(o, "seeds", s);
	}
	json_t *g = json_object();
	for (size_t k = 0; k < sw->nkeys; k++) {
		json_t *l = json_array();
		for (size_t v = 0; v < sw->nvalues[k]; v++)
			json_array_append_new(l, json_string(sw->values[k][v]));
		json_object_set_new(g, sw->keys[k], l);
	}
	json_object_set_new(o, "grid", g);
	if (sw->nfixed) {
		json_t *s = json_object();
		for (size_t f = 0; f < sw->nfixed; f++) {
			char *eq = strchr(sw->fixed[f], '=');
			char key[512];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - sw->fixed[f]), sw->fixed[f]);
			json_object_set_new(s, key, json_string(eq + 1));
		}
		json_object_set_new(o, "set", s);
	}
	if (sw->goals)
		json_object_set_new(o, "goals", json_string(sw->goals));
	if (sw->out)
		json_object_set_new(o, "out", json_string(sw->out));
	return o;
}

void zsim_sweep_job(const struct zsim_sweep *sw, size_t i, const char *dir, char *outbuf, char *logbuf,
		    struct zsim_job *j)
{
	const struct zsim_sweep_run *r = &sw->runs[i];
	snprintf(outbuf, 4200, "%.4000s/runs/%s", dir, r->id);
	snprintf(logbuf, 4200, "%.4000s/logs/%s.log", dir, r->id);
	*j = (struct zsim_job){ sw->base, (const char *const *)r->sets, r->nsets,
				(const char *const *)sw->traces[r->traceset], (unsigned)sw->ntraces[r->traceset],
				sw->nseeds > 0, sw->nseeds ? sw->seeds[r->seed] : 0, outbuf, logbuf };
}

/* ---- the merged table ---- */

static json_t *json_num(double x)
{
	if (x == floor(x) && fabs(x) < 9007199254740992.0)
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* Write path atomically: a temporary file renamed into place. */
static FILE *open_tmp(const char *path, char *tmp, size_t len, char *err, size_t errlen)
{
	snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
	else
		zsim_tmp_add(tmp, false);
	return f;
}

static int close_tmp(FILE *f, const char *tmp, const char *path, char *err, size_t errlen)
{
	bool ok = !ferror(f);
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
		unlink(tmp);
		zsim_tmp_del(tmp);
		return ZSIM_ESYS;
	}
	zsim_tmp_del(tmp);
	return 0;
}

/* Every run's numbers (n = nruns; a missing run has an empty flat) and the union of their keys. */
struct table {
	struct zsim_flat *flat;
	bool *have;
	size_t nkeys;
	char **keys;
	struct zsim_rule *rules;
	size_t nrules;
};

static void table_free(struct table *t, size_t nruns)
{
	for (size_t r = 0; r < nruns; r++)
		zsim_flat_free(&t->flat[r]);
	free(t->flat);
	free(t->have);
	free(t->keys);   /* borrowed from the flats */
	free(t->rules);
}

static bool key_known(const struct table *t, const char *k)
{
	for (size_t i = 0; i < t->nkeys; i++)
		if (!strcmp(t->keys[i], k))
			return true;
	return false;
}

/* A column the table has before the summary's (the summary's "seed" is the seed column). */
static bool meta_column(const struct zsim_sweep *sw, const char *k)
{
	static const char *const meta[] = { "run", "traces", "seed", "status", "goals_failed" };
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(meta); i++)
		if (!strcmp(meta[i], k))
			return true;
	for (size_t i = 0; i < sw->nkeys; i++)
		if (!strcmp(sw->keys[i], k))
			return true;
	return false;
}

static int table_load(const struct zsim_sweep *sw, const char *dir, struct table *t, size_t *missing, char *err,
		      size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->flat = zsim_xcalloc(sw->nruns ? sw->nruns : 1, sizeof(*t->flat));
	t->have = zsim_xcalloc(sw->nruns ? sw->nruns : 1, sizeof(*t->have));
	*missing = 0;
	char path[4300], msg[1024];
	size_t cap = 0;
	for (size_t r = 0; r < sw->nruns; r++) {
		snprintf(path, sizeof(path), "%.4000s/runs/%s", dir, sw->runs[r].id);
		if (!zsim_job_done(path)) {
			(*missing)++;
			continue;
		}
		if (zsim_flat_load(path, &t->flat[r], msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s", msg);
			table_free(t, sw->nruns);
			return ZSIM_EFORMAT;
		}
		t->have[r] = true;
		for (size_t i = 0; i < t->flat[r].n; i++)
			if (!key_known(t, t->flat[r].key[i]) && !meta_column(sw, t->flat[r].key[i])) {
				if (t->nkeys == cap) {
					cap = cap ? 2 * cap : 256;
					t->keys = zsim_xrealloc(t->keys, cap * sizeof(*t->keys));
				}
				t->keys[t->nkeys++] = t->flat[r].key[i];
			}
	}
	if (sw->goals && zsim_failon_parse(sw->goals, &t->rules, &t->nrules, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "%s: $.goals: %s", sw->name, msg);
		table_free(t, sw->nruns);
		return ZSIM_EFORMAT;
	}
	return 0;
}

/* Does every goal name a key some run's summary has?  0, or ZSIM_EFORMAT
 * naming the goal (only checked once a run has results). */
static int goals_check(const struct zsim_sweep *sw, const struct table *t, char *err, size_t errlen)
{
	if (!t->nkeys)
		return 0;
	for (size_t g = 0; g < t->nrules; g++) {
		bool any = false;
		for (size_t i = 0; i < t->nkeys && !any; i++)
			any = zsim_rule_matches(t->rules[g].key, t->keys[i]);
		if (!any) {
			snprintf(err, errlen, "%s: $.goals: '%s': the runs' summaries have no key '%s' "
				 "(zsim run --format csv lists them)", sw->name, t->rules[g].text, t->rules[g].key);
			return ZSIM_EFORMAT;
		}
	}
	return 0;
}

static unsigned goals_failed(const struct table *t, size_t r)
{
	unsigned n = 0;
	for (size_t g = 0; g < t->nrules; g++) {
		bool bad = false;
		for (size_t i = 0; i < t->flat[r].n && !bad; i++)
			if (zsim_rule_matches(t->rules[g].key, t->flat[r].key[i]))
				bad = zsim_rule_violated(&t->rules[g], t->flat[r].val[i]);
		n += bad;
	}
	return n;
}

static const char *run_status(const struct table *t, size_t r)
{
	if (!t->have[r])
		return "missing";
	const double *oom = zsim_flat_get(&t->flat[r], "outcome.oom_kills");
	const double *lost = zsim_flat_get(&t->flat[r], "outcome.lost_writes");
	return (oom && *oom > 0) || (lost && *lost > 0) ? "outcome" : "ok";
}

int zsim_sweep_merge(const struct zsim_sweep *sw, const char *dir, size_t *missing, char *err, size_t errlen)
{
	struct table t;
	int rc = table_load(sw, dir, &t, missing, err, errlen);
	if (rc < 0)
		return rc;
	if ((rc = goals_check(sw, &t, err, errlen)) < 0) {
		table_free(&t, sw->nruns);
		return rc;
	}
	char path[4300], tmp[4400];
	snprintf(path, sizeof(path), "%.4000s/sweep.csv", dir);
	FILE *f = open_tmp(path, tmp, sizeof(tmp), err, errlen);
	if (!f) {
		table_free(&t, sw->nruns);
		return ZSIM_ESYS;
	}
	fputs("run", f);
	for (size_t k = 0; k < sw->nkeys; k++) {
		fputc(',', f);
		zsim_csv_field(f, sw->keys[k]);
	}
	fputs(",traces,seed,status", f);
	if (sw->goals)
		fputs(",goals_failed", f);
	for (size_t k = 0; k < t.nkeys; k++) {
		fputc(',', f);
		zsim_csv_field(f, t.keys[k]);
	}
	fputc('\n', f);
	json_t *rows = json_array();
	for (size_t r = 0; r < sw->nruns; r++) {
		const struct zsim_sweep_run *run = &sw->runs[r];
		json_t *row = json_object(), *params = json_object(), *sum = json_object();
		zsim_csv_field(f, run->id);
		json_object_set_new(row, "run", json_string(run->id));
		for (size_t k = 0; k < sw->nkeys; k++) {
			fputc(',', f);
			zsim_csv_field(f, sw->values[k][run->value[k]]);
			json_object_set_new(params, sw->keys[k], json_string(sw->values[k][run->value[k]]));
		}
		json_object_set_new(row, "params", params);
		fputc(',', f);
		zsim_csv_field(f, sw->traceset_name[run->traceset]);
		json_object_set_new(row, "traces", json_string(sw->traceset_name[run->traceset]));
		if (sw->nseeds) {
			fprintf(f, ",%llu", (unsigned long long)sw->seeds[run->seed]);
			json_object_set_new(row, "seed", json_integer((json_int_t)sw->seeds[run->seed]));
		} else {
			/* the config's own seed, as the run's summary reports it */
			const double *sd = t.have[r] ? zsim_flat_get(&t.flat[r], "seed") : NULL;
			fputc(',', f);
			if (sd)
				fprintf(f, "%.17g", *sd);
			json_object_set_new(row, "seed", sd ? json_num(*sd) : json_null());
		}
		const char *status = run_status(&t, r);
		fprintf(f, ",%s", status);
		json_object_set_new(row, "status", json_string(status));
		if (sw->goals) {
			if (t.have[r]) {
				unsigned g = goals_failed(&t, r);
				fprintf(f, ",%u", g);
				json_object_set_new(row, "goals_failed", json_integer(g));
			} else {
				fputc(',', f);
				json_object_set_new(row, "goals_failed", json_null());
			}
		}
		for (size_t k = 0; k < t.nkeys; k++) {
			const double *x = t.have[r] ? zsim_flat_get(&t.flat[r], t.keys[k]) : NULL;
			fputc(',', f);
			if (x) {
				fprintf(f, "%.17g", *x);
				json_object_set_new(sum, t.keys[k], json_num(*x));
			}
		}
		fputc('\n', f);
		json_object_set_new(row, "summary", sum);
		json_array_append_new(rows, row);
	}
	rc = close_tmp(f, tmp, path, err, errlen);
	if (rc == 0) {
		json_t *root = json_object();
		json_t *cols = json_array();
		json_array_append_new(cols, json_string("run"));
		for (size_t k = 0; k < sw->nkeys; k++)
			json_array_append_new(cols, json_string(sw->keys[k]));
		json_array_append_new(cols, json_string("traces"));
		json_array_append_new(cols, json_string("seed"));
		json_array_append_new(cols, json_string("status"));
		if (sw->goals)
			json_array_append_new(cols, json_string("goals_failed"));
		for (size_t k = 0; k < t.nkeys; k++)
			json_array_append_new(cols, json_string(t.keys[k]));
		json_object_set_new(root, "columns", cols);
		if (sw->goals)
			json_object_set_new(root, "goals", json_string(sw->goals));
		json_object_set_new(root, "runs", rows);
		rows = NULL;
		snprintf(path, sizeof(path), "%.4000s/sweep.json", dir);
		f = open_tmp(path, tmp, sizeof(tmp), err, errlen);
		if (!f)
			rc = ZSIM_ESYS;
		else {
			rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', f) != EOF ? 0 : ZSIM_ESYS;
			int crc = close_tmp(f, tmp, path, err, errlen);
			if (rc == 0)
				rc = crc;
			else
				snprintf(err, errlen, "cannot write %s", path);
		}
		json_decref(root);
	}
	json_decref(rows);
	table_free(&t, sw->nruns);
	return rc;
}

/* ---- plots: a summary key against a grid key, one line per value of another ---- */

static int grid_key(const struct zsim_sweep *sw, const char *k)
{
	for (size_t i = 0; i < sw->nkeys; i++)
		if (!strcmp(sw->keys[i], k))
			return (int)i;
	return -1;
}

static void gp_str(FILE *gp, const char *s)
{
	fputc('"', gp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', gp);
		fputc(*s, gp);
	}
	fputc('"', gp);
}

/*
 * spec "X,Y[,BY]": Y (a summary key, or an alias/glob/last component naming
 * exactly one) against grid key X, a line per value of grid key BY; each
 * point is the mean over the runs that share its X and BY values (other grid
 * keys, trace sets and seeds).  X's values are a numeric axis when they all
 * read as sizes (in MiB) or numbers, else categories in grid order.  Writes
 * DIR/plots/Y-vs-X[-by-BY].{fmt} and keeps the gnuplot script and data beside
 * it.  The written file's path goes to out.
 */
static int sweep_plot(const struct zsim_sweep *sw, const char *dir, const char *spec, const char *fmt, char *out,
		      size_t outlen, char *err, size_t errlen)
{
	char buf[512], *parts[3] = { NULL, NULL, NULL };
	snprintf(buf, sizeof(buf), "%s", spec);
	size_t np = 0;
	for (char *p = buf; p && np < 3;) {
		parts[np++] = p;
		p = strchr(p, ',');
		if (p)
			*p++ = '\0';
	}
	if (np < 2 || strchr(spec, ',') == NULL || (np == 3 && strchr(parts[2], ','))) {
		snprintf(err, errlen, "--plot '%s': expected X,Y or X,Y,BY (X and BY grid keys, Y a summary key)", spec);
		return ZSIM_EFORMAT;
	}
	int xk = grid_key(sw, parts[0]), bk = np == 3 ? grid_key(sw, parts[2]) : -1;
	if (xk < 0 || (np == 3 && bk < 0)) {
		snprintf(err, errlen, "--plot '%s': '%s' is not a key of the grid", spec, xk < 0 ? parts[0] : parts[2]);
		return ZSIM_EFORMAT;
	}
	struct table t;
	size_t missing;
	int rc = table_load(sw, dir, &t, &missing, err, errlen);
	if (rc < 0)
		return rc;
	const char *y = NULL;
	size_t nmatch = 0;
	for (size_t k = 0; k < t.nkeys; k++)
		if (!strcmp(t.keys[k], parts[1])) {
			y = t.keys[k];
			nmatch = 1;
			break;
		}
	if (!y) {
		char list[256] = "";
		for (size_t k = 0; k < t.nkeys; k++)
			if (zsim_rule_matches(parts[1], t.keys[k])) {
				if (nmatch++ < 4)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", nmatch > 1 ? ", " : "",
						 t.keys[k]);
				y = t.keys[k];
			}
		if (nmatch != 1) {
			snprintf(err, errlen, "--plot '%s': %s", spec, !nmatch ? "no run's summary has this Y key" : "");
			if (nmatch)
				snprintf(err, errlen, "--plot '%s': '%s' names %zu keys (%s%s); name one", spec, parts[1],
					 nmatch, list, nmatch > 4 ? ", ..." : "");
			table_free(&t, sw->nruns);
			return ZSIM_EFORMAT;
		}
	}
	/* the X axis */
	size_t nx = sw->nvalues[xk];
	double *xv = zsim_xcalloc(nx, sizeof(*xv));
	bool numeric = true, sizes = false;
	for (size_t i = 0; i < nx && numeric; i++) {
		const char *s = sw->values[xk][i];
		char *end;
		double d = strtod(s, &end);
		uint64_t b;
		if (*s && !*end)
			xv[i] = d;
		else if (zsim_parse_size(s, &b) == 0) {
			xv[i] = (double)b;
			sizes = true;
		} else
			numeric = false;
	}
	if (sizes) {   /* then every value is a size: plain numbers are bytes */
		for (size_t i = 0; i < nx; i++) {
			uint64_t b;
			if (zsim_parse_size(sw->values[xk][i], &b) == 0)
				xv[i] = (double)b / 1048576.0;
		}
	}
	size_t nb = bk >= 0 ? sw->nvalues[bk] : 1;
	char plots[4300], base[600], dat[5000], gpath[5000];
	snprintf(plots, sizeof(plots), "%.4000s/plots", dir);
	mkdir(plots, 0777);
	char sx[128] = "", sy[128] = "", sb[128] = "";
	safe_name(sx, sizeof(sx), parts[0]);
	safe_name(sy, sizeof(sy), y);
	if (bk >= 0)
		safe_name(sb, sizeof(sb), parts[2]);
	snprintf(base, sizeof(base), "%s-vs-%s%s%s", sy, sx, bk >= 0 ? "-by-" : "", sb);
	snprintf(dat, sizeof(dat), "%s/%s.dat", plots, base);
	snprintf(gpath, sizeof(gpath), "%s/%s.gp", plots, base);
	snprintf(out, outlen, "%.4000s/%.600s.%s", plots, base, fmt);
	FILE *d = fopen(dat, "w"), *gp = fopen(gpath, "w");
	if (!d || !gp) {
		snprintf(err, errlen, "cannot write in %.900s: %s", plots, strerror(errno));
		if (d)
			fclose(d);
		if (gp)
			fclose(gp);
		free(xv);
		table_free(&t, sw->nruns);
		return ZSIM_ESYS;
	}
	/* one gnuplot data block per line: x, mean y, runs averaged */
	double ymin = INFINITY;
	for (size_t b = 0; b < nb; b++) {
		fprintf(d, "# %s\n", bk >= 0 ? sw->values[bk][b] : y);
		size_t *order = zsim_xcalloc(nx, sizeof(*order));
		for (size_t i = 0; i < nx; i++)
			order[i] = i;
		for (size_t i = 1; numeric && i < nx; i++)   /* insertion sort by x */
			for (size_t j = i; j > 0 && xv[order[j - 1]] > xv[order[j]]; j--) {
				size_t tmpi = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmpi;
			}
		for (size_t oi = 0; oi < nx; oi++) {
			size_t i = order[oi];
			double sum = 0;
			size_t cnt = 0;
			for (size_t r = 0; r < sw->nruns; r++) {
				if (!t.have[r] || sw->runs[r].value[xk] != i || (bk >= 0 && sw->runs[r].value[bk] != b))
					continue;
				const double *v = zsim_flat_get(&t.flat[r], y);
				if (v) {
					sum += *v;
					cnt++;
				}
			}
			if (cnt) {
				fprintf(d, "%.17g %.17g %zu\n", numeric ? xv[i] : (double)i, sum / (double)cnt, cnt);
				ymin = fmin(ymin, sum / (double)cnt);
			}
		}
		free(order);
		fputs("\n\n", d);
	}
	fclose(d);
	if (!strcmp(fmt, "png"))
		fputs("set terminal pngcairo size 900,560 font 'sans,10' noenhanced\n", gp);
	else
		fputs("set terminal svg size 900,560 font 'sans,10' noenhanced background '#ffffff'\n", gp);
	fputs("set output ", gp);
	gp_str(gp, out);
	char text[1024];   /* not buf: parts[] point into it */
	snprintf(text, sizeof(text), "%s against %s%s%s", y, parts[0], bk >= 0 ? ", a line per " : "",
		 bk >= 0 ? parts[2] : "");
	fputs("\nset title ", gp);
	gp_str(gp, text);
	snprintf(text, sizeof(text), "each point the mean over the other parameters; %zu of %zu runs",
		 sw->nruns - missing, sw->nruns);
	fputs(" . \"\\n\" . ", gp);
	gp_str(gp, text);
	fputs("\nset grid lc rgb '#dddddd'\nset key outside right top\nset xlabel ", gp);
	snprintf(text, sizeof(text), "%s%s", parts[0], sizes ? " (MiB)" : "");
	gp_str(gp, text);
	fputs("\nset ylabel ", gp);
	gp_str(gp, y);
	fputs("\nset offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n", gp);
	if (ymin >= 0)
		fputs("set yrange [0:*]\n", gp);
	if (!numeric) {
		fputs("set xtics (", gp);
		for (size_t i = 0; i < nx; i++) {
			fprintf(gp, "%s", i ? ", " : "");
			gp_str(gp, sw->values[xk][i]);
			fprintf(gp, " %zu", i);
		}
		fputs(")\n", gp);
	}
	fputs("plot ", gp);
	for (size_t b = 0; b < nb; b++) {
		fprintf(gp, "%s", b ? ", " : "");
		gp_str(gp, dat);
		fprintf(gp, " index %zu using 1:2 with linespoints pt 7 lw 2 title ", b);
		gp_str(gp, bk >= 0 ? sw->values[bk][b] : y);
	}
	fputs("\nunset output\n", gp);
	fclose(gp);
	free(xv);
	table_free(&t, sw->nruns);
	char cmd[10200], log[5000];
	snprintf(log, sizeof(log), "%s/%s.log", plots, base);
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' > '%s' 2>&1", gpath, log);
	int st = system(cmd);
	if (st != 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			snprintf(err, errlen, "--plot: gnuplot not found (make deps installs it)");
		else
			snprintf(err, errlen, "--plot: gnuplot failed (its messages: %.900s)", log);
		return ZSIM_ESYS;
	}
	unlink(log);
	return 0;
}

/* ---- the command ---- */

/* --grid KEY=V1,V2, --set KEY=VALUE, --trace FILE, repeatable: kept as given. */
#define SWEEP_MAX_ARGS 64
struct arg_list {
	const char *v[SWEEP_MAX_ARGS];
	unsigned n;
};

static int list_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct arg_list *l = field;
	(void)o;
	if (l->n == SWEEP_MAX_ARGS) {
		snprintf(err, errlen, "at most %d", SWEEP_MAX_ARGS);
		return ZSIM_EFORMAT;
	}
	if (!*val) {
		snprintf(err, errlen, "empty value");
		return ZSIM_EFORMAT;
	}
	l->v[l->n++] = val;
	return 0;
}

static const struct zsim_opt_type grid_type = { ZSIM_OPTK_CUSTOM, "KEY=V1,V2..", list_opt };
static const struct zsim_opt_type kv_type = { ZSIM_OPTK_CUSTOM, "KEY=VALUE", list_opt };
static const struct zsim_opt_type tracel_type = { ZSIM_OPTK_CUSTOM, "FILE", list_opt };
static const struct zsim_opt_type id_type = { ZSIM_OPTK_STRING, "ID", NULL };
static const struct zsim_opt_type kind_type = { ZSIM_OPTK_STRING, "KIND", NULL };
static const struct zsim_opt_type xy_type = { ZSIM_OPTK_CUSTOM, "X,Y[,BY]", list_opt };
static const struct zsim_opt_type seeds_type = { ZSIM_OPTK_STRING, "N,N..", NULL };

struct sweep_opts {
	uint64_t jobs;
	const char *out, *only, *merge, *emit, *config, *seeds;
	char format[ZSIM_OPT_NAME_MAX];
	struct arg_list grid, sets, traces, plots;
	bool list, check, force, quiet, help;
};

#define SW_OFF(f) offsetof(struct sweep_opts, f)
static const struct zsim_opt sweep_opts[] = {
	{ "jobs", ZSIM_OPT_COUNT, SW_OFF(jobs), "0", 0, 4096,
	  "runs at once, each its own process (0: one per online CPU)", 'j' },
	{ "out", ZSIM_OPT_DIR, SW_OFF(out), NULL, 0, 0,
	  "output directory (default: the spec's \"out\", else sweep-out)", 'o' },
	{ "force", ZSIM_OPT_FLAG, SW_OFF(force), NULL, 0, 0,
	  "run every run again, even those with complete results", 0 },
	{ "list", ZSIM_OPT_FLAG, SW_OFF(list), NULL, 0, 0,
	  "print the runs (name, done or not, parameters) and exit", 0 },
	{ "check", ZSIM_OPT_FLAG, SW_OFF(check), NULL, 0, 0,
	  "check the spec (every run's config) and exit", 0 },
	{ "only", &id_type, SW_OFF(only), NULL, 0, 0,
	  "run this one run of the spec (the emitted job files do); exit 0 when it completed", 0 },
	{ "emit", &kind_type, SW_OFF(emit), NULL, 0, 0,
	  "write jobs for another engine instead of running: parallel (GNU parallel) or slurm (sbatch array)", 0 },
	{ "merge", ZSIM_OPT_DIR, SW_OFF(merge), NULL, 0, 0,
	  "rebuild DIR/sweep.csv and sweep.json from DIR/spec.json and DIR/runs/ (no SPEC)", 0 },
	{ "plot", &xy_type, SW_OFF(plots), NULL, 0, 0,
	  "also plot summary key Y against grid key X, a line per value of BY (DIR/plots/; repeatable)", 0 },
	{ "format", ZSIM_OPT_NAME, SW_OFF(format), "png", 0, 0,
	  "--plot's format: png or svg", 0 },
	{ "config", ZSIM_OPT_FILE, SW_OFF(config), NULL, 0, 0,
	  "without SPEC: the base config (with --grid and --trace)", 0 },
	{ "grid", &grid_type, SW_OFF(grid), NULL, 0, 0,
	  "without SPEC: a config key and its values, comma-separated (repeatable)", 0 },
	{ "set", &kv_type, SW_OFF(sets), NULL, 0, 0,
	  "without SPEC: a config key set for every run (repeatable)", 0 },
	{ "trace", &tracel_type, SW_OFF(traces), NULL, 0, 0,
	  "without SPEC: a trace (repeatable: the traces run together, one trace set)", 0 },
	{ "seeds", &seeds_type, SW_OFF(seeds), NULL, 0, 0,
	  "without SPEC: the seeds, comma-separated", 0 },
	{ "quiet", ZSIM_OPT_FLAG, SW_OFF(quiet), NULL, 0, 0,
	  "no progress line, no closing summary (errors still)", 'q' },
	{ "help", ZSIM_OPT_FLAG, SW_OFF(help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void sweep_usage(FILE *out)
{
	fprintf(out,
		"usage: zsim sweep SPEC.json [options]\n"
		"       zsim sweep --config FILE --grid KEY=V1,V2 [--grid ...] --trace FILE [--seeds 1,2] [options]\n"
		"       zsim sweep --merge DIR [--plot X,Y[,BY]]\n"
		"Run a grid of configs x trace sets x seeds, one `zsim run` per core at a time, each\n"
		"into DIR/runs/NAME (a run with complete results is skipped: rerunning resumes), and\n"
		"merge every run's summary into DIR/sweep.csv and DIR/sweep.json.  SPEC:\n"
		"  { \"base\": \"configs/zram+ssd.json\", \"traces\": [\"a.trc\", [\"b.trc\", \"c.trc\"]],\n"
		"    \"seeds\": [1, 2], \"grid\": { \"machine.ram\": [\"512M\", \"1G\"], \"devices.zram0.comp\": [\"lz4\", \"zstd\"] },\n"
		"    \"set\": { \"mm.swappiness\": 100 }, \"goals\": \"oom>0\", \"out\": \"sweep-out\" }\n"
		"(paths relative to the spec; man zsim has the details).  Exit 0 when every run\n"
		"completed (an OOM kill is an outcome, not a failure), 1 when a run failed or a\n"
		"spec is bad, 2 on a bad command line.\n");
	zsim_opt_print(out, sweep_opts);
}

/* Split "a,b,c" into a JSON array of strings (numbers stay text: --set reads them). */
static json_t *comma_list(const char *s)
{
	json_t *a = json_array();
	const char *p = s;
	for (;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		if (!c)
			break;
		p = c + 1;
	}
	return a;
}

/* The command-line form as a spec object; NULL with err set. */
static json_t *spec_from_opts(const struct sweep_opts *o, char *err, size_t errlen)
{
	json_t *spec = json_object();
	json_object_set_new(spec, "base", json_string(o->config));
	json_t *set = json_array();
	for (unsigned i = 0; i < o->traces.n; i++)
		json_array_append_new(set, json_string(o->traces.v[i]));
	json_t *tr = json_array();
	if (o->traces.n)
		json_array_append_new(tr, set);
	else
		json_decref(set);
	json_object_set_new(spec, "traces", tr);
	json_t *grid = json_object();
	for (unsigned i = 0; i < o->grid.n; i++) {
		const char *eq = strchr(o->grid.v[i], '=');
		if (!eq || eq == o->grid.v[i]) {
			snprintf(err, errlen, "--grid '%s': expected KEY=V1,V2,...", o->grid.v[i]);
			json_decref(grid);
			json_decref(spec);
			return NULL;
		}
		char key[512];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - o->grid.v[i]), o->grid.v[i]);
		json_object_set_new(grid, key, *(eq + 1) ? comma_list(eq + 1) : json_array());
	}
	json_object_set_new(spec, "grid", grid);
	if (o->sets.n) {
		json_t *fixed = json_object();
		for (unsigned i = 0; i < o->sets.n; i++) {
			const char *eq = strchr(o->sets.v[i], '=');
			if (!eq || eq == o->sets.v[i]) {
				snprintf(err, errlen, "--set '%s': expected KEY=VALUE", o->sets.v[i]);
				json_decref(fixed);
				json_decref(spec);
				return NULL;
			}
			char key[512];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - o->sets.v[i]), o->sets.v[i]);
			json_object_set_new(fixed, key, json_string(eq + 1));
		}
		json_object_set_new(spec, "set", fixed);
	}
	if (o->seeds) {
		json_t *seeds = json_array();
		json_t *l = comma_list(o->seeds);
		size_t i;
		json_t *e;
		json_array_foreach(l, i, e) {
			uint64_t s;
			if (zsim_parse_u64(json_string_value(e), &s) < 0 || s > (uint64_t)INT64_MAX) {
				snprintf(err, errlen, "--seeds '%s': '%s' is not a seed (a non-negative integer)", o->seeds,
					 json_string_value(e));
				json_decref(l);
				json_decref(seeds);
				json_decref(spec);
				return NULL;
			}
			json_array_append_new(seeds, json_integer((json_int_t)s));
		}
		json_decref(l);
		json_object_set_new(spec, "seeds", seeds);
	}
	return spec;
}

/* Shell-quote s onto f: '...' with ' as '\''. */
static void sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static int mkdir_p(const char *dir, char *err, size_t errlen)
{
	char buf[4300];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
				snprintf(err, errlen, "cannot create %.1000s: %s", buf, strerror(errno));
				return ZSIM_ESYS;
			}
			*p = '/';
		}
	struct stat st;
	if (mkdir(buf, 0777) < 0 && (errno != EEXIST || stat(buf, &st) < 0 || !S_ISDIR(st.st_mode))) {
		snprintf(err, errlen, "cannot create %.1000s: %s", buf, errno == EEXIST ? "not a directory" : strerror(errno));
		return ZSIM_ESYS;
	}
	return 0;
}

/* The output directory, its runs/ and logs/, and spec.json (atomically). */
static int prepare_out(const struct zsim_sweep *sw, const char *dir, bool write_spec, char *err, size_t errlen)
{
	char p[4300], tmp[4400];
	int rc = mkdir_p(dir, err, errlen);
	snprintf(p, sizeof(p), "%.4000s/runs", dir);
	if (rc == 0)
		rc = mkdir_p(p, err, errlen);
	snprintf(p, sizeof(p), "%.4000s/logs", dir);
	if (rc == 0)
		rc = mkdir_p(p, err, errlen);
	if (rc < 0 || !write_spec)
		return rc;
	json_t *spec = zsim_sweep_to_json(sw);
	json_object_set_new(spec, "out", json_string(dir));
	snprintf(p, sizeof(p), "%.4000s/spec.json", dir);
	FILE *f = open_tmp(p, tmp, sizeof(tmp), err, errlen);
	if (!f)
		rc = ZSIM_ESYS;
	else {
		json_dumpf(spec, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', f);
		rc = close_tmp(f, tmp, p, err, errlen);
	}
	json_decref(spec);
	return rc;
}

static int emit_jobs(const struct zsim_sweep *sw, const char *dir, const char *kind, char *err, size_t errlen)
{
	char p[4300], tmp[4400], spec[4300];
	snprintf(spec, sizeof(spec), "%.4000s/spec.json", dir);
	const char *self = zsim_self_exe();
	int rc;
	if (!strcmp(kind, "parallel")) {
		snprintf(p, sizeof(p), "%.4000s/jobs.txt", dir);
		FILE *f = open_tmp(p, tmp, sizeof(tmp), err, errlen);
		if (!f)
			return ZSIM_ESYS;
		for (size_t r = 0; r < sw->nruns; r++) {
			sh_quote(f, self);
			fputs(" sweep ", f);
			sh_quote(f, spec);
			fputs(" --quiet --only ", f);
			sh_quote(f, sw->runs[r].id);
			fputc('\n', f);
		}
		if ((rc = close_tmp(f, tmp, p, err, errlen)) < 0)
			return rc;
		printf("wrote %s: %zu runs, one command per line.  Run them here with\n"
		       "  parallel --jobs 100%% < %s\n"
		       "or across machines that see these paths (shared filesystem: the traces, the\n"
		       "configs, %s and this directory), one host per line in HOSTS (':' is this one):\n"
		       "  parallel --sshloginfile HOSTS --jobs 100%% < %s\n"
		       "then merge the table:\n  %s sweep --merge %s\n", p, sw->nruns, p, self, p, self, dir);
		return 0;
	}
	if (!strcmp(kind, "slurm")) {
		snprintf(p, sizeof(p), "%.4000s/runs.txt", dir);
		FILE *f = open_tmp(p, tmp, sizeof(tmp), err, errlen);
		if (!f)
			return ZSIM_ESYS;
		for (size_t r = 0; r < sw->nruns; r++)
			fprintf(f, "%s\n", sw->runs[r].id);
		if ((rc = close_tmp(f, tmp, p, err, errlen)) < 0)
			return rc;
		char runs[4300];
		snprintf(runs, sizeof(runs), "%s", p);
		snprintf(p, sizeof(p), "%.4000s/sweep.sbatch", dir);
		f = open_tmp(p, tmp, sizeof(tmp), err, errlen);
		if (!f)
			return ZSIM_ESYS;
		fprintf(f, "#!/bin/sh\n"
			   "# zsim sweep --emit slurm: one array task per run of %s; the task's\n"
			   "# run is line SLURM_ARRAY_TASK_ID + 1 of runs.txt.  Every node must see these\n"
			   "# paths (a shared filesystem).  Submit: sbatch %s; then: zsim sweep --merge DIR\n"
			   "#SBATCH --job-name=zsim-sweep\n"
			   "#SBATCH --array=0-%zu\n"
			   "#SBATCH --ntasks=1\n"
			   "#SBATCH --cpus-per-task=1\n"
			   "#SBATCH --output=%s/logs/slurm-%%A_%%a.out\n"
			   "id=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" ", spec, p, sw->nruns - 1, dir);
		sh_quote(f, runs);
		fputs(")\n[ -n \"$id\" ] || { echo \"zsim sweep: no run $SLURM_ARRAY_TASK_ID in runs.txt\" >&2; exit 1; }\nexec ", f);
		sh_quote(f, self);
		fputs(" sweep ", f);
		sh_quote(f, spec);
		fputs(" --quiet --only \"$id\"\n", f);
		if ((rc = close_tmp(f, tmp, p, err, errlen)) < 0)
			return rc;
		chmod(p, 0755);
		printf("wrote %s (an array of %zu tasks) and %s.  Submit it with\n"
		       "  sbatch %s\n"
		       "(every node must see these paths: a shared filesystem), then merge the table:\n"
		       "  %s sweep --merge %s\n", p, sw->nruns, runs, p, self, dir);
		return 0;
	}
	snprintf(err, errlen, "--emit: unknown kind '%s' (known: parallel, slurm)", kind);
	return ZSIM_EINVAL;
}

/* The last line of a log, for the failure list. */
static void last_line(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "(no log)");
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[1024];
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n') {
			line[strcspn(line, "\r\n")] = '\0';
			snprintf(buf, len, "%.400s", line);
		}
	fclose(f);
}

static int merge_and_plot(const struct zsim_sweep *sw, const char *dir, const struct sweep_opts *o, bool quiet)
{
	char err[1024];
	size_t missing;
	if (zsim_sweep_merge(sw, dir, &missing, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim sweep: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	if (!quiet)
		printf("table: %s/sweep.csv, %s/sweep.json (%zu runs%s)\n", dir, dir, sw->nruns,
		       missing ? ", some without results" : "");
	for (unsigned i = 0; i < o->plots.n; i++) {
		char out[5000];
		if (sweep_plot(sw, dir, o->plots.v[i], o->format, out, sizeof(out), err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim sweep: %s\n", err);
			return ZSIM_EXIT_ERROR;
		}
		if (!quiet)
			printf("plot: %s\n", out);
	}
	if (missing) {
		for (size_t r = 0; r < sw->nruns; r++) {
			char p[4300];
			snprintf(p, sizeof(p), "%.4000s/runs/%s", dir, sw->runs[r].id);
			if (!zsim_job_done(p)) {
				fprintf(stderr, "zsim sweep: %s: %zu of %zu runs have no complete results (the first: %s)\n",
					dir, missing, sw->nruns, sw->runs[r].id);
				break;
			}
		}
		return ZSIM_EXIT_ERROR;
	}
	return ZSIM_EXIT_OK;
}

int zsim_cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o;
	char err[2048];
	memset(&o, 0, sizeof(o));
	const struct zsim_opt_set sets[] = { { sweep_opts, &o }, { NULL, NULL } };
	int npos = 0;
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim sweep: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (o.help) {
		sweep_usage(stdout);
		return ZSIM_EXIT_OK;
	}
	if (strcmp(o.format, "png") && strcmp(o.format, "svg")) {
		fprintf(stderr, "zsim sweep: --format: unknown format '%s' (known: png, svg)\n", o.format);
		return ZSIM_EXIT_USAGE;
	}
	bool cli_form = o.config || o.grid.n || o.traces.n || o.seeds || o.sets.n;
	if (npos > 1) {
		fprintf(stderr, "zsim sweep: one SPEC at a time (got '%s' and '%s')\n", argv[1], argv[2]);
		return ZSIM_EXIT_USAGE;
	}
	if (o.merge && (npos || cli_form || o.emit || o.only)) {
		fprintf(stderr, "zsim sweep: --merge DIR takes the spec from DIR/spec.json: no SPEC, --emit or --only\n");
		return ZSIM_EXIT_USAGE;
	}
	if (!o.merge && !npos && !cli_form) {
		fprintf(stderr, "zsim sweep: no SPEC given (zsim sweep --help)\n");
		return ZSIM_EXIT_USAGE;
	}
	if (npos && cli_form) {
		fprintf(stderr, "zsim sweep: a SPEC file or --config/--grid/--trace/--seeds/--set, not both\n");
		return ZSIM_EXIT_USAGE;
	}
	if (cli_form && !o.config) {
		fprintf(stderr, "zsim sweep: --grid needs --config (the base config)\n");
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_sweep sw;
	char dirbuf[4300];
	const char *dir;
	if (o.merge) {
		if (strlen(o.merge) > 4000) {
			fprintf(stderr, "zsim sweep: --merge: name too long (at most 4000 bytes)\n");
			return ZSIM_EXIT_USAGE;
		}
		snprintf(dirbuf, sizeof(dirbuf), "%s/spec.json", o.merge);
		if (access(dirbuf, F_OK) != 0) {
			fprintf(stderr, "zsim sweep: --merge %s: no spec.json there (not a sweep's output directory)\n",
				o.merge);
			return ZSIM_EXIT_ERROR;
		}
		if (zsim_sweep_load(dirbuf, &sw, err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim sweep: %s\n", err);
			return ZSIM_EXIT_ERROR;
		}
		int rc = merge_and_plot(&sw, o.merge, &o, o.quiet);
		zsim_sweep_free(&sw);
		return rc;
	}
	int lrc;
	if (cli_form) {
		json_t *spec = spec_from_opts(&o, err, sizeof(err));
		if (!spec) {
			fprintf(stderr, "zsim sweep: %s\n", err);
			return ZSIM_EXIT_USAGE;
		}
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd)))
			snprintf(cwd, sizeof(cwd), ".");
		lrc = zsim_sweep_from_json(spec, "command line", cwd, &sw, err, sizeof(err));
		json_decref(spec);
	} else {
		lrc = zsim_sweep_load(argv[1], &sw, err, sizeof(err));
	}
	if (lrc < 0) {
		fprintf(stderr, "zsim sweep: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	/* the output directory: --out, the spec's, or sweep-out; absolute, for the children and the jobs */
	const char *d = o.out ? o.out : sw.out ? sw.out : "sweep-out";
	if (d[0] == '/') {
		snprintf(dirbuf, sizeof(dirbuf), "%s", d);
	} else {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			fprintf(stderr, "zsim sweep: cannot read the working directory: %s\n", strerror(errno));
			zsim_sweep_free(&sw);
			return ZSIM_EXIT_ERROR;
		}
		snprintf(dirbuf, sizeof(dirbuf), "%s/%s", cwd, d);
	}
	for (size_t n = strlen(dirbuf); n > 1 && dirbuf[n - 1] == '/'; n--)
		dirbuf[n - 1] = '\0';
	dir = dirbuf;
	int rc = ZSIM_EXIT_OK;
	if (strlen(dir) > 4000) {
		fprintf(stderr, "zsim sweep: --out: name too long (at most 4000 bytes as an absolute path)\n");
		rc = ZSIM_EXIT_USAGE;
		goto out;
	}
	if (o.check) {
		if (!o.quiet)
			printf("%s: %zu runs, every config checked\n", sw.name, sw.nruns);
		goto out;
	}
	if (o.list) {
		for (size_t r = 0; r < sw.nruns; r++) {
			char p[4300];
			snprintf(p, sizeof(p), "%.4000s/runs/%s", dir, sw.runs[r].id);
			printf("%s %s traces=%s", sw.runs[r].id, zsim_job_done(p) ? "done" : "todo",
			       sw.traceset_name[sw.runs[r].traceset]);
			if (sw.nseeds)
				printf(" seed=%llu", (unsigned long long)sw.seeds[sw.runs[r].seed]);
			for (unsigned s = 0; s < sw.runs[r].nsets; s++)
				printf(" %s", sw.runs[r].sets[s]);
			putchar('\n');
		}
		goto out;
	}
	size_t first = 0, count = sw.nruns;
	if (o.only) {
		while (first < sw.nruns && strcmp(sw.runs[first].id, o.only))
			first++;
		if (first == sw.nruns) {
			fprintf(stderr, "zsim sweep: --only %s: %s has no such run (zsim sweep %s --list)\n", o.only,
				sw.name, sw.name);
			rc = ZSIM_EXIT_ERROR;
			goto out;
		}
		count = 1;
	}
	/* --only (a job of an emitted file) leaves spec.json alone: it is what it reads */
	if (prepare_out(&sw, dir, !o.only, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim sweep: %s\n", err);
		rc = ZSIM_EXIT_ERROR;
		goto out;
	}
	if (o.emit) {
		if (emit_jobs(&sw, dir, o.emit, err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim sweep: %s\n", err);
			rc = ZSIM_EXIT_USAGE;
		}
		goto out;
	}
	struct zsim_job *jobs = zsim_xcalloc(count, sizeof(*jobs));
	char (*outs)[4200] = zsim_xcalloc(count, sizeof(*outs));
	char (*logs)[4200] = zsim_xcalloc(count, sizeof(*logs));
	struct zsim_job_status *st = zsim_xcalloc(count, sizeof(*st));
	for (size_t i = 0; i < count; i++)
		zsim_sweep_job(&sw, first + i, dir, outs[i], logs[i], &jobs[i]);
	unsigned workers = (unsigned)o.jobs;
	double t0 = zsim_wall_s();
	int sig = 0;
	size_t start = 0;
	/* goals name summary keys: with none done yet, one run first, then its keys are checked */
	if (sw.goals && !o.only) {
		bool any = false;
		for (size_t i = 0; i < count && !any; i++)
			any = zsim_job_done(jobs[i].out);
		if (!any) {
			sig = zsim_jobs_run(jobs, 1, 1, o.force, false, st);
			start = 1;
		}
		struct table t;
		size_t missing;
		if (!sig && table_load(&sw, dir, &t, &missing, err, sizeof(err)) == 0) {
			int grc = goals_check(&sw, &t, err, sizeof(err));
			table_free(&t, sw.nruns);
			if (grc < 0) {
				fprintf(stderr, "zsim sweep: %s\n", err);
				rc = ZSIM_EXIT_ERROR;
				goto done;
			}
		}
	}
	if (!sig)
		sig = zsim_jobs_run(jobs + start, count - start, workers, o.force, !o.quiet && !o.only, st + start);
	double wall = zsim_wall_s() - t0;
	size_t failed = 0, ran = 0;
	double sum = 0, cpu = 0;
	for (size_t i = 0; i < count; i++) {
		if (!st[i].skipped && st[i].status != -1)
			ran++, sum += st[i].wall_s, cpu += st[i].cpu_s;
		if (!st[i].skipped && !zsim_job_completed(st[i].status) && !sig)
			failed++;
	}
	if (sig) {
		fprintf(stderr, "zsim sweep: interrupted; runs not done are left for the next `zsim sweep` (resume)\n");
		rc = sig;   /* 128 + the signal */
		goto done;
	}
	for (size_t i = 0; i < count; i++)
		if (!st[i].skipped && !zsim_job_completed(st[i].status)) {
			char why[512];
			last_line(jobs[i].log, why, sizeof(why));
			fprintf(stderr, "zsim sweep: run %s failed (exit %d; %s): %s\n", sw.runs[first + i].id, st[i].status,
				jobs[i].log, why);
		}
	if (o.only) {
		rc = failed ? (st[0].status > 0 && st[0].status < 128 ? st[0].status : ZSIM_EXIT_ERROR) : ZSIM_EXIT_OK;
		goto done;
	}
	if (!o.quiet) {
		unsigned w = workers;
		if (!w) {
			long c = sysconf(_SC_NPROCESSORS_ONLN);
			w = c > 0 ? (unsigned)c : 1;
		}
		size_t skipped = 0;
		for (size_t i = 0; i < count; i++)
			skipped += st[i].skipped;
		printf("%zu runs: %zu run now, %zu done before, %zu failed; %.2f s wall on %u workers; "
		       "run times sum %.2f s (mean %.3f s), CPU %.2f s\n", count, ran, skipped, failed, wall, w, sum,
		       ran ? sum / (double)ran : 0.0, cpu);
	}
	rc = merge_and_plot(&sw, dir, &o, o.quiet);
	if (failed) {
		fprintf(stderr, "zsim sweep: %zu of %zu runs failed (listed above); rerun to retry them\n", failed, count);
		rc = ZSIM_EXIT_ERROR;
	}
done:
	free(jobs);
	free(outs);
	free(logs);
	free(st);
out:
	zsim_sweep_free(&sw);
	return rc;
}
