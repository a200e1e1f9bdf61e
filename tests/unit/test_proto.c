/* SPDX-License-Identifier: ISC */
/* test_proto.c - broker frames: round trips and hostile byte buffers. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "suites.h"

static char *const argv3[] = { "qemu-img", "info", "/x" };
static char *const env2[] = { "LANG=C", "MYVAR=a=b" };

static unsigned char *
frame(size_t *len)
{
	unsigned char *b = malloc(PROTO_MAX_FRAME);

	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(proto_encode_request("/tmp", argv3, 3, env2, 2, b,
	    PROTO_MAX_FRAME, len), PROTO_OK);
	return b;
}

/* Decode a whole frame: header, then payload. */
static enum proto_result
decode(const unsigned char *b, size_t len, struct proto_request *r)
{
	struct proto_hdr h;
	enum proto_result res;

	memset(r, 0, sizeof(*r));
	if ((res = proto_decode_hdr(b, len, &h)) != PROTO_OK)
		return res;
	if (len - PROTO_HDR_LEN < h.len)
		return PROTO_SHORT;
	if (len - PROTO_HDR_LEN > h.len)
		return PROTO_ECOUNT;
	return proto_decode_request(&h, (const char *)b + PROTO_HDR_LEN, r);
}

START_TEST(test_roundtrip)
{
	struct proto_request r;
	size_t len;
	unsigned char *b = frame(&len);

	ck_assert_int_eq(decode(b, len, &r), PROTO_OK);
	ck_assert_str_eq(r.cwd, "/tmp");
	ck_assert_uint_eq(r.argc, 3);
	ck_assert_str_eq(r.argv[0], "qemu-img");
	ck_assert_str_eq(r.argv[2], "/x");
	ck_assert_ptr_null(r.argv[3]);
	ck_assert_uint_eq(r.envc, 2);
	ck_assert_str_eq(r.envp[1], "MYVAR=a=b");
	ck_assert_ptr_null(r.envp[2]);
	proto_request_free(&r);
	free(b);
}
END_TEST

START_TEST(test_truncated)
{
	struct proto_request r;
	size_t len;
	unsigned char *b = frame(&len);

	/* every prefix of a good frame is short, never accepted */
	for (size_t n = 0; n < len; n++)
		ck_assert_int_eq(decode(b, n, &r), PROTO_SHORT);
	free(b);
}
END_TEST

START_TEST(test_header_errors)
{
	struct proto_request r;
	struct proto_hdr h;
	size_t len;
	unsigned char *b = frame(&len);

	b[0] ^= 0xff;
	ck_assert_int_eq(decode(b, len, &r), PROTO_EMAGIC);
	b[0] ^= 0xff;
	b[4] = 2;
	ck_assert_int_eq(decode(b, len, &r), PROTO_EVERSION);
	b[4] = 1;
	b[6] = 0;
	ck_assert_int_eq(decode(b, len, &r), PROTO_ETYPE);
	b[6] = 99;
	ck_assert_int_eq(decode(b, len, &r), PROTO_ETYPE);
	/* oversized: refused from the header, before the payload */
	proto_encode_hdr(b, PT_REQUEST, 1, 0, PROTO_MAX_FRAME);
	ck_assert_int_eq(proto_decode_hdr(b, PROTO_HDR_LEN, &h),
	    PROTO_ETOOBIG);
	proto_encode_hdr(b, PT_REQUEST, 1, 0, UINT32_MAX);
	ck_assert_int_eq(proto_decode_hdr(b, PROTO_HDR_LEN, &h),
	    PROTO_ETOOBIG);
	proto_encode_hdr(b, PT_REQUEST, 1, 0, PROTO_MAX_FRAME -
	    PROTO_HDR_LEN);
	ck_assert_int_eq(proto_decode_hdr(b, PROTO_HDR_LEN, &h), PROTO_OK);
	/* a reply type is not a request */
	proto_encode_hdr(b, PT_EXIT, 3, 2, (uint32_t)(len - PROTO_HDR_LEN));
	ck_assert_int_eq(decode(b, len, &r), PROTO_ETYPE);
	free(b);
}
END_TEST

struct count_case {
	uint32_t argc, envc;
	enum proto_result r;
};

static const struct count_case count_cases[] = {
	{ 3, 2, PROTO_OK },
	{ 2, 2, PROTO_ESTRING },	/* "/x" taken as an env entry */
	{ 3, 1, PROTO_ECOUNT },		/* strings left over */
	{ 3, 3, PROTO_ECOUNT },		/* one string missing */
	{ 4, 2, PROTO_ECOUNT },
	{ 0, 2, PROTO_ECOUNT },		/* no command */
	{ PROTO_MAX_ARGC + 1, 0, PROTO_ECOUNT },
	{ UINT32_MAX, UINT32_MAX, PROTO_ECOUNT },
	{ 3, PROTO_MAX_ENVC + 1, PROTO_ECOUNT },
	{ 5, 0, PROTO_OK },		/* env entries as arguments */
};

