/* SPDX-License-Identifier: ISC */
/* test_diag.c - error records, error lists, string vectors. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "diag.h"
#include "failalloc.h"
#include "strv.h"
#include "suites.h"

START_TEST(test_format)
{
	struct rg_err e;
	char buf[256];

	ck_assert_int_eq(rg_err_set(&e, "a.conf", 3, 0, "bad %s", "key"), -1);
	rg_err_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.conf:3: bad key");
	rg_err_set(&e, "a.conf", 0, ENOENT, "unable to open");
	rg_err_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a.conf: unable to open: No such file or "
	    "directory");
	rg_err_set(&e, NULL, 0, 0, "plain");
	rg_err_format(&e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "plain");
	ck_assert_int_eq(rg_err_set(NULL, "x", 1, 0, "ignored"), -1);
}
END_TEST

START_TEST(test_list_counts)
{
	struct rg_errlist l = { 0 };

	for (int i = 0; i < 100; i++)
		rg_errlist_add(&l, i % 3, "f", (unsigned)i, "m%d", i);
	ck_assert_uint_eq(l.n, 100);
	ck_assert_uint_eq(l.nwarn, 33);
	ck_assert_uint_eq(l.nnote, 33);
	ck_assert_uint_eq(rg_errlist_nerrors(&l), 34);
	ck_assert_str_eq(l.v[99].msg, "m99");
	rg_errlist_free(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(test_strv)
{
	char **v = NULL;
	size_t n = 0;

	ck_assert_int_eq(strv_split_words(&v, &n, "  a\tbb \n ccc "), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[2], "ccc");
	ck_assert_ptr_null(v[3]);
	ck_assert_int_eq(strv_find(v, n, "bb"), 1);
	ck_assert_int_eq(strv_find(v, n, "b"), -1);
	ck_assert_int_eq(strv_push(&v, &n, ""), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(strv_push_owned(&v, &n, NULL), -1);
	ck_assert_uint_eq(n, 4);
	strv_free(v, n);
}
END_TEST

/* vec_room: every entry survives each growth, also after a shrink, and
 * a failed growth leaves the array as it was. */
START_TEST(test_vec_room)
{
	unsigned *v = NULL, *nv;
	size_t n = 0;

	for (unsigned i = 0; i < 1000; i++) {
		ck_assert_ptr_nonnull(nv = vec_room(v, n, sizeof(*v)));
		v = nv;
		v[n++] = i * 7;
	}
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(v[i], i * 7);
	n = 3;			/* shrink, then grow again */
	for (unsigned i = 3; i < 100; i++) {
		ck_assert_ptr_nonnull(nv = vec_room(v, n, sizeof(*v)));
		v = nv;
		v[n++] = i;
	}
	for (size_t i = 3; i < n; i++)
		ck_assert_uint_eq(v[i], i);
	ck_assert_uint_eq(v[2], 14);
	n = 128;		/* 100 set, room for 128: the 129th needs more */
	fa_arm(1);
	ck_assert_ptr_null(vec_room(v, n, sizeof(*v)));
	ck_assert(fa_disarm());
	ck_assert_uint_eq(v[99], 99);
	free(v);
}
END_TEST

struct esc { const char *in; size_t max; const char *out; };
static const struct esc escs[] = {
	{ "plain", 64, "plain" },
	{ "a\nb\tc", 64, "a\\nb\\tc" },
	{ "\x1b[31m", 64, "\\x1b[31m" },
	{ "caf\xc3\xa9", 64, "caf\\xc3\\xa9" },
	{ "it's", 64, "it\\'s" },
	{ "back\\slash", 64, "back\\\\slash" },
	{ "abcdefgh", 4, "abcd..." },
	{ "", 64, "" },
};

START_TEST(test_escape)
{
	char buf[256];

	constraint_escape(escs[_i].in, escs[_i].max, buf, sizeof(buf));
	ck_assert_str_eq(buf, escs[_i].out);
}
END_TEST

START_TEST(test_escape_small_buffer)
{
	char buf[8];

	constraint_escape("\x01\x02\x03\x04\x05", 64, buf, sizeof(buf));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

Suite *
suite_diag(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_list_counts);
	tcase_add_test(tc, test_strv);
	tcase_add_test(tc, test_vec_room);
	tcase_add_loop_test(tc, test_escape, 0, sizeof(escs) / sizeof(escs[0]));
	tcase_add_test(tc, test_escape_small_buffer);
	suite_add_tcase(s, tc);
	return s;
}
