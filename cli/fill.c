/*
 * fill.c - `zsim fill`: the simulated twin of
 *     dd if=CORPUS of=/dev/zram0 bs=4096 oflag=direct
 * followed optionally by discarding pages and compacting, printing zram's
 * mm_stat after each phase.  With --allocators it stores the same pages in one
 * device per allocator (one pass over the corpus, one shared compressed-size
 * cache) and compares them.
 *
 * Everything the user gives is validated before the first page is written, so
 * a bad discard list or size never leaves half a result on stdout.
 */
#include "cli.h"
#include "../codecs/codec.h"
#include "../traces/content.h"
#include "../core/kprofile.h"
#include "../tiers/tier.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_ALLOCATORS 8
#define READ_BATCH_PAGES 1024   /* pages read and prepared at once (4 MiB) */
#define MAX_THREADS 8

static const char *const mm_stat_fields[] = {
	"orig_data_size", "compr_data_size", "mem_used_total", "mem_limit", "mem_used_max",
	"same_pages", "pages_compacted", "huge_pages", "huge_pages_since",
};

/* One device per allocator: --allocator NAME or --allocators A,B,... */
struct alloc_list {
	const char *name[MAX_ALLOCATORS];
	size_t n;
	char buf[256];
};

#define FILL_MAX_SYNTHETIC_PAGES (1ull << 28)   /* --synthetic: 1 TiB of pages at most */
#define FILL_EST_SLOT_BYTES 32                   /* zram's slot table and the fill's own, per page */

/* --synthetic CLASS:PAGES[:SEED]: generated pages instead of a corpus file. */
struct synthetic {
	bool on;
	enum zsim_content_class cls;
	uint64_t pages;
	uint64_t seed;
};

struct fill_opts {
	const char *comp;
	int level;
	const struct zsim_kprofile *kp;
	uint64_t disksize;
	uint64_t mem_limit;
	const char *discard_path;
	bool compact;
	bool json;
	bool report;
	bool check;
	unsigned threads;           /* 0: one per online CPU (at most MAX_THREADS) */
	bool help;
	struct alloc_list alloc;
	struct synthetic syn;
	const char *corpus;         /* the argument, unless syn.on */
};

/* Where pages come from: a corpus file of raw pages, or a synthetic generator. */
struct page_source {
	FILE *f;
	uint64_t pages;
	uint64_t next;
	const struct fill_opts *o;
};

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "zsim fill: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return ZSIM_EXIT_ERROR;
}

/*
 * The option types of fill's own: each parses its value into its field and
 * words its own error (the parser adds "--NAME: ").
 */

/* --comp ALG: a compressor zsim models. */
static int comp_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	(void)o;
	if (!zsim_codec_find(val)) {
		char names[256];
		zsim_codec_names(names, sizeof(names));
		snprintf(err, errlen, "unknown compressor '%s' (known: %s)", val, names);
		return ZSIM_EFORMAT;
	}
	*(const char **)field = val;
	return 0;
}

/* --level N: an int, up to a million (-1, the codec's default, when absent). */
static int level_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	uint64_t v;
	if (zsim_parse_u64(val, &v) < 0 || v > (uint64_t)o->max) {
		snprintf(err, errlen, "'%s' is not a level", val);
		return ZSIM_EFORMAT;
	}
	*(int *)field = (int)v;
	return 0;
}

/* --kernel VER: a kernel profile. */
static int kernel_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	const struct zsim_kprofile *kp = zsim_kprofile_find(val);
	(void)o;
	if (!kp) {
		char names[256];
		zsim_kprofile_names(names, sizeof(names));
		snprintf(err, errlen, "unknown kernel profile '%s' (known: %s)", val, names);
		return ZSIM_EFORMAT;
	}
	*(const struct zsim_kprofile **)field = kp;
	return 0;
}

/* SIZE, at least the option's min, with fill's hint of the grammar. */
static int size_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	uint64_t v;
	if (zsim_parse_size(val, &v) < 0 || (double)v < o->min) {
		snprintf(err, errlen, "'%s' is not a size (e.g. 4096, 256M, 1G)", val);
		return ZSIM_EFORMAT;
	}
	*(uint64_t *)field = v;
	return 0;
}

/* --threads N: a count in the option's range. */
static int threads_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	uint64_t v;
	if (zsim_parse_u64(val, &v) < 0 || (double)v < o->min || (double)v > o->max) {
		snprintf(err, errlen, "'%s' is not a count from %.0f to %.0f", val, o->min, o->max);
		return ZSIM_EFORMAT;
	}
	*(unsigned *)field = (unsigned)v;
	return 0;
}

