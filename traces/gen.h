/*
 * gen.h - trace generators and importers: the plug-in tables, the option
 * tables they declare, and the emitter they write events through.
 *
 * A generator (traces/gen_*.c) imitates one workload and writes its events to
 * a trace writer; an importer (traces/import_*.c) turns another tool's trace
 * into ours.  Each member file exports exactly one table; the phone books are in
 * gen.c (`zsim trace gen KIND`) and import.c (`zsim trace import FORMAT`).
 *
 * Options are data, not code: a member lists its options in a table (name,
 * type, offset into its own options struct, default, range, help;
 * core/options.h), and the parser fills the defaults by parsing the same
 * strings a user would type, reads the command line, checks ranges and prints
 * --help.  So a default in
 * the table is exactly what `--help` shows and what runs.
 *
 * Everything random comes from the emitter's seeded generator (core/rng.h):
 * same options and --seed, byte-identical trace.  No member keeps global
 * mutable state.
 */
#ifndef ZSIM_GEN_H
#define ZSIM_GEN_H

#include "trace.h"
#include "../core/options.h"
#include "../core/rng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Bounds of every generator (FORMAT.md "Generators"): sizes at most 1 TiB,
 * times at most 2^50 ns (what one trace event and the simulator take), and
 * at most ZSIM_GEN_MAX_EVENTS events in all: a generator that would write
 * more stops with an error and leaves no file.
 */
#define ZSIM_GEN_MAX_NS 1125899906842624.0       /* 2^50 ns, as double for option tables */
#define ZSIM_GEN_MAX_EVENTS 2147483648.0         /* 2^31 */

/* ---- option tables ---------------------------------------------------- */

/*
 * The tables are core/options.h's struct zsim_opt, with the types there
 * (ZSIM_OPT_SIZE, _COUNT, _REAL, _TIME, _NAME, _FLAG) and one of ours: a
 * content class, into a struct zsim_content_ref (seed unused): "text",
 * "ratio:2.7".
 */
extern const struct zsim_opt_type zsim_gen_opt_content;
#define ZSIM_GEN_OPT_CONTENT (&zsim_gen_opt_content)

#define ZSIM_GEN_NAME_MAX ZSIM_OPT_NAME_MAX

/* What every generator and importer command line carries besides its table. */
struct zsim_gen_cli {
	uint64_t seed;               /* --seed N (default 1) */
	const char *output;          /* -o FILE / --output FILE ("-" = standard output) */
	const char *input;           /* importers: the positional INPUT ("-" = standard input) */
	bool help;                   /* --help / -h */
	bool verbose;                /* -v / --verbose: events and rate on stderr */
	bool dry_run;                /* generators: --dry-run: print the estimate, write nothing */
	uint64_t max_size;           /* generators: --max-size (0: half the free space at -o) */
	uint64_t max_memory;         /* generators: --max-memory (0: half of this machine's RAM) */
};

/*
 * Fill opts with the table's defaults, then parse argv[0..argc) against the
 * table and the common options above (want_input allows one positional
 * argument, stored in cli->input).  Returns 0, or ZSIM_EFORMAT with one
 * message (no "zsim ..." prefix, no newline) in err.  A default that does not
 * parse is a bug: aborts.  argv's arguments may be reordered.
 */
int zsim_gen_parse(const struct zsim_opt *tab, void *opts, int argc, char **argv,
		   bool want_input, struct zsim_gen_cli *cli, char *err, size_t errlen);
/* Print the option table (name, default, help) as --help text. */
void zsim_gen_print_opts(FILE *out, const struct zsim_opt *tab);

/* ---- the emitter ------------------------------------------------------ */

/* Where generators put a process's first anonymous mapping (page number; 1 GiB
 * of address space): any value works, a fixed one keeps traces comparable. */
#define ZSIM_GEN_ANON_BASE 0x40000ull

/* One file of a generated source tree (the untar generator records these). */
enum zsim_tree_kind { ZSIM_TREE_C, ZSIM_TREE_H, ZSIM_TREE_OTHER };
struct zsim_tree_file {
	uint32_t id;                 /* trace-local file id */
	uint8_t kind;                /* enum zsim_tree_kind */
	uint64_t bytes;
};
struct zsim_tree {
	struct zsim_tree_file *files; /* owned; zsim_gen_tree_free() */
	uint32_t nfiles;
	uint32_t tar_pid;            /* the process that wrote it (exited) */
	uint64_t bytes;              /* sum of the file sizes */
};
void zsim_gen_tree_free(struct zsim_tree *t);

