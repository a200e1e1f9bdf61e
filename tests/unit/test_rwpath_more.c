/* SPDX-License-Identifier: ISC */
/*
 * test_rwpath_more.c - rwpath_realpath() (os.path.realpath, strict=False)
 * on what test_rootwrap.c's table of Python's answers leaves out: ".."
 * beyond the start of a relative path, a link met twice, the bound on
 * links, a cwd that no longer exists, results that do not fit, and
 * allocation failures (failalloc.h): -1, never a different path.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failalloc.h"
#include "rwpath.h"
#include "suites.h"
#include "testutil.h"

static char *top;

static void
setup(void)
{
	char p[PATH_MAX];

	top = tu_mkdtemp();
	snprintf(p, sizeof(p), "%s/d", top);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a", top);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/a/b", top);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/l", top);
	ck_assert_int_eq(symlink("d", p), 0);
}

static void
teardown(void)
{
	tu_rmtree(top);
	free(top);
}

static void
expect(const char *path, const char *want_rel)
{
	char out[PATH_MAX], want[PATH_MAX];

	snprintf(want, sizeof(want), "%s%s", top, want_rel);
	ck_assert_int_eq(rwpath_realpath(path, out, sizeof(out)), 0);
	ck_assert_str_eq(out, want);
}

/* Python: realpath("../../x") from TOP/a/b is TOP/x; "../../../.." from
 * there goes above TOP; the same link twice is resolved once. */
START_TEST(test_relative_and_repeated)
{
	char p[PATH_MAX], out[PATH_MAX];

	snprintf(p, sizeof(p), "%s/a/b", top);
	ck_assert_int_eq(chdir(p), 0);
	expect("../../x", "/x");
	expect("../../l/../l/f", "/d/f");
	expect("./../b/../../d", "/d");
	ck_assert_int_eq(rwpath_realpath("../../../../../../../../../../..",
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/");
	snprintf(p, sizeof(p), "%s/l/../l/f", top);
	expect(p, "/d/f");
}
END_TEST

/* More than 256 distinct links: -1 (no match), not a guess. */
START_TEST(test_link_bound)
{
	char p[PATH_MAX], t[64], out[PATH_MAX];

	for (int i = 0; i < 300; i++) {
		snprintf(p, sizeof(p), "%s/c%d", top, i);
		if (i == 299)
			snprintf(t, sizeof(t), "d");
		else
			snprintf(t, sizeof(t), "c%d", i + 1);
		ck_assert_int_eq(symlink(t, p), 0);
	}
	snprintf(p, sizeof(p), "%s/c250", top);
	expect(p, "/d");
	snprintf(p, sizeof(p), "%s/c0", top);
	ck_assert_int_eq(rwpath_realpath(p, out, sizeof(out)), -1);
}
END_TEST

/* A relative path from a removed cwd: "" (oslo.rootwrap's fallback). */
START_TEST(test_cwd_removed)
{
	char p[PATH_MAX], out[PATH_MAX];

	snprintf(p, sizeof(p), "%s/a/b", top);
	ck_assert_int_eq(chdir(p), 0);
	ck_assert_int_eq(rmdir(p), 0);
	strcpy(out, "junk");
	ck_assert_int_eq(rwpath_realpath("x", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(rwpath_realpath("x", out, 0), -1);
	/* an absolute path needs no cwd */
	snprintf(p, sizeof(p), "%s/l/f", top);
	expect(p, "/d/f");
}
END_TEST

START_TEST(test_does_not_fit)
{
	char out[8];

	ck_assert_int_eq(rwpath_realpath("/", out, 1), -1);
	ck_assert_int_eq(rwpath_realpath("/", out, 2), 0);
	ck_assert_str_eq(out, "/");
	ck_assert_int_eq(rwpath_realpath("/usr/share/doc", out, sizeof(out)),
	    -1);
}
END_TEST

/* Each allocation failing in turn: -1, or the very same answer. */
START_TEST(test_oom)
{
	const char *rel[] = { "/l/../l/f", "/a/b/../../l/x/../y", "/d/." };

	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char p[PATH_MAX], ref[PATH_MAX], out[PATH_MAX];
		unsigned long k;

		snprintf(p, sizeof(p), "%s%s", top, rel[i]);
		ck_assert_int_eq(rwpath_realpath(p, ref, sizeof(ref)), 0);
		for (k = 1; k < 1000; k++) {
			bool fired;
			int rc;

			fa_arm(k);
			rc = rwpath_realpath(p, out, sizeof(out));
			fired = fa_disarm();
			if (!fired) {
				ck_assert_int_eq(rc, 0);
				ck_assert_str_eq(out, ref);
				break;
			}
			ck_assert_msg(rc == -1 || strcmp(out, ref) == 0,
			    "%s, allocation %lu: %s", p, k, out);
		}
		ck_assert_uint_gt(k, 1);
		ck_assert_uint_lt(k, 1000);
	}
}
END_TEST

Suite *
suite_rwpath_more(void)
{
	Suite *s = suite_create("rwpath_more");
	TCase *tc = tcase_create("realpath");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_relative_and_repeated);
	tcase_add_test(tc, test_link_bound);
	tcase_add_test(tc, test_cwd_removed);
	tcase_add_test(tc, test_does_not_fit);
	tcase_add_test(tc, test_oom);
	suite_add_tcase(s, tc);
	return s;
}
