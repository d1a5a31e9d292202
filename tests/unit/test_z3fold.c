/*
 * test_z3fold.c - the z3fold model against values worked out by hand from
 * the kernel's constants (64 B chunks, 2-chunk header in the profiles, so
 * NCHUNKS 62, headed objects up to 3904 B, headless above, at most 3 objects
 * per page, get_free_buddy slot choice, in-page and inter-page compaction).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/allocator.h"
#include "alloc_test.h"

Suite *suite_z3fold(void);




/* A copy of a profile with another header size (the early 1-chunk header). */
static void inst_new_kp(struct inst *in, const struct zsim_kprofile *kp)
{
	memset(in, 0, sizeof(*in));
	in->ops = &zsim_allocator_z3fold;
	in->fr.limit = UINT32_MAX;
	in->src = (struct zsim_frame_source){ fr_get, fr_put, &in->fr };
	in->priv = calloc(1, in->ops->priv_size);
	struct zsim_alloc_params p = { .kp = kp, .frames = &in->src };
	ck_assert_int_eq(in->ops->init(in->priv, &p), 0);
}

START_TEST(triples_share_or_not)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_z3fold, "4.19");   /* 2-chunk header: NCHUNKS 62 */
	/* 1280 B = 20 chunks; FIRST, LAST, then MIDDLE at chunk 22: 60 <= 62. */
	zsim_handle a = put(&z, 1280), b = put(&z, 1280), c = put(&z, 1280);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle d = put(&z, 1280);                    /* never a fourth */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c); del(&z, d);
	ck_assert_uint_eq(pages(&z), 0);
	/* 1344 B = 21 chunks: 63 > 62, the third needs a new page. */
	a = put(&z, 1344); b = put(&z, 1344); c = put(&z, 1344);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	/* 16 + 16 + 30 chunks = 62: one page; 16 + 16 + 31 = 63: two. */
	a = put(&z, 1000); b = put(&z, 1000); c = put(&z, 1920);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, c);
	c = put(&z, 1984);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	/* 2048 + 1920 (32 + 30 = 62): a pair fills a page. */
	a = put(&z, 2048); b = put(&z, 1920); c = put(&z, 64);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	ck_assert_uint_eq(pages(&z), 0);
	inst_del(&z);
}
END_TEST

START_TEST(largest_and_headless)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_z3fold, "6.1");
	zsim_handle h = 0;
	ck_assert_uint_eq(z.ops->max_size(z.priv), 4096);
	ck_assert_uint_eq(z.ops->huge_size(z.priv), 3905);
	ck_assert_int_eq(z.ops->malloc(z.priv, 4097, &h), ZSIM_ENOSPC);
	ck_assert_int_eq(z.ops->malloc(z.priv, 0, &h), ZSIM_EINVAL);
	/* 3904 B = 61 chunks, the largest headed object; 1 chunk stays free. */
	zsim_handle a = put(&z, 3904), b = put(&z, 64);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a); del(&z, b);
	/* 3905 B goes headless: a page of its own, shared with nobody. */
	a = put(&z, 3905); b = put(&z, 64);
	ck_assert_uint_eq(pages(&z), 2);
	zsim_handle c = put(&z, 4096), d = put(&z, 4000);
	ck_assert_uint_eq(pages(&z), 4);
	struct zsim_alloc_class_stat st;
	size_t rows = z.ops->nr_classes(z.priv);
	ck_assert_uint_eq(rows, 62);                      /* 61 headed sizes + headless */
	z.ops->class_stat(z.priv, rows - 1, &st);
	ck_assert_uint_eq(st.size, 4096);
	ck_assert_uint_eq(st.objs_used, 3);
	ck_assert_uint_eq(st.pages, 3);
	ck_assert_uint_eq(st.objs_per_unit, 1);
	z.ops->class_stat(z.priv, 0, &st);
	ck_assert_uint_eq(st.objs_used, 1);
	ck_assert_uint_eq(st.objs_per_unit, 3);
	del(&z, a); del(&z, b); del(&z, c); del(&z, d);
	ck_assert_uint_eq(pages(&z), 0);
	ck_assert_ptr_null(z.ops->compact);
	inst_del(&z);
}
END_TEST

