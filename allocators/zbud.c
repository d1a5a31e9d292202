/*
 * zbud.c - model of the kernel's zbud allocator (mm/zbud.c, v3.11 .. v6.14).
 *
 * What the kernel does.  zbud "buddies" two compressed objects in one 4 KiB
 * page.  A page is cut into 64-byte chunks; the first chunk holds the page
 * header, which leaves 63 chunks for data.  The *first* buddy starts right
 * after the header, the *last* buddy is packed against the end of the page,
 * so a freed buddy always merges with the slack between them.  Pages holding
 * one buddy sit on unbuddied[i], i = free chunks (63 - first - last); pages
 * holding two sit on the buddied list.  zbud_alloc() rounds the request up to
 * chunks, scans unbuddied[chunks .. 62] and takes the head of the first
 * non-empty list (first fit by free space, LIFO within a list: pages are put
 * back with list_add, i.e. at the head); the object goes into whichever buddy
 * is free (first if both are).  With no such page it takes a new page and
 * the object becomes its first buddy.  Requests above 4096 - 64 - 64 = 3968
 * bytes get -ENOSPC, a zero size -EINVAL.  zbud_free() clears the buddy and
 * frees the page when both are empty, else files it under its new free count.
 * zbud has no compaction: pages never move and objects never move.
 *
 * Layout followed: the late source (after the LRU went, unbuddied[0] doubling
 * as the buddied list), which kept the constants and the alloc/free paths of
 * the earlier versions (4.19 adds only the LRU and reclaim): CHUNK_SIZE 64,
 * header 1 chunk, NCHUNKS 63, at most 2 objects per page, largest 3968 B.
 *
 * What the model keeps: chunk rounding, the two buddy positions, the
 * unbuddied lists with their exact order, the buddied list, page counts and
 * frames taken from the owner's frame source, and the page LRU that
 * zbud_reclaim_page() walked for zswap until 6.4 (a page moves to the head
 * when an object is allocated in it; lru_tail gives the tail page's buddies,
 * and zswap, which owns writeback, evicts and frees them).  What it drops:
 * the bytes themselves, locking, map/unmap, the under_reclaim flag (the model
 * is single-threaded: nothing allocates into a page while it is evicted).
 *
 * Representation: pages and objects live in two compact arrays inside priv,
 * linked by 32-bit indices; a handle is object index + 1.  Each unbuddied
 * list is a stack of (page, stamp) entries with lazy deletion: list_add is a
 * push, taking the head pops entries until one is still current (the page is
 * still on that list with that stamp), and taking a page off a list only
 * clears its tag, so no neighbour page is touched.  The kernel's order is
 * kept exactly: live entries stay in push order.  A stack is purged of stale
 * entries when they outnumber the live ones, so its length stays O(live).
 * The buddied list is never searched; the model keeps its count and a tag.
 * A bitmap of non-empty lists turns the first-fit scan into one count-
 * trailing-zeros: malloc and free are O(1) amortised.
 * Available in the profiles that set kp->has_zbud (3.11 .. 6.14).
 */
#include "allocator.h"
#include "stacklists.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZBUD_CHUNK_SHIFT 6                               /* NCHUNKS_ORDER 6: PAGE_SIZE/64 */
#define ZBUD_CHUNK_SIZE  (1u << ZBUD_CHUNK_SHIFT)        /* 64 B */
#define ZBUD_HDR_SIZE    ZBUD_CHUNK_SIZE                 /* struct zbud_header fits one chunk */
#define ZBUD_NCHUNKS     ((ZSIM_PAGE_SIZE - ZBUD_HDR_SIZE) >> ZBUD_CHUNK_SHIFT) /* 63 */
/* The kernel refuses size > PAGE_SIZE - header - one chunk: 3968 B (62 chunks). */
#define ZBUD_MAX_SIZE    (ZSIM_PAGE_SIZE - ZBUD_HDR_SIZE - ZBUD_CHUNK_SIZE)
#define ZBUD_MAX_CHUNKS  (ZBUD_MAX_SIZE >> ZBUD_CHUNK_SHIFT)   /* 62 */

