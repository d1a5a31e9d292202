/*
 * registry.c - the reclaim-policy phone book, and the list checker the
 * members share.
 */
#include "reclaim.h"

#include <stdio.h>
#include <string.h>

static const struct zsim_reclaim_ops *const members[] = {
	&zsim_reclaim_lru2,
	&zsim_reclaim_clock,
	&zsim_reclaim_lru,
};

const struct zsim_reclaim_ops *zsim_reclaim_find(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		if (!strcmp(members[i]->name, name))
			return members[i];
	return NULL;
}

void zsim_reclaim_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", members[i]->name);
}

int zsim_flist_check(const struct zsim_frame *fr, const struct zsim_flist *l, uint8_t id,
		     const char *what, char *msg, size_t len)
{
	uint64_t n = 0;
	uint32_t prev = ZSIM_FRAME_NONE;
	for (uint32_t f = l->head; f != ZSIM_FRAME_NONE; f = fr[f].next) {
		if (fr[f].prev != prev || fr[f].list != id || n > l->len) {
			snprintf(msg, len, "%s list: frame %u badly linked (prev %u, list %u)", what, f,
				 fr[f].prev, fr[f].list);
			return ZSIM_ECORRUPT;
		}
		prev = f;
		n++;
	}
	if (n != l->len || prev != l->tail) {
		snprintf(msg, len, "%s list: length %llu, counted %llu", what,
			 (unsigned long long)l->len, (unsigned long long)n);
		return ZSIM_ECORRUPT;
	}
	return 0;
}
