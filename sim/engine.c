/*
 * engine.c - simulated time: the clock, the event queue, CPUs, processes.
 *
 * The engine owns a clock in nanoseconds and a binary-heap event queue ordered
 * by (time, insertion sequence), so equal times break ties the same way every
 * run.  Processes are the event sources.  A process runs in quanta: it takes
 * events from its trace until it has used QUANTUM_NS of CPU, done BATCH_EVENTS
 * events, blocked on I/O, or waits for a child; a hit in RAM costs no queue
 * operation.  Its CPU time is then charged to the machine's CPUs (the one free
 * earliest; a busy machine delays the next quantum) and the process is
 * rescheduled when both its CPU work and its I/O are done.  Within a quantum
 * the process's local time runs ahead by its pending CPU time, so the I/O it
 * submits is stamped when it would really be issued.
 *
 * Background jobs are timers: each registers a handler in its owner's init
 * (kswapd in mm.c, the flusher in fs.c, zram writeback in swap.c, the
 * statistics sampler in results.c); the engine calls it at its time and it
 * answers with the delay until its next run, or "done" (zsim_timer_add).
 * kswapd and the flusher charge their work to the CPUs (zsim_cpu_run).
 *
 * Other tasks (machine.background_cpu, a share of one CPU): one task
 * outside the model that always wants the CPU, as daemons, kernel threads
 * or a benchmark's own harness do, run as a timer that takes its share of
 * each BACKGROUND_PERIOD_NS on the CPU free earliest (zsim_cpu_run), so a
 * busy CPU runs everything else that much later and an idle one absorbs it.
 * Simplified: a steady share, not the bursts of real daemons.
 *
 * Traces: each trace is a group of processes with its own pid space.  Its
 * events are read lazily and handed to per-process queues (demultiplexed), so
 * a process blocked on I/O never holds back the others.  A process whose
 * events end exits; a process whose PROC_CREATE sits in its parent's queue
 * starts when the parent gets there.
 *
 * WAKE and PARK (FORMAT.md) hand the turn from process to process: a WAKE
 * ends the waker's quantum and, when its work before it is done (CPU and I/O),
 * lets the target pass one PARK, at once if it is parked, else the next time
 * it parks (wake-ups are counted).  The events of a process the OOM killer
 * took vanish, except its WAKEs and PARKs: it lives on as a ghost that takes
 * no time and no memory and passes the turn on when woken (so one killed app
 * does not stop every app after it), and wakes to a process that has exited
 * or was never created are dropped.
 *
 * A cpu event longer than what is left of the quantum runs whole by default
 * (the turn ends after it); with machine.cpu_bursts "sliced" it is cut where
 * the quantum ends and the rest runs first at the process's next turn, as a
 * scheduler preempts a task that keeps the CPU (a generator's 50 ms of a
 * tar's own work no longer holds the CPU 50 ms while another task waits).
 * Simplified: CPU scheduling is first-come per quantum (no priorities, no
 * preemption inside a quantum); a process's events inside one quantum touch
 * memory at the quantum's start as far as other processes can see.
 *
 * With machine.scheduler "fair" a quantum is not 1 ms but the kernel's
 * fair-class slice for the tasks runnable at the time (zsim_sched_slice),
 * and kswapd's turns and a direct reclaimer's are that slice too (mm.c), so
 * that runnable tasks share a CPU equally, in slices as long as the kernel
 * gives, where the 1 ms quanta beside 1-3 ms kswapd turns and 2 ms reclaim
 * turns favoured whoever ran longer turns.  A turn waits for a CPU: while
 * every CPU is taken it is queued again for when one is free, and of the
 * turns due then the task with the least vruntime (the CPU it has had) goes
 * first, then the one ready longest, as CFS picks; a task that becomes ready
 * after a sleep or I/O, and kswapd when woken, is placed at most half a
 * period behind the least vruntime picked so far (the sleeper's credit).
 * So a turn's events happen where its CPU runs, and which process meets
 * the memory another left does not follow the order of the traces (with
 * whole turns first come, two processes' turns followed each other the
 * same way for the whole run, and the one second paid the direct reclaim).
 * Simplified: no wake-up preemption beyond the turn that shortens when
 * kswapd wakes; equal weights; the slice is the ideal one (the tick that
 * enforces it is not modelled); kswapd's work in a turn happens when its
 * turn starts.
 */
#include "sim.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define QUANTUM_NS 1000000ull     /* 1 ms of CPU per turn */
#define BATCH_EVENTS 4096         /* events per turn at most */
#define BACKGROUND_PERIOD_NS 1000000ull   /* other tasks take their share of each ms */
#define SCHED_LATENCY_NS 6000000ull   /* CFS's period for up to 8 tasks, per unit of the CPU factor */
#define SCHED_GRAN_NS 750000ull       /* CFS's least slice, EEVDF's base slice, per unit of it */
#define SCHED_NR_LATENCY 8            /* tasks beyond which CFS's period grows */

/* ---- event queue ----------------------------------------------------------------- */

static bool evq_less(const struct zsim_evq_item *a, const struct zsim_evq_item *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->vrun != b->vrun)
		return a->vrun < b->vrun;
	if (a->since != b->since)
		return a->since < b->since;
	return a->seq < b->seq;
}

static void evq_push_key(struct zsim_sim *s, uint64_t time, uint32_t timer, uint32_t proc, uint64_t vrun,
			 uint64_t since)
{
	if (s->clk.evq_len == s->clk.evq_cap) {
		s->clk.evq_cap = s->clk.evq_cap ? s->clk.evq_cap * 2 : 256;
		s->clk.evq = zsim_xrealloc(s->clk.evq, s->clk.evq_cap * sizeof(*s->clk.evq));
	}
	struct zsim_evq_item it = { .time = time, .seq = s->clk.evq_seq++, .vrun = vrun, .since = since,
				    .timer = timer, .proc = proc };
	uint64_t i = s->clk.evq_len++;
	while (i > 0) {
		uint64_t parent = (i - 1) / 2;
		if (!evq_less(&it, &s->clk.evq[parent]))
			break;
		s->clk.evq[i] = s->clk.evq[parent];
		i = parent;
	}
	s->clk.evq[i] = it;
}

static struct zsim_evq_item evq_pop(struct zsim_sim *s)
{
	struct zsim_evq_item top = s->clk.evq[0], last = s->clk.evq[--s->clk.evq_len];
	uint64_t i = 0;
	for (;;) {
		uint64_t c = 2 * i + 1;
		if (c >= s->clk.evq_len)
			break;
		if (c + 1 < s->clk.evq_len && evq_less(&s->clk.evq[c + 1], &s->clk.evq[c]))
			c++;
		if (!evq_less(&s->clk.evq[c], &last))
			break;
		s->clk.evq[i] = s->clk.evq[c];
		i = c;
	}
	if (s->clk.evq_len)
		s->clk.evq[i] = last;
	return top;
}

static void evq_push(struct zsim_sim *s, uint64_t time, uint32_t timer, uint32_t proc)
{
	evq_push_key(s, time, timer, proc, 0, 0);
}

/* The fair class's tunables scale by 1 + log2 of the CPUs, at most 8
 * (SCHED_TUNABLESCALING_LOG). */
static unsigned sched_factor(const struct zsim_sim *s)
{
	unsigned cpus = s->cfg.cpus ? s->cfg.cpus : 1, factor = 1;
	for (unsigned c = cpus < 8 ? cpus : 8; c > 1; c >>= 1)
		factor++;
	return factor;
}

/* machine.scheduler "fair": a task that becomes ready is placed as CFS
 * places a waking one, at most half a period behind the least vruntime (its
 * sleeper's credit), so a long sleep buys no long run afterwards. */
