/* SPDX-License-Identifier: ISC */
/* test_rx.c - full-match regexes: anchoring, Python syntax, limits, lint. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rx.h"
#include "suites.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define M	RX_MATCH
#define NO	RX_NOMATCH
#define BAD	RX_BADUTF

struct match_case {
	const char *pattern;
	unsigned flags;
	const char *subject;
	enum rx_result want;
};

static const struct match_case match_cases[] = {
	/* Anchoring: every branch, both ends, no trailing newline. */
	{ "a|b",		0,	"a",			M },
	{ "a|b",		0,	"b",			M },
	{ "a|b",		0,	"ab",			NO },
	{ "a|b",		0,	"xb",			NO },
	{ "a|b",		0,	"ax",			NO },
	{ "a|b",		0,	"",			NO },
	{ "abc",		0,	"abc",			M },
	{ "abc",		0,	"abc\n",		NO },
	{ "abc",		0,	"xabc",			NO },
	{ "abc",		0,	"abcd",			NO },
	{ "abc$",		0,	"abc\n",		NO },
	{ "^abc$",		0,	"abc",			M },
	{ "(?m)^abc$",		0,	"abc\nx",		NO },
	{ "(?m)abc$",		0,	"abc\n",		NO },
	{ "abc\\Z",		0,	"abc\n",		NO },
	{ "qcow2|raw",		0,	"raw",			M },
	{ "qcow2|raw",		0,	"qcow2",		M },
	{ "qcow2|raw",		0,	"rawx",			NO },
	{ "qcow2|raw",		0,	"qcow2|raw",		NO },
	{ "qcow2|raw",		0,	"-f raw",		NO },
	{ ".*",			0,	"",			M },
	{ ".*",			0,	"x\n",			NO },
	{ "(?s).*",		0,	"x\n",			M },
	{ "[0-9]+",		0,	"123",			M },
	{ "[0-9]+",		0,	"12a",			NO },
	{ "[0-9]+",		0,	"",			NO },
	{ "[0-9]+",		0,	" 12",			NO },
	/* Python syntax. */
	{ "(?P<n>[a-z]+)-(?P=n)", 0,	"ab-ab",		M },
	{ "(?P<n>[a-z]+)-(?P=n)", 0,	"ab-cd",		NO },
	{ "(?i)qcow2",		0,	"QCOW2",		M },
	{ "(?i)qcow2",		0,	"QCOW2\n",		NO },
	{ "(?x) a b  c # comment", 0,	"abc",			M },
	{ "(?:ab)+",		0,	"ababab",		M },
	{ "a{2,3}",		0,	"aaaa",			NO },
	{ "/var/lib/nova/instances/[^/]+/disk", 0,
	    "/var/lib/nova/instances/0f3e/disk",		M },
	{ "/var/lib/nova/instances/[^/]+/disk", 0,
	    "/var/lib/nova/instances/a/b/disk",			NO },
	{ "/var/lib/nova/instances/[^/]+/disk", 0,
	    "/var/lib/nova/instances/x/disk\n",			NO },
	/* UTF-8: a character is one '.', \d is ASCII unless RX_UCP. */
	{ "a.c",		0,	"a\xc3\xa9" "c",	M },
	{ "caf\xc3\xa9",	0,	"caf\xc3\xa9",		M },
	{ "(?i)caf\xc3\xa9",	0,	"CAF\xc3\x89",		M },
	{ "\\d+",		0,	"\xd9\xa3",		NO },
	{ "\\d+",		RX_UCP,	"\xd9\xa3",		M },
	{ "\\w+",		0,	"\xc3\xa9",		NO },
	{ "\\w+",		RX_UCP,	"\xc3\xa9",		M },
	/* Invalid UTF-8 subjects never match. */
	{ ".*",			0,	"\xff",			BAD },
	{ ".*",			0,	"\xc0\xaf",		BAD },
	{ ".*",			0,	"\xed\xa0\x80",		BAD },
	{ ".*",			0,	"a\xe2\x82",		BAD },
	{ ".*",			0,	"\xf4\x90\x80\x80",	BAD },
	{ "[0-9]+",		0,	"1\x80",		BAD },
	/* RX_NOEND: re.match(p + "$") as oslo.rootwrap reads it. */
	{ "a|b$",		RX_NOEND, "ab",			M },
	{ "a|b$",		RX_NOEND, "axyz",		M },
	{ "a|b$",		RX_NOEND, "xb",			NO },
	{ "abc$",		RX_NOEND, "abc\n",		M },
	{ "abc$",		RX_NOEND, "abc\n\n",		NO },
	{ "abc$",		RX_NOEND, "abcd",		NO },
	{ "\\d+$",		RX_NOEND | RX_UCP, "\xd9\xa3\n", M },
	{ "abc",		RX_NOEND, "abcdef",		M },
	/* A pattern can lower the limits, never raise them. */
	{ "(*LIMIT_MATCH=1000000000)[a-z]+", 0, "abc",		M },
};

