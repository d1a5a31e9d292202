/*
 * import_oracle.c - libCacheSim's oracleGeneral traces as a zsim trace.
 *
 * oracleGeneral is a binary format of 24-byte little-endian records: u32
 * timestamp (seconds), u64 object id, u32 object size, i64 virtual time of
 * the object's next access (-1: none).  The published cache traces (Twitter,
 * Meta, CloudPhysics, ...) come in it, usually zstd-compressed (.zst; the
 * importer decompresses whatever starts with the zstd magic number).
 *
 * Mapping: the records become the page accesses of one process "oracle".
 * Each object is one page: object ids are numbered densely in order of first
 * appearance (the first object seen is page 0 of the process's memory), and
 * the object size is ignored (a page cache or key-value store of 4 KiB
 * slots).  Every access is a read: the trace says nothing about writes, and
 * the first read of a page finds a zero page.  --first-write instead writes
 * fresh --content on each object's first access, so the memory has content to
 * compress.  The address space is mapped anonymous in 1 MiB chunks as the
 * dense numbering reaches them.  Timestamps are ignored unless --timestamps:
 * then each increase of the timestamp becomes a CPU event of that many
 * seconds (the process "works" between requests).  A record cut short is an
 * error naming its offset.
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

#define REC_SIZE        24
#define MAP_CHUNK_SHIFT 8
#define RECS_PER_READ   4096

struct oracle_opts {
	struct zsim_content_ref content;
	bool first_write;
	bool timestamps;
};

static const struct zsim_opt oracle_opts_tab[] = {
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct oracle_opts, content), "heap", 0, 0,
	  "content class of first accesses with --first-write", 0 },
	{ "first-write", ZSIM_OPT_FLAG, offsetof(struct oracle_opts, first_write), NULL, 0, 0,
	  "an object's first access writes it (default: all reads)", 0 },
	{ "timestamps", ZSIM_OPT_FLAG, offsetof(struct oracle_opts, timestamps), NULL, 0, 0,
	  "turn timestamp increases into CPU time", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

/*
 * Object id -> dense page number, the one per-object map the mapping needs.
 * Kept small, as the replay keeps its own per-page tables (8 bytes of PTE per
 * page and more): IDMAP_PARTS open-addressing tables chosen by the id's hash,
 * each holding ids + 1 (0: empty; id ~0 is kept apart) and 32-bit page
 * numbers, grown on its own at 3/4 load.  About 12-24 bytes per object,
 * and growing one part at a time never doubles the whole map's memory at
 * once (one big table did: 1.5 GiB at the moment of growth for 19 M objects).
 */
#define IDMAP_PARTS_SHIFT 8
#define IDMAP_PARTS (1u << IDMAP_PARTS_SHIFT)
#define IDMAP_MAX_PAGES UINT32_MAX   /* page numbers are 32-bit: 16 TiB of pages */

struct idmap_part {
	uint64_t *key;
	uint32_t *val;
	uint32_t cap, n;
};