void zsim_sched_wake(struct zsim_sim *s, uint64_t *vruntime)
{
	uint64_t credit = SCHED_LATENCY_NS * sched_factor(s) / 2;
	if (s->clk.min_vruntime > credit && *vruntime < s->clk.min_vruntime - credit)
		*vruntime = s->clk.min_vruntime - credit;
}

static unsigned cpu_earliest(const struct zsim_sim *s);

uint64_t zsim_sched_begin(struct zsim_sim *s, uint64_t vruntime)
{
	uint64_t free = s->clk.cpu_free_at[cpu_earliest(s)];
	if (free > s->clk.now)
		return free;
	if (vruntime > s->clk.min_vruntime)   /* the pick: the least of the ready, never falling */
		s->clk.min_vruntime = vruntime;
	return 0;
}

/* Process i's next turn at `time`. */
static void proc_schedule(struct zsim_sim *s, uint64_t time, uint32_t i)
{
	s->clk.nr_proc_events++;
	if (s->cfg.sched_fair) {
		struct zsim_proc *p = &s->pr.procs[i];
		zsim_sched_wake(s, &p->vruntime);
		p->ready_since = time;
		evq_push_key(s, time, ZSIM_TIMER_NONE, i, p->vruntime, p->ready_since);
	} else {
		evq_push(s, time, ZSIM_TIMER_NONE, i);
	}
}

/* ---- timers ------------------------------------------------------------------------ */

unsigned zsim_timer_add(struct zsim_sim *s, uint64_t first, unsigned flags, zsim_timer_fn fn, void *ctx)
{
	if (s->clk.nr_timers == s->clk.cap_timers) {
		s->clk.cap_timers = s->clk.cap_timers ? s->clk.cap_timers * 2 : 8;
		s->clk.timers = zsim_xrealloc(s->clk.timers, s->clk.cap_timers * sizeof(*s->clk.timers));
	}
	unsigned id = s->clk.nr_timers++;
	s->clk.timers[id] = (struct zsim_timer){ .fn = fn, .ctx = ctx, .first = ZSIM_TIMER_IDLE, .flags = flags };
	if (first != ZSIM_TIMER_IDLE) {
		if (s->clk.running)
			zsim_timer_kick(s, id, first);
		else
			s->clk.timers[id].first = first;
	}
	return id;
}

bool zsim_timer_busy(const struct zsim_sim *s, unsigned id)
{
	return s->clk.timers[id].pending || s->clk.timers[id].running;
}

void zsim_timer_kick(struct zsim_sim *s, unsigned id, uint64_t at)
{
	struct zsim_timer *t = &s->clk.timers[id];
	if ((t->flags & ZSIM_TIMER_KEEPS_RUNNING) && !zsim_timer_busy(s, id))
		s->clk.timers_keeping++;
	t->pending++;
	if (t->vruntime)
		evq_push_key(s, at, id, 0, *t->vruntime, at);
	else
		evq_push(s, at, id, 0);
}

/* The run starts: the first runs of the timers added before it, in that order. */
static void timers_start(struct zsim_sim *s)
{
	s->clk.running = true;
	for (unsigned id = 0; id < s->clk.nr_timers; id++)
		if (s->clk.timers[id].first != ZSIM_TIMER_IDLE)
			zsim_timer_kick(s, id, s->clk.timers[id].first);
}

static bool work_left(const struct zsim_sim *s);

static void timer_run(struct zsim_sim *s, unsigned id)
{
	s->clk.timers[id].pending--;
	s->clk.timers[id].running = true;
	uint64_t delay = s->clk.timers[id].fn(s, s->clk.timers[id].ctx);
	struct zsim_timer *t = &s->clk.timers[id];   /* the handler may have added timers */
	if (delay != ZSIM_TIMER_DONE && ((t->flags & ZSIM_TIMER_KEEPS_RUNNING) || work_left(s)))
		zsim_timer_kick(s, id, s->clk.now + delay);
	t->running = false;
	if ((t->flags & ZSIM_TIMER_KEEPS_RUNNING) && !zsim_timer_busy(s, id))
		s->clk.timers_keeping--;
}

/* ---- id maps (sim.h) ---------------------------------------------------------------- */

static uint32_t idmap_hash(uint32_t id)
{
	return (uint32_t)(((uint64_t)id * 0x9E3779B97F4A7C15ull) >> 32);
}

uint32_t zsim_idmap_get_slow(const struct zsim_idmap *m, uint32_t id)
{
	if (!m->h)
		return 0;
	for (uint32_t i = idmap_hash(id) & m->h_mask;; i = (i + 1) & m->h_mask) {
		if (!m->h[i].val)
			return 0;
		if (m->h[i].id == id)
			return m->h[i].val;
	}
}

static void idmap_put(struct zsim_idmap_ent *h, uint32_t mask, uint32_t id, uint32_t val)
{
	uint32_t i = idmap_hash(id) & mask;
	while (h[i].val && h[i].id != id)
		i = (i + 1) & mask;
	h[i].id = id;
	h[i].val = val;
}

void zsim_idmap_set(struct zsim_idmap *m, uint32_t id, uint32_t val)
{
	if (id < ZSIM_IDMAP_DENSE) {
		if (id >= m->dense_len) {
			uint32_t n = m->dense_len ? m->dense_len : 64;
			while (n <= id)
				n *= 2;
			if (n > ZSIM_IDMAP_DENSE)
				n = ZSIM_IDMAP_DENSE;
			m->dense = zsim_xrealloc(m->dense, n * sizeof(*m->dense));
			memset(m->dense + m->dense_len, 0, (n - m->dense_len) * sizeof(*m->dense));
			m->dense_len = n;
		}
		m->dense[id] = val;
		return;
	}
	if (!m->h || (uint64_t)(m->h_used + 1) * 4 > (uint64_t)(m->h_mask + 1) * 3) {
		uint32_t ncap = m->h ? (m->h_mask + 1) * 2 : 64;
		struct zsim_idmap_ent *nh = zsim_xcalloc(ncap, sizeof(*nh));
		if (m->h)
			for (uint32_t i = 0; i <= m->h_mask; i++)
				if (m->h[i].val)
					idmap_put(nh, ncap - 1, m->h[i].id, m->h[i].val);
		free(m->h);
		m->h = nh;
		m->h_mask = ncap - 1;
	}
	if (!zsim_idmap_get_slow(m, id))
		m->h_used++;
	idmap_put(m->h, m->h_mask, id, val);
}

void zsim_idmap_free(struct zsim_idmap *m)
{
	free(m->dense);
	free(m->h);
	memset(m, 0, sizeof(*m));
}

/* ---- processes ------------------------------------------------------------------------ */

static uint32_t proc_new(struct zsim_sim *s, struct zsim_group *g, uint32_t pid)
{
	if (s->pr.nr_procs == s->pr.cap_procs) {
		s->pr.cap_procs = s->pr.cap_procs ? s->pr.cap_procs * 2 : 64;
		s->pr.procs = zsim_xrealloc(s->pr.procs, s->pr.cap_procs * sizeof(*s->pr.procs));
	}
	uint32_t i = s->pr.nr_procs++;
	struct zsim_proc *p = &s->pr.procs[i];
	memset(p, 0, sizeof(*p));
	p->group = (uint32_t)(g - s->pr.groups);
	p->pid = pid;
	p->parent = UINT32_MAX;
	p->ra.hits = ZSIM_RA_START_HITS;
	zsim_pgt_init(&p->pt);
	zsim_idmap_set(&g->pid_map, pid, i + 1);
	return i;
}

/* ---- a process's queue ---------------------------------------------------------- */

