/*
 * test_engine.c - the engine's timers (sim/engine.c): handlers run in (time,
 * insertion) order, re-arm with the delay they return, stop on
 * ZSIM_TIMER_DONE; timers added before the run start in the order added; a
 * kicked timer runs at the kick's time; a background timer is not re-armed
 * once no work is left, while a KEEPS_RUNNING one keeps the run going.
 *
 * A run here has no traces and no processes: only timers.  The sim is zeroed,
 * not initialised (no RAM, no devices), which the timer API does not need.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"

#define MAX_LOG 64

struct job {
	char name;
	uint64_t delay;            /* what the handler answers */
	unsigned runs, max_runs;   /* DONE after max_runs runs */
	unsigned kick_id;          /* kick this timer ... */
	uint64_t kick_after;       /* ... this long after the first run (0: no kick) */
};

static struct {
	char name[MAX_LOG];
	uint64_t time[MAX_LOG];
	unsigned n;
} logbook;

static uint64_t job_run(struct zsim_sim *s, void *ctx)
{
	struct job *j = ctx;
	ck_assert_uint_lt(logbook.n, MAX_LOG);
	logbook.name[logbook.n] = j->name;
	logbook.time[logbook.n++] = s->clk.now;
	if (j->kick_after && j->runs == 0)
		zsim_timer_kick(s, j->kick_id, s->clk.now + j->kick_after);
	j->runs++;
	return j->runs >= j->max_runs ? ZSIM_TIMER_DONE : j->delay;
}

static struct zsim_sim *sim_new(void)
{
	struct zsim_sim *s = calloc(1, sizeof(*s));
	ck_assert_ptr_nonnull(s);
	memset(&logbook, 0, sizeof(logbook));
	return s;
}

static void sim_go(struct zsim_sim *s)
{
	char err[256] = "";
	ck_assert_int_eq(zsim_sim_run(s, err, sizeof(err)), 0);
	free(s->clk.evq);
	free(s->clk.timers);
	free(s);
}

/* "A@0 B@5 ..." */
static void expect_log(const char *want)
{
	char got[MAX_LOG * 24] = "";
	size_t off = 0;
	for (unsigned i = 0; i < logbook.n; i++)
		off += (size_t)snprintf(got + off, sizeof(got) - off, "%s%c@%llu", i ? " " : "", logbook.name[i],
					(unsigned long long)logbook.time[i]);
	ck_assert_str_eq(got, want);
}

/* Two timers re-arming with their own delays: (time, insertion) order. */
START_TEST(test_timer_order_and_rearm)
{
	struct zsim_sim *s = sim_new();
	struct job a = { .name = 'A', .delay = 30, .max_runs = 4 };
	struct job b = { .name = 'B', .delay = 20, .max_runs = 4 };
	zsim_timer_add(s, 10, ZSIM_TIMER_KEEPS_RUNNING, job_run, &a);
	zsim_timer_add(s, 0, ZSIM_TIMER_KEEPS_RUNNING, job_run, &b);
	sim_go(s);
	/* A: 10 40 70 100; B: 0 20 40 60.  At 40 both are due: A's run was queued
	 * at 10, B's at 20, so A goes first. */
	expect_log("B@0 A@10 B@20 A@40 B@40 B@60 A@70 A@100");
	ck_assert_uint_eq(a.runs, 4);
	ck_assert_uint_eq(b.runs, 4);
}
END_TEST

/* Equal first times run in the order the timers were added; DONE stops a timer. */
START_TEST(test_timer_ties_and_done)
{
	struct zsim_sim *s = sim_new();
	struct job x = { .name = 'X', .delay = 5, .max_runs = 1 };
	struct job y = { .name = 'Y', .delay = 5, .max_runs = 2 };
	struct job z = { .name = 'Z', .delay = 5, .max_runs = 3 };
	zsim_timer_add(s, 100, ZSIM_TIMER_KEEPS_RUNNING, job_run, &z);
	zsim_timer_add(s, 100, ZSIM_TIMER_KEEPS_RUNNING, job_run, &x);
	zsim_timer_add(s, 100, ZSIM_TIMER_KEEPS_RUNNING, job_run, &y);
	sim_go(s);
	expect_log("Z@100 X@100 Y@100 Z@105 Y@105 Z@110");
	ck_assert_uint_eq(x.runs, 1);
	ck_assert_uint_eq(y.runs, 2);
	ck_assert_uint_eq(z.runs, 3);
}
END_TEST

/* An idle timer runs when kicked, at the kick's time, and is busy from then
 * until its handler says DONE; at equal times the kick, queued during K's run,
 * goes before K's own re-arm, queued after K's handler returned. */