START_TEST(test_match)
{
	const struct match_case *c = &match_cases[_i];
	char err[128];
	struct rx *r;
	enum rx_result got;

	r = rx_compile(c->pattern, c->flags, err, sizeof(err));
	ck_assert_msg(r != NULL, "compile \"%s\": %s", c->pattern, err);
	ck_assert_str_eq(rx_pattern(r), c->pattern);
	got = rx_match(r, c->subject, strlen(c->subject));
	ck_assert_msg(got == c->want, "case %d: \"%s\" vs pattern \"%s\": %d, "
	    "want %d", _i, c->subject, c->pattern, got, c->want);
	rx_free(r);
}
END_TEST

START_TEST(test_match_len)
{
	struct rx *r = rx_compile("abc", 0, NULL, 0);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(rx_match(r, "abcdef", 3), RX_MATCH);
	ck_assert_int_eq(rx_match(r, "abcdef", 6), RX_NOMATCH);
	ck_assert_int_eq(rx_match(r, "abc", 2), RX_NOMATCH);
	ck_assert_int_eq(rx_match(r, NULL, 0), RX_NOMATCH);
	ck_assert_int_eq(rx_match(r, NULL, 3), RX_ERROR);
	ck_assert_int_eq(rx_match(NULL, "abc", 3), RX_ERROR);
	rx_free(r);
	rx_free(NULL);
}
END_TEST

/* Catastrophic backtracking fails closed and fast. */
struct bomb_case {
	const char *pattern;
	char fill;
	const char *tail;
	size_t n;
	bool may_match;		/* the pattern accepts the subject */
};

static const struct bomb_case bomb_cases[] = {
	{ "(a+)+$",		'a',	"b",	40,	false },
	{ "(a+)+",		'a',	"!",	64,	false },
	{ "(a|aa)+",		'a',	"b",	64,	false },
	{ "(a|a)+",		'a',	"b",	64,	false },
	{ "(.*a){25}",		'a',	"",	200,	false },
	{ "(\\w+\\s?)+",	'x',	"!",	64,	false },
	{ "(?:a*)*b",		'a',	"",	5000,	false },
	{ "((a*)*)*c",		'a',	"",	1000,	false },
	{ "(a|b)*",		'a',	"",	100000,	true },
};

