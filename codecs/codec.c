/*
 * codec.c - the codec registry and the per-instance compressed-size cache.
 *
 * The cache maps a page's 64-bit XXH3 content hash to its compressed length
 * under this instance's codec and level.  It is an open-addressing table with
 * linear probing, grown at half load, so a lookup is one hash of the page plus
 * (almost always) one probe.  A 64-bit hash makes a collision between two
 * different pages of one run astronomically unlikely (about n^2 / 2^65: under
 * 1e-7 for 2^27 distinct pages); we accept that rather than storing pages.
 */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const struct zsim_codec_ops *const members[] = {
	&zsim_codec_lzo_rle,
	&zsim_codec_lzo,
	&zsim_codec_lz4,
	&zsim_codec_zstd,
};

const struct zsim_codec_ops *zsim_codec_find(const char *name)
{
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members); i++)
		if (strcmp(members[i]->name, name) == 0)
			return members[i];
	return NULL;
}

size_t zsim_codec_count(void) { return ZSIM_ARRAY_SIZE(members); }

const struct zsim_codec_ops *zsim_codec_at(size_t i)
{
	return i < ZSIM_ARRAY_SIZE(members) ? members[i] : NULL;
}

void zsim_codec_names(char *buf, size_t len)
{
	size_t off = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(members) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", members[i]->name);
}

bool zsim_page_same_filled(const uint8_t *page, uint64_t *pattern)
{
	uint64_t first, w;
	memcpy(&first, page, 8);
	memcpy(&w, page + ZSIM_PAGE_SIZE - 8, 8);
	if (w != first)
		return false;
	for (size_t off = 8; off < ZSIM_PAGE_SIZE - 8; off += 8) {
		memcpy(&w, page + off, 8);
		if (w != first)
			return false;
	}
	*pattern = first;
	return true;
}

uint64_t zsim_page_hash(const uint8_t *page)
{
	return XXH3_64bits(page, ZSIM_PAGE_SIZE);
}

struct cache_slot {
	uint64_t key;   /* content hash; 0 marks an empty slot (hash 0 is remapped to 1) */
	int32_t len;    /* compressed length, 0 if same-filled, -1 if only `same` is known */
	uint32_t same;  /* 1: same-filled with `pattern`; 0: not; 2: not yet known */
	uint64_t pattern;
};

struct zsim_codec {
	const struct zsim_codec_ops *ops;
	void *priv;
	int level;
	struct cache_slot *slots;
	size_t mask;            /* capacity - 1; capacity is a power of two */
	size_t used;
	struct zsim_codec_stats st;
	uint8_t dst[ZSIM_CODEC_DST_MAX];
};

#define CACHE_INITIAL_SLOTS 4096

int zsim_codec_new(const char *name, int level, struct zsim_codec **out)
{
	const struct zsim_codec_ops *ops = zsim_codec_find(name);
	if (!ops)
		return ZSIM_ENOENT;
	if (level < 0)
		level = ops->default_level;
	else if (!ops->has_level || level < ops->min_level || level > ops->max_level)
		return ZSIM_EINVAL;
	struct zsim_codec *c = zsim_xcalloc(1, sizeof(*c));
	c->ops = ops;
	c->level = level;
	c->priv = zsim_xcalloc(1, ops->priv_size ? ops->priv_size : 1);
	if (ops->init) {
		int rc = ops->init(c->priv, level);
		if (rc < 0) {
			free(c->priv);
			free(c);
			return rc;
		}
	}
	c->slots = zsim_xcalloc_big(CACHE_INITIAL_SLOTS, sizeof(*c->slots));
	c->mask = CACHE_INITIAL_SLOTS - 1;
	*out = c;
	return 0;
}

void zsim_codec_free(struct zsim_codec *c)
{
	if (!c)
		return;
	if (c->ops->fini)
		c->ops->fini(c->priv);
	free(c->priv);
	zsim_free_big(c->slots, c->mask + 1, sizeof(*c->slots));
	free(c);
}

