/* SPDX-License-Identifier: ISC */
/*
 * test_proto_more.c - the encoder refuses what the decoder would refuse,
 * before writing a frame: counts, the cwd, argv and env limits, a buffer
 * too small, and message types.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "suites.h"

static char *const argv1[] = { "true" };
static char *const env1[] = { "LANG=C" };

static enum proto_result
enc(const char *cwd, char *const *argv, size_t argc, char *const *envp,
    size_t envc, size_t buflen)
{
	static unsigned char b[PROTO_MAX_FRAME + 64];
	size_t len = 0;

	return proto_encode_request(cwd, argv, argc, envp, envc, b, buflen,
	    &len);
}

START_TEST(test_encode_counts_and_cwd)
{
	ck_assert_int_eq(enc("/", argv1, 0, env1, 0, PROTO_MAX_FRAME),
	    PROTO_ECOUNT);
	ck_assert_int_eq(enc("/", argv1, PROTO_MAX_ARGC + 1, env1, 0,
	    PROTO_MAX_FRAME), PROTO_ECOUNT);
	ck_assert_int_eq(enc("/", argv1, 1, env1, PROTO_MAX_ENVC + 1,
	    PROTO_MAX_FRAME), PROTO_ECOUNT);
	/* a relative cwd, and one of PROTO_MAX_CWD bytes, would not decode */
	ck_assert_int_eq(enc("tmp", argv1, 1, env1, 1, PROTO_MAX_FRAME),
	    PROTO_ESTRING);
	{
		char *cwd = malloc(PROTO_MAX_CWD + 1);

		ck_assert_ptr_nonnull(cwd);
		memset(cwd, 'a', PROTO_MAX_CWD);
		cwd[0] = '/';
		cwd[PROTO_MAX_CWD] = '\0';
		ck_assert_int_eq(enc(cwd, argv1, 1, env1, 1, PROTO_MAX_FRAME),
		    PROTO_ESTRING);
		cwd[PROTO_MAX_CWD - 1] = '\0';	/* the longest accepted */
		ck_assert_int_eq(enc(cwd, argv1, 1, env1, 1, PROTO_MAX_FRAME),
		    PROTO_OK);
		free(cwd);
	}
}
END_TEST

START_TEST(test_encode_buffer_sizes)
{
	unsigned char *b = malloc(PROTO_MAX_FRAME + 64);
	struct proto_hdr h;
	size_t len = 0;

	ck_assert_ptr_nonnull(b);
	/* a buffer larger than a frame is used up to PROTO_MAX_FRAME */
	ck_assert_int_eq(proto_encode_request("/", argv1, 1, env1, 1, b,
	    PROTO_MAX_FRAME + 64, &len), PROTO_OK);
	ck_assert_uint_eq(len, PROTO_HDR_LEN + 2 + 5 + 7);
	ck_assert_int_eq(proto_decode_hdr(b, len, &h), PROTO_OK);
	ck_assert_uint_eq(h.len, len - PROTO_HDR_LEN);
	/* not even a header, no room for the cwd, the argv, the env */
	ck_assert_int_eq(enc("/", argv1, 1, env1, 1, PROTO_HDR_LEN - 1),
	    PROTO_ETOOBIG);
	ck_assert_int_eq(enc("/", argv1, 1, env1, 1, PROTO_HDR_LEN + 1),
	    PROTO_ETOOBIG);
	ck_assert_int_eq(enc("/", argv1, 1, env1, 1, PROTO_HDR_LEN + 2 + 4),
	    PROTO_ETOOBIG);
	ck_assert_int_eq(enc("/", argv1, 1, env1, 1,
	    PROTO_HDR_LEN + 2 + 5 + 6), PROTO_ETOOBIG);
	ck_assert_int_eq(enc("/", argv1, 1, env1, 1,
	    PROTO_HDR_LEN + 2 + 5 + 7), PROTO_OK);
	free(b);
}
END_TEST

