/*
 * test_sweep.c - a sweep's spec expanded into runs (cli/sweep.h): the
 * product's order, each run's --set list, names that are unique and stable
 * (the same run keeps its name when the spec grows and when the spec is
 * written back with absolute paths, as OUT/spec.json is), and errors that name
 * the spec's JSON path.  The runs themselves are tests/e2e/t_sweep.sh.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/sweep.h"

Suite *suite_sweep(void);

static char dir[64];

static void write_file(const char *name, const char *text)
{
	char p[128];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/zsim-sweep-test.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file("base.json", "{ \"machine\": { \"ram\": \"64M\" }, \"devices\": { \"zram0\": { \"type\": \"zram\", "
				"\"size\": \"32M\" } }, \"swap\": [ { \"device\": \"zram0\" } ] }\n");
	write_file("a.trc", "x");   /* the spec only checks that traces are readable */
	write_file("b.trc", "x");
}

static void teardown(void)
{
	char p[128];
	static const char *const files[] = { "base.json", "a.trc", "b.trc" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static int load(const char *text, struct zsim_sweep *sw, char *err, size_t errlen)
{
	json_error_t je;
	json_t *spec = json_loads(text, 0, &je);
	ck_assert_msg(spec != NULL, "test spec is not JSON: %s", je.text);
	int rc = zsim_sweep_from_json(spec, "spec.json", dir, sw, err, errlen);
	json_decref(spec);
	return rc;
}

#define SPEC3 "{ \"base\": \"base.json\", \"traces\": [\"a.trc\", [\"a.trc\", \"b.trc\"]], \"seeds\": [7, 9], " \
	"\"set\": { \"mm.swappiness\": 100 }, " \
	"\"grid\": { \"machine.ram\": [\"48M\", \"64M\"], \"devices.zram0.comp\": [\"lz4\", \"zstd\", \"lzo\"] } }"

START_TEST(expansion_order)
{
	struct zsim_sweep sw;
	char err[512];
	ck_assert_msg(load(SPEC3, &sw, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(sw.nruns, 2 * 3 * 2 * 2);
	ck_assert_uint_eq(sw.nkeys, 2);
	ck_assert_str_eq(sw.keys[0], "machine.ram");
	/* the seed fastest, then the trace set, then the last key; the first key slowest */
	for (size_t r = 0; r < sw.nruns; r++) {
		const struct zsim_sweep_run *run = &sw.runs[r];
		ck_assert_uint_eq(run->seed, r % 2);
		ck_assert_uint_eq(run->traceset, (r / 2) % 2);
		ck_assert_uint_eq(run->value[1], (r / 4) % 3);
		ck_assert_uint_eq(run->value[0], r / 12);
		ck_assert_uint_eq(run->nsets, 3);
		ck_assert_str_eq(run->sets[0], "mm.swappiness=100");   /* the fixed sets first */
		char want[64];
		snprintf(want, sizeof(want), "machine.ram=%s", sw.values[0][run->value[0]]);
		ck_assert_str_eq(run->sets[1], want);
		snprintf(want, sizeof(want), "devices.zram0.comp=%s", sw.values[1][run->value[1]]);
		ck_assert_str_eq(run->sets[2], want);
	}
	ck_assert_str_eq(sw.traceset_name[1], "a.trc+b.trc");
	ck_assert_uint_eq(sw.ntraces[1], 2);
	ck_assert_msg(sw.traces[1][1][0] == '/', "trace paths are made absolute: %s", sw.traces[1][1]);
	/* names: unique, readable part first */
	for (size_t r = 0; r < sw.nruns; r++)
		for (size_t u = 0; u < r; u++)
			ck_assert_str_ne(sw.runs[r].id, sw.runs[u].id);
	ck_assert_msg(!strncmp(sw.runs[0].id, "48M_lz4_t0_s7-", 14), "%s", sw.runs[0].id);
	ck_assert_uint_eq(strlen(sw.runs[0].id), 14 + 16);
	/* a job: the base, the sets, the trace set, the seed, DIR/runs/NAME */
	struct zsim_job j;
	char out[4200], log[4200];
	zsim_sweep_job(&sw, 3, "/x", out, log, &j);
	ck_assert_str_eq(j.config, sw.base);
	ck_assert_uint_eq(j.ntraces, 2);
	ck_assert(j.has_seed);
	ck_assert_uint_eq(j.seed, 9);
	char want[4200];
	snprintf(want, sizeof(want), "/x/runs/%s", sw.runs[3].id);
	ck_assert_str_eq(out, want);
	snprintf(want, sizeof(want), "/x/logs/%s.log", sw.runs[3].id);
	ck_assert_str_eq(log, want);
	zsim_sweep_free(&sw);
}
END_TEST

/* The same run has the same name when the spec grows (resume of a bigger
 * sweep) and in the spec written back with absolute paths (OUT/spec.json,
 * which --only, --merge and the emitted jobs read). */
START_TEST(names_are_stable)
{
	struct zsim_sweep a, b, c;
	char err[512];
	ck_assert_msg(load(SPEC3, &a, err, sizeof(err)) == 0, "%s", err);
	const char *grown = "{ \"base\": \"base.json\", \"traces\": [\"a.trc\", [\"a.trc\", \"b.trc\"]], "
			    "\"seeds\": [7, 9, 11], \"set\": { \"mm.swappiness\": 100 }, "
			    "\"grid\": { \"machine.ram\": [\"32M\", \"48M\", \"64M\"], "
			    "\"devices.zram0.comp\": [\"lz4\", \"zstd\", \"lzo\"] } }";
	ck_assert_msg(load(grown, &b, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(b.nruns, 3 * 3 * 2 * 3);
	for (size_t r = 0; r < a.nruns; r++) {
		bool found = false;
		for (size_t u = 0; u < b.nruns && !found; u++)
			found = !strcmp(a.runs[r].id, b.runs[u].id);
		ck_assert_msg(found, "run %s is not in the grown sweep", a.runs[r].id);
	}
	json_t *back = zsim_sweep_to_json(&a);
	ck_assert_int_eq(zsim_sweep_from_json(back, "out/spec.json", "/nonexistent", &c, err, sizeof(err)), 0);
	json_decref(back);
	ck_assert_uint_eq(c.nruns, a.nruns);
	for (size_t r = 0; r < a.nruns; r++) {
		ck_assert_str_eq(c.runs[r].id, a.runs[r].id);
		for (unsigned s = 0; s < a.runs[r].nsets; s++)
			ck_assert_str_eq(c.runs[r].sets[s], a.runs[r].sets[s]);
	}
	/* a different fixed set, seed or trace set is a different run */
	const char *other = "{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"seeds\": [7], "
			    "\"set\": { \"mm.swappiness\": 60 }, \"grid\": { \"machine.ram\": [\"48M\"], "
			    "\"devices.zram0.comp\": [\"lz4\"] } }";
	struct zsim_sweep d;
	ck_assert_msg(load(other, &d, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_ne(d.runs[0].id, a.runs[0].id);
	ck_assert_msg(!strncmp(d.runs[0].id, "48M_lz4_s7-", 11), "%s", d.runs[0].id);
	zsim_sweep_free(&d);
	zsim_sweep_free(&c);
	zsim_sweep_free(&b);
	zsim_sweep_free(&a);
}
END_TEST

static void bad(const char *spec, const char *want)
{
	struct zsim_sweep sw;
	char err[1024] = "";
	ck_assert_int_lt(load(spec, &sw, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, want) != NULL, "got '%s', want '%s'", err, want);
	ck_assert_msg(!strncmp(err, "spec.json: ", 11), "not named: '%s'", err);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_uint_eq(sw.nruns, 0);
}

START_TEST(errors_name_the_path)
{
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"grid\": { \"devices.zram0.codc\": [\"lz4\"] } }",
	    "$.grid.\"devices.zram0.codc\"[0]: $.devices.zram0: unknown key 'codc'");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"grid\": {} }", "$.grid: empty grid");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"grid\": { \"machine.ram\": [] } }",
	    "$.grid.\"machine.ram\": empty list");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\", [\"b.trc\", \"c.trc\"]], "
	    "\"grid\": { \"machine.ram\": [\"1G\"] } }", "$.traces[1][1]: cannot read 'c.trc'");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"grid\": { \"machine.ram\": [{}] } }",
	    "$.grid.\"machine.ram\"[0]: expected a string, a number or a boolean");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"set\": { \"mm.swapiness\": 1 }, "
	    "\"grid\": { \"machine.ram\": [\"1G\"] } }", "$.set.\"mm.swapiness\": ");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"trace_names\": [\"x\", \"y\"], "
	    "\"grid\": { \"machine.ram\": [\"1G\"] } }", "$.trace_names: expected a list of 1 names");
	bad("{ \"base\": \"base.json\", \"traces\": [\"a.trc\"], \"goals\": \"oom>\", "
	    "\"grid\": { \"machine.ram\": [\"1G\"] } }", "$.goals: position");
	bad("[1]", "$: expected a JSON object");
}
END_TEST

Suite *suite_sweep(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("sweep");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, expansion_order);
	tcase_add_test(tc, names_are_stable);
	tcase_add_test(tc, errors_name_the_path);
	suite_add_tcase(s, tc);
	return s;
}
