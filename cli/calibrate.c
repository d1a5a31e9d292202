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
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CAL_DEFAULT_PAGES 4096
#define CAL_REPEATS 3   /* best of: the machine may be busy */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int zsim_cmd_calibrate(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pages", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	uint64_t pages = CAL_DEFAULT_PAGES;
	const char *out = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (zsim_parse_u64(optarg, &pages) < 0 || pages == 0 || pages > (1u << 20)) {
				fprintf(stderr, "zsim calibrate: --pages: '%s' is not a count from 1 to 1048576\n", optarg);
				return ZSIM_EXIT_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: zsim calibrate [--pages N] [-o FILE]\n"
			       "Measure this machine's codecs per 4 KiB page; the output is a config's \"codec_time\".\n");
			return ZSIM_EXIT_OK;
		default:
			fprintf(stderr, "zsim calibrate: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return ZSIM_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "zsim calibrate: unexpected argument '%s'\n", argv[optind]);
		return ZSIM_EXIT_USAGE;
	}
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
			double t0 = now_s();
			for (uint64_t i = 0; i < pages; i++)
				len[i] = ops->compress(priv, corpus + i * ZSIM_PAGE_SIZE, ZSIM_PAGE_SIZE, dst[i],
						       ZSIM_CODEC_DST_MAX);
			double t1 = now_s();
			for (uint64_t i = 0; i < pages; i++)
				if (len[i] > 0)
					ops->decompress(priv, dst[i], (size_t)len[i], back, sizeof(back));
			double t2 = now_s();
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
		if (json_dump_file(res, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
			fprintf(stderr, "zsim calibrate: %s: %s\n", out, strerror(errno));
			rc = ZSIM_EXIT_ERROR;
		}
	} else {
		char *s = json_dumps(res, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	}
	json_decref(res);
	return rc;
}