/*
 * The state a generator writes through.  Errors are sticky: after the first
 * failed write every emit is a no-op, and the core reports g->msg once the
 * generator returns (members check g->err at convenient points to stop early).
 */
struct zsim_gen {
	struct zsim_trace_writer *w;
	struct zsim_rng rng;
	uint32_t last_pid;           /* pids are handed out 1, 2, ... */
	uint32_t last_file;          /* file ids likewise */
	uint64_t events;
	int err;                     /* 0 or the first ZSIM_E* */
	char msg[256];
	/* Composition (kbuild runs untar): the parent new top-level processes hang
	 * under (0 = none), and where untar records the tree it wrote (NULL = don't). */
	uint32_t parent;
	struct zsim_tree *tree;
	/* Content seeds: consecutive per class from a base drawn from the seed, so
	 * each write is a new page and the writer codes its seed in no extra byte
	 * (FORMAT.md: a seed one above the class's previous seed is implicit). */
	uint64_t seed_next[ZSIM_CONTENT_NR];
	uint64_t max_events;         /* 0: ZSIM_GEN_MAX_EVENTS; else a smaller cap (fuzzing) */
};

/* pre: w open.  Seeds the generator from seed. */
void zsim_gen_init(struct zsim_gen *g, struct zsim_trace_writer *w, uint64_t seed);
/* Write one event (counted); on failure records the error in g. */
void zsim_gen_emit(struct zsim_gen *g, const struct zsim_event *ev);
/* Whether n more events fit under the cap; if not, records the cap's error in
 * g.  A generator that must do O(n) work before its first n events (a shuffle,
 * a tree) asks first, so an impossible size fails at once instead of after it. */
