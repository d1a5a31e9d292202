/*
 * z3fold.c - model of the kernel's z3fold allocator (mm/z3fold.c, v4.8 .. v6.14).
 *
 * What the kernel does.  z3fold is zbud with a third buddy.  A page is cut
 * into 64 chunks of 64 B; the header takes the first ZHDR_CHUNKS of them
 * (sizeof(struct z3fold_header) rounded up to a chunk: 1 chunk in the first
 * versions, 2 chunks = 128 B once the header grew a lock, kref, work_struct
 * and slot pointer - the profile says which, kp->z3fold_header_chunks), so
 * NCHUNKS = 64 - ZHDR_CHUNKS chunks hold data.  FIRST starts right after the
 * header, LAST is packed against the end of the page, MIDDLE starts at
 * start_middle = first_chunks + ZHDR_CHUNKS when it is placed.  A page is on
 * unbuddied[i] while any slot is empty, i = its free chunks: with a middle,
 * the larger of the gap before it (only if FIRST is empty) and the gap after
 * it (only if LAST is empty); without one, NCHUNKS - first - last.  Pages are
 * put on lists with list_add (at the head) and taken from the head.
 *
 * z3fold_alloc(size): 0 -> -EINVAL; > PAGE_SIZE -> -ENOSPC; > PAGE_SIZE -
 * header - one chunk (3904 B with a 128 B header, 3968 B with 64 B) -> a
 * *headless* page that holds that one object alone; otherwise first fit over
 * unbuddied[chunks .. NCHUNKS-1], slot chosen as get_free_buddy() does
 * (with a middle: FIRST if empty and the gap before the middle is big enough,
 * else LAST if empty; without: FIRST, else LAST, else MIDDLE), or a new page
 * with the object as FIRST.
 *
 * z3fold_free(): clears the slot; frees the page when it is empty; otherwise
 * marks it NEEDS_COMPACTING and runs do_compact_page() (at once when the page
 * was on no list, else from a per-CPU work item), which (1) if the page holds
 * a single object whose handle is its own (no "foreign" handles) and an
 * existing unbuddied page can take it, moves that object there and frees the
 * page (compact_single_buddy, no new page is ever taken for it); else (2)
 * compacts the layout in place: a lone middle moves to FIRST; a middle with
 * FIRST only slides down to it, with LAST only slides up to it, each only if
 * that gains >= BIG_CHUNK_GAP (3) chunks; then the page is filed again.
 *
 * Versions: we follow the 2-chunk-header kernels from about 5.11 to 6.14
 * (get_free_buddy, the one slot rule that never overlaps a middle object; the
 * 4.19/5.4 rule "FIRST unless chunks >= start_middle" can overlap the middle
 * by a chunk when the header is 2 chunks, so a page-exact model cannot use
 * it) and the inter-page move of a lone buddy, which 4.19 and 5.4 lack (they
 * only compact in place).  The profile's z3fold_single_move says which
 * (off for 4.19 and 5.4, on for 6.x).  The header size comes from the profile.
 *
 * Single CPU: the kernel keeps one set of unbuddied lists per CPU, searches
 * its own first-fit and then other CPUs' lists for an exact size.  The model
 * has one CPU, so the lists collapse to one set; and the deferred compaction
 * work runs synchronously inside free (it would skip NEEDS_COMPACTING pages
 * meanwhile; we drop that window).  Kept for zswap's writeback before 6.5:
 * the page LRU that z3fold_reclaim_page() walks (a page moves to the head when
 * an object is allocated in it; lru_tail gives the tail page's objects and
 * zswap evicts and frees them; a lone buddy left while they are freed may move
 * to another page, which the kernel's claimed page would not allow).  Also
 * dropped: the bytes, locks, map/unmap,
 * page migration, and the stale-page list (a released page's frame goes back
 * at once; the kernel may reuse it for its next page, same count either way).
 * There is no pool-level compaction in z3fold's zpool driver: compact = NULL.
 *
 * Representation: compact page and object arrays in priv, linked by 32-bit
 * indices, handle = object index + 1.  Each unbuddied list is a stack of
 * (page, stamp) entries with lazy deletion (as in zbud.c): pushing is
 * list_add, taking the head pops until an entry is current, unlinking only
 * clears the page's tag; stale entries are purged once they outnumber the
 * live ones.  A 64-bit bitmap of non-empty lists makes first fit one
 * count-trailing-zeros.  malloc and free are O(1) amortised.  Available in the profiles that set
 * kp->has_z3fold (4.8 .. 6.14).
 */
