/*
 * stats.c - what the models record as they run: events.jsonl lines and the
 * latency histograms.  A leaf: it calls no other part of the simulation, so
 * mm.c, swap.c and fs.c can record without depending on the engine or on
 * results.c.
 */
#include "sim.h"

#include <stdarg.h>
#include <stdio.h>

/* ---- histogram of latencies: log2 buckets with 8 linear sub-buckets -------------- */

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
	h->count++;
	h->sum += v;
}

/* The upper edge of the bucket holding quantile q (0..1); 0 if empty. */
uint64_t zsim_hist_quantile(const struct zsim_histogram *h, double q)
{
	if (!h->count)
		return 0;
	uint64_t rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	uint64_t seen = 0;
	for (unsigned b = 0; b < ZSIM_ARRAY_SIZE(h->bucket); b++) {
		seen += h->bucket[b];
		if (seen > rank) {
			if (b < 8)
				return b;
			unsigned lg = b / 8 + 2, sub = b % 8;
			return ((8ull + sub + 1) << (lg - 3)) - 1;
		}
	}
	return UINT64_MAX;
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
