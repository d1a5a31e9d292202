/*
 * calibrate.c - `zsim calibrate [--pages N] [-o FILE]`: measure this
 * machine's codecs, per 4 KiB page, on a seeded mix of synthetic pages, and
 * print a JSON object that a config takes as "codec_time".  Each page is
 * compressed and decompressed on its own and timed (best of three); a
 * straight line through (compressed size, time) gives, per codec, a fixed
 * cost per page ("compress", "decompress") and a cost per KiB of compressed
 * output ("compress_per_kib", "decompress_per_kib").  The simulator charges
 * fixed + per_kib x size to the CPU of the task doing zram's or zswap's work,
 * so a page that compresses badly costs more to bring back than one that
 * compresses well; without a calibration it uses each codec's documented
 * defaults (codec.h).  Same-filled pages are left out: zram never compresses
 * them.  Each page's time is taken less the cost of reading the clock (the
 * shortest of 2000 empty intervals): nothing on a native machine, several
 * microseconds where the clock read traps (an emulated guest), which would
 * otherwise count as the codec's fixed cost.
 *
 * `zsim calibrate --zram DEV` measures the running kernel's own codecs
 * instead of zsim's, through a free zram device (DEV: zram1, say; its
 * disksize 0): for each codec both offer, the device is set up with it and
 * the same mix pages are written to it one page at a time (O_DIRECT, so
 * each write is zram's compression and store in the writing task) and read
 * back (decompression), each timed, best of three, after as many zero pages
 * (same-filled: zram stores them without the codec).  A page's codec time is
 * its write (read) less the median zero page's, so the system call, the
 * block layer and zram's own bookkeeping cancel; what remains is the codec,
 * zsmalloc's store (map) and the copy, which is what zram charges the task
 * beyond them, less the scan that finds a page same-filled.  The pages'
 * compressed sizes are zsim's own codecs' (the kernel's, byte for byte), and
 * the same line is fitted through them, so the output is a config's
 * "codec_time" for the codecs measured.  Why: an emulated CPU (the
 * validation guest) runs zsim's userspace codecs at other relative speeds
 * than the kernel's compiled ones (lzo-rle 1.8x slower than liblzo2's lzo
 * per KiB there, where the kernel's two are as fast).  The device is reset
 * before each run and at the end.
 *
 * `zsim calibrate --mm [--pages N]` measures instead the workload's own CPU
 * costs as `zsim play` runs a trace on this machine, the two a config's "mm"
 * charges per access: "minor_fault_time" (a write to a fresh anonymous page:
 * trace decode, the pipe to the process, the kernel's fault with its zeroed
 * page and the copy of the content in) and the cost of an access to a
 * resident page (decode, pipe, and a one-byte load for a read or the 4 KiB
 * copy for a write: "read_access_time", "write_access_time"; a config's
 * single "access_time" is their mix, weighted as the workload's hits are).
 * Method: four traces of one process over N pages (nothing; N fresh writes;
 * those plus PASSES x N reads at random resident pages; the same with
 * writes), each played by this binary's `zsim play` (best of MM_REPEATS),
 * its wall time less the CPU play spent making page contents that the trace's
 * cpu events did not take (play's content_cpu_ns - content_absorbed_ns: zsim
 * charges making the bytes to the trace's cpu events, not to the access; the
 * time per page is reported as "content_time").  Differences give the costs:
 * fault = (fresh - nothing) / N, hit = (passes - fresh) / (PASSES x N).  On a
 * machine of one CPU (the validation guest) wall time is all of play's CPU;
 * on more, the decoding controller and the process overlap, so the costs
 * come out lower than a single CPU's.
 *
 * The same run measures a trace's file events as play performs them, in the
 * directory --dir names (the filesystem to measure, e.g. a tmpfs mount;
 * default: a temporary directory): "file_create_time", what a file costs
 * beyond its pages' writes as a tar makes it (play's open with
 * O_CREAT|O_TRUNC, its first pages written at once, its descriptor closed
 * when play's cache of 256 evicts it), and "file_io_time", the system call
 * of a one-page pread or pwrite of a resident file page less the access to
 * a resident anonymous page that zsim charges for it too (the mean over
 * reads and writes).  Method: four more traces: N fresh pages written into
 * FILES_CREATE new files, each created and then written; the same into
 * FILES_RW files; the latter plus PASSES x N preads, or pwrites, at random
 * resident pages.  create = (many files - few files) / (FILES_CREATE -
 * FILES_RW); io = ((reads or writes) - written) / (PASSES x N) less
 * read_access_time or write_access_time.  "file_write_time" (a pwrite of a
 * fresh page, whole: (few files - nothing - FILES_RW x create) / N) is
 * reported beside them for comparison with minor_fault_time + file_io_time,
 * which zsim charges for it.
 *
 * Where swap is on (/proc/swaps names an area), --mm also measures a swap-in
 * fault's own CPU, "swapin_fault_time": this process (not play) writes
 * SWAPIN_PAGES pages of random bytes (which zram stores whole and zswap
 * refuses, so no decompression is in it), pushes them out with
 * MADV_PAGEOUT until mincore sees none of them (swap cache included: a
 * page written to a disk stays there, unmapped, when its write ends; a
 * touch maps it again, clean, and the next MADV_PAGEOUT frees it), and with
 * vm.page-cluster at 0 (no readahead; restored after) reads a byte of each
 * in a random order, timing the process's CPU (CLOCK_PROCESS_CPUTIME_ID:
 * the fault in the kernel, not the wait for the device); less a second pass
 * over the same pages, resident then, divided by the major faults
 * getrusage counted ("swapin_faults").  What it is: the kernel's fault,
 * swap-cache and block-layer work for a page read from the swap device, as
 * a config's major_fault_time means it (beside the device's time and the
 * codec's).  Not measured (the fields absent) where no swap is on, pages
 * stay resident, or the faults were not major.
 */