START_TEST(test_encode_arg_and_env_limits)
{
	size_t big = PROTO_MAX_ENTRY + 2;
	char *s = malloc(PROTO_MAX_ARGBYTES + 2);
	char *argv[2], *envp[1];

	ck_assert_ptr_nonnull(s);
	/* argv over PROTO_MAX_ARGBYTES, counted with the NULs */
	memset(s, 'a', PROTO_MAX_ARGBYTES);
	s[PROTO_MAX_ARGBYTES] = '\0';
	argv[0] = s;
	ck_assert_int_eq(enc("/", argv, 1, env1, 0, PROTO_MAX_FRAME),
	    PROTO_ELIMIT);
	s[PROTO_MAX_ARGBYTES - 1] = '\0';	/* exactly the limit */
	ck_assert_int_eq(enc("/", argv, 1, env1, 0, PROTO_MAX_FRAME),
	    PROTO_OK);
	/* an env entry that is not NAME=VALUE, or is over its limit */
	argv[0] = "true";
	envp[0] = "NOEQUALS";
	ck_assert_int_eq(enc("/", argv, 1, envp, 1, PROTO_MAX_FRAME),
	    PROTO_ESTRING);
	envp[0] = "=value";
	ck_assert_int_eq(enc("/", argv, 1, envp, 1, PROTO_MAX_FRAME),
	    PROTO_ESTRING);
	memset(s, 'v', big);
	memcpy(s, "V=", 2);
	s[big] = '\0';
	envp[0] = s;
	ck_assert_int_eq(enc("/", argv, 1, envp, 1, PROTO_MAX_FRAME),
	    PROTO_ESTRING);
	free(s);
}
END_TEST

/* env entries each under PROTO_MAX_ENTRY, together over PROTO_MAX_ENVBYTES */
START_TEST(test_encode_env_total)
{
	char *envp[PROTO_MAX_ENVC];
	/* entries of each bytes + NUL: n - 1 of them fill the limit exactly */
	size_t each = PROTO_MAX_ENTRY / 2 - 1;
	size_t n = PROTO_MAX_ENVBYTES / (each + 1) + 1;

	ck_assert_uint_le(n, PROTO_MAX_ENVC);
	for (size_t i = 0; i < n; i++) {
		envp[i] = malloc(each + 1);
		ck_assert_ptr_nonnull(envp[i]);
		memset(envp[i], 'x', each);
		memcpy(envp[i], "E=", 2);
		envp[i][each] = '\0';
	}
	ck_assert_int_eq(enc("/", argv1, 1, envp, n, PROTO_MAX_FRAME),
	    PROTO_ELIMIT);
	ck_assert_int_eq(enc("/", argv1, 1, envp, n - 1, PROTO_MAX_FRAME),
	    PROTO_OK);
	/* the same env, within its limits, in a buffer that cannot hold it */
	ck_assert_int_eq(enc("/", argv1, 1, envp, n - 1, PROTO_HDR_LEN + 64),
	    PROTO_ETOOBIG);
	for (size_t i = 0; i < n; i++)
		free(envp[i]);
}
END_TEST

START_TEST(test_encode_msg_types)
{
	unsigned char b[PROTO_HDR_LEN + PROTO_MAX_TEXT];
	size_t len = 0;

	ck_assert_int_eq(proto_encode_msg(PT_REQUEST, 0, 0, "x", b, sizeof(b),
	    &len), PROTO_ETYPE);
	ck_assert_int_eq(proto_encode_msg((enum proto_type)(PT_ERROR + 1), 0,
	    0, "x", b, sizeof(b), &len), PROTO_ETYPE);
	ck_assert_uint_eq(len, 0);
	/* an empty text is no payload at all */
	ck_assert_int_eq(proto_encode_msg(PT_ACCEPT, 0, 0, "", b, sizeof(b),
	    &len), PROTO_OK);
	ck_assert_uint_eq(len, PROTO_HDR_LEN);
}
END_TEST

Suite *
suite_proto_more(void)
{
	Suite *s = suite_create("proto_more");
	TCase *tc = tcase_create("encode");

	tcase_add_test(tc, test_encode_counts_and_cwd);
	tcase_add_test(tc, test_encode_buffer_sizes);
	tcase_add_test(tc, test_encode_arg_and_env_limits);
	tcase_add_test(tc, test_encode_env_total);
	tcase_add_test(tc, test_encode_msg_types);
	suite_add_tcase(s, tc);
	return s;
}