/* --allocator NAME, --allocators A,B,...: the last one given wins.  Names
 * are checked when the devices are made (the kernel profile decides). */
static int allocator_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct alloc_list *l = field;
	(void)o;
	(void)err;
	(void)errlen;
	l->name[0] = val;
	l->n = 1;
	return 0;
}

static int allocators_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct alloc_list *l = field;
	char *save = NULL;
	(void)o;
	if (strlen(val) >= sizeof(l->buf)) {
		snprintf(err, errlen, "list too long");
		return ZSIM_EFORMAT;
	}
	strcpy(l->buf, val);
	l->n = 0;
	for (char *t = strtok_r(l->buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (l->n == MAX_ALLOCATORS) {
			snprintf(err, errlen, "at most %d", MAX_ALLOCATORS);
			return ZSIM_EFORMAT;
		}
		l->name[l->n++] = t;
	}
	if (!l->n) {
		snprintf(err, errlen, "empty list");
		return ZSIM_EFORMAT;
	}
	return 0;
}

/* --synthetic CLASS:PAGES[:SEED]: PAGES at least 1, SEED 1 when left out. */
static int synthetic_opt(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	struct synthetic *syn = field, s = { .on = true, .seed = 1 };
	char buf[128];
	(void)o;
	if (strlen(val) >= sizeof(buf))
		goto bad;
	strcpy(buf, val);
	/* split at every ':' (an empty field, as in text:10: or text::5, is an
	 * error, not skipped) */
	char *cls = buf, *pages = strchr(buf, ':'), *seed = NULL;
	if (!pages)
		goto bad;
	*pages++ = '\0';
	if ((seed = strchr(pages, ':')) != NULL) {
		*seed++ = '\0';
		if (strchr(seed, ':'))
			goto bad;
	}
	if (zsim_content_parse(cls, &s.cls) < 0) {
		char names[256];
		zsim_content_names(names, sizeof(names));
		snprintf(err, errlen, "unknown content class in '%s' (known: %s)", val, names);
		return ZSIM_EFORMAT;
	}
	if (zsim_parse_u64(pages, &s.pages) < 0 || s.pages == 0)
		goto bad;
	if (s.pages > FILL_MAX_SYNTHETIC_PAGES) {
		snprintf(err, errlen, "'%s': at most %llu pages (1 TiB)", val,
			 (unsigned long long)FILL_MAX_SYNTHETIC_PAGES);
		return ZSIM_EFORMAT;
	}
	if (seed && zsim_parse_u64(seed, &s.seed) < 0)
		goto bad;
	*syn = s;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not CLASS:PAGES[:SEED]", val);
	return ZSIM_EFORMAT;
}

static const struct zsim_opt_type comp_type = { ZSIM_OPTK_CUSTOM, "ALG", comp_opt };
static const struct zsim_opt_type level_type = { ZSIM_OPTK_CUSTOM, "N", level_opt };
static const struct zsim_opt_type kernel_type = { ZSIM_OPTK_CUSTOM, "VER", kernel_opt };
static const struct zsim_opt_type size_type = { ZSIM_OPTK_CUSTOM, "SIZE", size_opt };
static const struct zsim_opt_type threads_type = { ZSIM_OPTK_CUSTOM, "N", threads_opt };
static const struct zsim_opt_type allocator_type = { ZSIM_OPTK_CUSTOM, "NAME", allocator_opt };
static const struct zsim_opt_type allocators_type = { ZSIM_OPTK_CUSTOM, "A,B,...", allocators_opt };
static const struct zsim_opt_type synthetic_type = { ZSIM_OPTK_CUSTOM, "CLASS:PAGES[:SEED]", synthetic_opt };
/* a file name like ZSIM_OPT_FILE, shown as LIST */
static const struct zsim_opt_type list_type = { ZSIM_OPTK_STRING, "LIST", NULL };

/* Reads the discard list; every line a page index below nr_slots. */
static int read_discard(const char *path, uint64_t nr_slots, uint64_t **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "zsim fill: %s: %s\n", path, strerror(errno));
		return ZSIM_EXIT_ERROR;
	}
	char line[256];
	size_t cap = 1024, cnt = 0;
	uint64_t *v = zsim_xmalloc(cap * sizeof(*v));
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			fprintf(stderr, "zsim fill: %s:%lu: line too long\n", path, lineno);
			goto bad;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (!len)
			continue;   /* blank lines are allowed */
		uint64_t idx;
		if (zsim_parse_u64(line, &idx) < 0) {
			fprintf(stderr, "zsim fill: %s:%lu: '%s' is not a page index\n", path, lineno,
				zsim_one_line(line));
			goto bad;
		}
		if (idx >= nr_slots) {
			fprintf(stderr, "zsim fill: %s:%lu: page %llu is past the device (%llu pages)\n",
				path, lineno, (unsigned long long)idx, (unsigned long long)nr_slots);
			goto bad;
		}
		if (cnt == cap)
			v = zsim_xrealloc(v, (cap *= 2) * sizeof(*v));
		v[cnt++] = idx;
	}
	if (ferror(f)) {
		fprintf(stderr, "zsim fill: %s: read error\n", path);
		goto bad;
	}
	fclose(f);
	*out = v;
	*n = cnt;
	return 0;