/* A full ring of *cap entries of size sz at *buf, its first at *head: twice
 * the room (a power of 2).  The buffer is reallocated (a large one is
 * remapped by the C library, not copied) and the shorter of the ring's two
 * pieces moves: the wrapped start goes after the old end, or the piece from
 * the head goes to the new end.  A queue that grows to millions of entries
 * (a process whose run waits behind another's) costs no copy of the rest. */
static void ring_grow(void **buf, size_t sz, uint32_t *head, uint32_t *cap)
{
	uint32_t ncap = *cap ? *cap * 2 : 16;
	char *nb = zsim_xrealloc(*buf, (size_t)ncap * sz);
	uint32_t first = *cap - *head;   /* head..end, then 0..head */
	if (*head && *head <= first) {
		memcpy(nb + (size_t)*cap * sz, nb, (size_t)*head * sz);
	} else if (*head) {
		memcpy(nb + (size_t)(ncap - first) * sz, nb + (size_t)*head * sz, (size_t)first * sz);
		*head = ncap - first;
	}
	*buf = nb;
	*cap = ncap;
}

static __attribute__((noinline)) void proc_queue_grow(struct zsim_proc *p)
{
	void *b = p->q;
	ring_grow(&b, sizeof(*p->q), &p->q_head, &p->q_cap);
	p->q = b;
}

/* An event other than an access: its record, beside its entry. */
static __attribute__((noinline)) void proc_enqueue_other(struct zsim_proc *p, const struct zsim_event *ev)
{
	if (p->xq_len == p->xq_cap) {
		void *b = p->xq;
		ring_grow(&b, sizeof(*p->xq), &p->xq_head, &p->xq_cap);
		p->xq = b;
	}
	struct zsim_event *slot = &p->xq[(p->xq_head + p->xq_len++) & (p->xq_cap - 1)];
	*slot = *ev;
	if (ev->name)
		slot->name = zsim_xstrdup(ev->name);
}

/* A queued access's PTE: start loading it now (leaves never move while p
 * lives, and the queue goes with p); later stages read it (prefetch_ahead). */
static inline void qent_lookup(struct zsim_proc *p, struct zsim_qent *e)
{
	e->pte = zsim_pgt_lookup(&p->pt, e->a.page);
	if (e->pte)
		__builtin_prefetch(e->pte, 1);
}

/* A file page's read or write needs no more than an access's entry holds
 * (its file in a.file): it stays out of xq.  An untar's writes queue by the
 * hundred thousand while its parent reads ahead, and xq's 80-byte records
 * were most of the main job's page faults. */
static inline bool qent_inline(unsigned kind)
{
	return kind == ZSIM_EV_ACCESS || kind == ZSIM_EV_FILE_READ || kind == ZSIM_EV_FILE_WRITE;
}

/* An inline file event's record, as the reader gave it. */
static struct zsim_event qent_file_event(const struct zsim_proc *p, const struct zsim_qent *qe)
{
	return (struct zsim_event){
		.kind = qe->a.kind, .pid = p->pid, .file = qe->a.file, .page = qe->a.page,
		.content = { .cls = qe->a.cls, .param = qe->a.param, .seed = qe->a.seed },
	};
}

static void proc_enqueue(struct zsim_proc *p, const struct zsim_event *ev)
{
	if (p->q_len == p->q_cap)
		proc_queue_grow(p);
	struct zsim_qent *e = &p->q[(p->q_head + p->q_len++) & (p->q_cap - 1)];   /* q_cap: a power of 2 */
	e->a.kind = ev->kind;
	if (ev->kind == ZSIM_EV_FILE_READ || ev->kind == ZSIM_EV_FILE_WRITE) {
		e->pte = NULL;
		e->a.page = ev->page;
		e->a.file = ev->file;
		e->a.cls = ev->content.cls;
		e->a.param = ev->content.param;
		e->a.seed = ev->content.seed;
		return;
	}
	if (ev->kind != ZSIM_EV_ACCESS) {
		e->pte = NULL;
		proc_enqueue_other(p, ev);
		return;
	}
	e->a.page = ev->page;
	e->a.write = ev->write;
	e->a.cls = ev->content.cls;
	e->a.param = ev->content.param;
	e->a.seed = ev->content.seed;
	qent_lookup(p, e);
}

/* The entry taken last goes back to the queue's head (its event is retried). */
static void proc_unqueue(struct zsim_proc *p)
{
	p->q_head = (p->q_head + p->q_cap - 1) & (p->q_cap - 1);
	p->q_len++;
	if (!qent_inline(p->q[p->q_head].a.kind)) {
		p->xq_head = (p->xq_head + p->xq_cap - 1) & (p->xq_cap - 1);
		p->xq_len++;
	}
}

/* The k-th queued event other than an access (0: the next). */
static inline struct zsim_event *proc_other(struct zsim_proc *p, uint32_t k)
{
	return &p->xq[(p->xq_head + k) & (p->xq_cap - 1)];
}

/* Take the next event other than an access; it stays readable until the
 * queue next grows. */
static struct zsim_event *proc_other_take(struct zsim_proc *p)
{
	struct zsim_event *e = proc_other(p, 0);
	p->xq_head = (p->xq_head + 1) & (p->xq_cap - 1);
	p->xq_len--;
	return e;
}

static void start_proc(struct zsim_sim *s, uint32_t i, uint32_t parent, const char *name, uint64_t at)
{
	struct zsim_proc *p = &s->pr.procs[i];
	p->alive = true;
	p->started = true;
	p->start_ns = at;
	p->parent = parent;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "?");
	if (parent != UINT32_MAX)
		s->pr.procs[parent].live_children++;
	s->pr.live_procs++;
	proc_schedule(s, at, i);
}

/* A write of corpus page `seed` by the trace's event number `event` (as the
 * reader counts): the page must be in the trace's corpus; *param becomes the
 * group, which names the corpus to the content model. */
static int corpus_page(struct zsim_sim *s, struct zsim_group *g, uint64_t seed, uint64_t event, uint8_t *param,
		       char *err, size_t errlen)
{
	if (!g->corpus || seed >= g->corpus_pages) {
		snprintf(err, errlen, "%s: event %llu: corpus page %llu %s", g->path, (unsigned long long)event,
			 (unsigned long long)seed,
			 g->corpus ? "is past the end of the trace's corpus" : "but the trace names no corpus");
		return ZSIM_EFORMAT;
	}
	*param = (uint8_t)(g - s->pr.groups);
	return 0;
}

/*
 * Read one event of group g and route it to its process's queue.  Returns 1 if
 * an event was routed (*to: the process whose queue got it, UINT32_MAX for a
 * process started or an event dropped), 0 at the end of the trace or, when
 * reading `ahead`, at an event that must wait; <0 on a read error (message in
 * err).
 *
 * Reading ahead (see read_ahead) must not change what happens, so it stops
 * before the one event whose effect depends on when it is read: a process with
 * no parent in the trace starts when the trace reaches it.  That event is held
 * and routed by the next pump that is not reading ahead.
 */
