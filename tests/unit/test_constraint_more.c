/* SPDX-License-Identifier: ISC */
/*
 * test_constraint_more.c - constraint.c directly: the refusals of
 * constraint_parse, constraint_describe for every kind (what `rootgate
 * explain` and `list` print), path checks whose directory is gone or
 * whose argument is not what the rule wants, and the helpers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "diag.h"
#include "policy.h"
#include "rootwrap.h"
#include "suites.h"
#include "testutil.h"

struct bad_case {
	const char *spec;
	const char *err;
};

static const struct bad_case bad_cases[] = {
	{ "", "empty constraint" },
	{ "   ", "empty constraint" },
	{ "path /var/x file dir", "path cannot be both file and dir" },
	{ "path /var/x sideways", "unknown path option 'sideways' (new, file, "
	  "dir, prefix-ok)" },
	{ "size", "size needs MIN..MAX" },
	{ "size 1K", "size needs MIN..MAX" },
	{ "size ..1K", "size needs MIN..MAX" },
	{ "size 1K..", "size needs MIN..MAX" },
	{ "size 1..2 colour=red", "unknown size option 'colour=red' (unit=, "
	  "suffixes=)" },
	{ "size 1..2 suffixes=XY", "bad suffixes 'XY' (letters of KMGTPE or "
	  "b, either case)" },
};

START_TEST(test_parse_refusals)
{
	const struct bad_case *c = &bad_cases[_i];
	struct constraint ck;
	char err[256] = "";

	memset(&ck, 0, sizeof(ck));
	ck_assert_int_eq(constraint_parse(&ck, c->spec, 0, err, sizeof(err)),
	    -1);
	ck_assert_msg(strcmp(err, c->err) == 0, "'%s': '%s'", c->spec, err);
	constraint_clear(&ck);
}
END_TEST

struct desc_case {
	const char *spec;
	const char *want;
};

static const struct desc_case desc_cases[] = {
	{ "path /var/lib/x new file prefix-ok", "path beneath /var/lib/x, may "
	  "be new, a file, or the directory itself" },
	{ "path /var/lib/x dir", "path beneath /var/lib/x, a directory" },
	{ "size 1K..2G", "size 1K..2G bytes (suffixes KMGT)" },
	{ "size 1..8 unit=1M suffixes=", "size 1..8 bytes (suffixes none, "
	  "bare number in units)" },
	{ "any", "ANY argument" },
	{ "int 1..9", "int 1..9" },
	{ "set a b", "set a b" },
	{ "regex [a-z]+", "regex [a-z]+" },
};

START_TEST(test_describe)
{
	const struct desc_case *c = &desc_cases[_i];
	struct constraint ck;
	char err[256] = "", buf[256];

	memset(&ck, 0, sizeof(ck));
	ck_assert_msg(constraint_parse(&ck, c->spec, 0, err, sizeof(err)) == 0,
	    "'%s': %s", c->spec, err);
	constraint_describe(&ck, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
	/* only a rootwrap PathFilter's argument is rewritten */
	ck_assert_int_eq(constraint_canon(&ck, "/x", buf, sizeof(buf)), -1);
	constraint_clear(&ck);
}
END_TEST