START_TEST(test_counts)
{
	const struct count_case *c = &count_cases[_i];
	struct proto_request r;
	size_t len;
	unsigned char *b = frame(&len);

	proto_encode_hdr(b, PT_REQUEST, c->argc, c->envc,
	    (uint32_t)(len - PROTO_HDR_LEN));
	ck_assert_int_eq(decode(b, len, &r), c->r);
	if (c->r != PROTO_OK)
		ck_assert_ptr_null(r.argv);
	proto_request_free(&r);
	free(b);
}
END_TEST

START_TEST(test_unterminated)
{
	struct proto_request r;
	size_t len;
	unsigned char *b = frame(&len);

	/* the last NUL replaced: the string runs to the end of the frame */
	b[len - 1] = 'x';
	ck_assert_int_eq(decode(b, len, &r), PROTO_ECOUNT);
	/* no NUL at all */
	memset(b + PROTO_HDR_LEN, 'A', len - PROTO_HDR_LEN);
	ck_assert_int_eq(decode(b, len, &r), PROTO_ESTRING);
	free(b);
}
END_TEST

START_TEST(test_bad_strings)
{
	static const char relcwd[] = "tmp\0true\0";
	static const char noeq[] = "/\0true\0NOEQUALS\0";
	static const char emptyname[] = "/\0true\0=v\0";
	unsigned char b[64];
	struct proto_request r;

	memcpy(b + PROTO_HDR_LEN, relcwd, sizeof(relcwd) - 1);
	proto_encode_hdr(b, PT_REQUEST, 1, 0, sizeof(relcwd) - 1);
	ck_assert_int_eq(decode(b, PROTO_HDR_LEN + sizeof(relcwd) - 1, &r),
	    PROTO_ESTRING);
	memcpy(b + PROTO_HDR_LEN, noeq, sizeof(noeq) - 1);
	proto_encode_hdr(b, PT_REQUEST, 1, 1, sizeof(noeq) - 1);
	ck_assert_int_eq(decode(b, PROTO_HDR_LEN + sizeof(noeq) - 1, &r),
	    PROTO_ESTRING);
	memcpy(b + PROTO_HDR_LEN, emptyname, sizeof(emptyname) - 1);
	proto_encode_hdr(b, PT_REQUEST, 1, 1, sizeof(emptyname) - 1);
	ck_assert_int_eq(decode(b, PROTO_HDR_LEN + sizeof(emptyname) - 1,
	    &r), PROTO_ESTRING);
}
END_TEST

START_TEST(test_limits)
{
	size_t n = PROTO_MAX_ARGC + 1, len;
	char **av = calloc(n, sizeof(*av));
	char *big = malloc(PROTO_MAX_ARGBYTES + 1);
	unsigned char *b = malloc(PROTO_MAX_FRAME);
	struct proto_request r;

	for (size_t i = 0; i < n; i++)
		av[i] = "x";
	ck_assert_int_eq(proto_encode_request("/", av, n, NULL, 0, b,
	    PROTO_MAX_FRAME, &len), PROTO_ECOUNT);
	ck_assert_int_eq(proto_encode_request("/", av, n - 1, NULL, 0, b,
	    PROTO_MAX_FRAME, &len), PROTO_OK);
	ck_assert_int_eq(decode(b, len, &r), PROTO_OK);
	ck_assert_uint_eq(r.argc, PROTO_MAX_ARGC);
	proto_request_free(&r);
	memset(big, 'a', PROTO_MAX_ARGBYTES);
	big[PROTO_MAX_ARGBYTES] = '\0';
	av[0] = big;
	ck_assert_int_eq(proto_encode_request("/", av, 1, NULL, 0, b,
	    PROTO_MAX_FRAME, &len), PROTO_ELIMIT);
	/* hand-made: the argv bytes over the limit, the frame under it */
	big[PROTO_MAX_ARGBYTES - 10] = '\0';
	ck_assert_int_eq(proto_encode_request("/", av, 1, NULL, 0, b,
	    PROTO_MAX_FRAME, &len), PROTO_OK);
	memcpy(b + len, "b\0", 2);
	memcpy(b + len + 2, "cccccccccccccc\0", 15);
	proto_encode_hdr(b, PT_REQUEST, 3, 0, (uint32_t)(len + 17 -
	    PROTO_HDR_LEN));
	ck_assert_int_eq(decode(b, len + 17, &r), PROTO_ELIMIT);
	/* a small buffer: too big, never an overflow */
	ck_assert_int_eq(proto_encode_request("/", argv3, 3, NULL, 0, b, 24,
	    &len), PROTO_ETOOBIG);
	free(av);
	free(big);
	free(b);
}
END_TEST