START_TEST(test_bomb)
{
	const struct bomb_case *c = &bomb_cases[_i];
	struct timespec t0, t1;
	size_t tl = strlen(c->tail);
	char *s = malloc(c->n + tl + 1);
	struct rx *r;
	enum rx_result got;
	double secs;

	ck_assert_ptr_nonnull(s);
	memset(s, c->fill, c->n);
	memcpy(s + c->n, c->tail, tl + 1);
	r = rx_compile(c->pattern, 0, NULL, 0);
	ck_assert_ptr_nonnull(r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	got = rx_match(r, s, c->n + tl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* A deep but honest match may still hit the depth limit. */
	if (c->may_match)
		ck_assert(got == RX_MATCH || got == RX_LIMIT);
	else
		ck_assert_msg(got == RX_LIMIT || got == RX_NOMATCH,
		    "\"%s\": %d", c->pattern, got);
	ck_assert_msg(secs < 2.0, "\"%s\" took %.2fs", c->pattern, secs);
	rx_free(r);
	free(s);
}
END_TEST

/*
 * Exact outcomes either side of our limits (match 100000, depth 2000),
 * for the JIT and, with (*NO_JIT), the interpreter: (a+)+$ on 14 a's
 * needs about 40000 steps and on 18 about 600000, well under PCRE2's own
 * default of 10 million, so RX_LIMIT there proves our limit is applied.
 * (a|b)* stops near 1000 repetitions with either engine.
 */
struct limit_case {
	const char *pattern;
	const char *tail;
	size_t n;
	enum rx_result want;
};

static const struct limit_case limit_cases[] = {
	{ "(a+)+$",			"b",	14,	RX_NOMATCH },
	{ "(a+)+$",			"b",	18,	RX_LIMIT },
	{ "(*NO_JIT)(a+)+$",		"b",	14,	RX_NOMATCH },
	{ "(*NO_JIT)(a+)+$",		"b",	18,	RX_LIMIT },
	{ "(*NO_JIT)(a+)+$",		"b",	40,	RX_LIMIT },
	{ "(*NO_JIT)(a|b)*",		"",	900,	RX_MATCH },
	{ "(*NO_JIT)(a|b)*",		"",	5000,	RX_LIMIT },
	{ "(a|b)*",			"",	900,	RX_MATCH },
	{ "(a|b)*",			"",	5000,	RX_LIMIT },
	{ "(*NO_JIT)[a-z]+",		"",	8000,	RX_MATCH },
	{ "(*NO_JIT)(?:[a-z]+-)*[a-z]+", "",	8000,	RX_MATCH },
};

START_TEST(test_limit)
{
	const struct limit_case *c = &limit_cases[_i];
	char s[8192];
	struct rx *r = rx_compile(c->pattern, 0, NULL, 0);
	enum rx_result got;

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_lt(c->n + strlen(c->tail), sizeof(s));
	memset(s, 'a', c->n);
	strcpy(s + c->n, c->tail);
	got = rx_match(r, s, strlen(s));
	ck_assert_msg(got == c->want, "\"%s\" on %zu a's: %d, want %d",
	    c->pattern, c->n, got, c->want);
	rx_free(r);
}
END_TEST

struct bad_case {
	const char *pattern;
	const char *msg;	/* the whole message, offset included */
};

static const struct bad_case bad_cases[] = {
	{ "(abc",	"missing closing parenthesis at offset 4" },
	{ "a)",		"unmatched closing parenthesis at offset 1" },
	{ "[a-",	"missing terminating ] for character class at "
			"offset 3" },
	{ "*a",		"quantifier does not follow a repeatable item at "
			"offset 0" },
	{ "a{2,1}",	"numbers out of order in {} quantifier at offset 5" },
	{ "(?P<n>a)(?P=m)", "reference to non-existent subpattern at "
			"offset 12" },
	{ "\\C",	"using \\C is disabled by the application at "
			"offset 2" },
	{ "a\xff",	"UTF-8 error: illegal byte (0xfe or 0xff) at "
			"offset 1" },
	{ "\xed\xa0\x80", "UTF-8 error: code points 0xd800-0xdfff are not "
			"defined at offset 0" },
};

START_TEST(test_bad_pattern)
{
	const struct bad_case *c = &bad_cases[_i];
	char err[256];

	memset(err, 'x', sizeof(err));
	ck_assert_ptr_null(rx_compile(c->pattern, 0, err, sizeof(err)));
	ck_assert_str_eq(err, c->msg);
}
END_TEST

START_TEST(test_bad_args)
{
	char err[16];
	struct rx *r;

	memset(err, 'x', sizeof(err));
	ck_assert_ptr_null(rx_compile("(abc", 0, err, sizeof(err)));
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);	/* truncated */
	ck_assert_ptr_null(rx_compile("(abc", 0, NULL, 0));
	ck_assert_ptr_null(rx_compile("(abc", 0, err, 0));
	ck_assert_ptr_null(rx_compile(NULL, 0, err, sizeof(err)));
	ck_assert_ptr_null(rx_compile("a", 0x80, err, sizeof(err)));
	ck_assert_ptr_nonnull(r = rx_compile("a", 0, err, sizeof(err)));
	ck_assert_str_eq(err, "");
	rx_free(r);
	ck_assert_str_eq(rx_pattern(NULL), "");
}
END_TEST

struct broad_case {
	const char *pattern;
	bool want;
};

static const struct broad_case broad_cases[] = {
	{ ".*",					true },
	{ ".+",					true },
	{ "(?s).*",				true },
	{ "(.*)",				true },
	{ ".*|x",				true },
	{ "[^/]*",				true },
	{ "[^/]+",				true },
	{ "\\S+",				true },
	{ "[^;]*",				true },
	{ "[\\w./-]+",				true },
	{ "[\\w./=-]+",				true },
	{ "(a+)+$|.*",				true },
	{ "[0-9]+",				false },
	{ "qcow2|raw",				false },
	{ "/var/lib/nova/instances/[^/]+/disk",	false },
	{ "[a-z]+",				false },
	{ "[a-z0-9-]+",				false },
	{ "[\\w.-]+",				false },
	{ "-.*",				false },
	{ "/.*",				false },
	{ "",					false },
	{ "(a+)+$",				false },
	/* Four or more probes, but never an option, or never a path. */
	{ "[^-].*",				false },
	{ "[^/.]*",				false },
	/* The threshold: four probes, one option and one path among them. */
	{ "-rf|/etc/shadow|a b|;id",		true },
	{ "-rf|/etc/shadow|;id",		false },
	{ "-rf|\\.\\.",				false },
};

START_TEST(test_overbroad)
{
	const struct broad_case *c = &broad_cases[_i];
	char err[128];
	struct rx *r = rx_compile(c->pattern, 0, err, sizeof(err));

	ck_assert_msg(r != NULL, "compile \"%s\": %s", c->pattern, err);
	ck_assert_msg(rx_is_overbroad(r) == c->want, "overbroad(\"%s\") != %d",
	    c->pattern, c->want);
	rx_free(r);
	ck_assert(!rx_is_overbroad(NULL));
}
END_TEST

/* rx_match shares one compiled pattern across threads. */
#define NTHREADS	4
#define NROUNDS		2000

static void *
match_worker(void *arg)
{
	const struct rx *r = arg;
	char s[32];
	long bad = 0;

	for (int i = 0; i < NROUNDS; i++) {
		int n = snprintf(s, sizeof(s), "/x/%d/disk", i);

		if (rx_match(r, s, (size_t)n) != RX_MATCH)
			bad++;
		if (rx_match(r, s, (size_t)n - 1) != RX_NOMATCH)
			bad++;
	}
	return (void *)bad;
}

START_TEST(test_threads)
{
	pthread_t t[NTHREADS];
	struct rx *r = rx_compile("/x/[0-9]+/disk", 0, NULL, 0);

	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, match_worker, r),
		    0);
	for (int i = 0; i < NTHREADS; i++) {
		void *bad;

		ck_assert_int_eq(pthread_join(t[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
	rx_free(r);
}
END_TEST

Suite *
suite_rx(void)
{
	Suite *s = suite_create("rx");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_match, 0, NELEM(match_cases));
	tcase_add_test(tc, test_match_len);
	tcase_add_loop_test(tc, test_bomb, 0, NELEM(bomb_cases));
	tcase_add_loop_test(tc, test_limit, 0, NELEM(limit_cases));
	tcase_add_loop_test(tc, test_bad_pattern, 0, NELEM(bad_cases));
	tcase_add_test(tc, test_bad_args);
	tcase_add_loop_test(tc, test_overbroad, 0, NELEM(broad_cases));
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}
