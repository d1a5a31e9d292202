/*
 * reclaim.h - the reclaim policy family: which pages leave RAM first.
 *
 * Members: lru2 (the kernel's active/inactive lists, one pair for anon and one
 * for file pages), clock (one second-chance clock per type), lru (exact LRU,
 * for cross-checks against cache simulators).  Each is one file in policies/
 * exporting one `const struct zsim_reclaim_ops`.
 *
 * Pages are frames of the memory manager (sim/mm.c, interface in sim/sim.h); a policy keeps them on
 * intrusive lists threaded through the frame array (prev/next/list fields),
 * and reads the REFERENCED flag.  The memory manager sets it on page-cache
 * accesses; a mapped page's accesses set the accessed bit in its page-table
 * entry instead (as the hardware does), which a policy folds into REFERENCED
 * with zsim_reclaim_harvest() whenever it looks at the page (page_referenced
 * clearing the accessed bits).  A hit on a mapped page thus costs the
 * simulator one page-table load and no frame access.  The anon/file split of a reclaim pass is the
 * memory manager's business (swappiness); a policy only orders each type.
 */
#ifndef ZSIM_RECLAIM_H
#define ZSIM_RECLAIM_H

#include "../core/zsim.h"

enum { ZSIM_LRU_ANON = 0, ZSIM_LRU_FILE = 1, ZSIM_LRU_TYPES = 2 };

#define ZSIM_FRAME_NONE UINT32_MAX

/* Frame flags the policies may read or write. */
enum {
	ZSIM_PG_REFERENCED = 1u << 0,   /* accessed since the policy last looked */
	ZSIM_PG_ACTIVE     = 1u << 1,   /* on an active list (lru2) */
	ZSIM_PG_REFERENCED2 = 1u << 2,  /* a file page referenced again while REFERENCED
	                                   (mark_page_accessed's second call): activate */
	ZSIM_PG_LOOKED     = 1u << 3,   /* a mapped page reclaim found referenced when it
	                                   last looked (the kernel's PG_referenced on a
	                                   mapped page): referenced again, it is activated */
};

/*
 * A RAM page, in 36 bytes at 4-byte alignment (one per RAM page: the
 * simulator's largest table).  A page number fits 52 bits: virtual pages of
 * a 64-bit address space, file pages below 2^51 (the trace format's bounds).
 */
#define ZSIM_FRAME_WORD_FIELDS \
	uint64_t index : 52;  /* virtual page (anon) or page within the file */ \
	uint64_t pflags : 4;  /* ZSIM_PG_* (policy-visible) */ \
	uint64_t kind : 3;    /* enum zsim_frame_kind (sim/sim.h) */ \
	uint64_t mflags : 5;  /* the memory manager's own flags (ZSIM_MF_*) */

/* A frame's page number and flags as one word (zsim_frame.word). */
union zsim_frame_word {
	struct { ZSIM_FRAME_WORD_FIELDS };
	uint64_t word;
};

struct zsim_frame {
	uint32_t prev, next;  /* list links (policy) */
	uint32_t owner;       /* process (anon) or file (file, shmem) index */
	uint8_t list;         /* which list of the policy holds it; 0xff: none */
	uint8_t swapdev;      /* swap device of `swap` */
	uint8_t cls, param;   /* content class and its parameter */
	uint64_t seed;        /* content seed */
	union {
		struct { ZSIM_FRAME_WORD_FIELDS };
		uint64_t word;    /* the four at once: one store, where setting one would
		                   * load the word first */
	};
	uint32_t swap;        /* swap-cache slot or file block; ZSIM_FRAME_NONE if none */
} __attribute__((packed, aligned(4)));

/* Start loading frame f for writing: both ends, since a 36-byte frame
 * crosses a cache line about every other time (a hint: it changes nothing). */
static inline void zsim_frame_prefetch(const struct zsim_frame *f)
{
	__builtin_prefetch(f, 1);
	__builtin_prefetch((const char *)f + sizeof(*f) - 1, 1);
}

/* What the memory manager lends a policy: test and clear the accessed bits of
 * the page-table entries that map frame f (NULL: pages have none). */
