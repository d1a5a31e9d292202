/*
 * import_lackey.c - Valgrind lackey's memory trace as a zsim trace.
 *
 * `valgrind --tool=lackey --trace-mem=yes PROG` prints one line per memory
 * access: "I  04012345,3" (instruction fetch), " L 7ff000a28,8" (load),
 * " S ..." (store), " M ..." (modify: a load and a store), address in hex and
 * size in bytes; Valgrind's own messages are "==PID== text" lines.  With
 * --trace-children=yes every process writes to the same log, and the access
 * lines carry no pid: an access belongs to the process of the last "==PID=="
 * line before it (lines before any belong to one process "lackey").
 *
 * Mapping to events:
 *  - each Valgrind pid becomes a trace-local pid (1, 2, ... in order of first
 *    appearance); PROC_CREATE comes just before its first access, named after
 *    its "Command:" line (the program's base name) if one came first, else
 *    "pid-N"; a "Parent PID: N" line (valgrind -v) naming an imported process
 *    makes that the parent.  All processes exit at the end of the input,
 *    newest first (lackey's log has no reliable exit marker).
 *  - accesses become page accesses (address >> 12; an access that crosses a
 *    page boundary touches both pages); consecutive accesses to the same page
 *    by the same process collapse into one event, a write if any of them
 *    wrote (S or M).  Writes carry fresh content of --content (seeded by
 *    --seed).  Instruction fetches are reads (--no-instr drops them).
 *  - lackey does not say what is mapped where, so every page lives in an
 *    anonymous mapping: the first access to a 1 MiB-aligned chunk of a
 *    process's address space maps that chunk (MAP_CHUNK pages).
 * Any other line is an error naming the input line.
 */
#include "gen.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAP_CHUNK_SHIFT 8            /* 256 pages = 1 MiB */

struct lackey_opts {
	struct zsim_content_ref content;
	bool no_instr;
};