#include "allocator.h"
#include "stacklists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Z3_CHUNK_SHIFT   6                                /* NCHUNKS_ORDER 6 */
#define Z3_CHUNK_SIZE    (1u << Z3_CHUNK_SHIFT)           /* 64 B */
#define Z3_TOTAL_CHUNKS  (ZSIM_PAGE_SIZE >> Z3_CHUNK_SHIFT) /* 64 */
#define Z3_BIG_CHUNK_GAP 3   /* in-page move only when it gains this many chunks */
#define Z3_MAX_HDR_CHUNKS 8  /* sanity bound on the profile's header size */

#define NIL     UINT32_MAX
#define L_NONE  ZSIM_BL_NONE /* on no list: full (3 objects), headless, or free slot */

enum { FIRST = 0, MIDDLE = 1, LAST = 2, HEADLESS = 3, NO_BUD = 0xff };

struct z3page {
	uint32_t obj[3];        /* object index + 1 per slot, 0 if empty; obj[0]: next free slot */
	uint32_t stamp;         /* stamp of its current list entry */
	uint32_t lru_prev, lru_next; /* the page LRU (NIL ends); see z3fold_lru_tail */
	uint8_t chunks[3];      /* first, middle, last chunks; 0 if empty */
	uint8_t start_middle;   /* chunk where MIDDLE starts (valid if middle) */
	uint8_t list;           /* unbuddied index or L_NONE */
	uint8_t foreign;        /* objects moved here from another page */
	uint8_t headless;       /* one object, whole page, no header */
	uint8_t live;
};


struct z3obj {
	uint32_t page;          /* page index; next free object when free */
	uint8_t bud;            /* FIRST/MIDDLE/LAST/HEADLESS; NO_BUD when free */
	uint8_t chunks;         /* size in chunks; Z3_TOTAL_CHUNKS for headless */
	uint8_t foreign;        /* moved here by compact_single_buddy */
};

struct z3fold {
	const struct zsim_frame_source *frames;
	unsigned hdr;           /* ZHDR_CHUNKS */
	unsigned nchunks;       /* NCHUNKS = 64 - hdr: lists 0 .. nchunks-1 */
	unsigned max_chunks;    /* largest headed object: nchunks - 1 */
	size_t headless_from;   /* sizes above PAGE_SIZE - header - chunk go headless */
	bool single_move;       /* model compact_single_buddy (inter-page move) */
	struct z3page *pages;
	uint32_t npages_cap, npages_used, page_free;
	struct z3obj *objs;
	uint32_t nobjs_cap, nobjs_used, obj_free;
	struct zsim_blists bl;  /* unbuddied[i] (stacklists.h) */
	uint64_t pages_nr, nheadless, nobj, nmoved;
	uint32_t lru_head, lru_tail;  /* the page LRU, most recently allocated into first */
	uint64_t objs_by_chunks[Z3_TOTAL_CHUNKS + 1];  /* [64] = headless */
	uint64_t pages_by_chunks[Z3_TOTAL_CHUNKS + 1];
};

/* ---- lists (list_add at the head, taken from the head) ---- */

/* Where the pages keep their list tags (stacklists.h). */
static inline struct zsim_ltags tags(const struct z3fold *z)
{
	return (struct zsim_ltags){ (char *)z->pages, sizeof(struct z3page),
				    offsetof(struct z3page, list), offsetof(struct z3page, stamp) };
}

/* list_add.  O(1) amortised. */
static inline void list_push(struct z3fold *z, uint32_t pi, unsigned l)
{
	zsim_bl_push(&z->bl, tags(z), pi, l);
}