#include "cli.h"
#include "../codecs/codec.h"
#include "../traces/content.h"
#include "../traces/trace.h"
#include "../core/rng.h"
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CAL_REPEATS 3   /* best of: the machine may be busy */
#define MM_PASSES 4     /* --mm: passes over the resident pages */
#define MM_REPEATS 5    /* --mm: best of (a play's wall time spreads more than a codec's loop) */
#define MM_BASE 0x40000ull   /* --mm: first page of the region (traces/gen.h's anon base) */

/*
 * Least squares of t = a + b * len over the pages that compress (len:
 * compressed bytes, below a page).  A page whose output is a page or more is
 * left out: codecs give up on such data early (lz4 and lzo skip ahead faster
 * and faster when they find no match), so it costs about the fixed part
 * and is charged that; zram stores it whole and reads it back as a copy.
 * A slope below zero (a codec that gives up faster on data it cannot
 * compress) is not kept: b = 0 and a = the mean, so no page costs less than
 * nothing.
 */
static void cal_fit(const int *len, const double *t, uint64_t n, double *a, double *b)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (len[i] <= 0 || (size_t)len[i] >= ZSIM_PAGE_SIZE)
			continue;   /* incompressible: the codec's fast path, charged the fixed part */
		double x = len[i];
		sx += x;
		sy += t[i];
		sxx += x * x;
		sxy += x * t[i];
		m++;
	}
	*a = m ? sy / m : 0;
	*b = 0;
	double den = m * sxx - sx * sx;
	if (m < 2 || den <= 0)
		return;
	double slope = (m * sxy - sx * sy) / den;
	if (slope <= 0)
		return;
	*b = slope;
	*a = (sy - slope * sx) / m;
	if (*a < 0) {   /* the fit would make small outputs free: keep it through the origin */
		*a = 0;
		*b = sxy / sxx;
	}
}

/* A codec's entry of "codec_time": the lines fitted through the pages'
 * compressed sizes len[] and their compress (tc) and decompress (td) times. */
static json_t *cal_codec_json(const int *len, const double *tc, const double *td, uint64_t n)
{
	double c0, c1, d0, d1;
	cal_fit(len, tc, n, &c0, &c1);
	cal_fit(len, td, n, &d0, &d1);
	json_t *o = json_object();
	char b0[32], b1[32], b2[32], b3[32];
	json_object_set_new(o, "compress", json_string(zsim_format_time((uint64_t)(c0 + 0.5), b0, sizeof(b0))));
	json_object_set_new(o, "decompress", json_string(zsim_format_time((uint64_t)(d0 + 0.5), b1, sizeof(b1))));
	json_object_set_new(o, "compress_per_kib",
			    json_string(zsim_format_time((uint64_t)(c1 * 1024 + 0.5), b2, sizeof(b2))));
	json_object_set_new(o, "decompress_per_kib",
			    json_string(zsim_format_time((uint64_t)(d1 * 1024 + 0.5), b3, sizeof(b3))));
	return o;
}

/* ---- --mm: the workload's own costs, as `zsim play` runs them ------------------- */

enum mm_kind {
	MM_NOTHING, MM_FRESH, MM_READS, MM_WRITES,                   /* anonymous memory */
	MM_FCREATE, MM_FWRITTEN, MM_FREADS, MM_FREWRITES, MM_KINDS   /* files (--dir) */
};
#define MM_FILES_CREATE 2048u   /* files MM_FCREATE writes n pages into: beyond play's 256 cached descriptors */
#define MM_FILES_RW 64u         /* files the other file kinds write them into: all cached */

static void mm_file_event(struct zsim_event *ev, enum zsim_ev_kind kind, uint32_t file, uint64_t page)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = (uint8_t)kind;
	ev->pid = 1;
	ev->file = file;
	ev->page = page;
	if (kind == ZSIM_EV_FILE_CREATE)
		ev->name = "f";
}

