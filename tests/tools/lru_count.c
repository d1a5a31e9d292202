/*
 * lru_count.c - a plain LRU cache simulator, the independent side of the
 * cross-check in tests/e2e/t_crosscheck.sh.
 *
 * usage: zsim trace dump T | lru_count [-v] PAGES
 *
 * Reads the text form of a trace (traces/FORMAT.md) on stdin and replays its
 * `access PID PAGE r|w ...` lines through an LRU cache of PAGES entries keyed
 * by (pid, page).  Every other line is ignored.  Prints the number of misses;
 * with -v one line "misses M accesses A distinct D dirty_evictions E", where
 * D is the number of distinct keys (the compulsory misses) and E the
 * evictions of entries that were written since they were last brought in
 * (a write-back cache's write count).
 *
 * Written from scratch for the test: a chained hash table of node indexes and
 * a doubly linked list over a fixed pool of PAGES nodes (head = most recent),
 * plus a growing open-addressing set of every key seen.  Nothing here comes
 * from the simulator.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX

struct node {
	uint64_t pid, page;
	uint32_t prev, next;   /* LRU list */
	uint32_t hnext;        /* hash chain */
	bool dirty;
};

struct cache {
	struct node *n;
	uint32_t cap, used;
	uint32_t head, tail;   /* head: most recently used */
	uint32_t *bucket;
	uint64_t bmask;
};

struct keyset {            /* open addressing; slot empty when used[i] == 0 */
	uint64_t *pid, *page;
	uint8_t *used;
	uint64_t mask, count;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);
	if (!p) {
		fprintf(stderr, "lru_count: out of memory\n");
		exit(2);
	}
	return p;
}

