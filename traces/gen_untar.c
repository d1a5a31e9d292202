/*
 * gen_untar.c - untar a kernel source tree onto a filesystem.
 *
 * The 2013 experiment in seed/ untars kernel.tgz onto tmpfs or onto ext2 on a
 * zram block device before building it; this generator writes that tree.  A
 * `tar` process creates F files holding S bytes in all on the filesystem named
 * by --fs (the trace only names it; the config decides what it is), writing
 * each page of each file once through the page cache.
 *
 * Defaults: a 2013-era tree (Linux 3.12, released 3 Nov 2013, four days before
 * the seed mail): --tree-size 550M in --files 45000.  These are remembered, not
 * measured (kbuild-profile.md, "Published or remembered figures": 3.12 held
 * roughly 44,000 to 46,000 files, about 0.5 to 0.6 GB untarred).
 *
 * File sizes follow the measured 6.1 tree (tree-filesize-hist.csv, from `find
 * -printf '%s'` over linux-source-6.1: 78,579 files, 1,298,681,992 B): a
 * file's power-of-two bucket is drawn with the bucket's share of all files
 * (n_all), its class (.c, .h, other) with the bucket's n_c : n_h : n_other,
 * and its size log-uniformly within the bucket.  The drawn sizes are then
 * scaled by one common factor so they sum to exactly --tree-size (the 6.1 mean
 * is 16,527 B per file, the 3.12 default 12,816 B), which keeps the shape of
 * the distribution (median .c 9.2 KB, .h 2.3 KB, other 1.7 KB, a tail of
 * multi-MB headers) and the byte total the user asked for.
 *
 * Content: --content text by default (traces/content.c tunes it to lz4 2.66:1;
 * the measured whole-tree .c/.h pages give 2.69, page-compression-summary.json
 * "all .c/.h, concatenated"); `--content ratio:2.7` gives the measured ratio
 * directly.  A file's last page is written whole with the class's bytes (the
 * page cache would zero-pad it; the profile's page-aligned ratio is 2.95).
 *
 * The tar process: tar xf of the 6.1 tarball took 6.5 s user for 1,298.9 MiB
 * of tar stream (kbuild-profile.md section 1) = TAR_NS_PER_BYTE of CPU per
 * byte written, emitted once per file; its 10 MiB max RSS is modelled as
 * TAR_ANON_PAGES of anonymous memory (the xz dictionary and tar's buffers,
 * written once at start).  The tarball itself is not modelled: reading it is
 * one sequential pass through the page cache of another disk, small beside the
 * tree (xz ratio 0.101), and the seed mail does not say where it lived.
 * Directories (5,096 in 6.1) are not modelled either; file names spell a
 * directory of FILES_PER_DIR files (78,579 / 5,096 = 15.4 per directory).
 */
#include "gen.h"

#include <math.h>
#include <stdlib.h>

#define TAR_NS_PER_BYTE 5.0      /* 6.5 s / 1,298,681,992 B, see above */
#define TAR_ANON_PAGES  2048     /* 8 MiB of the measured 10 MiB max RSS */
#define FILES_PER_DIR   15

/* tree-filesize-hist.csv: bucket [lo, hi] bytes, file counts by class. */
static const struct {
	uint32_t lo, hi, n_c, n_h, n_other;
} size_hist[] = {
	{ 0, 0, 0, 24, 6 },
	{ 4, 7, 0, 1, 1 },
	{ 8, 15, 0, 4, 47 },
	{ 16, 31, 3, 57, 80 },
	{ 32, 63, 21, 58, 314 },
	{ 64, 127, 143, 102, 740 },
	{ 128, 255, 168, 696, 1502 },
	{ 256, 511, 368, 2206, 2514 },
	{ 512, 1023, 861, 3292, 3350 },
	{ 1024, 2047, 2347, 4407, 4268 },
	{ 2048, 4095, 4502, 4230, 4046 },
	{ 4096, 8191, 6395, 3529, 2962 },
	{ 8192, 16383, 6802, 2330, 1882 },
	{ 16384, 32767, 5421, 1283, 951 },
	{ 32768, 65535, 3224, 677, 328 },
	{ 65536, 131071, 1335, 248, 140 },
	{ 131072, 262143, 334, 85, 31 },
	{ 262144, 524287, 69, 55, 5 },
	{ 524288, 1048575, 7, 38, 6 },
	{ 1048576, 2097151, 4, 39, 1 },
	{ 2097152, 4194303, 0, 11, 0 },
	{ 4194304, 8388607, 0, 19, 0 },
	{ 8388608, 16777215, 0, 9, 0 },
	{ 16777216, 33554431, 0, 1, 0 },
};