static int pump(struct zsim_sim *s, struct zsim_group *g, bool ahead, uint32_t *to, char *err, size_t errlen)
{
	struct zsim_event ev;
	char *held_name = NULL;
	*to = UINT32_MAX;
	if (g->held) {
		if (ahead)
			return 0;
		ev = g->held_ev;
		held_name = (char *)ev.name;
		g->held = false;
	} else {
		if (g->eof)
			return 0;
		int rc = zsim_trace_next(g->r, &ev);
		if (rc < 0) {
			snprintf(err, errlen, "%s", zsim_trace_reader_error(g->r));
			return rc;
		}
		if (rc == 0) {
			g->eof = true;
			return 0;
		}
		if (ahead && ev.kind == ZSIM_EV_PROC_CREATE && ev.target == 0) {
			g->held_ev = ev;
			g->held_ev.name = ev.name ? zsim_xstrdup(ev.name) : NULL;
			g->held = true;
			return 0;
		}
	}
	s->vm.nr_events++;
	if (((ev.kind == ZSIM_EV_ACCESS && ev.write) || ev.kind == ZSIM_EV_FILE_WRITE) &&
	    ev.content.cls == ZSIM_CONTENT_CORPUS &&
	    corpus_page(s, g, ev.content.seed, zsim_trace_reader_events(g->r), &ev.content.param, err, errlen) < 0)
		return ZSIM_EFORMAT;
	if (ev.kind == ZSIM_EV_PROC_CREATE) {
		if (ev.target == 0) {
			uint32_t child = proc_new(s, g, ev.pid);
			start_proc(s, child, UINT32_MAX, ev.name, s->clk.now);
			free(held_name);
			return 1;
		}
		/* A create that could never run is an error, not a process that
		 * silently never starts while its events pile up in memory. */
		uint32_t par = zsim_idmap_get(&g->pid_map, ev.target);
		const char *why = ev.target == ev.pid ? "names itself as its parent"
				: !par ? "names a parent pid that was never created"
				: s->pr.procs[par - 1].exit_read && !s->pr.procs[par - 1].killed && !s->pr.procs[par - 1].never_forked
				? "names a parent pid that has exited" : NULL;
		if (why) {
			free(held_name);
			snprintf(err, errlen, "%s: event %llu: create of pid %u %s (%u)", g->path,
				 (unsigned long long)zsim_trace_reader_events(g->r) - 1, ev.pid, why, ev.target);
			return ZSIM_EFORMAT;
		}
		uint32_t child = proc_new(s, g, ev.pid);
		if (s->pr.procs[par - 1].killed || s->pr.procs[par - 1].never_forked) {
			/* the OOM killer took the parent: the child is never forked, and its
			 * events vanish like the parent's */
			s->pr.procs[child].never_forked = true;
			s->pr.procs[child].exit_read = true;
			free(held_name);
			return 1;
		}
		ev.target = child;   /* the parent's queue carries the child's process index */
		proc_enqueue(&s->pr.procs[par - 1], &ev);
		*to = par - 1;
		return 1;
	}
	uint32_t pi = zsim_idmap_get(&g->pid_map, ev.pid);
	if (!pi) {
		snprintf(err, errlen, "%s: event %llu: pid %u was never created", g->path,
			 (unsigned long long)zsim_trace_reader_events(g->r), ev.pid);
		return ZSIM_EFORMAT;
	}
	struct zsim_proc *p = &s->pr.procs[pi - 1];
	if (ev.kind == ZSIM_EV_PROC_EXIT)
		p->exit_read = true;
	if (p->never_forked || (p->killed && ev.kind != ZSIM_EV_WAKE && ev.kind != ZSIM_EV_PARK))
		return 1;   /* the OOM killer took it (or its parent): its remaining events vanish,
			     * but a killed process still passes the turn on (ghost_run) */
	proc_enqueue(p, &ev);
	*to = pi - 1;
	if (p->killed && !p->parked && !p->ghost_sched) {
		p->ghost_sched = true;   /* a ghost with a turn to pass on: now */
		proc_schedule(s, s->clk.now, pi - 1);
	}
	return 1;
}

/*
 * A process's queue (run_proc takes from it, read_ahead fills it).
 *
 * The queue is kept LOOKAHEAD events ahead where the trace allows, so that
 * the page-table entry of an access is already on its way to the cache
 * (qent_lookup's prefetch) when the access is simulated: on a stream of random
 * pages the entry's cache miss is most of an access's cost.  Reading ahead
 * stops at the first event for another process (with the run of that
 * process's accesses behind it, route_run), so another queue grows by at
 * most OTHER_FILL_AHEAD entries while one process reads ahead.
 *
 * Reading ahead goes in runs (read_ahead): when the queue is short, the run
 * of i's accesses that comes next in the trace is decoded in one go straight
 * into the queue's free entries (zsim_trace_next_accesses), up to FILL, and
 * only the events around the runs go through pump and struct zsim_event one
 * at a time.  Accesses read early change nothing (pump does nothing with an
 * access but queue it), and every other event is still read exactly when the
 * queue holds fewer than LOOKAHEAD events before it, as with one event at a
 * time, so the runs are invisible in the results.
 */
#define LOOKAHEAD 16
#define FILL 48            /* a run of accesses fills the queue up to this */
#define OTHER_FILL_WAIT UINT32_MAX   /* another's run, routed while the reader has no event: all of it */
#define OTHER_FILL_AHEAD 4096        /* ... while it reads ahead: the other queue up to this */
#define PREFETCH_FRAME 8   /* events ahead: the entry has arrived, start the frame */
#define PREFETCH_LINKS 4   /* events ahead: the frame has arrived, start its neighbours */

/* The queued event k ahead of p's next (k < q_len), if it is an access
 * whose PTE is known: its next stage. */
static inline void prefetch_ahead(struct zsim_sim *s, const struct zsim_proc *p, uint32_t k, int stage)
{
	const uint64_t *pte = p->q[(p->q_head + k) & (p->q_cap - 1)].pte;
	if (pte)
		zsim_mm_prefetch(s, *pte, stage);
}

/*
 * The run of process i's accesses that comes next in group g's trace, into
 * its queue up to `fill` entries: how many (0: the next event is another kind,
 * or another process's, or must go through pump first), <0 on an error.
 */
static int read_run(struct zsim_sim *s, struct zsim_group *g, uint32_t i, uint32_t fill, char *err, size_t errlen)
{
	struct zsim_proc *p = &s->pr.procs[i];
	/* a held event comes before the reader's position; after i's exit, its
	 * pid may name a new process */
	if (g->held || g->eof || p->exit_read)
		return 0;
	int total = 0;
	while (p->q_len < fill) {
		if (p->q_len == p->q_cap)
			proc_queue_grow(p);
		uint32_t tail = (p->q_head + p->q_len) & (p->q_cap - 1);
		uint32_t room = p->q_cap - p->q_len;   /* free, in one piece: to the head or the ring's end */
		if (room > p->q_cap - tail)
			room = p->q_cap - tail;
		if (room > fill - p->q_len)
			room = fill - p->q_len;
		struct zsim_qent *e = &p->q[tail];
		int n = zsim_trace_next_accesses(g->r, p->pid, &e->a, sizeof(*e), room);
		if (n < 0) {
			snprintf(err, errlen, "%s", zsim_trace_reader_error(g->r));
			return n;
		}
		uint64_t event = zsim_trace_reader_events(g->r) - (uint64_t)n;
		for (int k = 0; k < n; k++) {
			if (e[k].a.cls == ZSIM_CONTENT_CORPUS && e[k].a.write &&
			    corpus_page(s, g, e[k].a.seed, event + (uint64_t)k + 1, &e[k].a.param, err, errlen) < 0)
				return ZSIM_EFORMAT;
			qent_lookup(p, &e[k]);
		}
		p->q_len += (uint32_t)n;
		s->vm.nr_events += (uint64_t)n;
		total += n;
		if ((uint32_t)n < room)
			break;
	}
	return total;
}

/*
 * pump just routed an event to process j, not the one reading: the run of
 * j's accesses that follows it goes to j's queue in one batch too, up to
 * `fill` entries, instead of one pump per event (kbuild's processes take
 * turns in the trace in runs of hundreds of accesses, and a process that
 * waits for its next event would otherwise route the others' runs one
 * event at a time).  Only where pump would have queued them: a process
 * that lives (a killed one's events vanish in pump).  Returns 1, or <0 on
 * an error.
 */
