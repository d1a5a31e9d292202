/*
 * corpus.c - `zsim corpus CLASS --pages N [--seed S] -o FILE`: write a
 * synthetic corpus of raw 4096-byte pages (traces/content.c), for `zsim fill` and
 * for writing the same bytes to a real zram device.  The file appears whole or
 * not at all: it is written to FILE.tmp.PID and renamed.
 */
#include "cli.h"
#include "../traces/content.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int zsim_cmd_corpus(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pages", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	uint64_t pages = 0, seed = 1;
	const char *out = NULL;
	char names[128];
	int c;
	optind = 1;
	opterr = 0;
	zsim_content_names(names, sizeof(names));
	while ((c = getopt_long(argc, argv, "n:s:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (zsim_parse_u64(optarg, &pages) < 0 || pages == 0) {
				fprintf(stderr, "zsim corpus: --pages: '%s' is not a positive count\n", optarg);
				return ZSIM_EXIT_USAGE;
			}
			break;
		case 's':
			if (zsim_parse_u64(optarg, &seed) < 0) {
				fprintf(stderr, "zsim corpus: --seed: '%s' is not a number\n", optarg);
				return ZSIM_EXIT_USAGE;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("usage: zsim corpus CLASS --pages N [--seed S] -o FILE\n"
			       "CLASS: %s\n", names);
			return ZSIM_EXIT_OK;
		default:
			fprintf(stderr, "zsim corpus: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return ZSIM_EXIT_USAGE;
		}
	}
	enum zsim_content_class cls;
	if (optind + 1 != argc || !pages || !out) {
		fprintf(stderr, "zsim corpus: usage: zsim corpus CLASS --pages N [--seed S] -o FILE\n");
		return ZSIM_EXIT_USAGE;
	}
	if (zsim_content_parse(argv[optind], &cls) < 0) {
		fprintf(stderr, "zsim corpus: unknown content class '%s' (known: %s)\n", argv[optind], names);
		return ZSIM_EXIT_USAGE;
	}
	size_t tlen = strlen(out) + 32;
	char *tmp = zsim_xmalloc(tlen);
	snprintf(tmp, tlen, "%s.tmp.%ld", out, (long)getpid());
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		fprintf(stderr, "zsim corpus: %s: %s\n", tmp, strerror(errno));
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
	if (fclose(f) != 0)
		ok = false;
	if (!ok || rename(tmp, out) != 0) {
		fprintf(stderr, "zsim corpus: %s: %s\n", out, strerror(errno));
		unlink(tmp);
		free(tmp);
		return ZSIM_EXIT_ERROR;
	}
	free(tmp);
	return ZSIM_EXIT_OK;
}
