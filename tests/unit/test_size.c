/* SPDX-License-Identifier: ISC */
/* test_size.c - canonical integers and sizes, hostile spellings. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "size.h"
#include "suites.h"

#define KI	((uint64_t)1 << 10)
#define MI	((uint64_t)1 << 20)
#define GI	((uint64_t)1 << 30)
#define TI	((uint64_t)1 << 40)
#define PI	((uint64_t)1 << 50)
#define EI	((uint64_t)1 << 60)

struct int_case {
	const char *s;
	enum sz_result r;
	long long v;
};

static const struct int_case int_cases[] = {
	{ "0",				SZ_OK,		0 },
	{ "7",				SZ_OK,		7 },
	{ "4096",			SZ_OK,		4096 },
	{ "-1",				SZ_OK,		-1 },
	{ "-4096",			SZ_OK,		-4096 },
	{ "9223372036854775807",	SZ_OK,		INT64_MAX },
	{ "-9223372036854775808",	SZ_OK,		INT64_MIN },
	{ "9223372036854775808",	SZ_RANGE,	0 },
	{ "-9223372036854775809",	SZ_RANGE,	0 },
	{ "18446744073709551616",	SZ_RANGE,	0 },
	{ "99999999999999999999999",	SZ_RANGE,	0 },
	{ "",				SZ_EMPTY,	0 },
	{ "-",				SZ_SYNTAX,	0 },
	{ "-0",				SZ_SYNTAX,	0 },
	{ "--1",			SZ_SYNTAX,	0 },
	{ "+5",				SZ_SYNTAX,	0 },
	{ " 5",				SZ_SYNTAX,	0 },
	{ "5 ",				SZ_SYNTAX,	0 },
	{ "5\n",			SZ_SYNTAX,	0 },
	{ "- 5",			SZ_SYNTAX,	0 },
	{ "007",			SZ_LEADZERO,	0 },
	{ "00",				SZ_LEADZERO,	0 },
	{ "-01",			SZ_LEADZERO,	0 },
	{ "0x10",			SZ_SYNTAX,	0 },
	{ "1e3",			SZ_SYNTAX,	0 },
	{ "1.0",			SZ_SYNTAX,	0 },
	{ "1K",				SZ_SYNTAX,	0 },
	{ "\xd9\xa1",			SZ_SYNTAX,	0 },	/* Arabic 1 */
	{ "1\xef\xbc\x90",		SZ_SYNTAX,	0 },	/* U+FF10 */
};

struct arg_case {
	const char *s;
	const char *suffixes;
	uint64_t unit;
	enum sz_result r;
	uint64_t v;
};

