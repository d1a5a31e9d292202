/*
 * calibrate.c - `zsim calibrate [--pages N] [-o FILE]`: measure this
 * machine's codecs, per 4 KiB page, on a seeded mix of synthetic pages, and
 * print a JSON object that a config takes as "codec_time".  Each page is
 * compressed and decompressed on its own and timed (best of three); a
 * straight line through (compressed size, time) gives, per codec, a fixed
 * cost per page ("compress", "decompress") and a cost per KiB of compressed
 * output ("compress_per_kib", "decompress_per_kib").  The simulator charges
 * fixed + per_kib x size to the CPU of the task doing zram's or zswap's work,
 * so a page that compresses badly costs more to bring back than one that
 * compresses well; without a calibration it uses each codec's documented
 * defaults (codec.h).  Same-filled pages are left out: zram never compresses
 * them.
 */
#include "cli.h"
#include "../codecs/codec.h"
#include "../traces/content.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAL_REPEATS 3   /* best of: the machine may be busy */

/*
 * Least squares of t = a + b * len over the pages that compress (len:
 * compressed bytes, below a page).  A page whose output is a page or more is
 * left out: codecs give up on such data early (lz4 and lzo skip ahead faster
 * and faster when they find no match), so it costs about the fixed part
 * and is charged that; zram stores it whole and reads it back as a copy.
 * A slope below zero (a codec that gives up faster on data it cannot
 * compress) is not kept: b = 0 and a = the mean, so no page costs less than
 * nothing.
 */
static void cal_fit(const int *len, const double *t, uint64_t n, double *a, double *b)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, m = 0;
	for (uint64_t i = 0; i < n; i++) {
		if (len[i] <= 0 || (size_t)len[i] >= ZSIM_PAGE_SIZE)
			continue;   /* incompressible: the codec's fast path, charged the fixed part */
		double x = len[i];
		sx += x;
		sy += t[i];
		sxx += x * x;
		sxy += x * t[i];
		m++;
	}
	*a = m ? sy / m : 0;
	*b = 0;
	double den = m * sxx - sx * sx;
	if (m < 2 || den <= 0)
		return;
	double slope = (m * sxy - sx * sy) / den;
	if (slope <= 0)
		return;
	*b = slope;
	*a = (sy - slope * sx) / m;
	if (*a < 0) {   /* the fit would make small outputs free: keep it through the origin */
		*a = 0;
		*b = sxy / sxx;
	}
}


struct cal_opts {
	uint64_t pages;
	const char *out;
	bool help;
};