static const char *const kind_ext[] = { "c", "h", "txt" };

static const struct zsim_opt untar_opts_tab[] = {
	{ "tree-size", ZSIM_OPT_SIZE, offsetof(struct zsim_untar_opts, tree_bytes), "550M", 4096, 1ull << 40,
	  "bytes of the untarred tree (2013-era 3.12 tree: ~0.55 GB, remembered)", 0 },
	{ "files", ZSIM_OPT_COUNT, offsetof(struct zsim_untar_opts, files), "45000", 1, 10000000,
	  "number of files (3.12: ~45,000, remembered)", 0 },
	{ "fs", ZSIM_OPT_NAME, offsetof(struct zsim_untar_opts, fs), "src", 0, 0,
	  "name of the filesystem the tree is written to", 0 },
	{ "content", ZSIM_GEN_OPT_CONTENT, offsetof(struct zsim_untar_opts, content), "text", 0, 0,
	  "content class of file pages (text, or ratio:2.7 as measured)", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static void untar_prepare(void *vo, struct zsim_trace_header *h)
{
	struct zsim_untar_opts *o = vo;
	o->fs_index = zsim_gen_header_fs(h, o->fs);
}

/* Draw the tree's file kinds and sizes, scaled to sum to exactly o->tree_bytes. */
static void draw_tree(struct zsim_gen *g, const struct zsim_untar_opts *o, struct zsim_tree_file *f)
{
	uint64_t total = 0;
	for (size_t b = 0; b < ZSIM_ARRAY_SIZE(size_hist); b++)
		total += size_hist[b].n_c + size_hist[b].n_h + size_hist[b].n_other;
	double *raw = zsim_xmalloc(o->files * sizeof(*raw));
	double sum = 0;
	for (uint64_t i = 0; i < o->files; i++) {
		uint64_t r = zsim_rng_below(&g->rng, total);
		size_t b = 0;
		for (;; b++) {
			uint64_t n = size_hist[b].n_c + size_hist[b].n_h + size_hist[b].n_other;
			if (r < n)
				break;
			r -= n;
		}
		f[i].kind = r < size_hist[b].n_c ? ZSIM_TREE_C
			  : r < size_hist[b].n_c + size_hist[b].n_h ? ZSIM_TREE_H : ZSIM_TREE_OTHER;
		double lo = size_hist[b].lo, hi = (double)size_hist[b].hi + 1;
		raw[i] = lo == 0 ? 0 : lo * pow(hi / lo, zsim_rng_double(&g->rng));
		sum += raw[i];
	}
	/* Scale to the total; the rounding remainder goes to the non-empty files, a byte each. */
	double k = sum > 0 ? (double)o->tree_bytes / sum : 0;
	uint64_t got = 0;
	for (uint64_t i = 0; i < o->files; i++) {
		f[i].bytes = (uint64_t)(raw[i] * k);
		got += f[i].bytes;
	}
	if (sum == 0) {                     /* every file drawn empty: one holds the tree */
		f[0].bytes = o->tree_bytes;
		got = o->tree_bytes;
	}
	while (got < o->tree_bytes)
		for (uint64_t i = 0; i < o->files && got < o->tree_bytes; i++)
			if (raw[i] > 0 || sum == 0) {
				f[i].bytes++;
				got++;
			}
	while (got > o->tree_bytes)         /* floating-point overshoot: take it back */
		for (uint64_t i = 0; i < o->files && got > o->tree_bytes; i++)
			if (f[i].bytes) {
				f[i].bytes--;
				got--;
			}
	free(raw);
}

static int untar_run(struct zsim_gen *g, const void *vo)
{
	const struct zsim_untar_opts *o = vo;
	if (!zsim_gen_room(g, o->files))    /* each file is created once */
		return g->err;
	struct zsim_tree t = { .nfiles = (uint32_t)o->files, .bytes = o->tree_bytes };
	t.files = zsim_xcalloc(o->files, sizeof(*t.files));
	draw_tree(g, o, t.files);

	const struct zsim_content_ref buf_content = { .cls = ZSIM_CONTENT_TEXT };
	uint32_t pid = zsim_gen_proc_create(g, g->parent, "tar");
	t.tar_pid = pid;
	zsim_gen_map(g, pid, ZSIM_GEN_ANON_BASE, TAR_ANON_PAGES, ZSIM_MAP_ANON);
	for (uint64_t p = 0; p < TAR_ANON_PAGES; p++)
		zsim_gen_write(g, pid, ZSIM_GEN_ANON_BASE + p, &buf_content);
	double cpu_debt = 0;
	for (uint32_t i = 0; i < t.nfiles && !g->err; i++) {
		char name[48];
		snprintf(name, sizeof(name), "d%05u/f%06u.%s", i / FILES_PER_DIR, i, kind_ext[t.files[i].kind]);
		t.files[i].id = zsim_gen_file_create(g, pid, o->fs_index, name);
		uint64_t pages = ZSIM_DIV_ROUND_UP(t.files[i].bytes, ZSIM_PAGE_SIZE);
		for (uint64_t p = 0; p < pages; p++)
			zsim_gen_file_write(g, pid, t.files[i].id, p, &o->content);
		cpu_debt += (double)t.files[i].bytes * TAR_NS_PER_BYTE;
		uint64_t ns = (uint64_t)cpu_debt;
		zsim_gen_cpu(g, pid, ns);
		cpu_debt -= (double)ns;
	}
	zsim_gen_exit(g, pid);
	if (g->tree)
		*g->tree = t;
	else
		zsim_gen_tree_free(&t);
	return g->err;
}

#define EST_DRAW_MAX_FILES (1u << 20)   /* above: the tree is not drawn for the estimate */

/*
 * The events untar_run writes: the tree drawn again from the same seed (as
 * zsim_gen_init leaves the generator; kbuild calls untar first, so its tree is
 * the same), each file's events counted (FORMAT.md sizes).  Trees of more
 * than EST_DRAW_MAX_FILES files are estimated without drawing: each file
 * ends in a partial page half full on average.
 */
void zsim_gen_untar_estimate(const struct zsim_untar_opts *o, uint64_t seed, struct zsim_gen_estimate *e)
{
	double files = (double)o->files, pages;
	zsim_est_create_map(e, "tar", 2, TAR_ANON_PAGES);
	zsim_est_add(e, TAR_ANON_PAGES, 2);
	double name = 1 + 1 + 1 + 15 + 1;   /* tag, fs, length, "dDDDDD/fFFFFFF.", "c" or "h" */
	double ids = 0;
	for (double lo = 1, n = 1; lo <= files; lo *= 128, n++)
		ids += ((files < lo * 128 ? files : lo * 128 - 1) - lo + 1) * n;
	if (o->files <= EST_DRAW_MAX_FILES) {
		struct zsim_gen g;
		zsim_gen_init(&g, NULL, seed);
		struct zsim_tree_file *f = zsim_xcalloc(o->files, sizeof(*f));
		draw_tree(&g, o, f);
		pages = 0;
		double cpu_bytes = 0, cpus = 0, debt = 0;
		for (uint64_t i = 0; i < o->files; i++) {
			pages += (double)ZSIM_DIV_ROUND_UP(f[i].bytes, ZSIM_PAGE_SIZE);
			if (f[i].kind == ZSIM_TREE_OTHER)
				e->bytes += 2;       /* "txt" */
			debt += (double)f[i].bytes * TAR_NS_PER_BYTE;
			if (debt >= 1) {
				cpus++;
				cpu_bytes += 1 + zsim_est_varint(floor(debt));
				debt -= floor(debt);
			}
		}
		free(f);
		zsim_est_add(e, cpus, 0);
		e->bytes += cpu_bytes;
	} else {
		pages = floor((double)o->tree_bytes / ZSIM_PAGE_SIZE) + files / 2;
		double per = (double)o->tree_bytes / files * TAR_NS_PER_BYTE;
		zsim_est_add(e, files, 1 + zsim_est_varint(per) + 1);   /* and "txt" for some */
	}
	zsim_est_add(e, files, name);
	e->bytes += ids;
	zsim_est_add(e, pages, 2);
	e->bytes += files;                  /* each file's first page: a jump back to 0 */
	zsim_est_add(e, 1, 1);
	e->pages += TAR_ANON_PAGES + pages;
	e->memory += files * (sizeof(struct zsim_tree_file) + sizeof(double));
}

static void untar_estimate(const void *vo, uint64_t seed, struct zsim_gen_estimate *e)
{
	zsim_gen_untar_estimate(vo, seed, e);
}

const struct zsim_generator zsim_gen_untar = {
	.name = "untar",
	.help = "A tar process writes a source tree of --tree-size bytes in --files files to the\n"
		"filesystem --fs; file sizes follow the measured Linux 6.1 tree, scaled to the total.\n"
		"Defaults: a 2013-era Linux 3.12 tree, ~550 MiB in ~45,000 files.",
	.opts_size = sizeof(struct zsim_untar_opts),
	.opts = untar_opts_tab,
	.prepare = untar_prepare,
	.run = untar_run,
	.estimate = untar_estimate,
};