bool zsim_gen_room(struct zsim_gen *g, uint64_t n);
/* Record an error found by a member (first one wins); returns err. */
int zsim_gen_fail(struct zsim_gen *g, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint32_t zsim_gen_proc_create(struct zsim_gen *g, uint32_t ppid, const char *name)
{
	struct zsim_event ev = { .kind = ZSIM_EV_PROC_CREATE, .pid = ++g->last_pid,
				 .target = ppid, .name = name };
	zsim_gen_emit(g, &ev);
	return ev.pid;
}

static inline void zsim_gen_exit(struct zsim_gen *g, uint32_t pid)
{
	struct zsim_event ev = { .kind = ZSIM_EV_PROC_EXIT, .pid = pid };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_wait(struct zsim_gen *g, uint32_t pid, uint32_t target)
{
	struct zsim_event ev = { .kind = ZSIM_EV_WAIT, .pid = pid, .target = target };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_map(struct zsim_gen *g, uint32_t pid, uint64_t page, uint64_t npages,
				enum zsim_map_kind kind)
{
	struct zsim_event ev = { .kind = ZSIM_EV_MAP, .pid = pid, .page = page,
				 .npages = npages, .map = (uint8_t)kind };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_unmap(struct zsim_gen *g, uint32_t pid, uint64_t page, uint64_t npages)
{
	struct zsim_event ev = { .kind = ZSIM_EV_UNMAP, .pid = pid, .page = page, .npages = npages };
	zsim_gen_emit(g, &ev);
}

/* A fresh content reference of class c (pre: c->cls < ZSIM_CONTENT_NR): the
 * class's next seed. */
static inline struct zsim_content_ref zsim_gen_content(struct zsim_gen *g,
						      const struct zsim_content_ref *c)
{
	struct zsim_content_ref r = { .cls = c->cls, .param = c->param,
				      .seed = g->seed_next[c->cls]++ };
	return r;
}

static inline void zsim_gen_read(struct zsim_gen *g, uint32_t pid, uint64_t page)
{
	struct zsim_event ev = { .kind = ZSIM_EV_ACCESS, .pid = pid, .page = page };
	zsim_gen_emit(g, &ev);
}

/* A write of fresh content of class c (a new seed). */
static inline void zsim_gen_write(struct zsim_gen *g, uint32_t pid, uint64_t page,
				  const struct zsim_content_ref *c)
{
	struct zsim_event ev = { .kind = ZSIM_EV_ACCESS, .pid = pid, .page = page, .write = 1,
				 .content = zsim_gen_content(g, c) };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_cpu(struct zsim_gen *g, uint32_t pid, uint64_t ns)
{
	if (!ns)
		return;
	struct zsim_event ev = { .kind = ZSIM_EV_CPU, .pid = pid, .ns = ns };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_sleep(struct zsim_gen *g, uint32_t pid, uint64_t ns)
{
	if (!ns)
		return;
	struct zsim_event ev = { .kind = ZSIM_EV_SLEEP, .pid = pid, .ns = ns };
	zsim_gen_emit(g, &ev);
}

/* pid's turn ends: once its work before this is done, target may pass a park. */
static inline void zsim_gen_wake(struct zsim_gen *g, uint32_t pid, uint32_t target)
{
	struct zsim_event ev = { .kind = ZSIM_EV_WAKE, .pid = pid, .target = target };
	zsim_gen_emit(g, &ev);
}

/* pid sleeps until a wake names it (or goes on, if one already did). */
static inline void zsim_gen_park(struct zsim_gen *g, uint32_t pid)
{
	struct zsim_event ev = { .kind = ZSIM_EV_PARK, .pid = pid };
	zsim_gen_emit(g, &ev);
}

static inline uint32_t zsim_gen_file_create(struct zsim_gen *g, uint32_t pid, uint32_t fs,
					    const char *name)
{
	struct zsim_event ev = { .kind = ZSIM_EV_FILE_CREATE, .pid = pid, .file = ++g->last_file,
				 .fs = fs, .name = name };
	zsim_gen_emit(g, &ev);
	return ev.file;
}

static inline void zsim_gen_file_read(struct zsim_gen *g, uint32_t pid, uint32_t file, uint64_t page)
{
	struct zsim_event ev = { .kind = ZSIM_EV_FILE_READ, .pid = pid, .file = file, .page = page };
	zsim_gen_emit(g, &ev);
}

static inline void zsim_gen_file_write(struct zsim_gen *g, uint32_t pid, uint32_t file,
				       uint64_t page, const struct zsim_content_ref *c)
{
	struct zsim_event ev = { .kind = ZSIM_EV_FILE_WRITE, .pid = pid, .file = file, .page = page,
				 .content = zsim_gen_content(g, c) };
	zsim_gen_emit(g, &ev);
}

/*
 * Draw from a distribution given by its quantiles: pts[i] = { p, value }, p
 * rising from 0 to 1; linear between points.  Cost: O(n).
 */
struct zsim_quantile { double p, v; };
double zsim_gen_quantile(const struct zsim_quantile *pts, size_t n, double u);

/* ---- estimates -------------------------------------------------------- */

/*
 * What a generator will write, from its options and seed, before it writes:
 * events, bytes of the uncompressed stream (header and end marker included),
 * the pages of simulated memory it maps or writes at most at once (anonymous
 * mappings alive together plus the file pages it writes: what a run needs to
 * hold it all in RAM), and the generator's own working memory.  Expected
 * values: the estimators count each kind of event and its encoded size
 * (FORMAT.md), with random page jumps at their expected varint length.
 */
struct zsim_gen_estimate {
	double events, bytes, pages, memory;
};
/* n events of `each` bytes. */
static inline void zsim_est_add(struct zsim_gen_estimate *e, double n, double each)
{
	e->events += n;
	e->bytes += n * each;
}
/* Bytes of a varint holding v. */
double zsim_est_varint(double v);
/* Bytes of an access (tag and page jump, no pid, no content) to a page drawn
 * uniformly from `range` pages after one drawn the same way. */
double zsim_est_random_access(double range);
/* Bytes of a create event of a process named `name`. */
double zsim_est_create(const char *name, uint32_t pid);
/* A process named `name` created and its anonymous region of `pages`
 * mapped (what every one-process generator starts with): two events. */
void zsim_est_create_map(struct zsim_gen_estimate *e, const char *name, uint32_t pid, double pages);

/* ---- the plug-in tables ----------------------------------------------- */

/*
 * A generator.  The core allocates opts_size bytes for the options struct,
 * fills it from the table, then calls check, prepare and run.
 */
struct zsim_generator {
	const char *name;
	const char *help;                      /* a paragraph for --help */
	size_t opts_size;
	const struct zsim_opt *opts;
	/* Optional (NULL: nothing to check): validate option combinations and
	 * derive values; 0 or ZSIM_EINVAL with one message in err. */
	int (*check)(void *opts, char *err, size_t errlen);
	/* Optional (NULL: no filesystems): name the filesystems the trace uses. */
	void (*prepare)(void *opts, struct zsim_trace_header *h);
	/* Write the events; 0 or ZSIM_E* (message in g->msg via zsim_gen_fail). */
	int (*run)(struct zsim_gen *g, const void *opts);
	/* Estimate what run would write with this seed, without writing (called
	 * after check and prepare; the header's bytes are added by the caller). */
	void (*estimate)(const void *opts, uint64_t seed, struct zsim_gen_estimate *e);
};


/*
 * The untar generator's options, shared so that kbuild can run it as its
 * first phase (kbuild embeds them and calls zsim_gen_untar.run()).
 */
struct zsim_untar_opts {
	uint64_t tree_bytes;         /* --tree-size */
	uint64_t files;              /* --files */
	char fs[ZSIM_GEN_NAME_MAX];  /* --fs */
	struct zsim_content_ref content; /* --content */
	uint32_t fs_index;           /* set by prepare: index of fs in the header */
};

/* The untar generator's estimate of its tree (kbuild adds its build to it). */
void zsim_gen_untar_estimate(const struct zsim_untar_opts *o, uint64_t seed, struct zsim_gen_estimate *e);

/* The index of filesystem `name` in h, adding it if new (at most ZSIM_TRACE_MAX_FS). */
uint32_t zsim_gen_header_fs(struct zsim_trace_header *h, const char *name);

extern const struct zsim_generator zsim_gen_hogger;
extern const struct zsim_generator zsim_gen_untar;
extern const struct zsim_generator zsim_gen_kbuild;
extern const struct zsim_generator zsim_gen_zipf;
extern const struct zsim_generator zsim_gen_scan;
extern const struct zsim_generator zsim_gen_appswitch;

/* ---- importers -------------------------------------------------------- */

/*
 * The input of an importer: a file or standard input, decompressed
 * transparently when it starts with the zstd magic number.  Offsets and line
 * numbers count the decompressed bytes.
 */
struct zsim_import_in;
/* Read up to n bytes; returns the count (0 at end) or ZSIM_ESYS/ZSIM_EFORMAT
 * with the message in zsim_import_error(). */
long zsim_import_read(struct zsim_import_in *in, void *buf, size_t n);
/* The next line without its newline (NUL-terminated, valid until the next
 * call); returns 1, 0 at end, or a negative code. */
int zsim_import_getline(struct zsim_import_in *in, char **line, size_t *len);
uint64_t zsim_import_offset(const struct zsim_import_in *in);   /* bytes consumed */
uint64_t zsim_import_lineno(const struct zsim_import_in *in);   /* of the last line */
const char *zsim_import_name(const struct zsim_import_in *in);  /* the input's path or "-" */
const char *zsim_import_error(const struct zsim_import_in *in);

struct zsim_importer {
	const char *name;
	const char *help;
	size_t opts_size;
	const struct zsim_opt *opts;
	/* Translate `in` into events through g; 0 or ZSIM_E* (message via zsim_gen_fail). */
	int (*run)(struct zsim_gen *g, const void *opts, struct zsim_import_in *in);
};

extern const struct zsim_importer zsim_import_lackey;
extern const struct zsim_importer zsim_import_oracle;

/* `zsim trace gen KIND ...` and `zsim trace import FORMAT ...`: argv from KIND/FORMAT on;
 * return an exit status (cli/cli.h). */
int zsim_trace_gen(int argc, char **argv);
int zsim_trace_import(int argc, char **argv);

/* The generators' names, comma-separated, into buf (zsim --list). */
void zsim_gen_names(char *buf, size_t len);

#endif
