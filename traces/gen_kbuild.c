/*
 * gen_kbuild.c - untar a kernel tree and build it with make -jJ.
 *
 * This is the workload of the 2013 experiment in seed/: "untar kernel.tgz ...,
 * build -j 4" on a 1 GiB box beside an 800 MiB hogger.  The numbers come from
 * a measured Linux 6.1 defconfig build (../shared/workloads/kbuild-profile.md
 * and the files beside it; each constant below names its file and field).  The
 * 6.1/gcc 12 units are bigger than 3.12/gcc 4.8 ones were; --heap-scale and
 * --cpu-scale adjust for that (not measured, so both default to 1).
 *
 * Processes (pids in order of creation):
 *   sh    creates tar, waits for it, creates make, waits for it, exits;
 *   tar   the untar generator (gen_untar.c, run through its table: the same
 *         code, options --tree-size, --files, --fs, --src-content);
 *   make  runs the compile units J at a time, then the link passes one by one;
 *   cc1   one per compile unit: maps its heap, reads its .c file and ~600
 *         headers through the page cache, grows the heap along the measured
 *         curve while its CPU time passes, writes its object file, exits;
 *   ld    one per link pass: reads the objects (the first pass) or the
 *         previous pass's output, grows a heap, writes its output, exits.
 *
 * "J at a time" with the event model's WAIT: WAIT pid=make target=X blocks
 * make until process X has exited; target=0 waits for all of make's children.
 * There is no "wait for any child", so make waits for a *specific* child: the
 * one that ends first on the generator's nominal timeline (each unit's CPU
 * time, run on a CPU of its own).  After it exits, make creates the next unit
 * and waits for the next to end.  Whatever the simulator's timing, a new unit is
 * created only after one has exited, so at most J units are ever alive (fewer
 * when a unit other than the awaited one ends first under memory pressure).
 * When no unit is left to start, make waits with target=0, then runs the links.
 * Events are written in nominal-time order: the running units' events are
 * interleaved one step (1/UNIT_STEPS of a unit's CPU time) at a time.
 *
 * Per unit (drawn independently per unit, in order of creation):
 *  - peak anonymous heap: concurrency-summary.json, "defconfig full build,
 *    -j2", per_pid_cc1.max_anon_mib (p10 26.7, p50 49.9, p90 88.7, p99 129.7,
 *    max 230.2 MiB), sampled every 100 ms; the minimum 2.5 MiB is unit-stats.json
 *    C.maxrss_mib.min 18.9 less per_pid_cc1.max_file_mib.p10 16.5.  Times
 *    --heap-scale.
 *  - CPU time: unit-stats.json C.user_s (p10 0.12 ... max 4.23 s; min taken
 *    as 10 ms, the timer's resolution), times --cpu-scale.  Heap and CPU time
 *    are correlated (corr_maxrss_user 0.837): the CPU quantile is the heap
 *    quantile plus a uniform jitter of +-CPU_JITTER/2, which gives a rank
 *    correlation of about 0.9.
 *  - growth: cc1-rss-timeline.csv (kbuild-profile.md, "cc1 heap growth"):
 *    half the peak by 15 % of the run, 80 % by 45 %, 95 % by 85 %, the peak
 *    at exit; piecewise linear through those points (heap_curve).  The heap is
 *    one anonymous mapping of the peak size; each page is written once when
 *    the heap grows over it: with probability --heap-zero (0.059:
 *    cc1-heap-summary.json zero_pages 8,517 / pages 144,170) a zero page, else
 *    --heap-content (heap).  Then --heap-passes re-touch passes (default 1; not
 *    measured: a stand-in for the garbage collector's walks of the heap) read
 *    every page grown so far, spread evenly over the run.
 *  - files read: unit-stats.json C.n_deps (p10 412, p50 595, p90 814, max
 *    1,012) headers plus the unit's .c file, all read in the first
 *    READ_FRACTION of the run (the parse phase).  The headers come from a hot
 *    set of the tree's .h files: 3,574 of 23,401 in 6.1 (kbuild-profile.md
 *    section 3, "6,378 distinct files ... 3,574 headers (27.2 MB)") scaled to
 *    this tree, drawn from the headers under HOT_HEADER_MAX (27.2 MB / 3,574 =
 *    7.6 KB on average; the build never reads the multi-MB GPU register
 *    headers).  Every unit reads the CORE_FRACTION most popular part of its
 *    count from the head of the hot set (include/linux/ headers; an assumption, the
 *    profile gives no per-header counts) and the rest uniformly from the tail.
 *  - object: the .c file's size times obj/src ratio from unit-stats.json
 *    C.obj_over_src (p10 0.656, p50 1.229, p90 2.627, p99 38.9), at most
 *    C.obj_bytes.max 1,034,904 B; written once, --obj-content binary.
 * Units compile the tree's .c files in tree order; --units defaults to 1000 of
 * the 2,737 C units of the 6.1 defconfig (unit-stats.json C.units): enough
 * for a few minutes of -j4 build, with the default trace at ~25 M events.
 *
 * Link: link-steps.csv / kbuild-profile.md "Link and archive steps": ld -r
 * (0.63 s user) then three ld passes (~2.7 s user each) at ~297 MiB anonymous
 * (concurrency-summary.json per_pid_ld.max_anon_mib.max 297.3) for 77.2 MB of
 * objects (unit-stats.json C.sum_obj_bytes 77,205,840).  Scaled by this
 * build's object bytes: heap LD_HEAP_PER_OBJ_BYTE x objects, CPU per object
 * byte; the first pass reads every object and writes vmlinux.o (67.1 / 77.2 of
 * the objects), later passes read the previous output and write vmlinux (74.7
 * / 77.2).  --link-passes 4 as measured; 0 leaves the link out.
 *
 * Left out: make's own memory, the shared file-backed text of cc1 (~22 MiB,
 * shared by all units), as/objtool/ar (a few MiB each), sys time, and the
 * 52 assembler units.
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_STEPS       32      /* a unit's run in steps of equal CPU time */
#define READ_FRACTION    0.15    /* files are read in the parse phase (growth curve) */
#define CORE_FRACTION    0.7     /* share of a unit's headers from the common core */
#define HOT_HEADERS_6_1  3574.0  /* headers the 6.1 defconfig build read */
#define H_FILES_6_1      23401.0 /* .h files of the 6.1 tree (tree-stats.json size_stats.h.count) */
#define HOT_HEADER_MAX   (64u << 10)
#define MAX_DEPS         1012    /* unit-stats.json C.n_deps.max */
#define CPU_JITTER       0.2
#define OBJ_MAX_BYTES    1034904.0
#define LD_HEAP_PER_OBJ_BYTE (297.3 * 1048576.0 / 77205840.0)
#define LD_R_NS_PER_OBJ_BYTE (0.63e9 / 77205840.0)
#define LD_NS_PER_OBJ_BYTE   (2.71e9 / 77205840.0)  /* mean of 2.69, 2.75, 2.70 s */
#define LD_R_OUT_FRACTION    (67.1 / 77.2)
#define LD_OUT_FRACTION      (74.7 / 77.2)