/* rootwrap's own kinds, from its filters */
START_TEST(test_describe_rootwrap)
{
	struct rw_opts o = { "/usr/bin:/bin", true };
	const char *c = "[DEFAULT]\nfilters_path=/nonexistent\n"
	    "exec_dirs=/usr/bin,/bin\n";
	const char *f = "[Filters]\n"
	    "p: PathFilter, chown, root, nova, /var/lib/nova\n"
	    "k: KillFilter, root, /usr/bin/sleep, -9\n"
	    "k2: KillFilter, root, sleep, -9\n"
	    "ch: ChainingRegExpFilter, nice, root, nice, -n, -?\\d+\n";
	const char *want[] = {
	    "path (realpath, from the cwd) at or beneath /var/lib/nova",
	    "pid of a process running /usr/bin/sleep",
	    "pid of a process running sleep from a directory of PATH",
	    "a command another rule allows, as the same user",
	};
	bool seen[4] = { false, false, false, false };
	struct rg_errlist errs = { 0 };
	struct rw_conf conf;
	struct policy *p;
	struct rg_err e;
	char buf[256], why[256];

	ck_assert_int_eq(rootwrap_parse_conf(c, strlen(c), "r.conf", &o,
	    &conf, &e), RW_OK);
	ck_assert_ptr_nonnull(p = policy_new());
	ck_assert_int_eq(rootwrap_parse_filters(p, f, strlen(f), "t.filters",
	    &conf, &o, &errs), 0);
	for (size_t i = 0; i < p->nrules; i++)
		for (size_t j = 0; j < p->rules[i].ncks; j++) {
			const struct constraint *ck = &p->rules[i].cks[j];

			constraint_describe(ck, buf, sizeof(buf));
			for (size_t k = 0; k < 4; k++)
				if (strcmp(buf, want[k]) == 0)
					seen[k] = true;
			if (ck->kind == CK_CHAIN) {
				ck_assert_int_eq(constraint_eval(ck, "x", why,
				    sizeof(why)), CKV_FAIL);
				ck_assert_str_eq(why, "internal: a chained "
				    "command is not one argument");
			}
			if (ck->kind == CK_REALPATH) {
				ck_assert_int_eq(constraint_canon(ck,
				    "/var/lib/nova/./a/../b", buf, sizeof(buf)),
				    0);
				ck_assert_str_eq(buf, "/var/lib/nova/b");
			}
		}
	for (size_t k = 0; k < 4; k++)
		ck_assert_msg(seen[k], "not described: %s", want[k]);
	policy_free(p);
	rootwrap_conf_free(&conf);
	rg_errlist_free(&errs);
}
END_TEST

/* A path constraint whose directory does not exist refuses everything,
 * saying so; a file where a directory is wanted, and the reverse. */
START_TEST(test_path_checks)
{
	struct constraint ck;
	char err[256] = "", why[256];

	memset(&ck, 0, sizeof(ck));
	ck_assert_int_eq(constraint_parse(&ck, "path /nonexistent-rg/x", 0,
	    err, sizeof(err)), 0);
	ck_assert(!constraint_check(&ck, "/nonexistent-rg/x/y", why,
	    sizeof(why)));
	ck_assert_str_eq(why, "'/nonexistent-rg/x/y': the directory "
	    "/nonexistent-rg/x does not exist");
	constraint_clear(&ck);
	memset(&ck, 0, sizeof(ck));
	ck_assert_int_eq(constraint_parse(&ck, "path /etc dir", 0, err,
	    sizeof(err)), 0);
	ck_assert(!constraint_check(&ck, "/etc/hostname", why, sizeof(why)));
	ck_assert_str_eq(why, "'/etc/hostname' is not a directory");
	ck_assert(constraint_check(&ck, "/etc/default", why, sizeof(why)));
	ck_assert(!constraint_check(&ck, "/usr", why, sizeof(why)));
	ck_assert_str_eq(why, "'/usr' is not beneath /etc");
	constraint_clear(&ck);
	memset(&ck, 0, sizeof(ck));
	ck_assert_int_eq(constraint_parse(&ck, "path /etc file", 0, err,
	    sizeof(err)), 0);
	ck_assert(!constraint_check(&ck, "/etc/default", why, sizeof(why)));
	ck_assert(constraint_check(&ck, "/etc/hostname", why, sizeof(why)));
	constraint_clear(&ck);
}
END_TEST

START_TEST(test_escape_edges)
{
	char buf[8] = "keep";

	constraint_escape("abc", 64, buf, 0);
	ck_assert_str_eq(buf, "keep");
	constraint_escape("abcdefghij", 64, buf, sizeof(buf));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

Suite *
suite_constraint_more(void)
{
	Suite *s = suite_create("constraint_more");
	TCase *tc = tcase_create("constraint");

	tcase_add_loop_test(tc, test_parse_refusals, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_loop_test(tc, test_describe, 0,
	    (int)(sizeof(desc_cases) / sizeof(desc_cases[0])));
	tcase_add_test(tc, test_describe_rootwrap);
	tcase_add_test(tc, test_path_checks);
	tcase_add_test(tc, test_escape_edges);
	suite_add_tcase(s, tc);
	return s;
}
