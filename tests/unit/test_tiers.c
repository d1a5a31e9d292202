/*
 * test_tiers.c - the tier family's plumbing (tiers/registry.c, core/keys.c) and
 * brd, the tier that proves a tier is one file and one registry line: its
 * device type, keys, defaults and errors come from its ops table alone.
 */
#include <check.h>
#include <string.h>

#include "tiers/tier.h"

/* A frame source with a fixed number of frames. */
struct frames {
	unsigned left, taken;
};
static int fr_get(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	if (f->left < n)
		return ZSIM_ENOMEM;
	f->left -= n;
	f->taken += n;
	return 0;
}
static void fr_put(void *ctx, unsigned n)
{
	struct frames *f = ctx;
	f->left += n;
	f->taken -= n;
}

static uint64_t stat(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	ck_assert_msg(zsim_tier_stat(t, name, &v) == 0, "no counter %s", name);
	return v;
}

static void ok(const struct zsim_tier *t)
{
	char msg[256] = "";
	ck_assert_msg(t->ops->check(t->priv, msg, sizeof(msg)) == 0, "%s", msg);
}

/* brd takes a frame at the first write of an offset and keeps it: freeing the
 * slot gives nothing back, rewriting it takes nothing new. */
START_TEST(test_brd_frames)
{
	struct frames f = { .left = 3 };
	struct zsim_frame_source src = { fr_get, fr_put, &f };
	const struct zsim_tier_ops *ops;
	unsigned preset;
	ck_assert_int_eq(zsim_tier_type_find("brd", &ops, &preset), 0);
	ck_assert_ptr_eq(ops, &zsim_tier_brd);
	struct zsim_tier_params p = { .kp = zsim_kprofile_find("6.1"), .frames = &src, .capacity_pages = 8 };
	struct zsim_tier *t;
	char err[256] = "";
	ck_assert_msg(zsim_tier_new("brd", &p, &t, err, sizeof(err)) == 0, "%s", err);
	struct zsim_page_ref pg = { 0 };
	ck_assert_int_eq(t->ops->store(t->priv, 0, &pg), 0);
	ck_assert_int_eq(t->ops->store(t->priv, 1, &pg), 0);
	ck_assert_uint_eq(f.taken, 2);
	t->ops->invalidate(t->priv, 0);             /* a freed swap slot */
	ck_assert_uint_eq(f.taken, 2);
	ck_assert_uint_eq(stat(t, "pages_held"), 2);
	ck_assert_uint_eq(stat(t, "pages_used"), 1);
	ck_assert_int_eq(t->ops->store(t->priv, 0, &pg), 0);   /* rewritten: same page */
	ck_assert_uint_eq(f.taken, 2);
	ck_assert_int_eq(t->ops->store(t->priv, 2, &pg), 0);   /* the third and last frame */
	ck_assert_int_eq(t->ops->store(t->priv, 3, &pg), ZSIM_ENOMEM);
	ck_assert_uint_eq(stat(t, "failed_writes"), 1);
	ck_assert_int_eq(t->ops->store(t->priv, 8, &pg), ZSIM_ERANGE);
	uint64_t ram = 0;
	ck_assert_int_eq(zsim_tier_control(t, ZSIM_TCTL_RAM_PAGES, &ram), 0);
	ck_assert_uint_eq(ram, 3);
	bool sync = false;
	ck_assert_int_eq(zsim_tier_control(t, ZSIM_TCTL_SYNC_IO, &sync), 0);
	ck_assert(sync);
	ck_assert_int_eq(zsim_tier_control(t, ZSIM_TCTL_COMPACT, &ram), ZSIM_ENOTSUP);
	ok(t);
	/* each copy costs copy_time (default 250ns) of the submitting task's CPU */
	uint64_t cpu = 0;
	ck_assert_uint_eq(t->ops->io(t->priv, 1000, false, 0, 4, &cpu), 1000);
	ck_assert_uint_eq(cpu, 1000);
	zsim_tier_free(t);
}
END_TEST

/* Before 4.15 brd was not a synchronous device: swap-ins go through the swap cache. */
START_TEST(test_brd_sync_by_profile)
{
	struct zsim_tier_params p = { .kp = zsim_kprofile_find("3.12"), .capacity_pages = 4 };
	struct zsim_tier *t;
	char err[256] = "";
	ck_assert_msg(zsim_tier_new("brd", &p, &t, err, sizeof(err)) == 0, "%s", err);
	bool sync = true;
	ck_assert_int_eq(zsim_tier_control(t, ZSIM_TCTL_SYNC_IO, &sync), 0);
	ck_assert(!sync);
	zsim_tier_free(t);
}
END_TEST

/* Settings from text: brd's copy_time takes a time with a unit, and its
 * value reaches the model. */
START_TEST(test_brd_settings)
{
	struct zsim_tier_cfg c;
	char err[256] = "";
	zsim_tier_cfg_defaults(&zsim_tier_brd, 0, &c);
	ck_assert_int_eq(zsim_tier_cfg_set(&zsim_tier_brd, &c, "copy_time", "250", err, sizeof(err)), ZSIM_EFORMAT);
	ck_assert_msg(strstr(err, "a time with a unit"), "%s", err);
	ck_assert_int_eq(zsim_tier_cfg_set(&zsim_tier_brd, &c, "copy_time", "2us", err, sizeof(err)), 0);
	ck_assert_int_eq(zsim_tier_cfg_set(&zsim_tier_brd, &c, "nosuch", "1", err, sizeof(err)), ZSIM_ENOENT);
	struct zsim_tier_params p = { .kp = zsim_kprofile_find("6.18"), .capacity_pages = 4, .cfg = c.b };
	struct zsim_tier *t;
	ck_assert_int_eq(zsim_tier_new("brd", &p, &t, err, sizeof(err)), 0);
	uint64_t cpu = 0;
	t->ops->io(t->priv, 0, true, 0, 1, &cpu);
	ck_assert_uint_eq(cpu, 2000);
	zsim_tier_free(t);
}
END_TEST

