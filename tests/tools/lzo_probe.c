/*
 * lzo_probe - per-page sizes of the kernel-algorithm LZO encoders, for checking
 * them against a real zram device.
 *
 *   lzo_probe FILE...
 *
 * FILE is raw 4096-byte pages.  For each page one line:
 *
 *   INDEX RLE LZO ZRAM_RLE ZRAM_LZO
 *
 * RLE and LZO are the compressed lengths of lzo-rle and plain LZO1X-1 (the
 * kernel's "lzo-rle" and "lzo"); ZRAM_* are what zram adds to mm_stat's
 * compr_data_size for that page: 0 for a same-filled page (all 512 64-bit
 * words equal), 4096 when the length reaches the huge-page limit, else the
 * length.  Each page's round trip through the decoder is checked too; a
 * failure is reported on stderr and makes the exit status 1.
 */
#include <stdio.h>
#include <string.h>

#include "codecs/lzo_kernel.h"

/* zram stores a page whole once its compressed length reaches this
 * (zsmalloc's huge class on 4 KiB pages, measured in kernel-facts section 0). */
#define ZRAM_HUGE_LEN 3625

static int same_filled(const uint8_t *p)
{
	for (size_t i = 8; i < ZSIM_PAGE_SIZE; i += 8)
		if (memcmp(p, p + i, 8) != 0)
			return 0;
	return 1;
}

static int zram_len(const uint8_t *p, int len)
{
	if (same_filled(p))
		return 0;
	return len >= ZRAM_HUGE_LEN ? (int)ZSIM_PAGE_SIZE : len;
}

int main(int argc, char **argv)
{
	static uint8_t page[ZSIM_PAGE_SIZE], out[ZSIM_LZO_KERNEL_BOUND(ZSIM_PAGE_SIZE)];
	static uint8_t back[ZSIM_PAGE_SIZE];
	static uint16_t wrk[ZSIM_LZO_KERNEL_WRKMEM / 2];
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: lzo_probe FILE...\n");
		return 2;
	}
	long index = 0;
	for (int a = 1; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		if (!f) {
			perror(argv[a]);
			return 2;
		}
		while (fread(page, 1, sizeof page, f) == sizeof page) {
			int len[2];
			for (int rle = 1; rle >= 0; rle--) {
				int c = zsim_lzo1x_kernel_compress(page, sizeof page, out, sizeof out,
								   rle, wrk);
				int d = c > 0 ? zsim_lzo1x_kernel_decompress(out, (size_t)c, back,
									     sizeof back, rle) : c;
				if (d != (int)sizeof page || memcmp(back, page, sizeof page) != 0) {
					fprintf(stderr, "%s: page %ld: %s round trip failed\n",
						argv[a], index, rle ? "lzo-rle" : "lzo");
					status = 1;
				}
				len[!rle] = c;
			}
			printf("%ld %d %d %d %d\n", index, len[0], len[1], zram_len(page, len[0]),
			       zram_len(page, len[1]));
			index++;
		}
		fclose(f);
	}
	return status;
}
