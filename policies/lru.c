/*
 * lru.c - exact LRU: one list per type, every access moves the page to the
 * head, eviction takes the tail.  Not what the kernel does (it never sees
 * every access); it exists so zsim can be cross-checked against cache
 * simulators: with no reserve, no watermarks and a free swap device, major
 * faults equal the misses of an LRU cache of the same size.
 */
#include "reclaim.h"

struct lru {
	struct zsim_frame *fr;
	const struct zsim_reclaim_env *env;
	struct zsim_flist l[ZSIM_LRU_TYPES];
};

static int lru_init(void *priv, struct zsim_frame *frames, uint32_t nr, const struct zsim_reclaim_env *env)
{
	struct lru *p = priv;
	(void)nr;
	/* exact LRU orders by touch(); accessed bits are never read, env only
	 * lends its prefetch */
	p->env = env;
	p->fr = frames;
	for (int t = 0; t < ZSIM_LRU_TYPES; t++)
		zsim_flist_init(&p->l[t]);
	return 0;
}

static void lru_add(void *priv, uint32_t f, int type, bool active)
{
	(void)active;
	struct lru *p = priv;
	zsim_flist_push(p->fr, &p->l[type], f, (uint8_t)type);
}

static void lru_del(void *priv, uint32_t f)
{
	struct lru *p = priv;
	zsim_flist_del(p->fr, &p->l[p->fr[f].list], f);
}

static void lru_clear(void *priv)
{
	struct lru *p = priv;
	for (int i = 0; i < ZSIM_LRU_TYPES; i++)
		zsim_flist_init(&p->l[i]);
}

static void lru_touch(void *priv, uint32_t f)
{
	struct lru *p = priv;
	uint8_t t = p->fr[f].list;
	if (p->l[t].head == f)
		return;
	zsim_flist_del(p->fr, &p->l[t], f);
	zsim_flist_push(p->fr, &p->l[t], f, t);
}

/* touch(f) and del(f) unlink f: its neighbours' links are written (touch
 * writes the head's too, but the head was touched last and is cached). */
static void lru_prefetch(const void *priv, uint32_t f)
{
	const struct lru *p = priv;
	zsim_flist_prefetch_links(p->fr, f);
}

static size_t lru_isolate(void *priv, int type, size_t scan, uint32_t *out, size_t nr, uint64_t *rotated)
{
	struct lru *p = priv;
	size_t n = 0;
	(void)rotated;
	while (n < nr && n < scan && p->l[type].tail != ZSIM_FRAME_NONE) {
		uint32_t f = p->l[type].tail;
		zsim_flist_del(p->fr, &p->l[type], f);
		p->fr[f].pflags &= (uint8_t)~ZSIM_PG_REFERENCED;
		out[n++] = f;
		zsim_flist_prefetch_tail(p->env, p->fr, &p->l[type]);
	}
	return n;
}

static void lru_putback(void *priv, uint32_t f, int type, bool activate)
{
	struct lru *p = priv;
	(void)activate;
	zsim_flist_push(p->fr, &p->l[type], f, (uint8_t)type);
}

/* one list per type: the tail is where reclaim looks next */
static void lru_rotate(void *priv, uint32_t f, bool from_active)
{
	(void)from_active;
	struct lru *p = priv;
	uint8_t t = p->fr[f].list;
	zsim_flist_move_tail(p->fr, &p->l[t], &p->l[t], f, t);
}

static uint64_t lru_size(const void *priv, int type)
{
	return ((const struct lru *)priv)->l[type].len;
}

static int lru_check(const void *priv, char *msg, size_t len)
{
	const struct lru *p = priv;
	for (int t = 0; t < ZSIM_LRU_TYPES; t++) {
		int rc = zsim_flist_check(p->fr, &p->l[t], (uint8_t)t, t ? "file" : "anon", msg, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct zsim_reclaim_ops zsim_reclaim_lru = {
	.name = "lru",
	.priv_size = sizeof(struct lru),
	.init = lru_init,
	.add = lru_add,
	.del = lru_del,
	.clear = lru_clear,
	.touch = lru_touch,
	.prefetch = lru_prefetch,
	.isolate = lru_isolate,
	.putback = lru_putback,
	.rotate = lru_rotate,
	.size = lru_size,
	.check = lru_check,
};