/* Device types come from the registry: blockdev's presets, zram and brd by name (zswap
 * is in front of the devices, not one of them);
 * a key names the types that have it. */
START_TEST(test_types_and_keys)
{
	char buf[256];
	ck_assert_uint_eq(zsim_tier_type_names(NULL, 0, buf, sizeof(buf)), 8);
	ck_assert_str_eq(buf, "zram, ssd, emmc, hdd, nvram, nas, brd, dmcache");
	ck_assert_uint_eq(zsim_tier_type_names("pe_cycles", 0, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "ssd, emmc");
	ck_assert_uint_eq(zsim_tier_type_names("writeback.mode", 0, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "zram");
	ck_assert_uint_eq(zsim_tier_type_names("nosuch", 0, buf, sizeof(buf)), 0);
	const struct zsim_tier_ops *ops;
	unsigned preset;
	ck_assert_int_eq(zsim_tier_type_find("hdd", &ops, &preset), 0);
	ck_assert_str_eq(ops->name, "blockdev");
	ck_assert_str_eq(zsim_tier_type_name(ops, preset), "hdd");
	ck_assert_int_eq(zsim_tier_type_find("blockdev", &ops, &preset), ZSIM_ENOENT);
	/* per-preset defaults: an hdd seeks, an ssd does not */
	struct zsim_tier_cfg c;
	const struct zsim_key *seek = zsim_keys_find(ops->keys, "seek");
	ck_assert_ptr_nonnull(seek);
	zsim_tier_cfg_defaults(ops, preset, &c);
	ck_assert(*(const bool *)(const void *)(c.b + seek->offset));
	ck_assert_int_eq(zsim_tier_type_find("ssd", &ops, &preset), 0);
	zsim_tier_cfg_defaults(ops, preset, &c);
	ck_assert(!*(const bool *)(const void *)(c.b + seek->offset));
}
END_TEST

/* The key grammar: times need units, sizes take suffixes, enums list their choices. */
START_TEST(test_keys_grammar)
{
	struct s { uint64_t t, sz; unsigned e; double r; } v;
	static const struct zsim_key tab[] = {
		{ "t", ZSIM_KEY_TIME, offsetof(struct s, t), 0, "1ms", { NULL }, 0, 1000, 0, NULL, 0, NULL },
		{ "sz", ZSIM_KEY_SIZE, offsetof(struct s, sz), 0, "4K", { NULL }, 0, 0, 0, NULL, 0, NULL },
		{ "g.e", ZSIM_KEY_ENUM, offsetof(struct s, e), 0, NULL, { NULL }, 0, 0, 0, "a,bb", ZSIM_KEY_REQUIRED, NULL },
		{ "r", ZSIM_KEY_REAL, offsetof(struct s, r), 0, "1.5", { NULL }, 0, 1, 3, NULL, 0, NULL },
		{ NULL },
	};
	char err[200], buf[32];
	zsim_keys_defaults(tab, 0, &v, sizeof(v));
	ck_assert_uint_eq(v.t, 1000000);
	ck_assert_uint_eq(v.sz, 4096);
	ck_assert_uint_eq(v.e, 0);
	ck_assert_int_eq(zsim_key_set_text(&tab[0], &v, "5", err, sizeof(err)), ZSIM_EFORMAT);
	ck_assert_int_eq(zsim_key_set_text(&tab[0], &v, "2.5us", err, sizeof(err)), 0);
	ck_assert_uint_eq(v.t, 2500);
	ck_assert_str_eq(zsim_key_format(&tab[0], &v, buf, sizeof(buf)), "2500ns");
	ck_assert_int_eq(zsim_key_set_text(&tab[0], &v, "10ns", err, sizeof(err)), ZSIM_ERANGE);
	ck_assert_int_eq(zsim_key_set_int(&tab[0], &v, 5000, err, sizeof(err)), ZSIM_EFORMAT);
	ck_assert_int_eq(zsim_key_set_text(&tab[2], &v, "c", err, sizeof(err)), ZSIM_EFORMAT);
	ck_assert_str_eq(err, "unknown g e 'c' (known: a, bb)");
	ck_assert_int_eq(zsim_key_set_text(&tab[2], &v, "bb", err, sizeof(err)), 0);
	ck_assert_uint_eq(v.e, 2);
	ck_assert_str_eq(zsim_key_format(&tab[2], &v, buf, sizeof(buf)), "bb");
	ck_assert_int_eq(zsim_key_set_real(&tab[3], &v, 3.5, err, sizeof(err)), ZSIM_ERANGE);
	ck_assert_int_eq(zsim_key_set_int(&tab[3], &v, 2, err, sizeof(err)), 0);
	ck_assert(v.r == 2.0);
}
END_TEST

Suite *suite_tiers(void);
Suite *suite_tiers(void)
{
	Suite *s = suite_create("tiers");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_brd_frames);
	tcase_add_test(tc, test_brd_sync_by_profile);
	tcase_add_test(tc, test_brd_settings);
	tcase_add_test(tc, test_types_and_keys);
	tcase_add_test(tc, test_keys_grammar);
	suite_add_tcase(s, tc);
	return s;
}
