/*
 * oracle_export.c - a zsim trace's page accesses as a libCacheSim
 * oracleGeneral trace, for the paired speed comparison in sim_bench.sh.
 *
 * oracleGeneral records are 24 bytes, little-endian: u32 time, u64 object
 * id, u32 object size, i64 virtual time of the next access (-1: unknown; LRU,
 * Clock and their kin do not read it).  Each access becomes one record whose
 * object id is (pid << 48) | page, size 4096, time 0.  Every other event is
 * left out.  The record layout is the one traces/import_oracle.c reads.
 * Usage: oracle_export IN.trc OUT.bin   (prints the number of records)
 */
#include "traces/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_SIZE 24
#define BATCH 4096

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: oracle_export IN.trc OUT.bin\n");
		return 2;
	}
	char err[512];
	struct zsim_trace_reader *r;
	if (zsim_trace_open(argv[1], &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "oracle_export: %s\n", err);
		return 1;
	}
	FILE *out = fopen(argv[2], "wb");
	if (!out) {
		fprintf(stderr, "oracle_export: %s: cannot create\n", argv[2]);
		zsim_trace_close(r);
		return 1;
	}
	static uint8_t buf[BATCH * REC_SIZE];
	size_t n = 0;
	uint64_t recs = 0;
	struct zsim_event ev;
	int rc;
	while ((rc = zsim_trace_next(r, &ev)) > 0) {
		if (ev.kind != ZSIM_EV_ACCESS)
			continue;
		uint8_t *p = buf + n * REC_SIZE;
		put_le(p, 0, 4);
		put_le(p + 4, ((uint64_t)ev.pid << 48) | ev.page, 8);
		put_le(p + 12, 4096, 4);
		put_le(p + 16, UINT64_MAX, 8);
		recs++;
		if (++n == BATCH) {
			if (fwrite(buf, REC_SIZE, n, out) != n)
				break;
			n = 0;
		}
	}
	int werr = (n && fwrite(buf, REC_SIZE, n, out) != n) || rc > 0;   /* rc > 0: a write stopped the loop */
	werr |= fclose(out) != 0;
	if (rc < 0)
		fprintf(stderr, "oracle_export: %s\n", zsim_trace_reader_error(r));
	else if (werr)
		fprintf(stderr, "oracle_export: %s: write failed\n", argv[2]);
	zsim_trace_close(r);
	if (rc < 0 || werr)
		return 1;
	printf("%llu\n", (unsigned long long)recs);
	return 0;
}
