/*
 * ftl.c - a page-mapping flash translation layer (the controller of an SSD or
 * an eMMC), so that write amplification and erase counts come from the write
 * pattern and the free space instead of a constant.
 *
 * What a controller does.  NAND is programmed a page at a time but erased a
 * block (hundreds of pages) at a time, and a programmed page cannot be
 * rewritten until its block is erased.  So the controller writes every host
 * page to a fresh NAND page, remaps the host address to it (the old copy
 * becomes invalid), and when free blocks run short it garbage-collects: picks a
 * victim block, copies its still-valid pages to the write point and erases it.
 * The copies are the write amplification; they shrink as spare space grows
 * (over-provisioning: NAND the host cannot address, plus host pages that were
 * discarded or never written).  Erases wear blocks out after a rated number of
 * program/erase cycles; wear levelling spreads them.
 *
 * What the model keeps.  Page mapping at the host's 4 KiB page (a real
 * controller maps 4 KiB units inside 16 KiB NAND pages; the model makes them
 * equal).  One write point shared by host writes and GC copies (as the
 * analytic models of greedy GC assume; real controllers often separate hot and
 * cold streams).  Physical blocks = logical x (1 + op), at least the device's
 * blocks + 4 spare.  GC runs when free blocks fall to FTL_GC_RESERVE and
 * collects until there are more: greedy (fewest valid pages; blocks are kept
 * in lists by valid count, so the choice is O(pages_per_block)) or, as an
 * option, cost-benefit (Rosenblum & Ousterhout's LFS cleaner, Kawaguchi et al.
 * 1995 for flash: the block maximising (1 - u) / 2u x age, u its valid share,
 * age the host writes since it was last written; O(blocks) per victim).
 * Wear levelling: dynamic, always (a new write block is the least-erased free
 * one, from a heap), and static unless turned off (every FTL_WL_CHECK erases,
 * if the most-erased block leads the least-erased one by more than
 * wl_threshold erases, the least-erased block's data - often static data that
 * would otherwise pin its block for ever - moves to the most-erased free block
 * and the cold block joins the free pool; the scheme of Chang et al.'s
 * "static wear levelling" in its simplest form).  The rest of the chip
 * (other partitions) holds static data in the share `fill`, present before
 * the run (not counted as written) and never rewritten; its other pages are
 * trimmed, i.e. spare.  Discards (trim) invalidate a page at once.  The
 * device starts either used (`precondition`: every page written, then
 * overwritten at random until GC is in its steady state - a partition that
 * held data before, without discards) or fresh (every page trimmed: a new
 * chip, or swapon's discard of the whole area; a short run on a fresh device
 * never garbage-collects, and its write amplification says little about a
 * long life).  The FTL works in a thread of its own while the simulation goes
 * on: preconditioning (tens of millions of page writes on a large device),
 * then the host's writes and trims, which the simulation only queues and the
 * worker applies in order, so the device is the same as if all had run on
 * the simulation's thread (which the FTL's work no longer slows: a tenth of
 * the main job's simulating thread went to it).
 *
 * What it drops: timing (GC and erase time do not delay host I/O here), the
 * controller's RAM write cache, multi-plane and multi-die parallelism, read
 * disturb and retention, bad blocks, SLC caches, a device-wide spare pool
 * shared by several partitions' models (each partition's FTL sees the others
 * as static data).
 */
#include "ftl.h"
#include "../core/zsim.h"
#include "../core/rng.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Free blocks GC keeps: one for the write point, one for GC's own copies. */
#define FTL_GC_RESERVE 2u
/* Static levelling looks at the spread once per this many erases (O(blocks) scan). */
#define FTL_WL_CHECK 16u
/* Spare blocks a geometry gets at least, so GC always finds a victim. */
#define FTL_MIN_SPARE (FTL_GC_RESERVE + 2u)
#define NONE UINT32_MAX
/* Preconditioning's random overwrites once GC runs: device pages / this. */
#define PRECOND_GC_SHARE 4u
/* Preconditioning draws its random writes this many ahead (prefetching). */
#define PRECOND_AHEAD 16u

enum { B_FREE, B_OPEN, B_CLOSED, B_STATIC };

struct blk {
	uint32_t erase, valid, wp;   /* erases so far, valid pages, pages programmed */
	uint32_t heap_pos;           /* B_FREE: index in the free heap */
	int32_t prev, next;          /* B_CLOSED: the list of blocks with this many valid pages */
	uint8_t state;
	uint64_t stamp;              /* host write count when last written (cost-benefit's age) */
};