const struct zsim_codec_ops *zsim_codec_ops_of(const struct zsim_codec *c) { return c->ops; }
int zsim_codec_level(const struct zsim_codec *c) { return c->level; }


int zsim_codec_compress_page(struct zsim_codec *c, const uint8_t *page, uint8_t *dst, size_t cap)
{
	c->st.compress_calls++;
	uint64_t t0 = zsim_wall_ns();
	int n = c->ops->compress(c->priv, page, ZSIM_PAGE_SIZE, dst, cap);
	c->st.compress_wall_ns += zsim_wall_ns() - t0;
	return n;
}

static void cache_grow(struct zsim_codec *c)
{
	size_t ncap = (c->mask + 1) * 2;
	struct cache_slot *ns = zsim_xcalloc_big(ncap, sizeof(*ns));
	zsim_zero_touch(ns, ncap * sizeof(*ns));   /* probing reads before it writes */
	for (size_t i = 0; i <= c->mask; i++) {
		if (!c->slots[i].key)
			continue;
		size_t j = c->slots[i].key & (ncap - 1);
		while (ns[j].key)
			j = (j + 1) & (ncap - 1);
		ns[j] = c->slots[i];
	}
	zsim_free_big(c->slots, c->mask + 1, sizeof(*c->slots));
	c->slots = ns;
	c->mask = ncap - 1;
}

/* The slot for key: its entry, or the empty slot where it would go. */
static struct cache_slot *cache_slot(struct zsim_codec *c, uint64_t key)
{
	size_t j = key & c->mask;
	while (c->slots[j].key && c->slots[j].key != key)
		j = (j + 1) & c->mask;
	return &c->slots[j];
}

static void cache_insert(struct zsim_codec *c, struct cache_slot *s, uint64_t key)
{
	s->key = key;
	if (++c->used * 2 > c->mask + 1)
		cache_grow(c);
}

bool zsim_codec_cache_get(struct zsim_codec *c, uint64_t hash, struct zsim_page_info *out)
{
	const struct cache_slot *s = cache_slot(c, hash ? hash : 1);
	if (!s->key || s->same == 2 || (s->len < 0 && !s->same))
		return false;
	c->st.cache_hits++;
	out->len = s->same ? 0 : s->len;
	out->same = s->same == 1;
	out->pattern = s->pattern;
	return true;
}

void zsim_codec_cache_put(struct zsim_codec *c, uint64_t hash, const struct zsim_page_info *in)
{
	uint64_t key = hash ? hash : 1;
	struct cache_slot *s = cache_slot(c, key);
	bool fresh = !s->key;
	s->len = in->same ? 0 : in->len;
	s->same = in->same;
	s->pattern = in->pattern;
	if (fresh)
		cache_insert(c, s, key);
}

int zsim_codec_page_len_hashed(struct zsim_codec *c, const uint8_t *page, uint64_t key)
{
	struct cache_slot *s = cache_slot(c, key ? key : 1);
	if (s->key && s->len >= 0 && !(s->same == 1)) {
		c->st.cache_hits++;
		return s->len;
	}
	int len = zsim_codec_compress_page(c, page, c->dst, sizeof(c->dst));
	if (len < 0)
		return len;
	if (s->key) {
		s->len = len;   /* known as same-filled-or-not before; keep that */
		return len;
	}
	s->len = len;
	s->same = 2;
	cache_insert(c, s, key ? key : 1);
	return len;
}

int zsim_codec_page_len(struct zsim_codec *c, const uint8_t *page)
{
	return zsim_codec_page_len_hashed(c, page, zsim_page_hash(page));
}

void zsim_codec_reserve(struct zsim_codec *c, uint64_t n)
{
	while ((c->mask + 1) < 2 * n + 2 && c->mask < (1ull << 32))
		cache_grow(c);
}

void zsim_codec_get_stats(const struct zsim_codec *c, struct zsim_codec_stats *st)
{
	*st = c->st;
	st->cache_entries = c->used;
}
