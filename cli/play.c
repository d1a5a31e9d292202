/*
 * play.c - `zsim play TRACE...`: run a trace against the running kernel and
 * record what the kernel did, in the shape `zsim run` writes, so the two can
 * be put side by side (zsim's claim is the dynamics: reclaim, swap traffic and
 * the OOM killer over time, and only a real kernel can say whether they agree).
 *
 * Design.  Every trace process becomes one real process.  Each trace gets a
 * controller process that reads the trace once, in order, and deals each
 * event to its process through a pipe (non-blocking, with a bounded queue per
 * process in the controller, so a sleeping process never holds up the rest of
 * its trace).  A `create` forks the child from the controller (small), not
 * from its trace parent, because the trace's processes start with an empty
 * address space as zsim's do; the child then waits until its parent reaches
 * the create event in its own stream, so it starts when zsim would start it.
 * `wait` and `exit` meet through futexes in a shared table of process slots,
 * and so do `wake` and `park` (a count of wakes per slot).
 * The main process samples the kernel every --interval: /proc/vmstat,
 * /proc/meminfo, /proc/swaps, zram's mm_stat/io_stat/bd_stat and zswap's
 * debugfs; it writes timeseries.csv with zsim's column names and, at the end,
 * summary.json (counters as deltas over the run, under zsim's keys, plus the
 * kernel's whole vmstat delta, and kswapd's CPU time) and events.jsonl (OOM kills).
 *
 * Events as zsim models them: an access touches one page of one big private
 * anonymous region per process (trace page p at offset 4096 p; map
 * events make nothing, as in sim/engine.c: anonymous memory appears on first
 * touch); a write fills the page with exactly the bytes zsim's content model
 * gives (traces/content.c, or the trace's corpus page); a read loads one byte;
 * unmap is MADV_DONTNEED; cpu burns that much of the process's own CPU time
 * (times --cpu-scale); sleep sleeps; file events read and write files under
 * the directory given for the trace's filesystem (--fs NAME=DIR), one file
 * per trace file id, through the page cache.  A process whose events end
 * without an exit stays alive, holding its memory, until every trace is done
 * (the 2013 hogger), as in zsim.
 *
 * What differs from a simulated run, by nature: wall time is real (the
 * controllers and the sampler take a little CPU and memory of their own; they
 * ask the kernel never to pick them for an OOM kill), and the kernel's own
 * background (other processes, daemons) is whatever the machine runs.
 * Tests of this file run it on the host without swap; `make validate-kernel`
 * runs it in a guest whose memory and swap are set per scenario.
 */
#include "cli.h"
#include "../traces/trace.h"
#include "../traces/content.h"
#include "../sim/results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLAY_VERSION "0.1.0"
#define MAX_SLOTS (1u << 18)                 /* processes over a whole play */
#define REGION_PAGES (1ull << 33)            /* 32 TiB of address space per process */
#define PIPE_BYTES (256u << 10)              /* kernel pipe buffer per process */
#define QUEUE_CAP (1u << 20)                 /* controller-side bytes queued per process */
#define MAX_FS ZSIM_TRACE_MAX_FS

enum slot_state { SLOT_WAITING = 1, SLOT_RUNNING, SLOT_IDLE, SLOT_DONE };

struct slot {
	_Atomic uint32_t state;   /* futex word: enum slot_state */
	_Atomic uint32_t wakeups; /* futex word: wakes not yet taken by a park */
	uint32_t group, tpid;
	int32_t os_pid;
	uint8_t killed;           /* ended by SIGKILL it did not get from us: the OOM killer */
	uint64_t start_ns, end_ns;
	/* the process's own CPU time (user and system) and faults when its events
	 * ended (an idle process uses no more); none if it was killed first */
	uint64_t cpu_ns, sys_ns, minflt, majflt;
	uint64_t run_delay_ns, slices;   /* /proc/PID/schedstat: waiting for a CPU, turns on one */
	uint8_t measured;
	char name[48];
};

struct shared {
	_Atomic uint32_t nslots, live, groups_done, failed;
	_Atomic uint32_t unlocked;   /* the sampler or a controller could not lock its memory */
	_Atomic uint64_t absorbed_ns;   /* see struct worker's debt_ns */
	/* CPU spent making page contents, and the pages made, by content class */
	_Atomic uint64_t content_cls_ns[ZSIM_CONTENT_NR], content_cls_pages[ZSIM_CONTENT_NR];
	uint64_t t0_ns;
	struct slot slots[MAX_SLOTS];
};

/* One event as a process receives it (32 bytes; pipes carry whole records). */
struct rec {
	uint8_t kind, write, cls, param;
	uint32_t arg;     /* CREATE: child slot; WAIT: target slot + 1 (0: all children); WAKE: target
			   * slot; FILE_*: file id */
	uint64_t page;    /* ACCESS/UNMAP: page; FILE_*: page in the file */
	uint64_t n;       /* seed of written content; UNMAP/TRUNCATE npages; CPU/SLEEP ns */
	uint32_t fs;      /* FILE_CREATE: fs index */
	uint32_t pad;
};

struct play_opts {
	const char *out;
	uint64_t interval_ns, timeout_ns;
	double cpu_scale;
	bool quiet, help;
};

struct play {
	struct play_opts o;
	const char *fs_name[MAX_FS * 4], *fs_dir[MAX_FS * 4];
	unsigned nfs;
	struct shared *sh;
};

static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static long futex(_Atomic uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)w, op, val, NULL, NULL, 0);
}

static void slot_set(struct slot *s, uint32_t state)
{
	atomic_store(&s->state, state);
	futex(&s->state, FUTEX_WAKE, INT_MAX);
}

/* Wait until the slot's state is at least `want`. */
static void slot_wait(struct slot *s, uint32_t want)
{
	for (;;) {
		uint32_t v = atomic_load(&s->state);
		if (v >= want)
			return;
		futex(&s->state, FUTEX_WAIT, v);
	}
}

/* One more wake for the slot's next park. */
static void slot_wake(struct slot *s)
{
	atomic_fetch_add(&s->wakeups, 1);
	futex(&s->wakeups, FUTEX_WAKE, INT_MAX);
}

static void set_oom_score_adj(const char *v)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd >= 0) {
		ssize_t w = write(fd, v, strlen(v));
		(void)w;
		close(fd);
	}
}

/*
 * The sampler and the controllers keep their own pages in RAM (mlockall, now
 * and for what they map later, each page as it is first touched: a mapping
 * reserved but never used costs nothing): the player is the instrument, not the
 * workload, and its pages swapped out and faulted back every sample would
 * show in the kernel's pswpin and open its swap readahead window, which the
 * simulated run has no player to do.  Locks are not inherited across fork; a
 * trace process locks what it has before it maps the trace's region (its
 * stack and heap, worker_main: `future` 0), not the region.  Best effort: if
 * refused (no CAP_IPC_LOCK and a small RLIMIT_MEMLOCK) the summary says so.
 */
static void lock_own_memory(struct shared *sh, int future)
{
	if (mlockall(MCL_CURRENT | MCL_ONFAULT | future) != 0)
		atomic_store(&sh->unlocked, 1);
}

/* ---- a trace process ---------------------------------------------------------- */

struct worker {
	struct play *pl;
	const char *trace, *corpus_path;
	const char *fsdir[MAX_FS];
	unsigned group;
	uint32_t slot;
	uint8_t *region;
	struct zsim_corpus *corpus;
	uint32_t *kids;          /* slots of the children it started, for wait-all */
	size_t nkids, capkids;
	int fd_file[256];
	uint32_t fd_id[256];
	/* CPU time spent making page contents, not yet taken off a cpu event: a
	 * real program's data comes from the work its cpu events stand for, so
	 * making the bytes here is that work, not extra (the copy into the page,
	 * and its fault, are not absorbed: they are the access) */
	uint64_t debt_ns;
};

static uint64_t thread_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void wfail(struct worker *w, const char *what, const char *detail)
{
	fprintf(stderr, "zsim play: %s: pid %u (%s): %s%s%s\n", w->trace, w->pl->sh->slots[w->slot].tpid,
		w->pl->sh->slots[w->slot].name, what, detail ? ": " : "", detail ? detail : "");
	atomic_store(&w->pl->sh->failed, 1);
	_exit(ZSIM_EXIT_ERROR);
}

static void burn(uint64_t ns)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	uint64_t end = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec + ns;
	volatile uint64_t x = 1;
	for (;;) {
		for (int i = 0; i < 2000; i++)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
		if ((uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec >= end)
			return;
	}
}

static int file_fd(struct worker *w, uint32_t id, unsigned fs, bool create)
{
	unsigned k = id % 256;
	if (w->fd_file[k] >= 0 && w->fd_id[k] == id && !create)
		return w->fd_file[k];
	if (w->fd_file[k] >= 0)
		close(w->fd_file[k]);
	char path[4200];
	snprintf(path, sizeof(path), "%s/g%u-f%u", w->fsdir[fs], w->group, id);
	int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0), 0644);
	if (fd < 0)
		wfail(w, path, strerror(errno));
	w->fd_file[k] = fd;
	w->fd_id[k] = id;
	return fd;
}

static void fill(struct worker *w, const struct rec *r, uint8_t *page)
{
	if (r->cls == ZSIM_CONTENT_CORPUS) {
		char err[512];
		if (!w->corpus && zsim_content_corpus_open(w->corpus_path, &w->corpus, err, sizeof(err)) < 0)
			wfail(w, "corpus", err);
		if (zsim_content_corpus_read(w->corpus, r->n, page, err, sizeof(err)) < 0)
			wfail(w, "corpus", err);
	} else
		zsim_content_fill_param((enum zsim_content_class)r->cls, r->param, r->n, page);
}

/* dt ns of CPU went into making a page of r's class. */
static void content_spent(struct worker *w, const struct rec *r, uint64_t dt)
{
	struct shared *sh = w->pl->sh;
	w->debt_ns += dt;
	if (r->cls < ZSIM_CONTENT_NR) {
		atomic_fetch_add(&sh->content_cls_ns[r->cls], dt);
		atomic_fetch_add(&sh->content_cls_pages[r->cls], 1);
	}
}

