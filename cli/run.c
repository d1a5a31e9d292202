/*
 * run.c - the main job: `zsim --trace FILE [--trace FILE...] --config FILE
 * [--out DIR] [--seed N] [--json] [--quiet] [--print-config] [--check]`.
 *
 * Replays the traces (each its own process group) on the configured machine
 * and writes a results directory: summary.json (simulated quantities only, so
 * it is byte-identical for the same inputs), timeseries.csv, events.jsonl and
 * perf.json (the simulator's own speed).  The directory is built under a
 * temporary name and renamed into place at the end, so an error leaves no
 * results at all; Ctrl-C stops the run, writes what it has marked
 * "interrupted": true, and exits with status 130.
 */
#include "cli.h"
#include "../sim/config.h"
#include "../sim/results.h"
#include "../sim/sim.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRACES 16
#define EXIT_INTERRUPTED 130

static volatile sig_atomic_t interrupted;
static volatile int interrupt_flag;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
	interrupt_flag = 1;
}

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Remove a results directory we made (flat: files only). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4096];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

struct progress {
	double t0, last;
	const char *const *traces;
	unsigned n;
};

static void show_progress(const struct zsim_sim *s, void *ctx)
{
	struct progress *pr = ctx;
	double now = wall();
	if (now - pr->last < 0.5 || now - pr->t0 < 1.0)
		return;
	pr->last = now;
	/* ETA from how far into the first trace file the reader is */
	double frac = 0;
	struct stat st;
	if (s->nr_groups && stat(pr->traces[0], &st) == 0 && st.st_size > 0)
		frac = (double)zsim_trace_reader_offset(s->groups[0].r) / (double)st.st_size;
	double el = now - pr->t0;
	fprintf(stderr, "\rzsim: %llu events, %.1f s simulated, %.1f M events/s",
		(unsigned long long)s->nr_events, (double)s->now / 1e9, (double)s->nr_events / el / 1e6);
	if (frac > 0.01 && frac < 1)
		fprintf(stderr, ", ETA %.0f s   ", el * (1 - frac) / frac);
	else
		fputs("   ", stderr);
}

static int usage(FILE *out)
{
	fprintf(out,
		"usage: zsim --trace FILE [--trace FILE...] --config FILE [options]\n"
		"Replay the traces on the machine and swap stack the config describes.\n"
		"  --out DIR        results directory (default zsim-out): summary.json,\n"
		"                   timeseries.csv, events.jsonl, perf.json\n"
		"  --seed N         override the config's seed\n"
		"  --json           print summary.json instead of the human summary\n"
		"  --quiet          print nothing on success\n"
		"  --print-config   print the resolved config (every default filled in) and exit\n"
		"  --check          verify the memory model's invariants after every step (slow)\n");
	return out == stdout ? ZSIM_EXIT_OK : ZSIM_EXIT_USAGE;
}