START_TEST(test_timer_kick)
{
	struct zsim_sim *s = sim_new();
	struct job idle = { .name = 'I', .delay = 1, .max_runs = 1 };
	unsigned id = zsim_timer_add(s, ZSIM_TIMER_IDLE, ZSIM_TIMER_KEEPS_RUNNING, job_run, &idle);
	struct job k = { .name = 'K', .delay = 15, .max_runs = 3, .kick_id = id, .kick_after = 15 };
	zsim_timer_add(s, 10, ZSIM_TIMER_KEEPS_RUNNING, job_run, &k);
	ck_assert(!zsim_timer_busy(s, id));
	sim_go(s);
	expect_log("K@10 I@25 K@25 K@40");
	ck_assert_uint_eq(idle.runs, 1);
}
END_TEST

/* A background timer is not re-armed once no work is left (here: none at all),
 * and does not keep the run going; a KEEPS_RUNNING timer does. */
START_TEST(test_timer_background_stops)
{
	struct zsim_sim *s = sim_new();
	struct job bg = { .name = 'S', .delay = 10, .max_runs = 100 };
	struct job fg = { .name = 'F', .delay = 7, .max_runs = 3 };
	zsim_timer_add(s, 0, 0, job_run, &bg);
	zsim_timer_add(s, 0, ZSIM_TIMER_KEEPS_RUNNING, job_run, &fg);
	sim_go(s);
	expect_log("S@0 F@0 F@7 F@14");
	ck_assert_uint_eq(bg.runs, 1);
}
END_TEST

/* A timer added while the run goes is queued at once. */
static struct job late = { .name = 'L', .delay = 1, .max_runs = 1 };
static uint64_t adder(struct zsim_sim *s, void *ctx)
{
	(void)ctx;
	logbook.name[logbook.n] = 'A';
	logbook.time[logbook.n++] = s->clk.now;
	zsim_timer_add(s, s->clk.now + 3, ZSIM_TIMER_KEEPS_RUNNING, job_run, &late);
	return ZSIM_TIMER_DONE;
}

START_TEST(test_timer_added_during_run)
{
	struct zsim_sim *s = sim_new();
	late.runs = 0;
	zsim_timer_add(s, 4, ZSIM_TIMER_KEEPS_RUNNING, adder, NULL);
	sim_go(s);
	expect_log("A@4 L@7");
}
END_TEST

/*
 * The CPUs (zsim_cpu_run, zsim_cpu_run_woken), by hand.  One CPU booked by a
 * process until 1 ms: work queued behind it (kswapd's, a process's) starts at
 * 1 ms.  A task woken from its I/O (zram's writeback) gets on at once and
 * shares the CPU with that process: 100 ns of its CPU take 200 ns, and the
 * process ends 100 ns later.  With kswapd awake as well (its timer queued),
 * three share: 300 ns.  On a free CPU it runs alone.  Four CPUs, all busy,
 * kswapd awake: 1 + 1 + 1/4, 225 ns.
 */
static uint64_t idle_job(struct zsim_sim *s, void *ctx)
{
	(void)s, (void)ctx;
	return ZSIM_TIMER_DONE;
}

START_TEST(test_cpu_run_woken)
{
	struct zsim_sim *s = sim_new();
	uint64_t free_at[4] = { 1000000 };
	s->clk.cpu_free_at = free_at;
	s->cfg.cpus = 1;
	s->mm.kswapd_timer = zsim_timer_add(s, ZSIM_TIMER_IDLE, 0, idle_job, NULL);
	ck_assert_uint_eq(zsim_cpu_run(s, 0, 100), 1000100);
	free_at[0] = 1000000;
	ck_assert_uint_eq(zsim_cpu_run_woken(s, 0, 100), 200);
	ck_assert_uint_eq(free_at[0], 1000100);
	zsim_timer_kick(s, s->mm.kswapd_timer, 0);   /* kswapd awake */
	ck_assert_uint_eq(zsim_cpu_run_woken(s, 0, 100), 300);
	ck_assert_uint_eq(free_at[0], 1000200);
	ck_assert_uint_eq(zsim_cpu_run_woken(s, 5000000, 100), 5000000 + 100 + 100);   /* kswapd only */
	ck_assert_uint_eq(free_at[0], 5000100);
	s->cfg.cpus = 4;
	free_at[0] = free_at[1] = free_at[2] = free_at[3] = 9000000;
	ck_assert_uint_eq(zsim_cpu_run_woken(s, 8000000, 100), 8000225);
	ck_assert_uint_eq(free_at[0], 9000100);
	free(s->clk.evq);
	free(s->clk.timers);
	free(s);
}
END_TEST

Suite *suite_engine(void);
Suite *suite_engine(void)
{
	Suite *su = suite_create("engine");
	TCase *tc = tcase_create("timers");
	tcase_add_test(tc, test_timer_order_and_rearm);
	tcase_add_test(tc, test_timer_ties_and_done);
	tcase_add_test(tc, test_timer_kick);
	tcase_add_test(tc, test_timer_background_stops);
	tcase_add_test(tc, test_timer_added_during_run);
	tcase_add_test(tc, test_cpu_run_woken);
	suite_add_tcase(su, tc);
	return su;
}