/* list_del: only the page's tag changes; its entry goes stale.  O(1). */
static inline void list_unlink(struct z3fold *z, uint32_t pi)
{
	if (z->pages[pi].list != L_NONE)
		zsim_bl_unlink(&z->bl, tags(z), pi);
}

/* num_free_chunks(); pre: headed page. */
static inline unsigned free_chunks(const struct z3fold *z, const struct z3page *p)
{
	if (p->chunks[MIDDLE]) {
		unsigned before = p->chunks[FIRST] ? 0 : p->start_middle - z->hdr;
		unsigned after = p->chunks[LAST] ? 0 :
			Z3_TOTAL_CHUNKS - (p->start_middle + p->chunks[MIDDLE]);
		return before > after ? before : after;
	}
	return z->nchunks - p->chunks[FIRST] - p->chunks[LAST];
}

/* add_to_unbuddied(): filed only while some slot is empty. */
static inline void file_page(struct z3fold *z, uint32_t pi)
{
	struct z3page *p = &z->pages[pi];
	if (!p->chunks[FIRST] || !p->chunks[MIDDLE] || !p->chunks[LAST])
		list_push(z, pi, free_chunks(z, p));
}

/* get_free_buddy(): NO_BUD if nothing fits (never for a page found by first fit). */
static inline int free_buddy(const struct z3fold *z, const struct z3page *p, unsigned chunks)
{
	if (p->chunks[MIDDLE]) {
		if (!p->chunks[FIRST] && chunks <= (unsigned)p->start_middle - z->hdr)
			return FIRST;
		return p->chunks[LAST] ? NO_BUD : LAST;
	}
	if (!p->chunks[FIRST])
		return FIRST;
	if (!p->chunks[LAST])
		return LAST;
	return MIDDLE;
}

/* First fit over unbuddied[chunks ..]: the page taken off its list, or NIL. */
static inline uint32_t take_fit(struct z3fold *z, unsigned chunks)
{
	return zsim_bl_take_fit(&z->bl, tags(z), chunks);
}

/* ---- slots ---- */

static inline bool page_has_chunks(const struct z3page *p, unsigned c)
{
	return p->chunks[FIRST] == c || p->chunks[MIDDLE] == c || p->chunks[LAST] == c;
}

static inline void place(struct z3fold *z, uint32_t pi, int bud, uint32_t oi)
{
	struct z3page *p = &z->pages[pi];
	unsigned c = z->objs[oi].chunks;
	if (!page_has_chunks(p, c))
		z->pages_by_chunks[c]++;
	p->chunks[bud] = (uint8_t)c;
	p->obj[bud] = oi + 1;
	if (bud == MIDDLE)
		p->start_middle = (uint8_t)(p->chunks[FIRST] + z->hdr);
	z->objs[oi].page = pi;
	z->objs[oi].bud = (uint8_t)bud;
}

static inline void unplace(struct z3fold *z, uint32_t pi, int bud)
{
	struct z3page *p = &z->pages[pi];
	unsigned c = p->chunks[bud];
	p->chunks[bud] = 0;
	p->obj[bud] = 0;
	if (bud == MIDDLE)
		p->start_middle = 0;
	if (!page_has_chunks(p, c))
		z->pages_by_chunks[c]--;
}

/* ---- the page LRU (z3fold_reclaim_page's pool->lru) ---- */

static inline void lru_unlink(struct z3fold *z, uint32_t pi)
{
	struct z3page *p = &z->pages[pi];
	if (p->lru_prev != NIL)
		z->pages[p->lru_prev].lru_next = p->lru_next;
	else
		z->lru_head = p->lru_next;
	if (p->lru_next != NIL)
		z->pages[p->lru_next].lru_prev = p->lru_prev;
	else
		z->lru_tail = p->lru_prev;
	p->lru_prev = p->lru_next = NIL;
}

/* Add at the head; pre: not on the LRU. */
static inline void lru_add(struct z3fold *z, uint32_t pi)
{
	struct z3page *p = &z->pages[pi];
	p->lru_prev = NIL;
	p->lru_next = z->lru_head;
	if (z->lru_head != NIL)
		z->pages[z->lru_head].lru_prev = pi;
	else
		z->lru_tail = pi;
	z->lru_head = pi;
}