static const struct zsim_opt cal_opts_tab[] = {
	{ "pages", ZSIM_OPT_COUNT, offsetof(struct cal_opts, pages), "4096", 1, 1u << 20,
	  "pages in the measured corpus", 'n' },
	{ "output", ZSIM_OPT_FILE, offsetof(struct cal_opts, out), NULL, 0, 0,
	  "write the JSON there (default: standard output)", 'o' },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct cal_opts, help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_cmd_calibrate(int argc, char **argv)
{
	struct cal_opts co;
	char err[512];
	memset(&co, 0, sizeof(co));
	const struct zsim_opt_set sets[] = { { cal_opts_tab, &co }, { NULL, NULL } };
	if (zsim_opt_parse(sets, argc - 1, argv + 1, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim calibrate: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (co.help) {
		printf("usage: zsim calibrate [--pages N] [-o FILE]\n"
		       "Measure this machine's codecs per 4 KiB page; the output is a config's \"codec_time\".\n");
		zsim_opt_print(stdout, cal_opts_tab);
		return ZSIM_EXIT_OK;
	}
	uint64_t pages = co.pages;
	const char *out = co.out;
	/* the corpus: mix pages that are not same-filled */
	uint8_t *corpus = zsim_xmalloc(pages * ZSIM_PAGE_SIZE);
	uint64_t n = 0;
	for (uint64_t seed = 1; n < pages; seed++) {
		uint8_t *pg = corpus + n * ZSIM_PAGE_SIZE;
		zsim_content_fill(ZSIM_CONTENT_MIX, seed, pg);
		uint64_t w0, w;
		memcpy(&w0, pg, 8);
		bool same = true;
		for (size_t off = 8; off < ZSIM_PAGE_SIZE && same; off += 8) {
			memcpy(&w, pg + off, 8);
			same = w == w0;
		}
		n += !same;
	}
	uint8_t (*dst)[ZSIM_CODEC_DST_MAX] = zsim_xmalloc(pages * sizeof(*dst));
	int *len = zsim_xmalloc(pages * sizeof(*len));
	double *tc = zsim_xmalloc(pages * sizeof(*tc)), *td = zsim_xmalloc(pages * sizeof(*td));
	uint8_t back[ZSIM_PAGE_SIZE];
	json_t *res = json_object();
	for (size_t ci = 0; ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		void *priv = zsim_xcalloc(1, ops->priv_size ? ops->priv_size : 1);
		if (ops->init && ops->init(priv, ops->default_level) < 0) {
			free(priv);
			continue;
		}
		/* each page timed on its own, best of CAL_REPEATS */
		for (uint64_t i = 0; i < pages; i++)
			tc[i] = td[i] = 1e30;
		for (int rep = 0; rep < CAL_REPEATS; rep++)
			for (uint64_t i = 0; i < pages; i++) {
				const uint8_t *src = corpus + i * ZSIM_PAGE_SIZE;
				uint64_t t0 = zsim_wall_ns();
				len[i] = ops->compress(priv, src, ZSIM_PAGE_SIZE, dst[i], ZSIM_CODEC_DST_MAX);
				uint64_t t1 = zsim_wall_ns();
				if (len[i] > 0)
					ops->decompress(priv, dst[i], (size_t)len[i], back, sizeof(back));
				uint64_t t2 = zsim_wall_ns();
				if ((double)(t1 - t0) < tc[i])
					tc[i] = (double)(t1 - t0);
				if ((double)(t2 - t1) < td[i])
					td[i] = (double)(t2 - t1);
			}
		if (ops->fini)
			ops->fini(priv);
		free(priv);
		double c0, c1, d0, d1;
		cal_fit(len, tc, pages, &c0, &c1);
		cal_fit(len, td, pages, &d0, &d1);
		json_t *o = json_object();
		char b0[32], b1[32], b2[32], b3[32];
		json_object_set_new(o, "compress", json_string(zsim_format_time((uint64_t)(c0 + 0.5), b0, sizeof(b0))));
		json_object_set_new(o, "decompress", json_string(zsim_format_time((uint64_t)(d0 + 0.5), b1, sizeof(b1))));
		json_object_set_new(o, "compress_per_kib",
				    json_string(zsim_format_time((uint64_t)(c1 * 1024 + 0.5), b2, sizeof(b2))));
		json_object_set_new(o, "decompress_per_kib",
				    json_string(zsim_format_time((uint64_t)(d1 * 1024 + 0.5), b3, sizeof(b3))));
		json_object_set_new(res, ops->name, o);
	}
	free(tc);
	free(td);
	free(corpus);
	free(dst);
	free(len);
	int rc = ZSIM_EXIT_OK;
	if (out) {
		/* only over a regular file, whole or not at all */
		char oerr[600];
		if (zsim_out_check(out, oerr, sizeof(oerr)) < 0) {
			fprintf(stderr, "zsim calibrate: -o %s\n", oerr);
			json_decref(res);
			return ZSIM_EXIT_ERROR;
		}
		char *tmp = zsim_tmp_name(out);
		zsim_tmp_add(tmp, false);
		if (json_dump_file(res, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 || rename(tmp, out) != 0) {
			fprintf(stderr, "zsim calibrate: %s: %s\n", out, strerror(errno));
			unlink(tmp);
			rc = ZSIM_EXIT_ERROR;
		}
		zsim_tmp_del(tmp);
		free(tmp);
	} else {
		char *s = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	}
	json_decref(res);
	return rc;
}