struct zsim_ftl {
	struct zsim_ftl_params p;
	uint32_t ppb, nblocks, nstatic;
	struct blk *b;
	uint32_t *l2p;       /* per device page: physical page + 1; 0 = unmapped */
	uint8_t *p2l;        /* per physical page: device page + 1 in p2l_w bytes (p2l_get);
	                      * 0 = invalid or static */
	unsigned p2l_w;      /* 3 while device pages + 1 fit in 24 bits, else 4 */
	int32_t *bucket;     /* per valid count 0..ppb: first closed block, -1 none */
	uint32_t *heap, nfree;
	uint32_t open;
	uint64_t host, nand, gc, wl, trims, erases, since_wl;
	uint64_t initial;    /* pages programmed before the run */
	uint32_t erase_max;
	/* The FTL runs in a thread of its own from zsim_ftl_new: it
	 * preconditions the device, if asked, then applies the host's writes
	 * and trims, which the simulation only queues, in the order they were
	 * made; so the state is the one a run on the simulation's own thread
	 * would reach, and the simulation does not wait for the FTL's work.
	 * Whatever needs the state (stats, checks) stops the thread once it
	 * has applied everything (ftl_ready); later operations are applied at
	 * once.  The queue is a list of chunks: only the simulation's thread
	 * writes `produced` and appends chunks, only the worker frees them. */
	pthread_t worker;
	bool pending;          /* the worker runs: operations are queued */
	atomic_bool abandon;   /* freed before it ended: the worker stops early */
	struct qchunk *q_tail; /* the simulation's: where the next operation goes */
	struct qchunk *q_head; /* the worker's: the next operation to apply */
	atomic_uint_fast64_t produced;   /* operations queued so far */
	pthread_mutex_t q_lock;
	pthread_cond_t q_more;   /* the worker waits here for operations or the stop */
	atomic_bool q_waiting;   /* the worker is (about to be) waiting */
	bool q_stop;             /* under q_lock: apply what is queued, then end */
};

/* Operations per chunk of the queue, and how often the simulation wakes a
 * waiting worker (it need not see each operation at once: only the stop
 * must reach it, and that always wakes it). */
#define QCHUNK 65536u
#define QWAKE 1024u
struct qchunk {
	struct qchunk *next;
	uint64_t op[QCHUNK];     /* lpn, LOG_TRIM for a trim */
};

#define LOG_TRIM (1ull << 63)

/* ---- the reverse map: little-endian entries of p2l_w bytes ---- */

