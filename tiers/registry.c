/*
 * registry.c - the tier phone book and instance helpers (tier.h).  Adding a
 * tier is its file and one line in members[]: its device types, keys, help
 * and error messages all come from its ops table.
 */
#include "tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct zsim_tier_ops *const members[] = {
	&zsim_tier_zram,
	&zsim_tier_blockdev,
	&zsim_tier_brd,
	&zsim_tier_zswap,
	&zsim_tier_dmcache,
};

const struct zsim_tier_ops *zsim_tier_find(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		if (strcmp(members[i]->name, name) == 0)
			return members[i];
	return NULL;
}

size_t zsim_tier_count(void) { return ZSIM_ARRAY_SIZE(members); }

const struct zsim_tier_ops *zsim_tier_at(size_t i)
{
	return i < ZSIM_ARRAY_SIZE(members) ? members[i] : NULL;
}

static size_t nr_presets(const struct zsim_tier_ops *ops)
{
	size_t n = 0;
	if (!ops->presets)
		return 1;
	while (ops->presets[n])
		n++;
	return n;
}

const char *zsim_tier_type_name(const struct zsim_tier_ops *ops, unsigned preset)
{
	return ops->presets ? ops->presets[preset] : ops->name;
}

int zsim_tier_type_find(const char *type, const struct zsim_tier_ops **ops, unsigned *preset)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		for (unsigned p = 0; p < nr_presets(members[i]) && !(members[i]->flags & ZSIM_TIER_FRONTSWAP); p++)
			if (!strcmp(zsim_tier_type_name(members[i], p), type)) {
				*ops = members[i];
				*preset = p;
				return 0;
			}
	return ZSIM_ENOENT;
}

size_t zsim_tier_type_names(const char *key, unsigned flags, char *buf, size_t len)
{
	size_t off = 0, n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		for (unsigned p = 0; p < nr_presets(members[i]) && (members[i]->flags & flags) == flags &&
				     !(members[i]->flags & ZSIM_TIER_FRONTSWAP); p++) {
			const struct zsim_key *k = key ? zsim_keys_find(members[i]->keys, key) : NULL;
			if (key && (!k || !zsim_key_in_preset(k, p)))
				continue;
			if (off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%s", n ? ", " : "",
							zsim_tier_type_name(members[i], p));
			n++;
		}
	return n;
}

void zsim_tier_cfg_defaults(const struct zsim_tier_ops *ops, unsigned preset, struct zsim_tier_cfg *cfg)
{
	if (ops->cfg_size > sizeof(cfg->b)) {
		fprintf(stderr, "zsim: tier %s: settings of %zu bytes exceed ZSIM_TIER_CFG_MAX\n",
			ops->name, ops->cfg_size);
		abort();
	}
	zsim_keys_defaults(ops->keys, preset, cfg->b, sizeof(cfg->b));
}

int zsim_tier_cfg_set(const struct zsim_tier_ops *ops, struct zsim_tier_cfg *cfg, const char *key,
		      const char *text, char *err, size_t errlen)
{
	const struct zsim_key *k = zsim_keys_find(ops->keys, key);
	if (!k) {
		snprintf(err, errlen, "tier %s has no key '%s'", ops->name, key);
		return ZSIM_ENOENT;
	}
	return zsim_key_set_text(k, cfg->b, text, err, errlen);
}

int zsim_tier_control(const struct zsim_tier *t, enum zsim_tier_ctl op, void *arg)
{
	return t->ops->control ? t->ops->control(t->priv, op, arg) : ZSIM_ENOTSUP;
}

int zsim_tier_new(const char *name, const struct zsim_tier_params *p, struct zsim_tier **out,
		  char *err, size_t errlen)
{
	const struct zsim_tier_ops *ops = zsim_tier_find(name);
	if (!ops) {
		snprintf(err, errlen, "unknown tier '%s'", name);
		return ZSIM_ENOENT;
	}
	struct zsim_tier *t = zsim_xcalloc(1, sizeof(*t));
	t->ops = ops;
	t->priv = zsim_xcalloc(1, ops->priv_size);
	struct zsim_tier_cfg defaults;
	struct zsim_tier_params tp = *p;
	if (!tp.cfg && ops->keys) {
		zsim_tier_cfg_defaults(ops, p->preset, &defaults);
		struct zsim_tier_env env = { p->kp, p->capacity_pages * ZSIM_PAGE_SIZE, p->preset, NULL, 0 };
		const char *key = NULL;
		if (ops->validate && ops->validate(defaults.b, &env, &key, err, errlen) < 0) {
			free(t->priv);
			free(t);
			return ZSIM_EINVAL;
		}
		tp.cfg = defaults.b;
	}
	int rc = ops->init(t->priv, &tp, err, errlen);
	if (rc < 0) {
		free(t->priv);
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void zsim_tier_free(struct zsim_tier *t)
{
	if (!t)
		return;
	if (t->ops->destroy)
		t->ops->destroy(t->priv);
	free(t->priv);
	free(t);
}

int zsim_tier_stat(const struct zsim_tier *t, const char *name, uint64_t *v)
{
	struct zsim_stat st[ZSIM_TIER_MAX_STATS];
	size_t n = t->ops->stats(t->priv, st, ZSIM_TIER_MAX_STATS);
	for (size_t i = 0; i < n; i++)
		if (strcmp(st[i].name, name) == 0) {
			*v = st[i].value;
			return 0;
		}
	return ZSIM_ENOENT;
}

const struct zsim_tier_ops *zsim_tier_frontswap(const char *name)
{
	const struct zsim_tier_ops *ops = zsim_tier_find(name);
	return ops && (ops->flags & ZSIM_TIER_FRONTSWAP) ? ops : NULL;
}

void zsim_tier_print_types(FILE *out)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		for (unsigned p = 0; p < nr_presets(members[i]); p++) {
			if (members[i]->flags & ZSIM_TIER_FRONTSWAP)
				fprintf(out, "section \"%s\" (tier %s, in front of every swap device):\n",
					members[i]->name, members[i]->name);
			else
				fprintf(out, "device type %s (tier %s): \"type\", \"size\" (required)%s\n",
					zsim_tier_type_name(members[i], p), members[i]->name,
					members[i]->keys && members[i]->keys->name ? ", and:" : "");
			zsim_keys_print_help(out, members[i]->keys, p, "    ");
		}
}
