/*
 * corpus.c - `zsim corpus CLASS --pages N [--seed S] -o FILE`: write a
 * synthetic corpus of raw 4096-byte pages (traces/content.c), for `zsim fill` and
 * for writing the same bytes to a real zram device.  The file appears whole or
 * not at all: it is written to FILE.tmp.PID and renamed.
 */
#include "cli.h"

#define ZSIM_CORPUS_MAX_PAGES (1ull << 28)   /* 1 TiB of pages */
#include "../traces/content.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct corpus_opts {
	uint64_t pages, seed;
	const char *out;
	bool help;
};

static const struct zsim_opt corpus_opts_tab[] = {
	{ "pages", ZSIM_OPT_COUNT, offsetof(struct corpus_opts, pages), NULL, 1, 0,
	  "pages to write (required)", 'n' },
	{ "seed", ZSIM_OPT_COUNT, offsetof(struct corpus_opts, seed), "1", 0, 0,
	  "seed of the pages (as zsim fill --synthetic CLASS:N:SEED)", 's' },
	{ "output", ZSIM_OPT_FILE, offsetof(struct corpus_opts, out), NULL, 0, 0,
	  "the corpus file (required)", 'o' },
	{ "help", ZSIM_OPT_FLAG, offsetof(struct corpus_opts, help), NULL, 0, 0,
	  "print this help", 'h' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

int zsim_cmd_corpus(int argc, char **argv)
{
	struct corpus_opts co;
	char names[128], err[512];
	int npos = 0;
	memset(&co, 0, sizeof(co));
	zsim_content_names(names, sizeof(names));
	const struct zsim_opt_set sets[] = { { corpus_opts_tab, &co }, { NULL, NULL } };
	if (zsim_opt_parse(sets, argc - 1, argv + 1, &npos, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim corpus: %s\n", err);
		return ZSIM_EXIT_USAGE;
	}
	if (co.help) {
		printf("usage: zsim corpus CLASS --pages N [--seed S] -o FILE\n"
		       "CLASS: %s\n", names);
		zsim_opt_print(stdout, corpus_opts_tab);
		return ZSIM_EXIT_OK;
	}
	uint64_t pages = co.pages, seed = co.seed;
	const char *out = co.out;
	enum zsim_content_class cls;
	if (npos != 1 || !pages || !out) {
		fprintf(stderr, "zsim corpus: usage: zsim corpus CLASS --pages N [--seed S] -o FILE\n");
		return ZSIM_EXIT_USAGE;
	}
	if (zsim_content_parse(argv[1], &cls) < 0) {
		fprintf(stderr, "zsim corpus: unknown content class '%s' (known: %s)\n", argv[1], names);
		return ZSIM_EXIT_USAGE;
	}
	if (zsim_out_check(out, err, sizeof(err)) < 0) {
		fprintf(stderr, "zsim corpus: -o %s\n", err);
		return ZSIM_EXIT_ERROR;
	}
	if (pages > ZSIM_CORPUS_MAX_PAGES) {
		fprintf(stderr, "zsim corpus: --pages %llu would write %.1f GiB; at most %llu pages (1 TiB)\n",
			(unsigned long long)pages, (double)pages * ZSIM_PAGE_SIZE / 1073741824.0,
			(unsigned long long)ZSIM_CORPUS_MAX_PAGES);
		return ZSIM_EXIT_USAGE;
	}
	char *tmp = zsim_tmp_name(out);
	zsim_tmp_add(tmp, false);
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "zsim corpus: %s: %s\n", tmp, strerror(errno));
		zsim_tmp_del(tmp);
		free(tmp);
		return ZSIM_EXIT_ERROR;
	}
	uint8_t page[ZSIM_PAGE_SIZE];
	bool ok = true;
	for (uint64_t i = 0; i < pages && ok; i++) {
		/* The same page seeds as `zsim fill --synthetic CLASS:N:SEED`. */
		zsim_content_fill(cls, seed * 0x9e3779b97f4a7c15ull + i, page);
		ok = fwrite(page, ZSIM_PAGE_SIZE, 1, f) == 1;
	}
	if (ferror(f))
		ok = false;
	if (fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, out) != 0) {
		fprintf(stderr, "zsim corpus: %s: %s\n", out, strerror(errno ? errno : EIO));
		unlink(tmp);
		zsim_tmp_del(tmp);
		free(tmp);
		return ZSIM_EXIT_ERROR;
	}
	zsim_tmp_del(tmp);
	free(tmp);
	return ZSIM_EXIT_OK;
}