static inline uint32_t p2l_get(const struct zsim_ftl *f, uint64_t ppn)
{
	const uint8_t *x = f->p2l + ppn * f->p2l_w;
	uint32_t v = (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16;
	return f->p2l_w == 4 ? v | (uint32_t)x[3] << 24 : v;
}

static inline void p2l_set(struct zsim_ftl *f, uint64_t ppn, uint32_t v)
{
	uint8_t *x = f->p2l + ppn * f->p2l_w;
	x[0] = (uint8_t)v;
	x[1] = (uint8_t)(v >> 8);
	x[2] = (uint8_t)(v >> 16);
	if (f->p2l_w == 4)
		x[3] = (uint8_t)(v >> 24);
}

/* ---- free blocks: a min-heap on (erase count, block number) ---- */

static bool heap_less(const struct zsim_ftl *f, uint32_t a, uint32_t b)
{
	return f->b[a].erase != f->b[b].erase ? f->b[a].erase < f->b[b].erase : a < b;
}

static void heap_set(struct zsim_ftl *f, uint32_t i, uint32_t blk)
{
	f->heap[i] = blk;
	f->b[blk].heap_pos = i;
}

static void heap_up(struct zsim_ftl *f, uint32_t i)
{
	uint32_t x = f->heap[i];
	while (i > 0 && heap_less(f, x, f->heap[(i - 1) / 2])) {
		heap_set(f, i, f->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(f, i, x);
}

static void heap_down(struct zsim_ftl *f, uint32_t i)
{
	uint32_t x = f->heap[i];
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= f->nfree)
			break;
		if (c + 1 < f->nfree && heap_less(f, f->heap[c + 1], f->heap[c]))
			c++;
		if (!heap_less(f, f->heap[c], x))
			break;
		heap_set(f, i, f->heap[c]);
		i = c;
	}
	heap_set(f, i, x);
}

static void heap_push(struct zsim_ftl *f, uint32_t blk)
{
	f->b[blk].state = B_FREE;
	heap_set(f, f->nfree++, blk);
	heap_up(f, f->nfree - 1);
}

static uint32_t heap_remove(struct zsim_ftl *f, uint32_t i)
{
	if (f->nfree == 0) {
		fprintf(stderr, "zsim: ftl: no free block (model bug)\n");
		abort();
	}
	uint32_t blk = f->heap[i];
	f->nfree--;
	if (i < f->nfree) {
		uint32_t moved = f->heap[f->nfree];
		heap_set(f, i, moved);
		heap_down(f, i);
		heap_up(f, f->b[moved].heap_pos);
	}
	return blk;
}

/* ---- closed blocks: lists by valid count ---- */

static void bucket_del(struct zsim_ftl *f, uint32_t blk)
{
	struct blk *x = &f->b[blk];
	if (x->prev >= 0)
		f->b[x->prev].next = x->next;
	else
		f->bucket[x->valid] = x->next;
	if (x->next >= 0)
		f->b[x->next].prev = x->prev;
	x->prev = x->next = -1;
}

static void bucket_add(struct zsim_ftl *f, uint32_t blk)
{
	struct blk *x = &f->b[blk];
	x->prev = -1;
	x->next = f->bucket[x->valid];
	if (x->next >= 0)
		f->b[x->next].prev = (int32_t)blk;
	f->bucket[x->valid] = (int32_t)blk;
}

/* ---- pages ---- */

static void invalidate(struct zsim_ftl *f, uint32_t ppn)
{
	uint32_t blk = ppn / f->ppb;
	struct blk *x = &f->b[blk];
	p2l_set(f, ppn, 0);
	if (x->state == B_CLOSED) {
		bucket_del(f, blk);
		x->valid--;
		bucket_add(f, blk);
	} else
		x->valid--;
}

static void erase(struct zsim_ftl *f, uint32_t blk)
{
	struct blk *x = &f->b[blk];
	x->erase++;
	x->valid = x->wp = 0;
	f->erases++;
	f->since_wl++;
	if (x->erase > f->erase_max)
		f->erase_max = x->erase;
	heap_push(f, blk);
}

/* Program lpn at the write point, opening the least-erased free block when
 * the write point is full.  The caller made sure a free block exists. */
static void program(struct zsim_ftl *f, uint32_t lpn)
{
	if (f->open != NONE && f->b[f->open].wp == f->ppb) {
		f->b[f->open].state = B_CLOSED;
		bucket_add(f, f->open);
		f->open = NONE;
	}
	if (f->open == NONE) {
		f->open = heap_remove(f, 0);
		f->b[f->open].state = B_OPEN;
	}
	struct blk *x = &f->b[f->open];
	uint32_t ppn = f->open * f->ppb + x->wp++;
	x->valid++;
	x->stamp = f->host;
	p2l_set(f, ppn, lpn + 1);
	f->l2p[lpn] = ppn + 1;
	f->nand++;
}

/* Copy a closed block's valid pages to the write point and erase it. */
static void collect(struct zsim_ftl *f, uint32_t blk, uint64_t *copies)
{
	bucket_del(f, blk);
	f->b[blk].state = B_OPEN;   /* out of the lists while it empties */
	for (uint32_t i = 0; i < f->ppb && f->b[blk].valid; i++) {
		uint32_t ppn = blk * f->ppb + i;
		uint32_t lpn1 = p2l_get(f, ppn);
		if (!lpn1)
			continue;
		p2l_set(f, ppn, 0);
		f->b[blk].valid--;
		program(f, lpn1 - 1);
		(*copies)++;
	}
	erase(f, blk);
}

static uint32_t victim(const struct zsim_ftl *f)
{
	if (f->p.gc == ZSIM_FTL_GC_GREEDY) {
		for (uint32_t v = 0; v < f->ppb; v++)
			if (f->bucket[v] >= 0)
				return (uint32_t)f->bucket[v];
		return NONE;
	}
	uint32_t best = NONE;
	double best_score = -1;
	for (uint32_t v = 0; v < f->ppb; v++)
		for (int32_t b = f->bucket[v]; b >= 0; b = f->b[b].next) {
			if (v == 0)
				return (uint32_t)b;
			double u = (double)v / f->ppb;
			double score = (1 - u) / (2 * u) * (double)(f->host - f->b[b].stamp + 1);
			if (score > best_score) {
				best_score = score;
				best = (uint32_t)b;
			}
		}
	return best;
}

/* Static wear levelling: the coldest data moves to the most-worn free block
 * (it takes one free block and frees one: the GC reserve is not touched). */
static void level(struct zsim_ftl *f)
{
	f->since_wl = 0;
	if (f->erase_max <= f->p.wl_threshold || f->nfree == 0)
		return;
	uint32_t cold = NONE;
	for (uint32_t i = 0; i < f->nblocks; i++)
		if ((f->b[i].state == B_CLOSED || f->b[i].state == B_STATIC) &&
		    (cold == NONE || f->b[i].erase < f->b[cold].erase))
			cold = i;
	if (cold == NONE || f->erase_max - f->b[cold].erase <= f->p.wl_threshold)
		return;
	if (f->b[cold].state == B_CLOSED) {
		collect(f, cold, &f->wl);
		return;
	}
	uint32_t hot = 0;
	for (uint32_t i = 1; i < f->nfree; i++)
		if (heap_less(f, f->heap[hot], f->heap[i]))
			hot = i;
	uint32_t dst = heap_remove(f, hot);
	f->b[dst].state = B_STATIC;
	f->b[dst].valid = f->b[dst].wp = f->ppb;
	f->nand += f->ppb;
	f->wl += f->ppb;
	erase(f, cold);
}

static void ftl_write(struct zsim_ftl *f, uint64_t lpn)
{
	f->host++;
	uint32_t old = f->l2p[lpn];
	if (old)
		invalidate(f, old - 1);
	if (f->open == NONE || f->b[f->open].wp == f->ppb) {
		/* a new write block is due: first make sure GC leaves its reserve */
		if (f->open != NONE) {
			f->b[f->open].state = B_CLOSED;
			bucket_add(f, f->open);
			f->open = NONE;
		}
		while (f->nfree <= FTL_GC_RESERVE) {
			uint32_t v = victim(f);
			if (v == NONE || f->b[v].valid == f->ppb)
				break;   /* cannot happen with the spare the geometry guarantees */
			collect(f, v, &f->gc);
		}
	}
	program(f, (uint32_t)lpn);
	if (f->p.wl == ZSIM_FTL_WL_STATIC && f->since_wl >= FTL_WL_CHECK)
		level(f);
}

static void trim(struct zsim_ftl *f, uint64_t lpn)
{
	uint32_t old = f->l2p[lpn];
	if (!old)
		return;
	invalidate(f, old - 1);
	f->l2p[lpn] = 0;
	f->trims++;
}

/* Stop the worker, once it has applied every queued operation; from then
 * on operations are applied at once, on the caller's thread. */
static void ftl_ready(struct zsim_ftl *f)
{
	if (!f->pending)
		return;
	pthread_mutex_lock(&f->q_lock);
	f->q_stop = true;
	pthread_cond_signal(&f->q_more);
	pthread_mutex_unlock(&f->q_lock);
	pthread_join(f->worker, NULL);
	f->pending = false;
	/* the worker freed the chunks it left; the last, or all an abandoned
	 * worker did not get to, remain */
	while (f->q_head) {
		struct qchunk *next = f->q_head->next;
		free(f->q_head);
		f->q_head = next;
	}
	f->q_tail = NULL;
}

/* Queue op for the worker; true when queued (the worker runs). */
static bool queued(struct zsim_ftl *f, uint64_t op)
{
	if (!f->pending)
		return false;
	uint64_t n = atomic_load_explicit(&f->produced, memory_order_relaxed);
	uint32_t i = (uint32_t)(n % QCHUNK);
	if (i == 0 && n) {   /* the chunk is full: a new one, linked before it is used */
		struct qchunk *c = malloc(sizeof(*c));
		if (!c)
			abort();
		c->next = NULL;
		f->q_tail->next = c;
		f->q_tail = c;
	}
	f->q_tail->op[i] = op;
	atomic_store_explicit(&f->produced, n + 1, memory_order_seq_cst);
	if ((n + 1) % QWAKE == 0 && atomic_load_explicit(&f->q_waiting, memory_order_seq_cst)) {
		pthread_mutex_lock(&f->q_lock);
		pthread_cond_signal(&f->q_more);
		pthread_mutex_unlock(&f->q_lock);
	}
	return true;
}

void zsim_ftl_write(struct zsim_ftl *f, uint64_t lpn)
{
	if (!queued(f, lpn))
		ftl_write(f, lpn);
}

void zsim_ftl_trim(struct zsim_ftl *f, uint64_t lpn)
{
	if (!queued(f, lpn | LOG_TRIM))
		trim(f, lpn);
}

/*
 * A used device: every page written once in order, then uniform random
 * overwrites until garbage collection has started, and a share of the device
 * more, so GC is near its steady state (free blocks at the reserve, invalid
 * pages spread over the blocks) when the run starts.  (Overwriting the whole
 * pool of blocks once more would come closer and cost seconds on a large
 * device.)  Then the counters and the erase counts
 * start from 0: the run's wear is what is reported.
 */
static void precondition(struct zsim_ftl *f)
{
	uint64_t n = f->p.dev_pages, x = 0x9e3779b97f4a7c15ull;
	for (uint64_t l = 0; l < n; l++)
		ftl_write(f, l);
	if (atomic_load_explicit(&f->abandon, memory_order_relaxed))
		return;
	uint64_t more = n / PRECOND_GC_SHARE;
	/* the same random sequence, drawn PRECOND_AHEAD writes early so the
	 * mapping entries it will touch are loaded while earlier writes run
	 * (the tables are far larger than the caches: this halves the time) */
	uint64_t ahead[PRECOND_AHEAD];
	for (unsigned i = 0; i < PRECOND_AHEAD; i++)
		ahead[i] = zsim_splitmix64(&x) % n;
	for (unsigned i = 0; f->erases == 0 || more-- > 0; i = (i + 1) % PRECOND_AHEAD) {
		if (!(i & 15) && atomic_load_explicit(&f->abandon, memory_order_relaxed))
			return;   /* zsim_ftl_free while it ran: nobody will read the result */
		uint64_t lpn = ahead[i];
		ahead[i] = zsim_splitmix64(&x) % n;
		__builtin_prefetch(&f->l2p[ahead[i]], 1);
		uint32_t soon = f->l2p[ahead[(i + PRECOND_AHEAD / 2) % PRECOND_AHEAD]];
		if (soon)
			__builtin_prefetch(&f->p2l[(uint64_t)(soon - 1) * f->p2l_w], 1);
		ftl_write(f, lpn);
	}
	for (uint32_t i = 0; i < f->nblocks; i++)
		f->b[i].erase = 0;
	for (uint32_t i = f->nfree / 2; i-- > 0;)   /* the heap's keys changed: rebuild it */
		heap_down(f, i);
	f->host = f->nand = f->gc = f->wl = f->trims = f->erases = f->since_wl = 0;
	f->erase_max = 0;
}

/* The pages programmed before the run (static data, preconditioning). */
static void count_initial(struct zsim_ftl *f)
{
	f->initial = 0;
	for (uint32_t i = 0; i < f->nblocks; i++)
		f->initial += f->b[i].wp;
}

/* The worker: preconditioning, if asked, then the queued operations in
 * order until stopped with none left. */
static void *ftl_worker(void *arg)
{
	struct zsim_ftl *f = arg;
	if (f->p.precondition) {
		/* ftl_write reads a page's old copy before it writes the
		 * mapping: its pages are faulted in here, in this thread, not by
		 * the simulation's */
		zsim_zero_touch(f->l2p, f->p.dev_pages * sizeof(*f->l2p));
		precondition(f);
	}
	count_initial(f);
	uint64_t done = 0;
	for (;;) {
		uint64_t avail = atomic_load_explicit(&f->produced, memory_order_seq_cst);
		if (done == avail) {
			pthread_mutex_lock(&f->q_lock);
			atomic_store_explicit(&f->q_waiting, true, memory_order_seq_cst);
			while (!f->q_stop && atomic_load_explicit(&f->produced, memory_order_seq_cst) == done)
				pthread_cond_wait(&f->q_more, &f->q_lock);
			atomic_store_explicit(&f->q_waiting, false, memory_order_relaxed);
			bool stop = f->q_stop;
			pthread_mutex_unlock(&f->q_lock);
			avail = atomic_load_explicit(&f->produced, memory_order_acquire);
			if (stop && done == avail)
				break;
			continue;
		}
		if (atomic_load_explicit(&f->abandon, memory_order_relaxed))
			break;   /* zsim_ftl_free: nobody will read the result */
		for (; done < avail; done++) {
			uint32_t i = (uint32_t)(done % QCHUNK);
			if (i == 0 && done) {
				struct qchunk *old = f->q_head;
				f->q_head = old->next;
				free(old);
			}
			uint64_t op = f->q_head->op[i];
			if (op & LOG_TRIM)
				trim(f, op & ~LOG_TRIM);
			else
				ftl_write(f, op);
		}
	}
	return NULL;
}

struct zsim_ftl *zsim_ftl_new(const struct zsim_ftl_params *p, char *err, size_t errlen)
{
	if (p->pages_per_block < 2 || p->dev_pages == 0 || p->logical_pages < p->dev_pages || p->op < 0 ||
	    p->fill < 0 || p->fill > 1) {
		snprintf(err, errlen, "ftl: bad geometry");
		return NULL;
	}
	uint64_t ppb = p->pages_per_block;
	uint64_t nstatic = (uint64_t)((double)(p->logical_pages - p->dev_pages) * p->fill) / ppb;
	uint64_t nblocks = (uint64_t)ceil((double)p->logical_pages * (1 + p->op) / (double)ppb);
	uint64_t need = nstatic + (p->dev_pages + ppb - 1) / ppb + FTL_MIN_SPARE;
	if (nblocks < need)
		nblocks = need;
	if (nblocks * ppb >= UINT32_MAX || p->dev_pages >= UINT32_MAX) {
		snprintf(err, errlen, "ftl: %llu NAND pages: the model maps at most 2^32",
			 (unsigned long long)(nblocks * ppb));
		return NULL;
	}
	struct zsim_ftl *f = calloc(1, sizeof(*f));
	if (!f)
		abort();
	f->p = *p;
	f->ppb = (uint32_t)ppb;
	f->nblocks = (uint32_t)nblocks;
	f->nstatic = (uint32_t)nstatic;
	f->b = zsim_xcalloc_big(nblocks, sizeof(*f->b));
	f->l2p = zsim_xcalloc_big(p->dev_pages, sizeof(*f->l2p));
	f->p2l_w = p->dev_pages < (1u << 24) - 1 ? 3 : 4;
	f->p2l = zsim_xcalloc_big(nblocks * ppb, f->p2l_w);
	f->bucket = malloc((ppb + 1) * sizeof(*f->bucket));
	f->heap = malloc(nblocks * sizeof(*f->heap));
	if (!f->b || !f->l2p || !f->p2l || !f->bucket || !f->heap)
		abort();
	for (uint32_t v = 0; v <= f->ppb; v++)
		f->bucket[v] = -1;
	f->open = NONE;
	/* the other partitions' static data sits in the last blocks; the heap of
	 * the others, all with 0 erases, is sorted by block number already */
	for (uint32_t i = 0; i < f->nblocks; i++) {
		f->b[i].prev = f->b[i].next = -1;
		if (i >= f->nblocks - f->nstatic) {
			f->b[i].state = B_STATIC;
			f->b[i].valid = f->b[i].wp = f->ppb;
		} else
			heap_set(f, f->nfree++, i);
	}
	/* the worker (a used device is preconditioned there: the state it
	 * reaches is the same wherever it runs); without a thread, here */
	f->q_head = f->q_tail = calloc(1, sizeof(struct qchunk));
	if (!f->q_head)
		abort();
	pthread_mutex_init(&f->q_lock, NULL);
	pthread_cond_init(&f->q_more, NULL);
	f->pending = pthread_create(&f->worker, NULL, ftl_worker, f) == 0;
	if (!f->pending) {
		free(f->q_head);
		f->q_head = f->q_tail = NULL;
		if (p->precondition) {
			zsim_zero_touch(f->l2p, f->p.dev_pages * sizeof(*f->l2p));
			precondition(f);
		}
		count_initial(f);
	}
	return f;
}

void zsim_ftl_free(struct zsim_ftl *f)
{
	if (!f)
		return;
	if (f->pending) {   /* nobody will read the result: stop the worker */
		atomic_store_explicit(&f->abandon, true, memory_order_relaxed);
		ftl_ready(f);
	}
	pthread_mutex_destroy(&f->q_lock);
	pthread_cond_destroy(&f->q_more);
	zsim_free_big(f->b, f->nblocks, sizeof(*f->b));
	zsim_free_big(f->l2p, f->p.dev_pages, sizeof(*f->l2p));
	zsim_free_big(f->p2l, (size_t)f->nblocks * f->ppb, f->p2l_w);
	free(f->bucket);
	free(f->heap);
	free(f);
}

void zsim_ftl_stats(struct zsim_ftl *f, struct zsim_ftl_stats *st, bool pages)
{
	memset(st, 0, sizeof(*st));
	st->blocks = f->nblocks;
	st->static_blocks = f->nstatic;
	st->pages_per_block = f->ppb;
	st->wear_pages = (uint64_t)(f->p.wl == ZSIM_FTL_WL_STATIC ? f->nblocks : f->nblocks - f->nstatic) * f->ppb;
	if (f->pending && !atomic_load_explicit(&f->produced, memory_order_relaxed) && !pages)
		return;   /* preconditioning leaves every counter and erase count at 0 */
	ftl_ready(f);
	st->host_pages = f->host;
	st->nand_pages = f->nand;
	st->gc_pages = f->gc;
	st->wl_pages = f->wl;
	st->trims = f->trims;
	st->erases = f->erases;
	st->erase_max = f->erase_max;
	st->erase_min = UINT32_MAX;
	for (uint32_t i = 0; i < f->nblocks; i++) {
		if (f->b[i].erase < st->erase_min)
			st->erase_min = f->b[i].erase;
		st->programmed_pages += f->b[i].wp;
	}
	st->erase_mean = (double)f->erases / f->nblocks;
	st->initial_pages = f->initial;
}

int zsim_ftl_check(struct zsim_ftl *f, char *msg, size_t len)
{
	ftl_ready(f);
	uint64_t mapped = 0, valid = 0, programmed = 0, erases = 0;
	for (uint64_t l = 0; l < f->p.dev_pages; l++) {
		uint32_t ppn1 = f->l2p[l];
		if (!ppn1)
			continue;
		mapped++;
		if (ppn1 - 1 >= (uint64_t)f->nblocks * f->ppb || p2l_get(f, ppn1 - 1) != l + 1) {
			snprintf(msg, len, "ftl: page %llu maps to %u, which does not map back",
				 (unsigned long long)l, ppn1 - 1);
			return ZSIM_ECORRUPT;
		}
	}
	for (uint32_t i = 0; i < f->nblocks; i++) {
		const struct blk *x = &f->b[i];
		uint32_t v = 0;
		for (uint32_t k = 0; k < f->ppb; k++)
			v += p2l_get(f, (uint64_t)i * f->ppb + k) != 0;
		if (x->state == B_STATIC ? v != 0 || x->valid != f->ppb : v != x->valid) {
			snprintf(msg, len, "ftl: block %u counts %u valid pages, its map %u", i, x->valid, v);
			return ZSIM_ECORRUPT;
		}
		if (x->state == B_FREE && (x->wp || f->heap[x->heap_pos] != i)) {
			snprintf(msg, len, "ftl: free block %u is programmed or not in the heap", i);
			return ZSIM_ECORRUPT;
		}
		if (x->wp > f->ppb || x->valid > x->wp) {
			snprintf(msg, len, "ftl: block %u has %u valid of %u programmed", i, x->valid, x->wp);
			return ZSIM_ECORRUPT;
		}
		valid += x->state == B_STATIC ? 0 : v;
		programmed += x->wp;
		erases += x->erase;
	}
	for (uint32_t i = 1; i < f->nfree; i++)
		if (heap_less(f, f->heap[i], f->heap[(i - 1) / 2])) {
			snprintf(msg, len, "ftl: free heap out of order at %u", i);
			return ZSIM_ECORRUPT;
		}
	if (valid != mapped) {
		snprintf(msg, len, "ftl: %llu pages mapped, %llu valid", (unsigned long long)mapped,
			 (unsigned long long)valid);
		return ZSIM_ECORRUPT;
	}
	if (erases != f->erases || f->nand + f->initial != erases * f->ppb + programmed) {
		snprintf(msg, len, "ftl: %llu NAND pages written, but %llu erases x %u + %llu programmed",
			 (unsigned long long)f->nand, (unsigned long long)erases, f->ppb,
			 (unsigned long long)programmed);
		return ZSIM_ECORRUPT;
	}
	return 0;
}