struct idmap {
	struct idmap_part part[IDMAP_PARTS];
	bool has_max;
	uint64_t max_val;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static void idmap_grow(struct idmap_part *t)
{
	uint32_t ncap = t->cap ? t->cap * 2 : 64;
	uint64_t *nk = zsim_xcalloc(ncap, sizeof(*nk));
	uint32_t *nv = zsim_xmalloc(ncap * sizeof(*nv));
	for (uint32_t i = 0; i < t->cap; i++)
		if (t->key[i])
			for (uint32_t j = (uint32_t)(mix64(t->key[i]) >> IDMAP_PARTS_SHIFT) & (ncap - 1);;
			     j = (j + 1) & (ncap - 1))
				if (!nk[j]) {
					nk[j] = t->key[i];
					nv[j] = t->val[i];
					break;
				}
	free(t->key);
	free(t->val);
	t->key = nk;
	t->val = nv;
	t->cap = ncap;
}

/* The dense number of id; *fresh tells whether it was new (then it is `next`,
 * which must be <= IDMAP_MAX_PAGES). */
static uint64_t idmap_get(struct idmap *m, uint64_t id, uint64_t next, bool *fresh)
{
	*fresh = false;
	if (id == UINT64_MAX) {
		if (!m->has_max) {
			m->has_max = true;
			m->max_val = next;
			*fresh = true;
		}
		return m->max_val;
	}
	uint64_t k = id + 1, h = mix64(k);
	struct idmap_part *t = &m->part[h & (IDMAP_PARTS - 1)];
	if ((uint64_t)(t->n + 1) * 4 > (uint64_t)t->cap * 3)
		idmap_grow(t);
	for (uint32_t j = (uint32_t)(h >> IDMAP_PARTS_SHIFT) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
		if (t->key[j] == k)
			return t->val[j];
		if (!t->key[j]) {
			t->key[j] = k;
			t->val[j] = (uint32_t)next;
			t->n++;
			*fresh = true;
			return next;
		}
	}
}

static void idmap_free(struct idmap *m)
{
	for (unsigned i = 0; i < IDMAP_PARTS; i++) {
		free(m->part[i].key);
		free(m->part[i].val);
	}
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int oracle_run(struct zsim_gen *g, const void *vo, struct zsim_import_in *in)
{
	const struct oracle_opts *o = vo;
	struct idmap *m = zsim_xcalloc(1, sizeof(*m));
	uint8_t *buf = zsim_xmalloc(REC_SIZE * RECS_PER_READ);
	uint64_t pages = 0, off = 0, last_ts = 0;
	bool have_ts = false;
	uint32_t pid = 0;
	for (;;) {
		long n = zsim_import_read(in, buf, REC_SIZE * RECS_PER_READ);
		if (n < 0) {
			zsim_gen_fail(g, (int)n, "%s", zsim_import_error(in));
			break;
		}
		if (n == 0)
			break;
		if (n % REC_SIZE) {
			uint64_t at = off + (uint64_t)(n / REC_SIZE) * REC_SIZE;
			zsim_gen_fail(g, ZSIM_EFORMAT, "%s: truncated record at offset %llu (%ld of %d bytes)",
				      zsim_import_name(in), (unsigned long long)at, n % REC_SIZE, REC_SIZE);
			break;
		}
		if (!pid)
			pid = zsim_gen_proc_create(g, g->parent, "oracle");
		for (const uint8_t *r = buf; r < buf + n && !g->err; r += REC_SIZE) {
			uint64_t ts = le(r, 4), id = le(r + 4, 8);
			if (o->timestamps) {
				if (have_ts && ts > last_ts)
					zsim_gen_cpu(g, pid, (ts - last_ts) * 1000000000ull);
				last_ts = ts;
				have_ts = true;
			}
			bool fresh;
			if (pages > IDMAP_MAX_PAGES) {
				zsim_gen_fail(g, ZSIM_EINVAL, "%s: record at offset %llu: more than %llu distinct objects",
					      zsim_import_name(in), (unsigned long long)(off + (uint64_t)(r - buf)),
					      (unsigned long long)IDMAP_MAX_PAGES + 1);
				break;
			}
			uint64_t page = idmap_get(m, id, pages, &fresh);
			if (fresh) {
				if ((pages & ((1u << MAP_CHUNK_SHIFT) - 1)) == 0)
					zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE + pages, 1u << MAP_CHUNK_SHIFT,
						     ZSIM_MAP_ANON);
				pages++;
			}
			if (fresh && o->first_write)
				zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + page, &o->content);
			else
				zsim_gen_read(g, pid, ZSIM_GEN_ANON_BASE + page);
		}
		off += (uint64_t)n;
		if (g->err || (size_t)n < REC_SIZE * RECS_PER_READ)
			break;
	}
	if (pid)
		zsim_gen_exit(g, pid);
	free(buf);
	idmap_free(m);
	free(m);
	return g->err;
}

const struct zsim_importer zsim_import_oracle = {
	.name = "oracle",
	.help = "libCacheSim oracleGeneral records (24 bytes: u32 time, u64 id, u32 size, i64 next),\n"
		"plain or zstd: each object one page of one process, numbered by first appearance.",
	.opts_size = sizeof(struct oracle_opts),
	.opts = oracle_opts_tab,
	.run = oracle_run,
};
