/*
 * test_zsmalloc.c - the zsmalloc model against hand-checked kernel facts
 * (../../shared/kernel-facts.md section 1) and its own invariants.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/allocator.h"

Suite *suite_zsmalloc(void);

/* A frame source with a budget, counting what it lent. */
struct frames {
	uint64_t held, limit;
	struct zsim_frame_source src;
};

static int frames_get(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	if (f->held + n > f->limit)
		return ZSIM_ENOMEM;
	f->held += n;
	return 0;
}

static void frames_put(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	ck_assert_uint_ge(f->held, n);
	f->held -= n;
}

static void frames_init(struct frames *f, uint64_t limit)
{
	memset(f, 0, sizeof(*f));
	f->limit = limit;
	f->src.get = frames_get;
	f->src.put = frames_put;
	f->src.ctx = f;
}

static struct zsim_allocator *pool_new(const char *profile, struct frames *f)
{
	const struct zsim_kprofile *kp = zsim_kprofile_find(profile);
	ck_assert_ptr_nonnull(kp);
	struct zsim_alloc_params prm = { .kp = kp, .frames = f ? &f->src : NULL };
	struct zsim_allocator *a = NULL;
	ck_assert_int_eq(zsim_allocator_new("zsmalloc", &prm, &a), 0);
	return a;
}

static void assert_ok(const struct zsim_allocator *a)
{
	char msg[256] = "";
	int rc = zsim_alloc_check(a, msg, sizeof(msg));
	ck_assert_msg(rc == 0, "check: %s", msg);
}

/* The class row of a slot size; fails if there is none. */
static struct zsim_alloc_class_stat row_of(const struct zsim_allocator *a, unsigned size)
{
	struct zsim_alloc_class_stat st;
	size_t n = a->ops->nr_classes(a->priv);
	for (size_t i = 0; i < n; i++) {
		a->ops->class_stat(a->priv, i, &st);
		if (st.size == size)
			return st;
	}
	ck_abort_msg("no class of size %u", size);
	return st;
}

static bool has_row(const struct zsim_allocator *a, unsigned size)
{
	struct zsim_alloc_class_stat st;
	size_t n = a->ops->nr_classes(a->priv);
	for (size_t i = 0; i < n; i++) {
		a->ops->class_stat(a->priv, i, &st);
		if (st.size == size)
			return true;
	}
	return false;
}

static void assert_geom(const struct zsim_allocator *a, unsigned size, unsigned ppz, unsigned objs)
{
	struct zsim_alloc_class_stat st = row_of(a, size);
	ck_assert_msg(st.pages_per_unit == ppz && st.objs_per_unit == objs,
		      "class %u: (%u, %u), expected (%u, %u)", size, st.pages_per_unit,
		      st.objs_per_unit, ppz, objs);
}

/* Largest class that is not huge (pages > 1 or objects > 1). */
static unsigned largest_ordinary(const struct zsim_allocator *a)
{
	struct zsim_alloc_class_stat st;
	unsigned best = 0;
	size_t n = a->ops->nr_classes(a->priv);
	for (size_t i = 0; i < n; i++) {
		a->ops->class_stat(a->priv, i, &st);
		if (st.pages_per_unit > 1 && st.objs_per_unit > 1 && st.size > best)
			best = st.size;
	}
	return best;
}

static zsim_handle xmalloc(struct zsim_allocator *a, size_t size)
{
	zsim_handle h = 0;
	ck_assert_int_eq(zsim_alloc_malloc(a, size, &h), 0);
	ck_assert_uint_ne(h, 0);
	return h;
}

