/*
 * stats.h - trace statistics: what a trace asks of memory (the numbers of
 * `zsim trace stat`, defined in FORMAT.md "trace stat").  Feed the events in
 * order, read the counts and the reuse-distance percentiles, free.
 *
 * Cost: O(log n) per page access (n the resident distinct pages), O(1) for
 * the other events except unmap/exit/truncate/unlink, which visit the pages
 * dropped (or the space's map, whichever is smaller).  Memory is proportional
 * to the distinct pages seen.
 */
#ifndef ZSIM_TRACE_STATS_H
#define ZSIM_TRACE_STATS_H

#include "trace.h"

struct zsim_trace_counts {
	uint64_t events;
	uint64_t by_kind[ZSIM_EV_KIND_MAX];
	uint64_t reads, writes;          /* anonymous/shmem page accesses */
	uint64_t freads, fwrites;        /* file page accesses */
	uint64_t content[ZSIM_CONTENT_NR];  /* writes (anon and file) by content class */
	uint64_t access_bytes;           /* stream bytes of the ACCESS events */
	uint64_t cpu_ns, sleep_ns;       /* sums over processes */
	uint64_t anon_distinct, file_distinct;
	uint64_t peak;                   /* peak footprint, pages */
	uint64_t peak_event, peak_ns;    /* where it was reached: event index, cpu ns so far */
	uint64_t cold;                   /* first touches (no reuse distance) */
	uint64_t max_dist;               /* the largest reuse distance, pages */
};

struct zsim_trace_stats;

struct zsim_trace_stats *zsim_trace_stats_new(void);
/* One event, in trace order; bytes: its size in the event stream (the
 * reader's offset before and after it), counted for accesses. */
void zsim_trace_stats_add(struct zsim_trace_stats *s, const struct zsim_event *ev, uint64_t bytes);
const struct zsim_trace_counts *zsim_trace_stats_counts(const struct zsim_trace_stats *s);
/* The q-quantile (0 < q <= 1) of the reuse distances, in pages: the upper
 * end of its histogram bucket (exact below 64, then 16 steps per octave),
 * capped at the maximum, so it never understates; 0 without reuses. */
uint64_t zsim_trace_stats_reuse(const struct zsim_trace_stats *s, double q);
/* NULL is fine. */
void zsim_trace_stats_free(struct zsim_trace_stats *s);

#endif