/* ---- page and object slots of the model ---- */

static inline uint32_t page_new(struct z3fold *z)
{
	uint32_t pi;
	if (z->page_free != NIL) {
		pi = z->page_free;
		z->page_free = z->pages[pi].obj[0];
	} else {
		if (z->npages_used == z->npages_cap) {
			z->npages_cap = z->npages_cap ? z->npages_cap * 2 : 256;
			z->pages = zsim_xrealloc(z->pages, z->npages_cap * sizeof(*z->pages));
		}
		pi = z->npages_used++;
		z->pages[pi].stamp = 0;
	}
	/* A reused slot keeps its stamp, so entries from its last life stay stale. */
	uint32_t stamp = z->pages[pi].stamp;
	memset(&z->pages[pi], 0, sizeof(z->pages[pi]));
	z->pages[pi].stamp = stamp;
	z->pages[pi].list = L_NONE;
	z->pages[pi].live = 1;
	z->pages[pi].lru_prev = z->pages[pi].lru_next = NIL;
	z->pages_nr++;
	return pi;
}

static inline void page_release(struct z3fold *z, uint32_t pi)
{
	lru_unlink(z, pi);
	struct z3page *p = &z->pages[pi];
	if (p->headless)
		z->nheadless--;
	p->live = 0;
	p->list = L_NONE;
	p->obj[0] = z->page_free;
	z->page_free = pi;
	z->pages_nr--;
	if (z->frames)
		z->frames->put(z->frames->ctx, 1);
}

static inline uint32_t obj_new(struct z3fold *z, unsigned chunks)
{
	uint32_t oi;
	if (z->obj_free != NIL) {
		oi = z->obj_free;
		z->obj_free = z->objs[oi].page;
	} else {
		if (z->nobjs_used == z->nobjs_cap) {
			z->nobjs_cap = z->nobjs_cap ? z->nobjs_cap * 2 : 512;
			z->objs = zsim_xrealloc(z->objs, z->nobjs_cap * sizeof(*z->objs));
		}
		oi = z->nobjs_used++;
	}
	z->objs[oi].chunks = (uint8_t)chunks;
	z->objs[oi].foreign = 0;
	z->objs_by_chunks[chunks]++;
	z->nobj++;
	return oi;
}

static inline void obj_release(struct z3fold *z, uint32_t oi)
{
	struct z3obj *o = &z->objs[oi];
	z->objs_by_chunks[o->chunks]--;
	z->nobj--;
	o->bud = NO_BUD;
	o->page = z->obj_free;
	z->obj_free = oi;
}

/* ---- ops ---- */

static int z3fold_init(void *priv, const struct zsim_alloc_params *prm)
{
	struct z3fold *z = priv;
	const struct zsim_kprofile *kp = prm->kp;
	if (!kp->has_z3fold)
		return ZSIM_ENOTSUP;
	if (kp->z3fold_header_chunks < 1 || kp->z3fold_header_chunks > Z3_MAX_HDR_CHUNKS)
		return ZSIM_EINVAL;
	z->frames = prm->frames;
	z->bl.n = Z3_TOTAL_CHUNKS;
	z->hdr = kp->z3fold_header_chunks;
	z->nchunks = Z3_TOTAL_CHUNKS - z->hdr;
	z->max_chunks = z->nchunks - 1;
	z->headless_from = ZSIM_PAGE_SIZE - z->hdr * Z3_CHUNK_SIZE - Z3_CHUNK_SIZE + 1;
	z->single_move = kp->z3fold_single_move;
	z->page_free = z->obj_free = NIL;
	z->lru_head = z->lru_tail = NIL;
	return 0;
}

/* Frees the model's arrays; frames still held are the owner's to account (allocator.h). */
static void z3fold_destroy(void *priv)
{
	struct z3fold *z = priv;
	zsim_bl_free(&z->bl);
	free(z->pages);
	free(z->objs);
	memset(z, 0, sizeof(*z));
}

/*
 * z3fold_alloc(): EINVAL for 0, ENOSPC above 4096 B, ENOMEM (nothing changed)
 * when a new page is needed and the frame source refuses.  O(1) amortised.
 */