int zsim_cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "print-config", no_argument, NULL, 'p' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *traces[MAX_TRACES];
	unsigned ntr = 0;
	const char *cfgpath = NULL, *out = "zsim-out";
	bool json = false, quiet = false, print_cfg = false, check = false, have_seed = false;
	uint64_t seed = 0;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			if (ntr == MAX_TRACES) {
				fprintf(stderr, "zsim: at most %d traces\n", MAX_TRACES);
				return ZSIM_EXIT_USAGE;
			}
			traces[ntr++] = optarg;
			break;
		case 'c': cfgpath = optarg; break;
		case 'o': out = optarg; break;
		case 's':
			if (zsim_parse_u64(optarg, &seed) < 0) {
				fprintf(stderr, "zsim: --seed: '%s' is not a number\n", optarg);
				return ZSIM_EXIT_USAGE;
			}
			have_seed = true;
			break;
		case 'j': json = true; break;
		case 'q': quiet = true; break;
		case 'p': print_cfg = true; break;
		case 'k': check = true; break;
		case 'h': return usage(stdout);
		default:
			fprintf(stderr, "zsim: unknown or incomplete option '%s' (see zsim --help)\n", argv[optind - 1]);
			return ZSIM_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zsim: unexpected argument '%s'\n", argv[optind]);
		return ZSIM_EXIT_USAGE;
	}
	if (!cfgpath) {
		fprintf(stderr, "zsim: no --config given\n");
		return ZSIM_EXIT_USAGE;
	}
	struct zsim_config cfg;
	char err[1024];
	if (zsim_config_load(cfgpath, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim: %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	if (have_seed)
		cfg.seed = seed;
	if (print_cfg) {
		char *txt = zsim_config_dump(&cfg);
		puts(txt);
		free(txt);
		return ZSIM_EXIT_OK;
	}
	if (!ntr) {
		fprintf(stderr, "zsim: no --trace given\n");
		return ZSIM_EXIT_USAGE;
	}
	/* the output must be new, or an earlier results directory we may replace */
	struct stat st;
	char probe[4096];
	if (stat(out, &st) == 0) {
		snprintf(probe, sizeof(probe), "%s/summary.json", out);
		if (!S_ISDIR(st.st_mode) || access(probe, F_OK) != 0) {
			fprintf(stderr, "zsim: --out %s: exists and is not a zsim results directory\n", out);
			return ZSIM_EXIT_ERROR;
		}
	}

	struct zsim_sim *s = zsim_xmalloc(sizeof(*s));
	int rc = zsim_sim_init(s, &cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "zsim: %s: %s\n", cfgpath, err);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	for (unsigned i = 0; i < ntr; i++)
		if ((rc = zsim_sim_add_trace(s, traces[i], err, sizeof(err))) < 0) {
			fprintf(stderr, "zsim: %s\n", err);
			zsim_sim_free(s);
			free(s);
			return ZSIM_EXIT_ERROR;
		}
	char tmp[4096], path[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out, (long)getpid());
	if (mkdir(tmp, 0777) < 0) {
		fprintf(stderr, "zsim: --out: cannot create %s: %s\n", tmp, strerror(errno));
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	snprintf(path, sizeof(path), "%s/events.jsonl", tmp);
	s->events_out = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/timeseries.csv", tmp);
	s->ts_out = fopen(path, "w");
	if (!s->events_out || !s->ts_out) {
		fprintf(stderr, "zsim: --out: cannot create files in %s: %s\n", tmp, strerror(errno));
		if (s->events_out)
			fclose(s->events_out);
		if (s->ts_out)
			fclose(s->ts_out);
		remove_dir(tmp);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	s->check = check;
	s->interrupt = &interrupt_flag;
	struct progress pr = { wall(), 0, traces, ntr };
	if (!quiet && !json && isatty(2)) {
		s->progress = show_progress;
		s->progress_ctx = &pr;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);

	double t0 = wall();
	rc = zsim_sim_run(s, err, sizeof(err));
	double dt = wall() - t0;
	if (s->progress)
		fputs("\r\033[K", stderr);
	bool intr = interrupted != 0;
	if (rc < 0 && !intr) {
		fprintf(stderr, "zsim: %s\n", err);
		fclose(s->events_out);
		fclose(s->ts_out);
		remove_dir(tmp);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	struct zsim_run_info ri = { traces, out, intr };
	json_t *sum = zsim_summary(s, &ri);
	snprintf(path, sizeof(path), "%s/summary.json", tmp);
	bool ok = json_dump_file(sum, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
	json_t *perf = json_object();
	json_object_set_new(perf, "wall_s", json_real(dt));
	json_object_set_new(perf, "trace_events", json_integer((json_int_t)s->nr_events));
	json_object_set_new(perf, "events_per_s", json_real(dt > 0 ? (double)s->nr_events / dt : 0));
	json_object_set_new(perf, "page_accesses_per_s", json_real(dt > 0 ? (double)s->nr_accesses / dt : 0));
	struct zsim_tctl_wall wall = { 0, 0 };
	for (unsigned d = 0; d < s->cfg.nr_dev; d++)
		zsim_tier_control(s->devtier[d], ZSIM_TCTL_WALL, &wall);
	uint64_t codec_ns = wall.codec_ns, content_ns = wall.content_ns;
	json_object_set_new(perf, "codec_wall_s", json_real((double)codec_ns / 1e9));
	json_object_set_new(perf, "content_wall_s", json_real((double)content_ns / 1e9));
	json_object_set_new(perf, "codec_share", json_real(dt > 0 ? (double)codec_ns / 1e9 / dt : 0));
	snprintf(path, sizeof(path), "%s/perf.json", tmp);
	ok &= json_dump_file(perf, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
	json_decref(perf);
	ok &= fclose(s->events_out) == 0;
	ok &= fclose(s->ts_out) == 0;
	s->events_out = s->ts_out = NULL;
	if (ok && stat(out, &st) == 0) {
		char old[4200];
		snprintf(old, sizeof(old), "%s.old.%ld", out, (long)getpid());
		ok = rename(out, old) == 0;
		if (ok)
			remove_dir(old);
	}
	if (!ok || rename(tmp, out) != 0) {
		fprintf(stderr, "zsim: --out %s: cannot write the results: %s\n", out, strerror(errno));
		remove_dir(tmp);
		json_decref(sum);
		zsim_sim_free(s);
		free(s);
		return ZSIM_EXIT_ERROR;
	}
	if (json) {
		char *txt = json_dumps(sum, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
		puts(txt);
		free(txt);
	} else if (!quiet) {
		zsim_print_summary(stdout, s, &ri);
	}
	json_decref(sum);
	zsim_sim_free(s);
	free(s);
	return intr ? EXIT_INTERRUPTED : ZSIM_EXIT_OK;
}
