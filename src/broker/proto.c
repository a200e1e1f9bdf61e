/* SPDX-License-Identifier: ISC */
/*
 * proto.c - broker frames (proto.h, doc/protocol.md).
 *
 * Invariants:
 * 1. No I/O, no globals: a frame is bytes in, a verdict out.
 * 2. Every length and count is checked against a hard limit before it is
 *    used to index or allocate; lengths must add up to the frame exactly.
 * 3. Nothing sized by the peer goes on the stack.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

static const char *const results[] = {
	[PROTO_OK] = "ok",
	[PROTO_SHORT] = "truncated frame",
	[PROTO_EMAGIC] = "not a rootgate frame (bad magic)",
	[PROTO_EVERSION] = "unsupported protocol version",
	[PROTO_ETYPE] = "unexpected frame type",
	[PROTO_ETOOBIG] = "frame too large",
	/* one message split over two lines */
	[PROTO_ECOUNT] = "counts do not match the payload or are over limits",
	[PROTO_ESTRING] = "malformed string in the payload",
	[PROTO_ELIMIT] = "argument or environment bytes over limits",
	[PROTO_ENOMEM] = "out of memory",
};

const char *
proto_strerror(enum proto_result r)
{
	if ((size_t)r >= sizeof(results) / sizeof(results[0]))
		return "unknown error";
	return results[r];
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

void
proto_encode_hdr(void *out, enum proto_type type, uint32_t n1, uint32_t n2,
    uint32_t len)
{
	unsigned char *p = out;

	put32(p, PROTO_MAGIC);
	p[4] = PROTO_VERSION & 0xff;
	p[5] = 0;
	p[6] = (unsigned char)type;
	p[7] = 0;
	put32(p + 8, n1);
	put32(p + 12, n2);
	put32(p + 16, len);
}

enum proto_result
proto_decode_hdr(const void *buf, size_t len, struct proto_hdr *h)
{
	const unsigned char *p = buf;

	if (len < PROTO_HDR_LEN)
		return PROTO_SHORT;
	h->magic = get32(p);
	h->version = get16(p + 4);
	h->type = get16(p + 6);
	h->n1 = get32(p + 8);
	h->n2 = get32(p + 12);
	h->len = get32(p + 16);
	if (h->magic != PROTO_MAGIC)
		return PROTO_EMAGIC;
	if (h->version != PROTO_VERSION)
		return PROTO_EVERSION;
	if (h->type < PT_REQUEST || h->type > PT_ERROR)
		return PROTO_ETYPE;
	if (h->len > PROTO_MAX_FRAME - PROTO_HDR_LEN)
		return PROTO_ETOOBIG;
	return PROTO_OK;
}

/* The string at p, within end: its length, or -1 if no NUL before end. */
static long
str_in(const char *p, const char *end)
{
	const char *z = memchr(p, '\0', (size_t)(end - p));

	return z == NULL ? -1 : (long)(z - p);
}

static bool
env_entry_ok(const char *e, long n)
{
	const char *eq = memchr(e, '=', (size_t)n);

	return eq != NULL && eq != e && n < (long)PROTO_MAX_ENTRY;
}

/* Walk the payload once, checking every string (invariant 2). */
static enum proto_result
check_request(const struct proto_hdr *h, const char *payload)
{
	const char *p = payload, *end = payload + h->len;
	size_t argbytes = 0, envbytes = 0;
	long n;

	if ((n = str_in(p, end)) < 0)
		return PROTO_ESTRING;
	if (p[0] != '/' || n >= (long)PROTO_MAX_CWD)
		return PROTO_ESTRING;
	p += n + 1;
	for (size_t i = 0; i < (size_t)h->n1 + h->n2; i++) {
		if (p >= end || (n = str_in(p, end)) < 0)
			return PROTO_ECOUNT;
		if (i < h->n1)
			argbytes += (size_t)n + 1;
		else if (!env_entry_ok(p, n))
			return PROTO_ESTRING;
		else
			envbytes += (size_t)n + 1;
		p += n + 1;
	}
	if (p != end)
		return PROTO_ECOUNT;
	if (argbytes > PROTO_MAX_ARGBYTES || envbytes > PROTO_MAX_ENVBYTES)
		return PROTO_ELIMIT;
	return PROTO_OK;
}

enum proto_result
proto_decode_request(const struct proto_hdr *h, const char *payload,
    struct proto_request *r)
{
	const char *p = payload;
	enum proto_result res;

	memset(r, 0, sizeof(*r));
	if (h->type != PT_REQUEST)
		return PROTO_ETYPE;
	if (h->n1 < 1 || h->n1 > PROTO_MAX_ARGC || h->n2 > PROTO_MAX_ENVC)
		return PROTO_ECOUNT;
	if (h->len == 0)
		return PROTO_SHORT;
	if ((res = check_request(h, payload)) != PROTO_OK)
		return res;
	r->argv = calloc((size_t)h->n1 + 1, sizeof(*r->argv));
	r->envp = calloc((size_t)h->n2 + 1, sizeof(*r->envp));
	if (r->argv == NULL || r->envp == NULL) {
		proto_request_free(r);
		return PROTO_ENOMEM;
	}
	r->cwd = p;
	p += strlen(p) + 1;
	for (r->argc = 0; r->argc < h->n1; r->argc++, p += strlen(p) + 1)
		r->argv[r->argc] = (char *)(uintptr_t)p;
	for (r->envc = 0; r->envc < h->n2; r->envc++, p += strlen(p) + 1)
		r->envp[r->envc] = (char *)(uintptr_t)p;
	return PROTO_OK;
}

void
proto_request_free(struct proto_request *r)
{
	free(r->argv);
	free(r->envp);
	memset(r, 0, sizeof(*r));
}

/* Append s and its NUL at *o; false when it does not fit. */
static bool
put_str(char *buf, size_t buflen, size_t *o, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > buflen - *o)
		return false;
	memcpy(buf + *o, s, n);
	*o += n;
	return true;
}