static const struct zsim_quantile heap_mib_q[] = {
	{ 0, 2.5 }, { 0.1, 26.7 }, { 0.5, 49.9 }, { 0.9, 88.7 }, { 0.99, 129.7 }, { 1, 230.2 },
};
static const struct zsim_quantile user_s_q[] = {
	{ 0, 0.01 }, { 0.1, 0.12 }, { 0.25, 0.19 }, { 0.5, 0.27 }, { 0.75, 0.39 }, { 0.9, 0.61 },
	{ 0.99, 1.4 }, { 1, 4.23 },
};
static const struct zsim_quantile deps_q[] = {
	{ 0, 5 }, { 0.1, 412 }, { 0.25, 500 }, { 0.5, 595 }, { 0.75, 716 }, { 0.9, 814 },
	{ 0.99, 937 }, { 1, 1012 },
};
static const struct zsim_quantile obj_ratio_q[] = {
	{ 0, 0.022 }, { 0.1, 0.656 }, { 0.25, 0.914 }, { 0.5, 1.229 }, { 0.75, 1.723 },
	{ 0.9, 2.627 }, { 0.99, 38.93 }, { 1, 8906.588 },
};
/* time fraction -> heap fraction (cc1-rss-timeline.csv, see above) */
static const struct zsim_quantile heap_curve[] = {
	{ 0, 0 }, { 0.15, 0.5 }, { 0.45, 0.8 }, { 0.85, 0.95 }, { 1, 1 },
};