#define NIL        UINT32_MAX   /* end of an index list */
#define L_NONE     ZSIM_BL_NONE /* page on no list (free page slot) */
#define L_BUDDIED  0xfeu        /* page on the buddied list */

enum { FIRST = 0, LAST = 1 };

struct zpage {
	uint32_t obj[2];        /* object index + 1 per buddy, 0 if empty; obj[0]: next free slot */
	uint32_t stamp;         /* stamp of its current list entry */
	uint32_t lru_prev, lru_next; /* the page LRU (NIL ends); see zbud_lru_tail */
	uint8_t chunks[2];      /* first_chunks, last_chunks; 0 if empty */
	uint8_t list;           /* unbuddied index, L_BUDDIED, or L_NONE */
	uint8_t live;
};


struct zobj {
	uint32_t page;          /* page index; next free object when free */
	uint8_t bud;            /* FIRST or LAST; 0xff when free */
};

struct zbud {
	const struct zsim_frame_source *frames;
	struct zpage *pages;
	uint32_t npages_cap, npages_used, page_free;  /* slot array, high water, free chain */
	struct zobj *objs;
	uint32_t nobjs_cap, nobjs_used, obj_free;
	struct zsim_blists bl;           /* unbuddied[i] (stacklists.h); index 0 is never used */
	uint64_t pages_nr;               /* live pages (frames held) */
	uint64_t nobj;                   /* live objects */
	uint64_t nbuddied;               /* pages on the buddied list */
	uint32_t lru_head, lru_tail;     /* the page LRU, most recently allocated into first */
	uint64_t objs_by_chunks[ZBUD_MAX_CHUNKS + 1];
	uint64_t pages_by_chunks[ZBUD_MAX_CHUNKS + 1]; /* pages holding >= 1 object of that size */
};

_Static_assert(ZBUD_NCHUNKS == 63 && ZBUD_MAX_SIZE == 3968, "zbud constants");
_Static_assert(ZBUD_NCHUNKS <= 64, "unbuddied bitmap holds every list");

/* Where the pages keep their list tags (stacklists.h). */
static inline struct zsim_ltags tags(const struct zbud *z)
{
	return (struct zsim_ltags){ (char *)z->pages, sizeof(struct zpage),
				    offsetof(struct zpage, list), offsetof(struct zpage, stamp) };
}

/* list_add: at the head, as the kernel does; the buddied list is only counted. */
static inline void list_push(struct zbud *z, uint32_t pi, uint8_t list)
{
	if (list == L_BUDDIED) {
		z->pages[pi].list = L_BUDDIED;
		z->nbuddied++;
		return;
	}
	zsim_bl_push(&z->bl, tags(z), pi, list);
}

/* list_del.  O(1). */
static inline void list_unlink(struct zbud *z, uint32_t pi)
{
	struct zpage *p = &z->pages[pi];
	if (p->list == L_BUDDIED)
		z->nbuddied--;
	else if (p->list != L_NONE)
		zsim_bl_unlink(&z->bl, tags(z), pi);
	p->list = L_NONE;
}

/* Head of the first non-empty list from `chunks` on, taken off it; NIL if none. */
static inline uint32_t take_fit(struct zbud *z, unsigned chunks)
{
	return zsim_bl_take_fit(&z->bl, tags(z), chunks);
}

static inline unsigned free_chunks(const struct zpage *p)
{
	return ZBUD_NCHUNKS - p->chunks[FIRST] - p->chunks[LAST];
}

/* File a page that holds at least one object under the list its state asks for. */
static inline void file_page(struct zbud *z, uint32_t pi)
{
	struct zpage *p = &z->pages[pi];
	if (p->chunks[FIRST] && p->chunks[LAST])
		list_push(z, pi, L_BUDDIED);
	else
		list_push(z, pi, (uint8_t)free_chunks(p));
}