START_TEST(one_chunk_header)
{
	struct zsim_kprofile kp = *zsim_kprofile_find("4.19");
	kp.z3fold_header_chunks = 1;                      /* NCHUNKS 63, as in the first versions */
	struct inst z;
	inst_new_kp(&z, &kp);
	ck_assert_uint_eq(z.ops->huge_size(z.priv), 3969);
	zsim_handle a = put(&z, 1344), b = put(&z, 1344), c = put(&z, 1344); /* 21 x 3 = 63 */
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a); del(&z, b); del(&z, c);
	a = put(&z, 3968); b = put(&z, 64);               /* 62 + 1 = 63 */
	ck_assert_uint_eq(pages(&z), 1);
	c = put(&z, 3969);                                /* headless */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, a); del(&z, b); del(&z, c);
	inst_del(&z);
}
END_TEST

/* After frees the middle object moves: to FIRST when alone, or slides by >= 3 chunks. */
START_TEST(layout_compaction)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_z3fold, "4.19");
	/* FIRST [2,12), MIDDLE [12,22), LAST [54,64). */
	zsim_handle a = put(&z, 640), b = put(&z, 640), c = put(&z, 640);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, a);          /* middle slides up next to LAST: starts at 44 */
	del(&z, b);          /* middle alone: becomes FIRST [2,12), 52 chunks free */
	zsim_handle d = put(&z, 52 * 64);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, c); del(&z, d);

	/* Slide down towards FIRST when that gains >= 3 chunks. */
	a = put(&z, 640); b = put(&z, 640); c = put(&z, 640);
	del(&z, a);          /* middle at [44,54) */
	d = put(&z, 128);    /* FIRST [2,4) */
	del(&z, b);          /* gap 40 before the middle: slides to [4,14), 50 free after */
	zsim_handle e = put(&z, 50 * 64);
	ck_assert_uint_eq(pages(&z), 1);
	del(&z, c); del(&z, d); del(&z, e);

	/* A gap of 2 chunks is not worth a move. */
	a = put(&z, 640); b = put(&z, 640); c = put(&z, 640);
	del(&z, a);          /* middle at [44,54) */
	d = put(&z, 40 * 64);/* FIRST [2,42): gap of 2 before the middle */
	del(&z, b);          /* no slide: 10 chunks free after the middle */
	e = put(&z, 11 * 64);
	ck_assert_uint_eq(pages(&z), 2);
	zsim_handle f = put(&z, 10 * 64);                /* exactly the 10 after it */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, c); del(&z, d); del(&z, e); del(&z, f);
	ck_assert_uint_eq(pages(&z), 0);

	/* The same on the LAST side: a gap of 2 after the middle stays. */
	a = put(&z, 640); b = put(&z, 640); c = put(&z, 640);   /* middle [12,22) */
	del(&z, b);          /* FIRST still there, gap 0 before the middle: no move */
	d = put(&z, 40 * 64);/* LAST [24,64): gap of 2 after the middle */
	del(&z, a);          /* no slide: 10 chunks free before the middle */
	e = put(&z, 11 * 64);
	ck_assert_uint_eq(pages(&z), 2);
	f = put(&z, 10 * 64);
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, c); del(&z, d); del(&z, e); del(&z, f);
	ck_assert_uint_eq(pages(&z), 0);
	inst_del(&z);
}
END_TEST

/* A lone buddy moves into another page that has room, freeing its own page. */
START_TEST(lone_buddy_moves)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_z3fold, "6.6");
	zsim_handle A = put(&z, 1920), B = put(&z, 1920);  /* P1: 30 + 30, 2 free */
	zsim_handle C = put(&z, 1920), D = put(&z, 640);   /* P2: 30 + 10, 22 free */
	zsim_handle E = put(&z, 1600);                     /* 25 chunks: P3, 37 free */
	ck_assert_uint_eq(pages(&z), 3);
	del(&z, D);          /* C alone in P2 -> moves to P3 as LAST; P2 freed */
	ck_assert_uint_eq(pages(&z), 2);
	zsim_handle F = put(&z, 1920);                     /* P1 2 free, P3 7 free: P4, 32 free */
	ck_assert_uint_eq(pages(&z), 3);
	del(&z, E);          /* C alone in P3 but moved there (foreign): stays, though P4 has room */
	ck_assert_uint_eq(pages(&z), 3);
	del(&z, A);          /* B alone in P1 -> head of unbuddied[32] is P3 (filed last); P1 freed */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, C);          /* P3: B alone, foreign: stays */
	ck_assert_uint_eq(pages(&z), 2);
	del(&z, B); del(&z, F);
	ck_assert_uint_eq(pages(&z), 0);
	inst_del(&z);
}
END_TEST