START_TEST(classes_chain8)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	ck_assert_uint_eq(a->ops->nr_classes(a->priv), 119);
	ck_assert_uint_eq(largest_ordinary(a), 3632);
	ck_assert_uint_eq(zsim_alloc_huge_size(a), 3625);
	ck_assert_uint_eq(a->ops->max_size(a->priv), 4096);
	assert_geom(a, 32, 1, 128);
	assert_geom(a, 48, 3, 256);
	assert_geom(a, 208, 3, 59);
	assert_geom(a, 1568, 5, 13);
	assert_geom(a, 1632, 2, 5);
	assert_geom(a, 2176, 8, 15);
	assert_geom(a, 3264, 4, 5);
	assert_geom(a, 3408, 5, 6);
	assert_geom(a, 3632, 8, 9);
	assert_geom(a, 4096, 1, 1);
	ck_assert(!has_row(a, 2064));   /* merged into 2176 */
	ck_assert(!has_row(a, 3648));   /* merged into the huge class */
	/* 2056 + 8 = 2064 lands in 2176. */
	zsim_handle h = xmalloc(a, 2056);
	ck_assert_uint_eq(row_of(a, 2176).objs_used, 1);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 8);
	zsim_alloc_free(a, h);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

START_TEST(classes_chain4)
{
	struct zsim_allocator *a = pool_new("4.19", NULL);
	ck_assert_uint_eq(a->ops->nr_classes(a->priv), 69);
	ck_assert_uint_eq(largest_ordinary(a), 3264);
	ck_assert_uint_eq(zsim_alloc_huge_size(a), 3257);
	assert_geom(a, 208, 2, 39);   /* the old "most used" rule takes 2 pages */
	assert_geom(a, 32, 1, 128);
	assert_geom(a, 4096, 1, 1);
	zsim_allocator_free(a);
	a = pool_new("6.1", NULL);
	ck_assert_uint_eq(a->ops->nr_classes(a->priv), 69);
	ck_assert_uint_eq(zsim_alloc_huge_size(a), 3257);
	zsim_allocator_free(a);
}
END_TEST

/* Every profile: pages of a class are a multiple of its chain; sizes ascend and are 8-aligned. */
START_TEST(classes_all_profiles)
{
	for (size_t i = 0; i < zsim_kprofile_count(); i++) {
		struct zsim_allocator *a = pool_new(zsim_kprofile_at(i)->name, NULL);
		size_t n = a->ops->nr_classes(a->priv);
		unsigned prev = 0;
		for (size_t k = 0; k < n; k++) {
			struct zsim_alloc_class_stat st;
			a->ops->class_stat(a->priv, k, &st);
			ck_assert_uint_gt(st.size, prev);
			ck_assert_uint_eq(st.size % 8, 0);
			ck_assert_uint_eq(st.objs_per_unit, st.pages_per_unit * 4096 / st.size);
			prev = st.size;
		}
		ck_assert_uint_eq(prev, 4096);
		zsim_allocator_free(a);
	}
}
END_TEST

START_TEST(page_accounting)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	zsim_handle h[129];
	for (int i = 0; i < 128; i++)
		h[i] = xmalloc(a, 24);          /* 24 + 8 = 32: class 32, 128 per page */
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	h[128] = xmalloc(a, 24);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 2);
	assert_ok(a);
	for (int i = 0; i < 129; i++)
		zsim_alloc_free(a, h[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);

	zsim_handle big = xmalloc(a, 3625);   /* huge: one page of its own */
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	ck_assert_uint_eq(row_of(a, 4096).objs_used, 1);
	zsim_handle big2 = xmalloc(a, 3625);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 2);
	zsim_handle small = xmalloc(a, 3624); /* 3632: 9 objects in 8 pages */
	ck_assert_uint_eq(row_of(a, 3632).objs_used, 1);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 10);
	zsim_handle full = xmalloc(a, 4096);
	ck_assert_uint_eq(row_of(a, 4096).objs_used, 3);
	zsim_handle h0;
	ck_assert_int_eq(zsim_alloc_malloc(a, 4097, &h0), ZSIM_ENOSPC);
	ck_assert_int_eq(zsim_alloc_malloc(a, 0, &h0), ZSIM_EINVAL);
	assert_ok(a);
	zsim_alloc_free(a, big);
	zsim_alloc_free(a, big2);
	zsim_alloc_free(a, small);
	zsim_alloc_free(a, full);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