/* The page LRU (zbud_reclaim_page's pool->lru): unlink, and add at the head. */
static inline void lru_unlink(struct zbud *z, uint32_t pi)
{
	struct zpage *p = &z->pages[pi];
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

static inline void lru_add(struct zbud *z, uint32_t pi)
{
	struct zpage *p = &z->pages[pi];
	p->lru_prev = NIL;
	p->lru_next = z->lru_head;
	if (z->lru_head != NIL)
		z->pages[z->lru_head].lru_prev = pi;
	else
		z->lru_tail = pi;
	z->lru_head = pi;
}

static inline uint32_t page_new(struct zbud *z)
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

static inline void page_release(struct zbud *z, uint32_t pi)
{
	lru_unlink(z, pi);
	z->pages[pi].list = L_NONE;
	z->pages[pi].live = 0;
	z->pages[pi].obj[0] = z->page_free;
	z->page_free = pi;
	z->pages_nr--;
	if (z->frames)
		z->frames->put(z->frames->ctx, 1);
}

static inline uint32_t obj_new(struct zbud *z)
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
	return oi;
}

static int zbud_init(void *priv, const struct zsim_alloc_params *prm)
{
	struct zbud *z = priv;
	const struct zsim_kprofile *kp = prm->kp;
	if (!kp->has_zbud)
		return ZSIM_ENOTSUP;
	z->frames = prm->frames;
	z->bl.n = ZBUD_NCHUNKS;
	z->page_free = z->obj_free = NIL;
	z->lru_head = z->lru_tail = NIL;
	return 0;
}

/* Frees the model's arrays; frames still held are the owner's to account (allocator.h). */
static void zbud_destroy(void *priv)
{
	struct zbud *z = priv;
	zsim_bl_free(&z->bl);
	free(z->pages);
	free(z->objs);
	memset(z, 0, sizeof(*z));
}

/*
 * zbud_alloc(): EINVAL for 0, ENOSPC above 3968 B, ENOMEM (nothing changed)
 * when a new page is needed and the frame source refuses.  O(1) amortised.
 */
static int zbud_malloc(void *priv, size_t size, zsim_handle *out)
{
	struct zbud *z = priv;
	if (size == 0)
		return ZSIM_EINVAL;
	if (size > ZBUD_MAX_SIZE)
		return ZSIM_ENOSPC;
	unsigned chunks = (unsigned)ZSIM_DIV_ROUND_UP(size, ZBUD_CHUNK_SIZE);
	uint32_t pi = take_fit(z, chunks);
	int bud;
	if (pi != NIL) {
		bud = z->pages[pi].chunks[FIRST] == 0 ? FIRST : LAST;
		lru_unlink(z, pi);
	} else {
		if (z->frames && z->frames->get(z->frames->ctx, 1) != 0)
			return ZSIM_ENOMEM;
		pi = page_new(z);
		bud = FIRST;
	}
	lru_add(z, pi);   /* zbud_alloc moves the page to the head of the LRU */
	struct zpage *p = &z->pages[pi];
	int other = bud ^ 1;
	if (p->chunks[other] != chunks)
		z->pages_by_chunks[chunks]++;
	uint32_t oi = obj_new(z);
	p = &z->pages[pi];
	p->chunks[bud] = (uint8_t)chunks;
	p->obj[bud] = oi + 1;
	z->objs[oi].page = pi;
	z->objs[oi].bud = (uint8_t)bud;
	z->objs_by_chunks[chunks]++;
	z->nobj++;
	file_page(z, pi);
	*out = (zsim_handle)oi + 1;
	return 0;
}

/* zbud_free(): pre: h live.  Frees the page when both buddies are empty.  O(1). */
static void zbud_free(void *priv, zsim_handle h)
{
	struct zbud *z = priv;
	uint32_t oi = (uint32_t)(h - 1);
	struct zobj *o = &z->objs[oi];
	uint32_t pi = o->page;
	int bud = o->bud;
	struct zpage *p = &z->pages[pi];
	unsigned chunks = p->chunks[bud];
	list_unlink(z, pi);
	p->chunks[bud] = 0;
	p->obj[bud] = 0;
	if (p->chunks[bud ^ 1] != chunks)
		z->pages_by_chunks[chunks]--;
	z->objs_by_chunks[chunks]--;
	z->nobj--;
	o->bud = 0xff;
	o->page = z->obj_free;
	z->obj_free = oi;
	if (p->chunks[FIRST] == 0 && p->chunks[LAST] == 0)
		page_release(z, pi);
	else
		file_page(z, pi);
}