struct zsim_reclaim_env {
	bool (*test_clear_young)(void *ctx, uint32_t f);
	void *ctx;
	/* Optional: start loading the page-table entry of frame f (the one
	 * test_clear_young and eviction will read); pre: fr[f] is cheap to read.
	 * A hint: it changes nothing. */
	void (*prefetch)(void *ctx, uint32_t f);
	/* Optional: is frame f mapped by page tables (an anonymous page)?  Its
	 * REFERENCED flag is then its accessed bits, which the fault that made
	 * it set too: reclaim looks twice before it activates (lru2).  NULL: no
	 * page is. */
	bool (*mapped)(void *ctx, uint32_t f);
	/* Set by the memory manager while it retries a direct reclaim that freed
	 * nothing (the kernel's sc->force_deactivate): policies with an active
	 * list refill the inactive one as if it were low. */
	bool force_deactivate;
	/* Set by the memory manager for a pass that may scan the active list of
	 * a type although its inactive list is not low (the kernel's
	 * may_deactivate after refault activations): policies with an active
	 * list deactivate pages at the active list's share of the scan. */
	bool deactivate[2];
};

struct zsim_reclaim_ops {
	const char *name;
	size_t priv_size;
	/* Set up over the frame array (nr frames); env may be NULL. */
	int (*init)(void *priv, struct zsim_frame *frames, uint32_t nr, const struct zsim_reclaim_env *env);
	void (*destroy)(void *priv);
	/* A page enters the policy's lists (type ZSIM_LRU_ANON or _FILE); `active`:
	 * start on the active list where the policy has one (anon pages before 5.9). */
	void (*add)(void *priv, uint32_t f, int type, bool active);
	/* A page leaves (freed, unmapped, killed): pre: it is on the lists. */
	void (*del)(void *priv, uint32_t f);
	/* Optional: every page leaves at once (the process that holds all the
	 * lists' pages exits): the lists as del() of each would leave them.  The
	 * memory manager marks each frame off the lists (zsim_flist_forget);
	 * nothing reads a free frame's links.  NULL: del() page by page. */
	void (*clear)(void *priv);
	/* Optional: called on every access (an exact LRU moves the page). NULL: the
	 * REFERENCED flag the memory manager sets is all the policy sees. */
	void (*touch)(void *priv, uint32_t f);
	/* Optional: start loading what touch(f) or del(f) will write besides
	 * frame f itself (list neighbours), a little ahead of it; pre: frame f
	 * was prefetched a little earlier.  A hint: it changes nothing. */
	void (*prefetch)(const void *priv, uint32_t f);
	/*
	 * Pick up to `nr` victims of `type`, looking at no more than `scan` pages.
	 * Victims are taken off the lists and written to out; pages given a second
	 * chance stay (their count is added to *rotated).  Returns the victims.
	 */
	size_t (*isolate)(void *priv, int type, size_t scan, uint32_t *out, size_t nr, uint64_t *rotated);
	/* A victim that could not be evicted goes back (activate: as if referenced). */
	void (*putback)(void *priv, uint32_t f, int type, bool activate);
	/* A page reclaim wrote out has finished its write (end_page_writeback on
	 * a PG_reclaim page, folio_rotate_reclaimable): it moves to the tail of
	 * its type's inactive list, where reclaim looks next, its REFERENCED
	 * flags left as they are.  A page on an active list moves too (made
	 * inactive) when `from_active`, else stays.  Pre: it is on the lists. */
	void (*rotate)(void *priv, uint32_t f, bool from_active);
	/* Pages of a type on the lists. */
	uint64_t (*size)(const void *priv, int type);
	/* Optional: pages of a type on its active list.  NULL: the policy has no
	 * active list (and no refault activation, sim/workingset.c). */
	uint64_t (*active_size)(const void *priv, int type);
	/* Optional (with active_size): move page f, on an inactive list, to the
	 * head of its type's active list, its REFERENCED flags cleared. */
	void (*activate)(void *priv, uint32_t f);
	/* Optional: the list movements the kernel counts in /proc/vmstat, so far:
	 * out[0] pgactivate (pages reclaim's scan activated or put back active;
	 * not refault activations, which the kernel counts apart), out[1]
	 * pgdeactivate and out[2] pgrefill (pages taken off an active list, and
	 * scanned there: shrink_active_list).  NULL: all 0 (no active list). */
	void (*counts)(const void *priv, uint64_t out[3]);
	/* Optional: is the type's inactive list low (inactive_is_low)?  NULL: never. */
	bool (*inactive_low)(const void *priv, int type);
	/* Verify the lists; 0 or ZSIM_ECORRUPT with a message. */
	int (*check)(const void *priv, char *msg, size_t len);
};

const struct zsim_reclaim_ops *zsim_reclaim_find(const char *name);
void zsim_reclaim_names(char *buf, size_t len);

