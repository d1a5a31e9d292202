/*
 * test_core.c - codecs (round trips, the size cache), SIZE parsing, content
 * classes and the kernel-profile table.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/units.h"
#include "codecs/codec.h"
#include "traces/content.h"
#include "core/kprofile.h"

START_TEST(test_parse_size)
{
	uint64_t v;
	ck_assert_int_eq(zsim_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(zsim_parse_size("256M", &v), 0);
	ck_assert_uint_eq(v, 256ull << 20);
	ck_assert_int_eq(zsim_parse_size("1G", &v), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(zsim_parse_size("2GiB", &v), 0);
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert_int_eq(zsim_parse_size("8k", &v), 0);
	ck_assert_uint_eq(v, 8192);
	ck_assert_int_eq(zsim_parse_size("512B", &v), 0);
	ck_assert_uint_eq(v, 512);
	const char *bad[] = { "", "M", "-1", "1.5G", "12Q", "1GG", "1 G", "99999999999999999999",
			      "20000000000T", "1Gx" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(zsim_parse_size(bad[i], &v) < 0, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(test_codec_cache_agrees)
{
	/* Every codec, every content class: the cached length equals a fresh compression. */
	uint8_t page[ZSIM_PAGE_SIZE], dst[ZSIM_CODEC_DST_MAX];
	for (size_t ci = 0; ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		struct zsim_codec *c;
		ck_assert_int_eq(zsim_codec_new(ops->name, -1, &c), 0);
		for (int cls = 0; cls < ZSIM_CONTENT_NR; cls++)
			for (uint64_t seed = 0; seed < 20; seed++) {
				zsim_content_fill((enum zsim_content_class)cls, seed, page);
				int n = zsim_codec_compress_page(c, page, dst, sizeof(dst));
				ck_assert_msg(n > 0, "%s: compress failed", ops->name);
				/* the cached length equals the compressor's */
				ck_assert_int_eq(zsim_codec_page_len(c, page), n);
			}
		zsim_codec_free(c);
	}
}
END_TEST

/* Decompression through each member's own ops table. */
START_TEST(test_codec_decompress)
{
	uint8_t page[ZSIM_PAGE_SIZE], out[ZSIM_PAGE_SIZE], dst[ZSIM_CODEC_DST_MAX];
	for (size_t ci = 0; ci < zsim_codec_count(); ci++) {
		const struct zsim_codec_ops *ops = zsim_codec_at(ci);
		void *priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
		if (ops->init)
			ck_assert_int_eq(ops->init(priv, ops->default_level), 0);
		for (int cls = 0; cls < ZSIM_CONTENT_NR; cls++) {
			zsim_content_fill((enum zsim_content_class)cls, 42, page);
			int n = ops->compress(priv, page, sizeof(page), dst, sizeof(dst));
			ck_assert_int_gt(n, 0);
			int m = ops->decompress(priv, dst, (size_t)n, out, sizeof(out));
			ck_assert_msg(m == ZSIM_PAGE_SIZE, "%s/%s: decompressed %d", ops->name,
				      zsim_content_name((enum zsim_content_class)cls), m);
			ck_assert_msg(memcmp(page, out, sizeof(page)) == 0, "%s: round trip differs", ops->name);
		}
		if (ops->fini)
			ops->fini(priv);
		free(priv);
	}
}
END_TEST

START_TEST(test_codec_cache)
{
	struct zsim_codec *c;
	struct zsim_codec_stats st;
	uint8_t page[ZSIM_PAGE_SIZE];
	ck_assert_int_eq(zsim_codec_new("lz4", -1, &c), 0);
	/* 10000 distinct pages (forces several cache growths), each seen twice. */
	for (int round = 0; round < 2; round++)
		for (uint64_t i = 0; i < 10000; i++) {
			zsim_content_fill(ZSIM_CONTENT_TEXT, i, page);
			ck_assert_int_gt(zsim_codec_page_len(c, page), 0);
		}
	zsim_codec_get_stats(c, &st);
	ck_assert_uint_eq(st.compress_calls, 10000);
	ck_assert_uint_eq(st.cache_hits, 10000);
	ck_assert_uint_eq(st.cache_entries, 10000);
	zsim_codec_free(c);
}
END_TEST

START_TEST(test_codec_bad_names_levels)
{
	struct zsim_codec *c;
	ck_assert_int_eq(zsim_codec_new("lz5", -1, &c), ZSIM_ENOENT);
	ck_assert_int_eq(zsim_codec_new("lzo", 3, &c), ZSIM_EINVAL);
	ck_assert_int_eq(zsim_codec_new("zstd", 23, &c), ZSIM_EINVAL);
	ck_assert_int_eq(zsim_codec_new("zstd", 1, &c), 0);
	ck_assert_int_eq(zsim_codec_level(c), 1);
	zsim_codec_free(c);
}
END_TEST