static int z3fold_malloc(void *priv, size_t size, zsim_handle *out)
{
	struct z3fold *z = priv;
	if (size == 0)
		return ZSIM_EINVAL;
	if (size > ZSIM_PAGE_SIZE)
		return ZSIM_ENOSPC;
	uint32_t pi, oi;
	if (size >= z->headless_from) {
		if (z->frames && z->frames->get(z->frames->ctx, 1) != 0)
			return ZSIM_ENOMEM;
		pi = page_new(z);
		z->pages[pi].headless = 1;
		z->nheadless++;
		oi = obj_new(z, Z3_TOTAL_CHUNKS);
		z->pages[pi].obj[0] = oi + 1;
		z->pages_by_chunks[Z3_TOTAL_CHUNKS]++;
		z->objs[oi].page = pi;
		z->objs[oi].bud = HEADLESS;
		lru_add(z, pi);
		*out = (zsim_handle)oi + 1;
		return 0;
	}
	unsigned chunks = (unsigned)ZSIM_DIV_ROUND_UP(size, Z3_CHUNK_SIZE);
	int bud = FIRST;
	pi = take_fit(z, chunks);
	if (pi != NIL) {
		bud = free_buddy(z, &z->pages[pi], chunks);
		if (bud == NO_BUD)
			abort();   /* unreachable: the list index promised room */
		lru_unlink(z, pi);
	} else {
		if (z->frames && z->frames->get(z->frames->ctx, 1) != 0)
			return ZSIM_ENOMEM;
		pi = page_new(z);
	}
	lru_add(z, pi);   /* z3fold_alloc moves the page to the head of the LRU */
	oi = obj_new(z, chunks);
	place(z, pi, bud, oi);
	file_page(z, pi);
	*out = (zsim_handle)oi + 1;
	return 0;
}

/* z3fold_compact_page(): in-page layout moves of the middle object. */
static void compact_in_page(struct z3fold *z, struct z3page *p)
{
	if (!p->chunks[MIDDLE])
		return;
	if (!p->chunks[FIRST] && !p->chunks[LAST]) {
		uint32_t oi = p->obj[MIDDLE] - 1;
		p->chunks[FIRST] = p->chunks[MIDDLE];
		p->obj[FIRST] = p->obj[MIDDLE];
		p->chunks[MIDDLE] = 0;
		p->obj[MIDDLE] = 0;
		p->start_middle = 0;
		z->objs[oi].bud = FIRST;
		return;
	}
	if (p->chunks[FIRST] && !p->chunks[LAST] &&
	    p->start_middle - (p->chunks[FIRST] + z->hdr) >= Z3_BIG_CHUNK_GAP)
		p->start_middle = (uint8_t)(p->chunks[FIRST] + z->hdr);
	else if (p->chunks[LAST] && !p->chunks[FIRST] &&
		 Z3_TOTAL_CHUNKS - (p->chunks[LAST] + p->start_middle + p->chunks[MIDDLE]) >=
		 Z3_BIG_CHUNK_GAP)
		p->start_middle = (uint8_t)(Z3_TOTAL_CHUNKS - p->chunks[LAST] - p->chunks[MIDDLE]);
}

/* compact_single_buddy(): move the page's only object to an existing page.  True if moved. */
static bool move_single(struct z3fold *z, uint32_t pi)
{
	struct z3page *p = &z->pages[pi];
	int bud = p->chunks[FIRST] ? FIRST : p->chunks[MIDDLE] ? MIDDLE : LAST;
	uint32_t oi = p->obj[bud] - 1;
	uint32_t ti = take_fit(z, p->chunks[bud]);
	if (ti == NIL)
		return false;
	int tbud = free_buddy(z, &z->pages[ti], p->chunks[bud]);
	if (tbud == NO_BUD)
		abort();   /* unreachable, as in malloc */
	unplace(z, pi, bud);
	place(z, ti, tbud, oi);
	z->objs[oi].foreign = 1;
	z->pages[ti].foreign++;
	file_page(z, ti);
	z->nmoved++;
	return true;
}