START_TEST(test_garbage)
{
	unsigned char *b = malloc(PROTO_MAX_FRAME);
	struct proto_request r;
	unsigned seed = 12345;

	/* random bytes behind a plausible header: refused or decoded,
	 * never a crash (the sanitizer build checks the reads) */
	for (int round = 0; round < 2000; round++) {
		size_t len = PROTO_HDR_LEN + (size_t)(rand_r(&seed) % 200);
		enum proto_result res;

		for (size_t i = PROTO_HDR_LEN; i < len; i++)
			b[i] = (unsigned char)(rand_r(&seed) % 4 == 0 ? 0 :
			    rand_r(&seed));
		proto_encode_hdr(b, PT_REQUEST, (uint32_t)(rand_r(&seed) % 6),
		    (uint32_t)(rand_r(&seed) % 4),
		    (uint32_t)(len - PROTO_HDR_LEN));
		res = decode(b, len, &r);
		if (res == PROTO_OK)
			ck_assert_ptr_nonnull(r.argv[0]);
		proto_request_free(&r);
	}
	for (int round = 0; round < 2000; round++) {
		struct proto_hdr h;

		for (size_t i = 0; i < PROTO_HDR_LEN; i++)
			b[i] = (unsigned char)rand_r(&seed);
		ck_assert_int_ne(proto_decode_hdr(b, PROTO_HDR_LEN, &h),
		    PROTO_OK);
	}
	free(b);
}
END_TEST

START_TEST(test_msg)
{
	unsigned char b[PROTO_HDR_LEN + PROTO_MAX_TEXT];
	char *long_text = malloc(PROTO_MAX_TEXT * 2);
	struct proto_hdr h;
	const char *t;
	size_t len;

	ck_assert_int_eq(proto_encode_msg(PT_DENY, 99, 0, "denied: x: no",
	    b, sizeof(b), &len), PROTO_OK);
	ck_assert_int_eq(proto_decode_hdr(b, len, &h), PROTO_OK);
	ck_assert_uint_eq(h.n1, 99);
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_OK);
	ck_assert_str_eq(t, "denied: x: no");
	ck_assert_int_eq(proto_encode_msg(PT_SIGNAL, 2, 0, NULL, b,
	    sizeof(b), &len), PROTO_OK);
	ck_assert_uint_eq(len, PROTO_HDR_LEN);
	ck_assert_int_eq(proto_decode_hdr(b, len, &h), PROTO_OK);
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_OK);
	ck_assert_str_eq(t, "");
	ck_assert_int_eq(proto_encode_msg(PT_REQUEST, 0, 0, NULL, b,
	    sizeof(b), &len), PROTO_ETYPE);
	memset(long_text, 'y', PROTO_MAX_TEXT * 2 - 1);
	long_text[PROTO_MAX_TEXT * 2 - 1] = '\0';
	ck_assert_int_eq(proto_encode_msg(PT_EXIT, 0, 0, long_text, b,
	    sizeof(b), &len), PROTO_OK);
	ck_assert_uint_eq(len, PROTO_HDR_LEN + PROTO_MAX_TEXT);
	ck_assert_int_eq(proto_decode_hdr(b, len, &h), PROTO_OK);
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_OK);
	/* an embedded NUL, or none at the end */
	b[PROTO_HDR_LEN + 5] = '\0';
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_ESTRING);
	b[PROTO_HDR_LEN + 5] = 'y';
	b[len - 1] = 'y';
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_ESTRING);
	h.len = PROTO_MAX_TEXT + 1;
	ck_assert_int_eq(proto_decode_msg(&h, (char *)b + PROTO_HDR_LEN, &t),
	    PROTO_ETOOBIG);
	ck_assert_str_eq(proto_strerror(PROTO_ETOOBIG), "frame too large");
	ck_assert_str_eq(proto_strerror((enum proto_result)1000),
	    "unknown error");
	free(long_text);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *
suite_proto(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_header_errors);
	tcase_add_loop_test(tc, test_counts, 0, NELEM(count_cases));
	tcase_add_test(tc, test_unterminated);
	tcase_add_test(tc, test_bad_strings);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_msg);
	suite_add_tcase(s, tc);
	return s;
}