static const struct zsim_opt lackey_opts_tab[] = {
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct lackey_opts, content), "heap", 0, 0,
	  "content class of written pages", 0 },
	{ "no-instr", ZSIM_OPT_FLAG, offsetof(struct lackey_opts, no_instr), NULL, 0, 0,
	  "leave out instruction fetches (I lines)", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

struct lproc {
	uint64_t vpid;               /* Valgrind's pid */
	uint64_t parent_vpid;        /* from "Parent PID:", 0 if none */
	uint32_t pid;                /* trace-local, 0 until created */
	char name[64];
};

struct lackey {
	struct zsim_gen *g;
	const struct lackey_opts *o;
	struct lproc *procs;
	size_t nprocs, cap;
	size_t cur;                  /* index of the current process */
	uint32_t *created;           /* proc indices in creation order */
	size_t ncreated;
	uint64_t *mapped;            /* hash set of (pid << 40 | chunk) + 1 */
	size_t map_cap, map_n;
	bool pending;                /* a collapsed access not yet written */
	size_t pend_proc;
	uint64_t pend_page;
	bool pend_write;
};

static size_t proc_index(struct lackey *lk, uint64_t vpid)
{
	for (size_t i = 0; i < lk->nprocs; i++)
		if (lk->procs[i].vpid == vpid)
			return i;
	if (lk->nprocs == lk->cap) {
		lk->cap = lk->cap ? lk->cap * 2 : 8;
		lk->procs = zsim_xrealloc(lk->procs, lk->cap * sizeof(*lk->procs));
		lk->created = zsim_xrealloc(lk->created, lk->cap * sizeof(*lk->created));
	}
	struct lproc *p = &lk->procs[lk->nprocs];
	memset(p, 0, sizeof(*p));
	p->vpid = vpid;
	if (vpid)
		snprintf(p->name, sizeof(p->name), "pid-%llu", (unsigned long long)vpid);
	else
		snprintf(p->name, sizeof(p->name), "lackey");
	return lk->nprocs++;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Insert key; true if it was new. */
static bool mapped_insert(struct lackey *lk, uint64_t key)
{
	key++;
	if ((lk->map_n + 1) * 2 > lk->map_cap) {
		size_t ncap = lk->map_cap ? lk->map_cap * 2 : 1024;
		uint64_t *nt = zsim_xcalloc(ncap, sizeof(*nt));
		for (size_t i = 0; i < lk->map_cap; i++)
			if (lk->mapped[i])
				for (size_t j = mix64(lk->mapped[i]) & (ncap - 1);; j = (j + 1) & (ncap - 1))
					if (!nt[j]) {
						nt[j] = lk->mapped[i];
						break;
					}
		free(lk->mapped);
		lk->mapped = nt;
		lk->map_cap = ncap;
	}
	for (size_t j = mix64(key) & (lk->map_cap - 1);; j = (j + 1) & (lk->map_cap - 1)) {
		if (lk->mapped[j] == key)
			return false;
		if (!lk->mapped[j]) {
			lk->mapped[j] = key;
			lk->map_n++;
			return true;
		}
	}
}

static void flush(struct lackey *lk)
{
	if (!lk->pending)
		return;
	lk->pending = false;
	struct zsim_gen *g = lk->g;
	struct lproc *p = &lk->procs[lk->pend_proc];
	if (!p->pid) {
		uint32_t ppid = 0;
		for (size_t i = 0; p->parent_vpid && i < lk->nprocs; i++)
			if (lk->procs[i].vpid == p->parent_vpid)
				ppid = lk->procs[i].pid;
		p->pid = zsim_gen_proc_create(g, ppid, p->name);
		lk->created[lk->ncreated++] = (uint32_t)lk->pend_proc;
	}
	uint64_t chunk = lk->pend_page >> MAP_CHUNK_SHIFT;
	if (mapped_insert(lk, (uint64_t)p->pid << 40 | chunk))
		zsim_gen_map(g, p->pid, chunk << MAP_CHUNK_SHIFT, 1u << MAP_CHUNK_SHIFT, ZSIM_MAP_ANON);
	if (lk->pend_write)
		zsim_gen_write(g, p->pid, lk->pend_page, &lk->o->content);
	else
		zsim_gen_read(g, p->pid, lk->pend_page);
}

static void touch(struct lackey *lk, uint64_t page, bool write)
{
	if (lk->pending && lk->pend_proc == lk->cur && lk->pend_page == page) {
		lk->pend_write |= write;
		return;
	}
	flush(lk);
	lk->pending = true;
	lk->pend_proc = lk->cur;
	lk->pend_page = page;
	lk->pend_write = write;
}

/* "==PID== text": switch process; note Command: and Parent PID:. 0 or -1 (not such a line). */
static int valgrind_line(struct lackey *lk, const char *s)
{
	const char *q = s + 2;
	uint64_t vpid = 0;
	if (!isdigit((unsigned char)*q))
		return -1;
	while (isdigit((unsigned char)*q)) {
		if (vpid > UINT64_MAX / 10 - 10)
			return -1;
		vpid = vpid * 10 + (uint64_t)(*q++ - '0');
	}
	if (q[0] != '=' || q[1] != '=')
		return -1;
	q += 2;
	lk->cur = proc_index(lk, vpid);
	struct lproc *p = &lk->procs[lk->cur];
	while (*q == ' ')
		q++;
	if (strncmp(q, "Command: ", 9) == 0 && !p->pid) {
		const char *cmd = q + 9, *end = cmd;
		while (*end && *end != ' ')
			end++;
		const char *base = cmd;
		for (const char *c = cmd; c < end; c++)
			if (*c == '/')
				base = c + 1;
		if (end > base)
			snprintf(p->name, sizeof(p->name), "%.*s", (int)(end - base), base);
	} else if (strncmp(q, "Parent PID: ", 12) == 0) {
		p->parent_vpid = strtoull(q + 12, NULL, 10);
	}
	return 0;
}

/* " L addr,size" etc.: 0 and the access, or -1. */
static int access_line(const char *s, char *op, uint64_t *addr, uint64_t *size)
{
	while (*s == ' ')
		s++;
	if (*s != 'I' && *s != 'L' && *s != 'S' && *s != 'M')
		return -1;
	*op = *s++;
	if (*s != ' ')
		return -1;
	while (*s == ' ')
		s++;
	uint64_t a = 0;
	int nd = 0;
	for (; isxdigit((unsigned char)*s); s++, nd++) {
		if (nd >= 16)
			return -1;
		int c = tolower((unsigned char)*s);
		a = a << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	if (!nd || *s++ != ',' || !isdigit((unsigned char)*s))
		return -1;
	uint64_t n = 0;
	for (; isdigit((unsigned char)*s); s++) {
		if (n > 1u << 20)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	while (*s == ' ')
		s++;
	if (*s || n == 0)
		return -1;
	*addr = a;
	*size = n;
	return 0;
}

static int lackey_run(struct zsim_gen *g, const void *vo, struct zsim_import_in *in)
{
	struct lackey lk = { .g = g, .o = vo };
	char *line;
	size_t len;
	int rc = 0;
	lk.cur = SIZE_MAX;
	while (!g->err && (rc = zsim_import_getline(in, &line, &len)) > 0) {
		if (len == 0)
			continue;
		if (line[0] == '=' && line[1] == '=' && valgrind_line(&lk, line) == 0)
			continue;
		char op;
		uint64_t addr, size;
		if (access_line(line, &op, &addr, &size) < 0) {
			zsim_gen_fail(g, ZSIM_EFORMAT, "%s:%llu: not a lackey record: '%.60s'",
				      zsim_import_name(in), (unsigned long long)zsim_import_lineno(in), line);
			break;
		}
		if (op == 'I' && lk.o->no_instr)
			continue;
		if (lk.cur == SIZE_MAX)
			lk.cur = proc_index(&lk, 0);
		if (addr + size - 1 < addr) {
			zsim_gen_fail(g, ZSIM_EFORMAT, "%s:%llu: access past the end of the address space",
				      zsim_import_name(in), (unsigned long long)zsim_import_lineno(in));
			break;
		}
		bool write = op == 'S' || op == 'M';
		uint64_t first = addr >> ZSIM_PAGE_SHIFT, last = (addr + size - 1) >> ZSIM_PAGE_SHIFT;
		for (uint64_t p = first; p <= last; p++)
			touch(&lk, p, write);
	}
	if (rc < 0)
		zsim_gen_fail(g, rc, "%s", zsim_import_error(in));
	flush(&lk);
	for (size_t i = lk.ncreated; i-- > 0;)
		zsim_gen_exit(g, lk.procs[lk.created[i]].pid);
	free(lk.procs);
	free(lk.created);
	free(lk.mapped);
	return g->err;
}

const struct zsim_importer zsim_import_lackey = {
	.name = "lackey",
	.help = "Valgrind `--tool=lackey --trace-mem=yes` output (several processes with\n"
		"--trace-children=yes): consecutive accesses to one page become one event.",
	.opts_size = sizeof(struct lackey_opts),
	.opts = lackey_opts_tab,
	.run = lackey_run,
};