enum proto_result
proto_encode_request(const char *cwd, char *const *argv, size_t argc,
    char *const *envp, size_t envc, void *buf, size_t buflen,
    size_t *outlen)
{
	size_t o = PROTO_HDR_LEN, argbytes = 0, envbytes = 0;
	char *b = buf;

	if (argc < 1 || argc > PROTO_MAX_ARGC || envc > PROTO_MAX_ENVC)
		return PROTO_ECOUNT;
	if (cwd[0] != '/' || strlen(cwd) >= PROTO_MAX_CWD)
		return PROTO_ESTRING;
	if (buflen > PROTO_MAX_FRAME)
		buflen = PROTO_MAX_FRAME;
	if (buflen < PROTO_HDR_LEN || !put_str(b, buflen, &o, cwd))
		return PROTO_ETOOBIG;
	for (size_t i = 0; i < argc; i++) {
		argbytes += strlen(argv[i]) + 1;
		if (argbytes > PROTO_MAX_ARGBYTES)
			return PROTO_ELIMIT;
		if (!put_str(b, buflen, &o, argv[i]))
			return PROTO_ETOOBIG;
	}
	for (size_t i = 0; i < envc; i++) {
		size_t n = strlen(envp[i]);

		envbytes += n + 1;
		if (!env_entry_ok(envp[i], (long)n))
			return PROTO_ESTRING;
		if (envbytes > PROTO_MAX_ENVBYTES)
			return PROTO_ELIMIT;
		if (!put_str(b, buflen, &o, envp[i]))
			return PROTO_ETOOBIG;
	}
	proto_encode_hdr(b, PT_REQUEST, (uint32_t)argc, (uint32_t)envc,
	    (uint32_t)(o - PROTO_HDR_LEN));
	*outlen = o;
	return PROTO_OK;
}

enum proto_result
proto_encode_msg(enum proto_type type, uint32_t n1, uint32_t n2,
    const char *text, void *buf, size_t buflen, size_t *outlen)
{
	size_t n = text != NULL ? strnlen(text, PROTO_MAX_TEXT - 1) : 0;
	char *b = buf;

	if (type < PT_SIGNAL || type > PT_ERROR)
		return PROTO_ETYPE;
	if (buflen < PROTO_HDR_LEN + PROTO_MAX_TEXT)
		return PROTO_ETOOBIG;
	if (text != NULL && text[0] != '\0') {
		memcpy(b + PROTO_HDR_LEN, text, n);
		b[PROTO_HDR_LEN + n] = '\0';
		n++;
	} else
		n = 0;
	proto_encode_hdr(b, type, n1, n2, (uint32_t)n);
	*outlen = PROTO_HDR_LEN + n;
	return PROTO_OK;
}

enum proto_result
proto_decode_msg(const struct proto_hdr *h, const char *payload,
    const char **text)
{
	*text = "";
	if (h->type < PT_SIGNAL || h->type > PT_ERROR)
		return PROTO_ETYPE;
	if (h->len == 0)
		return PROTO_OK;
	if (h->len > PROTO_MAX_TEXT)
		return PROTO_ETOOBIG;
	if (memchr(payload, '\0', h->len) != payload + h->len - 1)
		return PROTO_ESTRING;
	*text = payload;
	return PROTO_OK;
}