/* z3fold_free() + do_compact_page(), run at once.  pre: h live.  O(1). */
static void z3fold_free(void *priv, zsim_handle h)
{
	struct z3fold *z = priv;
	uint32_t oi = (uint32_t)(h - 1);
	struct z3obj *o = &z->objs[oi];
	uint32_t pi = o->page;
	struct z3page *p = &z->pages[pi];
	if (o->bud == HEADLESS) {
		z->pages_by_chunks[Z3_TOTAL_CHUNKS]--;
		obj_release(z, oi);
		page_release(z, pi);
		return;
	}
	if (o->foreign)
		p->foreign--;
	list_unlink(z, pi);
	unplace(z, pi, o->bud);
	obj_release(z, oi);
	unsigned n = !!p->chunks[FIRST] + !!p->chunks[MIDDLE] + !!p->chunks[LAST];
	if (n == 0) {
		page_release(z, pi);
		return;
	}
	if (n == 1 && !p->foreign && z->single_move && move_single(z, pi)) {
		page_release(z, pi);
		return;
	}
	compact_in_page(z, p);
	file_page(z, pi);
}

/* The LRU tail page's objects, first, middle, last (or the headless one); the
 * page goes to the head.  O(1). */
static size_t z3fold_lru_tail(void *priv, zsim_handle out[ZSIM_ALLOC_LRU_MAX])
{
	struct z3fold *z = priv;
	uint32_t pi = z->lru_tail;
	size_t n = 0;
	if (pi == NIL)
		return 0;
	const struct z3page *p = &z->pages[pi];
	if (p->headless) {
		out[n++] = p->obj[0];
	} else {
		for (int b = FIRST; b <= LAST; b++)
			if (p->obj[b])
				out[n++] = p->obj[b];
	}
	lru_unlink(z, pi);
	lru_add(z, pi);
	return n;
}

static uint64_t z3fold_total_pages(const void *priv)
{
	return ((const struct z3fold *)priv)->pages_nr;
}

static size_t z3fold_max_size(const void *priv)
{
	(void)priv;
	return ZSIM_PAGE_SIZE;
}

/* From this size an object gets a headless page of its own: 3905 with a 2-chunk header. */
static size_t z3fold_huge_size(const void *priv)
{
	return ((const struct z3fold *)priv)->headless_from;
}

/* Rows 0 .. max_chunks-1: objects of i+1 chunks in headed pages; last row: headless. */
static size_t z3fold_nr_classes(const void *priv)
{
	return ((const struct z3fold *)priv)->max_chunks + 1;
}

/*
 * units = pages = pages holding at least one object of the row's size (a page
 * with several sizes counts in each); objs_allocated = units x 3 (x 1 for the
 * headless row); freeable 0 (no pool compaction).  Fill of the row:
 * objs_used x size / (pages x 4096).
 */
static void z3fold_class_stat(const void *priv, size_t i, struct zsim_alloc_class_stat *st)
{
	const struct z3fold *z = priv;
	memset(st, 0, sizeof(*st));
	if (i > z->max_chunks)
		return;
	unsigned c = i == z->max_chunks ? Z3_TOTAL_CHUNKS : (unsigned)i + 1;
	st->size = c * Z3_CHUNK_SIZE;
	st->pages_per_unit = 1;
	st->objs_per_unit = c == Z3_TOTAL_CHUNKS ? 1 : 3;
	st->objs_used = z->objs_by_chunks[c];
	st->units = st->pages = z->pages_by_chunks[c];
	st->objs_allocated = st->units * st->objs_per_unit;
}

#define FAIL(...) do { snprintf(msg, msglen, "z3fold: " __VA_ARGS__); return ZSIM_ECORRUPT; } while (0)