static void run_rec(struct worker *w, const struct rec *r)
{
	struct shared *sh = w->pl->sh;
	uint8_t buf[ZSIM_PAGE_SIZE];
	switch (r->kind) {
	case ZSIM_EV_ACCESS: {
		uint8_t *p = w->region + r->page * ZSIM_PAGE_SIZE;
		if (r->write) {
			uint64_t t0 = thread_ns();
			fill(w, r, buf);
			content_spent(w, r, thread_ns() - t0);
			memcpy(p, buf, ZSIM_PAGE_SIZE);
		} else
			(void)*(volatile uint8_t *)p;
		break;
	}
	case ZSIM_EV_UNMAP:
		madvise(w->region + r->page * ZSIM_PAGE_SIZE, r->n * ZSIM_PAGE_SIZE, MADV_DONTNEED);
		break;
	case ZSIM_EV_CPU: {
		uint64_t ns = (uint64_t)((double)r->n * w->pl->o.cpu_scale);
		uint64_t take = w->debt_ns < ns ? w->debt_ns : ns;
		w->debt_ns -= take;
		atomic_fetch_add(&sh->absorbed_ns, take);
		burn(ns - take);
		break;
	}
	case ZSIM_EV_SLEEP: {
		struct timespec t = { (time_t)(r->n / 1000000000ull), (long)(r->n % 1000000000ull) };
		while (clock_nanosleep(CLOCK_MONOTONIC, 0, &t, &t) == EINTR)
			;
		break;
	}
	case ZSIM_EV_PROC_CREATE: {
		struct slot *c = &sh->slots[r->arg];
		c->start_ns = now_ns() - sh->t0_ns;
		if (w->nkids == w->capkids) {
			w->capkids = w->capkids ? 2 * w->capkids : 16;
			w->kids = realloc(w->kids, w->capkids * sizeof(*w->kids));
			if (!w->kids)
				wfail(w, "out of memory", NULL);
		}
		w->kids[w->nkids++] = r->arg;
		slot_set(c, SLOT_RUNNING);
		break;
	}
	case ZSIM_EV_WAKE:
		slot_wake(&sh->slots[r->arg]);
		break;
	case ZSIM_EV_PARK: {
		_Atomic uint32_t *wu = &sh->slots[w->slot].wakeups;
		for (;;) {
			uint32_t v = atomic_load(wu);
			if (v && atomic_compare_exchange_weak(wu, &v, v - 1))
				break;
			if (!v)
				futex(wu, FUTEX_WAIT, 0);
		}
		break;
	}
	case ZSIM_EV_WAIT:
		if (r->arg)
			slot_wait(&sh->slots[r->arg - 1], SLOT_DONE);
		else
			for (size_t k = 0; k < w->nkids; k++)
				slot_wait(&sh->slots[w->kids[k]], SLOT_DONE);
		break;
	case ZSIM_EV_FILE_CREATE:
		file_fd(w, r->arg, r->fs, true);
		break;
	case ZSIM_EV_FILE_READ: {
		int fd = file_fd(w, r->arg, r->fs, false);
		if (pread(fd, buf, sizeof(buf), (off_t)(r->page * ZSIM_PAGE_SIZE)) < 0)
			wfail(w, "file read", strerror(errno));
		break;
	}
	case ZSIM_EV_FILE_WRITE: {
		int fd = file_fd(w, r->arg, r->fs, false);
		uint64_t t0 = thread_ns();
		fill(w, r, buf);
		content_spent(w, r, thread_ns() - t0);
		if (pwrite(fd, buf, sizeof(buf), (off_t)(r->page * ZSIM_PAGE_SIZE)) != (ssize_t)sizeof(buf))
			wfail(w, "file write", strerror(errno));
		break;
	}
	case ZSIM_EV_FILE_TRUNCATE: {
		int fd = file_fd(w, r->arg, r->fs, false);
		if (ftruncate(fd, (off_t)(r->n * ZSIM_PAGE_SIZE)) < 0)
			wfail(w, "file truncate", strerror(errno));
		break;
	}
	case ZSIM_EV_FILE_UNLINK: {
		char path[4200];
		snprintf(path, sizeof(path), "%s/g%u-f%u", w->fsdir[r->fs], w->group, r->arg);
		unlink(path);
		unsigned k = r->arg % 256;
		if (w->fd_file[k] >= 0 && w->fd_id[k] == r->arg) {
			close(w->fd_file[k]);
			w->fd_file[k] = -1;
		}
		break;
	}
	default:
		break;   /* map: anonymous memory appears on first touch */
	}
}

static bool read_file(const char *path, char *buf, size_t len);

/* A task's /proc/.../schedstat: time runnable but waiting for a CPU, and
 * turns on one, added to *delay and *slices; false if unreadable. */
static bool read_schedstat(const char *path, uint64_t *delay, uint64_t *slices)
{
	char buf[128];
	unsigned long long ex, dl, pc;
	if (!read_file(path, buf, sizeof(buf)) || sscanf(buf, "%llu %llu %llu", &ex, &dl, &pc) != 3)
		return false;
	*delay += dl;
	*slices += pc;
	return true;
}

/* `live` counts processes alive, idle ones included (as zsim's live_processes). */
static void finish(struct worker *w, uint32_t state)
{
	struct slot *s = &w->pl->sh->slots[w->slot];
	s->end_ns = now_ns() - w->pl->sh->t0_ns;
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		uint64_t us = (uint64_t)ru.ru_utime.tv_sec * 1000000000ull + (uint64_t)ru.ru_utime.tv_usec * 1000ull;
		s->sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ull + (uint64_t)ru.ru_stime.tv_usec * 1000ull;
		s->cpu_ns = us + s->sys_ns;
		s->minflt = (uint64_t)ru.ru_minflt;
		s->majflt = (uint64_t)ru.ru_majflt;
		s->measured = 1;
	}
	s->run_delay_ns = s->slices = 0;
	read_schedstat("/proc/self/schedstat", &s->run_delay_ns, &s->slices);
	if (state == SLOT_DONE)
		atomic_fetch_sub(&w->pl->sh->live, 1);
	slot_set(s, state);
}

static void worker_main(struct worker *w, int rfd)
{
	struct shared *sh = w->pl->sh;
	struct slot *me = &sh->slots[w->slot];
	signal(SIGINT, SIG_IGN);   /* the main process decides when everything ends */
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);   /* never outlive the play */
	set_oom_score_adj("0");
	/* its own pages (stack, heap, what it shares with the controller) stay in
	 * RAM as the player's do: only the trace's region, mapped below, is the
	 * workload */
	lock_own_memory(sh, 0);
	for (int k = 0; k < 256; k++)
		w->fd_file[k] = -1;
	slot_wait(me, SLOT_RUNNING);
	atomic_fetch_add(&sh->live, 1);
	/* where the kernel puts it (a fixed address may be taken: the sanitizers'
	 * shadow memory, say); only the offsets within it matter */
	void *m = mmap(NULL, REGION_PAGES * ZSIM_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		wfail(w, "cannot map the process's address space", strerror(errno));
	madvise(m, REGION_PAGES * ZSIM_PAGE_SIZE, MADV_NOHUGEPAGE);   /* zsim models 4 KiB pages */
	w->region = m;
	static struct rec buf[512];
	size_t have = 0;   /* bytes in buf */
	for (;;) {
		ssize_t n = read(rfd, (char *)buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t nrec = have / sizeof(struct rec);
		for (size_t k = 0; k < nrec; k++) {
			if (buf[k].kind == ZSIM_EV_PROC_EXIT) {
				finish(w, SLOT_DONE);
				_exit(0);
			}
			run_rec(w, &buf[k]);
		}
		size_t used = nrec * sizeof(struct rec);
		memmove(buf, (char *)buf + used, have - used);
		have -= used;
	}
	/* events ended without an exit: live on, holding the memory, until the end */
	finish(w, SLOT_IDLE);
	for (;;)
		pause();
}

/* ---- a trace's controller -------------------------------------------------------- */

struct wq {               /* one process as its controller sees it */
	uint32_t slot;
	size_t parent;        /* index of its trace parent + 1, 0: none */
	int fd;               /* write end; -1 once closed */
	pid_t pid;
	bool dead;
	char *q;              /* queued bytes not yet in the pipe: a ring of qcap bytes */
	size_t qh, ql, qcap;  /* its head, length and size */
	unsigned fresh;       /* records queued since the last write was tried */
};

/* uint32 -> uint32 (0: absent), open addressing; memory follows the ids used. */
struct u32map {
	uint32_t *key, *val;
	size_t cap, n;
};

static uint32_t *map_find(struct u32map *m, uint32_t k)
{
	size_t mask = m->cap - 1, i = (k * 2654435761u) & mask;
	while (m->key[i] && m->key[i] != k)
		i = (i + 1) & mask;
	return &m->key[i];
}

static void map_put(struct u32map *m, uint32_t k, uint32_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		uint32_t *ok = m->key, *ov = m->val;
		size_t oc = m->cap;
		m->cap = oc ? oc * 2 : 1024;
		m->key = zsim_xcalloc(m->cap, sizeof(uint32_t));
		m->val = zsim_xcalloc(m->cap, sizeof(uint32_t));
		m->n = 0;
		for (size_t i = 0; i < oc; i++)
			if (ok[i])
				map_put(m, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	uint32_t *p = map_find(m, k);
	if (!*p)
		m->n++;
	*p = k;
	m->val[p - m->key] = v;
}

static uint32_t map_get(struct u32map *m, uint32_t k)
{
	if (!m->cap)
		return 0;
	uint32_t *p = map_find(m, k);
	return *p ? m->val[p - m->key] : 0;
}

struct ctl {
	struct play *pl;
	struct worker proto;
	struct wq *w;
	size_t nw, capw;
	struct u32map pids;    /* trace pid -> index in w + 1 (the latest process of that pid) */
	struct u32map files;   /* trace file id -> fs index + 1 */
	size_t nalive;
	bool shutting_down;
};

static void wq_close(struct wq *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->q);
	q->q = NULL;
	q->qh = q->ql = q->qcap = 0;
}

/* Move queued bytes into the pipe as far as it takes them. */
static void wq_flush(struct wq *q)
{
	q->fresh = 0;
	while (q->ql && q->fd >= 0) {
		size_t run = q->qcap - q->qh < q->ql ? q->qcap - q->qh : q->ql;
		ssize_t n = write(q->fd, q->q + q->qh, run);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				wq_close(q);   /* the process is gone (EPIPE): its events vanish */
			return;
		}
		q->qh = (q->qh + (size_t)n) % q->qcap;
		q->ql -= (size_t)n;
		if ((size_t)n < run)
			return;   /* the pipe is full */
	}
	if (!q->ql)
		q->qh = 0;
}

