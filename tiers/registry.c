/*
 * registry.c - the tier phone book and instance helpers (tier.h).
 */
#include "tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct zsim_tier_ops *const members[] = {
	&zsim_tier_zram,
	&zsim_tier_blockdev,
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
	int rc = ops->init(t->priv, p, err, errlen);
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
