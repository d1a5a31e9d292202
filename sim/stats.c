/*
 * stats.c - what the models record as they run: events.jsonl lines, the
 * latency histograms and the intervals behind the PSI figures.  A leaf: it calls no other part of the simulation, so
 * mm.c, swap.c and fs.c can record without depending on the engine or on
 * results.c.
 */
#include "sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- histogram of latencies: log2 buckets with 8 linear sub-buckets -------------- */

/*
 * Bucket b holds the values [lo, lo + width): below 8 one value each; above,
 * the octave [2^lg, 2^(lg+1)) cut into 8 sub-buckets of width 2^(lg-3).
 */
static void bucket_range(unsigned b, uint64_t *lo, uint64_t *width)
{
	if (b < 8) {
		*lo = b;
		*width = 1;
		return;
	}
	unsigned lg = b / 8 + 2, sub = b % 8;
	*lo = (8ull + sub) << (lg - 3);
	*width = 1ull << (lg - 3);
}

void zsim_hist_add(struct zsim_histogram *h, uint64_t v)
{
	unsigned b;
	if (v < 8) {
		b = (unsigned)v;
	} else {
		unsigned lg = 63 - (unsigned)__builtin_clzll(v);
		unsigned sub = (unsigned)(v >> (lg - 3)) & 7;
		b = (lg - 2) * 8 + sub;
	}
	if (b >= ZSIM_ARRAY_SIZE(h->bucket))
		b = ZSIM_ARRAY_SIZE(h->bucket) - 1;
	h->bucket[b]++;
	if (!h->count || v < h->min)
		h->min = v;
	if (!h->count || v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
}

/*
 * The q-quantile: the value below which q of the count lies, the values of
 * a bucket taken as spread evenly over its width (the upper edge of the
 * bucket overstated it by up to 12.5%).  Then kept within [min, max], so a
 * histogram of one repeated value gives that value.
 */
uint64_t zsim_hist_quantile(const struct zsim_histogram *h, double q)
{
	if (!h->count)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	double target = q * (double)h->count;
	uint64_t seen = 0;
	double v = (double)h->max;
	for (unsigned b = 0; b < ZSIM_ARRAY_SIZE(h->bucket); b++) {
		if (!h->bucket[b])
			continue;
		if ((double)(seen + h->bucket[b]) >= target) {
			uint64_t lo, width;
			bucket_range(b, &lo, &width);
			double frac = (target - (double)seen) / (double)h->bucket[b];
			v = width == 1 ? (double)lo : (double)lo + frac * (double)width;
			break;
		}
		seen += h->bucket[b];
	}
	if (v < (double)h->min)
		v = (double)h->min;
	if (v > (double)h->max)
		v = (double)h->max;
	return (uint64_t)(v + 0.5);
}

/* ---- pressure stall information --------------------------------------------------- */

/*
 * What the kernel does (kernel/sched/psi.c).  A task is in a memory stall
 * while it reclaims directly, while kswapd reclaims, and while it waits for a
 * refaulting (workingset) page to be read; it is non-idle while it runs, is
 * runnable or is stalled.  "some" is the time at least one non-idle task is
 * stalled; "full" the time all non-idle tasks are stalled at once (no task
 * doing productive work).  Every 2 s (PSI_FREQ) the share of the last period
 * spent in each state goes into three running averages decayed with
 * e^(-2/10), e^(-2/60) and e^(-2/300) (avg10, avg60, avg300, in percent), and
 * "total" is the stall time in microseconds.
 *
 * What the model keeps and drops.  Stalls are a process's direct reclaim (the
 * end of its CPU work in a turn) and its fault waits (swap-ins and file reads
 * alike, where the kernel counts only refaults of workingset pages, and not
 * kswapd's own time); non-idle is a process's turn from its start to the end
 * of its CPU work or its fault wait, whichever is later.  The machine is one
 * group of tasks: the kernel computes the states per CPU and averages them by
 * non-idle time, which agrees with this on one CPU and may report less "full"
 * on several.  The averages are updated at exact 2 s periods from time 0.
 */
#define PSI_PERIOD_NS 2000000000ull

static void psi_push(struct zsim_psi *psi, uint64_t t, int dn, int ds)
{
	if (psi->nr_ev == psi->cap_ev) {
		psi->cap_ev = psi->cap_ev ? psi->cap_ev * 2 : 4096;
		psi->ev = zsim_xrealloc(psi->ev, psi->cap_ev * sizeof(*psi->ev));
	}
	psi->ev[psi->nr_ev++] = (struct zsim_psi_ev){ t, dn, ds };
}

void zsim_psi_turn(struct zsim_sim *s, uint32_t i, uint64_t t0, uint64_t cpu_end, uint64_t wait_until,
		   uint64_t stall)
{
	struct zsim_psi *psi = &s->out.psi;
	uint64_t end = wait_until > cpu_end ? wait_until : cpu_end;
	if (end <= t0)
		return;
	if (i >= psi->nr_open) {
		uint32_t n = i + 1 > psi->nr_open * 2 ? i + 1 : psi->nr_open * 2;
		psi->open_a = zsim_xrealloc(psi->open_a, n * sizeof(*psi->open_a));
		psi->open_b = zsim_xrealloc(psi->open_b, n * sizeof(*psi->open_b));
		for (uint32_t k = psi->nr_open; k < n; k++)
			psi->open_a[k] = psi->open_b[k] = 0;
		psi->nr_open = n;
	}
	/* non-idle: extend the process's open interval if this turn continues it */
	if (psi->open_b[i] > psi->open_a[i] && psi->open_b[i] >= t0) {
		if (end > psi->open_b[i])
			psi->open_b[i] = end;
	} else {
		if (psi->open_b[i] > psi->open_a[i]) {
			psi_push(psi, psi->open_a[i], 1, 0);
			psi_push(psi, psi->open_b[i], -1, 0);
		}
		psi->open_a[i] = t0;
		psi->open_b[i] = end;
	}
	/* stalled: the reclaim at the end of the CPU work, then the fault wait */
	uint64_t a = stall && cpu_end - t0 >= stall ? cpu_end - stall : cpu_end;
	uint64_t b = wait_until > cpu_end ? wait_until : cpu_end;
	if (b > a) {
		psi_push(psi, a, 0, 1);
		psi_push(psi, b, 0, -1);
	}
}

static int psi_cmp(const void *x, const void *y)
{
	const struct zsim_psi_ev *a = x, *b = y;
	return a->t < b->t ? -1 : a->t > b->t;
}

void zsim_psi_compute(struct zsim_psi *psi, uint64_t end, struct zsim_psi_result *r)
{
	static const double horizon_s[3] = { 10, 60, 300 };
	double decay[3];
	for (int k = 0; k < 3; k++)
		decay[k] = exp(-(double)PSI_PERIOD_NS / 1e9 / horizon_s[k]);
	memset(r, 0, sizeof(*r));
	/* close the open non-idle intervals */
	for (uint32_t i = 0; i < psi->nr_open; i++)
		if (psi->open_b[i] > psi->open_a[i]) {
			psi_push(psi, psi->open_a[i], 1, 0);
			psi_push(psi, psi->open_b[i], -1, 0);
			psi->open_a[i] = psi->open_b[i] = 0;
		}
	if (psi->nr_ev)
		qsort(psi->ev, psi->nr_ev, sizeof(*psi->ev), psi_cmp);
	int64_t nonidle = 0, stalled = 0;
	uint64_t t = 0, period_end = PSI_PERIOD_NS, some_p = 0, full_p = 0;
	uint64_t k = 0;
	for (;;) {
		uint64_t next = k < psi->nr_ev ? psi->ev[k].t : end;
		if (next > end)
			next = end;
		/* the state (nonidle, stalled) holds over [t, next), cut at period ends */
		while (t < next) {
			uint64_t upto = next < period_end ? next : period_end;
			if (stalled > 0) {
				some_p += upto - t;
				r->some_total_ns += upto - t;
				if (stalled >= nonidle) {
					full_p += upto - t;
					r->full_total_ns += upto - t;
				}
			}
			t = upto;
			if (t == period_end) {
				for (int j = 0; j < 3; j++) {
					r->some_avg[j] = r->some_avg[j] * decay[j] +
							 100.0 * (double)some_p / (double)PSI_PERIOD_NS * (1 - decay[j]);
					r->full_avg[j] = r->full_avg[j] * decay[j] +
							 100.0 * (double)full_p / (double)PSI_PERIOD_NS * (1 - decay[j]);
				}
				if (r->some_avg[0] > r->some_avg10_max)
					r->some_avg10_max = r->some_avg[0];
				if (r->full_avg[0] > r->full_avg10_max)
					r->full_avg10_max = r->full_avg[0];
				some_p = full_p = 0;
				period_end += PSI_PERIOD_NS;
			}
		}
		if (k >= psi->nr_ev || psi->ev[k].t >= end)
			break;
		for (; k < psi->nr_ev && psi->ev[k].t == next; k++) {
			nonidle += psi->ev[k].dnonidle;
			stalled += psi->ev[k].dstall;
		}
	}
}

void zsim_psi_free(struct zsim_psi *psi)
{
	free(psi->ev);
	free(psi->open_a);
	free(psi->open_b);
	memset(psi, 0, sizeof(*psi));
}

/* ---- events.jsonl ------------------------------------------------------------------ */

void zsim_sim_event(struct zsim_sim *s, const char *type, const char *fmt, ...)
{
	if (!s->out.events_out)
		return;
	fprintf(s->out.events_out, "{\"time_ns\":%llu,\"type\":\"%s\",", (unsigned long long)s->clk.now, type);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(s->out.events_out, fmt, ap);
	va_end(ap);
	fputs("}\n", s->out.events_out);
}