struct kbuild_opts {
	struct zsim_untar_opts tree;
	uint64_t jobs;
	uint64_t units;
	double heap_scale;
	double cpu_scale;
	struct zsim_content_ref heap_content;
	double heap_zero;
	uint64_t heap_passes;
	struct zsim_content_ref obj_content;
	uint64_t link_passes;
};

#define TREE_OFF(f) (offsetof(struct kbuild_opts, tree) + offsetof(struct zsim_untar_opts, f))

static const struct zsim_opt kbuild_opts_tab[] = {
	{ "tree-size", ZSIM_OPT_SIZE, TREE_OFF(tree_bytes), "550M", 4096, 1ull << 40,
	  "bytes of the untarred tree (as `zsim trace gen untar`)", 0 },
	{ "files", ZSIM_OPT_COUNT, TREE_OFF(files), "45000", 1, 10000000,
	  "files in the tree", 0 },
	{ "fs", ZSIM_OPT_NAME, TREE_OFF(fs), "src", 0, 0,
	  "filesystem of the tree and the objects", 0 },
	{ "src-content", ZSIM_GEN_OPT_CONTENT, TREE_OFF(content), "text", 0, 0,
	  "content class of source pages", 0 },
	{ "jobs", ZSIM_OPT_COUNT, offsetof(struct kbuild_opts, jobs), "4", 1, 256,
	  "parallel compile units, make -jJ (2013: -j4)", 0 },
	{ "units", ZSIM_OPT_COUNT, offsetof(struct kbuild_opts, units), "1000", 1, 1u << 20,
	  "compile units (the 6.1 defconfig has 2,737)", 0 },
	{ "heap-scale", ZSIM_OPT_REAL, offsetof(struct kbuild_opts, heap_scale), "1", 0.001, 100,
	  "factor on each unit's measured peak heap", 0 },
	{ "cpu-scale", ZSIM_OPT_REAL, offsetof(struct kbuild_opts, cpu_scale), "1", 0.001, 1000,
	  "factor on the measured CPU times (a slower CPU: > 1)", 0 },
	{ "heap-content", ZSIM_GEN_OPT_CONTENT, offsetof(struct kbuild_opts, heap_content), "heap", 0, 0,
	  "content class of heap pages that are not zero", 0 },
	{ "heap-zero", ZSIM_OPT_REAL, offsetof(struct kbuild_opts, heap_zero), "0.059", 0, 1,
	  "fraction of heap pages that are zero pages (measured 5.9%)", 0 },
	{ "heap-passes", ZSIM_OPT_COUNT, offsetof(struct kbuild_opts, heap_passes), "1", 0, 64,
	  "re-touch passes over the heap grown so far, spread over the run", 0 },
	{ "obj-content", ZSIM_GEN_OPT_CONTENT, offsetof(struct kbuild_opts, obj_content), "binary", 0, 0,
	  "content class of object and linker output pages", 0 },
	{ "link-passes", ZSIM_OPT_COUNT, offsetof(struct kbuild_opts, link_passes), "4", 0, 16,
	  "ld processes after the compile (ld -r, then 3 links as measured)", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

/* One compile unit while it runs. */
struct unit {
	bool active;
	uint32_t pid;
	uint32_t index;          /* unit number */
	uint32_t src;            /* tree index of its .c file */
	uint32_t step;           /* next step; UNIT_STEPS: only the exit is left */
	uint32_t nreads, readpos;
	uint64_t peak, cur;      /* heap pages */
	uint64_t cpu_ns, t, end; /* CPU time; nominal time of its next step and of its end */
	uint64_t obj_bytes;
	uint32_t reads[MAX_DEPS + 1];  /* tree indices: the .c, then the headers */
};

struct kbuild {
	struct zsim_gen *g;
	const struct kbuild_opts *o;
	struct zsim_tree tree;
	uint32_t *c_files, nc;   /* tree indices of .c files */
	uint32_t *hot, nhot;     /* hot header set, most popular first */
	uint32_t *obj_id;        /* per unit: its object's file id */
	uint64_t *obj_bytes;
	uint32_t make;
	struct unit *slots;
};

static void start_unit(struct kbuild *kb, struct unit *u, uint32_t index, uint64_t now)
{
	struct zsim_gen *g = kb->g;
	const struct kbuild_opts *o = kb->o;
	memset(u, 0, offsetof(struct unit, reads));
	u->active = true;
	u->index = index;
	u->src = kb->c_files[index];
	double uq = zsim_rng_double(&g->rng);
	double heap = zsim_gen_quantile(heap_mib_q, ZSIM_ARRAY_SIZE(heap_mib_q), uq) * o->heap_scale;
	u->peak = (uint64_t)(heap * 256.0 + 0.5);
	if (!u->peak)
		u->peak = 1;
	double cq = uq + CPU_JITTER * (zsim_rng_double(&g->rng) - 0.5);
	cq = cq < 0 ? 0 : cq > 1 ? 1 : cq;
	u->cpu_ns = (uint64_t)(zsim_gen_quantile(user_s_q, ZSIM_ARRAY_SIZE(user_s_q), cq) * 1e9 *
			       o->cpu_scale);
	if (u->cpu_ns < UNIT_STEPS)
		u->cpu_ns = UNIT_STEPS;
	u->t = now;
	u->end = now + u->cpu_ns;
	double ratio = zsim_gen_quantile(obj_ratio_q, ZSIM_ARRAY_SIZE(obj_ratio_q),
					 zsim_rng_double(&g->rng));
	double ob = ratio * (double)kb->tree.files[u->src].bytes;
	u->obj_bytes = (uint64_t)(ob > OBJ_MAX_BYTES ? OBJ_MAX_BYTES : ob < 1 ? 1 : ob);
	/* its files: the .c, a core prefix of the hot set, the rest from its tail */
	uint32_t n = (uint32_t)zsim_gen_quantile(deps_q, ZSIM_ARRAY_SIZE(deps_q), zsim_rng_double(&g->rng));
	if (n > kb->nhot)
		n = kb->nhot;
	uint32_t core = (uint32_t)(n * CORE_FRACTION);
	u->reads[u->nreads++] = u->src;
	for (uint32_t i = 0; i < core; i++)
		u->reads[u->nreads++] = kb->hot[i];
	for (uint32_t i = core; i < n; i++)
		u->reads[u->nreads++] = kb->hot[core + zsim_rng_below(&g->rng, kb->nhot - core)];

	u->pid = zsim_gen_proc_create(g, kb->make, "cc1");
	zsim_gen_map(g, u->pid, ZSIM_GEN_ANON_BASE, u->peak, ZSIM_MAP_ANON);
}

static void read_file(struct kbuild *kb, uint32_t pid, uint32_t tree_index)
{
	const struct zsim_tree_file *f = &kb->tree.files[tree_index];
	uint64_t pages = ZSIM_DIV_ROUND_UP(f->bytes, ZSIM_PAGE_SIZE);
	for (uint64_t p = 0; p < pages; p++)
		zsim_gen_file_read(kb->g, pid, f->id, p);
}

static void grow_heap(struct kbuild *kb, uint32_t pid, uint64_t *cur, uint64_t target)
{
	static const struct zsim_content_ref zero = { .cls = ZSIM_CONTENT_ZERO };
	struct zsim_gen *g = kb->g;
	uint64_t zthresh = (uint64_t)(kb->o->heap_zero * 4294967296.0);
	for (; *cur < target; (*cur)++) {
		bool z = (zsim_rng_next(&g->rng) >> 32) < zthresh;
		zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + *cur, z ? &zero : &kb->o->heap_content);
	}
}

/* Passes that run at the end of step s (pass k of P at step UNIT_STEPS*k/(P+1) - 1). */
static unsigned passes_at(uint64_t P, uint32_t s)
{
	unsigned n = 0;
	for (uint64_t k = 1; k <= P; k++) {
		uint64_t at = UNIT_STEPS * k / (P + 1);
		if ((at ? at - 1 : 0) == s)
			n++;
	}
	return n;
}

/* One step of unit u: its CPU slice, its share of the reads, heap growth, passes. */
static void unit_step(struct kbuild *kb, struct unit *u)
{
	struct zsim_gen *g = kb->g;
	uint32_t s = u->step;
	uint64_t slice = u->cpu_ns / UNIT_STEPS;
	if (s == UNIT_STEPS - 1)
		slice = u->cpu_ns - slice * (UNIT_STEPS - 1);
	zsim_gen_cpu(g, u->pid, slice);
	u->t += slice;
	/* reads: spread over the steps that end within READ_FRACTION of the run */
	const uint32_t read_steps = (uint32_t)(UNIT_STEPS * READ_FRACTION) > 0
				    ? (uint32_t)(UNIT_STEPS * READ_FRACTION) : 1;
	if (s < read_steps) {
		uint32_t upto = s + 1 == read_steps ? u->nreads
			      : (uint32_t)((uint64_t)u->nreads * (s + 1) / read_steps);
		for (; u->readpos < upto; u->readpos++)
			read_file(kb, u->pid, u->reads[u->readpos]);
	}
	double f = zsim_gen_quantile(heap_curve, ZSIM_ARRAY_SIZE(heap_curve),
				     (double)(s + 1) / UNIT_STEPS);
	uint64_t target = s + 1 == UNIT_STEPS ? u->peak : (uint64_t)(f * (double)u->peak + 0.5);
	grow_heap(kb, u->pid, &u->cur, target);
	for (unsigned n = passes_at(kb->o->heap_passes, s); n; n--)
		for (uint64_t p = 0; p < u->cur; p++)
			zsim_gen_read(g, u->pid, ZSIM_GEN_ANON_BASE + p);
	u->step++;
}

static void finish_unit(struct kbuild *kb, struct unit *u)
{
	struct zsim_gen *g = kb->g;
	char name[48];
	snprintf(name, sizeof(name), "d%05u/f%06u.o", u->src / 15, u->src);
	uint32_t id = zsim_gen_file_create(g, u->pid, kb->o->tree.fs_index, name);
	uint64_t pages = ZSIM_DIV_ROUND_UP(u->obj_bytes, ZSIM_PAGE_SIZE);
	for (uint64_t p = 0; p < pages; p++)
		zsim_gen_file_write(g, u->pid, id, p, &kb->o->obj_content);
	kb->obj_id[u->index] = id;
	kb->obj_bytes[u->index] = u->obj_bytes;
	zsim_gen_exit(g, u->pid);
	u->active = false;
}

/* The running unit that ends first (ties: lowest slot), or NULL. */
static struct unit *first_to_end(struct kbuild *kb)
{
	struct unit *best = NULL;
	for (uint64_t i = 0; i < kb->o->jobs; i++) {
		struct unit *u = &kb->slots[i];
		if (u->active && (!best || u->end < best->end))
			best = u;
	}
	return best;
}

static void compile(struct kbuild *kb)
{
	struct zsim_gen *g = kb->g;
	const struct kbuild_opts *o = kb->o;
	uint32_t next = 0;
	uint32_t units = (uint32_t)o->units;
	for (uint64_t i = 0; i < o->jobs && next < units; i++)
		start_unit(kb, &kb->slots[i], next++, 0);
	struct unit *awaited = first_to_end(kb);
	zsim_gen_wait(g, kb->make, next < units ? awaited->pid : 0);
	for (;;) {
		if (g->err)
			return;
		/* the running unit whose next step (or exit) comes first */
		struct unit *u = NULL;
		for (uint64_t i = 0; i < o->jobs; i++) {
			struct unit *v = &kb->slots[i];
			if (v->active && (!u || v->t < u->t))
				u = v;
		}
		if (!u)
			break;
		if (u->step < UNIT_STEPS) {
			unit_step(kb, u);
			continue;
		}
		uint64_t now = u->t;
		finish_unit(kb, u);
		if (u != awaited && next < units) {
			/* cannot happen: the awaited unit is the first to end */
			zsim_gen_fail(g, ZSIM_ECORRUPT, "unit %u ended before the awaited one", u->index);
			return;
		}
		if (next < units) {
			start_unit(kb, u, next++, now);
			awaited = first_to_end(kb);
			zsim_gen_wait(g, kb->make, next < units ? awaited->pid : 0);
		}
	}
}

static void link(struct kbuild *kb)
{
	struct zsim_gen *g = kb->g;
	const struct kbuild_opts *o = kb->o;
	double objs = 0;
	for (uint64_t i = 0; i < o->units; i++)
		objs += (double)kb->obj_bytes[i];
	uint64_t heap = (uint64_t)(LD_HEAP_PER_OBJ_BYTE * objs * o->heap_scale / ZSIM_PAGE_SIZE) + 1;
	uint32_t prev_out = 0;
	uint64_t prev_bytes = 0;
	static const char *const out_names[] = { "vmlinux.o", ".tmp_vmlinux1", ".tmp_vmlinux2", "vmlinux" };
	for (uint64_t pass = 0; pass < o->link_passes && !g->err; pass++) {
		uint32_t pid = zsim_gen_proc_create(g, kb->make, "ld");
		zsim_gen_wait(g, kb->make, pid);
		zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE, heap, ZSIM_MAP_ANON);
		double ns_per_byte = (pass == 0 ? LD_R_NS_PER_OBJ_BYTE : LD_NS_PER_OBJ_BYTE) * o->cpu_scale;
		/* input: the objects (first pass) or the previous output; heap grows with it */
		uint64_t in_files = pass == 0 ? o->units : 1;
		double in_total = pass == 0 ? objs : (double)prev_bytes;
		double done = 0;
		uint64_t cur = 0;
		for (uint64_t i = 0; i < in_files && !g->err; i++) {
			uint32_t id = pass == 0 ? kb->obj_id[i] : prev_out;
			uint64_t bytes = pass == 0 ? kb->obj_bytes[i] : prev_bytes;
			uint64_t pages = ZSIM_DIV_ROUND_UP(bytes, ZSIM_PAGE_SIZE);
			for (uint64_t p = 0; p < pages; p++)
				zsim_gen_file_read(g, pid, id, p);
			done += (double)bytes;
			/* the CPU of this input, at LD's per-byte rate over this pass's input */
			zsim_gen_cpu(g, pid, (uint64_t)((double)bytes * ns_per_byte * objs / in_total));
			grow_heap(kb, pid, &cur, (uint64_t)((double)heap * done / in_total));
		}
		grow_heap(kb, pid, &cur, heap);
		char name[48];
		snprintf(name, sizeof(name), "%s", pass < ZSIM_ARRAY_SIZE(out_names) - 1
			 ? out_names[pass] : ".tmp_vmlinux");
		if (pass + 1 == o->link_passes && pass > 0)
			snprintf(name, sizeof(name), "vmlinux");
		uint64_t out_bytes = (uint64_t)(objs * (pass == 0 ? LD_R_OUT_FRACTION : LD_OUT_FRACTION)) + 1;
		uint32_t out = zsim_gen_file_create(g, pid, o->tree.fs_index, name);
		uint64_t pages = ZSIM_DIV_ROUND_UP(out_bytes, ZSIM_PAGE_SIZE);
		for (uint64_t p = 0; p < pages; p++)
			zsim_gen_file_write(g, pid, out, p, &o->obj_content);
		zsim_gen_exit(g, pid);
		prev_out = out;
		prev_bytes = out_bytes;
	}
}