static void reap(struct ctl *c, bool block)
{
	struct shared *sh = c->pl->sh;
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, block ? 0 : WNOHANG)) > 0) {
		for (size_t i = 0; i < c->nw; i++) {
			struct wq *q = &c->w[i];
			if (q->pid != p)
				continue;
			q->dead = true;
			c->nalive--;
			struct slot *s = &sh->slots[q->slot];
			if (WIFSIGNALED(st) && !c->shutting_down && atomic_load(&s->state) == SLOT_WAITING) {
				slot_set(s, SLOT_DONE);   /* an orphan we ended: it never ran */
			} else if (WIFSIGNALED(st) && !c->shutting_down) {
				/* not from us: the OOM killer (or someone's kill -9) */
				s->killed = 1;
				s->end_ns = now_ns() - sh->t0_ns;
				uint32_t was = atomic_load(&s->state);
				if (was == SLOT_RUNNING || was == SLOT_IDLE)
					atomic_fetch_sub(&sh->live, 1);
				slot_set(s, SLOT_DONE);
				/* children it had not started yet never will be (their
				 * create vanished with it, as in zsim) */
				for (size_t j = 0; j < c->nw; j++)
					if (c->w[j].parent == i + 1 && !c->w[j].dead &&
					    atomic_load(&sh->slots[c->w[j].slot].state) == SLOT_WAITING)
						kill(c->w[j].pid, SIGKILL);
			} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
				atomic_store(&sh->failed, 1);
			} else if (atomic_load(&s->state) < SLOT_DONE && !c->shutting_down) {
				slot_set(s, SLOT_DONE);
			}
			wq_close(q);
			break;
		}
		if (block)
			break;
	}
}

/* Wait until some queue drains a little (or a process ends). */
static void pump(struct ctl *c, int timeout_ms)
{
	struct pollfd pf[256];
	size_t idx[256], n = 0;
	for (size_t i = 0; i < c->nw && n < 256; i++)
		if (c->w[i].ql && c->w[i].fd >= 0) {
			pf[n].fd = c->w[i].fd;
			pf[n].events = POLLOUT;
			idx[n++] = i;
		}
	if (n && poll(pf, n, timeout_ms) > 0) {
		for (size_t k = 0; k < n; k++)
			if (pf[k].revents)
				wq_flush(&c->w[idx[k]]);
	} else if (!n && timeout_ms) {
		struct timespec t = { 0, (long)timeout_ms * 1000000L };
		nanosleep(&t, NULL);
	}
	reap(c, false);
}

static void send(struct ctl *c, struct wq *q, const struct rec *r)
{
	/* a process not started yet may queue without bound: holding up the
	 * trace for it could hold up the very parent that will start it */
	while (q->fd >= 0 && q->ql + sizeof(*r) > QUEUE_CAP &&
	       atomic_load(&c->pl->sh->slots[q->slot].state) != SLOT_WAITING) {
		wq_flush(q);
		if (q->ql + sizeof(*r) > QUEUE_CAP)
			pump(c, 20);
		if (atomic_load(&c->pl->sh->failed) || stop_signal)
			return;
	}
	if (q->fd < 0)
		return;
	/* a ring: a controller that runs ahead of its process had moved its
	 * whole queue (up to QUEUE_CAP) down each time the pipe took a page */
	if (q->ql + sizeof(*r) > q->qcap) {
		size_t cap = q->qcap ? 2 * q->qcap : 4096;
		char *nq = zsim_xmalloc(cap);
		size_t first = q->qcap - q->qh < q->ql ? q->qcap - q->qh : q->ql;
		if (q->ql) {
			memcpy(nq, q->q + q->qh, first);
			memcpy(nq + first, q->q, q->ql - first);
		}
		free(q->q);
		q->q = nq;
		q->qcap = cap;
		q->qh = 0;
	}
	size_t tail = (q->qh + q->ql) % q->qcap, room = q->qcap - tail;
	if (room >= sizeof(*r)) {
		memcpy(q->q + tail, r, sizeof(*r));
	} else {   /* after a partial write a record may wrap round */
		memcpy(q->q + tail, r, room);
		memcpy(q->q, (const char *)r + room, sizeof(*r) - room);
	}
	q->ql += sizeof(*r);
	/* a write is tried once per 16 KiB of new records (what a process reads
	 * at a time): a controller that runs ahead of its process, its pipe
	 * full, used to try one (and fail) per event, which made the
	 * controllers a quarter of a validation guest's CPU */
	if (++q->fresh >= 16384 / sizeof(*r))
		wq_flush(q);
}

static struct wq *spawn(struct ctl *c, uint32_t tpid, const char *name, size_t parent)
{
	bool start_now = parent == 0;
	struct shared *sh = c->pl->sh;
	uint32_t slot = atomic_fetch_add(&sh->nslots, 1);
	if (slot >= MAX_SLOTS) {
		fprintf(stderr, "zsim play: %s: more than %u processes\n", c->proto.trace, MAX_SLOTS);
		atomic_store(&sh->failed, 1);
		return NULL;
	}
	struct slot *s = &sh->slots[slot];
	s->group = c->proto.group;
	s->tpid = tpid;
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "");
	atomic_store(&s->state, SLOT_WAITING);
	atomic_store(&s->wakeups, 0);
	int p[2];
	if (pipe(p) < 0) {
		fprintf(stderr, "zsim play: pipe: %s\n", strerror(errno));
		atomic_store(&sh->failed, 1);
		return NULL;
	}
	fcntl(p[1], F_SETPIPE_SZ, PIPE_BYTES);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "zsim play: fork: %s\n", strerror(errno));
		atomic_store(&sh->failed, 1);
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		/* keep only stdio and this process's own read end */
		if (p[0] != 3) {
			dup2(p[0], 3);
			close(p[0]);
		}
		syscall(SYS_close_range, 4u, ~0u, 0u);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		struct worker w = c->proto;
		w.slot = slot;
		worker_main(&w, 3);
	}
	close(p[0]);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	s->os_pid = pid;
	if (c->nw == c->capw) {
		c->capw = c->capw ? 2 * c->capw : 64;
		c->w = zsim_xrealloc(c->w, c->capw * sizeof(*c->w));
	}
	struct wq *q = &c->w[c->nw++];
	memset(q, 0, sizeof(*q));
	q->slot = slot;
	q->parent = parent;
	q->fd = p[1];
	q->pid = pid;
	c->nalive++;
	map_put(&c->pids, tpid, (uint32_t)c->nw);
	if (start_now) {
		s->start_ns = now_ns() - sh->t0_ns;
		slot_set(s, SLOT_RUNNING);
	}
	return q;
}

/* A process whose parent was killed before starting it: never runs (its
 * create vanished with the parent's events, as in zsim); its events are dropped. */
static void spawn_dead(struct ctl *c, uint32_t tpid)
{
	if (c->nw == c->capw) {
		c->capw = c->capw ? 2 * c->capw : 64;
		c->w = zsim_xrealloc(c->w, c->capw * sizeof(*c->w));
	}
	struct wq *q = &c->w[c->nw++];
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->pid = -1;
	q->dead = true;
	q->slot = UINT32_MAX;
	map_put(&c->pids, tpid, (uint32_t)c->nw);
}

static void on_term(int sig) { stop_signal = sig; }