static int route_run(struct zsim_sim *s, struct zsim_group *g, uint32_t j, uint32_t fill, char *err, size_t errlen)
{
	if (j == UINT32_MAX || s->pr.procs[j].killed || s->pr.procs[j].never_forked)
		return 1;
	int rc = read_run(s, g, j, fill, err, errlen);
	return rc < 0 ? rc : 1;
}

/* Process i's queue is under LOOKAHEAD: read on (see above).  Returns 1 when
 * the queue has an event, 0 when its events have ended, <0 on an error. */
static __attribute__((noinline)) int read_ahead(struct zsim_sim *s, uint32_t i, char *err, size_t errlen)
{
	struct zsim_group *g = &s->pr.groups[s->pr.procs[i].group];
	uint32_t to;
	while (s->pr.procs[i].q_len == 0) {
		int rc = pump(s, g, false, &to, err, errlen);
		if (rc > 0 && to != i)
			rc = route_run(s, g, to, OTHER_FILL_WAIT, err, errlen);
		if (rc <= 0)
			return rc;
	}
	while (s->pr.procs[i].q_len < LOOKAHEAD) {
		int rc = read_run(s, g, i, FILL, err, errlen);
		if (rc < 0)
			return rc;
		if (rc > 0)
			continue;
		rc = pump(s, g, true, &to, err, errlen);
		if (rc > 0 && to != i)
			rc = route_run(s, g, to, OTHER_FILL_AHEAD, err, errlen);
		if (rc < 0)
			return rc;
		if (rc == 0 || to != i)
			break;
	}
	return 1;
}

/* Take p's next queued event (q_len > 0): its entry, valid until the queue
 * next grows (the next read_ahead); an event other than an access is then
 * taken from xq (proc_other_take).  Starts the next stages of the accesses
 * ahead. */
static inline const struct zsim_qent *proc_take(struct zsim_sim *s, struct zsim_proc *p)
{
	const struct zsim_qent *qe = &p->q[p->q_head];
	p->q_head = (p->q_head + 1) & (p->q_cap - 1);
	p->q_len--;
	if (p->q_len >= PREFETCH_FRAME)
		prefetch_ahead(s, p, PREFETCH_FRAME - 1, 1);
	/* stage 2 starts only a hit's list neighbours: nothing to start (nor
	 * an entry to read) where hits do not touch the policy's lists */
	if (p->q_len >= PREFETCH_LINKS && s->mm.hit_prefetch)
		prefetch_ahead(s, p, PREFETCH_LINKS - 1, 2);
	return qe;
}

static void drop_queue(struct zsim_proc *p)
{
	for (uint32_t k = 0; k < p->xq_len; k++)
		free((char *)proc_other(p, k)->name);
	p->q_len = p->xq_len = 0;
}

/*
 * Process i ends with events still queued (the OOM killer took it): they are
 * dropped and the queue freed.  A create among them never happens, so that
 * child is marked killed too (its events, queued or still to come, vanish)
 * and its own queue goes the same way.
 */
static void drop_queue_orphans(struct zsim_sim *s, uint32_t i)
{
	uint32_t *stack = NULL, n = 0, cap = 0;
	for (;;) {
		struct zsim_proc *p = &s->pr.procs[i];
		for (uint32_t k = 0; k < p->xq_len; k++) {
			const struct zsim_event *ev = proc_other(p, k);
			if (ev->kind != ZSIM_EV_PROC_CREATE || s->pr.procs[ev->target].started)
				continue;
			s->pr.procs[ev->target].never_forked = true;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				stack = zsim_xrealloc(stack, cap * sizeof(*stack));
			}
			stack[n++] = ev->target;
		}
		drop_queue(p);
		free(p->q);
		free(p->xq);
		p->q = NULL;
		p->xq = NULL;
		p->q_cap = p->q_head = p->xq_cap = p->xq_head = 0;
		if (!n)
			break;
		i = stack[--n];
	}
	free(stack);
}

void zsim_proc_reap(struct zsim_sim *s, uint32_t i)
{
	struct zsim_proc *p = &s->pr.procs[i];
	if (p->exited)
		return;
	if (p->alive) {
		p->alive = false;
		p->end_ns = s->clk.now;
		s->pr.live_procs--;
		if (p->idle) {
			p->idle = false;
			s->pr.idle_procs--;
		}
	}
	p->exited = true;
	/* a killed process keeps its queued WAKEs and PARKs and runs them as a ghost */
	struct zsim_event *keep = NULL;
	uint32_t nkeep = 0;
	if (p->killed && p->xq_len) {
		keep = zsim_xmalloc(p->xq_len * sizeof(*keep));
		for (uint32_t k = 0; k < p->xq_len; k++) {
			const struct zsim_event *e = proc_other(p, k);
			if (e->kind == ZSIM_EV_WAKE || e->kind == ZSIM_EV_PARK)
				keep[nkeep++] = *e;
		}
	}
	drop_queue_orphans(s, i);
	p = &s->pr.procs[i];
	for (uint32_t k = 0; k < nkeep; k++)
		proc_enqueue(p, &keep[k]);
	free(keep);
	if (p->killed && !p->parked && nkeep) {
		p->ghost_sched = true;   /* ghost_run: pass on the turn it had */
		proc_schedule(s, s->clk.now, i);
	}
	if (p->parent != UINT32_MAX) {
		struct zsim_proc *par = &s->pr.procs[p->parent];
		par->live_children--;
		if (par->waiting && par->alive &&
		    (par->wait_target == 0 ? par->live_children == 0 : par->wait_target == i)) {
			par->waiting = false;
			proc_schedule(s, s->clk.now, p->parent);
		}
	}
}

/* Process i exits (PROC_EXIT, a failed file event, or after the OOM killer
 * took it); idempotent. */
static void proc_exit(struct zsim_sim *s, uint32_t i)
{
	struct zsim_proc *p = &s->pr.procs[i];
	if (p->exited)
		return;
	if (p->alive)
		zsim_mm_exit(s, p);
	zsim_proc_reap(s, i);
}

/*
 * machine.scheduler "fair": the slice of the task that runs now, as the
 * kernel's fair class sizes it.  Its tunables scale with the CPUs (the
 * default SCHED_TUNABLESCALING_LOG: a factor of 1 + log2 of the CPUs, at most
 * 8).  CFS (to 6.5): the period is SCHED_LATENCY_NS x factor, or
 * SCHED_GRAN_NS x factor a task beyond SCHED_NR_LATENCY of them, shared
 * equally among the tasks runnable on a CPU (sched_slice, equal weights).
 * EEVDF (6.6 on): every task's slice is its base slice, SCHED_GRAN_NS x
 * factor.  Runnable: the live processes not idle, parked, waiting for a
 * child, or in the I/O wait or sleep of their last turn, and kswapd while
 * it is awake and not asleep on writeback, spread over the CPUs.
 */
static uint64_t runnable_procs(const struct zsim_sim *s)
{
	uint64_t now = s->clk.now, n = 0;
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		const struct zsim_proc *p = &s->pr.procs[i];
		if (p->alive && !p->idle && !p->parked && !p->waiting &&
		    !(p->blocked_from <= now && now < p->blocked_to))
			n++;
	}
	return n;
}

/* The slice with `procs` processes runnable, and kswapd if it is now. */
static uint64_t slice_for(const struct zsim_sim *s, uint64_t procs)
{
	unsigned cpus = s->cfg.cpus ? s->cfg.cpus : 1, factor = sched_factor(s);
	if (s->cfg.kp->sched_eevdf)
		return SCHED_GRAN_NS * factor;
	uint64_t n = procs;
	if (zsim_timer_busy(s, s->mm.kswapd_timer) && s->clk.now >= s->mm.share_asleep_until)
		n++;
	n = (n + cpus - 1) / cpus;
	if (n > SCHED_NR_LATENCY)
		return SCHED_GRAN_NS * factor;
	return SCHED_LATENCY_NS * factor / (n ? n : 1);
}