static void kbuild_prepare(void *vo, struct zsim_trace_header *h)
{
	struct kbuild_opts *o = vo;
	o->tree.fs_index = zsim_gen_header_fs(h, o->tree.fs);
}

static int kbuild_run(struct zsim_gen *g, const void *vo)
{
	const struct kbuild_opts *o = vo;
	struct kbuild kb = { .g = g, .o = o };
	uint32_t sh = zsim_gen_proc_create(g, g->parent, "sh");
	uint32_t saved_parent = g->parent;
	g->parent = sh;
	g->tree = &kb.tree;
	int rc = zsim_gen_untar.run(g, &o->tree);
	g->tree = NULL;
	g->parent = saved_parent;
	if (rc < 0 || g->err)
		goto out;
	zsim_gen_wait(g, sh, kb.tree.tar_pid);

	/* the tree's .c files in order; the hot headers, shuffled (first = most popular) */
	kb.c_files = zsim_xmalloc(kb.tree.nfiles * sizeof(uint32_t));
	kb.hot = zsim_xmalloc(kb.tree.nfiles * sizeof(uint32_t));
	uint32_t nh_all = 0;
	for (uint32_t i = 0; i < kb.tree.nfiles; i++) {
		const struct zsim_tree_file *f = &kb.tree.files[i];
		if (f->kind == ZSIM_TREE_C)
			kb.c_files[kb.nc++] = i;
		else if (f->kind == ZSIM_TREE_H) {
			nh_all++;
			if (f->bytes <= HOT_HEADER_MAX)
				kb.hot[kb.nhot++] = i;
		}
	}
	if (o->units > kb.nc) {
		zsim_gen_fail(g, ZSIM_EINVAL, "--units %llu: the tree has only %u .c files (raise --files)",
			      (unsigned long long)o->units, kb.nc);
		goto out;
	}
	for (uint32_t i = kb.nhot; i > 1; i--) {    /* Fisher-Yates */
		uint32_t j = (uint32_t)zsim_rng_below(&g->rng, i);
		uint32_t t = kb.hot[i - 1];
		kb.hot[i - 1] = kb.hot[j];
		kb.hot[j] = t;
	}
	uint32_t want = (uint32_t)(nh_all * (HOT_HEADERS_6_1 / H_FILES_6_1) + 0.5);
	if (want < kb.nhot)
		kb.nhot = want ? want : 1;

	kb.make = zsim_gen_proc_create(g, sh, "make");
	zsim_gen_wait(g, sh, kb.make);
	kb.slots = zsim_xcalloc(o->jobs, sizeof(*kb.slots));
	kb.obj_id = zsim_xcalloc(o->units, sizeof(*kb.obj_id));
	kb.obj_bytes = zsim_xcalloc(o->units, sizeof(*kb.obj_bytes));
	compile(&kb);
	link(&kb);
	zsim_gen_exit(g, kb.make);
	zsim_gen_exit(g, sh);
out:
	free(kb.c_files);
	free(kb.hot);
	free(kb.slots);
	free(kb.obj_id);
	free(kb.obj_bytes);
	zsim_gen_tree_free(&kb.tree);
	return g->err ? g->err : rc;
}