bad:
	fclose(f);
	free(v);
	return ZSIM_EXIT_ERROR;
}

static int source_open(struct page_source *s, const struct fill_opts *o)
{
	memset(s, 0, sizeof(*s));
	s->o = o;
	if (o->syn.on) {
		s->pages = o->syn.pages;
		return 0;
	}
	struct stat st;
	char err[600];
	if (zsim_in_check(o->corpus, err, sizeof(err)) < 0)   /* before open: a FIFO would block it */
		return fail("%s", err);
	s->f = fopen(o->corpus, "rb");
	if (!s->f || fstat(fileno(s->f), &st) < 0) {
		fprintf(stderr, "zsim fill: %s: %s\n", o->corpus, strerror(errno));
		if (s->f)
			fclose(s->f);
		return ZSIM_EXIT_ERROR;
	}
	if (!S_ISREG(st.st_mode)) {
		fclose(s->f);
		return fail("%s: not a regular file", o->corpus);
	}
	if (st.st_size == 0 || st.st_size % ZSIM_PAGE_SIZE) {
		fprintf(stderr, "zsim fill: %s: size %lld is not a positive multiple of %u bytes\n",
			o->corpus, (long long)st.st_size, ZSIM_PAGE_SIZE);
		fclose(s->f);
		return ZSIM_EXIT_ERROR;
	}
	s->pages = (uint64_t)st.st_size / ZSIM_PAGE_SIZE;
	return 0;
}

/* The next batch of pages into buf: how many (0 at the end or on a read
 * error, then *err is set).  Synthetic pages are made by the preparation. */
static size_t source_batch(struct page_source *s, uint8_t *buf, int *err)
{
	uint64_t left = s->pages - s->next;
	size_t n = left < READ_BATCH_PAGES ? (size_t)left : READ_BATCH_PAGES;
	if (n && !s->o->syn.on && fread(buf, ZSIM_PAGE_SIZE, n, s->f) != n) {
		*err = 1;
		return 0;
	}
	s->next += n;
	return n;
}

/*
 * Preparing a batch: make synthetic pages, hash every page, test it for
 * same-filled and compress it, on worker threads, each with its own codec
 * instance.  Batches are double-buffered: the workers prepare the next batch
 * while the main thread stores the current one, in page order, into the
 * devices, which find every page already in the shared codec's cache.  The
 * outcome does not depend on the threads: sizes are a function of bytes.
 */
struct prep {
	const struct fill_opts *o;
	const struct batch *b;
	size_t lo, hi;
	struct zsim_codec *codec;  /* this worker's */
	uint8_t dst[ZSIM_CODEC_DST_MAX];
	int err;
};

struct batch {
	uint8_t *pages;
	uint64_t first;            /* index of pages[0] in the corpus */
	size_t n;
	uint64_t *hash;
	struct zsim_page_info *info;
	pthread_t th[MAX_THREADS];
	bool started[MAX_THREADS];
};

static void *prep_run(void *arg)
{
	struct prep *w = arg;
	const struct batch *b = w->b;
	for (size_t i = w->lo; i < w->hi; i++) {
		uint8_t *pg = b->pages + i * ZSIM_PAGE_SIZE;
		if (w->o->syn.on)
			zsim_content_fill(w->o->syn.cls, w->o->syn.seed * 0x9e3779b97f4a7c15ull + b->first + i, pg);
		b->hash[i] = zsim_page_hash(pg);
		struct zsim_page_info *pi = &b->info[i];
		pi->same = zsim_page_same_filled(pg, &pi->pattern);
		pi->len = pi->same ? 0 : zsim_codec_compress_page(w->codec, pg, w->dst, sizeof(w->dst));
		if (pi->len < 0)
			w->err = pi->len;
	}
	return NULL;
}