static int controller_main(struct ctl *c)
{
	struct shared *sh = c->pl->sh;
	lock_own_memory(sh, MCL_FUTURE);
	signal(SIGINT, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct zsim_trace_reader *r;
	char err[1024];
	if (zsim_trace_open(c->proto.trace, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim play: %s\n", err);
		atomic_store(&sh->failed, 1);
		return ZSIM_EXIT_ERROR;
	}
	struct zsim_event ev;
	int rc = 0;
	while (!stop_signal && !atomic_load(&sh->failed) && (rc = zsim_trace_next(r, &ev)) > 0) {
		struct rec rr;
		memset(&rr, 0, sizeof(rr));
		rr.kind = ev.kind;
		if (ev.kind == ZSIM_EV_PROC_CREATE) {
			struct wq *par = NULL;
			if (ev.target) {
				uint32_t pi = map_get(&c->pids, ev.target);
				if (!pi) {
					fprintf(stderr, "zsim play: %s: event %llu: parent pid %u of pid %u is unknown\n",
						c->proto.trace, (unsigned long long)zsim_trace_reader_events(r), ev.target,
						ev.pid);
					atomic_store(&sh->failed, 1);
					break;
				}
				par = &c->w[pi - 1];
			}
			size_t pidx = par ? (size_t)(par - c->w) : 0;
			if (par && par->fd < 0) {
				spawn_dead(c, ev.pid);
				continue;
			}
			struct wq *q = spawn(c, ev.pid, ev.name, par ? pidx + 1 : 0);
			if (!q)
				break;
			if (par) {
				par = &c->w[pidx];   /* spawn may move the table */
				rr.arg = q->slot;
				send(c, par, &rr);
			}
			continue;
		}
		uint32_t pi = map_get(&c->pids, ev.pid);
		if (!pi)
			continue;   /* the reader checked it was created; this can't happen */
		struct wq *q = &c->w[pi - 1];
		if (q->fd < 0 && ev.kind == ZSIM_EV_WAKE && (pi = map_get(&c->pids, ev.target)) &&
		    c->w[pi - 1].slot != UINT32_MAX) {
			/* killed, but it still passes the turn on, as in zsim (here when
			 * the controller reads the wake, which may be early) */
			slot_wake(&sh->slots[c->w[pi - 1].slot]);
			continue;
		}
		if (q->fd < 0)
			continue;   /* killed: its remaining events vanish, as in zsim */
		switch (ev.kind) {
		case ZSIM_EV_ACCESS:
		case ZSIM_EV_UNMAP:
			if (ev.page >= REGION_PAGES || (ev.kind == ZSIM_EV_UNMAP && ev.npages > REGION_PAGES - ev.page)) {
				fprintf(stderr, "zsim play: %s: event %llu: page 0x%llx is beyond the %llu pages "
					"zsim play can give a process\n", c->proto.trace,
					(unsigned long long)zsim_trace_reader_events(r), (unsigned long long)ev.page,
					(unsigned long long)REGION_PAGES);
				atomic_store(&sh->failed, 1);
				goto out;
			}
			rr.page = ev.page;
			rr.write = ev.write;
			rr.n = ev.kind == ZSIM_EV_UNMAP ? ev.npages : ev.content.seed;
			rr.cls = ev.content.cls;
			rr.param = ev.content.param;
			break;
		case ZSIM_EV_CPU:
		case ZSIM_EV_SLEEP:
			rr.n = ev.ns;
			break;
		case ZSIM_EV_WAIT:
			if (ev.target) {
				uint32_t t = map_get(&c->pids, ev.target);
				if (!t)
					continue;   /* never in this trace: nothing to wait for */
				rr.arg = c->w[t - 1].slot + 1;
			}
			break;
		case ZSIM_EV_WAKE: {
			uint32_t t = map_get(&c->pids, ev.target);
			if (!t || c->w[t - 1].slot == UINT32_MAX)
				continue;   /* never created (or never forked): the wake is dropped */
			rr.arg = c->w[t - 1].slot;
			break;
		}
		case ZSIM_EV_FILE_CREATE:
			map_put(&c->files, ev.file, ev.fs + 1);
			/* fall through */
		case ZSIM_EV_FILE_READ:
		case ZSIM_EV_FILE_WRITE:
		case ZSIM_EV_FILE_TRUNCATE:
		case ZSIM_EV_FILE_UNLINK:
			rr.arg = ev.file;
			rr.fs = map_get(&c->files, ev.file) - 1;
			rr.page = ev.page;
			rr.n = ev.kind == ZSIM_EV_FILE_TRUNCATE ? ev.npages : ev.content.seed;
			rr.cls = ev.content.cls;
			rr.param = ev.content.param;
			break;
		default:
			break;
		}
		send(c, q, &rr);
	}
	if (rc < 0) {
		fprintf(stderr, "zsim play: %s\n", zsim_trace_reader_error(r));
		atomic_store(&sh->failed, 1);
	}
out:
	zsim_trace_close(r);
	/* deliver what is queued, then let every process see the end of its events */
	for (;;) {
		bool any = false;
		for (size_t i = 0; i < c->nw; i++) {
			wq_flush(&c->w[i]);
			if (c->w[i].ql && c->w[i].fd >= 0)
				any = true;
		}
		if (!any || stop_signal || atomic_load(&sh->failed))
			break;
		pump(c, 50);
	}
	for (size_t i = 0; i < c->nw; i++)
		if (c->w[i].fd >= 0) {
			close(c->w[i].fd);
			c->w[i].fd = -1;
		}
	/* done when every process has exited or idles at the end of its events
	 * (a child whose parent never started it stays WAITING: count it done) */
	while (!stop_signal && !atomic_load(&sh->failed)) {
		bool busy = false;
		for (size_t i = 0; i < c->nw; i++) {
			if (c->w[i].slot == UINT32_MAX)
				continue;
			uint32_t st = atomic_load(&sh->slots[c->w[i].slot].state);
			/* an exited process counts once reaped: its memory is freed by then,
			 * so the last sample sees the machine as the workload left it */
			if (c->w[i].slot != UINT32_MAX && !c->w[i].dead && (st == SLOT_RUNNING || st == SLOT_DONE))
				busy = true;
		}
		if (!busy)
			break;
		pump(c, 20);
	}
	atomic_fetch_add(&sh->groups_done, 1);
	futex(&sh->groups_done, FUTEX_WAKE, INT_MAX);
	while (!stop_signal) {
		pause();
		reap(c, false);
	}
	c->shutting_down = true;
	for (size_t i = 0; i < c->nw; i++)
		if (!c->w[i].dead)
			kill(c->w[i].pid, SIGKILL);
	while (c->nalive)
		reap(c, true);
	return 0;
}

/* ---- sampling the kernel ---------------------------------------------------------- */

#define MAX_VM 512
struct kstat {
	char vm_name[MAX_VM][48];
	uint64_t vm[MAX_VM];
	unsigned nvm;
	uint64_t mem_total, mem_free, mem_avail, swap_total, swap_free, anon_kb, shmem_kb, slab_kb,
		kernel_stack_kb, page_tables_kb, mlocked_kb, unevictable_kb;
	uint64_t zram_mem_used;    /* bytes over all zram devices */
	uint64_t zswap_pool;       /* bytes */
	uint64_t boost;            /* pages: zoneinfo's watermark boost summed over zones */
	uint64_t kswapd_run_ns;    /* kswapd's time on a CPU so far (kswapd_run) */
	bool zswap;
};

static bool read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return true;
}

static uint64_t read_u64(const char *path, bool *ok)
{
	char b[64];
	if (!read_file(path, b, sizeof(b))) {
		if (ok)
			*ok = false;
		return 0;
	}
	if (ok)
		*ok = true;
	return strtoull(b, NULL, 10);
}

static uint64_t vm_get(const struct kstat *k, const char *name)
{
	for (unsigned i = 0; i < k->nvm; i++)
		if (!strcmp(k->vm_name[i], name))
			return k->vm[i];
	return 0;
}

/* allocstall is one counter per zone type in the kernel; zsim has one zone */
static uint64_t vm_sum_prefix(const struct kstat *k, const char *prefix)
{
	uint64_t s = 0;
	size_t n = strlen(prefix);
	for (unsigned i = 0; i < k->nvm; i++)
		if (!strncmp(k->vm_name[i], prefix, n))
			s += k->vm[i];
	return s;
}

static void zram_devices(char names[][16], unsigned *n, unsigned max)
{
	*n = 0;
	DIR *d = opendir("/sys/block");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && *n < max) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "zram", 4) != 0 || len >= 16)
			continue;
		char p[300];
		snprintf(p, sizeof(p), "/sys/block/%s/disksize", e->d_name);
		bool ok;
		if (read_u64(p, &ok) && ok)
			memcpy(names[(*n)++], e->d_name, len + 1);
	}
	closedir(d);
	/* a stable order: zram0, zram1, ... */
	for (unsigned i = 1; i < *n; i++)
		for (unsigned j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[16];
			memcpy(t, names[j], 16);
			memcpy(names[j], names[j - 1], 16);
			memcpy(names[j - 1], t, 16);
		}
}

static uint64_t zoneinfo_sum(const char *field);

/*
 * The kernel's kswapd threads (one a node), found once in /proc by their
 * name: they live as long as the kernel.  Their count; the pids in *pids.
 */
#define MAX_KSWAPD 64
static int kswapd_pids(const int **pids)
{
	static int found[MAX_KSWAPD], n = -1;
	if (n < 0) {
		n = 0;
		char path[300], buf[64];
		DIR *d = opendir("/proc");
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL && n < MAX_KSWAPD) {
			if (e->d_name[0] < '1' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
			if (read_file(path, buf, sizeof(buf)) && strncmp(buf, "kswapd", 6) == 0)
				found[n++] = atoi(e->d_name);
		}
		if (d)
			closedir(d);
	}
	*pids = found;
	return n;
}

/*
 * kswapd's time on a CPU so far, in ns: the first field of each kswapd
 * thread's /proc/PID/schedstat, summed.  Per sample, to set against zsim's
 * kswapd over time (timeseries.csv's kswapd_cpu_ns); the summary's
 * kswapd_cpu_ns stays the ticks of /proc/PID/stat (kswapd_stats), what the
 * validation's fits were made on.
 */
static uint64_t kswapd_run(void)
{
	const int *pids;
	int n = kswapd_pids(&pids);
	uint64_t sum = 0;
	char path[64], buf[128];
	for (int i = 0; i < n; i++) {
		unsigned long long ex;
		snprintf(path, sizeof(path), "/proc/%d/schedstat", pids[i]);
		if (read_file(path, buf, sizeof(buf)) && sscanf(buf, "%llu", &ex) == 1)
			sum += ex;
	}
	return sum;
}

static void sample(struct kstat *k)
{
	k->kswapd_run_ns = kswapd_run();
	static char buf[1 << 16];
	k->nvm = 0;
	if (read_file("/proc/vmstat", buf, sizeof(buf))) {
		char *save, *line = strtok_r(buf, "\n", &save);
		for (; line && k->nvm < MAX_VM; line = strtok_r(NULL, "\n", &save)) {
			char *sp = strchr(line, ' ');
			if (!sp || (size_t)(sp - line) >= sizeof(k->vm_name[0]))
				continue;
			memcpy(k->vm_name[k->nvm], line, (size_t)(sp - line));
			k->vm_name[k->nvm][sp - line] = '\0';
			k->vm[k->nvm++] = strtoull(sp + 1, NULL, 10);
		}
	}
	if (read_file("/proc/meminfo", buf, sizeof(buf))) {
		static const struct { const char *n; size_t off; } f[] = {
			{ "MemTotal:", offsetof(struct kstat, mem_total) },
			{ "MemFree:", offsetof(struct kstat, mem_free) },
			{ "MemAvailable:", offsetof(struct kstat, mem_avail) },
			{ "SwapTotal:", offsetof(struct kstat, swap_total) },
			{ "SwapFree:", offsetof(struct kstat, swap_free) },
			{ "AnonPages:", offsetof(struct kstat, anon_kb) },
			{ "Shmem:", offsetof(struct kstat, shmem_kb) },
			{ "Slab:", offsetof(struct kstat, slab_kb) },
			{ "KernelStack:", offsetof(struct kstat, kernel_stack_kb) },
			{ "PageTables:", offsetof(struct kstat, page_tables_kb) },
			{ "Mlocked:", offsetof(struct kstat, mlocked_kb) },
			{ "Unevictable:", offsetof(struct kstat, unevictable_kb) },
		};
		for (size_t i = 0; i < ZSIM_ARRAY_SIZE(f); i++) {
			char *p = strstr(buf, f[i].n);
			*(uint64_t *)((char *)k + f[i].off) = p ? strtoull(p + strlen(f[i].n), NULL, 10) : 0;
		}
	}
	char names[16][16];
	unsigned nz;
	zram_devices(names, &nz, 16);
	k->zram_mem_used = 0;
	for (unsigned i = 0; i < nz; i++) {
		char p[300];
		snprintf(p, sizeof(p), "/sys/block/%s/mm_stat", names[i]);
		if (read_file(p, buf, 512)) {
			unsigned long long v[3] = { 0, 0, 0 };
			if (sscanf(buf, "%llu %llu %llu", &v[0], &v[1], &v[2]) == 3)
				k->zram_mem_used += v[2];
		}
	}
	bool ok;
	k->zswap_pool = read_u64("/sys/kernel/debug/zswap/pool_total_size", &ok);
	k->zswap = ok;
	k->boost = zoneinfo_sum("boost");
}

static uint64_t delta(const struct kstat *a, const struct kstat *b, const char *name)
{
	uint64_t x = vm_get(a, name), y = vm_get(b, name);
	return y >= x ? y - x : 0;
}

/* A task's /proc/.../stat: its minor and major faults and its CPU (user +
 * system) in clock ticks; false if it is gone or unreadable. */
