/*
 * registry.c - the allocator phone book and the instance helpers (allocator.h).
 * Adding an allocator: its file, its extern in allocator.h, one line below.
 */
#include "allocator.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct zsim_allocator_ops *const members[] = {
	&zsim_allocator_zsmalloc,
	&zsim_allocator_zbud,
	&zsim_allocator_z3fold,
	&zsim_allocator_ideal,
};

const struct zsim_allocator_ops *zsim_allocator_find(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		if (strcmp(members[i]->name, name) == 0)
			return members[i];
	return NULL;
}

size_t zsim_allocator_count(void) { return ZSIM_ARRAY_SIZE(members); }

const struct zsim_allocator_ops *zsim_allocator_at(size_t i)
{
	return i < ZSIM_ARRAY_SIZE(members) ? members[i] : NULL;
}

void zsim_allocator_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", members[i]->name);
}

void zsim_allocator_profiles(const char *name, char *buf, size_t len)
{
	const struct zsim_allocator_ops *ops = zsim_allocator_find(name);
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; ops && i < zsim_kprofile_count() && off < len; i++) {
		struct zsim_alloc_params p = { .kp = zsim_kprofile_at(i), .frames = NULL };
		void *priv = zsim_xcalloc(1, ops->priv_size);
		if (ops->init(priv, &p) == 0) {
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", p.kp->name);
			if (ops->destroy)
				ops->destroy(priv);
		}
		free(priv);
	}
}

int zsim_allocator_new(const char *name, const struct zsim_alloc_params *p, struct zsim_allocator **out)
{
	const struct zsim_allocator_ops *ops = zsim_allocator_find(name);
	if (!ops)
		return ZSIM_ENOENT;
	struct zsim_allocator *a = zsim_xcalloc(1, sizeof(*a));
	a->ops = ops;
	a->priv = zsim_xcalloc(1, ops->priv_size);
	int rc = ops->init(a->priv, p);
	if (rc < 0) {
		free(a->priv);
		free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void zsim_allocator_free(struct zsim_allocator *a)
{
	if (!a)
		return;
	if (a->ops->destroy)
		a->ops->destroy(a->priv);
	free(a->priv);
	free(a);
}

uint64_t zsim_alloc_compact(struct zsim_allocator *a)
{
	return a->ops->compact ? a->ops->compact(a->priv) : 0;
}

size_t zsim_alloc_huge_size(const struct zsim_allocator *a)
{
	return a->ops->huge_size ? a->ops->huge_size(a->priv) : a->ops->max_size(a->priv) + 1;
}