/* The --mm trace of kind k over n pages at path (.trc.zst, as generators write). */
static int mm_trace(const char *path, enum mm_kind k, uint64_t n, char *err, size_t errlen)
{
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	h.version = ZSIM_TRACE_VERSION;
	h.page_size = ZSIM_PAGE_SIZE;
	snprintf(h.generator, sizeof(h.generator), "calibrate-mm");
	h.seed = 1;
	if (k >= MM_FCREATE) {
		h.nr_fs = 1;
		snprintf(h.fs[0], sizeof(h.fs[0]), "cal");
	}
	struct zsim_trace_writer *w;
	if (zsim_trace_create(path, &h, &w, err, errlen) < 0)
		return -1;
	struct zsim_event ev;
	uint64_t seed = 1;
	int rc = 0;
	memset(&ev, 0, sizeof(ev));
	ev.kind = ZSIM_EV_PROC_CREATE;
	ev.pid = 1;
	ev.name = "calibrate";
	rc |= zsim_trace_write(w, &ev);
	memset(&ev, 0, sizeof(ev));
	ev.kind = ZSIM_EV_MAP;
	ev.pid = 1;
	ev.page = MM_BASE;
	ev.npages = n;
	ev.map = ZSIM_MAP_ANON;
	rc |= zsim_trace_write(w, &ev);
	struct zsim_rng rng;
	zsim_rng_seed(&rng, 1);
	if (k >= MM_FCREATE) {
		/* files: each created and its share of n fresh pages written at
		 * once (a tar's pattern), then PASSES x n reads or writes at random */
		uint32_t nf = k == MM_FCREATE ? MM_FILES_CREATE : MM_FILES_RW;
		uint64_t per = (n + nf - 1) / nf;
		for (uint64_t i = 0; i < n && !rc; i++) {
			if (i % per == 0) {
				mm_file_event(&ev, ZSIM_EV_FILE_CREATE, (uint32_t)(i / per) + 1, 0);
				rc |= zsim_trace_write(w, &ev);
			}
			mm_file_event(&ev, ZSIM_EV_FILE_WRITE, (uint32_t)(i / per) + 1, i % per);
			ev.content = (struct zsim_content_ref){ .cls = ZSIM_CONTENT_HEAP, .seed = seed++ };
			rc |= zsim_trace_write(w, &ev);
		}
		uint64_t passes = k >= MM_FREADS ? MM_PASSES : 0;
		for (uint64_t i = 0; i < n * passes && !rc; i++) {
			uint64_t pg = zsim_rng_below(&rng, n);
			bool wr = k == MM_FREWRITES;
			mm_file_event(&ev, wr ? ZSIM_EV_FILE_WRITE : ZSIM_EV_FILE_READ, (uint32_t)(pg / per) + 1, pg % per);
			if (wr)
				ev.content = (struct zsim_content_ref){ .cls = ZSIM_CONTENT_HEAP, .seed = seed++ };
			rc |= zsim_trace_write(w, &ev);
		}
	}
	uint64_t passes = k >= MM_READS && k < MM_FCREATE ? MM_PASSES : 0;
	for (uint64_t i = 0; k != MM_NOTHING && k < MM_FCREATE && i < n * (1 + passes) && !rc; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = ZSIM_EV_ACCESS;
		ev.pid = 1;
		/* the fresh pages in order (a fill), then pages at random (resident) */
		ev.page = MM_BASE + (i < n ? i : zsim_rng_below(&rng, n));
		ev.write = i < n || k == MM_WRITES;
		if (ev.write)
			ev.content = (struct zsim_content_ref){ .cls = ZSIM_CONTENT_HEAP, .seed = seed++ };
		rc |= zsim_trace_write(w, &ev);
	}
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, zsim_trace_writer_error(w));
		zsim_trace_writer_abort(w);
		return -1;
	}
	return zsim_trace_writer_finish(w, err, errlen) < 0 ? -1 : 0;
}

static void mm_rmdir(const char *dir)
{
	static const char *const files[] = { "summary.json", "timeseries.csv", "events.jsonl", NULL };
	char path[128];
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Play trace once (this binary's `zsim play`); *ns: its wall time less the
 * content making no cpu event took, *content_ns: all of its content making. */
static int mm_play(const char *trace, const char *fsdir, const char *out, double *ns, double *content_ns,
		   char *err, size_t errlen)
{
	char fsarg[4300];
	snprintf(fsarg, sizeof(fsarg), "cal=%s", fsdir);
	const char *self = zsim_self_exe();
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execl(self, self, "play", "--quiet", "--fs", fsarg, "-o", out, trace, (char *)NULL);
		fprintf(stderr, "zsim calibrate: cannot run %s: %s\n", self, strerror(errno));
		_exit(127);
	}
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		snprintf(err, errlen, "zsim play %.200s failed (status %d)", trace, ws);
		mm_rmdir(out);
		return -1;
	}
	char path[128];
	snprintf(path, sizeof(path), "%s/summary.json", out);
	json_error_t je;
	json_t *sum = json_load_file(path, 0, &je);
	json_t *pi = json_object_get(sum, "play");
	json_t *wall = json_object_get(sum, "sim_time_ns"), *c = json_object_get(pi, "content_cpu_ns"),
	       *a = json_object_get(pi, "content_absorbed_ns");
	int rc = 0;
	if (!json_is_integer(wall) || !json_is_integer(c) || !json_is_integer(a)) {
		snprintf(err, errlen, "%s: no wall time or content time in it", path);
		rc = -1;
	} else {
		*content_ns = (double)json_integer_value(c);
		*ns = (double)json_integer_value(wall) - (*content_ns - (double)json_integer_value(a));
	}
	json_decref(sum);
	mm_rmdir(out);
	return rc;
}