/* Start preparing b on the workers (threads where they can be had). */
static void prepare_start(struct prep *w, unsigned nthreads, struct batch *b)
{
	for (unsigned t = 0; t < nthreads; t++) {
		w[t].b = b;
		w[t].lo = b->n * t / nthreads;
		w[t].hi = b->n * (t + 1) / nthreads;
		w[t].err = 0;
		b->started[t] = pthread_create(&b->th[t], NULL, prep_run, &w[t]) == 0;
		if (!b->started[t])
			prep_run(&w[t]);   /* no thread: do its share here */
	}
}

/* Wait for b and put what was learnt into the shared cache; 0 or ZSIM_E*. */
static int prepare_finish(struct prep *w, unsigned nthreads, struct batch *b, struct zsim_codec *shared)
{
	int err = 0;
	for (unsigned t = 0; t < nthreads; t++) {
		if (b->started[t])
			pthread_join(b->th[t], NULL);
		b->started[t] = false;
		if (w[t].err)
			err = w[t].err;
	}
	if (err)
		return err;
	for (size_t i = 0; i < b->n; i++)
		zsim_codec_cache_put(shared, b->hash[i], &b->info[i]);
	return 0;
}

static void print_phase(const struct fill_opts *o, const char *phase, const char *alloc,
			const struct zsim_tier *t)
{
	uint64_t v[ZSIM_ARRAY_SIZE(mm_stat_fields)];
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(mm_stat_fields); i++)
		if (zsim_tier_stat(t, mm_stat_fields[i], &v[i]) < 0)
			v[i] = 0;
	if (o->json) {
		json_t *j = json_object();
		json_object_set_new(j, "phase", json_string(phase));
		json_object_set_new(j, "allocator", json_string(alloc));
		for (size_t i = 0; i < ZSIM_ARRAY_SIZE(mm_stat_fields); i++)
			json_object_set_new(j, mm_stat_fields[i], json_integer((json_int_t)v[i]));
		uint64_t x;
		if (zsim_tier_stat(t, "failed_writes", &x) == 0)
			json_object_set_new(j, "failed_writes", json_integer((json_int_t)x));
		char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(j);
		return;
	}
	if (o->alloc.n > 1)
		printf("%s ", alloc);
	printf("%s", phase);
	for (size_t i = 0; i < ZSIM_ARRAY_SIZE(mm_stat_fields); i++)
		printf(" %llu", (unsigned long long)v[i]);
	putchar('\n');
}

static int check_all(struct zsim_tier **dev, size_t n, const char *what, uint64_t idx)
{
	char msg[512];
	for (size_t a = 0; a < n; a++)
		if (dev[a]->ops->check(dev[a]->priv, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "zsim fill: invariant broken after %s %llu: %s\n", what,
				(unsigned long long)idx, msg);
			return ZSIM_EXIT_ERROR;
		}
	return 0;
}

static int zsim_report_allocators(const struct fill_opts *o, struct zsim_tier **dev);