static bool read_pid_stat(const char *path, unsigned long long *minflt, unsigned long long *majflt,
			  unsigned long long *ticks)
{
	char buf[1024];
	if (!read_file(path, buf, sizeof(buf)))
		return false;
	/* after the ")" that ends comm: state, 6 fields, minflt, cminflt, majflt, cmajflt, utime, stime */
	char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu %*u %llu %llu", minflt, majflt,
			 &ut, &st) != 4)
		return false;
	*ticks = ut + st;
	return true;
}

/* processes.csv: each running trace process's progress at a sample (its
 * faults and CPU so far), to set against zsim's over time. */
static void proc_rows(FILE *f, struct play *pl, uint64_t t)
{
	uint32_t n = atomic_load(&pl->sh->nslots);
	long hz = sysconf(_SC_CLK_TCK);
	for (uint32_t i = 0; i < n && hz > 0; i++) {
		struct slot *s = &pl->sh->slots[i];
		if (atomic_load(&s->state) != SLOT_RUNNING || s->os_pid <= 0)
			continue;
		char path[64];
		unsigned long long mi, ma, ticks;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)s->os_pid);
		if (read_pid_stat(path, &mi, &ma, &ticks))
			fprintf(f, "%llu,%u,%s,%llu,%llu,%llu\n", (unsigned long long)t, i, s->name, mi, ma,
				ticks * (1000000000ull / (unsigned long long)hz));
	}
}

static void ts_header(FILE *f, bool zswap)
{
	fputs("time_ns,free_pages,anon_pages,file_pages,zspages,swap_used_pages,dirty_pages,"
	      "pswpin,pswpout,pgmajfault,pgsteal_kswapd,pgsteal_direct,allocstall,oom_kill,live_processes", f);
	if (zswap)
		fputs(",zswap_pool_pages,zswpout,zswpin,zswpwb", f);
	/* the kernel's own memory beside zsim's columns (zsim keeps it fixed at
	 * what the run started with): slab, page tables, and what is locked or
	 * otherwise unevictable (the player's own pages) */
	fputs(",mem_available_pages,watermark_boost_pages,slab_pages,page_table_pages,mlocked_pages,"
	      "unevictable_pages", f);
	/* the anon LRU's split and what moved pages between its lists */
	fputs(",active_anon_pages,pgactivate,pgdeactivate,workingset_activate_anon", f);
	/* kswapd's CPU so far, as zsim's column of that name */
	fputs(",kswapd_cpu_ns\n", f);
}

static void ts_row(FILE *f, uint64_t t, const struct kstat *k0, const struct kstat *k, uint32_t live)
{
	fprintf(f, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%u",
		(unsigned long long)t, (unsigned long long)(k->mem_free / 4),
		(unsigned long long)(vm_get(k, "nr_active_anon") + vm_get(k, "nr_inactive_anon")),
		(unsigned long long)(vm_get(k, "nr_active_file") + vm_get(k, "nr_inactive_file")),
		(unsigned long long)((k->zram_mem_used + k->zswap_pool) / ZSIM_PAGE_SIZE),
		(unsigned long long)((k->swap_total - k->swap_free) / 4),
		(unsigned long long)vm_get(k, "nr_dirty"), (unsigned long long)delta(k0, k, "pswpin"),
		(unsigned long long)delta(k0, k, "pswpout"), (unsigned long long)delta(k0, k, "pgmajfault"),
		(unsigned long long)delta(k0, k, "pgsteal_kswapd"), (unsigned long long)delta(k0, k, "pgsteal_direct"),
		(unsigned long long)(vm_sum_prefix(k, "allocstall_") - vm_sum_prefix(k0, "allocstall_")),
		(unsigned long long)delta(k0, k, "oom_kill"), live);
	if (k0->zswap)
		fprintf(f, ",%llu,%llu,%llu,%llu", (unsigned long long)(k->zswap_pool / ZSIM_PAGE_SIZE),
			(unsigned long long)delta(k0, k, "zswpout"), (unsigned long long)delta(k0, k, "zswpin"),
			(unsigned long long)delta(k0, k, "zswpwb"));
	fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu", (unsigned long long)(k->mem_avail / 4),
		(unsigned long long)k->boost, (unsigned long long)(k->slab_kb / 4),
		(unsigned long long)(k->page_tables_kb / 4), (unsigned long long)(k->mlocked_kb / 4),
		(unsigned long long)(k->unevictable_kb / 4));
	fprintf(f, ",%llu,%llu,%llu,%llu", (unsigned long long)vm_get(k, "nr_active_anon"),
		(unsigned long long)delta(k0, k, "pgactivate"), (unsigned long long)delta(k0, k, "pgdeactivate"),
		(unsigned long long)delta(k0, k, "workingset_activate_anon"));
	fprintf(f, ",%llu\n", (unsigned long long)(k->kswapd_run_ns > k0->kswapd_run_ns
						    ? k->kswapd_run_ns - k0->kswapd_run_ns : 0));
}

/*
 * The guest's whole CPU time over the run (/proc/stat's cpu line: user, nice,
 * system, idle, iowait, irq, softirq, steal, in ns) and the sampler's own
 * (this process: sampling, writing the timeseries), to tell where a run's
 * time went beyond the workload's processes and kswapd.
 */
#define CPUSTAT_N 8
static const char *const cpustat_names[CPUSTAT_N] = { "user", "nice", "system", "idle", "iowait", "irq",
						       "softirq", "steal" };
static uint64_t cpustat0[CPUSTAT_N], cpustat1[CPUSTAT_N];

static void read_cpustat(uint64_t v[CPUSTAT_N])
{
	char buf[512];
	memset(v, 0, CPUSTAT_N * sizeof(*v));
	if (!read_file("/proc/stat", buf, sizeof(buf)) || strncmp(buf, "cpu ", 4) != 0)
		return;
	long hz = sysconf(_SC_CLK_TCK);
	char *p = buf + 4;
	for (unsigned i = 0; i < CPUSTAT_N; i++) {
		char *end;
		unsigned long long t = strtoull(p, &end, 10);
		if (end == p)
			break;
		v[i] = hz > 0 ? (uint64_t)t * (1000000000ull / (uint64_t)hz) : 0;
		p = end;
	}
}

/* ---- the summary ------------------------------------------------------------------- */

#define JI(v) json_integer((json_int_t)(v))

static json_t *zram_json(const char *dev)
{
	static const char *const mm[] = { "orig_data_size", "compr_data_size", "mem_used_total", "mem_limit",
					  "mem_used_max", "same_pages", "pages_compacted", "huge_pages",
					  "huge_pages_since" };
	static const char *const io[] = { "failed_reads", "failed_writes", "invalid_io", "notify_free" };
	static const char *const bd[] = { "bd_count", "bd_reads", "bd_writes" };
	static const struct { const char *file; const char *const *names; size_t n; } parts[] = {
		{ "mm_stat", mm, ZSIM_ARRAY_SIZE(mm) },
		{ "io_stat", io, ZSIM_ARRAY_SIZE(io) },
		{ "bd_stat", bd, ZSIM_ARRAY_SIZE(bd) },
	};
	json_t *o = json_object();
	char p[300], buf[512];
	snprintf(p, sizeof(p), "/sys/block/%s/disksize", dev);
	json_object_set_new(o, "disksize", JI(read_u64(p, NULL)));
	snprintf(p, sizeof(p), "/sys/block/%s/comp_algorithm", dev);
	if (read_file(p, buf, sizeof(buf))) {
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;
		if (a && b) {
			*b = '\0';
			json_object_set_new(o, "comp_algorithm", json_string(a + 1));
		}
	}
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(parts); i++) {
		snprintf(p, sizeof(p), "/sys/block/%s/%s", dev, parts[i].file);
		if (!read_file(p, buf, sizeof(buf)))
			continue;
		char *s = buf;
		for (size_t k = 0; k < parts[i].n; k++) {
			char *end;
			unsigned long long v = strtoull(s, &end, 10);
			if (end == s)
				break;
			json_object_set_new(o, parts[i].names[k], JI(v));
			s = end;
		}
	}
	return o;
}

static json_t *zswap_json(void)
{
	DIR *d = opendir("/sys/kernel/debug/zswap");
	if (!d)
		return NULL;
	json_t *o = json_object();
	char names[64][64];
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] != '.' && len < 64)
			memcpy(names[n++], e->d_name, len + 1);
	}
	closedir(d);
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char t[64];
			memcpy(t, names[j], 64);
			memcpy(names[j], names[j - 1], 64);
			memcpy(names[j - 1], t, 64);
		}
	for (unsigned i = 0; i < n; i++) {
		char p[4200];
		bool ok;
		snprintf(p, sizeof(p), "/sys/kernel/debug/zswap/%s", names[i]);
		uint64_t v = read_u64(p, &ok);
		if (ok)
			json_object_set_new(o, names[i], JI(v));
	}
	static const char *const params[] = { "enabled", "compressor", "zpool", "max_pool_percent",
					      "accept_threshold_percent", "shrinker_enabled" };
	json_t *par = json_object();
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(params); i++) {
		char p[300], b[64];
		snprintf(p, sizeof(p), "/sys/module/zswap/parameters/%s", params[i]);
		if (read_file(p, b, sizeof(b))) {
			b[strcspn(b, "\n")] = '\0';
			json_object_set_new(par, params[i], json_string(b));
		}
	}
	json_object_set_new(o, "parameters", par);
	return o;
}

static json_t *swaps_json(void)
{
	char buf[8192];
	json_t *a = json_array();
	if (!read_file("/proc/swaps", buf, sizeof(buf)))
		return a;
	char *save, *line = strtok_r(buf, "\n", &save);
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], type[32];
		unsigned long long size, used;
		long prio;
		if (sscanf(line, "%255s %31s %llu %llu %ld", name, type, &size, &used, &prio) != 5)
			continue;
		const char *base = strrchr(name, '/');
		json_t *o = json_object();
		json_object_set_new(o, "device", json_string(base ? base + 1 : name));
		json_object_set_new(o, "priority", JI(prio));
		json_object_set_new(o, "total_pages", JI(size / 4));
		json_object_set_new(o, "used_pages", JI(used / 4));
		json_object_set_new(o, "free_pages", JI((size - used) / 4));
		json_array_append_new(a, o);
	}
	return a;
}

/* Sum over zones of a zoneinfo field ("min", "low", "high"): the watermarks. */
static uint64_t zoneinfo_sum(const char *field)
{
	static char buf[1 << 16];
	if (!read_file("/proc/zoneinfo", buf, sizeof(buf)))
		return 0;
	uint64_t s = 0;
	char *save, *line;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[32];
		unsigned long long v;
		if (sscanf(line, " %31s %llu", name, &v) == 2 && !strcmp(name, field))
			s += v;
	}
	return s;
}