/* Allocation takes the fullest non-full zspage. */
START_TEST(alloc_prefers_fullest)
{
	const char *profiles[] = { "6.18", "4.19" };
	for (int pi = 0; pi < 2; pi++) {
		struct zsim_allocator *a = pool_new(profiles[pi], NULL);
		zsim_handle A[128], B[128], n[10];
		for (int i = 0; i < 128; i++)
			A[i] = xmalloc(a, 24);
		for (int i = 0; i < 128; i++)
			B[i] = xmalloc(a, 24);
		for (int i = 0; i < 100; i++)
			zsim_alloc_free(a, A[i]);  /* A: 28 in use */
		for (int i = 0; i < 10; i++)
			zsim_alloc_free(a, B[i]);  /* B: 118 in use, the fuller */
		for (int i = 0; i < 10; i++)
			n[i] = xmalloc(a, 24);     /* must fill B */
		for (int i = 100; i < 128; i++)
			zsim_alloc_free(a, A[i]);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);  /* A emptied and freed */
		assert_ok(a);
		for (int i = 10; i < 128; i++)
			zsim_alloc_free(a, B[i]);
		for (int i = 0; i < 10; i++)
			zsim_alloc_free(a, n[i]);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
		zsim_allocator_free(a);
	}
}
END_TEST

/*
 * Up to 6.2 a zspage put on a list goes second when the head has more in use.
 * 4.19, class 32 (128 per page, "almost empty" up to 96).  A loses 40 (88 in
 * use), then C loses 60 (68): C entered "almost empty" last, at 96, so it is
 * the head and takes new objects.  A compaction that cannot free anything
 * still isolates C as its source and puts it back: now second behind A, so
 * new objects go to A.
 */
static void old_order_case(bool compact_first)
{
	struct zsim_allocator *a = pool_new("4.19", NULL);
	zsim_handle A[128], C[128], n[40];
	for (int i = 0; i < 128; i++)
		A[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		C[i] = xmalloc(a, 24);
	for (int i = 0; i < 40; i++)
		zsim_alloc_free(a, A[i]);
	for (int i = 0; i < 60; i++)
		zsim_alloc_free(a, C[i]);
	if (compact_first)
		ck_assert_uint_eq(zsim_alloc_compact(a), 0);
	for (int i = 0; i < 40; i++)
		n[i] = xmalloc(a, 24);
	assert_ok(a);
	zsim_handle *loser = compact_first ? C : A;
	int from = compact_first ? 60 : 40;
	for (int i = from; i < 128; i++)
		zsim_alloc_free(a, loser[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	zsim_handle *other = compact_first ? A : C;
	for (int i = compact_first ? 40 : 60; i < 128; i++)
		zsim_alloc_free(a, other[i]);
	for (int i = 0; i < 40; i++)
		zsim_alloc_free(a, n[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}

START_TEST(old_insert_order)
{
	old_order_case(false);
	old_order_case(true);
}
END_TEST

/* Fill a class, free every other object, compact: half the zspages go. */
START_TEST(compact_half)
{
	const char *profiles[] = { "6.18", "6.6", "6.1", "4.19" };
	for (int pi = 0; pi < 4; pi++) {
		struct zsim_allocator *a = pool_new(profiles[pi], NULL);
		enum { N = 512 };
		zsim_handle h[N];
		for (int i = 0; i < N; i++)
			h[i] = xmalloc(a, 24);  /* class 32: 4 zspages of 1 page */
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 4);
		for (int i = 0; i < N; i += 2)
			zsim_alloc_free(a, h[i]);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 4);
		ck_assert_uint_eq(row_of(a, 32).freeable, 2);
		ck_assert_uint_eq(zsim_alloc_compact(a), 2);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 2);
		ck_assert_uint_eq(row_of(a, 32).freeable, 0);
		assert_ok(a);
		ck_assert_uint_eq(zsim_alloc_compact(a), 0);
		for (int i = 1; i < N; i += 2)
			zsim_alloc_free(a, h[i]);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
		assert_ok(a);
		zsim_allocator_free(a);
	}
}
END_TEST

/* A multi-page class: 40 + 8 = 48, 3 pages and 256 objects per zspage (chain 8). */
START_TEST(compact_multipage)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	enum { N = 512 };
	zsim_handle h[N];
	for (int i = 0; i < N; i++)
		h[i] = xmalloc(a, 40);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 6);
	for (int i = 0; i < N; i += 2)
		zsim_alloc_free(a, h[i]);
	ck_assert_uint_eq(zsim_alloc_compact(a), 3);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 3);
	assert_ok(a);
	/* Three-quarters full everywhere: nothing to gain. */
	zsim_allocator_free(a);

	a = pool_new("6.18", NULL);
	for (int i = 0; i < N; i++)
		h[i] = xmalloc(a, 40);
	for (int i = 0; i < N; i += 4)
		zsim_alloc_free(a, h[i]);      /* 384 of 512 used: 128 free < 256 */
	ck_assert_uint_eq(zsim_alloc_compact(a), 0);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 6);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

