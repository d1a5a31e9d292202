/*
 * allocator.h - the allocator family: where compressed objects live.
 *
 * Members: zsmalloc (zram's and, since 6.6, zswap's default), zbud, z3fold, and
 * `ideal`, a packer with no overhead that gives the lower bound.  Each member
 * is one file in allocators/ exporting one `const struct zsim_allocator_ops`.
 *
 * Page-exact: every model counts the physical 4 KiB frames it holds, and takes
 * them from a frame source supplied by its owner.  In a full simulation that
 * source is the simulated RAM, so a store can fail because RAM has no free
 * frame - the feedback at the heart of the 2013 zram OOM, where zram finds no
 * free page in the RAM it is meant to relieve (README, "The 2013 experiments").
 * A NULL frame source means "frames are always available".
 */
#ifndef ZSIM_ALLOCATOR_H
#define ZSIM_ALLOCATOR_H

#include "../core/zsim.h"
#include "../core/kprofile.h"

/* An allocated object; 0 is never a valid handle. */
typedef uint64_t zsim_handle;

/* Most objects one page holds in an allocator with a page LRU (z3fold: 3). */
#define ZSIM_ALLOC_LRU_MAX 3

/* Where an allocator gets its physical frames. */
struct zsim_frame_source {
	/* Take n frames; 0 on success, ZSIM_ENOMEM if they are not there (nothing taken). */
	int (*get)(void *ctx, unsigned n);
	/* Give n frames back. */
	void (*put)(void *ctx, unsigned n);
	void *ctx;
};

struct zsim_alloc_params {
	const struct zsim_kprofile *kp;        /* never NULL */
	const struct zsim_frame_source *frames;/* NULL: unlimited */
};

/* One row of the per-class (zsmalloc) or per-chunk-count (zbud, z3fold) view. */
struct zsim_alloc_class_stat {
	unsigned size;           /* slot size in bytes (zsmalloc) or chunk count x 64 */
	unsigned pages_per_unit; /* pages per zspage; 1 for zbud/z3fold */
	unsigned objs_per_unit;  /* objects per zspage / page at most */
	uint64_t objs_allocated; /* slots in live units */
	uint64_t objs_used;      /* slots holding an object */
	uint64_t units;          /* live zspages / pages */
	uint64_t pages;          /* frames held */
	uint64_t freeable;       /* pages compaction could free now */
};

struct zsim_allocator_ops {
	const char *name;
	size_t priv_size;
	/* What compaction this allocator has, in a few words (for reports). */
	const char *compaction_note;
	/* Its pages are unmovable (no page migration: zbud), so they come from the
	 * unmovable free lists: sim/mm.c's fragmentation fallbacks */
	bool unmovable;
	/* Set up priv (zeroed, priv_size bytes) for a profile.  ZSIM_ENOTSUP if the profile lacks it. */
	int (*init)(void *priv, const struct zsim_alloc_params *p);
	/* Free the model's own memory.  Frames still held are NOT given back to the
	 * frame source (it may be gone at teardown): the owner accounts for them. */
	void (*destroy)(void *priv);
	/*
	 * Allocate an object of `size` bytes (the size the caller asks for; any
	 * header the kernel adds is the model's business).  Returns 0 and *out, or
	 * ZSIM_ENOMEM (frame source refused), ZSIM_ENOSPC (size too large for this
	 * allocator), ZSIM_EINVAL (size 0, as the kernel refuses it).  Cost: O(1) amortised.
	 */
	int (*malloc)(void *priv, size_t size, zsim_handle *out);
	/* pre: h came from malloc and was not freed. */
	void (*free)(void *priv, zsim_handle h);
	/* Frames held now (zs_get_total_pages). */
	uint64_t (*total_pages)(const void *priv);
	/* Optional (NULL: the allocator has no compaction). Returns pages freed. */
	uint64_t (*compact)(void *priv);
	/* Largest request it can hold at all. */
	size_t (*max_size)(const void *priv);
	/*
	 * Optional: the request size from which an object takes a whole page
	 * (zs_huge_class_size).  NULL: max_size() + 1.
	 */
	size_t (*huge_size)(const void *priv);
	/*
	 * Optional: the page LRU that zbud and z3fold kept for zswap's writeback
	 * until 6.4 (kernel-facts 2.1, 4.4).  A page moves to the head each time an
	 * object is allocated in it (frees do not move it).  lru_tail writes the
	 * handles of the objects on the least recently used page into out, in the
	 * order the kernel's reclaim_page evicts them (first, middle, last), and
	 * moves that page to the head, where the kernel puts back a page it could
	 * not empty; the caller then frees the handles it evicts, and the page goes
	 * when its last one does.  Returns how many (0: no page).  NULL: the
	 * allocator cannot evict (zsmalloc before 6.3, ideal).  O(1).
	 */
	size_t (*lru_tail)(void *priv, zsim_handle out[ZSIM_ALLOC_LRU_MAX]);
	/* Rows of the per-class view; class_stat fills row i < nr_classes. */
	size_t (*nr_classes)(const void *priv);
	void (*class_stat)(const void *priv, size_t i, struct zsim_alloc_class_stat *st);
	/* Walk the state and verify its invariants; 0 or ZSIM_ECORRUPT with a message in msg. */
	int (*check)(const void *priv, char *msg, size_t msglen);
};

/* Registry. */
const struct zsim_allocator_ops *zsim_allocator_find(const char *name);
size_t zsim_allocator_count(void);
const struct zsim_allocator_ops *zsim_allocator_at(size_t i);
void zsim_allocator_names(char *buf, size_t len);
/* The kernel profiles in which `name` exists, comma-separated, into buf. */
void zsim_allocator_profiles(const char *name, char *buf, size_t len);

/* An instance: ops plus its private state, allocated by the core. */
struct zsim_allocator {
	const struct zsim_allocator_ops *ops;
	void *priv;
};

/* pre: name registered. Returns 0, ZSIM_ENOENT, or the member's init error. */
int zsim_allocator_new(const char *name, const struct zsim_alloc_params *p, struct zsim_allocator **out);
void zsim_allocator_free(struct zsim_allocator *a);

static inline int zsim_alloc_malloc(struct zsim_allocator *a, size_t size, zsim_handle *h)
{ return a->ops->malloc(a->priv, size, h); }
static inline void zsim_alloc_free(struct zsim_allocator *a, zsim_handle h)
{ a->ops->free(a->priv, h); }
static inline uint64_t zsim_alloc_total_pages(const struct zsim_allocator *a)
{ return a->ops->total_pages(a->priv); }
static inline int zsim_alloc_check(const struct zsim_allocator *a, char *msg, size_t len)
{ return a->ops->check(a->priv, msg, len); }
uint64_t zsim_alloc_compact(struct zsim_allocator *a);  /* 0 when the member has none */
size_t zsim_alloc_huge_size(const struct zsim_allocator *a);

extern const struct zsim_allocator_ops zsim_allocator_zsmalloc;
extern const struct zsim_allocator_ops zsim_allocator_zbud;
extern const struct zsim_allocator_ops zsim_allocator_z3fold;
extern const struct zsim_allocator_ops zsim_allocator_ideal;

#endif