#define FILL_OFF(f) offsetof(struct fill_opts, f)
static const struct zsim_opt fill_opts_tab[] = {
	{ "comp", &comp_type, FILL_OFF(comp), NULL, 0, 0,
	  "compressor (default: the kernel profile's zram default)", 0 },
	{ "level", &level_type, FILL_OFF(level), NULL, 0, 1000000,
	  "compression level (zstd; lz4 acceleration)", 0 },
	{ "kernel", &kernel_type, FILL_OFF(kp), NULL, 0, 0,
	  "kernel profile (default: the newest)", 0 },
	{ "disksize", &size_type, FILL_OFF(disksize), NULL, 1, 0,
	  "device size (default: the corpus size)", 0 },
	{ "mem-limit", &size_type, FILL_OFF(mem_limit), NULL, 0, 0,
	  "zram mem_limit; the first refused write stops the fill (exit 3)", 0 },
	{ "discard", &list_type, FILL_OFF(discard_path), NULL, 0, 0,
	  "then discard the pages listed (one decimal index per line)", 0 },
	{ "compact", ZSIM_OPT_FLAG, FILL_OFF(compact), NULL, 0, 0,
	  "then compact, printing a `compacted` line", 0 },
	{ "allocator", &allocator_type, FILL_OFF(alloc), NULL, 0, 0,
	  "store through NAME instead of zsmalloc (a what-if, see below)", 0 },
	{ "allocators", &allocators_type, FILL_OFF(alloc), NULL, 0, 0,
	  "one device per allocator, same pages; with --report, compare", 0 },
	{ "report", ZSIM_OPT_FLAG, FILL_OFF(report), NULL, 0, 0,
	  "print a per-allocator and per-class report", 0 },
	{ "json", ZSIM_OPT_FLAG, FILL_OFF(json), NULL, 0, 0,
	  "one JSON object per phase (per allocator)", 0 },
	{ "check", ZSIM_OPT_FLAG, FILL_OFF(check), NULL, 0, 0,
	  "verify every model's invariants after each operation (slow)", 0 },
	{ "threads", &threads_type, FILL_OFF(threads), NULL, 1, MAX_THREADS,
	  "compress on N threads (default: one per CPU, at most 8); results do not depend on it", 0 },
	{ "synthetic", &synthetic_type, FILL_OFF(syn), NULL, 0, 0,
	  "generate the pages instead of reading CORPUS", 0 },
	{ "help", ZSIM_OPT_FLAG, FILL_OFF(help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: zsim fill [options] CORPUS\n"
		"       zsim fill [options] --synthetic CLASS:PAGES[:SEED]\n"
		"Write CORPUS (raw 4096-byte pages; page i to device page i) to a simulated zram\n"
		"device, as `dd if=CORPUS of=/dev/zram0 bs=4096 oflag=direct` does, and print\n"
		"the device's mm_stat: `written` then the nine fields in the kernel's order.\n"
		"Options in any order:\n");
	zsim_opt_print(out, fill_opts_tab);
	fprintf(out,
		"SIZE: bytes, or a number with K, M, G or T (powers of 1024): 256M, 1G.\n"
		"--allocator is a what-if: the kernel's zram only ever used zsmalloc; objects the\n"
		"allocator cannot hold are stored whole, like huge pages.\n");
}

/* 0, or the exit status of an error already reported (or of --help, with
 * *done set). */
static int parse_opts(int argc, char **argv, struct fill_opts *o, bool *done)
{
	char err[512];
	int npos = 0;
	const struct zsim_opt_set sets[] = { { fill_opts_tab, o }, { NULL, NULL } };
	o->level = -1;   /* the codec's default */
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim fill: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (o->help) {
		usage(stdout);
		*done = true;
		return ZSIM_EXIT_OK;
	}
	char **pos = argv + 1;
	if (!o->alloc.n) {
		o->alloc.name[0] = "zsmalloc";
		o->alloc.n = 1;
	}
	if (o->syn.on && npos > 0)
		return fail("give either CORPUS or --synthetic, not both");
	if (!o->syn.on) {
		if (npos == 0) {
			fprintf(stderr, "zsim fill: no CORPUS given (see zsim fill --help)\n");
			return ZSIM_EXIT_USAGE;
		}
		if (npos > 1)
			return fail("one CORPUS only; unexpected '%s'", pos[1]);
		o->corpus = pos[0];
	}
	if (!o->kp)
		o->kp = zsim_kprofile_default();
	if (!o->comp)
		o->comp = o->kp->zram_default_comp;
	return 0;
}

int zsim_cmd_fill(int argc, char **argv)
{
	struct fill_opts o;
	memset(&o, 0, sizeof(o));
	bool done = false;
	int rc = parse_opts(argc, argv, &o, &done);
	if (rc || done)
		return rc;

	struct page_source *src = zsim_xmalloc(sizeof(*src));
	struct zsim_tier *dev[MAX_ALLOCATORS] = { 0 };
	struct zsim_codec *codec = NULL;
	struct prep *workers = NULL;
	unsigned nthreads = 0;
	struct batch batches[2];
	memset(batches, 0, sizeof(batches));
	uint64_t *discard = NULL;
	size_t nr_discard = 0;
	int ret = ZSIM_EXIT_ERROR;

	if ((rc = source_open(src, &o)) != 0) {
		free(src);
		return rc;
	}
	uint64_t corpus_bytes = src->pages * ZSIM_PAGE_SIZE;
	if (!o.disksize)
		o.disksize = corpus_bytes;
	uint64_t nr_slots = o.disksize / ZSIM_PAGE_SIZE;
	/* the device's tables beyond the machine: refused by estimate up front */
	uint64_t est = nr_slots * FILL_EST_SLOT_BYTES, memlim = zsim_phys_ram() / 2;
	if (memlim && (est / FILL_EST_SLOT_BYTES != nr_slots || est > memlim)) {
		fprintf(stderr, "zsim fill: --disksize %llu bytes: the simulator would need about %.1f MiB for "
			"the device's tables, more than half of this machine's RAM (%.1f MiB)\n",
			(unsigned long long)o.disksize, (double)est / 1048576.0, (double)memlim / 1048576.0);
		ret = ZSIM_EXIT_NOMEM;
		goto out;
	}
	if (nr_slots < src->pages) {
		fprintf(stderr, "zsim fill: disksize %llu bytes (%llu pages) is smaller than the corpus "
			"(%llu pages)\n", (unsigned long long)o.disksize, (unsigned long long)nr_slots,
			(unsigned long long)src->pages);
		goto out;
	}
	if (o.discard_path && read_discard(o.discard_path, nr_slots, &discard, &nr_discard))
		goto out;
	if ((rc = zsim_codec_new(o.comp, o.level, &codec)) == 0)
		zsim_codec_reserve(codec, src->pages);
	if (rc < 0) {
		const struct zsim_codec_ops *ops = zsim_codec_find(o.comp);
		fprintf(stderr, "zsim fill: --level %d: %s takes %s\n", o.level, o.comp,
			ops && ops->has_level ? "a level in its range" : "no level");
		goto out;
	}
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	nthreads = o.threads ? o.threads : (cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (unsigned)cpus);
	workers = zsim_xcalloc(nthreads, sizeof(*workers));
	for (unsigned t = 0; t < nthreads; t++) {
		workers[t].o = &o;
		if (zsim_codec_new(o.comp, o.level, &workers[t].codec) < 0) {
			fprintf(stderr, "zsim fill: cannot set up compressor %s\n", o.comp);
			goto out;
		}
	}
	for (int k = 0; k < 2; k++) {
		batches[k].pages = zsim_xmalloc((size_t)READ_BATCH_PAGES * ZSIM_PAGE_SIZE);
		batches[k].hash = zsim_xmalloc(READ_BATCH_PAGES * sizeof(*batches[k].hash));
		batches[k].info = zsim_xmalloc(READ_BATCH_PAGES * sizeof(*batches[k].info));
	}
	for (size_t a = 0; a < o.alloc.n; a++) {
		char err[256], level[16], limit[24];
		struct zsim_tier_cfg zc;
		snprintf(level, sizeof(level), "%d", o.level);
		snprintf(limit, sizeof(limit), "%llu", (unsigned long long)o.mem_limit);
		zsim_tier_cfg_defaults(&zsim_tier_zram, 0, &zc);
		struct zsim_tier_params tp = {
			.kp = o.kp,
			.capacity_pages = nr_slots,
			.cfg = zc.b,
			.shared_codec = codec,
		};
		if (zsim_tier_cfg_set(&zsim_tier_zram, &zc, "comp", o.comp, err, sizeof(err)) < 0 ||
		    zsim_tier_cfg_set(&zsim_tier_zram, &zc, "level", level, err, sizeof(err)) < 0 ||
		    zsim_tier_cfg_set(&zsim_tier_zram, &zc, "allocator", o.alloc.name[a], err, sizeof(err)) < 0 ||
		    zsim_tier_cfg_set(&zsim_tier_zram, &zc, "mem_limit", limit, err, sizeof(err)) < 0 ||
		    zsim_tier_new("zram", &tp, &dev[a], err, sizeof(err)) < 0) {
			fprintf(stderr, "zsim fill: %s\n", err);
			goto out;
		}
	}

	/* Phase 1: the writes, a batch at a time, the next one prepared meanwhile. */
	int rerr = 0;
	bool refused = false;
	unsigned cur = 0;
	batches[0].first = src->next;
	batches[0].n = source_batch(src, batches[0].pages, &rerr);
	if (batches[0].n)
		prepare_start(workers, nthreads, &batches[0]);
	while (!refused && batches[cur].n > 0) {
		struct batch *b = &batches[cur], *nb = &batches[cur ^ 1];
		if ((rc = prepare_finish(workers, nthreads, b, codec)) < 0) {
			fprintf(stderr, "zsim fill: compressing: %s\n", zsim_strerror(rc));
			goto out;
		}
		nb->first = src->next;
		nb->n = rerr ? 0 : source_batch(src, nb->pages, &rerr);
		if (nb->n)
			prepare_start(workers, nthreads, nb);
		for (size_t i = 0; i < b->n && !refused; i++) {
			uint64_t idx = b->first + i;
			struct zsim_page_ref ref = { .bytes = b->pages + i * ZSIM_PAGE_SIZE, .hash = b->hash[i] };
			for (size_t a = 0; a < o.alloc.n; a++) {
				rc = dev[a]->ops->store(dev[a]->priv, idx, &ref);
				if (rc == ZSIM_ENOMEM && o.alloc.n == 1) {
					fprintf(stderr, "zsim fill: page %llu: the kernel would fail this write with EIO "
						"(Input/output error): zram mem_limit of %llu bytes reached\n",
						(unsigned long long)idx, (unsigned long long)o.mem_limit);
					refused = true;
				} else if (rc < 0 && rc != ZSIM_ENOMEM) {
					fprintf(stderr, "zsim fill: page %llu: %s\n", (unsigned long long)idx,
						zsim_strerror(rc));
					goto out;
				}
			}
			if (o.check && check_all(dev, o.alloc.n, "writing page", idx))
				goto out;
		}
		cur ^= 1;   /* the batch prepared meanwhile is next */
	}
	if (refused && batches[cur].n) {
		/* let the batch in flight finish before its buffers go */
		prepare_finish(workers, nthreads, &batches[cur], codec);
	}
	if (rerr) {
		fprintf(stderr, "zsim fill: %s: read error near page %llu\n", o.corpus,
			(unsigned long long)src->next);
		goto out;
	}
	if (!o.report)
		for (size_t a = 0; a < o.alloc.n; a++)
			print_phase(&o, "written", o.alloc.name[a], dev[a]);
	if (refused) {
		ret = ZSIM_EXIT_WRITE_FAIL;
		goto out;
	}

	/* Phase 2: discard. */
	if (discard) {
		for (size_t i = 0; i < nr_discard; i++) {
			for (size_t a = 0; a < o.alloc.n; a++)
				dev[a]->ops->invalidate(dev[a]->priv, discard[i]);
			if (o.check && check_all(dev, o.alloc.n, "discarding page", discard[i]))
				goto out;
		}
		if (!o.report)
			for (size_t a = 0; a < o.alloc.n; a++)
				print_phase(&o, "discarded", o.alloc.name[a], dev[a]);
	}

	/* Phase 3: compaction. */
	if (o.compact) {
		for (size_t a = 0; a < o.alloc.n; a++) {
			uint64_t freed;
			zsim_tier_control(dev[a], ZSIM_TCTL_COMPACT, &freed);
		}
		if (o.check && check_all(dev, o.alloc.n, "compaction", 0))
			goto out;
		if (!o.report)
			for (size_t a = 0; a < o.alloc.n; a++)
				print_phase(&o, "compacted", o.alloc.name[a], dev[a]);
	}
	if (o.report)
		zsim_report_allocators(&o, dev);
	ret = ZSIM_EXIT_OK;
out:
	for (size_t a = 0; a < o.alloc.n; a++)
		zsim_tier_free(dev[a]);
	zsim_codec_free(codec);
	for (int k = 0; k < 2; k++)   /* no worker may outlive its batch */
		for (unsigned t = 0; t < nthreads; t++)
			if (batches[k].started[t]) {
				pthread_join(batches[k].th[t], NULL);
				batches[k].started[t] = false;
			}
	for (unsigned t = 0; workers && t < nthreads; t++)
		zsim_codec_free(workers[t].codec);
	free(workers);
	for (int k = 0; k < 2; k++) {
		free(batches[k].pages);
		free(batches[k].hash);
		free(batches[k].info);
	}
	if (src->f)
		fclose(src->f);
	free(src);
	free(discard);
	if (fflush(stdout) != 0 && ret == ZSIM_EXIT_OK) {
		fprintf(stderr, "zsim fill: writing output: %s\n", strerror(errno));
		ret = ZSIM_EXIT_ERROR;
	}
	return ret;
}

static uint64_t stat_of(const struct zsim_tier *t, const char *name)
{
	uint64_t v = 0;
	zsim_tier_stat(t, name, &v);
	return v;
}

/*
 * The comparison report: per allocator, pages used, bytes stored, the
 * effective ratio (original bytes / pool bytes), waste against the ideal
 * packing of the same bytes (ceil(bytes / 4096) pages), objects kept whole;
 * then each allocator's per-class view, as /sys/kernel/debug/zsmalloc/<pool>/classes.
 */
static int zsim_report_allocators(const struct fill_opts *o, struct zsim_tier **dev)
{
	json_t *all = o->json ? json_array() : NULL;
	if (!o->json)
		printf("%-10s %10s %10s %12s %7s %8s %8s %8s %s\n", "allocator", "pages_used",
		       "objects", "bytes_stored", "ratio", "waste%", "whole", "rejected", "compaction");
	for (size_t a = 0; a < o->alloc.n; a++) {
		const struct zsim_allocator *al = NULL;
		zsim_tier_control(dev[a], ZSIM_TCTL_POOL, &al);
		uint64_t pages = stat_of(dev[a], "mem_used_total") / ZSIM_PAGE_SIZE;
		uint64_t orig = stat_of(dev[a], "orig_data_size");
		uint64_t bytes = stat_of(dev[a], "compr_data_size");
		uint64_t whole = stat_of(dev[a], "stored_whole");
		uint64_t ideal = ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE);
		uint64_t objects = 0;
		size_t nc = al->ops->nr_classes(al->priv);
		struct zsim_alloc_class_stat cs;
		for (size_t i = 0; i < nc; i++) {
			al->ops->class_stat(al->priv, i, &cs);
			objects += cs.objs_used;
		}
		double ratio = pages ? (double)orig / (double)(pages * ZSIM_PAGE_SIZE) : 0.0;
		double waste = ideal ? 100.0 * ((double)pages - (double)ideal) / (double)ideal : 0.0;
		const char *compaction = al->ops->compaction_note ? al->ops->compaction_note : "";
		if (!o->json) {
			printf("%-10s %10llu %10llu %12llu %7.3f %8.2f %8llu %8d %s\n", o->alloc.name[a],
			       (unsigned long long)pages, (unsigned long long)objects,
			       (unsigned long long)bytes, ratio, waste, (unsigned long long)whole, 0,
			       compaction);
			continue;
		}
		json_t *j = json_object(), *rows = json_array();
		json_object_set_new(j, "allocator", json_string(o->alloc.name[a]));
		json_object_set_new(j, "pages_used", json_integer((json_int_t)pages));
		json_object_set_new(j, "objects", json_integer((json_int_t)objects));
		json_object_set_new(j, "bytes_stored", json_integer((json_int_t)bytes));
		json_object_set_new(j, "orig_data_size", json_integer((json_int_t)orig));
		json_object_set_new(j, "effective_ratio", json_real(ratio));
		json_object_set_new(j, "ideal_pages", json_integer((json_int_t)ideal));
		json_object_set_new(j, "waste_vs_ideal_pct", json_real(waste));
		json_object_set_new(j, "stored_whole", json_integer((json_int_t)whole));
		json_object_set_new(j, "rejected", json_integer(0));
		json_object_set_new(j, "has_compaction", json_boolean(al->ops->compact != NULL));
		json_object_set_new(j, "compaction", json_string(compaction));
		for (size_t i = 0; i < nc; i++) {
			al->ops->class_stat(al->priv, i, &cs);
			if (!cs.units && !cs.objs_used)
				continue;
			json_t *r = json_object();
			json_object_set_new(r, "size", json_integer(cs.size));
			json_object_set_new(r, "pages_per_unit", json_integer(cs.pages_per_unit));
			json_object_set_new(r, "objs_per_unit", json_integer(cs.objs_per_unit));
			json_object_set_new(r, "objs_allocated", json_integer((json_int_t)cs.objs_allocated));
			json_object_set_new(r, "objs_used", json_integer((json_int_t)cs.objs_used));
			json_object_set_new(r, "units", json_integer((json_int_t)cs.units));
			json_object_set_new(r, "pages", json_integer((json_int_t)cs.pages));
			json_object_set_new(r, "freeable", json_integer((json_int_t)cs.freeable));
			json_array_append_new(rows, r);
		}
		json_object_set_new(j, "classes", rows);
		json_array_append_new(all, j);
	}
	if (o->json) {
		for (size_t i = 0; i < json_array_size(all); i++) {
			char *s = json_dumps(json_array_get(all, i), JSON_PRESERVE_ORDER | JSON_COMPACT);
			puts(s);
			free(s);
		}
		json_decref(all);
		return 0;
	}
	for (size_t a = 0; a < o->alloc.n; a++) {
		const struct zsim_allocator *al = NULL;
		zsim_tier_control(dev[a], ZSIM_TCTL_POOL, &al);
		size_t nc = al->ops->nr_classes(al->priv);
		struct zsim_alloc_class_stat cs;
		printf("\n%s classes:\n %5s %6s %6s %12s %12s %10s %10s %9s %6s\n", o->alloc.name[a],
		       "size", "pages", "objs", "obj_alloc", "obj_used", "units", "pages_used",
		       "freeable", "fill%");
		for (size_t i = 0; i < nc; i++) {
			al->ops->class_stat(al->priv, i, &cs);
			if (!cs.units && !cs.objs_used)
				continue;
			double fill = cs.pages ? 100.0 * (double)(cs.objs_used * cs.size) /
						 (double)(cs.pages * ZSIM_PAGE_SIZE) : 0.0;
			printf(" %5u %6u %6u %12llu %12llu %10llu %10llu %9llu %6.1f\n", cs.size,
			       cs.pages_per_unit, cs.objs_per_unit, (unsigned long long)cs.objs_allocated,
			       (unsigned long long)cs.objs_used, (unsigned long long)cs.units,
			       (unsigned long long)cs.pages, (unsigned long long)cs.freeable, fill);
		}
	}
	return 0;
}
