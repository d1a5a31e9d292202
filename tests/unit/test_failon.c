/*
 * test_failon.c - the --fail-on rule language of `zsim compare` (cli/compare.h):
 * operators, absolute and relative values, units and percent, several rules,
 * the position named by each kind of error, what B compared with A gives, and
 * how a rule's key finds the summary's paths (alias, path, glob, last component).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare.h"

Suite *suite_failon(void);

static struct zsim_rule *parse_ok(const char *s, size_t want)
{
	struct zsim_rule *r = NULL;
	size_t n = 0;
	char err[256] = "";
	ck_assert_msg(zsim_failon_parse(s, &r, &n, err, sizeof(err)) == 0, "'%s': %s", s, err);
	ck_assert_uint_eq(n, want);
	return r;
}

/* The rule must fail with "position POS: ..." containing what. */
static void parse_bad(const char *s, unsigned pos, const char *what)
{
	struct zsim_rule *r = NULL;
	size_t n = 0;
	char err[256] = "", want[32];
	ck_assert_int_eq(zsim_failon_parse(s, &r, &n, err, sizeof(err)), ZSIM_EFORMAT);
	snprintf(want, sizeof(want), "position %u: ", pos);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "'%s': got '%s', want '%s...'", s, err, want);
	ck_assert_msg(strstr(err, what) != NULL, "'%s': '%s' lacks '%s'", s, err, what);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(absolute_and_relative)
{
	struct zsim_rule *r = parse_ok("oom_kill>0, pswpin>+10%, p99 >= -2.5 , runtime>+5%", 4);
	ck_assert_str_eq(r[0].key, "oom_kill");
	ck_assert_int_eq(r[0].op, ZSIM_OP_GT);
	ck_assert(!r[0].relative && !r[0].percent);
	ck_assert(r[0].value == 0);
	ck_assert_str_eq(r[1].key, "pswpin");
	ck_assert(r[1].relative && r[1].percent && r[1].value == 10);
	ck_assert_str_eq(r[2].text, "p99 >= -2.5");
	ck_assert_int_eq(r[2].op, ZSIM_OP_GE);
	ck_assert(r[2].relative && !r[2].percent && r[2].value == -2.5);
	ck_assert(r[3].percent && r[3].value == 5);
	free(r);
}
END_TEST

START_TEST(operators_units_paths)
{
	struct zsim_rule *r = parse_ok("a<1,b<=2,c==3,d!=4,devices.*.wear.life_used>1e-3,p99>2ms,x>50%", 7);
	ck_assert_int_eq(r[0].op, ZSIM_OP_LT);
	ck_assert_int_eq(r[1].op, ZSIM_OP_LE);
	ck_assert_int_eq(r[2].op, ZSIM_OP_EQ);
	ck_assert_int_eq(r[3].op, ZSIM_OP_NE);
	ck_assert_str_eq(r[4].key, "devices.*.wear.life_used");
	ck_assert(fabs(r[4].value - 1e-3) < 1e-12);
	ck_assert(!r[5].relative && r[5].value == 2e6);   /* a time is in ns */
	ck_assert(r[6].relative && r[6].percent);          /* a percent is relative even unsigned */
	free(r);
}
END_TEST

START_TEST(errors_name_position)
{
	parse_bad("", 1, "expected a rule");
	parse_bad("oom_kill>0,", 12, "after ','");
	parse_bad(">0", 1, "expected a key");
	parse_bad("p99", 4, "expected an operator");
	parse_bad("p99=1", 4, "expected an operator");
	parse_bad("p99>", 5, "expected a number");
	parse_bad("p99>+x%", 5, "expected a number");
	parse_bad("p99>+%", 5, "expected a number");
	parse_bad("oom_kill>0, p99>2parsecs", 18, "unknown unit 'parsecs'");
	parse_bad("a>1 b>2", 5, "expected ','");
	parse_bad("a>1,,b>2", 5, "expected a key");
}
END_TEST

START_TEST(evaluation)
{
	struct zsim_rule *r = parse_ok("pswpin>+10%, pswpin>+100, oom_kill>0, p99<=-20%", 4);
	/* 10% more is not more than 10% */
	ck_assert(!zsim_rule_violated(&r[0], zsim_rule_lhs(&r[0], 1000, 1100)));
	ck_assert(zsim_rule_violated(&r[0], zsim_rule_lhs(&r[0], 1000, 1101)));
	ck_assert(!zsim_rule_violated(&r[0], zsim_rule_lhs(&r[0], 1000, 10)));
	/* from zero: any increase is infinitely many percent; none is 0% */
	ck_assert(zsim_rule_violated(&r[0], zsim_rule_lhs(&r[0], 0, 1)));
	ck_assert(!zsim_rule_violated(&r[0], zsim_rule_lhs(&r[0], 0, 0)));
	/* a signed number without % is a difference */
	ck_assert(!zsim_rule_violated(&r[1], zsim_rule_lhs(&r[1], 5000, 5100)));
	ck_assert(zsim_rule_violated(&r[1], zsim_rule_lhs(&r[1], 5000, 5101)));
	/* absolute: B alone */
	ck_assert(zsim_rule_violated(&r[2], zsim_rule_lhs(&r[2], 7, 1)));
	ck_assert(!zsim_rule_violated(&r[2], zsim_rule_lhs(&r[2], 7, 0)));
	/* a drop of 20% or more */
	ck_assert(zsim_rule_violated(&r[3], zsim_rule_lhs(&r[3], 100, 80)));
	ck_assert(!zsim_rule_violated(&r[3], zsim_rule_lhs(&r[3], 100, 81)));
	free(r);
}
END_TEST

START_TEST(key_matching)
{
	ck_assert(zsim_rule_matches("oom_kill", "vmstat.oom_kill"));
	ck_assert(!zsim_rule_matches("oom_kill", "outcome.oom_kills"));
	ck_assert(zsim_rule_matches("p99", "major_fault_latency_ns.p99"));
	ck_assert(zsim_rule_matches("p99", "fault_latency_ns.zram.p99"));
	ck_assert(!zsim_rule_matches("p99", "major_fault_latency_ns.p99.9"));
	ck_assert(zsim_rule_matches("runtime", "runtime_ns.kbuild"));
	ck_assert(zsim_rule_matches("vmstat.pswpin", "vmstat.pswpin"));
	ck_assert(zsim_rule_matches("devices.*.wear.life_used", "devices.ssdswap.wear.life_used"));
	ck_assert(zsim_rule_matches("used_pages", "swap.zram0.used_pages"));
	ck_assert(!zsim_rule_matches("used_pages", "swap.zram0.xused_pages"));
	ck_assert(!zsim_rule_matches("pswp", "vmstat.pswpin"));
}
END_TEST

Suite *suite_failon(void)
{
	Suite *s = suite_create("failon");
	TCase *tc = tcase_create("failon");
	tcase_add_test(tc, absolute_and_relative);
	tcase_add_test(tc, operators_units_paths);
	tcase_add_test(tc, errors_name_position);
	tcase_add_test(tc, evaluation);
	tcase_add_test(tc, key_matching);
	suite_add_tcase(s, tc);
	return s;
}
