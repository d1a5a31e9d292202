/*
 * lz4_raw.c - the reference rate for `make bench`: raw single-thread
 * LZ4_compress_default over every page of a corpus already in memory.
 * Usage: lz4_raw CORPUS  -> prints "pages_per_s N"
 */
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: lz4_raw CORPUS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)size);
	if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "lz4_raw: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	long pages = size / 4096;
	char dst[LZ4_COMPRESSBOUND(4096)];
	double best = 0;
	unsigned long long sink = 0;
	for (int rep = 0; rep < 3; rep++) {
		double t0 = now();
		for (long i = 0; i < pages; i++)
			sink += (unsigned long long)LZ4_compress_default(buf + i * 4096, dst, 4096, sizeof(dst));
		double rate = (double)pages / (now() - t0);
		if (rate > best)
			best = rate;
	}
	printf("pages_per_s %.0f\n", best);
	fprintf(stderr, "(lz4_raw: %llu compressed bytes)\n", sink / 3);
	free(buf);
	return 0;
}