/*
 * The estimate: the tree as untar's estimate counts it, plus the build measured
 * on a sample and scaled.  The sample is this very build cut to its first
 * EST_SAMPLE_UNITS units (the same draws, so below that many units it is the
 * build itself) on the same tree, or, for trees of more than EST_SAMPLE_FILES
 * files, on one of that many files with the same mean file size; it runs on a
 * writer that counts bytes and writes nothing.  The build's events and bytes
 * grow with the units (every unit's, and the link reads every object), so
 * they are scaled by units / sample units.  A sample that would pass
 * EST_SAMPLE_EVENTS stops there: the estimate is then a lower bound, which
 * is enough to refuse it.  Pages: the tree, and --jobs heaps at the measured
 * p99 size (the heaps alive at once) - an approximation.
 */
#define EST_SAMPLE_UNITS 64
#define EST_SAMPLE_FILES 45000u
#define EST_SAMPLE_EVENTS 20000000u

static void kbuild_estimate(const void *vo, uint64_t seed, struct zsim_gen_estimate *e)
{
	const struct kbuild_opts *o = vo;
	struct kbuild_opts so = *o;
	if (so.units > EST_SAMPLE_UNITS)
		so.units = EST_SAMPLE_UNITS;
	if (so.tree.files > EST_SAMPLE_FILES) {
		long double b = (long double)so.tree.tree_bytes * EST_SAMPLE_FILES / (long double)so.tree.files;
		so.tree.tree_bytes = b < ZSIM_PAGE_SIZE ? ZSIM_PAGE_SIZE : (uint64_t)b;
		so.tree.files = EST_SAMPLE_FILES;
	}
	struct zsim_gen_estimate tree = { 0, 0, 0, 0 }, stree = { 0, 0, 0, 0 };
	zsim_gen_untar_estimate(&o->tree, seed, &tree);
	zsim_gen_untar_estimate(&so.tree, seed, &stree);
	*e = tree;
	e->memory += (double)o->tree.files * 2 * sizeof(uint32_t) + (double)o->units * 12 +
		     (double)o->jobs * sizeof(struct unit);
	e->pages += (double)o->jobs * 129.7 * 256 * o->heap_scale;
	if (stree.events > EST_SAMPLE_EVENTS)
		return;   /* the tree alone says enough */
	struct zsim_trace_header h;
	memset(&h, 0, sizeof(h));
	snprintf(h.generator, sizeof(h.generator), "kbuild");
	kbuild_prepare(&so, &h);
	struct zsim_trace_writer *w;
	char err[256];
	if (zsim_trace_create(NULL, &h, &w, err, sizeof(err)) < 0)
		return;
	uint64_t b0 = zsim_trace_writer_offset(w);
	struct zsim_gen g;
	zsim_gen_init(&g, w, seed);
	g.max_events = EST_SAMPLE_EVENTS;
	(void)kbuild_run(&g, &so);
	double k = (double)o->units / (double)so.units;
	double ev = (double)g.events - stree.events, by = (double)(zsim_trace_writer_offset(w) - b0) - stree.bytes;
	zsim_trace_writer_abort(w);
	if (ev > 0) {
		e->events += ev * k;
		e->bytes += by * k;
	}
}

const struct zsim_generator zsim_gen_kbuild = {
	.name = "kbuild",
	.help = "Untar a kernel tree (as the untar generator), then make -jJ: --units compile units,\n"
		"at most --jobs alive at once, each reading its source and ~600 headers, growing a\n"
		"heap of measured size along the measured curve and writing an object; then the\n"
		"link passes.  Every default is measured on a Linux 6.1 defconfig build\n"
		"(kbuild-profile.md), the tree is 2013-era (3.12, ~550 MiB, ~45,000 files).",
	.opts_size = sizeof(struct kbuild_opts),
	.opts = kbuild_opts_tab,
	.prepare = kbuild_prepare,
	.run = kbuild_run,
	.estimate = kbuild_estimate,
};
