/* SPDX-License-Identifier: ISC */
/*
 * The unit test runner: every suite in one SRunner, so the last line is
 * Check's own summary ("100%: Checks: N, Failures: 0, Errors: 0").
 * Check forks each test, so a test that crashes or exits is contained.
 */
#include <stdlib.h>

#include "suites.h"

int
main(void)
{
	Suite *(*const ctors[])(void) = { ROOTGATE_SUITES };
	SRunner *sr = srunner_create(NULL);
	int nfailed;

	for (size_t i = 0; i < sizeof(ctors) / sizeof(ctors[0]); i++)
		srunner_add_suite(sr, ctors[i]());
	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