START_TEST(test_content_classes)
{
	uint8_t a[ZSIM_PAGE_SIZE], b[ZSIM_PAGE_SIZE];
	struct zsim_codec *c;
	ck_assert_int_eq(zsim_codec_new("lz4", -1, &c), 0);
	/* deterministic, and seeds differ */
	zsim_content_fill(ZSIM_CONTENT_TEXT, 5, a);
	zsim_content_fill(ZSIM_CONTENT_TEXT, 5, b);
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	zsim_content_fill(ZSIM_CONTENT_TEXT, 6, b);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	/* compressibility ordering: text and heap compress, random does not */
	long text = 0, heap = 0, bin = 0, rnd = 0;
	for (uint64_t s = 0; s < 50; s++) {
		zsim_content_fill(ZSIM_CONTENT_TEXT, s, a); text += zsim_codec_page_len(c, a);
		zsim_content_fill(ZSIM_CONTENT_HEAP, s, a); heap += zsim_codec_page_len(c, a);
		zsim_content_fill(ZSIM_CONTENT_BINARY, s, a); bin += zsim_codec_page_len(c, a);
		zsim_content_fill(ZSIM_CONTENT_RANDOM, s, a); rnd += zsim_codec_page_len(c, a);
	}
	ck_assert_int_lt(text, 50 * 4096 / 2);   /* better than 2:1 */
	ck_assert_int_lt(heap, 50 * 4096 / 2);
	ck_assert_int_lt(bin, 50 * 4096 * 9 / 10);
	ck_assert_int_gt(rnd, 50 * 4096);         /* random expands */
	enum zsim_content_class cls;
	ck_assert_int_eq(zsim_content_parse("heap", &cls), 0);
	ck_assert_int_eq(cls, ZSIM_CONTENT_HEAP);
	ck_assert_int_eq(zsim_content_parse("gold", &cls), ZSIM_ENOENT);
	zsim_codec_free(c);
}
END_TEST

START_TEST(test_kprofiles)
{
	const struct zsim_kprofile *d = zsim_kprofile_default();
	ck_assert_str_eq(d->name, "6.18");
	ck_assert_uint_eq(d->zs_chain_size, 8);
	ck_assert_str_eq(d->zram_default_comp, "lzo-rle");
	ck_assert_ptr_eq(zsim_kprofile_find("6.18"), d);
	ck_assert_ptr_null(zsim_kprofile_find("2.6"));
	const struct zsim_kprofile *old = zsim_kprofile_find("4.19");
	ck_assert_ptr_nonnull(old);
	ck_assert_uint_eq(old->zs_chain_size, 4);
	ck_assert_str_eq(old->zram_default_comp, "lzo");
	/* versions ascend, every default compressor is registered */
	for (size_t i = 0; i < zsim_kprofile_count(); i++) {
		ck_assert_ptr_nonnull(zsim_codec_find(zsim_kprofile_at(i)->zram_default_comp));
		if (i)
			ck_assert_uint_gt(zsim_kprofile_at(i)->version, zsim_kprofile_at(i - 1)->version);
	}
}
END_TEST

/* Pages of [p, p + n) resident now (mincore). */
static size_t resident_pages(void *p, size_t n)
{
	size_t pages = n / 4096, in = 0;
	unsigned char *v = malloc(pages);
	ck_assert_int_eq(mincore(p, n, v), 0);
	for (size_t i = 0; i < pages; i++)
		in += v[i] & 1;
	free(v);
	return in;
}

/* zsim_prefault backs a fresh mapping (the helper thread, within a few
 * seconds) and changes none of its bytes; returns whether it got resident,
 * or -1 where the kernel cannot populate (before 5.14). */
static int prefault_once(void)
{
	size_t n = 8u << 20;
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	p[100] = 0x5a;            /* written before: kept */
	p[n - 1] = 0xa5;
	if (madvise(p + 4096, 4096, MADV_POPULATE_WRITE) != 0 && errno == EINVAL) {
		munmap(p, n);
		return -1;
	}
	zsim_prefault(p, n);
	struct timespec ms = { 0, 10000000 };
	for (int i = 0; i < 500 && resident_pages(p, n) < n / 4096; i++)
		nanosleep(&ms, NULL);
	int ok = resident_pages(p, n) == n / 4096;
	ck_assert_uint_eq(p[100], 0x5a);
	ck_assert_uint_eq(p[n - 1], 0xa5);
	for (size_t i = 0; i < n; i += 4096)
		if (i != 0 && i != n - 4096)
			ck_assert_uint_eq(p[i + 7], 0);
	munmap(p, n);
	return ok;
}

START_TEST(test_prefault)
{
	int r = prefault_once();
	if (r < 0)
		return;   /* no MADV_POPULATE_WRITE: a hint the kernel cannot take */
	ck_assert_int_eq(r, 1);
	/* a forked child (zsim run --baseline) gets a helper of its own */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(prefault_once() == 1 ? 0 : 1);
	int st = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* nothing, a range under a page and NULL are no requests at all */
	zsim_prefault(NULL, 1u << 20);
	char small[100];
	zsim_prefault(small, sizeof(small));
	zsim_prefault(small, 0);
}
END_TEST

Suite *suite_core(void);
Suite *suite_core(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_parse_size);
	tcase_add_test(tc, test_codec_cache_agrees);
	tcase_add_test(tc, test_codec_decompress);
	tcase_add_test(tc, test_codec_cache);
	tcase_add_test(tc, test_codec_bad_names_levels);
	tcase_add_test(tc, test_content_classes);
	tcase_add_test(tc, test_kprofiles);
	tcase_add_test(tc, test_prefault);
	suite_add_tcase(s, tc);
	return s;
}