static const struct arg_case arg_cases[] = {
	{ "0",		"",		1,	SZ_OK,		0 },
	{ "4096",	"",		1,	SZ_OK,		4096 },
	{ "1K",		"KMGT",		1,	SZ_OK,		KI },
	{ "1536K",	"KMGT",		1,	SZ_OK,		1536 * KI },
	{ "10M",	"KMGT",		1,	SZ_OK,		10 * MI },
	{ "3G",		"KMGT",		1,	SZ_OK,		3 * GI },
	{ "2T",		"KMGT",		1,	SZ_OK,		2 * TI },
	{ "1P",		"KMGTPE",	1,	SZ_OK,		PI },
	{ "15E",	"KMGTPE",	1,	SZ_OK,		15 * EI },
	{ "16E",	"KMGTPE",	1,	SZ_RANGE,	0 },
	{ "0E",		"E",		1,	SZ_OK,		0 },
	{ "1k",		"KMGT",		1,	SZ_SUFFIX,	0 },
	{ "1073741824b", "bKMGT",	1048576, SZ_OK,	GI },
	{ "512B",	"B",		1,	SZ_OK,		512 },
	{ "512b",	"KMGT",		1,	SZ_SUFFIX,	0 },
	{ "512b",	"B",		1,	SZ_SUFFIX,	0 },
	{ "1bK",	"bK",		1,	SZ_SUFFIX,	0 },
	{ "1k",		"kmgt",		1,	SZ_OK,		KI },
	{ "1g",		"KMGTkmgt",	1,	SZ_OK,		GI },
	{ "1P",		"KMGT",		1,	SZ_SUFFIX,	0 },
	{ "1K",		"",		1,	SZ_SUFFIX,	0 },
	{ "1K",		NULL,		1,	SZ_SUFFIX,	0 },
	{ "1KB",	"KMGT",		1,	SZ_SUFFIX,	0 },
	{ "1KiB",	"KMGT",		1,	SZ_SUFFIX,	0 },
	{ "1B",		"KMGTB",	1,	SZ_OK,		1 },
	{ "1s",		"s",		1,	SZ_SUFFIX,	0 },
	{ "1Z",		"KMGTPEZ",	1,	SZ_SUFFIX,	0 },
	{ "K",		"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "",		"KMGT",		1,	SZ_EMPTY,	0 },
	{ "-5",		"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "-0",		"",		1,	SZ_SYNTAX,	0 },
	{ "+5",		"KMGT",		1,	SZ_SYNTAX,	0 },
	{ " 4096",	"",		1,	SZ_SYNTAX,	0 },
	{ "4096 ",	"",		1,	SZ_SYNTAX,	0 },
	{ "1 K",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "1K ",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "0x10",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "0X10",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "010",	"",		1,	SZ_LEADZERO,	0 },
	{ "00",		"",		1,	SZ_LEADZERO,	0 },
	{ "01K",	"KMGT",		1,	SZ_LEADZERO,	0 },
	{ "1.5K",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "1,5K",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "1_000",	"",		1,	SZ_SYNTAX,	0 },
	{ "1K1",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "1K\n",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "1\xc3\xa9",	"KMGT",		1,	SZ_SYNTAX,	0 },
	{ "18446744073709551615", "",	1,	SZ_OK,		UINT64_MAX },
	{ "18446744073709551616", "",	1,	SZ_RANGE,	0 },
	{ "99999999999999999999999", "", 1,	SZ_RANGE,	0 },
	{ "16777216T",	"KMGT",		1,	SZ_RANGE,	0 },
	{ "16777215T",	"KMGT",		1,	SZ_OK,		16777215 * TI },
	/* A bare number takes the tool's default unit (lvcreate: MiB). */
	{ "10",		"KMGT",		MI,	SZ_OK,		10 * MI },
	{ "10G",	"KMGT",		MI,	SZ_OK,		10 * GI },
	{ "17592186044416", "",		MI,	SZ_RANGE,	0 },
	{ "17592186044415", "",		MI,	SZ_OK,
	    17592186044415 * MI },
	{ "5",		"",		0,	SZ_RANGE,	0 },
};

struct bound_case {
	const char *s;
	enum sz_result r;
	uint64_t v;
};

static const struct bound_case bound_cases[] = {
	{ "0",		SZ_OK,		0 },
	{ "512",	SZ_OK,		512 },
	{ "10G",	SZ_OK,		10 * GI },
	{ "10g",	SZ_OK,		10 * GI },
	{ "1E",		SZ_OK,		EI },
	{ "16E",	SZ_RANGE,	0 },
	{ "1X",		SZ_SUFFIX,	0 },
	{ "1GB",	SZ_SUFFIX,	0 },
	{ "-1",		SZ_SYNTAX,	0 },
	{ "01",		SZ_LEADZERO,	0 },
	{ "",		SZ_EMPTY,	0 },
};

struct fmt_case {
	uint64_t v;
	const char *s;
};

static const struct fmt_case fmt_cases[] = {
	{ 0,			"0" },
	{ 7,			"7" },
	{ 1023,			"1023" },
	{ KI,			"1K" },
	{ 1536 * KI,		"1536K" },
	{ 1025,			"1025" },
	{ 10 * GI,		"10G" },
	{ 1024 * GI,		"1T" },
	{ 3 * PI,		"3P" },
	{ 15 * EI,		"15E" },
	{ UINT64_MAX,		"18446744073709551615" },
	{ UINT64_MAX - 1023,	"18014398509481983K" },
};

START_TEST(test_int)
{
	const struct int_case *c = &int_cases[_i];
	long long v = 42;
	enum sz_result r = size_parse_int(c->s, &v);

	ck_assert_msg(r == c->r, "size_parse_int(\"%s\") = %d (%s), want %d",
	    c->s, r, size_strerror(r), c->r);
	if (c->r == SZ_OK)
		ck_assert_int_eq(v, c->v);
	else
		ck_assert_int_eq(v, 42);
}
END_TEST

START_TEST(test_arg)
{
	const struct arg_case *c = &arg_cases[_i];
	uint64_t v = 42;
	enum sz_result r = size_parse_arg(c->s, c->suffixes, c->unit, &v);

	ck_assert_msg(r == c->r,
	    "size_parse_arg(\"%s\", \"%s\", %llu) = %d (%s), want %d",
	    c->s, c->suffixes ? c->suffixes : "(null)",
	    (unsigned long long)c->unit, r, size_strerror(r), c->r);
	if (c->r == SZ_OK)
		ck_assert_uint_eq(v, c->v);
	else
		ck_assert_uint_eq(v, 42);
}
END_TEST

START_TEST(test_bound)
{
	const struct bound_case *c = &bound_cases[_i];
	uint64_t v = 42;
	enum sz_result r = size_parse_bound(c->s, &v);

	ck_assert_msg(r == c->r, "size_parse_bound(\"%s\") = %d, want %d",
	    c->s, r, c->r);
	if (c->r == SZ_OK)
		ck_assert_uint_eq(v, c->v);
}
END_TEST

START_TEST(test_format)
{
	const struct fmt_case *c = &fmt_cases[_i];
	char buf[32];
	uint64_t back;

	size_format(c->v, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->s);
	/* What we print, we read back to the same value. */
	ck_assert_int_eq(size_parse_bound(buf, &back), SZ_OK);
	ck_assert_uint_eq(back, c->v);
}
END_TEST

START_TEST(test_format_short)
{
	char buf[4];

	memset(buf, 'x', sizeof(buf));
	size_format(10 * GI, buf, 2);
	ck_assert_str_eq(buf, "1");
	ck_assert_int_eq(buf[2], 'x');
	size_format(10 * GI, buf, 0);
	ck_assert_str_eq(buf, "1");
	size_format(10 * GI, NULL, 8);
}
END_TEST

START_TEST(test_strerror)
{
	static const enum sz_result all[] = {
		SZ_OK, SZ_EMPTY, SZ_SYNTAX, SZ_LEADZERO, SZ_SUFFIX, SZ_RANGE,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *m = size_strerror(all[i]);

		ck_assert_ptr_nonnull(m);
		ck_assert_int_gt(strlen(m), 0);
	}
	ck_assert_ptr_nonnull(size_strerror((enum sz_result)99));
}
END_TEST

START_TEST(test_null)
{
	long long i;
	uint64_t u;

	ck_assert_int_eq(size_parse_int(NULL, &i), SZ_EMPTY);
	ck_assert_int_eq(size_parse_arg(NULL, "K", 1, &u), SZ_EMPTY);
	ck_assert_int_eq(size_parse_bound(NULL, &u), SZ_EMPTY);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_size(void)
{
	Suite *s = suite_create("size");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_int, 0, NELEM(int_cases));
	tcase_add_loop_test(tc, test_arg, 0, NELEM(arg_cases));
	tcase_add_loop_test(tc, test_bound, 0, NELEM(bound_cases));
	tcase_add_loop_test(tc, test_format, 0, NELEM(fmt_cases));
	tcase_add_test(tc, test_format_short);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);
	return s;
}