uint64_t zsim_sched_slice(const struct zsim_sim *s)
{
	return slice_for(s, runnable_procs(s));
}

/* The CPU free earliest (the lowest-numbered of equals). */
static unsigned cpu_earliest(const struct zsim_sim *s)
{
	unsigned best = 0;
	for (unsigned c = 1; c < s->cfg.cpus; c++)
		if (s->clk.cpu_free_at[c] < s->clk.cpu_free_at[best])
			best = c;
	return best;
}

uint64_t zsim_cpu_run(struct zsim_sim *s, uint64_t at, uint64_t cpu)
{
	if (!cpu)
		return at;   /* nothing to run: no need to wait for a CPU */
	unsigned best = cpu_earliest(s);
	uint64_t start = s->clk.cpu_free_at[best] > at ? s->clk.cpu_free_at[best] : at;
	uint64_t end = start + cpu;
	if (cpu)
		s->clk.cpu_free_at[best] = end;
	return end;
}

/*
 * CFS places a task that slept (here: on its own synchronous write) with the
 * sleeper's credit, so it gets on the CPU at once rather than after the
 * running task's turn, and then shares that CPU fairly (equal weights) with
 * the tasks runnable there: the one it found running, if every CPU is busy,
 * and kswapd while it is awake (on one CPU of the machine's).  Its `cpu` so
 * takes (1 + those) times as long in wall time; the CPU it took is `cpu`,
 * by which the task it shared with ends later.
 */
uint64_t zsim_cpu_run_woken(struct zsim_sim *s, uint64_t at, uint64_t cpu)
{
	if (!cpu)
		return at;
	uint64_t *f = &s->clk.cpu_free_at[cpu_earliest(s)];
	double sharers = (*f > at ? 1.0 : 0.0) +
			 (zsim_timer_busy(s, s->mm.kswapd_timer) ? 1.0 / s->cfg.cpus : 0.0);
	*f = (*f > at ? *f : at) + cpu;
	return at + (uint64_t)((double)cpu * (1.0 + sharers) + 0.5);
}

/* A WAKE by process `from` of trace pid `target`, taking effect at `at`. */
static void proc_wake(struct zsim_sim *s, uint32_t from, uint32_t target, uint64_t at)
{
	struct zsim_group *g = &s->pr.groups[s->pr.procs[from].group];
	uint32_t ti = zsim_idmap_get(&g->pid_map, target);
	if (!ti)
		return;   /* never created: nothing to wake */
	struct zsim_proc *t = &s->pr.procs[ti - 1];
	if (t->never_forked || (t->exited && !t->killed))
		return;   /* gone for good */
	if (!t->parked) {
		t->wakeups++;
		return;
	}
	t->parked = false;
	uint64_t when = at > t->ready_ns ? at : t->ready_ns;
	if (t->killed)
		t->ghost_sched = true;
	else
		t->sleep_ns += when - t->ready_ns;
	proc_schedule(s, when, ti - 1);
}

/*
 * A process the OOM killer took, when scheduled: the WAKEs and PARKs in its
 * queue (pump drops everything else), in order, at the time it runs, until a
 * PARK that no wake-up lets pass.  It reads no further: pump schedules it
 * again when the trace brings it more (reading the trace for a ghost would
 * pull every later event into memory).
 */
static void ghost_run(struct zsim_sim *s, uint32_t i)
{
	struct zsim_proc *p = &s->pr.procs[i];
	p->ghost_sched = false;
	while (!p->parked && p->q_len) {
		bool inl = qent_inline(p->q[p->q_head].a.kind);
		p->q_head = (p->q_head + 1) & (p->q_cap - 1);
		p->q_len--;
		if (inl)
			continue;
		struct zsim_event ev = *proc_other_take(p);
		if (ev.kind == ZSIM_EV_WAKE) {
			proc_wake(s, i, ev.target, s->clk.now);
			p = &s->pr.procs[i];
		} else if (ev.kind == ZSIM_EV_PARK) {
			if (p->wakeups) {
				p->wakeups--;
			} else {
				p->parked = true;
				p->ready_ns = s->clk.now;
			}
		}
	}
}

/* mm.content_time: the CPU making a written page's bytes of class cls took. */
static inline uint64_t content_cost(const struct zsim_sim *s, unsigned cls)
{
	return cls < ZSIM_CONTENT_NR ? s->cfg.content_cls_ns[cls] : s->cfg.content_ns;
}