/* The LRU tail page's buddies, first then last; the page goes to the head. O(1). */
static size_t zbud_lru_tail(void *priv, zsim_handle out[ZSIM_ALLOC_LRU_MAX])
{
	struct zbud *z = priv;
	uint32_t pi = z->lru_tail;
	size_t n = 0;
	if (pi == NIL)
		return 0;
	for (int b = FIRST; b <= LAST; b++)
		if (z->pages[pi].obj[b])
			out[n++] = z->pages[pi].obj[b];
	lru_unlink(z, pi);
	lru_add(z, pi);
	return n;
}

static uint64_t zbud_total_pages(const void *priv)
{
	return ((const struct zbud *)priv)->pages_nr;
}

static size_t zbud_max_size(const void *priv)
{
	(void)priv;
	return ZBUD_MAX_SIZE;
}

/* One row per object size in chunks: row i is chunks i+1 (64 .. 3968 B). */
static size_t zbud_nr_classes(const void *priv)
{
	(void)priv;
	return ZBUD_MAX_CHUNKS;
}

/*
 * Row i: objects of i+1 chunks.  units = pages = pages holding at least one
 * such object (a page with two sizes counts in both rows); objs_allocated =
 * units x 2 buddy slots; freeable 0 (zbud cannot compact).  Fill of the row:
 * objs_used x size / (pages x 4096).
 */
static void zbud_class_stat(const void *priv, size_t i, struct zsim_alloc_class_stat *st)
{
	const struct zbud *z = priv;
	memset(st, 0, sizeof(*st));
	if (i >= ZBUD_MAX_CHUNKS)
		return;
	unsigned c = (unsigned)i + 1;
	st->size = c * ZBUD_CHUNK_SIZE;
	st->pages_per_unit = 1;
	st->objs_per_unit = 2;
	st->objs_used = z->objs_by_chunks[c];
	st->units = st->pages = z->pages_by_chunks[c];
	st->objs_allocated = st->units * 2;
}

#define FAIL(...) do { snprintf(msg, msglen, "zbud: " __VA_ARGS__); return ZSIM_ECORRUPT; } while (0)