/* What the kernel's kswapd threads have used so far: CPU time (user +
 * system, ns), what reclaim in the background costs this machine, to set
 * against its pgscan_kswapd and pgsteal_kswapd (zsim charges its own estimate
 * per page); and from /proc/PID/schedstat the time spent runnable but
 * waiting for a CPU and the turns on one: how the CPU is shared between
 * background reclaim and the workload. */
struct ksched {
	uint64_t cpu_ns, run_delay_ns, slices;
};

static struct ksched kswapd_stats(void)
{
	struct ksched k = { 0, 0, 0 };
	const int *pids;
	int n = kswapd_pids(&pids);
	uint64_t ticks = 0;
	char path[64];
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pids[i]);
		unsigned long long mi, ma, t;
		if (read_pid_stat(path, &mi, &ma, &t))
			ticks += t;
		snprintf(path, sizeof(path), "/proc/%d/schedstat", pids[i]);
		read_schedstat(path, &k.run_delay_ns, &k.slices);
	}
	long hz = sysconf(_SC_CLK_TCK);
	k.cpu_ns = hz > 0 ? ticks * (1000000000ull / (uint64_t)hz) : 0;
	return k;
}

/*
 * Where the CPU went: every task's run time (/proc/PID/schedstat's first
 * field, in ns) at the start and at the end, the difference summed by kind:
 * the trace processes, the controllers, the sampler (this process), and every
 * other task by its name without the "/..." a kernel thread adds per CPU or
 * queue (kworker, ksoftirqd, kswapd, ...).  A task that ended during the run
 * is not counted (the trace processes' own CPU is in processes[] as well).
 */
#define CENSUS_MAX 8192
struct census {
	uint32_t n;
	int32_t pid[CENSUS_MAX];
	uint64_t ns[CENSUS_MAX];
	char name[CENSUS_MAX][16];
};

static void census_take(struct census *c)
{
	c->n = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	char path[300], buf[256];
	while ((e = readdir(d)) != NULL && c->n < CENSUS_MAX) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		unsigned long long ex;
		snprintf(path, sizeof(path), "/proc/%s/schedstat", e->d_name);
		if (!read_file(path, buf, sizeof(buf)) || sscanf(buf, "%llu", &ex) != 1)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (!read_file(path, buf, sizeof(buf)))
			continue;
		buf[strcspn(buf, "/\n")] = 0;
		c->pid[c->n] = atoi(e->d_name);
		c->ns[c->n] = ex;
		buf[sizeof(c->name[0]) - 1] = 0;
		memcpy(c->name[c->n], buf, strlen(buf) + 1);
		c->n++;
	}
	closedir(d);
}

static json_t *census_delta(const struct census *c0, const struct census *c1, const struct shared *sh,
			    const pid_t *ctl, unsigned nctl)
{
	json_t *o = json_object();
	pid_t self = getpid();
	for (uint32_t i = 0; i < c1->n; i++) {
		uint64_t before = 0;
		for (uint32_t j = 0; j < c0->n; j++)
			if (c0->pid[j] == c1->pid[i]) {
				before = c0->ns[j];
				break;
			}
		if (c1->ns[i] <= before)
			continue;
		const char *kind = c1->name[i];
		if (c1->pid[i] == self)
			kind = "play sampler";
		for (unsigned t = 0; t < nctl; t++)
			if (ctl[t] == c1->pid[i])
				kind = "play controllers";
		uint32_t n = atomic_load(&sh->nslots);
		for (uint32_t k = 0; k < n && k < MAX_SLOTS; k++)
			if (sh->slots[k].os_pid == c1->pid[i])
				kind = "trace processes";
		json_t *v = json_object_get(o, kind);
		uint64_t sum = (v ? (uint64_t)json_integer_value(v) : 0) + (c1->ns[i] - before);
		json_object_set_new(o, kind, JI(sum));
	}
	return o;
}

/* What the sampler follows between samples: the lowest free memory, and the
 * watermark boost (raised a pageblock at a time by each fragmentation
 * fallback, lowered when kswapd finishes): its peak and the pages it rose by
 * from sample to sample (a lower bound on 512 x the fallbacks). */
struct track {
	uint64_t free_lowest, boost_max, boost_added, boost_last;
};

static void track_sample(struct track *tk, const struct kstat *k)
{
	if (k->mem_free / 4 < tk->free_lowest)
		tk->free_lowest = k->mem_free / 4;
	if (k->boost > tk->boost_max)
		tk->boost_max = k->boost;
	if (k->boost > tk->boost_last)
		tk->boost_added += k->boost - tk->boost_last;
	tk->boost_last = k->boost;
}

static json_t *summary(struct play *pl, char **traces, unsigned ntr, const struct kstat *k0,
		       const struct kstat *k1, uint64_t wall_ns, const struct track *tk, int interrupted,
		       struct ksched ks)
{
	struct shared *sh = pl->sh;
	struct utsname u;
	uname(&u);
	json_t *r = json_object();
	json_object_set_new(r, "zsim_version", json_string(ZSIM_VERSION_STRING));
	json_object_set_new(r, "source", json_string("kernel"));
	json_object_set_new(r, "interrupted", json_boolean(interrupted != 0));
	json_object_set_new(r, "kernel", json_string(u.release));
	json_t *tr = json_array();
	for (unsigned i = 0; i < ntr; i++)
		json_array_append_new(tr, json_string(traces[i]));
	json_object_set_new(r, "traces", tr);
	json_object_set_new(r, "sim_time_ns", JI(wall_ns));

	uint32_t n = atomic_load(&sh->nslots);
	uint64_t killed = 0, finished = 0, idle = 0;
	for (uint32_t i = 0; i < n && i < MAX_SLOTS; i++) {
		killed += sh->slots[i].killed;
		finished += atomic_load(&sh->slots[i].state) == SLOT_DONE && !sh->slots[i].killed;
		idle += atomic_load(&sh->slots[i].state) == SLOT_IDLE;
	}
	json_t *oc = json_object();
	json_object_set_new(oc, "oom_kills", JI(delta(k0, k1, "oom_kill")));
	json_object_set_new(oc, "processes", JI(n));
	json_object_set_new(oc, "processes_finished", JI(finished));
	json_object_set_new(oc, "processes_killed", JI(killed));
	json_object_set_new(oc, "processes_left", JI(n - finished - killed));
	json_object_set_new(oc, "processes_idle_at_end", JI(idle));
	json_object_set_new(r, "outcome", oc);

