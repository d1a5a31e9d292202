/*
 * clock.c - CLOCK (second chance), one clock per type.  The hand is the list
 * tail: a page whose REFERENCED flag is set has it cleared and goes to the
 * head; an unreferenced page is the victim.  The classic approximation of LRU
 * that needs only an accessed bit; the kernel's two lists refine it.
 */
#include "reclaim.h"

struct clk {
	struct zsim_frame *fr;
	const struct zsim_reclaim_env *env;
	struct zsim_flist l[ZSIM_LRU_TYPES];
};

static int clk_init(void *priv, struct zsim_frame *frames, uint32_t nr, const struct zsim_reclaim_env *env)
{
	struct clk *p = priv;
	(void)nr;
	p->fr = frames;
	p->env = env;
	for (int t = 0; t < ZSIM_LRU_TYPES; t++)
		zsim_flist_init(&p->l[t]);
	return 0;
}

static void clk_add(void *priv, uint32_t f, int type, bool active)
{
	(void)active;
	struct clk *p = priv;
	zsim_flist_push(p->fr, &p->l[type], f, (uint8_t)type);
}

static void clk_del(void *priv, uint32_t f)
{
	struct clk *p = priv;
	zsim_flist_del(p->fr, &p->l[p->fr[f].list], f);
}

static void clk_clear(void *priv)
{
	struct clk *p = priv;
	for (int i = 0; i < ZSIM_LRU_TYPES; i++)
		zsim_flist_init(&p->l[i]);
}

static void clk_prefetch(const void *priv, uint32_t f)
{
	const struct clk *p = priv;
	zsim_flist_prefetch_links(p->fr, f);   /* del(f) unlinks it */
}

static size_t clk_isolate(void *priv, int type, size_t scan, uint32_t *out, size_t nr, uint64_t *rotated)
{
	struct clk *p = priv;
	size_t n = 0;
	for (size_t s = 0; s < scan && n < nr && p->l[type].tail != ZSIM_FRAME_NONE; s++) {
		uint32_t f = p->l[type].tail;
		zsim_flist_del(p->fr, &p->l[type], f);
		zsim_flist_prefetch_tail(p->env, p->fr, &p->l[type]);
		zsim_reclaim_harvest(p->env, p->fr, f);
		if (p->fr[f].pflags & ZSIM_PG_REFERENCED) {
			p->fr[f].pflags &= (uint8_t)~ZSIM_PG_REFERENCED;
			zsim_flist_push(p->fr, &p->l[type], f, (uint8_t)type);
			(*rotated)++;
		} else {
			out[n++] = f;
		}
	}
	return n;
}

static void clk_putback(void *priv, uint32_t f, int type, bool activate)
{
	struct clk *p = priv;
	if (activate)
		p->fr[f].pflags |= ZSIM_PG_REFERENCED;
	zsim_flist_push(p->fr, &p->l[type], f, (uint8_t)type);
}

/* one list per type: the tail is where reclaim looks next */
static void clk_rotate(void *priv, uint32_t f, bool from_active)
{
	(void)from_active;
	struct clk *p = priv;
	uint8_t t = p->fr[f].list;
	zsim_flist_move_tail(p->fr, &p->l[t], &p->l[t], f, t);
}

static uint64_t clk_size(const void *priv, int type)
{
	return ((const struct clk *)priv)->l[type].len;
}

static int clk_check(const void *priv, char *msg, size_t len)
{
	const struct clk *p = priv;
	for (int t = 0; t < ZSIM_LRU_TYPES; t++) {
		int rc = zsim_flist_check(p->fr, &p->l[t], (uint8_t)t, t ? "file" : "anon", msg, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

const struct zsim_reclaim_ops zsim_reclaim_clock = {
	.name = "clock",
	.priv_size = sizeof(struct clk),
	.init = clk_init,
	.add = clk_add,
	.del = clk_del,
	.clear = clk_clear,
	.prefetch = clk_prefetch,
	.isolate = clk_isolate,
	.putback = clk_putback,
	.rotate = clk_rotate,
	.size = clk_size,
	.check = clk_check,
};