/*
 * Which objects move, and where (6.18, class 32: 128 per page).
 * A keeps 20 (a[0..19] in slots 0..19), B 120 (8 free), C 60.
 * Compaction: dst B (fullest), src A (emptiest): a[0..7], the lowest slots,
 * fill B; then dst C takes a[8..19]; A is freed.  So freeing B's own objects
 * and a[0..7] must empty B.
 */
START_TEST(compact_moves_lowest_slots)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	zsim_handle A[128], B[128], C[128];
	for (int i = 0; i < 128; i++)
		A[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		B[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		C[i] = xmalloc(a, 24);
	for (int i = 20; i < 128; i++)
		zsim_alloc_free(a, A[i]);
	for (int i = 0; i < 8; i++)
		zsim_alloc_free(a, B[i]);
	for (int i = 60; i < 128; i++)
		zsim_alloc_free(a, C[i]);
	ck_assert_uint_eq(row_of(a, 32).freeable, 1);
	ck_assert_uint_eq(zsim_alloc_compact(a), 1);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 2);
	assert_ok(a);
	for (int i = 8; i < 128; i++)
		zsim_alloc_free(a, B[i]);
	for (int i = 0; i < 8; i++)
		zsim_alloc_free(a, A[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	for (int i = 0; i < 60; i++)
		zsim_alloc_free(a, C[i]);
	for (int i = 8; i < 20; i++)
		zsim_alloc_free(a, A[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

/*
 * Slot reuse is LIFO and fullness lists take new members at the head (6.18).
 * A: free a[5] then a[9]; x then gets slot 9 and y slot 5.  B and C each lose
 * one object (C last, so C heads the 99% group).  Compaction scans A from slot
 * 0: y (slot 5) goes to C, which fills; x goes to B.  So C's objects plus y
 * empty C.
 */
START_TEST(compact_lifo_and_head)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	zsim_handle A[128], B[128], C[128], x, y;
	for (int i = 0; i < 128; i++)
		A[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		B[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		C[i] = xmalloc(a, 24);
	zsim_alloc_free(a, A[5]);
	zsim_alloc_free(a, A[9]);
	x = xmalloc(a, 24);
	y = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		if (i != 5 && i != 9)
			zsim_alloc_free(a, A[i]);
	zsim_alloc_free(a, B[0]);
	zsim_alloc_free(a, C[0]);
	ck_assert_uint_eq(zsim_alloc_compact(a), 1);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 2);
	assert_ok(a);
	for (int i = 1; i < 128; i++)
		zsim_alloc_free(a, C[i]);
	zsim_alloc_free(a, y);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	for (int i = 1; i < 128; i++)
		zsim_alloc_free(a, B[i]);
	zsim_alloc_free(a, x);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

/*
 * From 6.4 a zspage put back goes to the head even with fewer in use (6.18).
 * X (127 in use) and D (117) share the 90% group, D at the head; S holds 2.
 * Compaction moves S's two into D (119) and puts D back at the head, so the
 * next 9 objects fill D and X can then empty.
 */
START_TEST(new_putback_at_head)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	zsim_handle X[128], D[128], S[128], n[9];
	for (int i = 0; i < 128; i++)
		X[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		D[i] = xmalloc(a, 24);
	for (int i = 0; i < 128; i++)
		S[i] = xmalloc(a, 24);
	zsim_alloc_free(a, X[0]);
	for (int i = 0; i < 11; i++)
		zsim_alloc_free(a, D[i]);
	for (int i = 2; i < 128; i++)
		zsim_alloc_free(a, S[i]);
	ck_assert_uint_eq(zsim_alloc_compact(a), 1);
	for (int i = 0; i < 9; i++)
		n[i] = xmalloc(a, 24);
	for (int i = 1; i < 128; i++)
		zsim_alloc_free(a, X[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 1);
	for (int i = 11; i < 128; i++)
		zsim_alloc_free(a, D[i]);
	zsim_alloc_free(a, S[0]);
	zsim_alloc_free(a, S[1]);
	for (int i = 0; i < 9; i++)
		zsim_alloc_free(a, n[i]);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

static void snapshot(const struct zsim_allocator *a, struct zsim_alloc_class_stat *rows)
{
	size_t n = a->ops->nr_classes(a->priv);
	for (size_t i = 0; i < n; i++)
		a->ops->class_stat(a->priv, i, &rows[i]);
}

START_TEST(frames_refused)
{
	struct frames f;
	frames_init(&f, 8);
	struct zsim_allocator *a = pool_new("6.18", &f);
	enum { N = 8 * 128 };
	static zsim_handle h[N];
	zsim_handle t;
	for (int i = 0; i < N; i++)
		h[i] = xmalloc(a, 24);     /* class 32: 8 zspages of 1 page, all full */
	ck_assert_uint_eq(f.held, 8);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 8);
	struct zsim_alloc_class_stat before[256], after[256];
	size_t n = a->ops->nr_classes(a->priv);
	snapshot(a, before);
	ck_assert_int_eq(zsim_alloc_malloc(a, 24, &t), ZSIM_ENOMEM);
	ck_assert_int_eq(zsim_alloc_malloc(a, 2056, &t), ZSIM_ENOMEM);
	ck_assert_int_eq(zsim_alloc_malloc(a, 4096, &t), ZSIM_ENOMEM);
	snapshot(a, after);
	ck_assert_mem_eq(before, after, n * sizeof(before[0]));
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 8);
	assert_ok(a);
	/* A freed slot is reused without a new frame. */
	zsim_alloc_free(a, h[77]);
	h[77] = xmalloc(a, 24);
	ck_assert_uint_eq(f.held, 8);
	for (int i = 0; i < N; i++)
		zsim_alloc_free(a, h[i]);
	ck_assert_uint_eq(f.held, 0);
	t = xmalloc(a, 4096);
	ck_assert_uint_eq(f.held, 1);
	zsim_alloc_free(a, t);
	ck_assert_uint_eq(f.held, 0);
	assert_ok(a);
	zsim_allocator_free(a);
}
END_TEST

START_TEST(bad_free_reported)
{
	struct zsim_allocator *a = pool_new("6.18", NULL);
	zsim_handle h = xmalloc(a, 100);
	zsim_alloc_free(a, h);
	zsim_alloc_free(a, h);
	char msg[128];
	ck_assert_int_eq(zsim_alloc_check(a, msg, sizeof(msg)), ZSIM_ECORRUPT);
	zsim_allocator_free(a);
}
END_TEST

START_TEST(pools_independent)
{
	struct zsim_allocator *a = pool_new("6.18", NULL), *b = pool_new("4.19", NULL);
	zsim_handle ha = xmalloc(a, 200), hb = xmalloc(b, 200);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 3);   /* 208: 3 pages under chain 8 */
	ck_assert_uint_eq(zsim_alloc_total_pages(b), 2);   /* 208: 2 pages under chain 4 */
	zsim_alloc_free(a, ha);
	ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
	ck_assert_uint_eq(zsim_alloc_total_pages(b), 2);
	zsim_alloc_free(b, hb);
	assert_ok(a);
	assert_ok(b);
	zsim_allocator_free(a);
	zsim_allocator_free(b);
}
END_TEST

/* xorshift64*: deterministic and independent of libc. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/*
 * Seeded random malloc/free/compact with check() after every step; pages from
 * the class rows, the frame source's count and total_pages all agree.
 */
START_TEST(random_walk)
{
	for (size_t pi = 0; pi < zsim_kprofile_count(); pi++) {
		struct frames f;
		frames_init(&f, 400);
		struct zsim_allocator *a = pool_new(zsim_kprofile_at(pi)->name, &f);
		enum { MAXLIVE = 600, STEPS = 3000 };
		zsim_handle live[MAXLIVE];
		size_t nlive = 0;
		uint64_t s = 0x9e3779b97f4a7c15ULL + pi;
		for (int step = 0; step < STEPS; step++) {
			uint64_t r = rnd(&s);
			if (r % 97 == 0) {
				uint64_t before = zsim_alloc_total_pages(a);
				uint64_t want = 0;
				size_t n = a->ops->nr_classes(a->priv);
				for (size_t k = 0; k < n; k++) {
					struct zsim_alloc_class_stat st;
					a->ops->class_stat(a->priv, k, &st);
					want += st.freeable;
				}
				uint64_t got = zsim_alloc_compact(a);
				ck_assert_uint_eq(got, want);   /* nothing blocks the model's compaction */
				ck_assert_uint_eq(zsim_alloc_total_pages(a), before - got);
			} else if (nlive && (nlive == MAXLIVE || r % 5 < 2)) {
				size_t i = (r >> 8) % nlive;
				zsim_alloc_free(a, live[i]);
				live[i] = live[--nlive];
			} else {
				/* Sizes: mostly compressible pages, some near and above the huge limit. */
				size_t size = (r >> 16) % 8 == 0 ? 3000 + (r >> 24) % 1097 : 1 + (r >> 24) % 3000;
				zsim_handle h;
				int rc = zsim_alloc_malloc(a, size, &h);
				if (rc == 0)
					live[nlive++] = h;
				else
					ck_assert_int_eq(rc, ZSIM_ENOMEM);
			}
			assert_ok(a);
			uint64_t pages = 0, used = 0;
			size_t n = a->ops->nr_classes(a->priv);
			for (size_t k = 0; k < n; k++) {
				struct zsim_alloc_class_stat st;
				a->ops->class_stat(a->priv, k, &st);
				ck_assert_uint_eq(st.pages % st.pages_per_unit, 0);
				ck_assert_uint_eq(st.pages, st.units * st.pages_per_unit);
				ck_assert_uint_le(st.objs_used, st.objs_allocated);
				pages += st.pages;
				used += st.objs_used;
			}
			ck_assert_uint_eq(pages, zsim_alloc_total_pages(a));
			ck_assert_uint_eq(f.held, pages);
			ck_assert_uint_eq(used, nlive);
		}
		while (nlive)
			zsim_alloc_free(a, live[--nlive]);
		ck_assert_uint_eq(zsim_alloc_total_pages(a), 0);
		ck_assert_uint_eq(f.held, 0);
		assert_ok(a);
		zsim_allocator_free(a);
	}
}
END_TEST

Suite *suite_zsmalloc(void)
{
	Suite *s = suite_create("zsmalloc");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, classes_chain8);
	tcase_add_test(tc, classes_chain4);
	tcase_add_test(tc, classes_all_profiles);
	tcase_add_test(tc, page_accounting);
	tcase_add_test(tc, alloc_prefers_fullest);
	tcase_add_test(tc, old_insert_order);
	tcase_add_test(tc, compact_half);
	tcase_add_test(tc, compact_multipage);
	tcase_add_test(tc, compact_moves_lowest_slots);
	tcase_add_test(tc, compact_lifo_and_head);
	tcase_add_test(tc, new_putback_at_head);
	tcase_add_test(tc, frames_refused);
	tcase_add_test(tc, bad_free_reported);
	tcase_add_test(tc, pools_independent);
	tcase_add_test(tc, random_walk);
	suite_add_tcase(s, tc);
	return s;
}
