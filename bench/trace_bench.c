/*
 * trace_bench.c - speed and density of the native trace format.
 *
 * Writes a synthetic kernel-build-like stream (compiler processes that come
 * and go, each walking its heap mostly forwards, re-touching recent pages,
 * reading source files through the page cache, CPU events between bursts) of
 * N events (default 50M) to a temporary .trc and .trc.zst, then reads each
 * back, best of 3, and prints events/s and bytes per event and per access.
 * Targets (FORMAT.md): <= 6 bytes per access; >= 50 M events/s reading .trc
 * from the page cache, >= 20 M/s from .trc.zst.
 * Usage: trace_bench [EVENTS]
 */
#include "core/rng.h"
#include "traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROCS       8            /* compilers alive at once */
#define HEAP_PAGES  (16u << 8)   /* 16 MiB of heap each */
#define BURST       64           /* events of one process before switching */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "trace_bench: %s: %s\n", what, msg);
	exit(1);
}

static uint64_t write_trace(const char *path, uint64_t nevents, uint64_t *accesses)
{
	struct zsim_trace_header h = { .seed = 1, .nr_fs = 1 };
	strcpy(h.generator, "bench-kbuild");
	strcpy(h.fs[0], "src");
	struct zsim_trace_writer *w;
	char err[512];
	if (zsim_trace_create(path, &h, &w, err, sizeof(err)) < 0)
		die("create", err);
	struct zsim_rng r;
	zsim_rng_seed(&r, 42);
	uint32_t pid[PROCS], next_pid = 2, next_file = 1;
	uint64_t page[PROCS], seed[ZSIM_CONTENT_NR] = { 0 }, n = 0, acc = 0;
	uint64_t file_page = 0;
	uint32_t file = 0;
#define EMIT(...) do { struct zsim_event e_ = { __VA_ARGS__ }; \
	if (zsim_trace_write(w, &e_) < 0) { die("write", zsim_trace_writer_error(w)); } \
	n++; } while (0)
	EMIT(.kind = ZSIM_EV_PROC_CREATE, .pid = 1, .name = "make");
	for (int i = 0; i < PROCS; i++) {
		pid[i] = next_pid++;
		page[i] = 0x555555550ull;
		EMIT(.kind = ZSIM_EV_PROC_CREATE, .pid = pid[i], .target = 1, .name = "cc1");
	}
	while (n < nevents) {
		int i = (int)zsim_rng_below(&r, PROCS);
		if (zsim_rng_below(&r, 2000) == 0) {   /* a compiler finishes, the next starts */
			EMIT(.kind = ZSIM_EV_PROC_EXIT, .pid = pid[i]);
			pid[i] = next_pid++;
			page[i] = 0x555555550ull;
			EMIT(.kind = ZSIM_EV_PROC_CREATE, .pid = pid[i], .target = 1, .name = "cc1");
			/* it reads its source file */
			file = next_file++;
			EMIT(.kind = ZSIM_EV_FILE_CREATE, .pid = pid[i], .file = file, .name = "x.c");
			file_page = 0;
		}
		for (int b = 0; b < BURST && n < nevents; b++) {
			uint64_t k = zsim_rng_below(&r, 100);
			if (k < 8) {
				EMIT(.kind = ZSIM_EV_CPU, .pid = pid[i], .ns = 2000 + zsim_rng_below(&r, 30000));
				continue;
			}
			if (k < 12 && file) {
				EMIT(.kind = ZSIM_EV_FILE_READ, .pid = pid[i], .file = file, .page = file_page++);
				continue;
			}
			/* heap walk: mostly forward, some re-touches, some jumps */
			uint64_t m = zsim_rng_below(&r, 100), base = 0x555555550ull;
			if (m < 50)
				page[i]++;
			else if (m < 75)
				page[i] += zsim_rng_below(&r, 33) - 16;
			else if (m < 90)
				page[i] = base + zsim_rng_below(&r, HEAP_PAGES);
			/* else the same page again */
			bool wr = zsim_rng_below(&r, 100) < 35;
			struct zsim_content_ref c = { 0 };
			if (wr) {
				uint64_t cc = zsim_rng_below(&r, 10);
				c.cls = cc < 6 ? ZSIM_CONTENT_HEAP : cc < 8 ? ZSIM_CONTENT_TEXT : ZSIM_CONTENT_ZERO;
				c.seed = c.cls == ZSIM_CONTENT_ZERO ? 0 : ++seed[c.cls];
			}
			EMIT(.kind = ZSIM_EV_ACCESS, .pid = pid[i], .page = page[i], .write = wr, .content = c);
			acc++;
		}
	}
	if (zsim_trace_writer_finish(w, err, sizeof(err)) < 0)
		die("finish", err);
	*accesses = acc;
	return n;
}

static double read_trace(const char *path, uint64_t expect)
{
	double best = 0;
	for (int rep = 0; rep < 3; rep++) {
		struct zsim_trace_reader *r;
		char err[512];
		double t0 = now();
		if (zsim_trace_open(path, &r, err, sizeof(err)) < 0)
			die("open", err);
		struct zsim_event ev;
		uint64_t n = 0, sum = 0;
		int e;
		while ((e = zsim_trace_next(r, &ev)) > 0) {
			n++;
			sum += ev.page;   /* touch the result */
		}
		if (e < 0)
			die("read", zsim_trace_reader_error(r));
		zsim_trace_close(r);
		double rate = (double)n / (now() - t0);
		if (n != expect || sum == 1)
			die("read", "event count differs");
		if (rate > best)
			best = rate;
	}
	return best;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int main(int argc, char **argv)
{
	uint64_t nevents = argc > 1 ? strtoull(argv[1], NULL, 10) : 50000000ull;
	char dir[] = "/tmp/zsim-trace-bench-XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	char plain[64], zst[64];
	snprintf(plain, sizeof(plain), "%s/k.trc", dir);
	snprintf(zst, sizeof(zst), "%s/k.trc.zst", dir);
	uint64_t acc;
	double t0 = now();
	uint64_t n = write_trace(plain, nevents, &acc);
	double tw = now() - t0;
	t0 = now();
	write_trace(zst, nevents, &acc);
	double twz = now() - t0;
	long long sp = file_size(plain), sz = file_size(zst);
	/* bytes per access: the stream minus what the other events take is not
	 * separable here; `zsim trace stat` measures it exactly.  Report both. */
	printf("events %llu (accesses %llu)\n", (unsigned long long)n, (unsigned long long)acc);
	printf(".trc      %lld bytes: %.2f bytes/event; written at %.1f M events/s\n", sp,
	       (double)sp / (double)n, (double)n / tw / 1e6);
	printf(".trc.zst  %lld bytes: %.2f bytes/event; written at %.1f M events/s\n", sz,
	       (double)sz / (double)n, (double)n / twz / 1e6);
	double rp = read_trace(plain, n), rz = read_trace(zst, n);
	printf("read .trc      %6.1f M events/s (target >= 50)\n", rp / 1e6);
	printf("read .trc.zst  %6.1f M events/s (target >= 20)\n", rz / 1e6);
	unlink(plain);
	unlink(zst);
	rmdir(dir);
	return 0;
}
