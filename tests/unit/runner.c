/*
 * runner.c - runs every Check suite in tests/unit/.  The list comes from
 * suites.h, which the Makefile generates from the `Suite *suite_NAME(void)`
 * definitions it finds, so adding a test file needs no edit here.
 * Usage: unit-tests [SUITE-NAME-SUBSTRING]
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define X(fn) Suite *fn(void);
#include "suites.h"
#undef X

int main(int argc, char **argv)
{
	struct { const char *name; Suite *(*make)(void); } all[] = {
#define X(fn) { #fn, fn },
#include "suites.h"
#undef X
	};
	SRunner *sr = NULL;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (argc > 1 && !strstr(all[i].name, argv[1]))
			continue;
		if (!sr)
			sr = srunner_create(all[i].make());
		else
			srunner_add_suite(sr, all[i].make());
	}
	if (!sr)
		return 1;
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