static int run_proc(struct zsim_sim *s, uint32_t i, char *err, size_t errlen)
{
	struct zsim_proc *p = &s->pr.procs[i];
	uint64_t t0 = s->clk.now, wait_until = t0, sleep = 0;
	uint32_t wake = 0;
	if (!p->alive) {
		if (p->killed)
			ghost_run(s, i);
		return 0;
	}
	if (s->cfg.sched_fair) {
		/* the turn waits for a CPU: while every CPU is taken it is queued
		 * again for when one is free, where the ready task with the least
		 * vruntime goes first (CFS's pick), so its events happen where its
		 * CPU runs, not a turn ahead of it */
		uint64_t free = zsim_sched_begin(s, p->vruntime);
		if (free) {
			s->clk.nr_proc_events++;
			evq_push_key(s, free, ZSIM_TIMER_NONE, i, p->vruntime, p->ready_since);
			return 0;
		}
	}
	uint64_t stall0 = p->stall_ns;   /* PSI: this turn's direct reclaim */
	/* machine.scheduler "fair": the processes runnable as the turn begins;
	 * kswapd, woken by this turn's allocations, shortens it at once (the
	 * kernel's woken kswapd preempts with its sleeper's credit, and the next
	 * tick sees the longer queue) */
	const uint64_t nrun = s->cfg.sched_fair ? runnable_procs(s) : 0;
	uint64_t quantum = s->cfg.sched_fair ? slice_for(s, nrun) : QUANTUM_NS;
	if (p->cpu_left) {   /* a cpu event its last turn cut (cpu_bursts "sliced") goes on first */
		uint64_t take = p->cpu_left < quantum ? p->cpu_left : quantum;
		p->cpu_left -= take;
		p->pending_cpu += take;
	}
	for (unsigned n = 0; n < BATCH_EVENTS && p->pending_cpu < quantum; n++) {
		if (s->cfg.sched_fair && (quantum = slice_for(s, nrun)) <= p->pending_cpu)
			break;
		s->clk.now = t0 + p->pending_cpu;
		if (p->q_len < LOOKAHEAD) {
			int rc = read_ahead(s, i, err, errlen);
			p = &s->pr.procs[i];   /* pumping may grow the process table */
			if (rc < 0)
				return rc;
			if (rc == 0) {
				/* events ended without an exit: the process lives on, holding
				 * its memory, until the simulation ends (a daemon, the 2013
				 * hogger).  CPU work still pending is done first. */
				if (p->pending_cpu)
					break;
				p->idle = true;
				p->end_ns = t0;   /* when its events ended: its runtime (results.c) */
				s->pr.idle_procs++;
				s->clk.now = t0;
				return 0;
			}
		}
		const struct zsim_qent *qe = proc_take(s, p);
		if (qe->a.kind == ZSIM_EV_ACCESS) {
			/* the hot path reads the queued entry in place */
			struct zsim_content_ref c = { .cls = qe->a.cls, .param = qe->a.param, .seed = qe->a.seed };
			bool wrote = qe->a.write;
			int arc = zsim_mm_access(s, p, qe->a.page, qe->pte, qe->a.write, &c, &wait_until);
			if (arc == ZSIM_EAGAIN) {
				/* one round of direct reclaim: the access is retried once
				 * its CPU has run (the event goes back to the queue's head) */
				proc_unqueue(p);
				goto charge;
			}
			if (arc < 0) {
				proc_exit(s, i);   /* OOM-killed itself (reaped already) */
				s->clk.now = t0;
				return 0;
			}
			/* an access that went through left p alive, not waiting for a
			 * child, and the process table where it was: only the I/O it
			 * waits for ends the turn.  A write's bytes took content_time
			 * to make, which later cpu events absorb */
			uint64_t cn = wrote ? content_cost(s, c.cls) : 0;
			if (cn) {
				p->pending_cpu += cn;
				p->content_debt += cn;
			}
			if (wait_until > s->clk.now)
				break;
			continue;
		}
		struct zsim_event ev = qent_inline(qe->a.kind) ? qent_file_event(p, qe) : *proc_other_take(p);
		switch (ev.kind) {
		case ZSIM_EV_CPU: {
			uint64_t take = p->content_debt < ev.ns ? p->content_debt : ev.ns;
			p->content_debt -= take;
			p->pending_cpu += ev.ns - take;
			if (s->cfg.cpu_sliced && p->pending_cpu > quantum) {
				/* preempted where the quantum ends; the rest at its next turn */
				p->cpu_left = p->pending_cpu - quantum;
				p->pending_cpu = quantum;
			}
			break;
		}
		case ZSIM_EV_SLEEP:
			/* off the CPU for ns once the work before it is done; the turn ends */
			sleep = ev.ns;
			p->sleep_ns += ev.ns;
			goto charge;
		case ZSIM_EV_WAKE:
			/* takes effect once the work before it is done; the turn ends */
			wake = ev.target;
			goto charge;
		case ZSIM_EV_PARK:
			if (p->wakeups) {
				p->wakeups--;
				break;
			}
			p->parked = true;   /* asleep from the end of this turn's work */
			goto charge;
		case ZSIM_EV_MAP:
			break;   /* anonymous memory appears on first touch */
		case ZSIM_EV_UNMAP:
			zsim_mm_unmap(s, p, ev.page, ev.npages);
			break;
		case ZSIM_EV_PROC_CREATE:
			start_proc(s, ev.target, i, ev.name, s->clk.now);
			p = &s->pr.procs[i];
			break;
		case ZSIM_EV_PROC_EXIT:
			if (p->pending_cpu) {
				/* finish the CPU work first: exit when it is done */
				proc_unqueue(p);
				goto charge;
			}
			free((char *)ev.name);
			proc_exit(s, i);
			s->clk.now = t0;
			return 0;
		case ZSIM_EV_WAIT: {
			uint32_t target = 0;
			if (ev.target) {
				struct zsim_group *g = &s->pr.groups[p->group];
				target = zsim_idmap_get(&g->pid_map, ev.target);
				target = target ? target - 1 : UINT32_MAX;
			}
			bool must_wait = ev.target == 0 ? p->live_children > 0
				       : (target != UINT32_MAX && s->pr.procs[target].alive);
			if (must_wait) {
				p->waiting = true;
				p->wait_target = ev.target ? target : 0;
			}
			break;
		}
		default: {
			int frc = zsim_fs_event(s, p, &s->pr.groups[p->group], &ev, &wait_until);
			if (frc == ZSIM_EAGAIN) {
				/* a file page's round of direct reclaim, as an access's */
				proc_unqueue(p);
				goto charge;
			}
			if (frc < 0) {
				free((char *)ev.name);
				proc_exit(s, i);
				s->clk.now = t0;
				return 0;
			}
			uint64_t cn = ev.kind == ZSIM_EV_FILE_WRITE ? content_cost(s, ev.content.cls) : 0;
			if (cn) {   /* its bytes made, as an access's */
				p->pending_cpu += cn;
				p->content_debt += cn;
			}
			break;
		}
		}
		free((char *)ev.name);
		p = &s->pr.procs[i];
		if (!p->alive || p->waiting || wait_until > s->clk.now)
			break;
	}
charge:
	s->clk.now = t0;
	if (!p->alive)
		return 0;
	uint64_t end = zsim_cpu_run(s, t0, p->pending_cpu), cpu_end = end;
	zsim_mm_task_ran(s, p, p->pending_cpu);
	p->cpu_ns += p->pending_cpu;
	p->vruntime += p->pending_cpu;
	p->pending_cpu = 0;
	zsim_psi_turn(s, i, t0, end, wait_until, p->stall_ns - stall0);
	if (wait_until > end) {
		p->fault_wait_ns += wait_until - end;
		end = wait_until;
	}
	end += sleep;
	/* off the CPU between its CPU's end and its I/O's or sleep's: not runnable */
	p->blocked_from = cpu_end;
	p->blocked_to = end;
	if (p->parked)
		p->ready_ns = end;
	if (wake)
		proc_wake(s, i, wake, end);
	if (!p->waiting && !p->parked)
		proc_schedule(s, end, i);
	return 0;
}

/* ---- setup and the main loop ---------------------------------------------------- */

/*
 * What the simulator's own tables for this config take, in bytes (sim.h).
 * Per RAM page: the frame (40 B) and the mm/fs side arrays; per device page:
 * zram's and dm-cache's slot tables, a block device's map; per swap page:
 * the slot record (8 B; free slots and frames link through themselves).
 * The figures keep a margin over these.  Allocators, page tables and caches
 * grow with what a run touches, not with the sizes, and are left out.
 */
#define EST_FRAME_BYTES 64
#define EST_SWAP_BYTES 16
uint64_t zsim_sim_table_bytes(const struct zsim_config *cfg)
{
	long double b = (long double)(cfg->ram / ZSIM_PAGE_SIZE) * EST_FRAME_BYTES;
	for (unsigned d = 0; d < cfg->nr_dev; d++) {
		const char *t = zsim_dev_type_name(&cfg->dev[d]);
		unsigned per = !strcmp(t, "zram") || !strcmp(t, "dmcache") ? 16 : 2;
		b += (long double)(cfg->dev[d].size / ZSIM_PAGE_SIZE) * per;
	}
	for (unsigned i = 0; i < cfg->nr_swap; i++)
		b += (long double)(cfg->dev[cfg->swap[i].device].size / ZSIM_PAGE_SIZE) * EST_SWAP_BYTES;
	return b > (long double)UINT64_MAX ? UINT64_MAX : (uint64_t)b;
}

/* machine.background_cpu: the other tasks' share of this period. */
static uint64_t background(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	uint64_t cpu = (uint64_t)(s->cfg.background_cpu * (double)BACKGROUND_PERIOD_NS + 0.5);
	s->clk.background_cpu_ns += cpu;
	zsim_cpu_run(s, s->clk.now, cpu);
	return BACKGROUND_PERIOD_NS;
}

int zsim_sim_init(struct zsim_sim *s, const struct zsim_config *cfg, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->clk.cpu_free_at = zsim_xcalloc(cfg->cpus, sizeof(*s->clk.cpu_free_at));
	/* each part registers its background jobs: at equal times they run in
	 * this order (kswapd, the flusher, zram writeback, the sampler) */
	int rc = zsim_mm_init(s, err, errlen);
	if (rc == 0)
		rc = zsim_devices_init(s, err, errlen);
	if (rc == 0)
		rc = zsim_swap_init(s, err, errlen);
	if (rc == 0)
		rc = zsim_fs_init(s, err, errlen);
	if (rc == 0) {
		zsim_devices_background_init(s);
		zsim_swap_background_init(s);
		zsim_results_init(s);
		if (cfg->background_cpu > 0)
			zsim_timer_add(s, 0, 0, background, NULL);
	}
	return rc;
}