/* Walks every page, list and object; O(pages + objects). */
static int z3fold_check(const void *priv, char *msg, size_t msglen)
{
	const struct z3fold *z = priv;
	uint64_t live = 0, headless = 0, objs = 0, on_lists = 0, want_lists = 0;
	uint64_t tagged[Z3_TOTAL_CHUNKS] = {0};
	uint64_t by_c[Z3_TOTAL_CHUNKS + 1] = {0}, pg_c[Z3_TOTAL_CHUNKS + 1] = {0};

	/* Lists: current entries name live headed pages filed by their free chunks. */
	for (unsigned l = 0; l < Z3_TOTAL_CHUNKS; l++) {
		const struct zsim_lstack *st = &z->bl.l[l];
		if (l >= z->nchunks) {
			if (st->len || (z->bl.nonempty >> l) & 1)
				FAIL("list %u beyond NCHUNKS %u is used", l, z->nchunks);
			continue;
		}
		if (st->len > st->cap)
			FAIL("unbuddied[%u]: length %u beyond capacity %u", l, st->len, st->cap);
		uint64_t n = 0;
		for (uint32_t i = 0; i < st->len; i++) {
			struct zsim_lent e = st->e[i];
			if (e.page >= z->npages_used)
				FAIL("unbuddied[%u] holds page index %u out of range", l, e.page);
			if (!zsim_bl_live(tags(z), e, l))
				continue;
			const struct z3page *p = &z->pages[e.page];
			if (!p->live || p->headless)
				FAIL("page %u: dead or headless on list %u", e.page, l);
			if (free_chunks(z, p) != l)
				FAIL("page %u has %u free chunks but sits on list %u", e.page,
				     free_chunks(z, p), l);
			n++;
		}
		if (n != st->live)
			FAIL("unbuddied[%u]: %u live recorded, %llu current entries", l, st->live,
			     (unsigned long long)n);
		if (!!n != !!(z->bl.nonempty & (1ull << l)))
			FAIL("bitmap disagrees with unbuddied[%u]", l);
		on_lists += n;
	}

	for (uint32_t pi = 0; pi < z->npages_used; pi++) {
		const struct z3page *p = &z->pages[pi];
		if (!p->live) {
			if (p->list != L_NONE)
				FAIL("free page slot %u is tagged for list %u", pi, p->list);
			continue;
		}
		if (p->list != L_NONE)
			tagged[p->list < Z3_TOTAL_CHUNKS ? p->list : 0]++;
		live++;
		if (p->headless) {
			headless++;
			if (p->list != L_NONE || !p->obj[0] || p->obj[1] || p->obj[2])
				FAIL("headless page %u holds other than one object", pi);
			uint32_t oi = p->obj[0] - 1;
			if (oi >= z->nobjs_used || z->objs[oi].page != pi || z->objs[oi].bud != HEADLESS)
				FAIL("headless page %u: object does not point back", pi);
			objs++;
			by_c[Z3_TOTAL_CHUNKS]++;
			pg_c[Z3_TOTAL_CHUNKS]++;
			continue;
		}
		unsigned f = p->chunks[FIRST], m = p->chunks[MIDDLE], la = p->chunks[LAST];
		unsigned n = !!f + !!m + !!la;
		if (n == 0)
			FAIL("page %u is live but empty", pi);
		if (f > z->max_chunks || m > z->max_chunks || la > z->max_chunks)
			FAIL("page %u: an object exceeds %u chunks", pi, z->max_chunks);
		/* Regions [start, end) in chunks must lie in [hdr, 64) and not overlap. */
		unsigned f_end = z->hdr + f, l_start = Z3_TOTAL_CHUNKS - la;
		if (f_end > l_start)
			FAIL("page %u: first (%u) and last (%u) overlap", pi, f, la);
		if (m) {
			unsigned s = p->start_middle, e = s + m;
			if (s < f_end || e > l_start || e > Z3_TOTAL_CHUNKS)
				FAIL("page %u: middle [%u,%u) overlaps first end %u or last start %u",
				     pi, s, e, f_end, l_start);
		} else if (p->start_middle) {
			FAIL("page %u: start_middle %u without a middle", pi, p->start_middle);
		}
		bool want_list = n < 3;
		want_lists += want_list;
		if (want_list != (p->list != L_NONE))
			FAIL("page %u with %u objects is %son a list", pi, n, want_list ? "not " : "");
		unsigned foreign = 0;
		for (int b = 0; b < 3; b++) {
			if (!p->chunks[b] != !p->obj[b])
				FAIL("page %u slot %d: size and owner disagree", pi, b);
			if (!p->obj[b])
				continue;
			uint32_t oi = p->obj[b] - 1;
			if (oi >= z->nobjs_used || z->objs[oi].page != pi || z->objs[oi].bud != b ||
			    z->objs[oi].chunks != p->chunks[b])
				FAIL("page %u slot %d: object %u does not point back", pi, b, oi);
			foreign += z->objs[oi].foreign;
			objs++;
			by_c[p->chunks[b]]++;
		}
		if (foreign != p->foreign)
			FAIL("page %u: foreign count %u, objects say %u", pi, p->foreign, foreign);
		if (f)
			pg_c[f]++;
		if (m && m != f)
			pg_c[m]++;
		if (la && la != f && la != m)
			pg_c[la]++;
	}
	if (live != z->pages_nr || headless != z->nheadless)
		FAIL("pages_nr %llu / headless %llu, walk found %llu / %llu",
		     (unsigned long long)z->pages_nr, (unsigned long long)z->nheadless,
		     (unsigned long long)live, (unsigned long long)headless);
	if (objs != z->nobj)
		FAIL("object count %llu, pages hold %llu", (unsigned long long)z->nobj,
		     (unsigned long long)objs);
	for (unsigned l = 0; l < Z3_TOTAL_CHUNKS; l++)
		if (tagged[l] != z->bl.l[l].live)
			FAIL("unbuddied[%u]: %llu pages tagged, %u entries current", l,
			     (unsigned long long)tagged[l], z->bl.l[l].live);
	if (on_lists != want_lists)
		FAIL("lists hold %llu pages, %llu pages have an empty slot",
		     (unsigned long long)on_lists, (unsigned long long)want_lists);
	for (unsigned c = 1; c <= Z3_TOTAL_CHUNKS; c++)
		if (by_c[c] != z->objs_by_chunks[c] || pg_c[c] != z->pages_by_chunks[c])
			FAIL("class %u chunks: stats disagree with pages", c);

	/* The page LRU: every live page once, links both ways. */
	uint64_t on_lru = 0;
	for (uint32_t pi = z->lru_head, prev = NIL; pi != NIL; prev = pi, pi = z->pages[pi].lru_next) {
		if (pi >= z->npages_used || !z->pages[pi].live || z->pages[pi].lru_prev != prev)
			FAIL("page LRU broken at page %u", pi);
		if (++on_lru > live)
			FAIL("page LRU longer than the %llu live pages", (unsigned long long)live);
		if (z->pages[pi].lru_next == NIL && z->lru_tail != pi)
			FAIL("page LRU tail is %u, the walk ends at %u", z->lru_tail, pi);
	}
	if (on_lru != live)
		FAIL("page LRU holds %llu pages, %llu live", (unsigned long long)on_lru, (unsigned long long)live);

	uint64_t nfree = 0;
	for (uint32_t oi = z->obj_free; oi != NIL; oi = z->objs[oi].page) {
		if (oi >= z->nobjs_used || z->objs[oi].bud != NO_BUD)
			FAIL("object free chain broken at %u", oi);
		if (++nfree > z->nobjs_used)
			FAIL("object free chain loops");
	}
	if (nfree + objs != z->nobjs_used)
		FAIL("object table: %llu free + %llu live != %u slots", (unsigned long long)nfree,
		     (unsigned long long)objs, z->nobjs_used);
	return 0;
}

#undef FAIL

const struct zsim_allocator_ops zsim_allocator_z3fold = {
	.name = "z3fold",
	.compaction_note = "in-page layout only: no pool-level compaction in the kernel",
	.priv_size = sizeof(struct z3fold),
	.init = z3fold_init,
	.destroy = z3fold_destroy,
	.malloc = z3fold_malloc,
	.free = z3fold_free,
	.total_pages = z3fold_total_pages,
	.compact = NULL,        /* z3fold's zpool driver has no pool compaction */
	.max_size = z3fold_max_size,
	.lru_tail = z3fold_lru_tail,
	.huge_size = z3fold_huge_size,
	.nr_classes = z3fold_nr_classes,
	.class_stat = z3fold_class_stat,
	.check = z3fold_check,
};
