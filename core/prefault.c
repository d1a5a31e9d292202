/*
 * prefault.c - backing the simulator's large tables with memory ahead of
 * use, on a thread of its own.
 *
 * Why.  The first write to a page of fresh anonymous memory faults, and the
 * kernel then finds, zeroes and maps a page.  On a virtual machine each of
 * those is dearer still (the host backs the guest's memory lazily too): on
 * the machines zsim is developed on, touching 680 MiB for the first time costs
 * over a second of system time.  A large run's tables (the frames of a RAM of
 * 40 GiB, the page table of 20 Mi pages) are touched for the first time in the
 * middle of the simulation, so that second is on the simulating thread.
 *
 * What it does.  A table that will be written in order (the frames, taken
 * fresh from the lowest; the page table's leaves, carved in order from their
 * chunks) asks for the range its next writes will land in (zsim_prefault),
 * and this thread backs it (madvise MADV_POPULATE_WRITE, in 2 MiB steps),
 * while the simulation goes on.  Backing a page writes nothing to it, so the
 * thread and the simulating thread can touch the same page in any order: the
 * results are the same with or without it (only where the faults are taken
 * moves).  A request is a hint: one that finds the queue full is dropped, and
 * on a kernel without MADV_POPULATE_WRITE (before 5.14) the thread stops.  A
 * range freed meanwhile is harmless (madvise on an unmapped range fails; on
 * one mapped again it backs memory that is about to be used anyway).
 *
 * fork (zsim run --baseline runs its baseline in a child): the child has no
 * such thread; its first request starts one of its own.
 */
#include "zsim.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PF_QUEUE 64                 /* requests waiting at most */
#define PF_STEP (2u << 20)          /* backed per madvise */

struct pf_range {
	uintptr_t start, end;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct pf_range q[PF_QUEUE];
	unsigned head, len;
	pid_t owner;                /* the process whose thread it is (fork) */
	bool started, off;
} pf = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { { 0, 0 } }, 0, 0, 0, false, false };

static void *pf_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pf.lock);
	for (;;) {
		while (!pf.len)
			pthread_cond_wait(&pf.more, &pf.lock);
		struct pf_range r = pf.q[pf.head];
		pf.head = (pf.head + 1) % PF_QUEUE;
		pf.len--;
		pthread_mutex_unlock(&pf.lock);
		bool unsupported = false;
#ifdef MADV_POPULATE_WRITE
		for (uintptr_t a = r.start; a < r.end; a += PF_STEP) {
			size_t n = r.end - a < PF_STEP ? r.end - a : PF_STEP;
			if (madvise((void *)a, n, MADV_POPULATE_WRITE) != 0 && errno == EINVAL) {
				unsupported = true;   /* a kernel before 5.14 */
				break;
			}
		}
#else
		unsupported = true;
#endif
		pthread_mutex_lock(&pf.lock);
		if (unsupported) {
			pf.off = true;
			pf.len = 0;
		}
	}
	return NULL;
}

void zsim_prefault(void *p, size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + n) & ~(page - 1);
	if (!p || end <= start)
		return;
	pid_t me = getpid();
	if (pf.started && pf.owner != me) {
		/* a forked child: the thread stayed with the parent (and the
		 * lock may have been held there when it forked) */
		pthread_mutex_t fresh_lock = PTHREAD_MUTEX_INITIALIZER;
		pthread_cond_t fresh_cond = PTHREAD_COND_INITIALIZER;
		pf.lock = fresh_lock;
		pf.more = fresh_cond;
		pf.head = pf.len = 0;
		pf.started = false;
	}
	pthread_mutex_lock(&pf.lock);
	if (!pf.started && !pf.off) {
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, pf_worker, NULL) == 0) {
			pf.started = true;
			pf.owner = me;
		} else {
			pf.off = true;   /* no thread: the simulating thread faults as before */
		}
		pthread_attr_destroy(&at);
	}
	if (pf.started && !pf.off && pf.len < PF_QUEUE) {
		pf.q[(pf.head + pf.len) % PF_QUEUE] = (struct pf_range){ start, end };
		pf.len++;
		pthread_cond_signal(&pf.more);
	}
	pthread_mutex_unlock(&pf.lock);
}

void zsim_prefault_entries(void *base, size_t size, uint64_t nr, uint64_t from, uint64_t n)
{
	if (from >= nr)
		return;
	if (n > nr - from)
		n = nr - from;
	zsim_prefault((char *)base + from * size, n * size);
}
