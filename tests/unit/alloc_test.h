/*
 * alloc_test.h - what the allocator test suites share: a counting frame
 * source with a limit, an instance made straight from an ops table, and
 * store/free helpers that verify the allocator's invariants (check()) and its
 * frame accounting after every step.  Included by test_zbud.c, test_z3fold.c
 * and test_ideal.c; every function is static, so each suite has its own copy.
 */
#ifndef ZSIM_ALLOC_TEST_H
#define ZSIM_ALLOC_TEST_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/allocator.h"

#define UNUSED_OK __attribute__((unused))

/* A counting frame source with a limit. */
struct frames { unsigned held, limit; };

UNUSED_OK static int fr_get(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	if (f->held + n > f->limit)
		return ZSIM_ENOMEM;
	f->held += n;
	return 0;
}

UNUSED_OK static void fr_put(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	ck_assert_uint_ge(f->held, n);
	f->held -= n;
}

struct inst {
	const struct zsim_allocator_ops *ops;
	void *priv;
	struct frames fr;
	struct zsim_frame_source src;
};

UNUSED_OK static void inst_new(struct inst *in, const struct zsim_allocator_ops *ops, const char *profile)
{
	const struct zsim_kprofile *kp = zsim_kprofile_find(profile);
	ck_assert_ptr_nonnull(kp);
	memset(in, 0, sizeof(*in));
	in->ops = ops;
	in->fr.limit = UINT32_MAX;
	in->src = (struct zsim_frame_source){ fr_get, fr_put, &in->fr };
	in->priv = calloc(1, ops->priv_size);
	struct zsim_alloc_params p = { .kp = kp, .frames = &in->src };
	ck_assert_int_eq(ops->init(in->priv, &p), 0);
}

UNUSED_OK static void inst_del(struct inst *in)
{
	in->ops->destroy(in->priv);
	ck_assert_uint_eq(in->fr.held, 0);
	free(in->priv);
}

UNUSED_OK static void ok(struct inst *in)
{
	char msg[256] = "";
	int rc = in->ops->check(in->priv, msg, sizeof(msg));
	ck_assert_msg(rc == 0, "check: %s", msg);
	ck_assert_uint_eq(in->fr.held, in->ops->total_pages(in->priv));
}

UNUSED_OK static zsim_handle put(struct inst *in, size_t size)
{
	zsim_handle h = 0;
	ck_assert_int_eq(in->ops->malloc(in->priv, size, &h), 0);
	ck_assert_uint_ne(h, 0);
	ok(in);
	return h;
}

UNUSED_OK static uint64_t pages(struct inst *in) { return in->ops->total_pages(in->priv); }

UNUSED_OK static void del(struct inst *in, zsim_handle h)
{
	in->ops->free(in->priv, h);
	ok(in);
}

UNUSED_OK static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17;
	return *s;
}

/* A size mix like compressed pages: many small, a hump mid-page, some near-full. */
UNUSED_OK static size_t draw_size(uint64_t *s, size_t max)
{
	uint64_t r = rng(s);
	size_t sz;
	switch (r % 4) {
	case 0: sz = 1 + (r >> 8) % 512; break;
	case 1: sz = 512 + (r >> 8) % 1536; break;
	case 2: sz = 1000 + (r >> 8) % 2000; break;
	default: sz = 1 + (r >> 8) % max; break;
	}
	return sz > max ? max : sz;
}

#endif
