/* SPDX-License-Identifier: ISC */
/*
 * fuzz_proto.c - the broker's frame decoder (proto.c): a byte stream
 * read as rootgated and the client read it, one frame after another
 * (proto_decode_hdr, then, for a whole frame, proto_decode_request or
 * proto_decode_msg on a payload buffer of exactly the header's length).
 * Whatever decodes must encode back to the same bytes: a frame the
 * decoder accepts and the encoder would not produce, or the reverse, is a
 * differential between client and broker, and aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "fuzz.h"

static unsigned char encbuf[PROTO_MAX_FRAME];

static void __attribute__((noreturn))
differ(const char *what)
{
	fprintf(stderr, "fuzz_proto: %s\n", what);
	abort();
}

static void
request(const struct proto_hdr *h, const unsigned char *frame,
    const char *payload)
{
	struct proto_request r;
	size_t n;

	if (proto_decode_request(h, payload, &r) != PROTO_OK)
		return;
	if (r.argc != h->n1 || r.envc != h->n2 || r.argv[r.argc] != NULL ||
	    r.envp[r.envc] != NULL)
		differ("request: counts or vectors wrong");
	if (proto_encode_request(r.cwd, r.argv, r.argc, r.envp, r.envc,
	    encbuf, sizeof(encbuf), &n) != PROTO_OK)
		differ("request: decoded, but does not encode");
	if (n != PROTO_HDR_LEN + h->len ||
	    memcmp(encbuf, frame, PROTO_HDR_LEN) != 0 ||
	    (h->len > 0 && memcmp(encbuf + PROTO_HDR_LEN, payload,
	    h->len) != 0))
		differ("request: encodes to other bytes");
	proto_request_free(&r);
}

static void
message(const struct proto_hdr *h, const unsigned char *frame,
    const char *payload)
{
	const char *text;
	size_t n;

	if (proto_decode_msg(h, payload, &text) != PROTO_OK)
		return;
	/* a payload of one NUL decodes to "", which encodes as none */
	if (text[0] == '\0')
		return;
	if (proto_encode_msg(h->type, h->n1, h->n2, text, encbuf,
	    sizeof(encbuf), &n) != PROTO_OK)
		differ("message: decoded, but does not encode");
	if (n != PROTO_HDR_LEN + h->len ||
	    memcmp(encbuf, frame, PROTO_HDR_LEN) != 0 ||
	    memcmp(encbuf + PROTO_HDR_LEN, payload, h->len) != 0)
		differ("message: encodes to other bytes");
}

/* One frame at data (size bytes left); how many bytes it took, 0: no
 * more frames. */
static size_t
frame(const unsigned char *data, size_t size)
{
	struct proto_hdr h;
	enum proto_result res;
	char *payload = NULL;

	res = proto_decode_hdr(data, size, &h);
	(void)proto_strerror(res);
	if (res != PROTO_OK || size - PROTO_HDR_LEN < h.len)
		return 0;
	/* as rootgated: no buffer for an empty payload, else its size */
	if (h.len > 0) {
		if ((payload = malloc(h.len)) == NULL)
			return 0;
		memcpy(payload, data + PROTO_HDR_LEN, h.len);
	}
	/* every decoder on every frame: each must refuse what is not its */
	request(&h, data, payload);
	message(&h, data, payload != NULL ? payload : "");
	free(payload);
	return PROTO_HDR_LEN + h.len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;

	/* a short header is PROTO_SHORT, never a read past it */
	if (size < PROTO_HDR_LEN) {
		struct proto_hdr h;
		unsigned char *b = malloc(size > 0 ? size : 1);

		if (b != NULL) {
			memcpy(b, data, size);
			if (proto_decode_hdr(b, size, &h) != PROTO_SHORT)
				differ("a short header decoded");
			free(b);
		}
		return 0;
	}
	while (size >= PROTO_HDR_LEN && (n = frame(data, size)) > 0) {
		data += n;
		size -= n;
	}
	return 0;
}