START_TEST(frames_refused)
{
	struct inst z;
	inst_new(&z, &zsim_allocator_z3fold, "5.4");
	z.fr.limit = 1;
	zsim_handle a = put(&z, 1000), h = 0;
	ck_assert_int_eq(z.ops->malloc(z.priv, 4000, &h), ZSIM_ENOMEM);   /* headless */
	ck_assert_int_eq(z.ops->malloc(z.priv, 3500, &h), ZSIM_ENOMEM);   /* 55 > 46 free */
	ok(&z);
	ck_assert_uint_eq(pages(&z), 1);
	zsim_handle b = put(&z, 1000), c = put(&z, 1000);
	del(&z, a); del(&z, b); del(&z, c);
	inst_del(&z);
}
END_TEST

START_TEST(profile_refusal)
{
	void *priv = calloc(1, zsim_allocator_z3fold.priv_size);
	struct zsim_alloc_params p = { .kp = zsim_kprofile_find("6.18") };
	ck_assert_int_eq(zsim_allocator_z3fold.init(priv, &p), ZSIM_ENOTSUP);
	memset(priv, 0, zsim_allocator_z3fold.priv_size);
	p.kp = zsim_kprofile_find("4.19");
	ck_assert_int_eq(zsim_allocator_z3fold.init(priv, &p), 0);
	zsim_allocator_z3fold.destroy(priv);
	/* A kernel before 4.8 had no z3fold. */
	struct zsim_kprofile old = *zsim_kprofile_find("4.19");
	old.has_z3fold = false;
	memset(priv, 0, zsim_allocator_z3fold.priv_size);
	p.kp = &old;
	ck_assert_int_eq(zsim_allocator_z3fold.init(priv, &p), ZSIM_ENOTSUP);
	free(priv);
}
END_TEST

START_TEST(random_property)
{
	uint64_t seed = 0x2545f4914f6cdd1dull ^ (uint64_t)(_i + 1) * 0x9876543ull;
	struct inst z, id;
	inst_new(&z, &zsim_allocator_z3fold, _i & 1 ? "6.1" : "4.19");
	inst_new(&id, &zsim_allocator_ideal, "6.1");
	enum { N = 600 };
	zsim_handle hz[N] = {0}, hi[N] = {0};
	unsigned live = 0, headless = 0;
	size_t sizes[N] = {0};
	for (int step = 0; step < 6000; step++) {
		unsigned k = (unsigned)(rng(&seed) % N);
		if (hz[k]) {
			del(&z, hz[k]); del(&id, hi[k]);
			hz[k] = hi[k] = 0;
			live--;
			headless -= sizes[k] >= 3905;
		} else {
			size_t sz = draw_size(&seed, 4096);
			hz[k] = put(&z, sz);
			hi[k] = put(&id, sz);
			sizes[k] = sz;
			live++;
			headless += sz >= 3905;
		}
		ck_assert_uint_ge(pages(&z), pages(&id));
		/* never more than 3 per headed page, 1 per headless page */
		ck_assert_uint_le(live - headless, 3 * (pages(&z) - headless));
	}
	for (unsigned k = 0; k < N; k++)
		if (hz[k]) { del(&z, hz[k]); del(&id, hi[k]); }
	ck_assert_uint_eq(pages(&z), 0);
	inst_del(&z);
	inst_del(&id);
}
END_TEST

Suite *suite_z3fold(void)
{
	Suite *s = suite_create("z3fold");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, triples_share_or_not);
	tcase_add_test(tc, largest_and_headless);
	tcase_add_test(tc, one_chunk_header);
	tcase_add_test(tc, layout_compaction);
	tcase_add_test(tc, lone_buddy_moves);
	tcase_add_test(tc, frames_refused);
	tcase_add_test(tc, profile_refusal);
	tcase_add_loop_test(tc, random_property, 0, 4);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