/* Walks every page, list and object; O(pages + objects). */
static int zbud_check(const void *priv, char *msg, size_t msglen)
{
	const struct zbud *z = priv;
	uint64_t live = 0, objs = 0, on_lists = 0, nbuddied = 0;
	uint64_t tagged[ZBUD_NCHUNKS] = {0};
	uint64_t by_c[ZBUD_MAX_CHUNKS + 1] = {0}, pg_c[ZBUD_MAX_CHUNKS + 1] = {0};

	/*
	 * Lists: every current entry names a live page filed where its state
	 * says; counts agree with the entries, the tags and the bitmap.  (Each
	 * current entry carries its page's stamp, so a page has at most one.)
	 */
	for (unsigned l = 0; l < ZBUD_NCHUNKS; l++) {
		const struct zsim_lstack *st = &z->bl.l[l];
		uint64_t n = 0;
		if (st->len > st->cap)
			FAIL("unbuddied[%u]: length %u beyond capacity %u", l, st->len, st->cap);
		for (uint32_t i = 0; i < st->len; i++) {
			struct zsim_lent e = st->e[i];
			if (e.page >= z->npages_used)
				FAIL("unbuddied[%u] holds page index %u out of range", l, e.page);
			if (!zsim_bl_live(tags(z), e, l))
				continue;
			const struct zpage *p = &z->pages[e.page];
			if (!p->live || (p->chunks[FIRST] && p->chunks[LAST]) || free_chunks(p) != l)
				FAIL("page %u (first %u, last %u) on the wrong list %u", e.page,
				     p->chunks[FIRST], p->chunks[LAST], l);
			n++;
		}
		if (n != st->live)
			FAIL("unbuddied[%u]: %u live recorded, %llu current entries", l, st->live,
			     (unsigned long long)n);
		if (!!n != !!(z->bl.nonempty & (1ull << l)))
			FAIL("bitmap disagrees with unbuddied[%u]", l);
		on_lists += n;
	}

	/* Pages: bounds, no overlap, at most two objects, back links. */
	for (uint32_t pi = 0; pi < z->npages_used; pi++) {
		const struct zpage *p = &z->pages[pi];
		if (!p->live) {
			if (p->list != L_NONE)
				FAIL("free page slot %u is tagged for list %u", pi, p->list);
			continue;
		}
		live++;
		if (p->list == L_BUDDIED) {
			nbuddied++;
			if (!p->chunks[FIRST] || !p->chunks[LAST])
				FAIL("page %u on the buddied list with an empty buddy", pi);
		} else if (p->list < ZBUD_NCHUNKS) {
			tagged[p->list]++;
		} else {
			FAIL("live page %u is on no list", pi);
		}
		unsigned f = p->chunks[FIRST], la = p->chunks[LAST];
		if (!f && !la)
			FAIL("page %u is live but empty", pi);
		if (f > ZBUD_MAX_CHUNKS || la > ZBUD_MAX_CHUNKS || f + la > ZBUD_NCHUNKS)
			FAIL("page %u: first %u + last %u chunks overflow %u", pi, f, la, ZBUD_NCHUNKS);
		for (int b = 0; b < 2; b++) {
			if (!p->chunks[b] != !p->obj[b])
				FAIL("page %u buddy %d: size and owner disagree", pi, b);
			if (!p->obj[b])
				continue;
			uint32_t oi = p->obj[b] - 1;
			if (oi >= z->nobjs_used || z->objs[oi].page != pi || z->objs[oi].bud != b)
				FAIL("page %u buddy %d: object %u does not point back", pi, b, oi);
			objs++;
			by_c[p->chunks[b]]++;
		}
		if (f)
			pg_c[f]++;
		if (la && la != f)
			pg_c[la]++;
	}
	for (unsigned l = 0; l < ZBUD_NCHUNKS; l++)
		if (tagged[l] != z->bl.l[l].live)
			FAIL("unbuddied[%u]: %llu pages tagged, %u entries current", l,
			     (unsigned long long)tagged[l], z->bl.l[l].live);
	if (nbuddied != z->nbuddied)
		FAIL("buddied count %llu, pages say %llu", (unsigned long long)z->nbuddied,
		     (unsigned long long)nbuddied);
	if (live != z->pages_nr || on_lists + nbuddied != live)
		FAIL("pages_nr %llu, live pages %llu, on lists %llu",
		     (unsigned long long)z->pages_nr, (unsigned long long)live,
		     (unsigned long long)(on_lists + nbuddied));
	if (objs != z->nobj)
		FAIL("object count %llu, pages hold %llu", (unsigned long long)z->nobj,
		     (unsigned long long)objs);
	for (unsigned c = 1; c <= ZBUD_MAX_CHUNKS; c++)
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

	/* Object table: the free chain plus live objects cover it exactly. */
	uint64_t nfree = 0;
	for (uint32_t oi = z->obj_free; oi != NIL; oi = z->objs[oi].page) {
		if (oi >= z->nobjs_used || z->objs[oi].bud != 0xff)
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

const struct zsim_allocator_ops zsim_allocator_zbud = {
	.name = "zbud",
	.compaction_note = "none: the kernel's zbud has none",
	.unmovable = true,   /* zswap allocates zbud's pages without __GFP_MOVABLE */
	.priv_size = sizeof(struct zbud),
	.init = zbud_init,
	.destroy = zbud_destroy,
	.malloc = zbud_malloc,
	.free = zbud_free,
	.total_pages = zbud_total_pages,
	.compact = NULL,        /* zbud never moves objects */
	.max_size = zbud_max_size,
	.lru_tail = zbud_lru_tail,
	.huge_size = NULL,      /* max_size + 1: every accepted object shares a page */
	.nr_classes = zbud_nr_classes,
	.class_stat = zbud_class_stat,
	.check = zbud_check,
};