	static const char *const keys[] = { "pgfault", "pgmajfault", "pswpin", "pswpout", "pgpgin", "pgpgout",
					    "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct",
					    "swap_ra", "swap_ra_hit", "workingset_refault_anon", "zswpin", "zswpout" };
	json_t *vm = json_object();
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(keys); i++)
		json_object_set_new(vm, keys[i], JI(delta(k0, k1, keys[i])));
	json_object_set_new(vm, "allocstall", JI(vm_sum_prefix(k1, "allocstall_") - vm_sum_prefix(k0, "allocstall_")));
	json_object_set_new(vm, "oom_kill", JI(delta(k0, k1, "oom_kill")));
	json_object_set_new(r, "vmstat", vm);

	json_t *mem = json_object();
	json_object_set_new(mem, "ram_pages", JI(k1->mem_total / 4));
	bool ok;
	json_object_set_new(mem, "min_free_kbytes", JI(read_u64("/proc/sys/vm/min_free_kbytes", &ok)));
	json_object_set_new(mem, "watermark_min", JI(zoneinfo_sum("min")));
	json_object_set_new(mem, "watermark_low", JI(zoneinfo_sum("low")));
	json_object_set_new(mem, "watermark_high", JI(zoneinfo_sum("high")));
	json_object_set_new(mem, "free_pages", JI(k1->mem_free / 4));
	json_object_set_new(mem, "free_pages_lowest", JI(tk->free_lowest));
	json_object_set_new(mem, "watermark_boost_max", JI(tk->boost_max));
	json_object_set_new(mem, "watermark_boost_added", JI(tk->boost_added));
	json_object_set_new(mem, "zspages", JI((k1->zram_mem_used + k1->zswap_pool) / ZSIM_PAGE_SIZE));
	json_object_set_new(mem, "anon_lru_pages", JI(vm_get(k1, "nr_active_anon") + vm_get(k1, "nr_inactive_anon")));
	json_object_set_new(mem, "file_lru_pages", JI(vm_get(k1, "nr_active_file") + vm_get(k1, "nr_inactive_file")));
	/* what the kernel and everything else held when the workload started:
	 * a zsim config that describes this machine reserves this much */
	json_t *st = json_object();
	json_object_set_new(st, "free_pages", JI(k0->mem_free / 4));
	json_object_set_new(st, "available_pages", JI(k0->mem_avail / 4));
	json_object_set_new(st, "used_pages", JI((k0->mem_total - k0->mem_free) / 4));
	json_object_set_new(st, "anon_lru_pages", JI(vm_get(k0, "nr_active_anon") + vm_get(k0, "nr_inactive_anon")));
	json_object_set_new(st, "file_lru_pages", JI(vm_get(k0, "nr_active_file") + vm_get(k0, "nr_inactive_file")));
	json_object_set_new(st, "shmem_pages", JI(k0->shmem_kb / 4));
	json_object_set_new(st, "slab_pages", JI(k0->slab_kb / 4));
	json_object_set_new(st, "kernel_stack_pages", JI(k0->kernel_stack_kb / 4));
	json_object_set_new(st, "page_table_pages", JI(k0->page_tables_kb / 4));
	json_object_set_new(mem, "at_start", st);
	json_object_set_new(r, "memory", mem);

	json_object_set_new(r, "swap", swaps_json());
	json_t *dev = json_object();
	char names[16][16];
	unsigned nz;
	zram_devices(names, &nz, 16);
	for (unsigned i = 0; i < nz; i++)
		json_object_set_new(dev, names[i], zram_json(names[i]));
	json_t *zs = zswap_json();
	if (zs)
		json_object_set_new(dev, "zswap", zs);
	json_object_set_new(r, "devices", dev);

	/* the whole vmstat, as deltas for counters and end values for gauges (nr_*) */
	json_t *kv = json_object();
	for (unsigned i = 0; i < k1->nvm; i++) {
		const char *nm = k1->vm_name[i];
		uint64_t v = k1->vm[i];
		if (strncmp(nm, "nr_", 3) != 0)
			v = delta(k0, k1, nm);
		json_object_set_new(kv, nm, JI(v));
	}
	json_object_set_new(r, "kernel_vmstat", kv);

	/* slots are numbered as the traces' controllers take them (in parallel):
	 * list the processes by trace, then in the order each trace created them */
	json_t *pa = json_array();
	for (unsigned g = 0; g < ntr; g++)
	for (uint32_t i = 0; i < n && i < MAX_SLOTS; i++) {
		const struct slot *s = &sh->slots[i];
		if (s->group != g)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "trace", JI(s->group));
		json_object_set_new(o, "pid", JI(s->tpid));
		json_object_set_new(o, "name", json_string(s->name));
		json_object_set_new(o, "start_ns", JI(s->start_ns));
		/* an idle process lives on to the end, as in zsim */
		bool to_end = !s->end_ns || atomic_load(&s->state) == SLOT_IDLE;
		json_object_set_new(o, "end_ns", JI(to_end ? wall_ns : s->end_ns));
		if (to_end && s->end_ns)   /* when its events ended (zsim: runtime's end) */
			json_object_set_new(o, "idle_from_ns", JI(s->end_ns));
		json_object_set_new(o, "killed", json_boolean(s->killed));
		if (s->measured && !s->killed) {
			/* zsim's keys; the player's own start-up (fork, mlock of its
			 * pages) is in them too, a few hundred faults */
			json_object_set_new(o, "cpu_ns", JI(s->cpu_ns));
			json_object_set_new(o, "sys_ns", JI(s->sys_ns));
			json_object_set_new(o, "minor_faults", JI(s->minflt));
			json_object_set_new(o, "major_faults", JI(s->majflt));
			json_object_set_new(o, "run_delay_ns", JI(s->run_delay_ns));
			json_object_set_new(o, "cpu_slices", JI(s->slices));
		}
		json_array_append_new(pa, o);
	}
	json_object_set_new(r, "processes", pa);
	json_t *pi = json_object();
	json_object_set_new(pi, "interval_ns", JI(pl->o.interval_ns));
	json_object_set_new(pi, "cpu_scale", json_real(pl->o.cpu_scale));
	json_object_set_new(pi, "machine", json_string(u.machine));
	/* CPU spent making page contents, and the part of it taken off the
	 * trace's cpu events; the rest ran on top of the trace's work */
	json_t *cc = json_object();   /* per class: its CPU and pages (zsim's mm.content_time per class) */
	uint64_t content_ns = 0;
	for (unsigned c = 0; c < ZSIM_CONTENT_NR; c++) {
		uint64_t made = atomic_load(&sh->content_cls_pages[c]), ns = atomic_load(&sh->content_cls_ns[c]);
		content_ns += ns;
		if (!made)
			continue;
		json_t *o = json_object();
		json_object_set_new(o, "cpu_ns", JI(ns));
		json_object_set_new(o, "pages", JI(made));
		json_object_set_new(cc, zsim_content_name((enum zsim_content_class)c), o);
	}
	json_object_set_new(pi, "content_cpu_ns", JI(content_ns));
	json_object_set_new(pi, "content_absorbed_ns", JI(atomic_load(&sh->absorbed_ns)));
	json_object_set_new(pi, "content_by_class", cc);
	/* the kernel's background reclaim, in CPU time over the run */
	json_object_set_new(pi, "kswapd_cpu_ns", JI(ks.cpu_ns));
	json_object_set_new(pi, "kswapd_run_delay_ns", JI(ks.run_delay_ns));
	json_object_set_new(pi, "kswapd_cpu_slices", JI(ks.slices));
	json_object_set_new(pi, "memory_locked", json_boolean(!atomic_load(&sh->unlocked)));
	json_t *cs = json_object();
	for (unsigned i = 0; i < CPUSTAT_N; i++)
		json_object_set_new(cs, cpustat_names[i], JI(cpustat1[i] > cpustat0[i] ? cpustat1[i] - cpustat0[i] : 0));
	json_object_set_new(pi, "cpu_stat_ns", cs);
	struct rusage self;
	if (getrusage(RUSAGE_SELF, &self) == 0)
		json_object_set_new(pi, "sampler_cpu_ns",
				    JI((uint64_t)(self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1000000000ull +
				       (uint64_t)(self.ru_utime.tv_usec + self.ru_stime.tv_usec) * 1000ull));
	json_object_set_new(r, "play", pi);
	return r;
}

/* ---- the command ------------------------------------------------------------------- */

static int parse_fs(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	(void)o;
	struct play *pl = (struct play *)((char *)field - offsetof(struct play, o));
	const char *eq = strchr(val, '=');
	if (!eq || eq == val || !eq[1]) {
		snprintf(err, errlen, "'%s' is not NAME=DIR", val);
		return ZSIM_EFORMAT;
	}
	if (pl->nfs >= ZSIM_ARRAY_SIZE(pl->fs_name)) {
		snprintf(err, errlen, "too many filesystems");
		return ZSIM_EFORMAT;
	}
	char *name = zsim_xstrdup(val);
	name[eq - val] = '\0';
	pl->fs_name[pl->nfs] = name;
	pl->fs_dir[pl->nfs++] = name + (eq - val) + 1;
	return 0;
}

static const struct zsim_opt_type opt_fs = { ZSIM_OPTK_CUSTOM, "NAME=DIR", parse_fs };

static const struct zsim_opt play_tab[] = {
	{ "out", ZSIM_OPT_DIR, offsetof(struct play_opts, out), "play-out", 0, 0,
	  "results directory (summary.json, timeseries.csv, events.jsonl)", 'o' },
	{ "interval", ZSIM_OPT_TIME, offsetof(struct play_opts, interval_ns), "100ms", 1e6, 3600e9,
	  "how often the kernel's counters are sampled", 0 },
	{ "fs", &opt_fs, 0, NULL, 0, 0,
	  "directory for the trace's filesystem NAME (repeatable; default: a temporary directory)", 0 },
	{ "cpu-scale", ZSIM_OPT_REAL, offsetof(struct play_opts, cpu_scale), "1", 0, 1e6,
	  "multiply every cpu event by this (a slower or faster CPU than the trace's)", 0 },
	{ "timeout", ZSIM_OPT_TIME, offsetof(struct play_opts, timeout_ns), "0s", 0, 0,
	  "stop after this much wall time (0: none); the results say interrupted", 0 },
	{ "quiet", ZSIM_OPT_FLAG, offsetof(struct play_opts, quiet), NULL, 0, 0, "print nothing but errors", 'q' },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct play_opts, help), NULL, 0, 0, "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4200];
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: zsim play [options] TRACE...\n"
		   "Run the traces against this machine's kernel: one real process per trace process,\n"
		   "pages written with the bytes zsim models; the kernel's counters are sampled and written\n"
		   "as summary.json and timeseries.csv in zsim's shape (see `zsim compare`).\n");
}

static const struct shared *kill_sh;
static int by_kill_time(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t tx = kill_sh->slots[x].end_ns, ty = kill_sh->slots[y].end_ns;
	return tx < ty ? -1 : tx > ty ? 1 : x < y ? -1 : x > y;
}

