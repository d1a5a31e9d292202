/*
 * stats.c - what a trace asks of memory (`zsim trace stat`): event counts,
 * distinct pages, the peak footprint and the LRU stack (reuse) distance of
 * every access; the measures are defined in FORMAT.md "trace stat".
 *
 * The reuse distance is computed with a Fenwick tree over last-access times
 * (O(log n) per access); the time axis is renumbered when it fills, so memory
 * stays proportional to the resident distinct pages.  Pages live in spaces:
 * one per process instance (anonymous pages) and one per file instance, each
 * a page -> entry hash map; a pid or file id created again starts a new space,
 * and exit, unmap, truncate and unlink drop pages from the footprint.
 */
#include "stats.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* page -> entry index, open addressing (val NONE: empty). */
struct pmap {
	uint64_t *key;
	uint32_t *val;
	size_t mask, n;
};

static inline size_t pmap_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	return (size_t)k;
}

static uint32_t pmap_get(const struct pmap *m, uint64_t k)
{
	if (!m->n)
		return NONE;
	for (size_t i = pmap_hash(k) & m->mask;; i = (i + 1) & m->mask) {
		if (m->val[i] == NONE)
			return NONE;
		if (m->key[i] == k)
			return m->val[i];
	}
}

static void pmap_put(struct pmap *m, uint64_t k, uint32_t v)
{
	if ((m->n + 1) * 2 > (m->key ? m->mask + 1 : 0)) {
		size_t cap = m->key ? (m->mask + 1) * 2 : 16;
		uint64_t *nk = zsim_xmalloc(cap * sizeof(*nk));
		uint32_t *nv = zsim_xmalloc(cap * sizeof(*nv));
		memset(nv, 0xff, cap * sizeof(*nv));
		for (size_t i = 0; m->key && i <= m->mask; i++) {
			if (m->val[i] == NONE)
				continue;
			size_t j = pmap_hash(m->key[i]) & (cap - 1);
			while (nv[j] != NONE)
				j = (j + 1) & (cap - 1);
			nk[j] = m->key[i];
			nv[j] = m->val[i];
		}
		free(m->key);
		free(m->val);
		m->key = nk;
		m->val = nv;
		m->mask = cap - 1;
	}
	size_t i = pmap_hash(k) & m->mask;
	while (m->val[i] != NONE)
		i = (i + 1) & m->mask;
	m->key[i] = k;
	m->val[i] = v;
	m->n++;
}

