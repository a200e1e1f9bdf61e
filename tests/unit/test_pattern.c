/* SPDX-License-Identifier: ISC */
/*
 * test_pattern.c - the args synopsis parser: what parses, how it reads
 * back (pattern_format is what `list` shows auditors), what is refused.
 */
#include <check.h>
#include <string.h>

#include "constraint.h"
#include "pattern.h"
#include "policy.h"
#include "suites.h"

struct pcase {
	const char *src;
	const char *canon;	/* NULL: must fail */
	const char *err;	/* expected error substring when failing */
};

static const struct pcase pcases[] = {
	{ "", "", NULL },
	{ "info", "info", NULL },
	{ "info -f qcow2", "info -f qcow2", NULL },
	{ "  a\tb\n c ", "a b c", NULL },
	{ "<x>", "<x>", NULL },
	{ "--output=<x>", "--output=<x>", NULL },
	{ "backing_file=<x>,backing_fmt=raw", "backing_file=<x>,backing_fmt=raw",
	  NULL },
	{ "[ -v ]", "[ -v ]", NULL },
	{ "[-v]", "[ -v ]", NULL },
	{ "<x>...", "<x>...", NULL },
	{ "<x> ...", "<x>...", NULL },
	{ "[ <x> ]...", "[ <x> ]...", NULL },
	{ "[<x>]...", "[ <x> ]...", NULL },
	{ "{ -a, -b }", "{ -a, -b }", NULL },
	{ "{-a,-b}", "{ -a,-b }", NULL },
	{ "{ -t <x>, [ -c ], -O raw }", "{ -t <x>, [ -c ], -O raw }", NULL },
	{ "{ -a , -b }", "{ -a, -b }", NULL },
	{ "'a b'", "\"a b\"", NULL },
	{ "''", "\"\"", NULL },
	{ "\"<x>\"", "\"<x>\"", NULL },
	{ "'['", "\"[\"", NULL },
	{ "'a,' b", "\"a,\" b", NULL },
	{ "\"q\\\"q\"", "\"q\\\"q\"", NULL },
	{ "'...'", "\"...\"", NULL },
	{ "'a...'...", "\"a...\"...", NULL },
	{ "a [ b [ c ] ]", "a [ b [ c ] ]", NULL },
	{ "[", NULL, "missing ']'" },
	{ "]", NULL, "unexpected ']'" },
	{ "}", NULL, "unexpected '}'" },
	{ "{ a", NULL, "missing '}'" },
	{ "{ }", NULL, "at least one argument" },
	{ "{ a, }", NULL, "at least one argument" },
	{ "{ [ a ], [ b ] }", "{ [ a ], [ b ] }", NULL },
	{ "{ [ a ]... }", NULL, "at least one argument" },
	{ "a, b", NULL, "outside { }" },
	{ "...", NULL, "must follow" },
	{ "a... ...", NULL, "twice" },
	{ "[ [ a ] ]...", NULL, "at least one argument" },
	{ "[ ]", NULL, "empty [ ]" },
	{ "<nope>", NULL, "not defined" },
	{ "<x><x>", NULL, "two placeholders" },
	{ "a<", NULL, "stray" },
	{ "a>b", NULL, "stray" },
	{ "<1bad name>", NULL, "stray" },
	{ "'open", NULL, "unterminated" },
	{ "[ [ [ [ [ [ [ [ [ [ [ [ [ [ a ] ] ] ] ] ] ] ] ] ] ] ] ] ]", NULL,
	  "nested too deeply" },
};

START_TEST(test_parse)
{
	const struct pcase *c = &pcases[_i];
	struct constraint ck[1];
	struct pel p;
	char err[256] = "", out[512];
	int rc;

	memset(ck, 0, sizeof(ck));
	ck[0].name = (char *)(uintptr_t)"x";
	ck[0].kind = CK_ANY;
	rc = pattern_parse(c->src, ck, 1, &p, err, sizeof(err));
	if (c->canon == NULL) {
		ck_assert_msg(rc < 0, "'%s' parsed", c->src);
		ck_assert_msg(strstr(err, c->err) != NULL, "'%s': error '%s' "
		    "lacks '%s'", c->src, err, c->err);
		return;
	}
	ck_assert_msg(rc == 0, "'%s': %s", c->src, err);
	pattern_format(&p, out, sizeof(out));
	ck_assert_str_eq(out, c->canon);
	pattern_clear(&p);
}
END_TEST

/* What the canonical form says parses back to the same form. */
START_TEST(test_roundtrip)
{
	const struct pcase *c = &pcases[_i];
	struct constraint ck[1];
	struct pel p, q;
	char err[256], a[512], b[512];

	if (c->canon == NULL)
		return;
	memset(ck, 0, sizeof(ck));
	ck[0].name = (char *)(uintptr_t)"x";
	ck[0].kind = CK_ANY;
	ck_assert_int_eq(pattern_parse(c->src, ck, 1, &p, err, sizeof(err)),
	    0);
	pattern_format(&p, a, sizeof(a));
	ck_assert_int_eq(pattern_parse(a, ck, 1, &q, err, sizeof(err)), 0);
	pattern_format(&q, b, sizeof(b));
	ck_assert_str_eq(a, b);
	pattern_clear(&p);
	pattern_clear(&q);
}
END_TEST

START_TEST(test_too_many_elements)
{
	char src[4096] = "";
	struct pel p;
	char err[256];

	for (int i = 0; i < 300; i++)
		strcat(src, "a ");
	ck_assert_int_lt(pattern_parse(src, NULL, 0, &p, err, sizeof(err)),
	    0);
	ck_assert_ptr_nonnull(strstr(err, "too large"));
}
END_TEST

Suite *
suite_pattern(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc = tcase_create("parse");
	int n = (int)(sizeof(pcases) / sizeof(pcases[0]));

	tcase_add_loop_test(tc, test_parse, 0, n);
	tcase_add_loop_test(tc, test_roundtrip, 0, n);
	tcase_add_test(tc, test_too_many_elements);
	suite_add_tcase(s, tc);
	return s;
}