int zsim_cmd_play(int argc, char **argv)
{
	static struct play pl;
	memset(&pl, 0, sizeof(pl));
	int npos = 0;
	char err[1024];
	const struct zsim_opt_set sets[] = { { play_tab, &pl.o }, { NULL, NULL } };
	/* --fs's field offset is 0 within play_opts; parse_fs finds struct play from it */
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim play: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (pl.o.help) {
		usage(stdout);
		zsim_opt_print(stdout, play_tab);
		return ZSIM_EXIT_OK;
	}
	if (npos < 1) {
		usage(stderr);
		return ZSIM_EXIT_USAGE;
	}
	char **traces = argv + 1;
	unsigned ntr = (unsigned)npos;
	if (!pl.o.out[0]) {
		fprintf(stderr, "zsim play: --out: empty name\n");
		return ZSIM_EXIT_USAGE;
	}

	/* Check every trace (header, filesystems, corpus) before anything runs. */
	char *fsdirs[64][MAX_FS];
	char *corpus[64];
	char tmpfs_root[2048] = "";
	if (ntr > 64) {
		fprintf(stderr, "zsim play: at most 64 traces\n");
		return ZSIM_EXIT_USAGE;
	}
	memset(fsdirs, 0, sizeof(fsdirs));
	memset(corpus, 0, sizeof(corpus));
	int rc = ZSIM_EXIT_ERROR;
	for (unsigned t = 0; t < ntr; t++) {
		struct zsim_trace_reader *r;
		if (zsim_trace_open(traces[t], &r, err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim play: %s\n", err);
			goto fail;
		}
		const struct zsim_trace_header *h = zsim_trace_reader_header(r);
		for (unsigned f = 0; f < h->nr_fs; f++) {
			const char *dir = NULL;
			for (unsigned k = 0; k < pl.nfs; k++)
				if (!strcmp(pl.fs_name[k], h->fs[f]))
					dir = pl.fs_dir[k];
			if (!dir) {
				if (!tmpfs_root[0]) {
					snprintf(tmpfs_root, sizeof(tmpfs_root), "%s.files.%ld", pl.o.out, (long)getpid());
					if (mkdir(tmpfs_root, 0777) < 0) {
						fprintf(stderr, "zsim play: cannot create %s: %s\n", tmpfs_root, strerror(errno));
						tmpfs_root[0] = '\0';
						zsim_trace_close(r);
						goto fail;
					}
				}
				char p[4300];
				snprintf(p, sizeof(p), "%s/%s", tmpfs_root, h->fs[f]);
				mkdir(p, 0777);
				fsdirs[t][f] = zsim_xstrdup(p);
			} else {
				struct stat st;
				if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
					fprintf(stderr, "zsim play: --fs %s=%s: not a directory\n", h->fs[f], dir);
					zsim_trace_close(r);
					goto fail;
				}
				fsdirs[t][f] = zsim_xstrdup(dir);
			}
		}
		if (h->corpus[0]) {
			char alt[4300];
			const char *cp = h->corpus, *slash = strrchr(traces[t], '/');
			if (h->corpus[0] != '/' && access(cp, R_OK) != 0 && slash) {
				snprintf(alt, sizeof(alt), "%.*s/%s", (int)(slash - traces[t]), traces[t], h->corpus);
				cp = alt;
			}
			struct zsim_corpus *c;
			if (zsim_content_corpus_open(cp, &c, err, sizeof(err)) < 0) {
				fprintf(stderr, "zsim play: %s: the trace's corpus: %s\n", traces[t], err);
				zsim_trace_close(r);
				goto fail;
			}
			zsim_content_corpus_close(c);
			corpus[t] = zsim_xstrdup(cp);
		}
		zsim_trace_close(r);
	}

	char tmp[4200], path[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", pl.o.out, (long)getpid());
	if (mkdir(tmp, 0777) < 0) {
		fprintf(stderr, "zsim play: --out: cannot create %s: %s\n", tmp, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/timeseries.csv", tmp);
	FILE *ts = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/events.jsonl", tmp);
	FILE *evf = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/processes.csv", tmp);
	FILE *pcf = fopen(path, "w");
	if (!ts || !evf || !pcf) {
		fprintf(stderr, "zsim play: --out: cannot create files in %s: %s\n", tmp, strerror(errno));
		if (ts)
			fclose(ts);
		if (evf)
			fclose(evf);
		if (pcf)
			fclose(pcf);
		remove_tree(tmp);
		goto fail;
	}

	pl.sh = mmap(NULL, sizeof(struct shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pl.sh == MAP_FAILED) {
		fprintf(stderr, "zsim play: cannot map the shared table: %s\n", strerror(errno));
		fclose(ts);
		fclose(evf);
		fclose(pcf);
		remove_tree(tmp);
		goto fail;
	}
	set_oom_score_adj("-1000");   /* the sampler and controllers are not the workload */
	lock_own_memory(pl.sh, MCL_FUTURE);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	static struct kstat k0, k1;
	sample(&k0);
	struct ksched ks0 = kswapd_stats();
	static struct census cen0, cen1;
	census_take(&cen0);
	read_cpustat(cpustat0);
	pl.sh->t0_ns = now_ns();
	ts_header(ts, k0.zswap);
	ts_row(ts, 0, &k0, &k0, 0);
	fputs("time_ns,process,name,minor_faults,major_faults,cpu_ns\n", pcf);
	struct track tk = { k0.mem_free / 4, k0.boost, 0, k0.boost };

	pid_t ctl_pid[64];
	for (unsigned t = 0; t < ntr; t++) {
		fflush(NULL);
		ctl_pid[t] = fork();
		if (ctl_pid[t] < 0) {
			fprintf(stderr, "zsim play: fork: %s\n", strerror(errno));
			atomic_store(&pl.sh->failed, 1);
			ntr = t;
			break;
		}
		if (ctl_pid[t] == 0) {
			fclose(ts);
			fclose(evf);
			fclose(pcf);
			struct ctl c;
			memset(&c, 0, sizeof(c));
			c.pl = &pl;
			c.proto.pl = &pl;
			c.proto.trace = traces[t];
			c.proto.corpus_path = corpus[t];
			c.proto.group = t;
			for (unsigned f = 0; f < MAX_FS; f++)
				c.proto.fsdir[f] = fsdirs[t][f];
			_exit(controller_main(&c));
		}
	}
	uint64_t next = pl.sh->t0_ns + pl.o.interval_ns;
	int interrupted = 0;
	for (;;) {
		if (atomic_load(&pl.sh->failed))
			break;
		if (stop_signal) {
			interrupted = stop_signal;
			break;
		}
		if (atomic_load(&pl.sh->groups_done) >= ntr)
			break;
		uint64_t now = now_ns();
		if (pl.o.timeout_ns && now - pl.sh->t0_ns >= pl.o.timeout_ns) {
			interrupted = SIGALRM;
			break;
		}
		if (now < next) {
			struct timespec t = { (time_t)((next - now) / 1000000000ull), (long)((next - now) % 1000000000ull) };
			uint32_t gd = atomic_load(&pl.sh->groups_done);
			if (gd < ntr)
				syscall(SYS_futex, (uint32_t *)&pl.sh->groups_done, FUTEX_WAIT, gd, &t, NULL, 0);
			continue;
		}
		next += pl.o.interval_ns;
		if (next < now)
			next = now + pl.o.interval_ns;
		sample(&k1);
		track_sample(&tk, &k1);
		ts_row(ts, now - pl.sh->t0_ns, &k0, &k1, atomic_load(&pl.sh->live));
		proc_rows(pcf, &pl, now - pl.sh->t0_ns);
	}
	uint64_t wall = now_ns() - pl.sh->t0_ns;
	read_cpustat(cpustat1);
	census_take(&cen1);
	sample(&k1);
	track_sample(&tk, &k1);
	ts_row(ts, wall, &k0, &k1, atomic_load(&pl.sh->live));
	/* the summary reads the devices (zram, zswap, swaps) as the workload
	 * left them: before the processes idle at the end are ended */
	struct ksched ks1 = kswapd_stats();
	ks1.cpu_ns = ks1.cpu_ns > ks0.cpu_ns ? ks1.cpu_ns - ks0.cpu_ns : 0;
	ks1.run_delay_ns = ks1.run_delay_ns > ks0.run_delay_ns ? ks1.run_delay_ns - ks0.run_delay_ns : 0;
	ks1.slices = ks1.slices > ks0.slices ? ks1.slices - ks0.slices : 0;
	json_t *sum = summary(&pl, traces, ntr, &k0, &k1, wall, &tk, interrupted, ks1);
	json_object_set_new(json_object_get(sum, "play"), "cpu_by_task_ns",
			    census_delta(&cen0, &cen1, pl.sh, ctl_pid, ntr));
	for (unsigned t = 0; t < ntr; t++)
		kill(ctl_pid[t], SIGTERM);
	for (unsigned t = 0; t < ntr; t++)
		while (waitpid(ctl_pid[t], NULL, 0) < 0 && errno == EINTR)
			;
	bool failed = atomic_load(&pl.sh->failed) != 0;
	if (failed) {
		json_decref(sum);
		fclose(ts);
		fclose(evf);
		fclose(pcf);
		remove_tree(tmp);
		goto fail;
	}
	uint32_t n = atomic_load(&pl.sh->nslots);
	/* the kills in the order they happened (slots are in creation order) */
	uint32_t *kill_order = zsim_xcalloc(n ? n : 1, sizeof(*kill_order));
	size_t nk = 0;
	for (uint32_t k = 0; k < n && k < MAX_SLOTS; k++)
		if (pl.sh->slots[k].killed)
			kill_order[nk++] = k;
	kill_sh = pl.sh;
	qsort(kill_order, nk, sizeof(*kill_order), by_kill_time);
	for (size_t ki = 0; ki < nk; ki++) {
		uint32_t i = kill_order[ki];
		const struct slot *s = &pl.sh->slots[i];
		json_t *o = json_object();
		json_object_set_new(o, "time_ns", JI(s->end_ns));
		json_object_set_new(o, "type", json_string("oom_kill"));
		json_object_set_new(o, "victim", json_string(s->name));
		json_object_set_new(o, "group", JI(s->group));
		json_object_set_new(o, "pid", JI(s->tpid));
		char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(evf, "%s\n", line);
		free(line);
		json_decref(o);
	}
	free(kill_order);
	snprintf(path, sizeof(path), "%s/summary.json", tmp);
	bool ok = json_dump_file(sum, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0;
	ok &= fclose(ts) == 0;
	ok &= fclose(evf) == 0;
	ok &= fclose(pcf) == 0;
	struct stat st;
	if (ok && stat(pl.o.out, &st) == 0) {
		char old[4300];
		snprintf(old, sizeof(old), "%s.old.%ld", pl.o.out, (long)getpid());
		ok = rename(pl.o.out, old) == 0;
		if (ok)
			remove_tree(old);
	}
	if (!ok || rename(tmp, pl.o.out) != 0) {
		fprintf(stderr, "zsim play: --out %s: cannot write the results: %s\n", pl.o.out, strerror(errno));
		remove_tree(tmp);
		json_decref(sum);
		goto fail;
	}
	json_t *oc = json_object_get(sum, "outcome"), *vm = json_object_get(sum, "vmstat");
	uint64_t kills = (uint64_t)json_integer_value(json_object_get(oc, "oom_kills"));
	uint64_t killed = (uint64_t)json_integer_value(json_object_get(oc, "processes_killed"));
	if (!pl.o.quiet) {
		printf("zsim play: %.3f s on kernel %s, %u processes%s\n", (double)wall / 1e9,
		       json_string_value(json_object_get(sum, "kernel")), n, interrupted ? " (interrupted)" : "");
		printf("  OOM: %s", kills || killed ? "" : "none\n");
		if (kills || killed) {
			printf("%llu kill(s) by the kernel;", (unsigned long long)kills);
			for (uint32_t i = 0; i < n && i < MAX_SLOTS; i++)
				if (pl.sh->slots[i].killed)
					printf(" %s (pid %u)", pl.sh->slots[i].name, pl.sh->slots[i].tpid);
			printf("\n");
		}
		printf("  faults: %lld major, %lld total; pages swapped in %lld, out %lld\n",
		       (long long)json_integer_value(json_object_get(vm, "pgmajfault")),
		       (long long)json_integer_value(json_object_get(vm, "pgfault")),
		       (long long)json_integer_value(json_object_get(vm, "pswpin")),
		       (long long)json_integer_value(json_object_get(vm, "pswpout")));
		printf("  reclaim: %lld pages stolen by kswapd, %lld by direct reclaim (%lld stalls)\n",
		       (long long)json_integer_value(json_object_get(vm, "pgsteal_kswapd")),
		       (long long)json_integer_value(json_object_get(vm, "pgsteal_direct")),
		       (long long)json_integer_value(json_object_get(vm, "allocstall")));
		printf("  lowest free memory: %.1f MiB\n", (double)tk.free_lowest * 4096 / 1048576.0);
		printf("  results: %s/\n", pl.o.out);
	}
	json_decref(sum);
	rc = interrupted ? 128 + (interrupted == SIGALRM ? SIGTERM : interrupted)
	     : (kills || killed) ? ZSIM_EXIT_OUTCOME : ZSIM_EXIT_OK;
fail:
	if (tmpfs_root[0]) {
		for (unsigned t = 0; t < ntr; t++)
			for (unsigned f = 0; f < MAX_FS; f++)
				if (fsdirs[t][f] && !strncmp(fsdirs[t][f], tmpfs_root, strlen(tmpfs_root)))
					remove_tree(fsdirs[t][f]);
		rmdir(tmpfs_root);
	}
	for (unsigned t = 0; t < 64; t++) {
		for (unsigned f = 0; f < MAX_FS; f++)
			free(fsdirs[t][f]);
		free(corpus[t]);
	}
	return rc;
}