static json_t *time_json(double ns)
{
	char b[32];
	return json_string(zsim_format_time(ns > 0 ? (uint64_t)(ns + 0.5) : 0, b, sizeof(b)));
}

/* Empty the file directory play wrote a trace's files into (nothing else is
 * in it: a directory of our own). */
static void mm_clear(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char path[4600];
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
	closedir(d);
}

#define SWAPIN_PAGES 2048u   /* --mm: pages pushed to swap and faulted back */

static double cpu_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long majflt_now(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_majflt : 0;
}

/* Is a swap area on?  (/proc/swaps: a header line, then one per area.) */
static bool swap_on(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	if (!f)
		return false;
	char line[512];
	int lines = 0;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

static bool read_small(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	return ok;
}

static bool write_small(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return false;
	bool ok = fputs(s, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* Pages of [m, m + n pages) mincore sees in memory (swap cache included). */
static size_t resident(uint8_t *m, size_t n)
{
	unsigned char vec[SWAPIN_PAGES];
	if (n > SWAPIN_PAGES || mincore(m, n * ZSIM_PAGE_SIZE, vec) != 0)
		return n;
	size_t r = 0;
	for (size_t i = 0; i < n; i++)
		r += vec[i] & 1;
	return r;
}

/* Read a byte of every page of [m, m + n pages) mincore sees in memory. */
static void touch_resident(uint8_t *m, size_t n)
{
	unsigned char vec[SWAPIN_PAGES];
	if (n > SWAPIN_PAGES || mincore(m, n * ZSIM_PAGE_SIZE, vec) != 0)
		return;
	volatile uint8_t sink = 0;
	for (size_t i = 0; i < n; i++)
		if (vec[i] & 1)
			sink ^= m[i * ZSIM_PAGE_SIZE];
	(void)sink;
}

/* The swap-in measurement (header) into o; nothing where it cannot be made. */
static void cal_swapin(json_t *o)
{
#ifdef MADV_PAGEOUT
	if (!swap_on())
		return;
	size_t n = SWAPIN_PAGES;
	char note[160] = "";
	uint8_t *m = mmap(NULL, n * ZSIM_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		json_object_set_new(o, "swapin_note", json_string("mmap failed"));
		return;
	}
	madvise(m, n * ZSIM_PAGE_SIZE, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < n; i++)
		zsim_content_fill_param(ZSIM_CONTENT_RANDOM, 0, 0x5eedull + i, m + i * ZSIM_PAGE_SIZE);
	char cluster[32] = "";
	bool have_cluster = read_small("/proc/sys/vm/page-cluster", cluster, sizeof(cluster)) &&
			    write_small("/proc/sys/vm/page-cluster", "0");
	/* a page written to a disk stays in the swap cache, unmapped, when its
	 * write ends, where MADV_PAGEOUT no longer sees it: mapped again by a
	 * touch (a swap-cache hit, clean now), the next MADV_PAGEOUT frees it */
	size_t left = n;
	for (int k = 0; k < 50 && left; k++) {
		if (madvise(m, n * ZSIM_PAGE_SIZE, MADV_PAGEOUT) != 0) {
			snprintf(note, sizeof(note), "MADV_PAGEOUT: %s", strerror(errno));
			break;
		}
		left = resident(m, n);
		if (left) {
			struct timespec ts = { 0, 100000000 };   /* writes under way: after them */
			nanosleep(&ts, NULL);
			touch_resident(m, n);
		}
	}
	if (!left) {
		uint32_t *order = zsim_xmalloc(n * sizeof(*order));
		struct zsim_rng rng;
		zsim_rng_seed(&rng, 7);
		for (size_t i = 0; i < n; i++)
			order[i] = (uint32_t)i;
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = zsim_rng_below(&rng, i + 1);
			uint32_t x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		volatile uint8_t sink = 0;
		long f0 = majflt_now();
		double t0 = cpu_now_ns();
		for (size_t i = 0; i < n; i++)
			sink ^= m[(size_t)order[i] * ZSIM_PAGE_SIZE + 7];
		double t1 = cpu_now_ns();
		long f1 = majflt_now();
		for (size_t i = 0; i < n; i++)
			sink ^= m[(size_t)order[i] * ZSIM_PAGE_SIZE + 7];
		double t2 = cpu_now_ns();
		(void)sink;
		free(order);
		long faults = f1 - f0;
		double per = faults > 0 ? ((t1 - t0) - (t2 - t1)) / (double)faults : 0;
		if (faults >= (long)n / 2 && per > 0) {
			json_object_set_new(o, "swapin_fault_time", time_json(per));
			json_object_set_new(o, "swapin_faults", json_integer((json_int_t)faults));
			json_object_set_new(o, "swapin_pages", json_integer((json_int_t)n));
		} else {
			snprintf(note, sizeof(note), "%ld major faults reading back %zu pages (%.0f ns of CPU)",
				 faults, n, (t1 - t0) - (t2 - t1));
		}
	} else if (!note[0]) {
		snprintf(note, sizeof(note), "%zu of %zu pages still in memory after MADV_PAGEOUT", left, n);
	}
	if (note[0])
		json_object_set_new(o, "swapin_note", json_string(note));
	if (have_cluster)
		write_small("/proc/sys/vm/page-cluster", cluster);
	munmap(m, n * ZSIM_PAGE_SIZE);
#else
	json_object_set_new(o, "swapin_note", json_string("built without MADV_PAGEOUT"));
#endif
}

/* The --mm measurement over n pages, files in a new directory under fsroot
 * (NULL: the temporary one): a JSON object, or NULL with err set. */
static json_t *cal_mm(uint64_t n, const char *fsroot, char *err, size_t errlen)
{
	char dir[] = "/tmp/zsim-calibrate-XXXXXX";
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a temporary directory: %s", strerror(errno));
		return NULL;
	}
	char fsdir[4200];
	snprintf(fsdir, sizeof(fsdir), "%s/zsim-calibrate-XXXXXX", fsroot ? fsroot : dir);
	if (!mkdtemp(fsdir)) {
		snprintf(err, errlen, "--dir %s: cannot create a directory there: %s", fsroot ? fsroot : dir,
			 strerror(errno));
		rmdir(dir);
		return NULL;
	}
	char trace[MM_KINDS][64], out[64];
	double best[MM_KINDS], content[MM_KINDS];
	int rc = 0;
	for (int k = 0; k < MM_KINDS && !rc; k++) {
		snprintf(trace[k], sizeof(trace[k]), "%s/t%d.trc.zst", dir, k);
		rc = mm_trace(trace[k], (enum mm_kind)k, n, err, errlen);
		best[k] = 1e300;
	}
	snprintf(out, sizeof(out), "%s/play", dir);
	/* the kinds interleaved, so a busy spell of the machine hits all alike */
	for (int rep = 0; rep < MM_REPEATS && !rc; rep++)
		for (int k = 0; k < MM_KINDS && !rc; k++) {
			double t, cn;
			rc = mm_play(trace[k], fsdir, out, &t, &cn, err, errlen);
			mm_clear(fsdir);
			if (!rc && t < best[k]) {
				best[k] = t;
				content[k] = cn;
			}
		}
	for (int k = 0; k < MM_KINDS; k++)
		unlink(trace[k]);
	rmdir(fsdir);
	rmdir(dir);
	if (rc)
		return NULL;
	double hits = (double)MM_PASSES * (double)n;
	if (best[MM_FRESH] <= best[MM_NOTHING] || best[MM_READS] <= best[MM_FRESH] || best[MM_WRITES] <= best[MM_FRESH] ||
	    best[MM_FCREATE] <= best[MM_FWRITTEN] || best[MM_FWRITTEN] <= best[MM_NOTHING] ||
	    best[MM_FREADS] <= best[MM_FWRITTEN] || best[MM_FREWRITES] <= best[MM_FWRITTEN]) {
		/* the differences drowned in the plays' own spread: no figure beats a wrong one */
		snprintf(err, errlen, "the machine was too busy to tell the costs apart (%.0f, %.0f, %.0f, %.0f, "
			 "%.0f, %.0f, %.0f, %.0f ns); try more --pages", best[MM_NOTHING], best[MM_FRESH],
			 best[MM_READS], best[MM_WRITES], best[MM_FCREATE], best[MM_FWRITTEN], best[MM_FREADS],
			 best[MM_FREWRITES]);
		return NULL;
	}
	double rd = (best[MM_READS] - best[MM_FRESH]) / hits, wr = (best[MM_WRITES] - best[MM_FRESH]) / hits;
	/* the same n pages written into 2048 files or into 64: the difference is
	 * what 1984 more files cost, each created and written */
	double create = (best[MM_FCREATE] - best[MM_FWRITTEN]) / (MM_FILES_CREATE - MM_FILES_RW);
	double frd = (best[MM_FREADS] - best[MM_FWRITTEN]) / hits - rd;
	double fwr = (best[MM_FREWRITES] - best[MM_FWRITTEN]) / hits - wr;
	double io = (frd + fwr) / 2;
	json_t *o = json_object();
	json_object_set_new(o, "minor_fault_time", time_json((best[MM_FRESH] - best[MM_NOTHING]) / (double)n));
	json_object_set_new(o, "read_access_time", time_json(rd));
	json_object_set_new(o, "write_access_time", time_json(wr));
	json_object_set_new(o, "content_time", time_json(content[MM_WRITES] / (hits + (double)n)));
	json_object_set_new(o, "file_create_time", time_json(create));
	json_object_set_new(o, "file_io_time", time_json(io));
	json_object_set_new(o, "file_write_time",
			    time_json((best[MM_FWRITTEN] - best[MM_NOTHING] - MM_FILES_RW * create) / (double)n));
	json_object_set_new(o, "pages", json_integer((json_int_t)n));
	json_object_set_new(o, "passes", json_integer(MM_PASSES));
	cal_swapin(o);
	return o;
}

/* ---- --zram: the running kernel's codecs, through a zram device ------------------ */

/* Write s into /sys/block/DEV/ATTR; 0 or -1 with err set. */
static int zr_set(const char *dev, const char *attr, const char *s, char *err, size_t errlen)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/block/%s/%s", dev, attr);
	FILE *f = fopen(path, "w");
	if (!f || fputs(s, f) < 0 || fclose(f) != 0) {
		snprintf(err, errlen, "%s: cannot write '%s': %s", path, s, strerror(errno));
		return -1;
	}
	return 0;
}

/* /sys/block/DEV/ATTR's first line into buf; 0 or -1 with err set. */
static int zr_get(const char *dev, const char *attr, char *buf, size_t len, char *err, size_t errlen)
{
	char path[256];
	snprintf(path, sizeof(path), "/sys/block/%s/%s", dev, attr);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(buf, (int)len, f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, f ? "empty" : strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Whether the kernel's comp_algorithm list (e.g. "lzo [lzo-rle] lz4") names c. */
static bool zr_offers(const char *list, const char *c)
{
	size_t n = strlen(c);
	for (const char *p = list; (p = strstr(p, c)); p += n) {
		bool start = p == list || p[-1] == ' ' || p[-1] == '[';
		bool end = p[n] == 0 || p[n] == ' ' || p[n] == ']';
		if (start && end)
			return true;
	}
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, uint64_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * One run on dev set up with codec c: nz zero pages, then the n pages of
 * corpus, each written and then each read back, one page per O_DIRECT call;
 * each page's time kept where lower than tw[] / tr[] (zero pages first, in
 * one array).  0, -2 when the kernel refuses the codec, or -1 with err set.
 */
static int zr_run(const char *dev, const char *c, const uint8_t *corpus, uint64_t n, uint64_t nz,
		  double *tw, double *tr, char *err, size_t errlen)
{
	char size[32];
	snprintf(size, sizeof(size), "%llu", (unsigned long long)((n + nz) * ZSIM_PAGE_SIZE));
	if (zr_set(dev, "reset", "1", err, errlen) < 0)
		return -1;
	if (zr_set(dev, "comp_algorithm", c, err, errlen) < 0)
		return -2;   /* listed but not to be had (its module cannot be loaded) */
	if (zr_set(dev, "disksize", size, err, errlen) < 0)
		return -1;
	char path[256];
	snprintf(path, sizeof(path), "/dev/%s", dev);
	int fd = open(path, O_RDWR | O_DIRECT);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	void *buf = NULL;
	if (posix_memalign(&buf, ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE) != 0)
		zsim_nomem(ZSIM_PAGE_SIZE);
	int rc = 0;
	for (int pass = 0; pass < 2 && rc == 0; pass++)   /* writes, then reads */
		for (uint64_t i = 0; i < nz + n; i++) {
			if (pass == 0 && i < nz)
				memset(buf, 0, ZSIM_PAGE_SIZE);
			else if (pass == 0)
				memcpy(buf, corpus + (i - nz) * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE);
			off_t off = (off_t)(i * ZSIM_PAGE_SIZE);
			uint64_t t0 = zsim_wall_ns();
			ssize_t got = pass == 0 ? pwrite(fd, buf, ZSIM_PAGE_SIZE, off) : pread(fd, buf, ZSIM_PAGE_SIZE, off);
			uint64_t t1 = zsim_wall_ns();
			if (got != ZSIM_PAGE_SIZE) {
				snprintf(err, errlen, "%s: %s page %llu: %s", path, pass ? "reading" : "writing",
					 (unsigned long long)i, got < 0 ? strerror(errno) : "short");
				rc = -1;
				break;
			}
			double *t = pass ? tr : tw;
			if ((double)(t1 - t0) < t[i])
				t[i] = (double)(t1 - t0);
		}
	free(buf);
	close(fd);
	return rc;
}

static json_t *cal_zram(const char *dev, const uint8_t *corpus, uint64_t n, char *err, size_t errlen)
{
	char list[256], line[256];
	if (strncmp(dev, "zram", 4) != 0) {
		snprintf(err, errlen, "--zram %s: name a zram device (zram1, say)", dev);
		return NULL;
	}
	if (zr_get(dev, "comp_algorithm", list, sizeof(list), err, errlen) < 0 ||
	    zr_get(dev, "disksize", line, sizeof(line), err, errlen) < 0)
		return NULL;
	if (strtoull(line, NULL, 10) != 0) {
		snprintf(err, errlen, "--zram %s: busy (disksize %s): name a free zram device (disksize 0)", dev, line);
		return NULL;
	}
	uint64_t nz = n < 256 ? n : 256;   /* zero pages: the baseline */
	double *tw = zsim_xmalloc((n + nz) * sizeof(*tw)), *tr = zsim_xmalloc((n + nz) * sizeof(*tr));
	double *tc = zsim_xmalloc(n * sizeof(*tc)), *td = zsim_xmalloc(n * sizeof(*td));
	int *len = zsim_xmalloc(n * sizeof(*len));
	uint8_t *dst = zsim_xmalloc(ZSIM_CODEC_DST_MAX);
	json_t *res = json_object();
	for (size_t ci = 0; res && ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		if (!zr_offers(list, ops->name))
			continue;
		/* the pages' compressed sizes: zsim's codec is the kernel's, byte for byte */
		void *priv = zsim_xcalloc(1, ops->priv_size ? ops->priv_size : 1);
		if (ops->init && ops->init(priv, ops->default_level) < 0) {
			free(priv);
			continue;
		}
		for (uint64_t i = 0; i < n; i++)
			len[i] = ops->compress(priv, corpus + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE, dst, ZSIM_CODEC_DST_MAX);
		if (ops->fini)
			ops->fini(priv);
		free(priv);
		for (uint64_t i = 0; i < n + nz; i++)
			tw[i] = tr[i] = 1e30;
		int rc = 0;
		for (int rep = 0; rep < CAL_REPEATS && rc == 0; rep++)
			rc = zr_run(dev, ops->name, corpus, n, nz, tw, tr, err, errlen);
		if (rc == -2)
			continue;   /* offered in the list, refused when set: not measured */
		if (rc < 0) {
			json_decref(res);
			res = NULL;
			break;
		}
		double bw = median(tw, nz), br = median(tr, nz);   /* the zero pages' (sorted in place) */
		for (uint64_t i = 0; i < n; i++) {
			tc[i] = tw[nz + i] > bw ? tw[nz + i] - bw : 0;
			td[i] = tr[nz + i] > br ? tr[nz + i] - br : 0;
		}
		json_object_set_new(res, ops->name, cal_codec_json(len, tc, td, n));
	}
	/* leave it free, with the codec it had */
	char e2[256], was[64] = "";
	const char *lb = strchr(list, '['), *rb = lb ? strchr(lb, ']') : NULL;
	if (lb && rb && (size_t)(rb - lb) < sizeof(was))
		memcpy(was, lb + 1, (size_t)(rb - lb - 1));
	if ((zr_set(dev, "reset", "1", e2, sizeof(e2)) < 0 ||
	     (was[0] && zr_set(dev, "comp_algorithm", was, e2, sizeof(e2)) < 0)) && res) {
		snprintf(err, errlen, "%s", e2);
		json_decref(res);
		res = NULL;
	}
	if (res && !json_object_size(res)) {
		snprintf(err, errlen, "--zram %s: the kernel offers none of zsim's codecs (%s)", dev, list);
		json_decref(res);
		res = NULL;
	}
	free(tw);
	free(tr);
	free(tc);
	free(td);
	free(len);
	free(dst);
	return res;
}

struct cal_opts {
	uint64_t pages;
	const char *out, *dir;
	char zram[ZSIM_OPT_NAME_MAX];   /* --zram: a zram device's name */
	bool mm, help;
};

static const struct zsim_opt cal_opts_tab[] = {
	{ "pages", ZSIM_OPT_COUNT, offsetof(struct cal_opts, pages), "4096", 1, 1u << 20,
	  "pages in the measured corpus", 'n' },
	{ "mm", ZSIM_OPT_FLAG, offsetof(struct cal_opts, mm), NULL, 0, 0,
	  "measure the workload's fault and access costs as `zsim play` runs them (not the codecs)", 0 },
	{ "zram", ZSIM_OPT_NAME, offsetof(struct cal_opts, zram), NULL, 0, 0,
	  "measure the running kernel's codecs through this free zram device (zram1, say; root)", 0 },
	{ "dir", ZSIM_OPT_DIR, offsetof(struct cal_opts, dir), NULL, 0, 0,
	  "--mm: measure the file events on the filesystem of this directory (default: /tmp's)", 0 },
	{ "output", ZSIM_OPT_FILE, offsetof(struct cal_opts, out), NULL, 0, 0,
	  "write the JSON there (default: standard output)", 'o' },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct cal_opts, help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_cmd_calibrate(int argc, char **argv)
{
	struct cal_opts co;
	char err[512];
	memset(&co, 0, sizeof(co));
	const struct zsim_opt_set sets[] = { { cal_opts_tab, &co }, { NULL, NULL } };
	if (zsim_opt_parse(sets, argc - 1, argv + 1, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim calibrate: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (co.help) {
		printf("usage: zsim calibrate [--zram DEV | --mm [--dir DIR]] [--pages N] [-o FILE]\n"
		       "Measure this machine's codecs per 4 KiB page; the output is a config's \"codec_time\".\n"
		       "With --zram: the running kernel's own codecs, timed through a free zram device\n"
		       "(each page written and read back with O_DIRECT, less a zero page's time).\n"
		       "With --mm: the CPU time of a minor fault and of an access to a resident page as\n"
		       "`zsim play` runs them here (a config's \"mm\" minor_fault_time and access_time),\n"
		       "and of a file's creation and of a page read or written through a file (file_create_time,\n"
		       "file_io_time), on the filesystem of --dir; where swap is on, a swap-in fault's own\n"
		       "CPU too (swapin_fault_time: random pages pushed out with MADV_PAGEOUT, read back).\n");
		zsim_opt_print(stdout, cal_opts_tab);
		return ZSIM_EXIT_OK;
	}
	uint64_t pages = co.pages;
	const char *out = co.out;
	json_t *res;
	if (co.mm && co.zram[0]) {
		fprintf(stderr, "zsim calibrate: --mm and --zram measure different things: give one\n");
		return ZSIM_EXIT_USAGE;
	}
	if (co.mm) {
		res = cal_mm(pages, co.dir, err, sizeof(err));
		if (!res) {
			fprintf(stderr, "zsim calibrate --mm: %s\n", err);
			return ZSIM_EXIT_ERROR;
		}
		goto write;
	}
	/* the corpus: mix pages that are not same-filled */
	uint8_t *corpus = zsim_xmalloc(pages * ZSIM_PAGE_SIZE);
	uint64_t n = 0;
	for (uint64_t seed = 1; n < pages; seed++) {
		uint8_t *pg = corpus + n * ZSIM_PAGE_SIZE;
		zsim_content_fill(ZSIM_CONTENT_MIX, seed, pg);
		uint64_t w0, w;
		memcpy(&w0, pg, 8);
		bool same = true;
		for (size_t off = 8; off < ZSIM_PAGE_SIZE && same; off += 8) {
			memcpy(&w, pg + off, 8);
			same = w == w0;
		}
		n += !same;
	}
	if (co.zram[0]) {
		res = cal_zram(co.zram, corpus, pages, err, sizeof(err));
		free(corpus);
		if (!res) {
			fprintf(stderr, "zsim calibrate: %s\n", err);
			return ZSIM_EXIT_ERROR;
		}
		goto write;
	}
	uint8_t (*dst)[ZSIM_CODEC_DST_MAX] = zsim_xmalloc(pages * sizeof(*dst));
	int *len = zsim_xmalloc(pages * sizeof(*len));
	double *tc = zsim_xmalloc(pages * sizeof(*tc)), *td = zsim_xmalloc(pages * sizeof(*td));
	uint8_t back[ZSIM_PAGE_SIZE];
	/* what reading the clock adds to a timed interval: the shortest of many
	 * empty ones (a few ns natively; microseconds in an emulated guest whose
	 * clock reads trap), taken off every page's time below */
	double clock_ns = 1e30;
	for (int k = 0; k < 2000; k++) {
		uint64_t t0 = zsim_wall_ns(), t1 = zsim_wall_ns();
		if ((double)(t1 - t0) < clock_ns)
			clock_ns = (double)(t1 - t0);
	}
	res = json_object();
	for (size_t ci = 0; ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		void *priv = zsim_xcalloc(1, ops->priv_size ? ops->priv_size : 1);
		if (ops->init && ops->init(priv, ops->default_level) < 0) {
			free(priv);
			continue;
		}
		/* each page timed on its own, best of CAL_REPEATS */
		for (uint64_t i = 0; i < pages; i++)
			tc[i] = td[i] = 1e30;
		for (int rep = 0; rep < CAL_REPEATS; rep++)
			for (uint64_t i = 0; i < pages; i++) {
				const uint8_t *src = corpus + i * ZSIM_PAGE_SIZE;
				uint64_t t0 = zsim_wall_ns();
				len[i] = ops->compress(priv, src, ZSIM_PAGE_SIZE, dst[i], ZSIM_CODEC_DST_MAX);
				uint64_t t1 = zsim_wall_ns();
				if (len[i] > 0)
					ops->decompress(priv, dst[i], (size_t)len[i], back, sizeof(back));
				uint64_t t2 = zsim_wall_ns();
				if ((double)(t1 - t0) < tc[i])
					tc[i] = (double)(t1 - t0);
				if ((double)(t2 - t1) < td[i])
					td[i] = (double)(t2 - t1);
			}
		if (ops->fini)
			ops->fini(priv);
		free(priv);
		for (uint64_t i = 0; i < pages; i++) {   /* the clock's own cost is not the codec's */
			tc[i] = tc[i] > clock_ns ? tc[i] - clock_ns : 0;
			td[i] = td[i] > clock_ns ? td[i] - clock_ns : 0;
		}
		json_object_set_new(res, ops->name, cal_codec_json(len, tc, td, pages));
	}
	free(tc);
	free(td);
	free(corpus);
	free(dst);
	free(len);
write:;
	int rc = ZSIM_EXIT_OK;
	if (out) {
		/* only over a regular file, whole or not at all */
		char oerr[600];
		if (zsim_out_check(out, oerr, sizeof(oerr)) < 0) {
			fprintf(stderr, "zsim calibrate: -o %s\n", oerr);
			json_decref(res);
			return ZSIM_EXIT_ERROR;
		}
		char *tmp = zsim_tmp_name(out);
		zsim_tmp_add(tmp, false);
		if (json_dump_file(res, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || rename(tmp, out) != 0) {
			fprintf(stderr, "zsim calibrate: %s: %s\n", out, strerror(errno));
			unlink(tmp);
			rc = ZSIM_EXIT_ERROR;
		}
		zsim_tmp_del(tmp);
		free(tmp);
	} else {
		char *s = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	}
	json_decref(res);
	return rc;
}
