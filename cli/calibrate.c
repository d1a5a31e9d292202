/*
 * calibrate.c - `zsim calibrate [--pages N] [-o FILE]`: measure this
 * machine's codecs, per 4 KiB page, on a seeded mix of synthetic pages, and
 * print a JSON object that a config takes as "codec_time" (per codec: compress
 * and decompress nanoseconds).  The simulator charges those to the CPU of the
 * task doing zram's work; without a calibration it uses each codec's
 * documented defaults (codec.h).  Same-filled pages are left out: zram never
 * compresses them.
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
	uint8_t back[ZSIM_PAGE_SIZE];
	json_t *res = json_object();
	for (size_t ci = 0; ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		void *priv = zsim_xcalloc(1, ops->priv_size ? ops->priv_size : 1);
		if (ops->init && ops->init(priv, ops->default_level) < 0) {
			free(priv);
			continue;
		}
		double best_c = 1e30, best_d = 1e30;
		for (int rep = 0; rep < CAL_REPEATS; rep++) {
			double t0 = zsim_wall_s();
			for (uint64_t i = 0; i < pages; i++)
				len[i] = ops->compress(priv, corpus + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE, dst[i],
						       ZSIM_CODEC_DST_MAX);
			double t1 = zsim_wall_s();
			for (uint64_t i = 0; i < pages; i++)
				if (len[i] > 0)
					ops->decompress(priv, dst[i], (size_t)len[i], back, sizeof(back));
			double t2 = zsim_wall_s();
			if (t1 - t0 < best_c)
				best_c = t1 - t0;
			if (t2 - t1 < best_d)
				best_d = t2 - t1;
		}
		if (ops->fini)
			ops->fini(priv);
		free(priv);
		json_t *o = json_object();
		char tc[32], td[32];
		zsim_format_time((uint64_t)(best_c / (double)pages * 1e9), tc, sizeof(tc));
		zsim_format_time((uint64_t)(best_d / (double)pages * 1e9), td, sizeof(td));
		json_object_set_new(o, "compress", json_string(tc));
		json_object_set_new(o, "decompress", json_string(td));
		json_object_set_new(res, ops->name, o);
	}
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
