/*
 * test_options.c - core/options: defaults parsed like input, every type, the
 * accepted spellings (--n v, --n=v, -x v, -xv, "--", "-"), ranges, the error
 * messages, a custom type, two tables at once, and the --help lines.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"

Suite *suite_options(void);

struct topts {
	uint64_t size, count, time;
	double real;
	char name[ZSIM_OPT_NAME_MAX];
	bool flag;
	const char *file;
	unsigned custom;           /* the custom type counts its values' lengths */
};

static int custom_parse(const struct zsim_opt *o, const char *val, void *field, char *err, size_t errlen)
{
	(void)o;
	if (strcmp(val, "bad") == 0) {
		snprintf(err, errlen, "'%s' is bad", val);
		return ZSIM_EFORMAT;
	}
	*(unsigned *)field += (unsigned)strlen(val);
	return 0;
}

static const struct zsim_opt_type custom_type = { ZSIM_OPTK_CUSTOM, "THING", custom_parse };

#define OFF(f) offsetof(struct topts, f)
static const struct zsim_opt tab[] = {
	{ "size", ZSIM_OPT_SIZE, OFF(size), "1M", 4096, 1ull << 30, "a size", 0 },
	{ "count", ZSIM_OPT_COUNT, OFF(count), "3", 1, 10, "a count", 'n' },
	{ "time", ZSIM_OPT_TIME, OFF(time), "2s", 0, 0, "a time", 0 },
	{ "real", ZSIM_OPT_REAL, OFF(real), "0.5", 0, 1, "a real", 0 },
	{ "name", ZSIM_OPT_NAME, OFF(name), "src", 0, 0, "a name", 0 },
	{ "flag", ZSIM_OPT_FLAG, OFF(flag), NULL, 0, 0, "a flag", 'f' },
	{ "file", ZSIM_OPT_FILE, OFF(file), NULL, 0, 0, "a file", 'o' },
	{ "thing", &custom_type, OFF(custom), NULL, 0, 0, "a custom value", 0 },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

struct other {
	uint64_t seed;
	bool verbose;
};

static const struct zsim_opt other_tab[] = {
	{ "seed", ZSIM_OPT_COUNT, offsetof(struct other, seed), "1", 0, 0, "the seed", 0 },
	{ "verbose", ZSIM_OPT_FLAG, offsetof(struct other, verbose), NULL, 0, 0, "talk", 'v' },
	{ NULL, NULL, 0, NULL, 0, 0, NULL, 0 },
};

static char err[512];

/* Parse a NULL-terminated list; positional arguments end up in pos[0..*np). */
static int parse(struct topts *o, struct other *x, int *np, char **pos, ...)
{
	static char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, pos);
	for (const char *a = va_arg(ap, const char *); a; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	memset(o, 0, sizeof(*o));
	memset(x, 0, sizeof(*x));
	const struct zsim_opt_set sets[] = { { tab, o }, { other_tab, x }, { NULL, NULL } };
	err[0] = '\0';
	int rc = zsim_opt_parse(sets, argc, argv, np, err, sizeof(err));
	if (pos && np)
		for (int i = 0; i < *np; i++)
			pos[i] = argv[i];
	return rc;
}

START_TEST(test_defaults)
{
	struct topts o;
	struct other x;
	ck_assert_int_eq(parse(&o, &x, NULL, NULL, NULL), 0);
	ck_assert_uint_eq(o.size, 1u << 20);
	ck_assert_uint_eq(o.count, 3);
	ck_assert_uint_eq(o.time, 2000000000ull);
	ck_assert(o.real == 0.5);
	ck_assert_str_eq(o.name, "src");
	ck_assert(!o.flag);
	ck_assert_ptr_null(o.file);
	ck_assert_uint_eq(x.seed, 1);
	ck_assert(!x.verbose);
}
END_TEST

START_TEST(test_spellings)
{
	struct topts o;
	struct other x;
	char *pos[8];
	int np = -1;
	ck_assert_int_eq(parse(&o, &x, &np, pos, "a", "--size", "8M", "--time=250ms", "-n", "7", "b",
			       "-oout.trc", "--real=0.25", "-f", "--name", "data", "--seed", "42", "-v",
			       "--thing", "xyz", "--thing=ab", "-", "--", "--size", NULL), 0);
	ck_assert_uint_eq(o.size, 8u << 20);
	ck_assert_uint_eq(o.time, 250000000ull);
	ck_assert_uint_eq(o.count, 7);
	ck_assert_str_eq(o.file, "out.trc");
	ck_assert(o.real == 0.25);
	ck_assert(o.flag);
	ck_assert_str_eq(o.name, "data");
	ck_assert_uint_eq(x.seed, 42);
	ck_assert(x.verbose);
	ck_assert_uint_eq(o.custom, 5);
	/* arguments keep their order; "-" is one, and so is anything after "--" */
	ck_assert_int_eq(np, 4);
	ck_assert_str_eq(pos[0], "a");
	ck_assert_str_eq(pos[1], "b");
	ck_assert_str_eq(pos[2], "-");
	ck_assert_str_eq(pos[3], "--size");
}
END_TEST

START_TEST(test_errors)
{
	struct topts o;
	struct other x;
	int np;
	static const struct { const char *a, *b, *msg; } cases[] = {
		{ "--size", "12Q", "--size: '12Q' is not a size" },
		{ "--size", "1K", "--size: '1K' is not in [4096, 1073741824] bytes" },
		{ "--count", "x", "--count: 'x' is not a count" },
		{ "--count", "0", "--count: '0' is not in [1, 10]" },
		{ "--time", "300", "--time: '300' is not a duration (a number and a unit: 10s, 250ms, 5us)" },
		{ "--real", "1.5", "--real: '1.5' is not in [0, 1]" },
		{ "--real", "half", "--real: 'half' is not a number" },
		{ "--name", "a/b", "--name: 'a/b' is not a name (1 to 31 characters, no blanks or '/')" },
		{ "--file", "", "--file: empty file name" },
		{ "--thing", "bad", "--thing: 'bad' is bad" },
		{ "--frob", "1", "unknown option '--frob'" },
		{ "--frob=2", NULL, "unknown option '--frob'" },
		{ "-z", NULL, "unknown option '-z'" },
		{ "--flag=1", NULL, "--flag takes no value" },
		{ "--seed", NULL, "option '--seed' needs a value" },
		{ "-n", NULL, "option '-n' needs a value" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(parse(&o, &x, &np, NULL, cases[i].a, cases[i].b, NULL), ZSIM_EFORMAT);
		ck_assert_str_eq(err, cases[i].msg);
	}
	/* without room for arguments, an argument is an error */
	ck_assert_int_eq(parse(&o, &x, NULL, NULL, "--flag", "stray", NULL), ZSIM_EFORMAT);
	ck_assert_str_eq(err, "unexpected argument 'stray'");
}
END_TEST

START_TEST(test_set_value_and_find)
{
	struct topts o;
	memset(&o, 0, sizeof(o));
	const struct zsim_opt *opt = zsim_opt_find(tab, "sizes", 4);
	ck_assert_ptr_nonnull(opt);
	ck_assert_str_eq(opt->name, "size");
	ck_assert_ptr_null(zsim_opt_find(tab, "siz", 3));
	ck_assert_int_eq(zsim_opt_set_value(opt, &o, "1G", err, sizeof(err)), 0);
	ck_assert_uint_eq(o.size, 1u << 30);
	ck_assert_int_eq(zsim_opt_set_value(opt, &o, "2G", err, sizeof(err)), ZSIM_EFORMAT);
	ck_assert_uint_eq(o.size, 1u << 30);   /* unchanged on error */
}
END_TEST

START_TEST(test_print)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	zsim_opt_print(f, tab);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  --size SIZE              a size (default 1M)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  -n, --count N            a count (default 3)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  -f, --flag               a flag\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  -o, --file FILE          a file\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  --thing THING            a custom value\n"));
	free(buf);
}
END_TEST

Suite *suite_options(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("options");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_spellings);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_set_value_and_find);
	tcase_add_test(tc, test_print);
	suite_add_tcase(s, tc);
	return s;
}