static uint64_t mix(uint64_t pid, uint64_t page)
{
	uint64_t x = page * 0x9E3779B97F4A7C15ull ^ (pid + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull;
	x ^= x >> 31;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 29;
	return x;
}

/* ---- the set of every key seen ---- */

static void set_init(struct keyset *s, uint64_t size)
{
	s->mask = size - 1;
	s->count = 0;
	s->pid = xcalloc(size, sizeof(*s->pid));
	s->page = xcalloc(size, sizeof(*s->page));
	s->used = xcalloc(size, 1);
}

static bool set_add(struct keyset *s, uint64_t pid, uint64_t page);

static void set_grow(struct keyset *s)
{
	struct keyset old = *s;
	set_init(s, (old.mask + 1) * 2);
	for (uint64_t i = 0; i <= old.mask; i++)
		if (old.used[i])
			set_add(s, old.pid[i], old.page[i]);
	free(old.pid);
	free(old.page);
	free(old.used);
}

/* Adds the key; true if it was new. */
static bool set_add(struct keyset *s, uint64_t pid, uint64_t page)
{
	if ((s->count + 1) * 2 > s->mask + 1)
		set_grow(s);
	uint64_t i = mix(pid, page) & s->mask;
	while (s->used[i]) {
		if (s->pid[i] == pid && s->page[i] == page)
			return false;
		i = (i + 1) & s->mask;
	}
	s->used[i] = 1;
	s->pid[i] = pid;
	s->page[i] = page;
	s->count++;
	return true;
}

/* ---- the LRU cache ---- */

static void cache_init(struct cache *c, uint32_t cap)
{
	c->cap = cap;
	c->used = 0;
	c->n = xcalloc(cap, sizeof(*c->n));
	uint64_t b = 1;
	while (b < 2ull * cap)
		b <<= 1;
	c->bmask = b - 1;
	c->bucket = xcalloc(b, sizeof(*c->bucket));
	for (uint64_t i = 0; i < b; i++)
		c->bucket[i] = NIL;
	c->head = c->tail = NIL;
}

static void list_unlink(struct cache *c, uint32_t i)
{
	struct node *x = &c->n[i];
	if (x->prev != NIL)
		c->n[x->prev].next = x->next;
	else
		c->head = x->next;
	if (x->next != NIL)
		c->n[x->next].prev = x->prev;
	else
		c->tail = x->prev;
	x->prev = x->next = NIL;
}

static void list_push_head(struct cache *c, uint32_t i)
{
	struct node *x = &c->n[i];
	x->prev = NIL;
	x->next = c->head;
	if (c->head != NIL)
		c->n[c->head].prev = i;
	c->head = i;
	if (c->tail == NIL)
		c->tail = i;
}

static uint32_t hash_find(const struct cache *c, uint64_t pid, uint64_t page)
{
	for (uint32_t i = c->bucket[mix(pid, page) & c->bmask]; i != NIL; i = c->n[i].hnext)
		if (c->n[i].pid == pid && c->n[i].page == page)
			return i;
	return NIL;
}

static void hash_insert(struct cache *c, uint32_t i)
{
	uint64_t b = mix(c->n[i].pid, c->n[i].page) & c->bmask;
	c->n[i].hnext = c->bucket[b];
	c->bucket[b] = i;
}

static void hash_remove(struct cache *c, uint32_t i)
{
	uint32_t *link = &c->bucket[mix(c->n[i].pid, c->n[i].page) & c->bmask];
	while (*link != i)
		link = &c->n[*link].hnext;
	*link = c->n[i].hnext;
}

struct counts {
	uint64_t accesses, misses, dirty_evictions;
};

static void cache_access(struct cache *c, struct counts *k, uint64_t pid, uint64_t page, bool write)
{
	k->accesses++;
	uint32_t i = hash_find(c, pid, page);
	if (i != NIL) {
		if (c->head != i) {
			list_unlink(c, i);
			list_push_head(c, i);
		}
		c->n[i].dirty |= write;
		return;
	}
	k->misses++;
	if (c->used < c->cap) {
		i = c->used++;
	} else {
		i = c->tail;
		k->dirty_evictions += c->n[i].dirty;
		list_unlink(c, i);
		hash_remove(c, i);
	}
	c->n[i].pid = pid;
	c->n[i].page = page;
	c->n[i].dirty = write;
	hash_insert(c, i);
	list_push_head(c, i);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	bool verbose = false;
	int a = 1;
	if (a < argc && !strcmp(argv[a], "-v")) {
		verbose = true;
		a++;
	}
	uint64_t cap;
	if (a + 1 != argc || parse_u64(argv[a], &cap) < 0 || cap == 0 || cap >= NIL) {
		fprintf(stderr, "usage: zsim trace dump T | lru_count [-v] PAGES\n");
		return 2;
	}
	struct cache c;
	struct keyset seen;
	struct counts k = { 0, 0, 0 };
	cache_init(&c, (uint32_t)cap);
	set_init(&seen, 1024);

	char line[4096];
	uint64_t lineno = 0;
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		if (strncmp(line, "access", 6) != 0 || (line[6] != ' ' && line[6] != '\t'))
			continue;
		char *save = NULL;
		char *tok[4];
		int nt = 0;
		for (char *t = strtok_r(line, " \t\r\n", &save); t && nt < 4; t = strtok_r(NULL, " \t\r\n", &save))
			tok[nt++] = t;
		uint64_t pid, page;
		if (nt < 4 || parse_u64(tok[1], &pid) < 0 || parse_u64(tok[2], &page) < 0 ||
		    (strcmp(tok[3], "r") && strcmp(tok[3], "w"))) {
			fprintf(stderr, "lru_count: stdin:%" PRIu64 ": bad access line\n", lineno);
			return 1;
		}
		set_add(&seen, pid, page);
		cache_access(&c, &k, pid, page, tok[3][0] == 'w');
	}
	if (ferror(stdin)) {
		fprintf(stderr, "lru_count: read error\n");
		return 1;
	}
	if (verbose)
		printf("misses %" PRIu64 " accesses %" PRIu64 " distinct %" PRIu64 " dirty_evictions %" PRIu64 "\n",
		       k.misses, k.accesses, seen.count, k.dirty_evictions);
	else
		printf("%" PRIu64 "\n", k.misses);
	free(c.n);
	free(c.bucket);
	free(seen.pid);
	free(seen.page);
	free(seen.used);
	return 0;
}