extern const struct zsim_reclaim_ops zsim_reclaim_lru2;
extern const struct zsim_reclaim_ops zsim_reclaim_clock;
extern const struct zsim_reclaim_ops zsim_reclaim_lru;

/* Intrusive list helpers shared by the members (list heads are frame indices). */
struct zsim_flist {
	uint32_t head, tail;   /* head = most recently added */
	uint64_t len;
};

static inline void zsim_flist_init(struct zsim_flist *l)
{
	l->head = l->tail = ZSIM_FRAME_NONE;
	l->len = 0;
}

static inline void zsim_flist_push(struct zsim_frame *fr, struct zsim_flist *l, uint32_t f, uint8_t id)
{
	fr[f].prev = ZSIM_FRAME_NONE;
	fr[f].next = l->head;
	if (l->head != ZSIM_FRAME_NONE)
		fr[l->head].prev = f;
	else
		l->tail = f;
	l->head = f;
	fr[f].list = id;
	l->len++;
}

/* f is on no list (its list emptied whole by zsim_flist_init): as del()
 * leaves it, but with no neighbour to unlink. */
static inline void zsim_flist_forget(struct zsim_frame *fr, uint32_t f)
{
	fr[f].list = 0xff;
}

/* The other end: f becomes the tail, the next page reclaim takes. */
static inline void zsim_flist_push_tail(struct zsim_frame *fr, struct zsim_flist *l, uint32_t f, uint8_t id)
{
	fr[f].next = ZSIM_FRAME_NONE;
	fr[f].prev = l->tail;
	if (l->tail != ZSIM_FRAME_NONE)
		fr[l->tail].next = f;
	else
		l->head = f;
	l->tail = f;
	fr[f].list = id;
	l->len++;
}

static inline void zsim_flist_del(struct zsim_frame *fr, struct zsim_flist *l, uint32_t f)
{
	uint32_t p = fr[f].prev, n = fr[f].next;
	if (p != ZSIM_FRAME_NONE) fr[p].next = n; else l->head = n;
	if (n != ZSIM_FRAME_NONE) fr[n].prev = p; else l->tail = p;
	fr[f].list = 0xff;
	l->len--;
}

/* f leaves list `from` and becomes the tail of `to` (list id `id`): a
 * rotation to where reclaim looks next. */
static inline void zsim_flist_move_tail(struct zsim_frame *fr, struct zsim_flist *from, struct zsim_flist *to,
					uint32_t f, uint8_t id)
{
	zsim_flist_del(fr, from, f);
	zsim_flist_push_tail(fr, to, f, id);
}

/*
 * Reclaim takes pages from a list's tail, each a cache miss on a large RAM:
 * after taking one, start loading the frame after the new tail and the new
 * tail's page-table entry (its frame was started by the previous call), so
 * the next scan step finds both in the cache.  A hint: it changes nothing.
 */
static inline void zsim_flist_prefetch_tail(const struct zsim_reclaim_env *env, const struct zsim_frame *fr,
					    const struct zsim_flist *l)
{
	uint32_t t = l->tail;
	if (t == ZSIM_FRAME_NONE)
		return;
	uint32_t u = fr[t].prev;
	if (u != ZSIM_FRAME_NONE)
		zsim_frame_prefetch(&fr[u]);
	if (env && env->prefetch)
		env->prefetch(env->ctx, t);
}

/* The list neighbours of f, which unlinking it writes: start loading them
 * (the policies' prefetch). */
static inline void zsim_flist_prefetch_links(const struct zsim_frame *fr, uint32_t f)
{
	uint32_t a = fr[f].prev, b = fr[f].next;
	if (a != ZSIM_FRAME_NONE)
		zsim_frame_prefetch(&fr[a]);
	if (b != ZSIM_FRAME_NONE)
		zsim_frame_prefetch(&fr[b]);
}

/* Fold frame f's accessed bits into its REFERENCED flag (clearing them). */
static inline void zsim_reclaim_harvest(const struct zsim_reclaim_env *env, struct zsim_frame *fr, uint32_t f)
{
	if (env && env->test_clear_young && env->test_clear_young(env->ctx, f))
		fr[f].pflags |= ZSIM_PG_REFERENCED;
}

/* Walk a list and check links and length; 0 or ZSIM_ECORRUPT. */
int zsim_flist_check(const struct zsim_frame *fr, const struct zsim_flist *l, uint8_t id,
		     const char *what, char *msg, size_t len);

#endif