static int add_reader(struct zsim_sim *s, struct zsim_trace_reader *r, const char *path, char *err, size_t errlen);

int zsim_sim_add_trace(struct zsim_sim *s, const char *path, char *err, size_t errlen)
{
	struct zsim_trace_reader *r;
	int rc = zsim_trace_open(path, &r, err, errlen);
	if (rc < 0)
		return rc;
	return add_reader(s, r, path, err, errlen);
}

int zsim_sim_add_trace_mem(struct zsim_sim *s, const void *data, size_t len, const char *name,
			   char *err, size_t errlen)
{
	struct zsim_trace_reader *r;
	int rc = zsim_trace_open_mem(data, len, name, &r, err, errlen);
	if (rc < 0)
		return rc;
	return add_reader(s, r, name, err, errlen);
}

/* Take reader r (closed on failure) as the next trace group. */
static int add_reader(struct zsim_sim *s, struct zsim_trace_reader *r, const char *path, char *err, size_t errlen)
{
	const struct zsim_trace_header *h = zsim_trace_reader_header(r);
	s->pr.groups = zsim_xrealloc(s->pr.groups, (s->pr.nr_groups + 1) * sizeof(*s->pr.groups));
	struct zsim_group *g = &s->pr.groups[s->pr.nr_groups];
	memset(g, 0, sizeof(*g));
	g->r = r;
	g->path = path;
	for (uint32_t k = 0; k < h->nr_fs; k++) {
		g->fs_map[k] = zsim_config_fs_find(&s->cfg, h->fs[k]);
		if (g->fs_map[k] < 0) {
			char name[sizeof(h->fs[k])];
			snprintf(name, sizeof(name), "%s", h->fs[k]);
			snprintf(err, errlen, "%s: the trace writes to filesystem '%s', which the config does not "
				 "define (add it under $.filesystems)", path, zsim_one_line(name));
			zsim_trace_close(r);
			return ZSIM_EINVAL;
		}
	}
	if (h->corpus[0]) {
		/* the corpus as named, else next to the trace file */
		char alt[4096];
		const char *cp = h->corpus;
		const char *slash = strrchr(path, '/');
		if (h->corpus[0] != '/' && access(cp, R_OK) != 0 && slash) {
			snprintf(alt, sizeof(alt), "%.*s/%s", (int)(slash - path), path, h->corpus);
			cp = alt;
		}
		char cerr[512];
		if (zsim_content_corpus_open(cp, &g->corpus, cerr, sizeof(cerr)) < 0) {
			snprintf(err, errlen, "%s: the trace's corpus: %s", path, cerr);
			zsim_one_line(err);
			zsim_trace_close(r);
			return ZSIM_EINVAL;
		}
		g->corpus_pages = zsim_content_corpus_pages(g->corpus);
	}
	if (s->pr.nr_groups >= 255) {
		snprintf(err, errlen, "%s: at most 255 traces", path);
		if (g->corpus)
			zsim_content_corpus_close(g->corpus);
		zsim_trace_close(r);
		return ZSIM_EINVAL;
	}
	s->pr.nr_groups++;
	return 0;
}

void zsim_sim_free(struct zsim_sim *s)
{
	for (uint32_t i = 0; i < s->pr.nr_procs; i++) {
		zsim_pgt_free(&s->pr.procs[i].pt);
		drop_queue(&s->pr.procs[i]);
		free(s->pr.procs[i].q);
		free(s->pr.procs[i].xq);
	}
	free(s->pr.procs);
	for (unsigned g = 0; g < s->pr.nr_groups; g++) {
		zsim_trace_close(s->pr.groups[g].r);
		if (s->pr.groups[g].held)
			free((char *)s->pr.groups[g].held_ev.name);
		if (s->pr.groups[g].corpus)
			zsim_content_corpus_close(s->pr.groups[g].corpus);
		zsim_idmap_free(&s->pr.groups[g].pid_map);
		zsim_idmap_free(&s->pr.groups[g].file_map);
	}
	free(s->pr.groups);
	zsim_fs_free(s);
	zsim_swap_free_all(s);
	zsim_devices_free(s);
	zsim_mm_free(s);
	zsim_psi_free(&s->out.psi);
	free(s->clk.evq);
	free(s->clk.timers);
	free(s->clk.cpu_free_at);
}

#include "results.h"

/* Anything still to simulate: a running process, or a trace not read to its end. */
static bool work_left(const struct zsim_sim *s)
{
	if (s->pr.live_procs > s->pr.idle_procs)
		return true;
	for (unsigned g = 0; g < s->pr.nr_groups; g++)
		if (!s->pr.groups[g].eof)
			return true;
	return false;
}

int zsim_sim_run(struct zsim_sim *s, char *err, size_t errlen)
{
	/* start: pump every trace until it has a process running (or ends) */
	for (unsigned g = 0; g < s->pr.nr_groups; g++) {
		uint32_t before = s->pr.live_procs;
		while (s->pr.live_procs == before) {
			uint32_t to;
			int rc = pump(s, &s->pr.groups[g], false, &to, err, errlen);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
		}
	}
	timers_start(s);
	uint64_t steps = 0;
	while (s->clk.evq_len) {
		if (s->interrupt && *s->interrupt)
			return ZSIM_EIO;
		if (s->max_steps && ++steps > s->max_steps) {
			snprintf(err, errlen, "stopped after %llu steps (the step cap)", (unsigned long long)s->max_steps);
			return ZSIM_ERANGE;
		}
		if (s->progress && (s->clk.evq_seq & 0xffff) == 0)
			s->progress(s, s->progress_ctx);
		struct zsim_evq_item it = evq_pop(s);
		if (it.time > ZSIM_SIM_MAX_NS) {
			snprintf(err, errlen, "simulated time passed 2^50 ns (13 days) after %llu trace events; "
				 "the traces' cpu and sleep events add up to more than zsim simulates",
				 (unsigned long long)s->vm.nr_events);
			return ZSIM_ERANGE;
		}
		s->clk.now = it.time;
		if (it.timer == ZSIM_TIMER_NONE) {
			s->clk.nr_proc_events--;
			int rc = run_proc(s, it.proc, err, errlen);
			if (rc < 0)
				return rc;
		} else {
			timer_run(s, it.timer);
		}
		if (s->fatal[0]) {
			snprintf(err, errlen, "%s", s->fatal);
			return ZSIM_ESYS;
		}
		if (s->check) {
			char msg[512];
			if (zsim_mm_check(s, msg, sizeof(msg)) < 0) {
				snprintf(err, errlen, "invariant broken at %llu ns: %s", (unsigned long long)s->clk.now, msg);
				return ZSIM_ECORRUPT;
			}
		}
		if (s->clk.nr_proc_events || s->clk.timers_keeping)
			continue;
		bool any = false;
		/* nobody runnable: read on in traces that have not ended (later root processes) */
		for (unsigned g = 0; g < s->pr.nr_groups && !any; g++) {
			uint32_t before = s->pr.live_procs;
			int rc = 0;
			uint32_t to;
			while (!any && (rc = pump(s, &s->pr.groups[g], false, &to, err, errlen)) > 0)
				any = s->pr.live_procs > before || s->clk.nr_proc_events;   /* or a ghost */
			if (rc < 0)
				return rc;
		}
		if (!any && s->pr.live_procs > s->pr.idle_procs) {
			/* every remaining process waits for something that will never come */
			zsim_sim_event(s, "deadlock", "\"live_processes\":%u", s->pr.live_procs - s->pr.idle_procs);
			break;
		}
		if (!any)
			break;
	}
	s->done = true;
	zsim_sample(s);
	return 0;
}