static void pmap_free(struct pmap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* Reuse distances: log-linear histogram, exact below 64, then 16 steps per octave. */
#define RD_EXACT 64
#define RD_SUB   16
#define RD_BUCKETS (RD_EXACT + 58 * RD_SUB)

static unsigned rd_bucket(uint64_t d)
{
	if (d < RD_EXACT)
		return (unsigned)d;
	unsigned e = 63 - (unsigned)__builtin_clzll(d);     /* >= 6 */
	return RD_EXACT + (e - 6) * RD_SUB + (unsigned)((d >> (e - 4)) & (RD_SUB - 1));
}

/* Largest distance in bucket b (so a percentile never understates memory). */
static uint64_t rd_upper(unsigned b)
{
	if (b < RD_EXACT)
		return b;
	unsigned e = (b - RD_EXACT) / RD_SUB + 6, sub = (b - RD_EXACT) % RD_SUB;
	return ((uint64_t)(RD_SUB + sub + 1) << (e - 4)) - 1;
}

struct zsim_trace_stats {
	struct zsim_trace_counts c;
	/* spaces: one per process instance and per file instance */
	struct pmap *spaces;
	uint32_t nr_spaces, cap_spaces;
	struct pmap pid_space, file_space;
	/* entries: the Fenwick time of each distinct page, 0 when not resident */
	uint32_t *etime;
	uint32_t nr_entries, cap_entries;
	/* Fenwick tree over times 1..cap, and who owns each time */
	int32_t *fen;
	uint32_t *owner;
	uint32_t fcap, clock;
	uint64_t live;
	uint64_t hist[RD_BUCKETS];
};

static uint32_t space_new(struct zsim_trace_stats *s)
{
	if (s->nr_spaces == s->cap_spaces) {
		s->cap_spaces = s->cap_spaces ? s->cap_spaces * 2 : 64;
		s->spaces = zsim_xrealloc(s->spaces, s->cap_spaces * sizeof(*s->spaces));
	}
	memset(&s->spaces[s->nr_spaces], 0, sizeof(s->spaces[0]));
	return s->nr_spaces++;
}

static void fen_add(struct zsim_trace_stats *s, uint32_t i, int32_t v)
{
	for (; i <= s->fcap; i += i & -i)
		s->fen[i] += v;
}

static int64_t fen_sum(const struct zsim_trace_stats *s, uint32_t i)
{
	int64_t t = 0;
	for (; i; i -= i & -i)
		t += s->fen[i];
	return t;
}

/* Renumber the resident pages' times 1..live, in order, into a tree with room. */
static void fen_compact(struct zsim_trace_stats *s)
{
	uint32_t ncap = (uint32_t)(s->live * 4 > (1u << 16) ? s->live * 4 : (1u << 16));
	uint32_t *nown = zsim_xmalloc(((size_t)ncap + 1) * sizeof(*nown));
	int32_t *nfen = zsim_xcalloc((size_t)ncap + 1, sizeof(*nfen));
	uint32_t k = 0;
	for (uint32_t t = 1; t <= s->clock; t++) {
		uint32_t e = s->owner[t];
		if (e == NONE)
			continue;
		nown[++k] = e;
		s->etime[e] = k;
		nfen[k] = 1;
	}
	for (uint32_t i = 1; i <= ncap; i++) {   /* linear Fenwick build */
		uint32_t j = i + (i & -i);
		if (j <= ncap)
			nfen[j] += nfen[i];
	}
	free(s->owner);
	free(s->fen);
	s->owner = nown;
	s->fen = nfen;
	s->fcap = ncap;
	s->clock = k;
}

static void page_drop(struct zsim_trace_stats *s, uint32_t e)
{
	uint32_t t = s->etime[e];
	if (!t)
		return;
	fen_add(s, t, -1);
	s->owner[t] = NONE;
	s->etime[e] = 0;
	s->live--;
}

static void page_touch(struct zsim_trace_stats *s, uint32_t space, uint64_t page, bool file)
{
	struct pmap *m = &s->spaces[space];
	uint32_t e = pmap_get(m, page);
	if (e == NONE) {
		if (s->nr_entries == s->cap_entries) {
			s->cap_entries = s->cap_entries ? s->cap_entries * 2 : 1024;
			s->etime = zsim_xrealloc(s->etime, s->cap_entries * sizeof(*s->etime));
		}
		e = s->nr_entries++;
		s->etime[e] = 0;
		pmap_put(m, page, e);
		if (file)
			s->c.file_distinct++;
		else
			s->c.anon_distinct++;
	}
	if (s->clock == s->fcap)
		fen_compact(s);
	uint32_t now = ++s->clock;
	uint32_t t = s->etime[e];
	if (t) {
		uint64_t d = (uint64_t)(fen_sum(s, now - 1) - fen_sum(s, t));
		s->hist[rd_bucket(d)]++;
		if (d > s->c.max_dist)
			s->c.max_dist = d;
		fen_add(s, t, -1);
		s->owner[t] = NONE;
	} else {
		s->c.cold++;
		s->live++;
		if (s->live > s->c.peak) {
			s->c.peak = s->live;
			s->c.peak_event = s->c.events;
			s->c.peak_ns = s->c.cpu_ns;
		}
	}
	fen_add(s, now, 1);
	s->owner[now] = e;
	s->etime[e] = now;
}

/* Drops the pages of a space in [lo, hi). */
static void space_drop(struct zsim_trace_stats *s, uint32_t space, uint64_t lo, uint64_t hi)
{
	struct pmap *m = &s->spaces[space];
	if (!m->n)
		return;
	if (hi - lo < m->n) {
		for (uint64_t p = lo; p < hi; p++) {
			uint32_t e = pmap_get(m, p);
			if (e != NONE)
				page_drop(s, e);
		}
		return;
	}
	for (size_t i = 0; i <= m->mask; i++)
		if (m->val[i] != NONE && m->key[i] >= lo && m->key[i] < hi)
			page_drop(s, m->val[i]);
}

static uint32_t space_of(struct zsim_trace_stats *s, struct pmap *ids, uint32_t id)
{
	uint32_t sp = pmap_get(ids, id);
	if (sp == NONE) {              /* cannot happen on a valid trace; be safe */
		sp = space_new(s);
		pmap_put(ids, id, sp);
	}
	return sp;
}

/* A (re)created id gets a fresh space: pid or file reuse starts empty. */
static void space_rebind(struct zsim_trace_stats *s, struct pmap *ids, uint32_t id)
{
	uint32_t sp = space_new(s);
	for (size_t i = 0; ids->n && i <= ids->mask; i++)
		if (ids->val[i] != NONE && ids->key[i] == id) {
			ids->val[i] = sp;
			return;
		}
	pmap_put(ids, id, sp);
}

static void stat_event(struct zsim_trace_stats *s, const struct zsim_event *ev)
{
	s->c.by_kind[ev->kind]++;
	switch (ev->kind) {
	case ZSIM_EV_PROC_CREATE:
		space_rebind(s, &s->pid_space, ev->pid);
		break;
	case ZSIM_EV_PROC_EXIT:
		space_drop(s, space_of(s, &s->pid_space, ev->pid), 0, UINT64_MAX);
		break;
	case ZSIM_EV_UNMAP: {
		uint64_t hi = ev->page + ev->npages;
		space_drop(s, space_of(s, &s->pid_space, ev->pid), ev->page, hi < ev->page ? UINT64_MAX : hi);
		break;
	}
	case ZSIM_EV_ACCESS:
		if (ev->write) {
			s->c.writes++;
			s->c.content[ev->content.cls]++;
		} else {
			s->c.reads++;
		}
		page_touch(s, space_of(s, &s->pid_space, ev->pid), ev->page, false);
		break;
	case ZSIM_EV_FILE_CREATE:
		space_rebind(s, &s->file_space, ev->file);
		break;
	case ZSIM_EV_FILE_READ:
	case ZSIM_EV_FILE_WRITE:
		if (ev->kind == ZSIM_EV_FILE_WRITE) {
			s->c.fwrites++;
			s->c.content[ev->content.cls]++;
		} else {
			s->c.freads++;
		}
		page_touch(s, space_of(s, &s->file_space, ev->file), ev->page, true);
		break;
	case ZSIM_EV_FILE_TRUNCATE:
		space_drop(s, space_of(s, &s->file_space, ev->file), ev->npages, UINT64_MAX);
		break;
	case ZSIM_EV_FILE_UNLINK:
		space_drop(s, space_of(s, &s->file_space, ev->file), 0, UINT64_MAX);
		break;
	case ZSIM_EV_CPU:
		s->c.cpu_ns += ev->ns;
		break;
	case ZSIM_EV_SLEEP:
		s->c.sleep_ns += ev->ns;
		break;
	}
}

uint64_t zsim_trace_stats_reuse(const struct zsim_trace_stats *s, double q)
{
	uint64_t total = 0;
	for (unsigned b = 0; b < RD_BUCKETS; b++)
		total += s->hist[b];
	if (!total)
		return 0;
	uint64_t want = (uint64_t)(q * (double)total + 0.999999), seen = 0;
	if (want == 0)
		want = 1;
	for (unsigned b = 0; b < RD_BUCKETS; b++) {
		seen += s->hist[b];
		if (seen >= want)
			return rd_upper(b) < s->c.max_dist ? rd_upper(b) : s->c.max_dist;
	}
	return s->c.max_dist;
}

void zsim_trace_stats_free(struct zsim_trace_stats *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nr_spaces; i++)
		pmap_free(&s->spaces[i]);
	free(s->spaces);
	pmap_free(&s->pid_space);
	pmap_free(&s->file_space);
	free(s->etime);
	free(s->fen);
	free(s->owner);
	free(s);
}

struct zsim_trace_stats *zsim_trace_stats_new(void)
{
	struct zsim_trace_stats *s = zsim_xcalloc(1, sizeof(*s));
	fen_compact(s);   /* an empty tree with room */
	return s;
}

void zsim_trace_stats_add(struct zsim_trace_stats *s, const struct zsim_event *ev, uint64_t bytes)
{
	if (ev->kind == ZSIM_EV_ACCESS)
		s->c.access_bytes += bytes;
	stat_event(s, ev);
	s->c.events++;
}

const struct zsim_trace_counts *zsim_trace_stats_counts(const struct zsim_trace_stats *s)
{
	return &s->c;
}
